"""A whole quarter's known answers: explanations, rows, the notebook table, orders (E-1..E-6).

The quarter of ``known_quarter`` is small enough to check by hand: D's peer mean is
(50 + 50.8 + 47) / 3 = 739/15, B having left D's task completion unrated and C rating
three points low; its final is 5 + 4/10 x 739/15 + 30 = 4103/75, reported 54.71.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from fractions import Fraction

import pytest

from community_governance.community import Community, MemberUnit
from community_governance.errors import EligibilityError, MissingComponentError
from community_governance.evaluation import (
    Award,
    QuarterResult,
    Rating,
    RatingBook,
    RectificationOrder,
    SampleCertificate,
    SamplingFrame,
    Survey,
    SurveyResponse,
    draw_sample,
    evaluate_quarter,
)
from community_governance.schemas.explanation import explanation_dict
from community_governance.vocabulary import Component, Dimension, Grade
from tests.evaluation.known_quarter import (
    COMMUNITY,
    POLICY,
    Q3,
    REWEIGHT,
    SMALL,
    SMALL_PROJECTS,
    THREE_LEVELS,
    rich_quarter,
    small_quarter,
)

A_EN = """\
Quarterly evaluation 2026Q3: A
Outcome: 89.60, good, rank 1
Rules applied: E-1, E-2, E-4, E-5, E-3, E-6
Parameters read:
  evaluation.dimension_weights = {service_attitude: 1/6, professional_level: 1/6, \
execution_ability: 1/6, coordination_ability: 1/6, task_completion: 1/6, public_satisfaction: \
1/6} (E-2, from 2021-01-21)
  evaluation.survey.answer_scale = {name: gbt-39735-five-level, levels: [{code: \
very_satisfied, zh: 非常满意, en: very satisfied, score: 100}, {code: satisfied, zh: 满意, \
en: satisfied, score: 80}, {code: basically_satisfied, zh: 基本满意, en: basically satisfied, \
score: 60}, {code: dissatisfied, zh: 不满意, en: dissatisfied, score: 40}, {code: \
very_dissatisfied, zh: 非常不满意, en: very dissatisfied, score: 20}]} (E-4, from 2021-01-21)
  evaluation.survey.attribution = responsible (E-4, from 2021-01-21)
  evaluation.scale = {min: 0, max: 100} (E-2, from 2021-01-21)
  evaluation.peer.min_raters = 1 (E-3, from 2021-01-21)
  evaluation.peer.aggregation = mean (E-3, from 2021-01-21)
  evaluation.weights = {self: 0.1, peer: 0.4, public: 0.5} (E-5, from 2021-01-21)
  rounding.places = 2 (E-5, from 2021-01-21)
  rounding.mode = half_up (E-5, from 2021-01-21)
  evaluation.grades.compare = rounded (E-6, from 2021-01-21)
  evaluation.grades.bands = [{grade: excellent, min: 90}, {grade: good, min: 80}, {grade: \
qualified, min: 60}, {grade: failed, min: 0}] (E-6, from 2021-01-21)
  evaluation.awards.grades = [excellent] (E-6, from 2021-01-21)
  evaluation.rectification.grades = [failed] (E-6, from 2021-01-21)
  evaluation.survey.z = 1.959963984540054 (E-4, from 2021-01-21)
Inputs:
  unit = A
  evaluated_on = 2026-10-09
