"""Exact arithmetic: shares, thresholds, scores and the one rounding step.

Every number the mechanism decides on is exact:

* shares and thresholds (P-1 1:2:7, C-3 85%, E-5 10/40/50) are
  ``fractions.Fraction``;
* scores (E-2, E-5) enter as ``decimal.Decimal`` or integers, are carried
  as exact fractions through every mean and weighting, and are rounded once, at
  the end, by [`round_exact`][community_governance.numbers.round_exact] in the mode the policy
  names;
* counts are integers.

A ``float`` is refused with [`ExactnessError`][community_governance.errors.ExactnessError]
(a ``TypeError``): ``0.85`` as a float is ``0.84999999999999997779...`` and
would silently turn 17 of 20 votes into a rejection. Text is welcome and is
parsed exactly: ``"85%"``, ``"17/20"``, ``"0.85"`` and ``"87.5"``.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from fractions import Fraction

from community_governance.errors import ExactnessError, ParseError
from community_governance.evaluation import kernel
from community_governance.vocabulary import BilingualEnum

__all__ = [
    "MAX_DIGITS",
    "Exact",
    "RoundingMode",
    "as_amount",
    "as_count",
    "as_fraction",
    "as_score",
    "exact_json",
    "format_fraction",
    "format_percent",
    "json_number",
    "parse_exact",
    "round_exact",
    "round_ratio",
]

#: Anything the library accepts where an exact number belongs.
Exact = int | Fraction | Decimal | str

#: The most digits an exact number may have, whatever the policy (a bound on every input:
#: reading a number stays linear in its length and never meets Python's own limits).
MAX_DIGITS = 200

_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_RATIO = re.compile(r"([+-]?\d+)\s*/\s*(\d+)")


class RoundingMode(BilingualEnum):
    """How the single rounding step resolves ties (GB/T 8170 names both).

    ``HALF_UP`` is the default on official score sheets (四舍五入);
    ``HALF_EVEN`` (四舍六入五成双) is the option GB/T 8170 describes for
    repeated calculations, as it does not bias sums upward.
    """

    HALF_UP = ("half_up", "四舍五入", "round half up")
    HALF_EVEN = ("half_even", "四舍六入五成双", "round half to even")


def _refuse(value: object, field: str, rule: str) -> ExactnessError:
    kind = type(value).__name__
    hint = " (write it as a string such as '0.85' or '17/20')" if isinstance(value, float) else ""
    hint_zh = "（请写成文本，如 '0.85' 或 '17/20'）" if isinstance(value, float) else ""
    return ExactnessError(
        f"expected an exact number (int, Fraction, Decimal or text), got {kind} {value!r}{hint}",
        field=field,
        rule=rule,
        zh=f"应为精确数值（int、Fraction、Decimal 或文本），实为 {kind} {value!r}{hint_zh}",
    )


def parse_exact(text: str, *, field: str = "value", rule: str = "exact") -> Fraction:
    """Read text as an exact rational number.

    Accepted forms: integers (``"3"``), decimals (``"0.85"``, ``"87.5"``),
    percentages (``"85%"``, ``"87.5%"``) and ratios (``"17/20"``). Surrounding
    white space is ignored; anything else (exponents, ``"nan"``, ``"inf"``) is
    refused so that no spelling is ambiguous.

    Args:
        text: the text to read.
        field: the field path to name in an error.
        rule: the rule ID to name in an error.

    Returns:
        The exact value.

    Raises:
        ParseError: the text is not one of the accepted forms.

    Example:
        >>> parse_exact("85%") == parse_exact("17/20") == parse_exact("0.85")
        True
    """
    body = text.strip()
    _check_length(body, text, field, rule)
    ratio = _RATIO.fullmatch(body)
    if ratio is not None:
        numerator, denominator = int(ratio.group(1)), int(ratio.group(2))
        if denominator == 0:
            raise ParseError(
                f"{text!r} has a zero denominator",
                field=field,
                rule=rule,
                zh=f"{text!r} 的分母为零",
            )
        return Fraction(numerator, denominator)
    percent = body.endswith("%")
    digits = body[:-1].rstrip() if percent else body
    if _DECIMAL.fullmatch(digits) is None:
        raise ParseError(
            f"{text!r} is not an exact number; write e.g. '85%', '17/20', '0.85' or '87.5'",
            field=field,
            rule=rule,
            zh=f"{text!r} 不是精确数值；请写作 '85%'、'17/20'、'0.85' 或 '87.5' 等",
        )
    value = Fraction(Decimal(digits))
    return value / 100 if percent else value


def _check_length(body: str, shown: str, field: str, rule: str) -> None:
    if len(body) > MAX_DIGITS + 3:  # a sign, a point and a percent sign beside the digits
        raise ParseError(
            f"{shown[:20]!r}… has {len(body)} characters; an exact number has at most "
            f"{MAX_DIGITS} digits",
            field=field,
            rule=rule,
            zh=f"{shown[:20]!r}… 有 {len(body)} 个字符；精确数值最多 {MAX_DIGITS} 位",
        )


def _check_decimal(value: Decimal, field: str, rule: str) -> None:
    sign, digits, exponent = value.as_tuple()
    del sign
    if len(digits) > MAX_DIGITS or abs(int(exponent)) > MAX_DIGITS:
        raise ParseError(
            f"a decimal with {len(digits)} digits and exponent {exponent}; an exact number has "
            f"at most {MAX_DIGITS} digits",
            field=field,
            rule=rule,
            zh=f"小数有 {len(digits)} 位数字、指数为 {exponent}；精确数值最多 {MAX_DIGITS} 位",
        )


def as_fraction(value: object, *, field: str = "value", rule: str = "exact") -> Fraction:
    """Convert an exact input to a ``Fraction``, refusing floats.

    Args:
        value: an ``int``, ``Fraction``, finite ``Decimal`` or text that
            [`parse_exact`][community_governance.numbers.parse_exact] accepts.
        field: the field path to name in an error.
        rule: the rule ID to name in an error.

    Returns:
        The exact value.

    Raises:
        ExactnessError: ``value`` is a float, a bool, a non-finite Decimal or
            of another type.
        ParseError: ``value`` is text that does not spell an exact number.
    """
    if isinstance(value, bool):
        raise _refuse(value, field, rule)
    if isinstance(value, Fraction | int):
        return Fraction(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _refuse(value, field, rule)
        _check_decimal(value, field, rule)
        return Fraction(value)
    if isinstance(value, str):
        return parse_exact(value, field=field, rule=rule)
    raise _refuse(value, field, rule)


def as_score(value: object, *, field: str = "score", rule: str = "exact") -> Decimal:
    """Convert a score input to an exact ``Decimal``, refusing floats.

    Scores are written in decimal notation on every score sheet, so a score is
    an ``int``, a finite ``Decimal`` or decimal text (``"87.5"``); a ratio or a
    fraction that has no finite decimal form is refused.

    Raises:
        ExactnessError: ``value`` is a float, a bool or of another type.
        ParseError: ``value`` is text that is not a plain decimal number.
    """
    if isinstance(value, bool | float):
        raise _refuse(value, field, rule)
    if isinstance(value, int):
        if abs(value) >= 10**MAX_DIGITS:
            raise ParseError(
                f"an integer of more than {MAX_DIGITS} digits",
                field=field,
                rule=rule,
                zh=f"整数超过 {MAX_DIGITS} 位",
            )
        return Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _refuse(value, field, rule)
        _check_decimal(value, field, rule)
        return value
    if isinstance(value, str):
        body = value.strip()
        _check_length(body, value, field, rule)
        if _DECIMAL.fullmatch(body) is None:
            raise ParseError(
                f"{value!r} is not a decimal score such as '87.5'",
                field=field,
                rule=rule,
                zh=f"{value!r} 不是分数（应如 '87.5'）",
            )
        return Decimal(body)
    raise _refuse(value, field, rule)


def as_amount(
    value: object, *, field: str = "amount", rule: str = "exact", positive: bool = False
) -> Decimal:
    """An exact decimal amount (hours, yuan, items) that is not negative, or, if asked, positive.

    Raises:
        ExactnessError: a float or another inexact type.
        ParseError: a negative amount, or zero when ``positive``.
    """
    amount = as_score(value, field=field, rule=rule)
    if amount < 0:
        raise ParseError(
            f"an amount cannot be negative, got {amount}",
            field=field,
            rule=rule,
            zh=f"金额不能为负数，实为 {amount}",
        )
    if positive and amount == 0:
        raise ParseError(
            "the amount must be positive, got 0", field=field, rule=rule, zh="金额须为正数，实为 0"
        )
    return amount


def as_count(value: object, *, field: str = "count", rule: str = "exact") -> int:
    """Check that ``value`` is a non-negative integer count.

    Raises:
        ExactnessError: ``value`` is not an ``int`` (bools and floats included).
        ParseError: ``value`` is negative.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise _refuse(value, field, rule)
    if value < 0:
        raise ParseError(
            f"a count cannot be negative, got {value}",
            field=field,
            rule=rule,
            zh=f"计数不能为负数，实为 {value}",
        )
    return value


