"""Exact numbers: parsing, refusal of floats, and the one rounding step.

Besides the properties: known answers written out by hand (decimals, percentages, ties,
signs), the limits on both sides, and every refusal's class, message, field and rule, both
when the caller names them and by default.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import example, given, strategies as st

from community_governance import (
    RoundingMode,
    as_amount,
    as_count,
    as_fraction,
    as_score,
    format_fraction,
    format_percent,
    parse_exact,
    round_exact,
)
from community_governance.errors import ExactnessError, ParseError
from community_governance.numbers import MAX_DIGITS, exact_json, json_number, round_ratio
from tests.strategies import decimal_text, floats, fractions, scores


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("85%", Fraction(17, 20)),
        ("17/20", Fraction(17, 20)),
        ("0.85", Fraction(17, 20)),
        ("87.5", Fraction(175, 2)),
        (" 87.5% ", Fraction(7, 8)),
        ("-3", Fraction(-3)),
        ("2 / 3", Fraction(2, 3)),
        (".5", Fraction(1, 2)),
    ],
)
def test_parse_exact_reads_every_documented_form(text: str, expected: Fraction) -> None:
    """C-3: '85%', '17/20' and '0.85' all parse to exactly 17/20."""
    assert parse_exact(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "1e3", "nan", "inf", "1/0", "85 %%", "0x10", "1,5"])
def test_parse_exact_refuses_ambiguous_text(text: str) -> None:
    """Text that is not one of the accepted forms raises ParseError naming the field."""
    with pytest.raises(ParseError, match="threshold"):
        parse_exact(text, field="threshold")


@given(fractions)
def test_fraction_text_round_trips(value: Fraction) -> None:
    """Exact values round-trip through their text form."""
    assert parse_exact(format_fraction(value)) == value


@given(scores)
def test_decimal_text_round_trips(value: Decimal) -> None:
    """Decimal scores and their text give identical exact values."""
    assert as_fraction(decimal_text(value)) == as_fraction(value) == Fraction(value)
    assert as_score(decimal_text(value)) == value


@given(floats)
def test_a_float_is_always_refused(value: float) -> None:
    """A float where an exact number belongs is a TypeError naming the parameter."""
    for convert in (as_fraction, as_score, as_count):
        with pytest.raises(ExactnessError, match="weight") as caught:
            convert(value, field="weight")
        assert isinstance(caught.value, TypeError)


def test_other_inexact_inputs_are_refused() -> None:
    """Booleans, NaN Decimals and arbitrary objects are not exact numbers."""
    for bad in (True, Decimal("NaN"), Decimal("Infinity"), None, [1]):
        with pytest.raises(ExactnessError):
            as_fraction(bad)
    with pytest.raises(ParseError):
        as_score("1/3")
    with pytest.raises(ParseError):
        as_count(-1)


def _naive_round(value: Fraction, places: int, mode: RoundingMode) -> Decimal:
    """Reference: Decimal's own quantize at a precision large enough to be exact here."""
    context = Context(prec=200)
    exact = context.divide(Decimal(value.numerator), Decimal(value.denominator))
    rounding = ROUND_HALF_UP if mode is RoundingMode.HALF_UP else ROUND_HALF_EVEN
    return exact.quantize(Decimal(1).scaleb(-places), rounding=rounding, context=context)


@given(fractions, st.integers(0, 6), st.sampled_from(list(RoundingMode)))
@example(Fraction(8625, 100), 1, RoundingMode.HALF_UP)  # a tie: 86.25 -> 86.3
@example(Fraction(8625, 100), 1, RoundingMode.HALF_EVEN)  # the same tie -> 86.2
@example(Fraction(-5, 2), 0, RoundingMode.HALF_UP)  # ties go away from zero
def test_round_exact_agrees_with_a_reference(
    value: Fraction, places: int, mode: RoundingMode
) -> None:
    """E-5: the one rounding step keeps `places` decimals and rounds ties as the mode says."""
    # Denominators up to 10_000 have exact expansions within 200 digits only if 2/5-smooth;
    # others never land on a tie, so the reference's last-digit rounding is still right.
    result = round_exact(value, places, mode)
    assert result == _naive_round(value, places, mode)
    assert result.as_tuple().exponent == -places
    assert abs(Fraction(result) - value) <= Fraction(1, 2 * 10**places)


