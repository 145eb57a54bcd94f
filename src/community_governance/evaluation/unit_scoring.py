"""One unit of a quarter: scored on integer columns, explained by replay (E-1..E-6).

[`QuarterContext`][community_governance.evaluation.unit_scoring.QuarterContext] holds a
quarter's inputs for [`evaluate_quarter`][community_governance.evaluation.quarter.evaluate_quarter]:
``final`` scores a unit in integers where the book's columns were recorded on the
evaluation's scale (and in Fractions otherwise), and ``explain`` replays a unit's whole
trace, E-1 to E-6, when it is first read, through the rules' own Fraction steps, so that
it is the same trace as ever.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction

import attrs

from community_governance.community import Community, Quarter
from community_governance.errors import EligibilityError
from community_governance.evaluation.kernel import int_weights, public_mean, rating_ratio
from community_governance.evaluation.ratings import Rating, RatingBook, rating_score
from community_governance.evaluation.scoring import (
    FinalScore,
    UnitRules,
    final_of_ratios,
    final_score,
    grade_of,
)
from community_governance.evaluation.survey import Precision, Survey
from community_governance.explain import Explanation, ExplanationBuilder, Text
from community_governance.frozen import Deferred
from community_governance.ids import check_lookalikes
from community_governance.numbers import round_ratio
from community_governance.policy.schema import PolicySnapshot
from community_governance.vocabulary import (
    Component,
    Dimension,
    SurveyAttribution,
)

__all__ = [
    "QuarterContext",
    "check_inputs",
    "explain_ranked",
    "score_explained",
    "weakest",
]


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
    def scores(p: PolicySnapshot) -> tuple[Fraction | None, list[Fraction]]:
        own = ratings.self_rating(unit)
        return (
            rating_score(own, p) if own is not None else None,
            [rating_score(r, p) for r in peers],
        )

    return score_explained(unit, quarter, on, scores, answers, snapshot, survey_reads=survey_reads)


def score_explained(  # noqa: PLR0917 - a unit's inputs, as every path has them
    unit: str,
    quarter: Quarter,
    on: dt.date,
    scores: Callable[[PolicySnapshot], tuple[Fraction | None, list[Fraction]]],
    answers: Sequence[Fraction],
    snapshot: PolicySnapshot,
    *,
    survey_reads: ExplanationBuilder | None = None,
) -> _Scored:
    """A unit's final score (E-1..E-5) with its explanation so far, from its rating scores.

    ``scores`` gives the self-rating's score (or ``None``) and the peers' scores, read
    through the traced policy view it is given; ``answers`` are the survey scores that
    count for the unit. One community through objects and a city through columns both
    explain a unit this way.
    """
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
    self_score, peer_scores = scores(p)
    builder.step(
        "六个维度加权得到每份评分（无法评价的维度不计入）",
        "each rating weighted over the dimensions it rates (unable-to-rate left out)",
        len(peer_scores) + (self_score is not None),
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
    return _Scored(final, builder)


def explain_ranked(
    scored: _Scored, unit_rank: int, snapshot: PolicySnapshot, *, answered: bool
) -> Explanation:
    """The unit's whole trace: its score, then its grade, rank and award or order (E-6).

    A unit whose score counts survey answers is reported with their precision, so its
    explanation cites the confidence factor that precision reads (``evaluation.survey.z``).
    """
    builder, final = scored.builder, scored.final
    p = snapshot.traced(builder)
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
    if answered:
        _ = p.survey_z
    return builder.build(
        Text(
            f"{final.reported} 分，{grade.zh}，第 {unit_rank} 名",
            f"{final.reported}, {grade.en}, rank {unit_rank}",
        )
    )


@attrs.define
class QuarterContext:
    """One quarter's inputs, as integer columns where they were recorded (E-2..E-5).

    ``final`` scores a unit in integers when the book's columns were recorded on the
    evaluation's scale, and in Fractions otherwise (and for the rules' error cases, so
    that the same error is raised); ``explain`` replays a unit's whole trace.
    """

    quarter: Quarter
    on: dt.date
    ratings: RatingBook
    survey: Survey | None
    snapshot: PolicySnapshot
    unit_ids: tuple[str, ...]
    units: Mapping[tuple[str, str], tuple[int | None, ...]] | None
    public_means: dict[str, tuple[int, int] | None]
    public_counts: dict[str, int]
    #: What scoring and grading a unit read from ``snapshot``, read once.
    rules: UnitRules
    _public: dict[str, tuple[Fraction, ...]] | None = None
    _survey_reads: ExplanationBuilder | None = None
    #: Each rating's score (``rating_ratio``), computed once, where the columns allow.
    _ratios: Mapping[tuple[str, str], tuple[int, int] | None] = attrs.field(factory=dict)
    #: Each unit's peer ratings as (rater, score), by rater.
    _peer_ratios: dict[str, list[tuple[str, tuple[int, int] | None]]] = attrs.field(factory=dict)
    _peers: dict[str, tuple[Rating, ...]] | None = None

    @property
    def peers(self) -> dict[str, tuple[Rating, ...]]:
        """Each unit's peer ratings, by rater (gathered when first asked for)."""
        if self._peers is None:
            by_ratee: dict[str, list[Rating]] = {unit: [] for unit in self.unit_ids}
            for rating in self.ratings.current.values():
                if rating.kind is Component.PEER and rating.ratee in by_ratee:
                    by_ratee[rating.ratee].append(rating)
            self._peers = {u: tuple(sorted(rs, key=_rater)) for u, rs in by_ratee.items()}
        return self._peers

    def peer_count(self, unit: str) -> int:
        """How many other units rated ``unit``."""
        if self._peer_ratios:
            return len(self._peer_ratios[unit])
        return len(self.peers[unit])

    @classmethod
    def make(  # noqa: PLR0917 - the inputs of evaluate_quarter
        cls,
        community: Community,
        quarter: Quarter,
        on: dt.date,
        ratings: RatingBook,
        survey: Survey | None,
        snapshot: PolicySnapshot,
    ) -> QuarterContext:
        """Gather a quarter's inputs: peers by ratee, survey scores, recorded columns."""
        unit_ids = tuple(community.unit_ids)
        recorded = ratings.recorded_units(snapshot.score_range)
        made = cls(
            quarter,
            on,
            ratings,
            survey,
            snapshot,
            unit_ids,
            recorded,
            {},
            {},
            UnitRules.of(snapshot),
        )
        if recorded is not None:
            dims = int_weights(snapshot.dimension_weights, _DIMENSIONS)
            kept = ratings.recorded_ratios(snapshot.score_range, dims)
            scale_unit = snapshot.score_range.unit
            made._ratios = (
                kept
                if kept is not None
                else {key: rating_ratio(cols, dims, scale_unit) for key, cols in recorded.items()}
            )
            groups: dict[str, list[tuple[str, tuple[int, int] | None]]] = {u: [] for u in unit_ids}
            for (rater, ratee), ratio in made._ratios.items():
                if rater != ratee and ratee in groups:
                    groups[ratee].append((rater, ratio))
            for group in groups.values():
                group.sort(key=_first)
            made._peer_ratios = groups
        sums = _survey_sums(survey, unit_ids, snapshot) if survey is not None else None
        if sums is None:
            public = made.public_scores()
            made.public_means = _integer_means(public)
            made.public_counts = {u: len(v) for u, v in public.items()}
        else:
            made.public_means, made.public_counts = sums
        return made

    def public_scores(self) -> dict[str, tuple[Fraction, ...]]:
        """The survey scores that count for each unit, as exact fractions (read once)."""
        if self._public is None:
            self._public = {}
            if self.survey is not None:
                self._survey_reads = ExplanationBuilder(Text("民意测评", "survey"))
                self._public = self.survey.scores_for_units(
                    self.unit_ids, self.snapshot, builder=self._survey_reads
                )
        return self._public

    def public_count(self, unit: str) -> int:
        """How many survey answers count for ``unit``."""
        return self.public_counts.get(unit, 0)

    def _reference(self, unit: str) -> _Scored:
        return _score_unit(
            unit,
            self.quarter,
            self.on,
            self.ratings,
            self.peers[unit],
            self.public_scores().get(unit, ()),
            self.snapshot,
            survey_reads=self._survey_reads,
        )

    def final(self, unit: str, explanation: Deferred[Explanation]) -> FinalScore:
        """The unit's final score (E-5), in integers where the columns allow.

        ``explanation`` is the unit's whole trace, which the final score carries.
        """
        if self.units is not None:
            return self._integer_final(unit, explanation)
        return attrs.evolve(self._reference(unit).final, explanation=explanation)

    def _integer_final(self, unit: str, explanation: Deferred[Explanation]) -> FinalScore:
        ratios = self._ratios
        scored = final_of_ratios(
            unit,
            own=(ratios[unit, unit],) if (unit, unit) in ratios else None,
            peers=self._peer_ratios[unit],
            public=self.public_means.get(unit),
            rules=self.rules,
        )
        rules = self.rules
        return FinalScore(
            exact=scored.exact,
            reported=round_ratio(
                scored.numerator, scored.denominator, rules.rounding_places, rules.rounding_mode
            ),
            components={c: scored.component(c) for c in _COMPONENTS},
            weights=scored.weights,
            reweighted=scored.reweighted,
            explanation=explanation,
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

    def explain(self, unit: str, ranks: Mapping[str, int]) -> Explanation:
        """The unit's whole trace (E-1..E-6), replayed from the quarter's inputs."""
        return explain_ranked(
            self._reference(unit), ranks[unit], self.snapshot, answered=self.public_count(unit) > 0
        )


def _survey_sums(
    survey: Survey, unit_ids: Sequence[str], p: PolicySnapshot
) -> tuple[dict[str, tuple[int, int] | None], dict[str, int]] | None:
    """Each unit's survey mean and answer count, summed in integers from the answer codes.

    The survey counts its answers by project and code when they are recorded, so this is
    a sum over projects and answer levels. ``None`` where an answer is not on the scale in
    force (the Fraction path then reads it by label, or raises the rule's error).
    """
    levels = {level.code: level.score for level in p.survey_answer_scale.levels}
    common = math.lcm(*(score.denominator for score in levels.values()))
    as_int = {code: s.numerator * (common // s.denominator) for code, s in levels.items()}
    sums: dict[str, int] = {}
    counts: dict[str, int] = {}
    for asked, tally in survey.answer_counts.items():
        if any(code not in as_int for code in tally):
            return None
        sums[asked] = sum(as_int[code] * n for code, n in tally.items())
        counts[asked] = sum(tally.values())
    totals = dict.fromkeys(unit_ids, 0)
    answered = dict.fromkeys(unit_ids, 0)
    everything = p.survey_attribution is SurveyAttribution.ALL
    for project in survey.projects:
        pid = project.project_id
        if pid not in sums:
            continue
        for unit in unit_ids if everything else set(project.responsible_units):
            if unit in totals:
                totals[unit] += sums[pid]
                answered[unit] += counts[pid]
    means = {u: public_mean(totals[u], n, common) if (n := answered[u]) else None for u in unit_ids}
    return means, answered


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
        unit: public_mean(sum(as_int[v] for v in values), len(values), common) if values else None
        for unit, values in public.items()
    }


_DIMENSIONS = tuple(Dimension)
_COMPONENTS = tuple(Component)
_first = operator.itemgetter(0)
_rater = operator.attrgetter("rater")


def check_inputs(
    community: Community,
    quarter: Quarter,
    ratings: RatingBook,
    survey: Survey | None,
    on: dt.date,
    *,
    snapshot: PolicySnapshot,
) -> None:
    """Refuse what no quarter can be evaluated from (E-1).

    A date before the quarter's end, ratings or a survey of another quarter or community,
    a community of no member units, and unit ids that look alike (refused or warned about
    as ``input.ids.lookalikes`` says).
    """
    if not community.units:
        raise EligibilityError(
            f"community {community.community_id} has no member units to evaluate",
            field="community.units",
            rule="E-1",
            zh=f"社区 {community.community_id} 没有可考评的成员单位",
        )
    check_lookalikes(
        community.unit_ids,
        field="community.units",
        rule="E-1",
        on_lookalike=lambda: snapshot.id_lookalikes,
    )
    if on < quarter.end:
        raise EligibilityError(
            f"{quarter} is evaluated after it ends ({quarter.end}), not on {on}",
            field="at",
            rule="E-1",
            zh=f"{quarter} 须在季度结束（{quarter.end}）之后考评，而非 {on}",
        )
    if ratings.quarter != quarter or (survey is not None and survey.quarter != quarter):
        raise EligibilityError(
            f"ratings and survey must be for {quarter}",
            field="quarter",
            rule="E-1",
            zh=f"评分与民意测评须属于 {quarter}",
        )
    if ratings.community.community_id != community.community_id:
        raise EligibilityError(
            f"the ratings are of community {ratings.community.community_id}",
            field="ratings.community",
            rule="E-1",
            zh=f"这些评分属于社区 {ratings.community.community_id}",
        )


def weakest(means: Mapping[Dimension, Fraction | None]) -> tuple[str, ...]:
    """The two dimensions with the lowest peer means, worst first (E-6)."""
    rated = {d: m for d, m in means.items() if m is not None}
    return tuple(d.code for d in sorted(rated, key=lambda d: (rated[d], d.code))[:2])
