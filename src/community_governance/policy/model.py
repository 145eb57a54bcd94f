"""Policy: effective-dated parameters, overrides with lineage, and diffs (P, all rules).

A [`Policy`][community_governance.policy.model.Policy] is an immutable set of named
[`Parameter`][community_governance.policy.model.Parameter] objects. Each
parameter implements one rule (``rule``), explains itself in one line in
Chinese and English (``note``), and holds one or more
[`ValueWindow`][community_governance.policy.model.ValueWindow]
objects: a value with the first day it applies (``valid_from``) and, if it
stops, the last day (``valid_until``, inclusive). ``policy.at(date)`` resolves
every parameter on that date into a typed
[`PolicySnapshot`][community_governance.policy.schema.PolicySnapshot].

Overrides never change a policy:
[`Policy.override`][community_governance.policy.model.Policy.override] returns a new one that
records its lineage. Two policies are equal when their parameters are equal;
their id, title and lineage are provenance and do not take part in equality.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Mapping
from typing import Any

import attrs

from community_governance.errors import PolicyDateError, PolicyDateWarning, PolicyError
from community_governance.explain import ParameterUse, Text, render_value
from community_governance.numbers import exact_json
from community_governance.policy.parameter import (
    Parameter,
    ValueWindow,
    check_keys,
    check_name,
    ordered_windows,
    read_note,
    read_parameter,
    read_window,
)
from community_governance.policy.schema import SPECS, PolicySnapshot
from community_governance.policy.values import fail
from community_governance.vocabulary import Lang

__all__ = [
    "FORMAT",
    "MAX_PARAMETERS",
    "ParameterRow",
    "Policy",
    "policy_from_document",
]

#: Version of the policy document format (the ``format`` key of ``[policy]``).
FORMAT = 1
#: The most parameters one policy file may list, local ones included: the shipped policy
#: has a few dozen, and a policy is read whole before anything is checked against it.
MAX_PARAMETERS = 1_000

_CACHED_DATES = 256


def policy_from_document(
    document: Mapping[str, Any], *, source: str = "<document>", base: Policy | None = None
) -> Policy:
    """Build a policy from plain data shaped like a policy file.

    Without ``base`` the document must define every parameter the library
    knows. With ``base`` (a file that ``extends`` another policy) it defines
    only what it changes, and may leave out ``rule`` and ``note`` where the base
    has them.

    Raises:
        PolicyError: naming ``source`` and the field, for any invalid entry.
    """
    try:
        return _policy_from_document(document, source, base)
    except PolicyError as error:
        if error.field and error.field.startswith(source):
            raise
        raise error.in_file(source) from None


def _policy_from_document(document: Mapping[str, Any], source: str, base: Policy | None) -> Policy:
    top = check_keys(document, "(top level)", "policy", ("policy", "parameters"))
    meta = check_keys(
        top.get("policy"), "policy", "policy", ("id", "title", "source", "format", "extends")
    )
    if meta.get("format") != FORMAT:
        raise fail(
            "policy.format", "policy", f"expected format = {FORMAT}", zh=f"应为 format = {FORMAT}"
        )
    policy_id = meta.get("id")
    if not isinstance(policy_id, str) or not policy_id:
        raise fail("policy.id", "policy", "a policy needs an id", zh="政策须有编号")
    title = read_note(meta.get("title"), "policy.title", "policy")
    cited = meta.get("source")
    if not isinstance(cited, str) or not cited.strip():
        raise fail("policy.source", "policy", "a policy cites its source", zh="政策须注明出处")
    raw_parameters = top.get("parameters")
    if not isinstance(raw_parameters, Mapping):
        raise fail("parameters", "policy", "expected a table of parameters", zh="应为参数表")
    if len(raw_parameters) > MAX_PARAMETERS:
        raise fail(
            "parameters",
            "policy",
            f"{len(raw_parameters):,} parameters, more than {MAX_PARAMETERS:,}",
            zh=f"参数 {len(raw_parameters):,} 个，超过上限 {MAX_PARAMETERS:,}",
        )
    parameters = dict(base.parameters) if base is not None else {}
    for name, raw in raw_parameters.items():
        where = f"parameters[{name}]"
        check_name(name, where)
        parameters[name] = read_parameter(name, raw, where, parameters.get(name))
    missing = sorted(set(SPECS) - set(parameters))
    if missing:
        raise fail(
            "parameters",
            "policy",
            f"missing parameter(s): {', '.join(missing)}",
            zh=f"缺少参数：{', '.join(missing)}",
        )
    lineage = (*base.lineage, f"file:{source}") if base is not None else (f"file:{source}",)
    return Policy.create(
        policy_id=policy_id, title=title, source=cited, parameters=parameters, lineage=lineage
    )


# -- the policy --------------------------------------------------------------------------------


@attrs.frozen
class ParameterRow:
    """One line of a policy listing: a parameter's value over one window."""

    name: str
    value: str
    rule: str
    valid_from: dt.date
    valid_until: dt.date | None
    note: Text