@given(st.integers(-(10**6), 10**6), st.integers(0, 4))
def test_half_up_and_half_even_differ_exactly_on_ties(whole: int, places: int) -> None:
    """Half-up and half-even differ on a tie between an even and an odd neighbour, nowhere else."""
    tie = (Fraction(whole) + Fraction(1, 2)) / 10**places
    up = round_exact(tie, places, RoundingMode.HALF_UP)
    even = round_exact(tie, places, RoundingMode.HALF_EVEN)
    assert (up != even) == (whole % 2 == 0 if whole >= 0 else whole % 2 == 1)
    nudged = tie + Fraction(1, 10 ** (places + 3))
    assert round_exact(nudged, places, RoundingMode.HALF_UP) == round_exact(
        nudged, places, RoundingMode.HALF_EVEN
    )


def test_round_exact_refuses_negative_places() -> None:
    """Rounding to a negative number of places is refused."""
    with pytest.raises(ParseError, match="places"):
        round_exact(Fraction(1), -1)


def test_format_percent_is_for_people() -> None:
    """Shares display as percentages; the exact share stays what decides."""
    assert format_percent(Fraction(17, 20)) == "85%"
    assert format_percent(Fraction(1, 3)) == "33.33%"
    assert format_percent(Fraction(1)) == "100%"


@given(scores)
def test_amounts_are_exact_and_never_negative(value: Decimal) -> None:
    """P-2, M-3: amounts read exactly; negatives are refused; zero only when allowed."""
    assert as_amount(decimal_text(value)) == value
    with pytest.raises(ParseError, match="negative"):
        as_amount(-value - 1)
    if value == 0:
        with pytest.raises(ParseError, match="positive"):
            as_amount(value, positive=True)


# -- known answers and refusals, pinned --------------------------------------------------

FLOAT_HINT = " (write it as a string such as '0.85' or '17/20')"
EXACT = "expected an exact number (int, Fraction, Decimal or text), got "
LONG = "1" * (MAX_DIGITS + 4)
BIG_DECIMAL = Decimal("1E+201")
AT_MOST = f"an exact number has at most {MAX_DIGITS} digits"
TOO_LONG = f"{LONG[:20]!r}… has {len(LONG)} characters; {AT_MOST}"

CASES: list[tuple[Any, Any, type[Exception], str]] = [
    # (function, value, error class, the whole message)
    (as_fraction, 0.5, ExactnessError, f"{EXACT}float 0.5{FLOAT_HINT}"),
    (as_fraction, True, ExactnessError, f"{EXACT}bool True"),
    (as_fraction, None, ExactnessError, f"{EXACT}NoneType None"),
    (as_fraction, Decimal("NaN"), ExactnessError, f"{EXACT}Decimal Decimal('NaN')"),
    (as_fraction, "1/0", ParseError, "'1/0' has a zero denominator"),
    (
        as_fraction,
        "1e3",
        ParseError,
        "'1e3' is not an exact number; write e.g. '85%', '17/20', '0.85' or '87.5'",
    ),
    (
        as_fraction,
        LONG,
        ParseError,
        TOO_LONG,
    ),
    (
        as_fraction,
        BIG_DECIMAL,
        ParseError,
        f"a decimal with 1 digits and exponent 201; {AT_MOST}",
    ),
    (as_score, 87.5, ExactnessError, f"{EXACT}float 87.5{FLOAT_HINT}"),
    (as_score, False, ExactnessError, f"{EXACT}bool False"),
    (as_score, Fraction(1, 3), ExactnessError, f"{EXACT}Fraction Fraction(1, 3)"),
    (as_score, Decimal("Infinity"), ExactnessError, f"{EXACT}Decimal Decimal('Infinity')"),
    (as_score, 10**MAX_DIGITS, ParseError, f"an integer of more than {MAX_DIGITS} digits"),
    (as_score, BIG_DECIMAL, ParseError, f"a decimal with 1 digits and exponent 201; {AT_MOST}"),
    (as_score, "17/20", ParseError, "'17/20' is not a decimal score such as '87.5'"),
    (
        as_score,
        LONG,
        ParseError,
        TOO_LONG,
    ),
    (as_amount, "-1.5", ParseError, "an amount cannot be negative, got -1.5"),
    (as_amount, 0.25, ExactnessError, f"{EXACT}float 0.25{FLOAT_HINT}"),
    (as_count, -1, ParseError, "a count cannot be negative, got -1"),
    (as_count, 2.0, ExactnessError, f"{EXACT}float 2.0{FLOAT_HINT}"),
    (as_count, True, ExactnessError, f"{EXACT}bool True"),
    (as_count, "3", ExactnessError, f"{EXACT}str '3'"),
]
DEFAULT_FIELD = {as_fraction: "value", as_score: "score", as_amount: "amount", as_count: "count"}