Steps:
  1. quarterly evaluation meeting of the member units = 2026Q3 [E-1]
  2. each rating weighted over the dimensions it rates (unable-to-rate left out) = 4 [E-2]
  3. self-rating score = 90 [E-3]
  4. mean of 3 peer ratings = 89 [E-3]
  5. mean of 100 survey answers = 90 [E-4]
  6. weighted total (exact) = 89.6 [E-5]
  7. the one rounding step = 89.60 [E-5]
  8. grade: good = 89.6 [E-6]
  9. rank 1 (ties share the best) = 1 [E-6]"""

D_ZH = """\
2026Q3 季度考评：D
结论: 54.71 分，不合格，第 4 名
适用规则: E-1, E-2, E-4, E-5, E-3, E-6
读取的参数:
  evaluation.dimension_weights = {service_attitude: 1/6, professional_level: 1/6, \
execution_ability: 1/6, coordination_ability: 1/6, task_completion: 1/6, public_satisfaction: \
1/6} (E-2, 生效于 2021-01-21)
  evaluation.survey.answer_scale = {name: gbt-39735-five-level, levels: [{code: \
very_satisfied, zh: 非常满意, en: very satisfied, score: 100}, {code: satisfied, zh: 满意, \
en: satisfied, score: 80}, {code: basically_satisfied, zh: 基本满意, en: basically satisfied, \
score: 60}, {code: dissatisfied, zh: 不满意, en: dissatisfied, score: 40}, {code: \
very_dissatisfied, zh: 非常不满意, en: very dissatisfied, score: 20}]} (E-4, 生效于 \
2021-01-21)
  evaluation.survey.attribution = responsible (E-4, 生效于 2021-01-21)
  evaluation.scale = {min: 0, max: 100} (E-2, 生效于 2021-01-21)
  evaluation.peer.min_raters = 1 (E-3, 生效于 2021-01-21)
  evaluation.peer.aggregation = mean (E-3, 生效于 2021-01-21)
  evaluation.weights = {self: 0.1, peer: 0.4, public: 0.5} (E-5, 生效于 2021-01-21)
  rounding.places = 2 (E-5, 生效于 2021-01-21)
  rounding.mode = half_up (E-5, 生效于 2021-01-21)
  evaluation.grades.compare = rounded (E-6, 生效于 2021-01-21)
  evaluation.grades.bands = [{grade: excellent, min: 90}, {grade: good, min: 80}, {grade: \
qualified, min: 60}, {grade: failed, min: 0}] (E-6, 生效于 2021-01-21)
  evaluation.awards.grades = [excellent] (E-6, 生效于 2021-01-21)
  evaluation.rectification.grades = [failed] (E-6, 生效于 2021-01-21)
  evaluation.survey.z = 1.959963984540054 (E-4, 生效于 2021-01-21)
关键输入:
  unit = D
  evaluated_on = 2026-10-09
