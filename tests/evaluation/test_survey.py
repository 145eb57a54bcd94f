"""Survey responses and precision (E-4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from community_governance.community import Project, Quarter
from community_governance.errors import (
    DuplicateResponseError,
    InvalidAnswerError,
    SampleError,
    UnknownProjectError,
    UnsampledHouseholdError,
)
from community_governance.evaluation import (
    SamplingFrame,
    Survey,
    SurveyResponse,
    draw_sample,
    precision,
    sample_order,
)
from community_governance.policy import default_policy

POLICY = default_policy()
RULES = POLICY.at(dt.date(2026, 9, 30))
Q3 = Quarter(2026, 3)
FRAME = SamplingFrame([f"H-{i:03d}" for i in range(150)])
CERT = draw_sample(FRAME, 20260930, RULES, seed_source="dice at the meeting")
PROJECTS = (
    Project("P-1", "Street lights", Q3, ["U1"]),
    Project("P-2", "Bins", Q3, ["U2", "U3"]),
)
SURVEY = Survey(Q3, CERT, PROJECTS)
OUTSIDER = next(h for h in FRAME.households if h not in CERT.sample)


def test_the_precision_test_vector() -> None:
    """E-4: y = (9, 11, 22), N = 5, FPC, z: mean 14, SE 2.556, interval [8.9903, 19.0097]."""
    p = precision([Fraction(9), Fraction(11), Fraction(22)], 5, RULES.survey_z)
    shown = p.rounded(4)
    assert p.mean == 14
    assert p.variance == 49
    assert shown["standard_error"] == Decimal("2.5560")
    assert (shown["low"], shown["high"]) == (Decimal("8.9903"), Decimal("19.0097"))


@given(
    st.lists(st.integers(0, 100).map(Fraction), min_size=1, max_size=50),
    st.integers(0, 200),
)
def test_precision_is_bounded_and_vanishes_for_a_census(scores: list[Fraction], extra: int) -> None:
    """E-4: the mean lies within the answers; SE >= 0; surveying everyone leaves no error."""
    p = precision(scores, len(scores) + extra, Fraction(196, 100))
    assert min(scores) <= p.mean <= max(scores)
    if len(scores) >= 2:
        assert p.standard_error is not None
        assert p.standard_error >= 0
        assert (p.standard_error == 0) == (extra == 0 or len(set(scores)) == 1)
    else:
        assert p.standard_error is None


def test_each_response_violation_raises_its_own_error() -> None:
    """E-4: unsampled household, unknown project, a second answer, an answer off the scale."""
    inside = CERT.sample[0]
    survey = SURVEY.respond(SurveyResponse(inside, "P-1", "满意"), RULES)
    assert survey.responses[0].answer == "satisfied"  # stored by code
    with pytest.raises(UnsampledHouseholdError, match=OUTSIDER):
        survey.respond(SurveyResponse(OUTSIDER, "P-1", "满意"), RULES)
    with pytest.raises(UnknownProjectError, match="P-9"):
        survey.respond(SurveyResponse(inside, "P-9", "满意"), RULES)
    with pytest.raises(DuplicateResponseError, match="already answered"):
        survey.respond(SurveyResponse(inside, "P-1", "不满意"), RULES)
    with pytest.raises(InvalidAnswerError, match="非常好"):
        survey.respond(SurveyResponse(CERT.sample[1], "P-1", "非常好"), RULES)
    assert len(survey.responses) == 1
    assert SURVEY.responses == ()


def test_a_replacement_may_answer_and_the_replaced_may_not() -> None:
    """E-4: after a replacement, the reserve household answers and the replaced one cannot."""
    gone = CERT.sample[5]
    survey = SURVEY.replace(gone, FRAME)
    newcomer = sample_order(FRAME, CERT.seed)[100]
    survey = survey.respond(SurveyResponse(newcomer, "P-2", "very satisfied"), RULES)
    with pytest.raises(UnsampledHouseholdError):
        survey.respond(SurveyResponse(gone, "P-2", "satisfied"), RULES)
    answered = SURVEY.respond(SurveyResponse(gone, "P-1", "satisfied"), RULES)
    with pytest.raises(SampleError, match="has answered"):
        answered.replace(gone, FRAME)


def test_a_projects_scores_count_for_its_responsible_units() -> None:
    """E-4: scores about P-2 count for U2 and U3 only; with 'all' they count for every unit."""
    survey = SURVEY.respond_all(
        [
            SurveyResponse(CERT.sample[0], "P-1", "very satisfied"),
            SurveyResponse(CERT.sample[0], "P-2", "dissatisfied"),
            SurveyResponse(CERT.sample[1], "P-2", "satisfied"),
        ],
        RULES,
    )
    scores = survey.scores_for_units(["U1", "U2", "U3", "U4"], RULES)
    assert scores == {
        "U1": (Fraction(100),),
        "U2": (Fraction(40), Fraction(80)),
        "U3": (Fraction(40), Fraction(80)),
        "U4": (),
    }
    everyone = POLICY.override({"evaluation.survey.attribution": "all"}).at(dt.date(2026, 9, 30))
    assert survey.scores_for_units(["U4"], everyone)["U4"] == (
        Fraction(100),
        Fraction(40),
        Fraction(80),
    )
    overall = survey.precision(RULES)
    assert overall is not None
    assert overall.n == 2  # households, not answers
    assert overall.mean == (Fraction(140, 2) + 80) / 2