@attrs.frozen
class Policy:
    """An immutable, dated, cited set of parameters.

    Build one with [`load_policy`][community_governance.policy.loader.load_policy] (a shipped
    or installed policy, or a file), then resolve it on a date with
    [`at`][community_governance.policy.model.Policy.at].
    """

    parameters: Mapping[str, Parameter]
    policy_id: str = attrs.field(eq=False)
    title: Text = attrs.field(eq=False)
    source: str = attrs.field(eq=False)
    lineage: tuple[str, ...] = attrs.field(eq=False, default=())
    # Snapshots are immutable, so each date is resolved once (a policy is read on the same few
    # dates again and again: every rule of a quarter, every community of a city).
    _snapshots: dict[dt.date, PolicySnapshot] = attrs.field(
        eq=False, repr=False, init=False, factory=dict
    )

    @classmethod
    def create(
        cls,
        *,
        policy_id: str,
        title: Text,
        source: str,
        parameters: Mapping[str, Parameter],
        lineage: tuple[str, ...],
    ) -> Policy:
        """Build and validate a policy (every window of every parameter is checked)."""
        policy = cls(
            parameters=dict(sorted(parameters.items())),
            policy_id=policy_id,
            title=title,
            source=source,
            lineage=lineage,
        )
        policy.validate()
        return policy

    def validate(self) -> None:
        """Check the cross-parameter rules on every date where a value changes.

        Raises:
            PolicyError: two parameters disagree (e.g. a survey answer scoring
                outside the evaluation scale) on some date.
        """
        boundaries: set[dt.date] = set()
        # The cross-parameter rules read the library's parameters only: a municipality's
        # local parameters, however many windows they have, add no date to check.
        for parameter in (p for name, p in self.parameters.items() if name in SPECS):
            for window in parameter.windows:
                boundaries.add(window.valid_from)
                if window.valid_until is not None and window.valid_until < dt.date.max:
                    boundaries.add(window.valid_until + dt.timedelta(days=1))
        for on in sorted(boundaries):
            if all(self.parameters[name].window_at(on) for name in SPECS):
                self.at(on)

    @property
    def first_date(self) -> dt.date:
        """The first day on which any parameter has a value."""
        return min(p.windows[0].valid_from for p in self.parameters.values())

    def parameter(self, name: str) -> Parameter:
        """The parameter called ``name``.

        Raises:
            PolicyError: there is no such parameter.
        """
        try:
            return self.parameters[name]
        except KeyError:
            raise fail(
                name,
                "policy",
                f"no parameter {name!r} in policy {self.policy_id}",
                zh=f"政策 {self.policy_id} 中没有参数 {name!r}",
            ) from None

    def at(self, on: dt.date, /, *, strict: bool = True) -> PolicySnapshot:
        """Every parameter's value on ``on``, typed.

        Args:
            on: the date of the decision.
            strict: if true (the default), a date outside a parameter's
                validity windows raises; if false, it warns
                ([`PolicyDateWarning`][community_governance.errors.PolicyDateWarning]) and
                uses the nearest window.

        Raises:
            PolicyDateError: in strict mode, ``on`` is before the policy takes effect
                (``field`` is ``at``), or outside every window of some parameter.
        """
        if isinstance(on, dt.datetime) or not isinstance(on, dt.date):
            raise PolicyDateError(
                f"expected a date, got {type(on).__name__}",
                field="at",
                rule="policy",
                zh=f"应为日期，实为 {type(on).__name__}",
            )
        if strict and on in self._snapshots:
            return self._snapshots[on]
        if strict and on < self.first_date:
            # Before the policy takes effect no parameter is to blame: name the policy's window.
            raise PolicyDateError(
                f"{on} is before policy {self.policy_id!r} takes effect: its parameters are "
                f"valid from {self.first_date} on",
                field="at",
                rule="policy",
                zh=f"{on} 早于政策 {self.policy_id!r} 生效之日：其参数自 {self.first_date} 起有效",
            )
        values: dict[str, Any] = {}
        uses: dict[str, ParameterUse] = {}
        local: dict[str, object] = {}
        for name, parameter in self.parameters.items():
            window = parameter.window_at(on)
            if window is None and name not in SPECS:
                # A municipality's own parameter simply has no value on this date.
                continue
            if window is None:
                spans = ", ".join(
                    f"{w.valid_from}..{w.valid_until or ''}" for w in parameter.windows
                )
                message = f"{on} is outside every validity window ({spans}) of {name}"
                chinese = f"{on} 不在 {name} 的任何有效期（{spans}）之内"
                if strict:
                    raise PolicyDateError(message, field=name, rule=parameter.rule, zh=chinese)
                warnings.warn(
                    PolicyDateWarning(f"{message}; using the nearest", zh=f"{chinese}；取最近的值"),
                    stacklevel=2,
                )
                window = parameter.nearest(on)
            uses[name] = parameter.use(window)
            if name in SPECS:
                values[name] = window.value
            else:
                local[name] = window.value
        snapshot = PolicySnapshot(
            on=on, policy_id=self.policy_id, values=values, uses=uses, local=local
        )
        if strict:
            if len(self._snapshots) >= _CACHED_DATES:
                self._snapshots.clear()
            self._snapshots[on] = snapshot
        return snapshot

    def override(
        self, overrides: Mapping[str, Any], *, policy_id: str | None = None, label: str = "override"
    ) -> Policy:
        """A new policy with ``overrides`` applied; this one is unchanged.

        Each key is a parameter name; each value is one of:

        * a plain value (``"2/3"``, a table of weights, ...): that value on
          every date from the parameter's first ``valid_from``, open-ended;
        * ``{"value": ..., "valid_from": ..., "valid_until": ..., "note": ...}``:
          a dated value spliced into the parameter's timeline (the windows it
          overlaps are cut back);
        * ``{"values": [...], "note": ..., "rule": ..., "reference": ...}``:
          the parameter's whole timeline, as in a policy file;
        * ``None``: remove a municipality's own ``local.`` parameter.

        Raises:
            PolicyError: naming ``overrides[<name>]`` and the reason.
        """
        parameters = dict(self.parameters)
        for name, raw in overrides.items():
            where = f"overrides[{name}]"
            check_name(name, where)
            current = parameters.get(name)
            if raw is None:
                if name in SPECS or current is None:
                    raise fail(
                        where,
                        "policy",
                        "only an existing local. parameter can be removed",
                        zh="只能删除已有的 local. 参数",
                    )
                del parameters[name]
            elif isinstance(raw, Mapping) and "values" in raw:
                parameters[name] = read_parameter(name, raw, where, current)
            elif isinstance(raw, Mapping) and "value" in raw and "valid_from" in raw:
                parameters[name] = self._splice(raw, where, current)
            else:
                parameters[name] = self._replace(raw, where, current)
        return Policy.create(
            policy_id=policy_id or self.policy_id,
            title=self.title,
            source=self.source,
            parameters=parameters,
            lineage=(*self.lineage, f"{label}:{','.join(sorted(overrides))}"),
        )

    def _replace(self, raw: object, where: str, current: Parameter | None) -> Parameter:
        if current is None:
            raise fail(
                where,
                "policy",
                "a new local. parameter needs the full form with rule",
                zh="新的 local. 参数须用含 rule 的完整写法",
            )
        start = current.windows[0].valid_from
        window = ValueWindow(start, current.kind.read(raw, f"{where}.value", current.rule))
        return attrs.evolve(current, windows=(window,))

    def _splice(self, raw: Mapping[str, Any], where: str, current: Parameter | None) -> Parameter:
        if current is None:
            raise fail(
                where,
                "policy",
                "a new local. parameter needs the full form with rule",
                zh="新的 local. 参数须用含 rule 的完整写法",
            )
        new = read_window(raw, current.kind, where, current.rule)
        kept: list[ValueWindow] = [new]
        one_day = dt.timedelta(days=1)
        for window in current.windows:
            ends_before = window.valid_until is not None and window.valid_until < new.valid_from
            starts_after = new.valid_until is not None and window.valid_from > new.valid_until
            if ends_before or starts_after:
                kept.append(window)
                continue
            if window.valid_from < new.valid_from:
                kept.append(attrs.evolve(window, valid_until=new.valid_from - one_day))
            if new.valid_until is not None and (
                window.valid_until is None or window.valid_until > new.valid_until
            ):
                kept.append(attrs.evolve(window, valid_from=new.valid_until + one_day))
        return attrs.evolve(current, windows=ordered_windows(kept, where, current.rule))

    def rows(self) -> tuple[ParameterRow, ...]:
        """Every parameter's value in every window, by name then date."""
        return tuple(
            ParameterRow(
                name=p.name,
                value=render_value(p.kind.dump(w.value)),
                rule=p.rule,
                valid_from=w.valid_from,
                valid_until=w.valid_until,
                note=w.note or p.note,
            )
            for p in self.parameters.values()
            for w in p.windows
        )

    def to_text(self, lang: Lang = "en") -> str:
        """A listing for people, in ``lang``."""
        head = {
            "zh": ("政策", "来源", "沿革", "至今"),
            "en": ("Policy", "Source", "Lineage", "open"),
        }[lang]
        lines = [
            f"{head[0]}: {self.policy_id} — {self.title(lang)}",
            f"{head[1]}: {self.source}",
            f"{head[2]}: {' → '.join(self.lineage)}",
            "",
        ]
        for row in self.rows():
            until = row.valid_until.isoformat() if row.valid_until else head[3]
            lines.append(f"{row.name} = {row.value}")
            lines.append(
                f"    [{row.rule}] {row.valid_from.isoformat()} .. {until}  {row.note(lang)}"
            )
        return "\n".join(lines)

    def to_document(self, *, numbers: bool = False) -> dict[str, Any]:
        """The policy as plain data shaped like a policy file; reads back equal.

        ``numbers``: exact numbers as ``Decimal`` where they have a decimal, for
        ``exact_json`` (see ``to_json``); text otherwise, as a policy file writes them.
        """
        return {
            "policy": {
                "id": self.policy_id,
                "title": {"zh": self.title.zh, "en": self.title.en},
                "source": self.source,
                "format": FORMAT,
            },
            "parameters": {
                name: p.to_document(numbers=numbers) for name, p in self.parameters.items()
            },
        }

    def to_json(self, *, indent: int = 2) -> str:
        """The policy document as JSON: exact numbers as JSON numbers, digit for digit.

        A value with no finite decimal (``1/3``) stays text, as a policy file writes it;
        ``load_document("policy", ...)`` and ``Policy.override`` read both.
        """
        return exact_json(self.to_document(numbers=True), indent)