步骤:
  1. 组团单位季度考评会议 = 2026Q3 [E-1]
  2. 六个维度加权得到每份评分（无法评价的维度不计入） = 4 [E-2]
  3. 自评分 = 50 [E-3]
  4. 3 个其他单位评分的算术平均 = 739/15 [E-3]
  5. 100 份民意测评答卷的平均分 = 60 [E-4]
  6. 加权合计（精确值） = 4103/75 [E-5]
  7. 唯一一次修约 = 54.71 [E-5]
  8. 定级：不合格 = 54.71 [E-6]
  9. 名次 4（并列取最好名次） = 4 [E-6]
  10. 限期整改 = failed [E-6]"""

ROWS = [
    ("A", 1, Fraction(90), Fraction(89), Fraction(90), "89.60", "good"),
    ("B", 2, Fraction(80), Fraction(79), Fraction(60), "69.60", "qualified"),
    ("C", 3, Fraction(70), Fraction(70), Fraction(60), "65.00", "qualified"),
    ("D", 4, Fraction(50), Fraction(739, 15), Fraction(60), "54.71", "failed"),
]

HTML = (
    "<div><h4>lianhua · 2026Q3</h4><table><tr><th>名次 rank</th><th>单位 unit</th>"
    "<th>自评 self</th><th>互评 peers</th><th>民意 survey</th><th>成绩 final</th>"
    "<th>等级 grade</th></tr>"
    "<tr><td>1</td><td>A</td><td>90.00</td><td>89.00</td><td>90.00</td><td><b>89.60</b></td>"
    "<td>良好 / good</td></tr>"
    "<tr><td>2</td><td>B</td><td>80.00</td><td>79.00</td><td>60.00</td><td><b>69.60</b></td>"
    "<td>合格 / qualified</td></tr>"
    "<tr><td>3</td><td>C</td><td>70.00</td><td>70.00</td><td>60.00</td><td><b>65.00</b></td>"
    "<td>合格 / qualified</td></tr>"
    "<tr><td>4</td><td>D</td><td>50.00</td><td>49.27</td><td>60.00</td><td><b>54.71</b></td>"
    "<td>不合格 / failed</td></tr></table></div>"
)


def test_each_scorecard_explains_the_whole_evaluation() -> None:
    """E-1..E-6: the golden explanation of a good unit (en) and of a failing one (zh)."""
    result = rich_quarter()
    assert result.scorecard("A").explanation.to_text("en") == A_EN
    assert result.scorecard("D").explanation.to_text("zh") == D_ZH
    d = result.scorecard("D").explanation
    assert d.title.en == "Quarterly evaluation 2026Q3: D"
    assert d.outcome.en == "54.71, failed, rank 4"
    assert [step.text.en for step in d.steps][-3:] == [
        "grade: failed",
        "rank 4 (ties share the best)",
        "ordered to rectify within a deadline",
    ]
    assert [step.text.zh for step in result.scorecard("A").explanation.steps][:2] == [
        "组团单位季度考评会议",
        "六个维度加权得到每份评分（无法评价的维度不计入）",
    ]


def test_the_rows_and_the_notebook_table_are_known() -> None:
    """E-5, E-6: one row per unit in rank order, exact components, reported finals."""
    result = rich_quarter()
    assert [
        (r["unit"], r["rank"], r["self"], r["peer"], r["public"], str(r["final"]), r["grade"])
        for r in result.rows()
    ] == ROWS
    assert {(r["peers"], r["answers"], r["reweighted"]) for r in result.rows()} == {(3, 100, False)}
    assert result._repr_html_() == HTML
    assert (result.community_id, result.quarter, result.evaluated_on) == (
        "lianhua",
        Q3,
        dt.date(2026, 10, 9),
    )
    assert result.policy_id == "xiamen-127"


def test_the_failing_unit_gets_an_order_naming_its_weakest_dimensions() -> None:
    """E-6: D's peer means per dimension (task completion over two raters) and its order."""
    result = rich_quarter()
    d = result.scorecard("D")
    assert dict(d.peer_dimensions) == {
        Dimension.SERVICE_ATTITUDE: Fraction(53),
        Dimension.PROFESSIONAL_LEVEL: Fraction(51),
        Dimension.EXECUTION_ABILITY: Fraction(49),
        Dimension.COORDINATION_ABILITY: Fraction(47),
        Dimension.TASK_COMPLETION: Fraction(89, 2),
        Dimension.PUBLIC_SATISFACTION: Fraction(49),
    }
    assert dict(d.self_dimensions)[Dimension.TASK_COMPLETION] == Decimal(46)
    assert (d.peer_count, d.response_count, d.rank, d.grade) == (3, 100, 4, Grade.FAILED)
    assert result.rectification_orders == (
        RectificationOrder(
            "D", Q3, Grade.FAILED, Decimal("54.71"), ("task_completion", "coordination_ability")
        ),
    )
    assert result.awards == ()


def test_what_grades_compare_is_policy_data() -> None:
    """E-6: to whole points A's 89.6 is 90, excellent and awarded; on the exact score, good."""
    whole = POLICY.override({"rounding.places": 0}).at(Q3.end)
    rounded = rich_quarter(whole)
    assert rounded.awards == (Award("A", Q3, Grade.EXCELLENT, Decimal(90)),)
    a = rounded.scorecard("A").explanation
    assert [(s.text.en, s.value) for s in a.steps][-3:] == [
        ("grade: excellent", "90"),
        ("rank 1 (ties share the best)", "1"),
        ("honour certificate awarded", "excellent"),
    ]
    assert (a.steps[-1].text.zh, a.steps[-1].rule) == ("颁发荣誉证书", "E-6")
    exact = rich_quarter(
        POLICY.override({"rounding.places": 0, "evaluation.grades.compare": "raw"}).at(Q3.end)
    )
    assert exact.awards == ()
    assert exact.scorecard("A").grade is Grade.GOOD
    assert exact.scorecard("A").explanation.outcome.zh == "90 分，良好，第 1 名"
    assert [(s.text.en, s.value) for s in exact.scorecard("A").explanation.steps][-2] == (
        "grade: good",
        "89.6",
    )