def round_exact(
    value: Fraction, places: int = 2, mode: RoundingMode = RoundingMode.HALF_UP
) -> Decimal:
    """Round an exact value once, to ``places`` decimals, in ``mode``.

    This is the single rounding step of the library: everything before it is
    exact. The result always carries exactly ``places`` decimals
    (``Decimal("86.20")``, not ``Decimal("86.2")``). Ties are resolved away from
    zero (``HALF_UP``) or to the even neighbour (``HALF_EVEN``); no other value
    is affected by the mode.

    Args:
        value: the exact value to round.
        places: how many decimals to keep (0 or more).
        mode: how to resolve exact ties.

    Returns:
        The rounded value.

    Example:
        >>> from fractions import Fraction
        >>> round_exact(Fraction(1725, 20))
        Decimal('86.25')
        >>> round_exact(Fraction(8625, 1000), 2, RoundingMode.HALF_EVEN)
        Decimal('8.62')
    """
    return round_ratio(value.numerator, value.denominator, places, mode)


def round_ratio(
    numerator: int, denominator: int, places: int = 2, mode: RoundingMode = RoundingMode.HALF_UP
) -> Decimal:
    """``numerator / denominator`` rounded once, in integers only (see ``round_exact``).

    The fraction need not be in lowest terms: the exact integer columns of the evaluation
    round their sums over a common denominator directly (E-5).

    Example:
        >>> round_ratio(8625, 1000, 2, RoundingMode.HALF_EVEN)
        Decimal('8.62')
    """
    if places < 0:
        raise ParseError(
            f"cannot round to {places} places",
            field="places",
            rule="exact",
            zh=f"无法舍入到 {places} 位小数",
        )
    if denominator <= 0:
        raise ParseError(
            "a ratio has a positive denominator",
            field="denominator",
            rule="exact",
            zh="比值的分母须为正数",
        )
    return kernel.round_ratio(
        numerator, denominator, places, half_even=mode is RoundingMode.HALF_EVEN
    )


