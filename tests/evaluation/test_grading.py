"""Grades, ranks, awards (E-6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, strategies as st

from community_governance.evaluation import final_score, grade_of, rank
from community_governance.policy import default_policy
from community_governance.vocabulary import Grade
from tests.strategies import scale_scores

POLICY = default_policy()
RULES = POLICY.at(dt.date(2026, 9, 30))
ORDER = [Grade.FAILED, Grade.QUALIFIED, Grade.GOOD, Grade.EXCELLENT]


def _final(score: Decimal | str, rules: object = RULES) -> object:
    return final_score(self_score=score, peer_scores=[score], public_scores=[score], policy=rules)  # type: ignore[arg-type]


@given(scale_scores, scale_scores)
def test_grades_are_monotone_in_the_score(a: Decimal, b: Decimal) -> None:
    """E-6: a higher score never earns a lower grade."""
    low, high = sorted((a, b))
    assert ORDER.index(grade_of(_final(low), RULES)) <= ORDER.index(grade_of(_final(high), RULES))  # type: ignore[arg-type]


def test_band_boundaries_are_exact_and_inclusive() -> None:
    """E-6: 90.00 is excellent, 89.99 good, 60 qualified, 59.99 failed."""
    cases = {
        "90": Grade.EXCELLENT,
        "89.99": Grade.GOOD,
        "80": Grade.GOOD,
        "60": Grade.QUALIFIED,
        "59.99": Grade.FAILED,
    }
    for score, grade in cases.items():
        assert grade_of(_final(score), RULES) is grade  # type: ignore[arg-type]


def test_rounded_or_raw_comparison_is_the_policys_choice() -> None:
    """E-6: 89.995 reports as 90.00: excellent on the reported score, good on the exact one."""
    result = final_score(
        self_score="89.995", peer_scores=["89.995"], public_scores=["89.995"], policy=RULES
    )
    assert result.reported == Decimal("90.00")
    assert grade_of(result, RULES) is Grade.EXCELLENT
    raw = POLICY.override({"evaluation.grades.compare": "raw"}).at(dt.date(2026, 9, 30))
    assert grade_of(result, raw) is Grade.GOOD


@given(
    st.dictionaries(
        st.from_regex(r"U[0-9]{2}", fullmatch=True), st.integers(0, 5).map(Fraction), min_size=1
    )
)
def test_ranking_ties_share_the_best_rank(values: dict[str, Fraction]) -> None:
    """E-6: competition ranking: rank = 1 + number of strictly higher scores."""
    ranks = rank(values)
    for unit, value in values.items():
        assert ranks[unit] == 1 + sum(1 for v in values.values() if v > value)
