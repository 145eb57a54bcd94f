"""One quarter's evaluation, end to end: ``evaluate_quarter`` (E-1..E-6).

From the quarter's ratings (E-2, E-3) and household survey (E-4) to a
[`QuarterResult`][community_governance.evaluation.quarter.QuarterResult]: for every member unit a
[`Scorecard`][community_governance.evaluation.quarter.Scorecard] (the six
dimensions per source, the three component means, the final score, the grade
and the rank) with its own explanation; the honour certificates and
rectification orders (E-6); and the survey's precision. A pure function: the
policy and the evaluation date are parameters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

import attrs

from community_governance.community import Community, Quarter
from community_governance.deprecation import deprecated_alias
from community_governance.errors import EligibilityError
from community_governance.evaluation.grading import (
    Award,
    RectificationOrder,
    grade_basis_value,
    grade_of,
    rank,
)
from community_governance.evaluation.ratings import Rating, RatingBook, rating_score
from community_governance.evaluation.scoring import FinalScore, final_score
from community_governance.evaluation.survey import Precision, Survey
from community_governance.explain import Explanation, ExplanationBuilder, Text
from community_governance.frozen import read_only
from community_governance.numbers import round_exact
from community_governance.policy.loader import resolve
from community_governance.policy.model import Policy
from community_governance.policy.schema import PolicySnapshot
from community_governance.vocabulary import Component, Dimension, Grade

__all__ = ["QuarterResult", "Scorecard", "evaluate_quarter"]


@attrs.frozen
class Scorecard:
    """One unit's quarter: dimensions per source, component means, final, grade, rank.

    Attributes:
        unit_id: the unit.
        self_dimensions: the unit's own score on each dimension (``None``:
            not rated, or no self-rating).
        peer_dimensions: the mean of the other units' scores on each
            dimension, over those who rated it.
        peer_count: how many other units rated the unit.
        response_count: how many survey answers count for it.
        survey_precision: precision of its survey mean (households as units).
        final: the final score with its components and explanation.
        grade: the grade (E-6).
        rank: the rank among the community's units (ties share the best rank).
        explanation: the whole trace, E-1..E-6.
    """

    unit_id: str
    self_dimensions: Mapping[Dimension, Decimal | None] = attrs.field(converter=read_only)
    peer_dimensions: Mapping[Dimension, Fraction | None] = attrs.field(converter=read_only)
    peer_count: int
    response_count: int
    final: FinalScore
    grade: Grade
    rank: int
    explanation: Explanation
    survey_precision: Precision | None = None

    @property
    def self_score(self) -> Fraction | None:
        """The self-rating's score (E-3)."""
        return self.final.components[Component.SELF]

    @property
    def peer_mean(self) -> Fraction | None:
        """The peer mean (E-3, E-5)."""
        return self.final.components[Component.PEER]

    @property
    def public_mean(self) -> Fraction | None:
        """The survey mean (E-4)."""
        return self.final.components[Component.PUBLIC]


