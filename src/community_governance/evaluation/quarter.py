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
import functools
import math
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

import attrs

from community_governance.community import Community, Quarter
from community_governance.deprecation import deprecated_alias
from community_governance.errors import EligibilityError
from community_governance.evaluation.columns import int_weights, unit_final
from community_governance.evaluation.grading import (
    Award,
    RectificationOrder,
    grade_basis_value,
    grade_of,
    rank,
)
from community_governance.evaluation.ratings import Rating, RatingBook, rating_score
from community_governance.evaluation.scoring import FinalScore, explained, final_score
from community_governance.evaluation.survey import Precision, Survey
from community_governance.explain import Explanation, ExplanationBuilder, Text
from community_governance.frozen import Deferred, deferred, read_only
from community_governance.numbers import round_exact, round_ratio
from community_governance.policy.loader import resolve
from community_governance.policy.model import Policy
from community_governance.policy.schema import PolicySnapshot
from community_governance.vocabulary import (
    Component,
    Dimension,
    Grade,
    GradeBasis,
)

__all__ = ["QuarterResult", "Scorecard", "evaluate_quarter"]


def _precision(value: Precision | Deferred[Precision | None] | None) -> Deferred[Precision | None]:
    return deferred(value)


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
    _explanation: Deferred[Explanation] = attrs.field(
        alias="explanation", converter=explained, repr=False
    )
    _survey_precision: Deferred[Precision | None] = attrs.field(
        alias="survey_precision", default=None, converter=_precision, repr=False
    )

    @property
    def explanation(self) -> Explanation:
        """The whole trace, E-1..E-6 (built on first access)."""
        return self._explanation.get()

    @property
    def survey_precision(self) -> Precision | None:
        """Precision of the unit's survey mean (computed on first access)."""
        return self._survey_precision.get()

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
    _survey_precision: Deferred[Precision | None] = attrs.field(
        alias="survey_precision", converter=_precision, repr=False
    )

    @property
    def survey_precision(self) -> Precision | None:
        """Precision of the survey mean over every answer (computed on first access)."""
        return self._survey_precision.get()

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
    context = _Context.make(community, quarter, on, ratings, survey, resolve(policy, on))
    snapshot = context.snapshot
    finals = {unit: context.final(unit) for unit in context.unit_ids}
    basis_rounded = snapshot.grade_basis is GradeBasis.ROUNDED
    ranks = rank({u: Fraction(f.reported) if basis_rounded else f.exact for u, f in finals.items()})
    award_grades, order_grades = snapshot.award_grades, snapshot.rectification_grades
    cards: list[Scorecard] = []
    awards: list[Award] = []
    orders: list[RectificationOrder] = []
    for unit in sorted(context.unit_ids, key=lambda u: (ranks[u], u)):
        final = finals[unit]
        grade = grade_of(final, snapshot)
        peer_dimensions = context.peer_dimensions(unit)
        if grade in award_grades:
            awards.append(Award(unit, quarter, grade, final.reported))
        if grade in order_grades:
            orders.append(
                RectificationOrder(unit, quarter, grade, final.reported, _weakest(peer_dimensions))
            )
        # The trace is replayed from the stored inputs when it is first read (E-1..E-6).
        explanation = Deferred(functools.partial(context.explain, unit, ranks[unit]))
        own = ratings.self_rating(unit)
        cards.append(
            Scorecard(
                unit_id=unit,
                self_dimensions=(dict(own.scores) if own is not None else dict.fromkeys(Dimension)),
                peer_dimensions=peer_dimensions,
                peer_count=len(context.peers[unit]),
                response_count=context.public_count(unit),
                final=attrs.evolve(final, explanation=explanation),
                grade=grade,
                rank=ranks[unit],
                explanation=explanation,
                survey_precision=Deferred(functools.partial(context.precision, unit)),
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
        survey_precision=Deferred(functools.partial(context.precision, None)),
    )


@attrs.define
class _Context:
    """One quarter's inputs, as integer columns where they were recorded (E-2..E-5).

    ``final`` scores a unit in integers when the book's columns were recorded on the
    evaluation's scale, and in Fractions otherwise (and for the rules' error cases, so
    that the same error is raised); ``explain`` replays a unit's whole trace.
    """

    community: Community
    quarter: Quarter
    on: dt.date
    ratings: RatingBook
    survey: Survey | None
    snapshot: PolicySnapshot
    unit_ids: tuple[str, ...]
    peers: dict[str, tuple[Rating, ...]]
    public: dict[str, tuple[Fraction, ...]]
    survey_reads: ExplanationBuilder | None
    units: dict[tuple[str, str], tuple[int | None, ...]] | None
    public_means: dict[str, tuple[int, int] | None]

    @classmethod
    def make(  # noqa: PLR0917 - the inputs of evaluate_quarter
        cls,
        community: Community,
        quarter: Quarter,
        on: dt.date,
        ratings: RatingBook,
        survey: Survey | None,
        snapshot: PolicySnapshot,
    ) -> _Context:
        unit_ids = tuple(community.unit_ids)
        by_ratee: dict[str, list[Rating]] = {unit: [] for unit in unit_ids}
        for rating in ratings.current.values():
            if rating.kind is Component.PEER and rating.ratee in by_ratee:
                by_ratee[rating.ratee].append(rating)
        survey_reads = None
        public: dict[str, tuple[Fraction, ...]] = {}
        if survey is not None:
            survey_reads = ExplanationBuilder(Text("民意测评", "survey"))
            public = survey.scores_for_units(unit_ids, snapshot, builder=survey_reads)
        recorded = ratings.recorded_units(snapshot.score_range)
        return cls(
            community,
            quarter,
            on,
            ratings,
            survey,
            snapshot,
            unit_ids,
            {u: tuple(sorted(rs, key=lambda r: r.rater)) for u, rs in by_ratee.items()},
            public,
            survey_reads,
            dict(recorded) if recorded is not None else None,
            _integer_means(public),
        )

    def public_count(self, unit: str) -> int:
        return len(self.public.get(unit, ()))

    def _reference(self, unit: str) -> _Scored:
        return _score_unit(
            unit,
            self.quarter,
            self.on,
            self.ratings,
            self.peers[unit],
            self.public.get(unit, ()),
            self.snapshot,
            survey_reads=self.survey_reads,
        )

    def final(self, unit: str) -> FinalScore:
        """The unit's final score (E-5), in integers where the columns allow."""
        fast = self._integer_final(unit) if self.units is not None else None
        return fast if fast is not None else self._reference(unit).final

    def _integer_final(self, unit: str) -> FinalScore | None:
        units = self.units
        assert units is not None  # noqa: S101 - checked by the caller
        public = self.public_means.get(unit)
        own = units[(unit, unit)] if self.ratings.self_rating(unit) is not None else None
        scored = unit_final(
            unit,
            own=own,
            peers=[(r.rater, units[r.key]) for r in self.peers[unit]],
            public=public,
            policy=self.snapshot,
            dimension_weights=int_weights(self.snapshot.dimension_weights, _DIMENSIONS),
        )
        p = self.snapshot
        return FinalScore(
            exact=scored.exact,
            reported=round_ratio(
                scored.numerator, scored.denominator, p.rounding_places, p.rounding_mode
            ),
            components={c: scored.component(c) for c in Component},
            weights=scored.weights,
            reweighted=scored.reweighted,
            explanation=Deferred(functools.partial(_unexplained, unit)),
        )

    def peer_dimensions(self, unit: str) -> dict[Dimension, Fraction | None]:
        """The mean of the peers' scores on each dimension, over those who rated it (E-2)."""
        if self.units is None:
            return _dimension_means(self.peers[unit])
        scale_unit = self.snapshot.score_range.unit
        columns = [self.units[r.key] for r in self.peers[unit]]
        means: dict[Dimension, Fraction | None] = {}
        for index, dimension in enumerate(_DIMENSIONS):
            rated = [c[index] for c in columns if c[index] is not None]
            means[dimension] = (
                Fraction(sum(v for v in rated if v is not None), len(rated) * scale_unit)
                if rated
                else None
            )
        return means

    def precision(self, unit: str | None) -> Precision | None:
        """Survey precision, of one unit or overall (computed when it is asked for)."""
        if self.survey is None:
            return None
        return self.survey.precision(self.snapshot, unit)

    def explain(self, unit: str, unit_rank: int) -> Explanation:
        """The unit's whole trace (E-1..E-6), replayed from the quarter's inputs."""
        scored = self._reference(unit)
        builder, final = scored.builder, scored.final
        grade_basis_value(final, self.snapshot, builder=builder)
        p = self.snapshot.traced(builder)
        grade = grade_of(final, p, builder)
        builder.step(
            f"名次 {unit_rank}（并列取最好名次）",
            f"rank {unit_rank} (ties share the best)",
            unit_rank,
            rule="E-6",
        )
        if grade in p.award_grades:
            builder.step("颁发荣誉证书", "honour certificate awarded", grade, rule="E-6")
        if grade in p.rectification_grades:
            builder.step("限期整改", "ordered to rectify within a deadline", grade, rule="E-6")
        if self.survey is not None:
            self.survey.precision(p, unit, builder=builder)
        return builder.build(
            Text(
                f"{final.reported} 分，{grade.zh}，第 {unit_rank} 名",
                f"{final.reported}, {grade.en}, rank {unit_rank}",
            )
        )


def _integer_means(
    public: Mapping[str, tuple[Fraction, ...]],
) -> dict[str, tuple[int, int] | None]:
    """Each unit's survey mean as (numerator, denominator), summed in integers (E-4).

    The answers are a few distinct scores (the answer scale's levels), so each is turned
    into an integer over the levels' common denominator once.
    """
    distinct = {v for values in public.values() for v in values}
    if not distinct:
        return dict.fromkeys(public)
    common = math.lcm(*(v.denominator for v in distinct))
    as_int = {v: v.numerator * (common // v.denominator) for v in distinct}
    return {
        unit: (sum(as_int[v] for v in values), common * len(values)) if values else None
        for unit, values in public.items()
    }


def _unexplained(unit: str) -> Explanation:
    # Replaced by the scorecard's replay before a result is returned; never reached.
    raise AssertionError(unit)  # pragma: no cover


_DIMENSIONS = tuple(Dimension)


def _weakest(means: Mapping[Dimension, Fraction | None]) -> tuple[str, ...]:
    rated = {d: m for d, m in means.items() if m is not None}
    return tuple(d.code for d in sorted(rated, key=lambda d: (rated[d], d.code))[:2])
