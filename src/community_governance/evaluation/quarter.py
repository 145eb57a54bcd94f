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
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

import attrs

from community_governance.community import Community, Quarter
from community_governance.evaluation.ratings import RatingBook
from community_governance.evaluation.scoring import (
    Award,
    FinalScore,
    RectificationOrder,
    explained,
    grade_at,
    grade_basis,
    rank,
)
from community_governance.evaluation.survey import Precision, Survey
from community_governance.evaluation.unit_scoring import QuarterContext, check_inputs, weakest
from community_governance.explain import Explanation
from community_governance.frozen import Deferred, LazyMap, deferred, read_only
from community_governance.numbers import round_exact
from community_governance.policy.loader import resolve
from community_governance.policy.model import Policy
from community_governance.policy.schema import PolicySnapshot
from community_governance.vocabulary import (
    Component,
    Dimension,
    Grade,
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


def evaluate_quarter(
    community: Community,
    quarter: Quarter | str,
    ratings: RatingBook,
    survey: Survey | None,
    *,
    policy: Policy | PolicySnapshot | None = None,
    at: dt.date | None = None,
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

    Raises:
        EligibilityError: the date is before the quarter's end, or the ratings
            or survey belong to another quarter or community.
        MissingComponentError: a unit lacks a component and the policy does
            not re-weight.
    """
    quarter = quarter if isinstance(quarter, Quarter) else Quarter.parse(quarter)
    on = at or quarter.end
    snapshot = resolve(policy, on)
    check_inputs(community, quarter, ratings, survey, on, snapshot=snapshot)
    context = QuarterContext.make(community, quarter, on, ratings, survey, snapshot)
    # Each unit's trace is replayed from the stored inputs when it is first read (E-1..E-6);
    # it names the unit's rank, which is known once every final is (``ranks`` is filled below,
    # before any trace can be read).
    ranks: dict[str, int] = {}
    explanations = {
        unit: Deferred(functools.partial(context.explain, unit, ranks)) for unit in context.unit_ids
    }
    finals = {unit: context.final(unit, explanations[unit]) for unit in context.unit_ids}
    # What grades and ranks compare (E-6): the reported or the exact score; both are exact.
    basis = {u: grade_basis(f.exact, f.reported, context.rules) for u, f in finals.items()}
    ranks.update(rank(basis))
    award_grades, order_grades = snapshot.award_grades, snapshot.rectification_grades
    cards: list[Scorecard] = []
    awards: list[Award] = []
    orders: list[RectificationOrder] = []
    for unit in sorted(context.unit_ids, key=lambda u: (ranks[u], u)):
        final = finals[unit]
        grade = grade_at(basis[unit], context.rules)
        peer_dimensions = LazyMap(functools.partial(context.peer_dimensions, unit))
        if grade in award_grades:
            awards.append(Award(unit, quarter, grade, final.reported))
        if grade in order_grades:
            orders.append(
                RectificationOrder(unit, quarter, grade, final.reported, weakest(peer_dimensions))
            )
        own = ratings.self_rating(unit)
        cards.append(
            Scorecard(
                unit_id=unit,
                self_dimensions=(own.scores if own is not None else dict.fromkeys(Dimension)),
                peer_dimensions=peer_dimensions,
                peer_count=context.peer_count(unit),
                response_count=context.public_count(unit),
                final=final,
                grade=grade,
                rank=ranks[unit],
                explanation=explanations[unit],
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