@pytest.mark.parametrize(("function", "value", "error", "message"), CASES)
def test_each_refusal_names_its_field_rule_and_value(
    function: Any, value: Any, error: type[Exception], message: str
) -> None:
    """Exactness: the class, the whole message, and the field and rule the caller names."""
    with pytest.raises(error) as named:
        function(value, field="ratings[3].score", rule="E-2")
    assert type(named.value) is error
    assert named.value.message == message  # type: ignore[attr-defined]
    assert (named.value.field, named.value.rule) == ("ratings[3].score", "E-2")  # type: ignore[attr-defined]
    with pytest.raises(error) as by_default:
        function(value)
    assert (by_default.value.field, by_default.value.rule) == (DEFAULT_FIELD[function], "exact")  # type: ignore[attr-defined]


ZH_HINT = "（请写成文本，如 '0.85' 或 '17/20'）"


@pytest.mark.parametrize(("function", "value", "error", "message"), CASES)
def test_each_refusal_says_itself_in_chinese(
    function: Any, value: Any, error: type[Exception], message: str
) -> None:
    """Exactness: each refusal's Chinese, with the hint to write text only for a float."""
    with pytest.raises(error) as refused:
        function(value)
    chinese = refused.value.zh  # type: ignore[attr-defined]
    assert re.search(r"[\u4e00-\u9fff]", chinese)
    assert chinese != message
    assert (ZH_HINT in chinese) == isinstance(value, float)
    if error is ExactnessError:
        shown = f"{type(value).__name__} {value!r}"
        assert chinese == f"应为精确数值（int、Fraction、Decimal 或文本），实为 {shown}" + (
            ZH_HINT if isinstance(value, float) else ""
        )


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ("1/0", "value", "'1/0' has a zero denominator"),
        ("x", "value", "'x' is not an exact number"),
    ],
)
def test_parse_exact_names_its_defaults(text: str, field: str, message: str) -> None:
    """Exactness: parse_exact's own defaults are the field "value" and the rule "exact"."""
    with pytest.raises(ParseError, match=f"^value: {message}") as refused:
        parse_exact(text)
    assert (refused.value.field, refused.value.rule) == (field, "exact")
    with pytest.raises(ParseError) as named:
        parse_exact(LONG, field="f", rule="R")
    assert (named.value.field, named.value.rule) == ("f", "R")


def test_the_length_limit_is_exact() -> None:
    """Exactness: MAX_DIGITS digits with a sign, a point and a percent sign pass; one more fails."""
    longest = "-" + "1" * (MAX_DIGITS - 1) + ".5%"
    assert len(longest) == MAX_DIGITS + 3
    assert parse_exact(longest) < 0
    with pytest.raises(ParseError):
        parse_exact(longest + "0")
    assert as_score(Decimal("1E+200")) == Decimal("1E+200")
    assert as_score(10**MAX_DIGITS - 1) == Decimal(10**MAX_DIGITS - 1)
    assert as_fraction(Decimal(1).scaleb(-MAX_DIGITS)) == Fraction(1, 10**MAX_DIGITS)
    with pytest.raises(ParseError):
        as_fraction(Decimal(1).scaleb(-MAX_DIGITS - 1))


