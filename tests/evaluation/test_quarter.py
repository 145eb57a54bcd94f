"""A quarter end to end: evaluate_quarter (E-1..E-6)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from community_governance.community import Community, MemberUnit, Project, Quarter
from community_governance.errors import EligibilityError, MissingComponentError
from community_governance.evaluation import (
    Rating,
    RatingBook,
    SamplingFrame,
    Survey,
    SurveyResponse,
    draw_sample,
    evaluate_quarter,
)
from community_governance.policy import default_policy
from community_governance.vocabulary import Dimension, Grade

POLICY = default_policy()
Q3 = Quarter.parse("2026Q3")
RULES = POLICY.at(Q3.end)
COMMUNITY = Community(
    "C-1",
    "Demo",
    [MemberUnit(u, f"Unit {u}", "co_building_unit") for u in ("A", "B", "C", "D")],
    household_count=200,
)
#: What every unit gives each ratee on every dimension: A is excellent, D fails.
LEVEL = {"A": 95, "B": 85, "C": 70, "D": 40}
ANSWER = {
    "A": "very satisfied",
    "B": "satisfied",
    "C": "basically satisfied",
    "D": "very dissatisfied",
}


def build(level: dict[str, int] = LEVEL) -> tuple[RatingBook, Survey, SamplingFrame]:
    """Ratings, a drawn survey with answers, and the frame, for the demo community."""
    book = RatingBook(COMMUNITY, Q3).record_all(
        [
            Rating(a, b, Q3, "self" if a == b else "peer", dict.fromkeys(Dimension, level[b]))
            for a, b in itertools.product(COMMUNITY.unit_ids, repeat=2)
        ],
        RULES,
    )
    frame = SamplingFrame([f"H-{i:03d}" for i in range(200)])
    certificate = draw_sample(frame, 42, RULES, seed_source="test")
    projects = [Project(f"P-{u}", f"Project of {u}", Q3, [u]) for u in COMMUNITY.unit_ids]
    survey = Survey(Q3, certificate, projects).respond_all(
        [
            SurveyResponse(h, f"P-{u}", ANSWER[u])
            for h in certificate.sample
            for u in COMMUNITY.unit_ids
        ],
        RULES,
    )
    return book, survey, frame


def test_a_quarter_gives_scorecards_awards_and_rectification_orders() -> None:
    """E-1..E-6: grades, ranks, an honour certificate for A and a rectification order for D."""
    book, survey, _ = build()
    result = evaluate_quarter(COMMUNITY, Q3, book, survey, policy=POLICY)
    assert [c.unit_id for c in result.scorecards] == ["A", "B", "C", "D"]
    a = result.scorecard("A")
    assert a.final.reported == Decimal("97.50")  # 0.1*95 + 0.4*95 + 0.5*100
    assert (a.grade, a.rank, a.peer_count, a.response_count) == (Grade.EXCELLENT, 1, 3, 100)
    assert result.scorecard("D").grade is Grade.FAILED
    assert [aw.unit_id for aw in result.awards] == ["A"]
    assert [o.unit_id for o in result.rectification_orders] == ["D"]
    assert result.rectification_orders[0].score == Decimal("30.00")  # 4 + 16 + 10
    assert result.survey_precision is not None
    assert result.survey_precision.n == 100
    for card in result.scorecards:
        assert set(card.explanation.rules) >= {"E-1", "E-2", "E-3", "E-4", "E-5", "E-6"}
        assert card.peer_dimensions[Dimension.TASK_COMPLETION] == LEVEL[card.unit_id]
        assert card.survey_precision is not None


def test_evaluation_is_pure_and_repeatable() -> None:
    """E-1: the same inputs give an equal result, and the inputs are not changed."""
    book, survey, _ = build()
    before = (dict(book.current), survey.responses)
    first = evaluate_quarter(COMMUNITY, Q3, book, survey, policy=RULES)
    second = evaluate_quarter(COMMUNITY, Q3, book, survey, policy=RULES)
    assert first == second
    assert (dict(book.current), survey.responses) == before


def test_a_quarter_cannot_be_evaluated_before_it_ends() -> None:
    """E-1: the quarterly evaluation happens after the quarter's last day."""
    book, survey, _ = build()
    with pytest.raises(EligibilityError, match="after it ends"):
        evaluate_quarter(COMMUNITY, Q3, book, survey, at=dt.date(2026, 9, 29))
    with pytest.raises(EligibilityError, match="must be for 2026Q4"):
        evaluate_quarter(COMMUNITY, "2026Q4", book, survey)


def test_a_unit_without_survey_answers_is_an_error_not_a_zero() -> None:
    """E-5: no survey: a MissingComponentError names the unit and the component."""
    book, _, _ = build()
    with pytest.raises(MissingComponentError, match="unit A"):
        evaluate_quarter(COMMUNITY, Q3, book, None)
    reweighting = POLICY.override({"evaluation.missing_component": "reweight"})
    result = evaluate_quarter(COMMUNITY, Q3, book, None, policy=reweighting)
    assert all(c.final.reweighted for c in result.scorecards)
    assert result.scorecard("A").final.reported == Decimal("95.00")


@given(st.permutations(["A", "B", "C", "D"]))
def test_unit_order_does_not_change_the_result(order: list[str]) -> None:
    """E-5, E-6: listing the units in another order gives the same scorecards and ranks."""
    book, survey, _ = build()
    shuffled = Community("C-1", "Demo", [COMMUNITY.unit(u) for u in order], household_count=200)
    book = RatingBook(shuffled, Q3, book.current, book.history)
    baseline = evaluate_quarter(COMMUNITY, Q3, build()[0], survey)
    result = evaluate_quarter(shuffled, Q3, book, survey)
    assert [(c.unit_id, c.final.reported, c.rank) for c in result.scorecards] == [
        (c.unit_id, c.final.reported, c.rank) for c in baseline.scorecards
    ]
