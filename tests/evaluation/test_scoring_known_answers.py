"""The final score's known answers, parameter edges and refusals (E-2, E-3, E-4, E-5).

Golden explanations of the worked example and of a trimmed, re-weighted score; each policy
parameter of the score changed to show that it changes the result; the edges of
``evaluation.peer.min_raters`` and ``evaluation.peer.trim_min_raters``; each refusal with its
class, ``field`` and ``rule``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from community_governance.errors import (
    ExactnessError,
    GovernanceError,
    MissingComponentError,
    PolicyDateError,
    ScoreOutOfRangeError,
)
from community_governance.evaluation.scoring import (
    final_score,
    grade_basis_value,
    grade_of,
    peer_mean,
)
from community_governance.explain import ExplanationBuilder, Text
from community_governance.policy import default_policy
from community_governance.vocabulary import Component, Grade

POLICY = default_policy()
DAY = dt.date(2026, 9, 30)
RULES = POLICY.at(DAY)

WORKED_EN = """\
Final score of A
Outcome: final score 86.20
Rules applied: E-5, E-2, E-3, E-4
Parameters read:
  evaluation.scale = {min: 0, max: 100} (E-2, from 2021-01-21)
  evaluation.peer.min_raters = 1 (E-3, from 2021-01-21)
  evaluation.peer.aggregation = mean (E-3, from 2021-01-21)
  evaluation.weights = {self: 0.1, peer: 0.4, public: 0.5} (E-5, from 2021-01-21)
  rounding.places = 2 (E-5, from 2021-01-21)
  rounding.mode = half_up (E-5, from 2021-01-21)
Inputs:
  unit = A
Steps:
  1. self-rating score = 90 [E-3]
  2. mean of 4 peer ratings = 82.5 [E-3]
  3. mean of 1 survey answers = 88.4 [E-4]
  4. weighted total (exact) = 86.2 [E-5]
  5. the one rounding step = 86.20 [E-5]"""

TRIMMED_ZH = """\
B 的最终成绩
结论: 最终成绩 80.00
适用规则: E-5, E-2, E-3, E-4
读取的参数:
  evaluation.scale = {min: 0, max: 100} (E-2, 生效于 2021-01-21)
  evaluation.peer.min_raters = 1 (E-3, 生效于 2021-01-21)
  evaluation.peer.aggregation = trimmed (E-3, 生效于 2021-01-21)
  evaluation.peer.trim_min_raters = 5 (E-5, 生效于 2021-01-21)
  evaluation.weights = {self: 0.1, peer: 0.4, public: 0.5} (E-5, 生效于 2021-01-21)
  evaluation.missing_component = reweight (E-5, 生效于 2021-01-21)
  rounding.places = 2 (E-5, 生效于 2021-01-21)
  rounding.mode = half_up (E-5, 生效于 2021-01-21)
关键输入:
  unit = B
步骤:
  1. 去掉最高分 87 和最低分 60 后取平均 = 81 [E-5]
  2. 2 份民意测评答卷的平均分 = 79.2 [E-4]
  3. 缺少自评，其余权重按比例放大 = {self: 0, peer: 4/9, public: 5/9} [E-5]
  4. 加权合计（精确值） = 80 [E-5]
  5. 唯一一次修约 = 80.00 [E-5]
