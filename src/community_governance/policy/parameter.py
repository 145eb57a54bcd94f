"""Policy parameters and reading them from plain data (P, all rules).

A [`Parameter`][community_governance.policy.parameter.Parameter] implements one rule
(``rule``), explains itself in one line in Chinese and English (``note``), and holds
one or more [`ValueWindow`][community_governance.policy.parameter.ValueWindow]
objects: a value with the first day it applies (``valid_from``) and, if it stops, the
last day (``valid_until``, inclusive). The readers here turn the plain data of a
policy file or an override into parameters, naming the field and the rule of any
error.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from community_governance.explain import ParameterUse, Text, render_value
from community_governance.numbers import format_fraction, json_number
from community_governance.policy.schema import LOCAL_PREFIX, SPECS
from community_governance.policy.values import AnyKind, Kind, fail
from community_governance.rules import is_rule_id

__all__ = [
    "Parameter",
    "ValueWindow",
    "check_keys",
    "check_name",
    "ordered_windows",
    "read_date",
    "read_note",
    "read_parameter",
    "read_rule",
    "read_window",
]

_ANY = AnyKind()


@attrs.frozen
class ValueWindow:
    """A parameter's value over a span of days (``valid_until`` inclusive, or open)."""

    valid_from: dt.date
    value: Any
    valid_until: dt.date | None = None
    note: Text | None = None

    def covers(self, on: dt.date) -> bool:
        """Whether the value applies on ``on``."""
        return self.valid_from <= on and (self.valid_until is None or on <= self.valid_until)


@attrs.frozen
class Parameter:
    """A named policy parameter: the rule it implements, its note and its dated values."""

    name: str
    rule: str
    note: Text
    windows: tuple[ValueWindow, ...]
    reference: str | None = None

    @property
    def kind(self) -> Kind[Any]:
        """How the parameter's values are read and written."""
        spec = SPECS.get(self.name)
        return spec.kind if spec is not None else _ANY

    # The windows' first days, in order (they are sorted and do not overlap): a window is
    # found by bisection, so that a parameter of thousands of windows is read in log time.
    _starts: tuple[dt.date, ...] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_starts", tuple(w.valid_from for w in self.windows))

    def window_at(self, on: dt.date) -> ValueWindow | None:
        """The window that applies on ``on``, if any."""
        index = bisect.bisect_right(self._starts, on) - 1
        if index >= 0 and self.windows[index].covers(on):
            return self.windows[index]
        return None

    def nearest(self, on: dt.date) -> ValueWindow:
        """The window closest to ``on`` (used by lenient lookups)."""
        return min(
            self.windows,
            key=lambda w: min(
                abs((w.valid_from - on).days),
                abs(((w.valid_until or w.valid_from) - on).days),
            ),
        )

    def use(self, window: ValueWindow) -> ParameterUse:
        """Provenance of ``window`` for an explanation."""
        return ParameterUse(
            name=self.name,
            value=render_value(self.kind.dump(window.value)),
            valid_from=window.valid_from,
            rule=self.rule,
        )

    def to_document(self, *, numbers: bool = False) -> dict[str, Any]:
        """The parameter as plain data, as in a policy file (dates in ISO form).

        Exact numbers are text, as a policy file writes them; with ``numbers`` each
        that has a decimal is a ``Decimal``, for a JSON writer (``exact_json``).
        """
        exact = json_number if numbers else format_fraction
        values: list[dict[str, Any]] = []
        for window in self.windows:
            entry: dict[str, Any] = {
                "valid_from": window.valid_from.isoformat(),
                "value": self.kind.dump(window.value, exact),
            }
            if window.valid_until is not None:
                entry["valid_until"] = window.valid_until.isoformat()
            if window.note is not None:
                entry["note"] = {"zh": window.note.zh, "en": window.note.en}
            values.append(entry)
        document: dict[str, Any] = {
            "rule": self.rule,
            "note": {"zh": self.note.zh, "en": self.note.en},
            "values": values,
        }
        if self.reference is not None:
            document["reference"] = self.reference
        return document


def check_keys(raw: object, where: str, rule: str, allowed: Iterable[str]) -> Mapping[str, Any]:
    """``raw`` as a table with no key outside ``allowed``."""
    if not isinstance(raw, Mapping):
        raise fail(where, rule, "expected a table", zh="应为表")
    unknown = sorted(set(map(str, raw)) - set(allowed))
    if unknown:
        raise fail(
            where,
            rule,
            f"unknown key(s): {', '.join(unknown)}",
            zh=f"未知的键：{', '.join(unknown)}",
        )
    return raw


def read_date(raw: object, where: str, rule: str) -> dt.date:
    """A date (ISO text or a TOML date), never a date with a time of day."""
    if isinstance(raw, dt.datetime):
        raise fail(where, rule, "expected a date without a time of day", zh="应为不含时刻的日期")
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            pass
    raise fail(
        where,
        rule,
        f"expected a date such as 2021-01-21, got {raw!r}",
        zh=f"应为日期（如 2021-01-21），实为 {raw!r}",
    )


