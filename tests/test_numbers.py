"""Exact numbers: parsing, refusal of floats, and the one rounding step."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

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
