"""The standard-library verifier recomputes scores as the library computes them (E-5).

``ledger.verify`` redoes the quarter's arithmetic with ``fractions`` alone, so that an
auditor needs nothing but Python. These tests hold its pieces to the library's own
functions — the one rounding step (``round_exact``) and the peer mean (``peer_mean``) —
over many inputs, and run it on quarters evaluated under other policies (survey
attribution, peer trimming, rounding) and with a unit that did not rate itself.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, strategies as st

from community_governance.demo import demo_quarter
from community_governance.evaluation import kernel
from community_governance.evaluation.ratings import RatingBook
from community_governance.evaluation.scoring import peer_mean
from community_governance.ledger import SQLiteLedger, verify as verifier
from community_governance.numbers import RoundingMode, round_exact
from tests.ledger.builders import KEY, record_demo

DEMO = demo_quarter(127)
ON = dt.date(2026, 10, 3)

fractions = st.fractions(min_value=-1000, max_value=1000, max_denominator=400)
scores = st.fractions(min_value=0, max_value=100, max_denominator=8)


@given(fractions, st.integers(min_value=0, max_value=4), st.sampled_from(list(RoundingMode)))
def test_the_one_rounding_step_is_pythons_decimal_rounding(
    value: Fraction, places: int, mode: RoundingMode
) -> None:
    """E-5: the kernel's rounding equals the decimal module's, an independent implementation."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    context = decimal.Context(prec=60)
    half = decimal.ROUND_HALF_UP if mode is RoundingMode.HALF_UP else decimal.ROUND_HALF_EVEN
    # 60 digits cannot decide a tie of a value with a long expansion: compare exactly there.
    if context.divide(Decimal(value.numerator), Decimal(value.denominator)) == exact:
        expected = exact.quantize(Decimal(1).scaleb(-places), rounding=half)
        got = kernel.round_ratio(
            value.numerator, value.denominator, places, half_even=mode is RoundingMode.HALF_EVEN
        )
        assert got == expected
        assert str(got) == str(round_exact(value, places, mode))


@pytest.mark.parametrize(
    ("value", "places", "mode", "shown"),
    [
        (Fraction(1725, 20), 1, "half_up", "86.3"),
        (Fraction(1725, 20), 1, "half_even", "86.2"),
        (Fraction(1735, 20), 1, "half_even", "86.8"),
        (Fraction(-1, 200), 2, "half_up", "-0.01"),
        (Fraction(-1, 1000), 2, "half_up", "0.00"),
        (Fraction(5, 2), 0, "half_even", "2"),
        (Fraction(7, 2), 0, "half_even", "4"),
        (Fraction(1, 3), 3, "half_up", "0.333"),
    ],
)
def test_known_roundings(value: Fraction, places: int, mode: str, shown: str) -> None:
    """E-5: GB/T 8170 ties, signs and leading zeros, written out."""
    rounded = kernel.round_ratio(
        value.numerator, value.denominator, places, half_even=mode == "half_even"
    )
    assert str(rounded) == shown


@given(
    st.lists(scores, max_size=9),
    st.sampled_from(["mean", "trimmed"]),
    st.integers(min_value=1, max_value=4),
    st.integers(min_value=3, max_value=6),
)
def test_the_verifiers_peer_mean_is_the_librarys(
    values: list[Fraction], aggregation: str, min_raters: int, trim: int
) -> None:
    """E-3, E-5: too few raters give no peer part; trimming starts at its threshold."""
    policy = DEMO.policy.override(
        {
            "evaluation.peer.aggregation": aggregation,
            "evaluation.peer.min_raters": min_raters,
            "evaluation.peer.trim_min_raters": trim,
        }
    )
    peer = {"aggregation": aggregation, "min_raters": min_raters, "trim_min_raters": trim}
    expected = None if len(values) < min_raters or not values else peer_mean(values, policy, at=ON)
    found = verifier._peer([(v.numerator, v.denominator) for v in values], peer)
    assert (None if found is None else Fraction(*found)) == expected


def _without_self_rating(unit: str) -> RatingBook:
    book = DEMO.ratings
    kept = [r for key, r in book.current.items() if key != (unit, unit)]
    return RatingBook(book.community, book.quarter).record_all(
        kept, DEMO.policy.at(book.quarter.start)
    )


VARIANTS: dict[str, Any] = {
    "survey attributed to all units": ({"evaluation.survey.attribution": "all"}, None),
    "trimmed peers": ({"evaluation.peer.aggregation": "trimmed"}, None),
    "half-even, one place": (
        {"rounding.mode": "half_even", "rounding.places": 1},
        None,
    ),
    "a unit without its own rating": ({"evaluation.missing_component": "reweight"}, "clinic"),
}


def _export(tmp_path: Path, overrides: dict[str, Any], unrated: str | None) -> list[dict[str, Any]]:
    demo = attrs.evolve(DEMO, policy=DEMO.policy.override(overrides) if overrides else DEMO.policy)
    if unrated is not None:
        demo = attrs.evolve(demo, ratings=_without_self_rating(unrated))
    tmp_path.mkdir(exist_ok=True)
    ledger = SQLiteLedger(tmp_path / "l.db", key=KEY)
    record_demo(ledger, demo)
    ledger.export_jsonl(tmp_path / "export.jsonl")
    ledger.close()
    lines = (tmp_path / "export.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_quarters_under_other_policies_recompute(tmp_path: Path, variant: str) -> None:
    """E-5: the verifier agrees with the library under each policy variant."""
    overrides, unrated = VARIANTS[variant]
    records = _export(tmp_path, overrides, unrated)
    assert verifier.recompute_quarters(records) == []
    evaluated = next(r for r in records if r["type"] == "quarter.evaluated")
    cards = {c["unit_id"]: c["final"] for c in evaluated["data"]["result"]["scorecards"]}
    if unrated is not None:
        assert cards[unrated]["components"]["self"] is None
    baseline = _export(tmp_path / "default", {}, None) if overrides else None
    if baseline is not None:  # the variant must change some unit's recorded result
        default = next(r for r in baseline if r["type"] == "quarter.evaluated")
        assert default["data"]["result"] != evaluated["data"]["result"]


def test_every_unit_that_differs_is_reported(tmp_path: Path) -> None:
    """E-5: two units' recorded components changed: both are reported, by name."""
    records = _export(tmp_path, {}, None)
    evaluated = next(r for r in records if r["type"] == "quarter.evaluated")
    cards = evaluated["data"]["result"]["scorecards"]
    for card in cards[:2]:
        card["final"]["components"]["public"] = "1"
    problems = verifier.recompute_quarters(records)
    assert len(problems) == 2
    for card, problem in zip(cards[:2], problems, strict=True):
        assert f": {card['unit_id']}: components" in problem
        assert "differ from the recorded" in problem