标记: reweighted"""

TRIM_REWEIGHT = POLICY.override(
    {"evaluation.peer.aggregation": "trimmed", "evaluation.missing_component": "reweight"}
)


def test_the_worked_example_explains_itself() -> None:
    """E-5: 10% x 90 + 40% x 82.5 + 50% x 88.4 = 86.2, reported 86.20; the golden explanation."""
    score = final_score(
        self_score="90",
        peer_scores=["80", "85", "78", "87"],
        public_scores=["88.4"],
        policy=POLICY,
        at=DAY,
        unit="A",
    )
    assert score.explanation.to_text("en") == WORKED_EN
    assert score.explanation.title.zh == "A 的最终成绩"
    assert score.explanation.outcome.zh == "最终成绩 86.20"
    assert [step.text.zh for step in score.explanation.steps] == [
        "自评分",
        "4 个其他单位评分的算术平均",
        "1 份民意测评答卷的平均分",
        "加权合计（精确值）",
        "唯一一次修约",
    ]
    assert (score.exact, score.reported, score.reweighted) == (
        Fraction(431, 5),
        Decimal("86.20"),
        False,
    )
    assert score.components == {
        Component.SELF: Fraction(90),
        Component.PEER: Fraction(165, 2),
        Component.PUBLIC: Fraction(442, 5),
    }
    assert score.weights == {
        Component.SELF: Fraction(1, 10),
        Component.PEER: Fraction(2, 5),
        Component.PUBLIC: Fraction(1, 2),
    }


def test_a_trimmed_reweighted_score_explains_itself() -> None:
    """E-3, E-5: five peers trimmed to three; no self-rating: 4/9 peer, 5/9 public."""
    score = final_score(
        self_score=None,
        peer_scores=["80", "85", "78", "87", "60"],
        public_scores=["88.4", "70"],
        policy=TRIM_REWEIGHT,
        at=DAY,
        unit="B",
    )
    assert score.explanation.to_text("zh") == TRIMMED_ZH
    assert [step.text.en for step in score.explanation.steps[:3]] == [
        "mean without the highest (87) and lowest (60)",
        "mean of 2 survey answers",
        "missing self-rating; remaining weights scaled to sum to 1",
    ]
    assert score.explanation.flags == ("reweighted",)
    assert score.reweighted
    assert score.components[Component.SELF] is None
    assert score.weights == {
        Component.SELF: Fraction(0),
        Component.PEER: Fraction(4, 9),
        Component.PUBLIC: Fraction(5, 9),
    }
    assert score.exact == 80


def test_a_given_explanation_is_continued_not_restarted() -> None:
    """E-5: a caller's builder gets the steps; the unit is then the caller's to record."""
    builder = ExplanationBuilder(Text("季度", "Quarter"))
    score = final_score(
        self_score="90", peer_scores=["80"], public_scores=["70"], policy=RULES, builder=builder
    )
    assert score.explanation.title == Text("季度", "Quarter")
    assert score.explanation.inputs == ()
    assert len(builder.steps) == 5


@pytest.mark.parametrize(
    ("peers", "trimmed_mean"),
    [
        (["10", "20", "30", "40", "100"], Fraction(30)),  # five: trimmed
        (["10", "20", "30", "100"], Fraction(40)),  # four: below trim_min_raters, plain mean
    ],
)
def test_trimming_starts_at_exactly_trim_min_raters(
    peers: list[str], trimmed_mean: Fraction
) -> None:
    """E-3, E-5: with ``trimmed``, five peers lose their extremes; four keep them."""
    assert peer_mean(peers, TRIM_REWEIGHT, at=DAY) == trimmed_mean
    assert peer_mean(peers, POLICY, at=DAY) == sum(map(Fraction, peers)) / len(peers)
    builder = ExplanationBuilder(Text("t", "t"))
    peer_mean(peers, TRIM_REWEIGHT.at(DAY), builder)
    step = builder.steps[0]
    assert step.rule == ("E-5" if len(peers) == 5 else "E-3")
    if len(peers) == 4:
        assert (step.text.zh, step.text.en) == (
            "4 个其他单位评分的算术平均",
            "mean of 4 peer ratings",
        )
    else:
        assert step.text.zh == "去掉最高分 100 和最低分 10 后取平均"


def test_the_minimum_number_of_peer_raters_is_inclusive() -> None:
    """E-3: with ``min_raters`` 3, three peers count and two are missing (re-weighted away)."""
    three = TRIM_REWEIGHT.override({"evaluation.peer.min_raters": 3}).at(DAY)
    counted = final_score(
        self_score="50", peer_scores=["60"] * 3, public_scores=["70"], policy=three
    )
    assert counted.components[Component.PEER] == 60
    short = final_score(self_score="50", peer_scores=["60"] * 2, public_scores=["70"], policy=three)
    assert short.components[Component.PEER] is None
    assert short.weights[Component.PEER] == 0


@pytest.mark.parametrize(
    ("override", "reported"),
    [
        ({}, Decimal("85.13")),
        ({"rounding.mode": "half_even"}, Decimal("85.12")),
        ({"rounding.places": 1}, Decimal("85.1")),
        ({"evaluation.weights": {"self": "0", "peer": "1/2", "public": "1/2"}}, Decimal("86.13")),
    ],
)
def test_each_scoring_parameter_changes_the_result(
    override: dict[str, object], reported: Decimal
) -> None:
    """E-5: one tie, 85.125, under the policy's mode, another mode, places and weights."""
    score = final_score(
        self_score="76.125",
        peer_scores=["86.125"],
        public_scores=["86.125"],
        policy=POLICY.override(override),
        at=DAY,
    )
    assert score.reported == reported


@pytest.mark.parametrize(
    ("arguments", "error", "field", "rule"),
    [
        ({"peer_scores": ["101"]}, ScoreOutOfRangeError, "A.peer_scores", "E-2"),
        ({"public_scores": ["-1"]}, ScoreOutOfRangeError, "A.public_scores", "E-2"),
        ({"self_score": "100.5"}, ScoreOutOfRangeError, "A.self_score", "E-2"),
        ({"peer_scores": [80.5]}, ExactnessError, "peer_scores[0]", "E-5"),
        ({"public_scores": ["70", 1.5]}, ExactnessError, "public_scores[1]", "E-5"),
        ({"self_score": 1.5}, ExactnessError, "self_score[0]", "E-5"),
        ({"public_scores": []}, MissingComponentError, "A.public", "E-5"),
        ({"peer_scores": []}, MissingComponentError, "A.peer", "E-5"),
    ],
)
def test_each_refusal_names_the_field_and_rule(
    arguments: dict[str, object], error: type[GovernanceError], field: str, rule: str
) -> None:
    """E-2, E-5: out of scale, a float, a missing component under the ``error`` policy."""
    given: dict[str, object] = {
        "self_score": "90",
        "peer_scores": ["80"],
        "public_scores": ["70"],
        **arguments,
    }
    with pytest.raises(error) as raised:
        final_score(**given, policy=RULES, unit="A")  # type: ignore[arg-type]
    assert (raised.value.field, raised.value.rule) == (field, rule)


