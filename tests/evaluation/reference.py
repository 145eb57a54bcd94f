"""A plain transcription of the quarterly evaluation in Fraction arithmetic (E-1..E-6).

This is the implementation the library had before it kept ratings as exact integer
columns, E-5 included: the library computes in integers
(``community_governance.evaluation.kernel``), and this reference, in Fractions, is what the
integer core is compared with on random quarters (tests/evaluation/test_columns.py).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction

import attrs

from community_governance.community import Community, Quarter
from community_governance.errors import MissingComponentError, ScoreOutOfRangeError
from community_governance.evaluation.quarter import QuarterResult, Scorecard
from community_governance.evaluation.ratings import Rating, RatingBook, rating_score
from community_governance.evaluation.scoring import (
    Award,
    FinalScore,
    RectificationOrder,
    grade_basis_value,
    grade_of,
    missing_component_error,
    rank,
)
from community_governance.evaluation.survey import Survey
from community_governance.evaluation.unit_scoring import check_inputs as _check_inputs
from community_governance.explain import ExplanationBuilder, Text
from community_governance.numbers import as_fraction, as_score, round_exact
from community_governance.policy.loader import resolve
from community_governance.policy.model import Policy
from community_governance.policy.schema import PolicySnapshot
from community_governance.vocabulary import (
    Component,
    Dimension,
    MissingComponentRule,
    PeerAggregation,
)

__all__ = ["reference_evaluate_quarter"]


def _exact_scores(values: Iterable[object], field: str) -> tuple[Fraction, ...]:
    out = []
    for i, value in enumerate(values):
        if isinstance(value, Fraction):
            out.append(value)
        else:
            out.append(as_fraction(as_score(value, field=f"{field}[{i}]", rule="E-5")))
    return tuple(out)


def _peer_mean(
    scores: Iterable[Fraction | Decimal | int | str],
    policy: Policy | PolicySnapshot | None = None,
    builder: ExplanationBuilder | None = None,
    *,
    at: dt.date | None = None,
) -> Fraction:
    """E-3, E-5: the peer mean in Fractions (the reference)."""
    values = sorted(_exact_scores(scores, "peer_scores"))
    if not values:
        raise MissingComponentError(
            "no peer ratings", field="peer_scores", rule="E-3", zh="没有互评"
        )
    p = resolve(policy, at, builder)
    trimmed = p.peer_aggregation is PeerAggregation.TRIMMED and len(values) >= p.trim_min_raters
    used = values[1:-1] if trimmed else values
    mean = sum(used, Fraction(0)) / len(used)
    if builder is not None:
        if trimmed:
            builder.step(
                f"去掉最高分 {values[-1]} 和最低分 {values[0]} 后取平均",
                f"mean without the highest ({values[-1]}) and lowest ({values[0]})",
                mean,
                rule="E-5",
            )
        else:
            builder.step(
                f"{len(values)} 个其他单位评分的算术平均",
                f"mean of {len(values)} peer ratings",
                mean,
                rule="E-3",
            )
    return mean


def reference_final_score(
    *,
    self_score: Fraction | Decimal | int | str | None,
    peer_scores: Iterable[Fraction | Decimal | int | str],
    public_scores: Iterable[Fraction | Decimal | int | str],
    policy: Policy | PolicySnapshot | None = None,
    at: dt.date | None = None,
    unit: str = "unit",
    builder: ExplanationBuilder | None = None,
) -> FinalScore:
    """E-5 in Fraction arithmetic, as the rule reads (the reference)."""
    b = builder or ExplanationBuilder(Text(f"{unit} 的最终成绩", f"Final score of {unit}"))
    b.rule("E-5")
    p = resolve(policy, at, b)
    scale = p.score_range
    peers = _exact_scores(peer_scores, "peer_scores")
    public = _exact_scores(public_scores, "public_scores")
    own = None if self_score is None else _exact_scores([self_score], "self_score")[0]
    for name, values in (
        ("self_score", () if own is None else (own,)),
        ("peer_scores", peers),
        ("public_scores", public),
    ):
        for value in values:
            if value not in scale:
                raise ScoreOutOfRangeError(
                    f"{value} is outside the scale",
                    field=f"{unit}.{name}",
                    rule="E-2",
                    zh=f"{value} 超出量表范围",
                )
    components: dict[Component, Fraction | None] = {
        Component.SELF: own,
        Component.PEER: None,
        Component.PUBLIC: None,
    }
    if own is not None:
        b.step("自评分", "self-rating score", own, rule="E-3")
    if len(peers) >= p.peer_min_raters:
        components[Component.PEER] = _peer_mean(peers, p, b)
    if public:
        components[Component.PUBLIC] = sum(public, Fraction(0)) / len(public)
        b.step(
            f"{len(public)} 份民意测评答卷的平均分",
            f"mean of {len(public)} survey answers",
            components[Component.PUBLIC],
            rule="E-4",
        )
    weights = dict(p.component_weights)
    missing = [c for c, v in components.items() if v is None]
    reweighted = False
    if missing:
        labels = ", ".join(c.en for c in missing)
        present = sum((w for c, w in weights.items() if c not in missing), Fraction(0))
        if p.missing_component is MissingComponentRule.ERROR or present == 0:
            raise missing_component_error(unit, missing, len(peers), p.peer_min_raters)
        weights = {c: (Fraction(0) if c in missing else w / present) for c, w in weights.items()}
        reweighted = True
        b.flag("reweighted")
        b.step(
            f"缺少{'、'.join(c.zh for c in missing)}，其余权重按比例放大",
            f"missing {labels}; remaining weights scaled to sum to 1",
            weights,
            rule="E-5",
        )
    exact = sum((weights[c] * v for c, v in components.items() if v is not None), Fraction(0))
    b.step("加权合计（精确值）", "weighted total (exact)", exact, rule="E-5")
    reported = round_exact(exact, p.rounding_places, p.rounding_mode)
    b.step("唯一一次修约", "the one rounding step", reported, rule="E-5")
    if builder is None:
        b.input("unit", unit)
    return FinalScore(
        exact=exact,
        reported=reported,
        components=components,
        weights=weights,
        reweighted=reweighted,
        explanation=b.build(Text(f"最终成绩 {reported}", f"final score {reported}")),
    )


def _dimension_means(ratings: tuple[Rating, ...]) -> dict[Dimension, Fraction | None]:
    # statistics.mean is exact on Fractions: an implementation other than the library's.
    rated = {
        d: [Fraction(s) for r in ratings if (s := r.scores.get(d)) is not None] for d in Dimension
    }
    return {d: statistics.mean(values) if values else None for d, values in rated.items()}


@attrs.frozen
class _Scored:
    final: FinalScore
    builder: ExplanationBuilder
    peers: tuple[Rating, ...]
    own: Rating | None


def _score_unit(  # noqa: PLR0917 - a private step of evaluate_quarter
    unit: str,
    quarter: Quarter,
    on: dt.date,
    ratings: RatingBook,
    peers: tuple[Rating, ...],
    answers: tuple[Fraction, ...],
    snapshot: PolicySnapshot,
    *,
    survey_reads: ExplanationBuilder | None,
) -> _Scored:
    builder = ExplanationBuilder(
        Text(f"{quarter} 季度考评：{unit}", f"Quarterly evaluation {quarter}: {unit}")
    )
    p = snapshot.traced(builder)
    builder.step(
        "组团单位季度考评会议",
        "quarterly evaluation meeting of the member units",
        str(quarter),
        rule="E-1",
    )
    builder.input("unit", unit)
    builder.input("evaluated_on", on)
    own = ratings.self_rating(unit)
    self_score = rating_score(own, p) if own is not None else None
    peer_scores = [rating_score(r, p) for r in peers]
    builder.step(
        "六个维度加权得到每份评分（无法评价的维度不计入）",
        "each rating weighted over the dimensions it rates (unable-to-rate left out)",
        len(peers) + (own is not None),
        rule="E-2",
    )
    if survey_reads is not None:
        builder.include_reads(survey_reads)
    final = reference_final_score(
        self_score=self_score,
        peer_scores=peer_scores,
        public_scores=answers,
        policy=p,
        unit=unit,
        builder=builder,
    )
    return _Scored(final, builder, peers, own)


def reference_evaluate_quarter(
    community: Community,
    quarter: Quarter | str,
    ratings: RatingBook,
    survey: Survey | None,
    *,
    policy: Policy | PolicySnapshot | None = None,
    at: dt.date | None = None,
) -> QuarterResult:
    """The evaluation of a quarter as plain Fraction arithmetic (the reference)."""
    quarter = quarter if isinstance(quarter, Quarter) else Quarter.parse(quarter)
    on = at or quarter.end
    snapshot = resolve(policy, on)
    _check_inputs(community, quarter, ratings, survey, on, snapshot=snapshot)
    unit_ids = community.unit_ids
    survey_reads = None
    public: dict[str, tuple[Fraction, ...]] = {}
    if survey is not None:
        survey_reads = ExplanationBuilder(Text("民意测评", "survey"))
        public = survey.scores_for_units(unit_ids, snapshot, builder=survey_reads)
    by_ratee: dict[str, list[Rating]] = {unit: [] for unit in unit_ids}
    for rating in ratings.current.values():
        if rating.kind is Component.PEER and rating.ratee in by_ratee:
            by_ratee[rating.ratee].append(rating)
    scored = {
        unit: _score_unit(
            unit,
            quarter,
            on,
            ratings,
            tuple(sorted(by_ratee[unit], key=lambda r: r.rater)),
            public.get(unit, ()),
            snapshot,
            survey_reads=survey_reads,
        )
        for unit in unit_ids
    }
    ranks = rank(
        {
            unit: grade_basis_value(item.final, snapshot, builder=item.builder)
            for unit, item in scored.items()
        }
    )
    cards: list[Scorecard] = []
    awards: list[Award] = []
    orders: list[RectificationOrder] = []
    for unit in sorted(unit_ids, key=lambda u: (ranks[u], u)):
        item = scored[unit]
        builder, final = item.builder, item.final
        p = snapshot.traced(builder)
        grade = grade_of(final, p, builder)
        builder.step(
            f"名次 {ranks[unit]}（并列取最好名次）",
            f"rank {ranks[unit]} (ties share the best)",
            ranks[unit],
            rule="E-6",
        )
        peer_dimensions = _dimension_means(item.peers)
        if grade in p.award_grades:
            builder.step("颁发荣誉证书", "honour certificate awarded", grade, rule="E-6")
            awards.append(Award(unit, quarter, grade, final.reported))
        if grade in p.rectification_grades:
            builder.step("限期整改", "ordered to rectify within a deadline", grade, rule="E-6")
            orders.append(
                RectificationOrder(unit, quarter, grade, final.reported, _weakest(peer_dimensions))
            )
        unit_precision = survey.precision(p, unit, builder=builder) if survey is not None else None
        explanation = builder.build(
            Text(
                f"{final.reported} 分，{grade.zh}，第 {ranks[unit]} 名",
                f"{final.reported}, {grade.en}, rank {ranks[unit]}",
            )
        )
        cards.append(
            Scorecard(
                unit_id=unit,
                self_dimensions=(
                    dict(item.own.scores) if item.own is not None else dict.fromkeys(Dimension)
                ),
                peer_dimensions=peer_dimensions,
                peer_count=len(item.peers),
                response_count=len(public.get(unit, ())),
                final=attrs.evolve(final, explanation=explanation),
                grade=grade,
                rank=ranks[unit],
                explanation=explanation,
                survey_precision=unit_precision,
            )
        )
    return QuarterResult(
        community_id=community.community_id,
        quarter=quarter,
        evaluated_on=on,
        policy_id=snapshot.policy_id,
        scorecards=tuple(cards),
        awards=tuple(awards),
        rectification_orders=tuple(orders),
        survey_precision=survey.precision(snapshot) if survey is not None else None,
    )


def _weakest(means: Mapping[Dimension, Fraction | None]) -> tuple[str, ...]:
    rated = {d: m for d, m in means.items() if m is not None}
    return tuple(d.code for d in sorted(rated, key=lambda d: (rated[d], d.code))[:2])
