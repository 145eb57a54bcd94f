"""The survey's known answers, the answer scale read on the right day, and every refusal (E-4).

Each refusal of a survey and of a response is checked for its class, ``field`` and ``rule``,
and for leaving the survey as it was; answers are stored as codes and scored by the scale in
force; precision is known overall, per unit and for one answer.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from community_governance.community import Project, Quarter
from community_governance.errors import (
    DuplicateResponseError,
    GovernanceError,
    InvalidAnswerError,
    ParseError,
    SampleError,
    UnknownProjectError,
    UnsampledHouseholdError,
)
from community_governance.evaluation import (
    SamplingFrame,
    Survey,
    SurveyResponse,
    draw_sample,
)
from community_governance.evaluation.survey import precision
from community_governance.explain import ExplanationBuilder, Text
from community_governance.policy import default_policy
from tests.evaluation.known_quarter import THREE_LEVELS

POLICY = default_policy()
Q3 = Quarter(2026, 3)
RULES = POLICY.at(Q3.end)
FRAME = SamplingFrame([f"H{i}" for i in range(6)])
SIZE4 = POLICY.override({"evaluation.survey.size": 4}).at(Q3.end)
CERTIFICATE = draw_sample(FRAME, 11, SIZE4, seed_source="dice")
SAMPLED = CERTIFICATE.sample
PROJECTS = [Project("P1", "Bins", Q3, ["A"]), Project("P2", "Lights", Q3, ["A", "B"])]
LATER_SCALE = POLICY.override(
    {"evaluation.survey.answer_scale": {"value": THREE_LEVELS, "valid_from": "2026-10-15"}}
)


def _survey() -> Survey:
    return Survey(Q3, CERTIFICATE, PROJECTS)


def _answered() -> Survey:
    h1, h2, h3, _ = SAMPLED
    return _survey().respond_all(
        [
            SurveyResponse(h1, "P1", "非常满意"),
            SurveyResponse(h1, "P2", "satisfied"),
            SurveyResponse(h2, "P2", "very_dissatisfied"),
            SurveyResponse(h3, "P1", "basically satisfied"),
        ],
        RULES,
    )


def test_a_survey_lists_each_project_once_and_of_its_own_quarter() -> None:
    """E-4: a project twice, or of another quarter, is refused naming the projects."""
    with pytest.raises(ParseError, match="listed twice") as twice:
        Survey(Q3, CERTIFICATE, [PROJECTS[0], PROJECTS[0]])
    assert (twice.value.field, twice.value.rule) == ("survey.projects", "E-4")
    with pytest.raises(ParseError, match=r"\['P9'\] belong to another quarter than 2026Q3") as old:
        Survey(Q3, CERTIFICATE, [*PROJECTS, Project("P9", "Old", Quarter(2026, 2), ["A"])])
    assert (old.value.field, old.value.rule) == ("survey.projects", "E-4")


def test_answers_are_stored_as_codes_counted_and_scored() -> None:
    """E-4: labels in either language become codes; counts and scores per project are known."""
    survey = _answered()
    assert [r.answer for r in survey.responses] == [
        "very_satisfied",
        "satisfied",
        "very_dissatisfied",
        "basically_satisfied",
    ]
    assert survey.answer_counts == {
        "P1": {"very_satisfied": 1, "basically_satisfied": 1},
        "P2": {"satisfied": 1, "very_dissatisfied": 1},
    }
    assert survey.scores(RULES) == {
        "P1": (Fraction(100), Fraction(60)),
        "P2": (Fraction(80), Fraction(20)),
    }
    assert survey.scores_for_units(["A", "B", "C"], RULES) == {
        "A": (Fraction(100), Fraction(60), Fraction(80), Fraction(20)),
        "B": (Fraction(80), Fraction(20)),
        "C": (),
    }
    everyone = POLICY.override({"evaluation.survey.attribution": "all"}).at(Q3.end)
    assert survey.scores_for_units(["B", "C"], everyone) == dict.fromkeys(
        ["B", "C"], (Fraction(100), Fraction(60), Fraction(80), Fraction(20))
    )
    assert survey.project("P2") == PROJECTS[1]
    assert Survey(Q3, CERTIFICATE, PROJECTS, survey.responses).answer_counts == (
        survey.answer_counts
    )


def test_the_answer_scale_is_read_on_the_day_asked() -> None:
    """E-4: a three-level scale from 15 October: its labels are accepted from that day only."""
    h1 = SAMPLED[0]
    with pytest.raises(InvalidAnswerError):
        _survey().respond(SurveyResponse(h1, "P1", "good"), LATER_SCALE)
    later = _survey().respond(SurveyResponse(h1, "P1", "好"), LATER_SCALE, at=dt.date(2026, 10, 15))
    assert later.responses[0].answer == "good"
    assert later.scores(LATER_SCALE, at=dt.date(2026, 10, 20)) == {"P1": (Fraction(90),), "P2": ()}
    # Read on the quarter's end, the five-level scale has no "good": a clear refusal.
    with pytest.raises(InvalidAnswerError, match="'good' is not an answer") as stale:
        later.scores(LATER_SCALE)
    assert (stale.value.field, stale.value.rule) == ("response.answer", "E-4")


@pytest.mark.parametrize(
    ("response", "error", "field", "words"),
    [
        (
            SurveyResponse("H-none", "P1", "满意"),
            UnsampledHouseholdError,
            "response.household",
            "'H-none' was not sampled",
        ),
        (
            SurveyResponse(SAMPLED[0], "P7", "满意"),
            UnknownProjectError,
            "response.project",
            "project 'P7'",
        ),
        (
            SurveyResponse(SAMPLED[0], "P1", "满意"),
            DuplicateResponseError,
            "response",
            "already answered about 'P1'",
        ),
        (SurveyResponse(SAMPLED[3], "P1", "so-so"), InvalidAnswerError, "response.answer", "so-so"),
    ],
)
def test_each_bad_response_is_refused_and_nothing_is_kept(
    response: SurveyResponse, error: type[GovernanceError], field: str, words: str
) -> None:
    """E-4: not sampled, another project, a second answer, an answer off the scale."""
    survey = _answered()
    with pytest.raises(error, match=words) as raised:
        survey.respond_all([SurveyResponse(SAMPLED[3], "P2", "满意"), response], RULES)
    assert (raised.value.field, raised.value.rule) == (field, "E-4")
    assert len(survey.responses) == 4
    with pytest.raises(error):
        survey.respond(response, RULES)


def test_only_a_household_that_has_not_answered_is_replaced() -> None:
    """E-4: an answering household stays; a silent one is replaced from the reserve."""
    survey = _answered()
    with pytest.raises(SampleError, match="has answered") as answered:
        survey.replace(SAMPLED[0], FRAME)
    assert (answered.value.field, answered.value.rule) == ("household", "E-4")
    replaced = survey.replace(SAMPLED[3], FRAME)
    assert replaced.certificate.replacements == (
        (SAMPLED[3], CERTIFICATE.replace(SAMPLED[3], FRAME).replacements[0][1]),
    )
    assert replaced.responses == survey.responses


def test_precision_counts_households_not_answers() -> None:
    """E-4: overall, h1's two answers are one mean, 90; per unit B only P2 counts."""
    survey = _answered()
    overall = survey.precision(RULES)
    assert overall is not None
    # Household means: 90 (100 and 80), 20, 60: mean 170/3, n = 3 of N = 6.
    assert (overall.n, overall.population, overall.mean) == (3, 6, Fraction(170, 3))
    # (3 x (8100 + 400 + 3600) - 170^2) / (3 x 2) = 7400 / 6
    assert overall.variance == Fraction(3700, 3)
    b = survey.precision(RULES, "B")
    assert b is not None
    assert (b.n, b.mean) == (2, Fraction(50))
    assert b.variance == Fraction(1800)
    everyone = POLICY.override({"evaluation.survey.attribution": "all"}).at(Q3.end)
    assert survey.precision(everyone, "B") == overall
    assert survey.precision(RULES, "C") is None
    assert _survey().precision(RULES) is None