def test_a_missing_component_error_says_what_is_missing_and_why() -> None:
    """E-5: the message names the unit, the components, the raters and the minimum."""
    with pytest.raises(MissingComponentError) as raised:
        final_score(self_score=None, peer_scores=[], public_scores=["70"], policy=RULES, unit="Q")
    assert str(raised.value).startswith(
        "Q.self: unit Q has no self-rating, peer ratings (peer raters: 0, minimum 1); "
        "the policy does not re-weight"
    )
    with pytest.raises(MissingComponentError) as nothing:
        final_score(self_score=None, peer_scores=[], public_scores=[], policy=TRIM_REWEIGHT, at=DAY)
    assert nothing.value.rule == "E-5"


def test_peer_mean_of_nothing_is_a_missing_component() -> None:
    """E-3: no peer scores at all is refused (never a division by zero)."""
    with pytest.raises(MissingComponentError, match="no peer ratings") as raised:
        peer_mean([], RULES)
    assert (raised.value.field, raised.value.rule) == ("peer_scores", "E-3")


def test_a_grade_compares_the_score_the_policy_names_on_the_day() -> None:
    """E-6: 89.995 is reported 90.00, excellent on the reported score, good on the exact one."""
    final = final_score(
        self_score="89.995", peer_scores=["89.995"], public_scores=["89.995"], policy=RULES
    )
    assert (final.exact, final.reported) == (Fraction("89.995"), Decimal("90.00"))
    from_october = POLICY.override(
        {"evaluation.grades.compare": {"value": "raw", "valid_from": "2026-10-01"}}
    )
    builder = ExplanationBuilder(Text("定级", "Grade"))
    assert grade_of(final, from_october, builder, at=DAY) is Grade.EXCELLENT
    assert [(s.text.zh, s.text.en, s.value, s.rule) for s in builder.steps] == [
        ("定级：优秀", "grade: excellent", "90", "E-6")
    ]
    assert {p.name for p in builder.parameters} == {
        "evaluation.grades.compare",
        "evaluation.grades.bands",
    }
    october = dt.date(2026, 10, 1)
    assert grade_of(final, from_october, at=october) is Grade.GOOD
    assert grade_basis_value(final, from_october, at=DAY) == 90
    assert grade_basis_value(final, from_october, at=october) == Fraction("89.995")
    traced = ExplanationBuilder(Text("t", "t"))
    grade_basis_value(final, from_october, at=october, builder=traced)
    assert [p.name for p in traced.parameters] == ["evaluation.grades.compare"]
    with pytest.raises(PolicyDateError):
        grade_of(final, from_october)
    with pytest.raises(PolicyDateError):
        grade_basis_value(final, from_october)


def test_without_a_unit_name_the_score_speaks_of_the_unit() -> None:
    """E-5: the default unit name is 'unit', in the explanation and in an error's field."""
    score = final_score(self_score="90", peer_scores=["80"], public_scores=["70"], policy=RULES)
    assert score.explanation.title == Text("unit 的最终成绩", "Final score of unit")
    assert ("unit", "unit") in score.explanation.inputs
    with pytest.raises(ScoreOutOfRangeError, match="101 is outside the scale") as raised:
        final_score(self_score="101", peer_scores=["80"], public_scores=["70"], policy=RULES)
    assert raised.value.field == "unit.self_score"


def test_two_missing_components_are_both_named_when_reweighted() -> None:
    """E-5: no self-rating and no survey: the peer mean alone, both absences named."""
    score = final_score(
        self_score=None, peer_scores=["80"], public_scores=[], policy=TRIM_REWEIGHT, at=DAY
    )
    step = score.explanation.steps[1]
    assert (step.text.zh, step.text.en) == (
        "缺少自评、民意测评，其余权重按比例放大",
        "missing self-rating, public-opinion survey; remaining weights scaled to sum to 1",
    )
    assert step.value == "{self: 0, peer: 1, public: 0}"
    assert score.exact == 80


def test_peer_mean_explains_what_it_read_and_names_a_bad_score() -> None:
    """E-3: the mean records the parameters it read; a bad score is named by its place."""
    builder = ExplanationBuilder(Text("t", "t"))
    assert peer_mean(["80", "90"], TRIM_REWEIGHT, builder, at=DAY) == 85
    assert [p.name for p in builder.parameters] == [
        "evaluation.peer.aggregation",
        "evaluation.peer.trim_min_raters",
    ]
    with pytest.raises(ExactnessError) as raised:
        peer_mean(["80", 90.5], RULES)  # type: ignore[list-item]
    assert (raised.value.field, raised.value.rule) == ("peer_scores[1]", "E-5")