def test_survey_precision_is_known_for_the_community_and_each_unit() -> None:
    """E-4: the textbook estimator with the finite population correction, exactly."""
    result = rich_quarter()
    community = result.survey_precision
    assert community is not None
    assert (community.n, community.population, community.mean, community.variance) == (
        100,
        120,
        Fraction(135, 2),
        Fraction(625, 11),
    )
    a = result.scorecard("A").survey_precision
    assert a is not None
    assert (a.n, a.population, a.mean, a.variance) == (100, 120, Fraction(90), Fraction(10000, 99))
    # var/n x (1 - n/N) = 10000/99/100 x 1/6 = 50/297; its square root to 40 places
    assert str(a.standard_error) == "0.4103049699311091091141355337508101186114"


SMALL_ROWS = [
    ("C", 1, None, Fraction(80), None, "80.00", "good", 2, 0, True),
    ("A", 2, Fraction(85), Fraction(85), Fraction(70), "77.50", "qualified", 2, 20, False),
    ("B", 3, Fraction(75), Fraction(80), Fraction(50), "64.50", "qualified", 2, 10, False),
]
FINER_REWEIGHT = REWEIGHT.override(
    {"evaluation.scale": {"min": "0", "max": "100", "places": 3}}
).at(Q3.end)


def _rows(result: QuarterResult) -> list[tuple[object, ...]]:
    return [
        (
            r["unit"],
            r["rank"],
            r["self"],
            r["peer"],
            r["public"],
            str(r["final"]),
            r["grade"],
            r["peers"],
            r["answers"],
            r["reweighted"],
        )
        for r in result.rows()
    ]


@pytest.mark.parametrize("recorded_under", [None, FINER_REWEIGHT], ids=["columns", "fractions"])
def test_a_small_quarter_is_known_on_both_paths(recorded_under: object) -> None:
    """E-2..E-6: the known rows, from integer columns or (another scale) from Fractions.

    C (no self-rating, no project) ranks first on its peers alone; A's public mean is over
    both its projects (20 answers), B's over one; the unanswered P0 counts for nobody.
    """
    result = small_quarter(REWEIGHT.at(Q3.end), recorded_under=recorded_under)  # type: ignore[arg-type]
    assert _rows(result) == SMALL_ROWS
    c = result.scorecard("C")
    assert dict(c.self_dimensions) == dict.fromkeys(Dimension)
    assert dict(result.scorecard("A").peer_dimensions) == dict.fromkeys(Dimension, Fraction(85))
    assert explanation_dict(c.final.explanation) == explanation_dict(c.explanation)
    assert "<tr><td>1</td><td>C</td><td>-</td><td>80.00</td><td>-</td>" in result._repr_html_()
    assert c.final.weights[Component.PEER] == 1


def test_with_every_answer_for_every_unit_the_survey_counts_for_all() -> None:
    """E-4: under ``attribution = all`` every unit has the 20 answers, mean 70."""
    everyone = REWEIGHT.override({"evaluation.survey.attribution": "all"}).at(Q3.end)
    result = small_quarter(everyone)
    assert [(r["unit"], r["public"], r["answers"], str(r["final"])) for r in result.rows()] == [
        ("A", Fraction(70), 20, "77.50"),
        ("B", Fraction(70), 20, "74.50"),
        ("C", Fraction(70), 20, "74.44"),  # 80 x 4/9 + 70 x 5/9 = 670/9
    ]