def test_precision_of_one_answer_has_no_spread_and_refusals_name_their_field() -> None:
    """E-4: one answer has a mean and nothing else; none, or more than the frame, is refused."""
    one = precision([Fraction(80)], 5, Fraction(2))
    assert (one.n, one.population, one.mean, one.z) == (1, 5, Fraction(80), Fraction(2))
    assert (one.variance, one.standard_error, one.margin, one.low, one.high) == (None,) * 5
    assert one.rounded(2) == {
        "mean": Decimal("80.00"),
        "standard_error": None,
        "margin": None,
        "low": None,
        "high": None,
    }
    with pytest.raises(ParseError, match="no survey scores") as empty:
        precision([], 5, Fraction(2))
    assert (empty.value.field, empty.value.rule) == ("scores", "E-4")
    with pytest.raises(ParseError, match="3 answers cannot come from 2 households") as many:
        precision([Fraction(1)] * 3, 2, Fraction(2))
    assert (many.value.field, many.value.rule) == ("population", "E-4")


def test_precision_rounds_each_figure_once_for_display() -> None:
    """E-4: 20 and 61 of 4 households, z = 2: SE^2 = 1681/2 / 2 x (1 - 2/4) = 210.125."""
    two = precision([Fraction(20), Fraction(61)], 4, Fraction(2))
    # variance = ((20 - 40.5)^2 + (61 - 40.5)^2) / 1 = 840.5
    assert two.variance == Fraction(1681, 2)
    assert str(two.rounded(3)["mean"]) == "40.500"
    assert two.rounded(3) == {
        "mean": Decimal("40.500"),
        "standard_error": Decimal("14.496"),
        "margin": Decimal("28.991"),
        "low": Decimal("11.509"),
        "high": Decimal("69.491"),
    }
    assert two.rounded()["standard_error"] == Decimal("14.4957")


