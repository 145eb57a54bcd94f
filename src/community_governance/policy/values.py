"""Typed parameter values and the kinds that read and write them (P, all rules).

A *kind* turns the plain data of a policy file (text, integers, booleans,
lists and tables; never floats) into a typed, exact value, validating as it
goes, and writes the value back as plain data that reads back equal. Errors
name the file and field (``where``) and the rule the parameter implements.

Each kind of parameter value reads and writes one value type; the kinds share the
validation helpers and the error form.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Generic, Protocol, TypeVar

import attrs

from community_governance.errors import (
    ExactnessError,
    GovernanceError,
    PolicyError,
    PolicyExactnessError,
)
from community_governance.numbers import as_fraction, format_fraction
from community_governance.policy.scales import AnswerLevel, AnswerScale, GradeBand, ScoreRange
from community_governance.vocabulary import BilingualEnum, Grade

__all__ = []

E = TypeVar("E", bound=BilingualEnum)
V = TypeVar("V", bound=BilingualEnum)
T_co = TypeVar("T_co", covariant=True)

#: How a kind writes an exact number: ``format_fraction`` (text, as in a policy file) or
#: ``json_number`` (a JSON number where it has one).
ExactWriter = Callable[[Fraction], object]


class Kind(Protocol[T_co]):
    """Reads plain data into a typed value and writes it back."""

    def read(self, raw: object, where: str, rule: str) -> T_co:
        """Read and validate ``raw``; raise ``PolicyError`` naming ``where``."""
        ...

    def dump(self, value: Any, exact: ExactWriter = format_fraction) -> object:
        """Write ``value`` as plain data that ``read`` reads back equal.

        ``exact`` writes each exact number: as text by default (a policy file's
        spelling), or as a JSON number where it has one (``json_number``).
        """
        ...


def fail(where: str, rule: str, message: str, *, zh: str | None = None) -> PolicyError:
    """A policy error for field ``where``, its message in English and Chinese."""
    return PolicyError(message, field=where, rule=rule, zh=zh)


def _fraction(raw: object, where: str, rule: str) -> Fraction:
    try:
        return as_fraction(raw, field=where, rule=rule)
    except ExactnessError as error:
        raise PolicyExactnessError(error.message, field=where, rule=rule, zh=error.zh) from error
    except GovernanceError as error:
        raise fail(where, rule, error.message, zh=error.zh) from error


def _table(raw: object, where: str, rule: str, keys: Sequence[str]) -> Mapping[str, object]:
    if not isinstance(raw, Mapping):
        raise fail(
            where,
            rule,
            f"expected a table with keys {', '.join(keys)}",
            zh=f"应为含键 {', '.join(keys)} 的表",
        )
    unknown = sorted(set(raw) - set(keys))
    if unknown:
        raise fail(
            where,
            rule,
            f"unknown key(s) {', '.join(map(str, unknown))}",
            zh=f"未知的键 {', '.join(map(str, unknown))}",
        )
    missing = [k for k in keys if k not in raw]
    if missing:
        raise fail(
            where, rule, f"missing key(s) {', '.join(missing)}", zh=f"缺少键 {', '.join(missing)}"
        )
    return raw


@attrs.frozen
class FractionKind:
    """An exact share or threshold within [low, high] (low excluded if asked)."""

    low: Fraction
    high: Fraction | None
    low_open: bool = False

    def read(self, raw: object, where: str, rule: str) -> Fraction:
        """Read an exact value and check its bounds."""
        value = _fraction(raw, where, rule)
        too_low = value <= self.low if self.low_open else value < self.low
        if too_low or (self.high is not None and value > self.high):
            left = "(" if self.low_open else "["
            high = format_fraction(self.high) if self.high is not None else "∞"
            raise fail(
                where,
                rule,
                f"{format_fraction(value)} is outside {left}{format_fraction(self.low)}, {high}]",
                zh=f"{format_fraction(value)} 超出 {left}{format_fraction(self.low)}, {high}]",
            )
        return value

    def dump(self, value: Fraction, exact: ExactWriter = format_fraction) -> object:
        """Write as exact text."""
        return exact(value)


@attrs.frozen
class IntKind:
    """A whole number within [low, high]."""

    low: int
    high: int | None = None

    def read(self, raw: object, where: str, rule: str) -> int:
        """Read an integer and check its bounds."""
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise fail(
                where,
                rule,
                f"expected a whole number, got {type(raw).__name__} {raw!r}",
                zh=f"应为整数，实为 {type(raw).__name__} {raw!r}",
            )
        if raw < self.low or (self.high is not None and raw > self.high):
            bound = f"{self.low}..{self.high}" if self.high is not None else f">= {self.low}"
            raise fail(
                where,
                rule,
                f"{raw} is outside the allowed range {bound}",
                zh=f"{raw} 超出允许范围 {bound}",
            )
        return raw

    def dump(self, value: int, exact: ExactWriter = format_fraction) -> object:  # noqa: ARG002 - the protocol's signature
        """Write as is."""
        return value


@attrs.frozen
class BoolKind:
    """True or false."""

    def read(self, raw: object, where: str, rule: str) -> bool:
        """Read a boolean."""
        if not isinstance(raw, bool):
            raise fail(
                where,
                rule,
                f"expected true or false, got {raw!r}",
                zh=f"应为 true 或 false，实为 {raw!r}",
            )
        return raw

    def dump(self, value: bool, exact: ExactWriter = format_fraction) -> object:  # noqa: ARG002, FBT001
        """Write as is."""
        return value


@attrs.frozen
class ChoiceKind(Generic[E]):
    """One member of a bilingual enum, written by its code."""

    enum: type[E]

    def read(self, raw: object, where: str, rule: str) -> E:
        """Read a code (or a Chinese or English label)."""
        if not isinstance(raw, str):
            raise fail(
                where,
                rule,
                f"expected one of {self._codes()}, got {raw!r}",
                zh=f"应为 {self._codes()} 之一，实为 {raw!r}",
            )
        try:
            return self.enum.from_label(raw)
        except GovernanceError as error:
            raise fail(
                where,
                rule,
                f"{raw!r} is not one of {self._codes()}",
                zh=f"{raw!r} 不是 {self._codes()} 之一",
            ) from error

    def _codes(self) -> str:
        return ", ".join(m.code for m in self.enum)

    def dump(self, value: E, exact: ExactWriter = format_fraction) -> object:  # noqa: ARG002 - the protocol's signature
        """Write the code."""
        return value.code


@attrs.frozen
class ChoiceListKind(Generic[E]):
    """A list of distinct members of a bilingual enum, in order."""

    enum: type[E]
    allow_empty: bool = False

    def read(self, raw: object, where: str, rule: str) -> tuple[E, ...]:
        """Read a list of codes."""
        if not isinstance(raw, list | tuple):
            raise fail(where, rule, "expected a list", zh="应为列表")
        item = ChoiceKind(self.enum)
        members = tuple(item.read(r, f"{where}[{i}]", rule) for i, r in enumerate(raw))
        if len(set(members)) != len(members):
            raise fail(where, rule, "an entry is listed twice", zh="有条目重复")
        if not members and not self.allow_empty:
            raise fail(where, rule, "the list cannot be empty", zh="列表不能为空")
        return members

    def dump(self, value: tuple[E, ...], exact: ExactWriter = format_fraction) -> object:  # noqa: ARG002 - the protocol's signature
        """Write the codes."""
        return [m.code for m in value]


@attrs.frozen
class WeightsKind(Generic[E]):
    """Non-negative exact weights, one per enum member, summing to exactly 1."""

    enum: type[E]

    def read(self, raw: object, where: str, rule: str) -> Mapping[E, Fraction]:
        """Read a table of weights keyed by code and check that they sum to 1."""
        codes = [m.code for m in self.enum]
        table = _table(raw, where, rule, codes)
        weights: dict[E, Fraction] = {}
        for member in self.enum:
            weight = _fraction(table[member.code], f"{where}.{member.code}", rule)
            if weight < 0:
                raise fail(
                    f"{where}.{member.code}",
                    rule,
                    "a weight cannot be negative",
                    zh="权重不能为负数",
                )
            weights[member] = weight
        total = sum(weights.values(), Fraction(0))
        if total != 1:
            raise fail(
                where,
                rule,
                f"weights sum to {format_fraction(total)}, not exactly 1",
                zh=f"权重之和为 {format_fraction(total)}，不恰好为 1",
            )
        return weights

    def dump(self, value: Mapping[E, Fraction], exact: ExactWriter = format_fraction) -> object:
        """Write a table of exact text."""
        return {member.code: exact(weight) for member, weight in value.items()}


@attrs.frozen
class RangeKind:
    """A score range {min, max} with min < max."""

    def read(self, raw: object, where: str, rule: str) -> ScoreRange:
        """Read the range and, optionally, its decimal places (0 to 6; 2 if not given)."""
        keys = ("min", "max", "places") if isinstance(raw, Mapping) and "places" in raw else None
        table = _table(raw, where, rule, keys or ("min", "max"))
        low = _fraction(table["min"], f"{where}.min", rule)
        high = _fraction(table["max"], f"{where}.max", rule)
        if not low < high:
            raise fail(where, rule, "min must be below max", zh="min 须小于 max")
        places = table.get("places", 2)
        if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= 6:  # noqa: PLR2004
            raise fail(
                f"{where}.places",
                rule,
                "places is a whole number from 0 to 6",
                zh="places 须为 0 至 6 的整数",
            )
        return ScoreRange(low, high, places)

    def dump(self, value: ScoreRange, exact: ExactWriter = format_fraction) -> object:
        """Write the range (``places`` only where it is not the default 2)."""
        out: dict[str, object] = {
            "min": exact(value.minimum),
            "max": exact(value.maximum),
        }
        if value.places != 2:  # noqa: PLR2004 - the default
            out["places"] = value.places
        return out


@attrs.frozen
class AnswerScaleKind:
    """A named answer scale; levels best first, codes unique, scores strictly falling."""

    def read(self, raw: object, where: str, rule: str) -> AnswerScale:
        """Read the scale."""
        table = _table(raw, where, rule, ("name", "levels"))
        name, raw_levels = table["name"], table["levels"]
        if not isinstance(name, str) or not name:
            raise fail(f"{where}.name", rule, "expected a non-empty name", zh="应为非空名称")
        if not isinstance(raw_levels, list | tuple) or len(raw_levels) < 2:  # noqa: PLR2004
            raise fail(
                f"{where}.levels",
                rule,
                "a scale needs at least two levels",
                zh="量表至少需要两个等级",
            )
        levels = []
        for i, raw_level in enumerate(raw_levels):
            at = f"{where}.levels[{i}]"
            entry = _table(raw_level, at, rule, ("code", "zh", "en", "score"))
            texts = [entry["code"], entry["zh"], entry["en"]]
            if not all(isinstance(t, str) and t for t in texts):
                raise fail(
                    at,
                    rule,
                    "code, zh and en must be non-empty text",
                    zh="code、zh 和 en 须为非空文本",
                )
            levels.append(
                AnswerLevel(
                    code=str(entry["code"]),
                    zh=str(entry["zh"]),
                    en=str(entry["en"]),
                    score=_fraction(entry["score"], f"{at}.score", rule),
                )
            )
        for attribute in ("code", "zh", "en"):
            seen = [getattr(lv, attribute) for lv in levels]
            if len(set(seen)) != len(seen):
                raise fail(
                    f"{where}.levels",
                    rule,
                    f"two levels share the same {attribute}",
                    zh=f"两个等级的 {attribute} 相同",
                )
        scores = [lv.score for lv in levels]
        if any(a <= b for a, b in itertools.pairwise(scores)):
            raise fail(
                f"{where}.levels",
                rule,
                "scores must fall strictly, best answer first",
                zh="分值须严格递减，最好的答案在前",
            )
        return AnswerScale(name, tuple(levels))

    def dump(self, value: AnswerScale, exact: ExactWriter = format_fraction) -> object:
        """Write the scale."""
        return {
            "name": value.name,
            "levels": [
                {"code": lv.code, "zh": lv.zh, "en": lv.en, "score": exact(lv.score)}
                for lv in value.levels
            ],
        }


@attrs.frozen
class BandsKind:
    """Grade bands, best first, each with its inclusive minimum; no overlaps."""

    def read(self, raw: object, where: str, rule: str) -> tuple[GradeBand, ...]:
        """Read the bands."""
        if not isinstance(raw, list | tuple) or not raw:
            raise fail(
                where,
                rule,
                "expected a non-empty list of {grade, min} tables",
                zh="应为由 {grade, min} 表组成的非空列表",
            )
        grade = ChoiceKind(Grade)
        bands = []
        for i, raw_band in enumerate(raw):
            at = f"{where}[{i}]"
            entry = _table(raw_band, at, rule, ("grade", "min"))
            bands.append(
                GradeBand(
                    grade.read(entry["grade"], f"{at}.grade", rule),
                    _fraction(entry["min"], f"{at}.min", rule),
                )
            )
        grades = [b.grade for b in bands]
        if len(set(grades)) != len(grades):
            raise fail(where, rule, "a grade has two bands", zh="同一等级有两个区间")
        minimums = [b.minimum for b in bands]
        if any(a <= b for a, b in itertools.pairwise(minimums)):
            raise fail(
                where,
                rule,
                "bands overlap: minimums must fall strictly, best grade first",
                zh="区间重叠：最小值须严格递减，最好的等级在前",
            )
        return tuple(bands)

    def dump(self, value: tuple[GradeBand, ...], exact: ExactWriter = format_fraction) -> object:
        """Write the bands."""
        return [{"grade": b.grade.code, "min": exact(b.minimum)} for b in value]


@attrs.frozen
class MappingKind(Generic[E, V]):
    """A table from every member of one enum to a member of another (e.g. routing, C-4)."""

    keys: type[E]
    values: type[V]

    def read(self, raw: object, where: str, rule: str) -> Mapping[E, V]:
        """Read a table keyed by code, every key present."""
        table = _table(raw, where, rule, [m.code for m in self.keys])
        target = ChoiceKind(self.values)
        return {m: target.read(table[m.code], f"{where}.{m.code}", rule) for m in self.keys}

    def dump(self, value: Mapping[E, V], exact: ExactWriter = format_fraction) -> object:  # noqa: ARG002 - the protocol's signature
        """Write codes."""
        return {k.code: v.code for k, v in value.items()}


@attrs.frozen
class AnyKind:
    """Free-form local parameters: text, whole numbers, booleans, exact numbers, dates."""

    def read(self, raw: object, where: str, rule: str) -> object:
        """Accept any plain value but a float."""
        if isinstance(raw, float):
            raise fail(
                where,
                rule,
                f"a float is not exact; write {raw!r} as text",
                zh=f"浮点数不精确；请把 {raw!r} 写成文本",
            )
        if isinstance(raw, Decimal):
            # Kept as its exact text so that it writes and reads back equal.
            return str(raw)
        if isinstance(raw, str | int | bool | dt.date):
            return raw
        raise fail(
            where,
            rule,
            f"local values are text, numbers or dates, got {raw!r}",
            zh=f"本地参数值须为文本、数字或日期，实为 {raw!r}",
        )

    def dump(self, value: object, exact: ExactWriter = format_fraction) -> object:  # noqa: ARG002 - the protocol's signature
        """Write as is."""
        return value