def test_zero_and_counts_at_their_bounds() -> None:
    """Exactness: 0 is a count and an amount, but not a positive amount; values pass through."""
    assert as_count(0) == 0
    assert as_count(7) == 7
    assert as_amount("0") == Decimal(0)
    assert as_amount("2.50", positive=True) == Decimal("2.50")
    with pytest.raises(ParseError) as zero:
        as_amount("0", positive=True, field="hours", rule="S-4")
    assert zero.value.message == "the amount must be positive, got 0"
    assert (zero.value.field, zero.value.rule) == ("hours", "S-4")
    assert as_fraction(Fraction(2, 6)) == Fraction(1, 3)
    assert as_fraction(Decimal("0.85")) == Fraction(17, 20)
    assert as_fraction(" 85% ") == Fraction(17, 20)


@pytest.mark.parametrize(
    ("call", "field", "message"),
    [
        (lambda: round_ratio(1, 3, -1), "places", "cannot round to -1 places"),
        (lambda: round_ratio(1, 0), "denominator", "a ratio has a positive denominator"),
        (lambda: round_ratio(1, -3), "denominator", "a ratio has a positive denominator"),
    ],
)
def test_rounding_refuses_what_it_cannot_do(call: Any, field: str, message: str) -> None:
    """E-5: negative places and non-positive denominators are refused, naming which."""
    with pytest.raises(ParseError) as refused:
        call()
    assert refused.value.message == message
    assert (refused.value.field, refused.value.rule) == (field, "exact")


def test_rounding_defaults_and_signs() -> None:
    """E-5: two places half up by default; no minus sign on a value that rounds to zero."""
    assert round_exact(Fraction(1, 8)) == Decimal("0.13")
    assert round_ratio(1, 8) == Decimal("0.13")
    assert str(round_exact(Fraction(-1, 1000))) == "0.00"
    assert str(round_exact(Fraction(-1, 200))) == "-0.01"
    assert str(round_ratio(-1, 3, 0)) == "0"
    assert str(round_ratio(-2, 3, 0)) == "-1"
    assert str(round_ratio(-5, 2, 0, RoundingMode.HALF_EVEN)) == "-2"
    assert str(round_ratio(0, 7, 1)) == "0.0"
    assert str(round_ratio(5, 1, 0)) == "5"
    assert str(round_ratio(0, 7, 1)) == "0.0"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Fraction(1, 25), "0.04"),
        (Fraction(1, 8), "0.125"),
        (Fraction(3, 40), "0.075"),
        (Fraction(-1, 20), "-0.05"),
        (Fraction(1, 64), "0.015625"),
        (Fraction(1, 625), "0.0016"),
        (Fraction(7), "7"),
        (Fraction(0), "0"),
        (Fraction(-3), "-3"),
        (Fraction(1, 3), "1/3"),
        (Fraction(-1, 6), "-1/6"),
        (Fraction(1, 50), "0.02"),
        (Fraction(7, 2), "3.5"),
        (Fraction(1, 1000), "0.001"),
    ],
)
def test_format_fraction_known_answers(value: Fraction, text: str) -> None:
    """Exactness: finite decimals are written as decimals, the rest as ratios; it reads back."""
    assert format_fraction(value) == text
    assert parse_exact(text) == value


def test_format_fraction_of_long_decimals_stays_exact() -> None:
    """Exactness: denominators beyond a float's precision are still written exactly."""
    assert format_fraction(Fraction(1, 5**30)) == "0." + str(2**30).rjust(30, "0")
    assert format_fraction(Fraction(1, 2**60 * 5**30)) == "0." + str(5**30).rjust(60, "0")
    assert format_fraction(Fraction(1, 3 * 2**60)) == f"1/{3 * 2**60}"


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (Fraction(17, 20), 2, "85%"),
        (Fraction(1, 3), 2, "33.33%"),
        (Fraction(1, 3), 3, "33.333%"),
        (Fraction(1, 8), 2, "12.5%"),
        (Fraction(1), 0, "100%"),
        (Fraction(1, 10), 0, "10%"),
        (Fraction(0), 2, "0%"),
    ],
)
def test_format_percent_known_answers(value: Fraction, places: int, text: str) -> None:
    """Display: percentages without trailing zeros, at the places asked."""
    assert format_percent(value, places) == text


