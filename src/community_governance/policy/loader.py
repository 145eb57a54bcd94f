"""Finding and reading policies: shipped files, local files, installed packages (P, all rules).

Three sources, one result ([`Policy`][community_governance.policy.model.Policy]):

* the policies shipped with the library (``xiamen-127``, the default);
* a TOML file of a municipality's own: complete, or ``extends = "<id>"`` a
  policy and lists only what it changes;
* policies contributed by installed packages through the entry-point group
  ``community_governance.policies``. An entry point names an object that is a
  ``Policy``, a path to a TOML file, or a callable returning either.

TOML is read with the standard library's ``tomllib``, with decimal literals
read as ``Decimal`` so that ``value = 0.85`` stays exact.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Callable
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from community_governance.errors import PolicyDateError, PolicyError, strerror_zh
from community_governance.explain import ExplanationBuilder
from community_governance.numbers import MAX_DIGITS
from community_governance.policy.model import Policy, policy_from_document
from community_governance.policy.schema import PolicySnapshot

__all__ = [
    "DEFAULT_POLICY",
    "ENTRY_POINT_GROUP",
    "MAX_POLICY_TEXT",
    "available_policies",
    "default_policy",
    "load_policy",
    "policy_at",
    "read_policy_text",
    "resolve",
]

# The files and ids being read through ``extends``, innermost last: a cycle is an error.
_EXTENDING: ContextVar[tuple[str, ...]] = ContextVar("extending", default=())

#: The id of the policy used when none is named.
DEFAULT_POLICY = "xiamen-127"
#: The longest policy text read, in characters (the shipped policy has about 13,000), so
#: that parsing is bounded before it starts.
MAX_POLICY_TEXT = 1_000_000
#: Installed packages contribute policies under this entry-point group.
ENTRY_POINT_GROUP = "community_governance.policies"

_SHIPPED = ("xiamen-127",)


def _too_long(source: str) -> PolicyError:
    return PolicyError(
        f"a number of more than {MAX_DIGITS} digits cannot be a policy value",
        field=source,
        rule="policy",
        zh=f"超过 {MAX_DIGITS} 位的数字不可能是政策取值",
    )


def _check_integers(document: object, source: str) -> None:
    """Refuse an integer of more than ``MAX_DIGITS`` digits anywhere in the document.

    Decimals and text are bounded where they are read; an integer arrives from tomllib
    already made, so it is bounded here, walking the document once (no recursion).
    """
    bound = 10**MAX_DIGITS
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, int) and not isinstance(item, bool) and abs(item) >= bound:
            raise _too_long(source)


def read_policy_text(text: str, *, source: str = "<text>", base: Policy | None = None) -> Policy:
    """Read a policy from TOML text (complete, or ``extends`` another policy).

    Args:
        text: the TOML document.
        source: the name to cite in errors and in the lineage.
        base: apply the document, as overrides, onto this policy (a file that
            says ``extends`` must then name this policy's id).

    Raises:
        PolicyError: the text is not valid TOML, or the document is invalid;
            the error names ``source`` and the field.
    """
    import tomllib  # noqa: PLC0415 - only needed when a policy is first read

    if len(text) > MAX_POLICY_TEXT:
        raise PolicyError(
            f"{len(text):,} characters, more than a policy file may have ({MAX_POLICY_TEXT:,})",
            field=source,
            rule="policy",
            zh=f"共 {len(text):,} 个字符，超过政策文件的上限（{MAX_POLICY_TEXT:,}）",
        )

    try:
        document = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        raise PolicyError(
            f"not valid TOML: {error}", field=source, rule="policy", zh=f"不是有效的 TOML：{error}"
        ) from None
    except RecursionError:
        raise PolicyError(
            "arrays or tables are nested too deeply to be a policy",
            field=source,
            rule="policy",
            zh="数组或表嵌套过深，不可能是政策文件",
        ) from None
    except ValueError:
        # tomllib turns an integer literal into an int before any check of ours; past
        # Python's limit on the digits of an int read from text, it raises ValueError.
        raise _too_long(source) from None
    _check_integers(document, source)
    meta = document.get("policy")
    if isinstance(meta, dict) and "extends" in meta:
        parent = meta["extends"]
        if not isinstance(parent, str):
            raise PolicyError(
                "extends names a policy id",
                field=f"{source}: policy.extends",
                zh="extends 须为政策编号",
            )
        if base is None:
            chain = _EXTENDING.get()
            if parent in chain or parent == source:
                raise PolicyError(
                    f"the policy extends itself: {' → '.join((*chain, source, parent))}",
                    field=f"{source}: policy.extends",
                    rule="policy",
                    zh=f"政策扩展了自身：{' → '.join((*chain, source, parent))}",
                )
            token = _EXTENDING.set((*chain, source))
            try:
                base = load_policy(parent)
            finally:
                _EXTENDING.reset(token)
        elif parent != base.policy_id:
            raise PolicyError(
                f"the file extends {parent!r} but is applied to {base.policy_id!r}",
                field=f"{source}: policy.extends",
                rule="policy",
                zh=f"此文件扩展的是 {parent!r}，却被应用于 {base.policy_id!r}",
            )
    return policy_from_document(document, source=source, base=base)


@functools.cache
def _shipped(name: str) -> Policy:
    # The shipped policy comes parsed, as Python data generated from its TOML file (a test
    # keeps the two equal), so that a rule's first call needs neither tomllib nor a file read.
    from community_governance.policy.shipped import SHIPPED  # noqa: PLC0415

    return policy_from_document(SHIPPED[name], source=f"{name}.toml")


def shipped_text(name: str) -> str:
    """The TOML text of shipped policy ``name`` (the source of its parsed form)."""
    from importlib import resources  # noqa: PLC0415 - slow to import; rarely needed

    data = resources.files("community_governance.policy").joinpath(f"data/{name}.toml")
    return data.read_text(encoding="utf-8")


def _entry_points() -> dict[str, Any]:
    from importlib.metadata import entry_points  # noqa: PLC0415 - slow; only when asked

    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def available_policies() -> tuple[str, ...]:
    """The ids of every shipped and installed policy, sorted."""
    return tuple(sorted({*_SHIPPED, *_entry_points()}))


def _from_object(obj: object, name: str) -> Policy:
    if callable(obj) and not isinstance(obj, Policy):
        factory: Callable[[], object] = obj
        obj = factory()
    if isinstance(obj, Policy):
        return obj
    if isinstance(obj, str | os.PathLike) or hasattr(obj, "read_text"):
        return _from_path(obj, name)
    raise PolicyError(
        f"entry point {name!r} gave {type(obj).__name__}; expected a Policy, a path or a "
        "callable returning one",
        field=f"entry-points[{ENTRY_POINT_GROUP}].{name}",
        rule="policy",
        zh=(
            f"入口点 {name!r} 给出的是 {type(obj).__name__}；"
            "应为 Policy、路径或返回 Policy 的可调用对象"
        ),
    )


def _from_path(path: Any, source: str, base: Policy | None = None) -> Policy:
    try:
        if isinstance(path, str | os.PathLike):
            with open(path, encoding="utf-8") as file:  # noqa: PTH123 - pathlib is slow to import
                text = file.read()
        else:
            text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PolicyError(
            f"cannot read the file: {error.strerror}",
            field=str(path),
            rule="policy",
            zh=f"无法读取文件：{strerror_zh(error)}",
        ) from None
    return read_policy_text(text, source=str(source), base=base)


def load_policy(
    name_or_path: str | os.PathLike[str] = DEFAULT_POLICY, *, base: Policy | None = None
) -> Policy:
    """Load a policy by id (shipped or installed) or from a TOML file.

    Args:
        name_or_path: a policy id (see
            [`available_policies`][community_governance.policy.loader.available_policies]) or the
            path
            of a ``.toml`` file.
        base: with a file, apply the file as overrides onto this policy
            (for example one that an installed package contributed) instead of
            the policy its ``extends`` names.

    Raises:
        PolicyError: nothing of that name, an unreadable file or an invalid
            document (naming the file and the field).
    """
    if isinstance(name_or_path, os.PathLike) or str(name_or_path).endswith(".toml"):
        return _from_path(name_or_path, os.fspath(name_or_path), base)
    name = str(name_or_path)
    if name in _SHIPPED:
        return _shipped(name)
    points = _entry_points()
    if name in points:
        return _from_object(points[name].load(), name)
    raise PolicyError(
        f"no policy named {name!r}; available: {', '.join(available_policies())}",
        field="policy",
        rule="policy",
        zh=f"没有名为 {name!r} 的政策；可用：{', '.join(available_policies())}",
    )


def default_policy() -> Policy:
    """The shipped ``xiamen-127`` policy."""
    return _shipped(DEFAULT_POLICY)


def policy_at(at: dt.date, policy: Policy | None = None, *, strict: bool = True) -> PolicySnapshot:
    """Every parameter of ``policy`` (default: ``default_policy``) on date ``on``.

    See [`Policy.at`][community_governance.policy.model.Policy.at].
    """
    return (policy or default_policy()).at(at, strict=strict)


def resolve(
    policy: Policy | PolicySnapshot | None,
    at: dt.date | None,
    builder: ExplanationBuilder | None = None,
) -> PolicySnapshot:
    """The snapshot a rule reads, resolved once per call: the one idiom of ``policy=``/``at=``.

    Args:
        policy: a [Policy][community_governance.policy.model.Policy] (read on ``at``),
            a [PolicySnapshot][community_governance.policy.schema.PolicySnapshot] (used
            as it is), or ``None`` for the shipped default policy.
        at: the date of the act; a ``Policy`` is read on it.
        builder: the explanation of the rule; if given, the snapshot returned
            is a view that records every parameter read in it. Without one, a
            traced view passed in stays traced into its own explanation.

    Raises:
        PolicyDateError: a ``Policy`` (or the default) without a date, or a
            date outside the policy's validity.
        PolicyError: ``policy`` is neither a ``Policy`` nor a snapshot.
    """
    if isinstance(policy, PolicySnapshot):
        return policy if builder is None else policy.traced(builder)
    if policy is not None and not isinstance(policy, Policy):
        raise PolicyError(
            f"policy= takes a Policy or a PolicySnapshot, not {type(policy).__name__}",
            field="policy",
            rule="policy",
            zh=f"policy= 接受 Policy 或 PolicySnapshot，而不是 {type(policy).__name__}",
        )
    if at is None:
        raise PolicyDateError(
            "a policy is read on a date: pass at= (the date of the act)",
            field="at",
            rule="policy",
            zh="读取政策须给出日期：请传 at=（行为发生的日期）",
        )
    snapshot = (policy or default_policy()).at(at)
    return snapshot if builder is None else snapshot.traced(builder)