BY_LABEL = {
    "name": "relabelled",
    "levels": [
        {"code": "g", "zh": "优", "en": "good", "score": "100"},
        {"code": "f", "zh": "中等", "en": "fair", "score": "50"},
        {"code": "p", "zh": "劣", "en": "poor", "score": "0"},
    ],
}


def test_answers_recorded_on_another_scale_are_read_by_label() -> None:
    """E-4: answers stored as codes of another scale are read by their labels.

    Codes good/fair/poor, read under a scale where those are the English labels of levels
    scoring 100/50/0: A's mean is (5 x 100 + 5 x 50 + 10 x 0) / 20 = 37.5.
    """
    recorded = REWEIGHT.override({"evaluation.survey.answer_scale": THREE_LEVELS}).at(Q3.end)
    relabelled = REWEIGHT.override({"evaluation.survey.answer_scale": BY_LABEL}).at(Q3.end)
    result = small_quarter(relabelled, recorded_under=recorded, answers=("好", "中", "差", "差"))
    assert [(r["unit"], r["public"], str(r["final"])) for r in result.rows()] == [
        ("C", None, "80.00"),
        ("A", Fraction(75, 2), "61.25"),
        ("B", Fraction(0), "39.50"),
    ]
    assert small_quarter(recorded, answers=("好", "中", "差", "差")).scorecard("A").public_mean == (
        Fraction(105, 2)  # under its own scale: (5 x 90 + 5 x 60 + 10 x 30) / 20
    )


def test_the_precision_reads_the_evaluations_policy() -> None:
    """E-4: a z of 2 from the policy is the z of every precision and of each explanation."""
    z2 = REWEIGHT.override({"evaluation.survey.z": "2"}).at(Q3.end)
    result = small_quarter(z2)
    assert result.survey_precision is not None
    assert result.survey_precision.z == 2
    a = result.scorecard("A")
    assert a.survey_precision is not None
    assert a.survey_precision.z == 2
    assert a.survey_precision.n == 10  # ten households, each the mean of its two answers
    assert ("evaluation.survey.z", "2") in {(p.name, p.value) for p in a.explanation.parameters}


def test_an_unknown_unit_is_a_key_error_naming_it() -> None:
    """E-1: asking for a unit that was not evaluated names the unit."""
    with pytest.raises(KeyError) as raised:
        small_quarter(REWEIGHT.at(Q3.end)).scorecard("Q")
    assert raised.value.args == ("Q",)


def test_a_survey_of_another_quarter_is_refused() -> None:
    """E-1: the survey must be of the quarter evaluated, like the ratings."""
    result_inputs = RatingBook(COMMUNITY, Q3)
    other = Survey(Q3.next(), draw_certificate(), [])
    with pytest.raises(EligibilityError, match="must be for 2026Q3") as raised:
        evaluate_quarter(COMMUNITY, Q3, result_inputs, other, policy=POLICY, at=Q3.end)
    assert (raised.value.field, raised.value.rule) == ("quarter", "E-1")


def draw_certificate() -> SampleCertificate:
    """A certificate of a two-household frame."""
    return draw_sample(SamplingFrame(["H1", "H2"]), 1, POLICY.at(Q3.end), seed_source="dice")


def test_without_a_survey_no_unit_has_answers() -> None:
    """E-4, E-5: no survey: every unit has 0 answers and no public mean; weights re-scaled."""
    two = Community("lianhua", "Lianhua", [MemberUnit(u, u, "co_building_unit") for u in "AB"])
    ratings = [Rating(a, b, Q3, "peer", dict.fromkeys(Dimension, 70)) for a, b in ("AB", "BA")]
    book = RatingBook(two, Q3).record_all(ratings, REWEIGHT.at(Q3.end))
    result = evaluate_quarter(two, Q3, book, None, policy=REWEIGHT, at=Q3.end)
    assert [(r["unit"], r["answers"], r["public"], str(r["final"])) for r in result.rows()] == [
        ("A", 0, None, "70.00"),
        ("B", 0, None, "70.00"),
    ]
    assert result.survey_precision is None
    assert result.scorecard("A").survey_precision is None


