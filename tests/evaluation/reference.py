"""A plain transcription of the quarterly evaluation in Fraction arithmetic (E-1..E-6).

This is the implementation the library had before it kept ratings as exact integer
columns. It stays here, unchanged in substance, as the reference the integer core is
compared with on random quarters (tests/evaluation/test_columns.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from fractions import Fraction

import attrs

from community_governance.community import Community, Quarter
from community_governance.evaluation.grading import (
    Award,
    RectificationOrder,
    grade_basis_value,
    grade_of,
    rank,
)
from community_governance.evaluation.quarter import QuarterResult, Scorecard
from community_governance.evaluation.ratings import Rating, RatingBook, rating_score
from community_governance.evaluation.scoring import FinalScore, final_score
from community_governance.evaluation.survey import Survey
from community_governance.evaluation.unit_scoring import check_inputs as _check_inputs
from community_governance.explain import ExplanationBuilder, Text
from community_governance.policy.loader import resolve
from community_governance.policy.model import Policy
from community_governance.policy.schema import PolicySnapshot
from community_governance.vocabulary import Component, Dimension

__all__ = ["reference_evaluate_quarter"]


def _dimension_means(ratings: tuple[Rating, ...]) -> dict[Dimension, Fraction | None]:
    means: dict[Dimension, Fraction | None] = {}
    for dimension in Dimension:
        values = [r.scores.get(dimension) for r in ratings]
        rated = [Fraction(v) for v in values if v is not None]
        means[dimension] = sum(rated, Fraction(0)) / len(rated) if rated else None
    return means


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
    final = final_score(
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
    _check_inputs(community, quarter, ratings, survey, on)
    snapshot = resolve(policy, on)
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
