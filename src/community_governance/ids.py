"""Ids as they arrive from files: one spelling per id, no hidden characters (E-1, E-4).

A household or a unit is counted by its id, so two spellings of one id would count as two
households, and a sample could be drawn twice from one family. At input, therefore:

- every id is brought to Unicode's composed form (NFC), so that ``"é"`` typed as one
  character or as ``e`` and an accent is one id;
- control and format characters (a newline, NUL, a zero-width space, a byte-order mark)
  are refused: they cannot be seen in a spreadsheet or on the announcement;
- *look-alikes* are found: an id that mixes Latin letters with Cyrillic or Greek ones, and
  two ids of one list that differ only by such letters or by full-width forms
  (``"A12"``, ``"А12"`` with a Cyrillic A, ``"Ａ１２"``). The policy's
  ``input.ids.lookalikes`` says whether they are an error (the default) or a warning.

Ids are otherwise kept as written: case, Chinese characters and punctuation are the
office's own.
"""

from __future__ import annotations

import unicodedata
import warnings
from collections.abc import Callable, Iterable

from community_governance.errors import GovernanceWarning, ParseError
from community_governance.vocabulary import LookalikeRule

__all__ = [
    "LookalikeWarning",
    "as_id",
    "as_ids",
    "check_lookalikes",
    "clean_id",
    "skeleton",
]

#: Letters of other alphabets drawn like Latin ones, to their Latin twin.
_TWINS = str.maketrans(
    "АВЕКМНОРСТХУаеорсхукмтнвіјѕԁɡΑΒΕΖΗΙΚΜΝΟΡΤΥΧαοκνρτυχ",
    "ABEKMHOPCTXYaeopcxykmthbijsdgABEZHIKMNOPTYXaoknptux",
)

#: Alphabets whose letters can pass for Latin ones.
_CONFUSABLE_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")


class LookalikeWarning(GovernanceWarning):
    """Ids that look alike, accepted because the policy says to warn (E-4)."""


def clean_id(value: str, *, field: str, rule: str = "E-4") -> str:
    """``value`` in composed form (NFC) without outer spaces; refused if it hides characters.

    Raises:
        ParseError: the id is empty or holds a control or format character; the message
            names the character by its code point.
    """
    if value.isascii() and value.isprintable():  # the common case: nothing to compose or hide
        text = value.strip()
        if text:
            return text
    text = unicodedata.normalize("NFC", value).strip()
    if not text:
        raise ParseError("an id is non-empty text", field=field, rule=rule, zh="编号须为非空文本")
    for char in text:
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp"):
            raise ParseError(
                f"the id {text!r} holds the invisible character U+{ord(char):04X}; "
                "retype it without control or format characters",
                field=field,
                rule=rule,
                zh=(
                    f"编号 {text!r} 含有不可见字符 U+{ord(char):04X}；"
                    "请去掉控制字符或格式字符后重新输入"
                ),
            )
    return text


def as_id(value: object, *, field: str, rule: str) -> str:
    """An id field of a domain object, cleaned as ``clean_id`` cleans it.

    Every route builds the same objects (Python, JSON documents, tables, the service), and
    their id fields convert with this, so an id is checked once, whatever it came from.
    """
    if not isinstance(value, str):
        raise ParseError(
            f"an id is text, not {type(value).__name__}",
            field=field,
            rule=rule,
            zh=f"编号须为文本，而不是 {type(value).__name__}",
        )
    return clean_id(value, field=field, rule=rule)


def as_ids(values: Iterable[object], *, field: str, rule: str) -> tuple[str, ...]:
    """A list of ids, each cleaned as ``as_id`` cleans one."""
    if isinstance(values, str):
        raise ParseError(
            "a list of ids is a list, not one text",
            field=field,
            rule=rule,
            zh="编号列表须为列表，而不是单个文本",
        )
    return tuple(as_id(value, field=field, rule=rule) for value in values)


def _scripts(text: str) -> set[str]:
    found = set()
    for char in text:
        if char.isalpha():
            name = unicodedata.name(char, "")
            for script in _CONFUSABLE_SCRIPTS:
                if name.startswith(script):
                    found.add(script)
    return found


def skeleton(text: str) -> str:
    """What ``text`` looks like: full-width forms folded (NFKC), look-alike letters to Latin."""
    return unicodedata.normalize("NFKC", text).translate(_TWINS)


def check_lookalikes(
    ids: Iterable[str],
    *,
    field: str,
    rule: str = "E-4",
    on_lookalike: LookalikeRule | Callable[[], LookalikeRule],
) -> None:
    """Refuse (or warn about, per ``on_lookalike``) look-alike ids among ``ids``.

    An id mixing Latin letters with Cyrillic or Greek ones is a look-alike by itself; two
    different ids with the same ``skeleton`` are a pair of look-alikes. Linear in the
    number of ids. ``on_lookalike`` may be a function that reads the policy: it is called
    only when a look-alike is found, so that a trace cites the parameter only where it
    decided something.

    Raises:
        ParseError: under ``LookalikeRule.ERROR``, for the first look-alike found.

    Warns:
        LookalikeWarning: under ``LookalikeRule.WARN``, once per look-alike.
    """
    listed = ids if isinstance(ids, list | tuple) else list(ids)
    if all(text.isascii() for text in listed):
        # ASCII letters are Latin only, and NFKC and the twins' table leave ASCII as it
        # is: distinct ASCII ids never look alike, and most ids are ASCII.
        return
    seen: dict[str, str] = {}
    for text in listed:
        problem = problem_zh = None
        if len(_scripts(text)) > 1:
            problem = f"the id {text!r} mixes Latin letters with Cyrillic or Greek ones"
            problem_zh = f"编号 {text!r} 混用了拉丁字母与西里尔或希腊字母"
        else:
            key = skeleton(text)
            twin = seen.setdefault(key, text)
            if twin != text:
                code = f"U+{ord(_first_difference(twin, text)):04X}"
                problem = f"the ids {twin!r} and {text!r} look alike but differ ({code})"
                problem_zh = f"编号 {twin!r} 与 {text!r} 看似相同，实则不同（{code}）"
        if problem is None:
            continue
        if callable(on_lookalike):
            on_lookalike = on_lookalike()
        if on_lookalike is LookalikeRule.ERROR:
            raise ParseError(
                f"{problem}; write each id in one way (policy input.ids.lookalikes)",
                field=field,
                rule=rule,
                zh=f"{problem_zh}；同一编号请只用一种写法（政策参数 input.ids.lookalikes）",
            )
        warnings.warn(
            LookalikeWarning(f"{field}: {problem} [{rule}]", zh=f"{field}: {problem_zh} [{rule}]"),
            stacklevel=2,
        )


def _first_difference(one: str, other: str) -> str:
    for a, b in zip(one, other, strict=False):
        if a != b:
            return b
    return other[len(one)] if len(other) > len(one) else one[len(other)]