def test_format_percent_defaults_to_two_places() -> None:
    """Display: two places unless asked."""
    assert format_percent(Fraction(2, 3)) == "66.67%"


def test_parse_exact_spellings() -> None:
    """Exactness: a space before the percent sign, signs and ratios with spaces are read."""
    assert parse_exact("85 %") == Fraction(17, 20)
    assert parse_exact(" -17 / 20 ") == Fraction(-17, 20)
    assert parse_exact("+.5") == Fraction(1, 2)
    longest = "9" * MAX_DIGITS
    assert as_fraction(Decimal(longest)) == int(longest)
    with pytest.raises(ParseError):
        as_fraction(Decimal(longest + "9"))


# -- exact numbers in JSON ----------------------------------------------------------------------


def test_exact_json_writes_every_kind_of_plain_data() -> None:
    """exact: objects, arrays, their empty forms, text (Chinese kept), dates and numbers."""
    data = {
        "n": Decimal("92.50"),
        "whole": 3,
        "flag": True,
        "none": None,
        "name": "海滨",
        "on": dt.date(2026, 9, 30),
        "list": [1, {"a": Decimal("-0.05")}],
        "empty": {},
        "nothing": [],
        7: "key as text",
    }
    assert exact_json(data) == (
        "{\n"
        '  "n": 92.50,\n'
        '  "whole": 3,\n'
        '  "flag": true,\n'
        '  "none": null,\n'
        '  "name": "海滨",\n'
        '  "on": "2026-09-30",\n'
        '  "list": [\n'
        "    1,\n"
        "    {\n"
        '      "a": -0.05\n'
        "    }\n"
        "  ],\n"
        '  "empty": {},\n'
        '  "nothing": [],\n'
        '  "7": "key as text"\n'
        "}"
    )
    assert exact_json([Decimal(1)], indent=4) == "[\n    1\n]"
    assert exact_json({"名称": "海滨"}) == '{\n  "名称": "海滨"\n}'  # keys kept as written too
    assert exact_json(Decimal("1E+3")) == "1000"  # never an exponent


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_exact_json_writes_any_decimal_digit_for_digit(value: Decimal) -> None:
    """exact: read back from its digits, any finite decimal is the same number."""
    text = exact_json({"v": value})
    assert "e" not in text.lower()
    assert json.loads(text, parse_float=Decimal)["v"] == value


@pytest.mark.parametrize(
    ("value", "error", "words"),
    [
        (Decimal("NaN"), ValueError, "NaN is not a number JSON can hold"),
        (Decimal("-Infinity"), ValueError, "-Infinity is not a number JSON can hold"),
        (1.5, TypeError, "float is not plain data"),
        (Fraction(1, 3), TypeError, "Fraction is not plain data"),
    ],
)
def test_exact_json_refuses_what_json_cannot_hold_exactly(
    value: object, error: type[Exception], words: str
) -> None:
    """exact: a float or a fraction is not written, nor a decimal JSON has no number for."""
    with pytest.raises(error, match=words):
        exact_json([value])


@given(fractions)
def test_json_number_is_a_number_exactly_when_the_value_has_a_decimal(value: Fraction) -> None:
    """exact: 17/20 is 0.85; 1/3 stays the text 1/3; both read back the same value."""
    written = json_number(value)
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator == 1:
        assert isinstance(written, Decimal)
        assert Fraction(written) == value
    else:
        assert written == f"{value.numerator}/{value.denominator}"
    assert json_number(Fraction(17, 20)) == Decimal("0.85")
    assert json_number(Fraction(-1, 3)) == "-1/3"