def format_fraction(value: Fraction) -> str:
    """Write an exact value as text that ``parse_exact`` reads back equal.

    Integers are written plainly, values with a finite decimal expansion as
    decimals (``"0.85"``), and every other value as a ratio (``"1/3"``).
    """
    if value.denominator == 1:
        return str(value.numerator)
    denominator = value.denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator != 1:
        return f"{value.numerator}/{value.denominator}"
    places = max(twos, fives)
    scaled = abs(value) * 10**places
    text = str(scaled.numerator).rjust(places + 1, "0")
    sign = "-" if value < 0 else ""
    return f"{sign}{text[:-places]}.{text[-places:]}"


def format_percent(value: Fraction, places: int = 2) -> str:
    """Show a share as a percentage for people, e.g. ``"85%"`` or ``"33.33%"``.

    Display only: the exact share is what decisions use.
    """
    rounded = round_exact(value * 100, places)
    text = f"{rounded:f}".rstrip("0").rstrip(".") if "." in f"{rounded:f}" else f"{rounded:f}"
    return f"{text}%"


def json_number(value: Fraction) -> Decimal | str:
    """An exact value for ``exact_json``: a JSON number where it can be one.

    A value with a finite decimal expansion is a ``Decimal`` (written digit for digit);
    any other keeps its exact text (``"1/3"``), which every reader takes.
    """
    text = format_fraction(value)
    return text if "/" in text else Decimal(text)


def exact_json(value: object, indent: int = 2) -> str:
    """Plain data as JSON text, a ``Decimal`` as a JSON number digit for digit.

    The standard library writes a ``Decimal`` only through a binary float; a document's
    reported numbers are written from their digits instead, never with an exponent.
    Dates are written as ISO text.
    """
    import json  # noqa: PLC0415 - kept off the import path of the package

    def write(item: object, level: int) -> str:  # noqa: PLR0911 - one return per JSON kind
        pad, end = " " * indent * (level + 1), " " * indent * level
        if isinstance(item, dict):
            if not item:
                return "{}"
            pairs = (
                f"{pad}{json.dumps(str(k), ensure_ascii=False)}: {write(v, level + 1)}"
                for k, v in item.items()
            )
            return "{\n" + ",\n".join(pairs) + "\n" + end + "}"
        if isinstance(item, list | tuple):
            if not item:
                return "[]"
            rows = (pad + write(v, level + 1) for v in item)
            return "[\n" + ",\n".join(rows) + "\n" + end + "]"
        if isinstance(item, Decimal):
            if not item.is_finite():
                raise ValueError(f"{item} is not a number JSON can hold")
            return format(item, "f")
        if isinstance(item, dt.date):
            return json.dumps(item.isoformat())
        if item is None or isinstance(item, bool | int | str):
            return json.dumps(item, ensure_ascii=False)
        raise TypeError(f"{type(item).__name__} is not plain data")

    return write(value, 0)