@attrs.frozen
class QuarterResult:
    """The outcome of ``evaluate_quarter``.

    Attributes:
        community_id: the community.
        quarter: the quarter evaluated.
        evaluated_on: the date of the evaluation (the policy is read on it).
        policy_id: the policy used.
        scorecards: one per unit, in rank order (see
            ``RANKING_RULE``).
        awards: honour certificates (E-6).
        rectification_orders: orders to rectify (E-6).
        survey_precision: precision of the survey mean over every answer, if
            there was a survey.
    """

    community_id: str
    quarter: Quarter
    evaluated_on: dt.date
    policy_id: str
    scorecards: tuple[Scorecard, ...]
    awards: tuple[Award, ...]
    rectification_orders: tuple[RectificationOrder, ...]
    survey_precision: Precision | None

    def scorecard(self, unit_id: str) -> Scorecard:
        """The scorecard of ``unit_id``.

        Raises:
            KeyError: no such unit was evaluated.
        """
        for card in self.scorecards:
            if card.unit_id == unit_id:
                return card
        raise KeyError(unit_id)

    def _repr_html_(self) -> str:
        import html  # noqa: PLC0415 - only notebooks need it

        head = "".join(
            f"<th>{h}</th>"
            for h in (
                "名次 rank",
                "单位 unit",
                "自评 self",
                "互评 peers",
                "民意 survey",
                "成绩 final",
                "等级 grade",
            )
        )

        def cell(value: Fraction | None) -> str:
            return "-" if value is None else f"{round_exact(value)}"

        body = "".join(
            f"<tr><td>{c.rank}</td><td>{html.escape(c.unit_id)}</td><td>{cell(c.self_score)}</td>"
            f"<td>{cell(c.peer_mean)}</td><td>{cell(c.public_mean)}</td>"
            f"<td><b>{c.final.reported}</b></td><td>{c.grade.zh} / {c.grade.en}</td></tr>"
            for c in self.scorecards
        )
        return (
            f"<div><h4>{html.escape(self.community_id)} · {self.quarter}</h4>"
            f"<table><tr>{head}</tr>{body}</table></div>"
        )

    def rows(self) -> list[dict[str, object]]:
        """One plain row per unit (for tables, CSV and DataFrames)."""
        return [
            {
                "rank": c.rank,
                "unit": c.unit_id,
                "self": c.self_score,
                "peer": c.peer_mean,
                "public": c.public_mean,
                "final": c.final.reported,
                "grade": c.grade.code,
                "peers": c.peer_count,
                "answers": c.response_count,
                "reweighted": c.final.reweighted,
            }
            for c in self.scorecards
        ]


def _dimension_means(ratings: tuple[Rating, ...]) -> dict[Dimension, Fraction | None]:
    means: dict[Dimension, Fraction | None] = {}
    for dimension in Dimension:
        values = [r.scores.get(dimension) for r in ratings]
        rated = [Fraction(v) for v in values if v is not None]
        means[dimension] = sum(rated, Fraction(0)) / len(rated) if rated else None
    return means


def _check_inputs(
    community: Community, quarter: Quarter, ratings: RatingBook, survey: Survey | None, on: dt.date
) -> None:
    if on < quarter.end:
        raise EligibilityError(
            f"{quarter} is evaluated after it ends ({quarter.end}), not on {on}",
            field="at",
            rule="E-1",
        )
    if ratings.quarter != quarter or (survey is not None and survey.quarter != quarter):
        raise EligibilityError(
            f"ratings and survey must be for {quarter}", field="quarter", rule="E-1"
        )
    if ratings.community.community_id != community.community_id:
        raise EligibilityError(
            f"the ratings are of community {ratings.community.community_id}",
            field="ratings.community",
            rule="E-1",
        )


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


def evaluate_quarter(
    community: Community,
    quarter: Quarter | str,
    ratings: RatingBook,
    survey: Survey | None,
    *,
    policy: Policy | PolicySnapshot | None = None,
    at: dt.date | None = None,
    on: dt.date | None = None,
) -> QuarterResult:
    """Evaluate every member unit of ``community`` for ``quarter`` (E-1..E-6).

    Args:
        community: the community and its member units.
        quarter: the quarter (``Quarter`` or text such as ``"2026Q3"``).
        ratings: the quarter's self and peer ratings (E-2, E-3).
        survey: the quarter's household survey (E-4), or ``None`` if there was
            none (then the public component is missing for every unit).
        policy: the policy, or a snapshot of it; default the shipped policy.
        at: the evaluation date; default the quarter's last day. A
            [Policy][community_governance.policy.model.Policy] is read on it.
        on: deprecated alias of ``at``.

    Raises:
        EligibilityError: the date is before the quarter's end, or the ratings
            or survey belong to another quarter or community.
        MissingComponentError: a unit lacks a component and the policy does
            not re-weight.
    """
    quarter = quarter if isinstance(quarter, Quarter) else Quarter.parse(quarter)
    on = deprecated_alias("evaluate_quarter", at=at, on=on) or quarter.end
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