def test_answers_added_later_are_counted_with_the_earlier_ones() -> None:
    """E-4: a second batch adds to the counts; one household twice in a batch is refused."""
    survey = _answered().respond(SurveyResponse(SAMPLED[3], "P2", "满意"), RULES)
    assert survey.answer_counts["P2"] == {"satisfied": 2, "very_dissatisfied": 1}
    twice = [SurveyResponse(SAMPLED[3], "P1", "满意"), SurveyResponse(SAMPLED[3], "P1", "不满意")]
    with pytest.raises(DuplicateResponseError):
        _survey().respond_all(twice, RULES)


def test_the_surveys_readings_use_the_policy_of_the_day_and_record_it() -> None:
    """E-4: z and the attribution, changed on 1 October, are read on the day given."""
    october = dt.date(2026, 10, 1)
    changing = POLICY.override(
        {
            "evaluation.survey.z": {"value": "3", "valid_from": "2026-10-01"},
            "evaluation.survey.attribution": {"value": "all", "valid_from": "2026-10-01"},
        }
    )
    survey = _answered()
    before, after = survey.precision(changing, "B"), survey.precision(changing, "B", at=october)
    assert before is not None
    assert after is not None
    assert (before.z, before.n, after.z, after.n) == (
        Fraction("1.959963984540054"),
        2,
        Fraction(3),
        3,
    )
    builder = ExplanationBuilder(Text("t", "t"))
    survey.precision(changing, at=october, builder=builder)
    assert ("evaluation.survey.z", "3") in {(p.name, p.value) for p in builder.parameters}
    assert survey.scores_for_units(["B"], changing)["B"] == (Fraction(80), Fraction(20))
    assert len(survey.scores_for_units(["B"], changing, at=october)["B"]) == 4
    reads = ExplanationBuilder(Text("t", "t"))
    survey.scores(changing, at=october, builder=reads)
    assert [p.name for p in reads.parameters] == ["evaluation.survey.answer_scale"]