def read_note(raw: object, where: str, rule: str) -> Text:
    """A note: one line, or a table {zh, en}."""
    if isinstance(raw, str) and raw.strip():
        return Text(raw, raw)
    if isinstance(raw, Mapping):
        table = check_keys(raw, where, rule, ("zh", "en"))
        zh, en = table.get("zh"), table.get("en")
        if isinstance(zh, str) and isinstance(en, str) and zh.strip() and en.strip():
            return Text(zh, en)
    raise fail(
        where,
        rule,
        "a note is one line of text, or a table {zh, en} of two",
        zh="说明须为一行文本，或由 {zh, en} 两项组成的表",
    )


def read_rule(raw: object, where: str, name: str) -> str:
    """The rule ID a parameter implements: the mechanism's for a known name, else a rule's."""
    if not isinstance(raw, str) or not raw.strip():
        raise fail(
            where,
            "policy",
            "every parameter names the rule ID it implements",
            zh="每个参数须写明其实现的规则编号",
        )
    spec = SPECS.get(name)
    if spec is not None and raw != spec.rule:
        raise fail(
            where,
            "policy",
            f"parameter {name} implements {spec.rule}, not {raw}",
            zh=f"参数 {name} 实现的是 {spec.rule}，不是 {raw}",
        )
    if spec is None and not is_rule_id(raw):
        raise fail(
            where,
            "policy",
            f"{raw!r} is not a rule of the mechanism or of an installed rule set, "
            "nor a LOCAL-... ID",
            zh=f"{raw!r} 既不是本机制或已安装规则集的规则编号，也不是 LOCAL-... 编号",
        )
    return raw


def read_window(raw: object, kind: Kind[Any], where: str, rule: str) -> ValueWindow:
    """One dated value, read by the parameter's kind."""
    table = check_keys(raw, where, rule, ("valid_from", "valid_until", "value", "note"))
    if "valid_from" not in table or "value" not in table:
        raise fail(
            where, rule, "a value needs valid_from and value", zh="取值须有 valid_from 和 value"
        )
    start = read_date(table["valid_from"], f"{where}.valid_from", rule)
    end = None
    if "valid_until" in table:
        end = read_date(table["valid_until"], f"{where}.valid_until", rule)
        if end < start:
            raise fail(
                f"{where}.valid_until",
                rule,
                "valid_until is before valid_from",
                zh="valid_until 早于 valid_from",
            )
    note = read_note(table["note"], f"{where}.note", rule) if "note" in table else None
    return ValueWindow(start, kind.read(table["value"], f"{where}.value", rule), end, note)


def ordered_windows(
    windows: Iterable[ValueWindow], where: str, rule: str
) -> tuple[ValueWindow, ...]:
    """The windows by date; at least one, none overlapping."""
    ordered = tuple(sorted(windows, key=lambda w: w.valid_from))
    if not ordered:
        raise fail(where, rule, "a parameter needs at least one value", zh="参数须至少有一个取值")
    for earlier, later in itertools.pairwise(ordered):
        if earlier.valid_until is None or earlier.valid_until >= later.valid_from:
            raise fail(
                where,
                rule,
                f"the value from {earlier.valid_from} overlaps the value from {later.valid_from}",
                zh=f"自 {earlier.valid_from} 起的取值与自 {later.valid_from} 起的取值重叠",
            )
    return ordered


def read_parameter(name: str, raw: object, where: str, inherited: Parameter | None) -> Parameter:
    """A parameter from its table, inheriting rule and note from ``inherited``."""
    table = check_keys(raw, where, "policy", ("rule", "note", "reference", "values"))
    if "rule" in table:
        rule = read_rule(table["rule"], f"{where}.rule", name)
    elif inherited is not None:
        rule = inherited.rule
    else:
        raise fail(
            f"{where}.rule",
            "policy",
            "every parameter names the rule ID it implements",
            zh="每个参数须写明其实现的规则编号",
        )
    if "note" in table:
        note = read_note(table["note"], f"{where}.note", rule)
    elif inherited is not None:
        note = inherited.note
    else:
        raise fail(
            f"{where}.note",
            rule,
            "every parameter carries a one-line note",
            zh="每个参数须有一行说明",
        )
    spec = SPECS.get(name)
    kind = spec.kind if spec is not None else _ANY
    raw_values = table.get("values")
    if not isinstance(raw_values, list | tuple):
        raise fail(
            f"{where}.values",
            rule,
            "expected a list of {valid_from, value} tables",
            zh="应为由 {valid_from, value} 表组成的列表",
        )
    windows = ordered_windows(
        (read_window(v, kind, f"{where}.values[{i}]", rule) for i, v in enumerate(raw_values)),
        f"{where}.values",
        rule,
    )
    reference = table.get("reference", inherited.reference if inherited else None)
    if reference is not None and not isinstance(reference, str):
        raise fail(f"{where}.reference", rule, "a reference is text", zh="参考依据须为文本")
    return Parameter(name, rule, note, windows, reference)


def check_name(name: object, where: str) -> str:
    """A known parameter name, or a municipality's own under ``local.``."""
    if not isinstance(name, str) or (name not in SPECS and not name.startswith(LOCAL_PREFIX)):
        raise fail(
            where,
            "policy",
            f"unknown parameter {name!r}; known: {', '.join(sorted(SPECS))}, "
            f"or a municipality's own under '{LOCAL_PREFIX}'",
            zh=(
                f"未知参数 {name!r}；已知：{', '.join(sorted(SPECS))}，"
                f"或以 '{LOCAL_PREFIX}' 开头的本地参数"
            ),
        )
    return name