@pytest.mark.parametrize("recorded_under", [None, FINER_REWEIGHT], ids=["columns", "fractions"])
@pytest.mark.parametrize(("mode", "b"), [("half_up", "65"), ("half_even", "64")])
def test_the_rounding_mode_is_the_policys_on_both_paths(
    recorded_under: object, mode: str, b: str
) -> None:
    """E-5: to whole points, B's 64.5 is 65 half-up and 64 half-to-even; A's 77.5 is 78."""
    whole = REWEIGHT.override({"rounding.places": 0, "rounding.mode": mode}).at(Q3.end)
    result = small_quarter(whole, recorded_under=recorded_under)  # type: ignore[arg-type]
    assert [(r["unit"], str(r["final"])) for r in result.rows()] == [
        ("C", "80"),
        ("A", "78"),
        ("B", b),
    ]


@pytest.mark.parametrize("recorded_under", [None, FINER_REWEIGHT], ids=["columns", "fractions"])
def test_a_missing_component_names_the_unit_on_both_paths(recorded_under: object) -> None:
    """E-5: under the shipped ``error`` rule, C's missing self-rating is named as C's."""
    with pytest.raises(MissingComponentError) as raised:
        small_quarter(POLICY.at(Q3.end), recorded_under=recorded_under)  # type: ignore[arg-type]
    assert (raised.value.field, raised.value.rule) == ("C.self", "E-5")


@pytest.mark.parametrize("recorded_under", [None, FINER_REWEIGHT], ids=["columns", "fractions"])
def test_a_dimension_no_peer_rated_has_no_mean(recorded_under: object) -> None:
    """E-2: where every peer left a dimension unrated, its mean is None, not 0 and not 0/0."""
    two = Community("lianhua", "Lianhua", [MemberUnit(u, u, "co_building_unit") for u in "AB"])
    ratings = [Rating(a, b, Q3, "peer", {"service_attitude": 70}) for a, b in ("AB", "BA")]
    book = RatingBook(two, Q3).record_all(ratings, recorded_under or REWEIGHT.at(Q3.end))  # type: ignore[arg-type]
    result = evaluate_quarter(two, Q3, book, None, policy=REWEIGHT, at=Q3.end)
    assert dict(result.scorecard("A").peer_dimensions) == {
        **dict.fromkeys(Dimension),
        Dimension.SERVICE_ATTITUDE: Fraction(70),
    }


def test_the_survey_z_is_cited_where_the_score_counts_an_answer() -> None:
    """E-4, E-5: one answer is enough for the precision's z to be cited; none, and it is not."""
    book = small_quarter(REWEIGHT.at(Q3.end)).scorecard("A")  # the quarter as known
    assert "evaluation.survey.z" in {p.name for p in book.explanation.parameters}
    rules = REWEIGHT.at(Q3.end)
    ratings = RatingBook(SMALL, Q3).record_all(
        [
            Rating(a, b, Q3, "peer", dict.fromkeys(Dimension, 80))
            for a, b in itertools.permutations("ABC", 2)
        ],
        rules,
    )
    frame = SamplingFrame([f"H{i}" for i in range(10)])
    certificate = draw_sample(frame, 1, rules, seed_source="dice", at=Q3.end)
    one = Survey(Q3, certificate, SMALL_PROJECTS).respond_all(
        [SurveyResponse(certificate.sample[0], "P2", "satisfied")], rules, at=Q3.end
    )
    result = evaluate_quarter(SMALL, Q3, ratings, one, policy=rules, at=Q3.end)
    cited = {
        card.unit_id: "evaluation.survey.z" in {p.name for p in card.explanation.parameters}
        for card in result.scorecards
    }
    assert cited == {"A": True, "B": True, "C": False}
    assert [card.response_count for card in result.scorecards if card.unit_id == "B"] == [1]
