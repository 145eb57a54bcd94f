"""The quarter as exact integer columns: scores in the scale's smallest unit (E-2..E-5).

Ratings are validated when they are recorded; the book then also keeps each rating as
integers, one per dimension, in the scale's smallest unit (hundredths by default), with
``None`` for "unable to rate". Weights become integers over a common denominator (six
dimension weights of 1/6 become 1 each, over 6; 10/40/50 become 1, 4, 5 over 10). A unit's
final score is then a sum of integer products over one common denominator: the only
exact-rational work left per unit is one division and one rounding, in integers.

Every function here gives exactly what the Fraction arithmetic of the rules gives; the
tests compare the two on random quarters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import cast

import attrs

from community_governance.errors import ScoreOutOfRangeError
from community_governance.evaluation.kernel import (
    Ratio,
    combine,
    peer_mean,
    rating_ratio,
    trims,
)
from community_governance.evaluation.scoring import missing_component_error
from community_governance.numbers import format_fraction
from community_governance.policy.scales import ScoreRange
from community_governance.policy.schema import PolicySnapshot
from community_governance.vocabulary import (
    Component,
    Dimension,
    MissingComponentRule,
    PeerAggregation,
)

__all__ = [
    "UnitFinal",
    "final_of_ratios",
    "on_scale",
    "scaled",
    "score_units",
    "unit_final",
    "zero_weight_error",
]

_DIMENSIONS = tuple(Dimension)


def _whose(pair: tuple[str, str] | None) -> tuple[str, str]:
    """How a message names the rating of ``(rater, ratee)``, in English and Chinese."""
    if pair is None:
        return "", ""
    rater, ratee = pair
    return f"{rater}'s rating of {ratee}: ", f"{rater} 对 {ratee} 的评分："


def scaled(score: Decimal, places: int, *, field: str, who: tuple[str, str] | None) -> int:
    """``score`` as an integer in units of ``10**-places`` (E-2).

    ``who`` names the rating, ``(rater, ratee)``, in a refusal.

    Raises:
        ScoreOutOfRangeError: the score has more decimal places than the scale allows.
    """
    shifted = score.scaleb(places)
    if shifted != shifted.to_integral_value():
        en, zh = _whose(who)
        raise ScoreOutOfRangeError(
            f"{en}score {score} has more decimal places than the scale's {places}",
            field=field,
            rule="E-2",
            zh=f"{zh}分数 {score} 的小数位多于量表规定的 {places} 位",
        )
    return int(shifted)


def on_scale(
    score: Decimal, scale: ScoreRange, *, field: str, who: tuple[str, str] | None = None
) -> int:
    """``score`` checked against ``scale`` (range and places), in the scale's smallest unit.

    The one check a score meets when it is recorded, by a rating book or a city's tables.

    Raises:
        ScoreOutOfRangeError: the score is outside the scale or finer than its places.
    """
    if score not in scale:
        low, high = format_fraction(scale.minimum), format_fraction(scale.maximum)
        en, zh = _whose(who)
        raise ScoreOutOfRangeError(
            f"{en}{score} is outside the scale {low}..{high}",
            field=field,
            rule="E-2",
            zh=f"{zh}{score} 超出量表范围 {low}..{high}",
        )
    return scaled(score, scale.places, field=field, who=who)


def score_units(
    scores: Mapping[Dimension, Decimal | None], places: int, rater: str, ratee: str
) -> tuple[int | None, ...]:
    """A rating's scores, dimension by dimension, as integers in units of ``10**-places``.

    Raises:
        ScoreOutOfRangeError: a score has more decimal places than the scale allows.
    """
    return tuple(
        None
        if (score := scores.get(d)) is None
        else scaled(score, places, field=f"scores.{d.code}", who=(rater, ratee))
        for d in _DIMENSIONS
    )


def zero_weight_error(rater: str, ratee: str) -> ScoreOutOfRangeError:
    """The error of a rating that scores only dimensions of weight zero (E-2)."""
    return ScoreOutOfRangeError(
        f"{rater}'s rating of {ratee} scores only dimensions of weight zero",
        field="scores",
        rule="E-2",
        zh=f"{rater} 对 {ratee} 的评分只给权重为零的维度打了分",
    )


@attrs.frozen
class UnitFinal:
    """A unit's final score in integers (E-5): ``numerator / denominator``, not reduced.

    Attributes:
        numerator: Σ weight · component over the common denominator.
        denominator: the common denominator times the weights' sum.
        components: each component as a ratio, or ``None`` where missing.
        weights: the weights applied, as the rule states them (re-normalised if
            re-weighted).
        reweighted: whether a missing component was re-weighted away.
    """

    numerator: int
    denominator: int
    components: Mapping[Component, Ratio | None]
    weights: Mapping[Component, Fraction]
    reweighted: bool

    @property
    def exact(self) -> Fraction:
        """The exact final score."""
        return Fraction(self.numerator, self.denominator)

    def component(self, component: Component) -> Fraction | None:
        """One component as an exact fraction."""
        ratio = self.components[component]
        return None if ratio is None else Fraction(*ratio)


_COMPONENTS = tuple(Component)


def unit_final(
    unit: str,
    *,
    own: Sequence[int | None] | None,
    peers: Sequence[tuple[str, Sequence[int | None]]],
    public: Ratio | None,
    policy: PolicySnapshot,
    dimension_weights: Sequence[int],
) -> UnitFinal:
    """A unit's final score from integer columns, as the rules E-2..E-5 decide it.

    Args:
        unit: the unit's id (for errors).
        own: its self-rating's scores in the scale's unit, or ``None``.
        peers: (rater, scores) of the other units' ratings of it, by rater.
        public: the survey answers that count for it, as (sum, count·unit), or ``None``.
        policy: the snapshot in force.
        dimension_weights: the dimension weights as integers (``int_weights``).

    Raises:
        ScoreOutOfRangeError: a rating rates only dimensions of weight zero.
        MissingComponentError: a component is missing and the policy does not re-weight.
    """
    scale_unit = policy.score_range.unit
    return final_of_ratios(
        unit,
        own=None if own is None else (rating_ratio(own, dimension_weights, scale_unit),),
        peers=[(r, rating_ratio(s, dimension_weights, scale_unit)) for r, s in peers],
        public=public,
        policy=policy,
    )


def final_of_ratios(
    unit: str,
    *,
    own: tuple[Ratio | None] | None,
    peers: Sequence[tuple[str, Ratio | None]],
    public: Ratio | None,
    policy: PolicySnapshot,
) -> UnitFinal:
    """``unit_final`` from the ratings' scores (``rating_ratio``) already computed.

    ``own`` is ``None`` without a self-rating, else a 1-tuple of its score; a score of
    ``None`` is a rating of weight-zero dimensions only, the rule's error.

    Raises:
        ScoreOutOfRangeError: a rating rates only dimensions of weight zero.
        MissingComponentError: a component is missing and the policy does not re-weight.
    """
    ratios: dict[Component, Ratio] = {}
    if own is not None:
        if own[0] is None:
            raise zero_weight_error(unit, unit)
        ratios[Component.SELF] = own[0]
    peer_ratios = [ratio for _, ratio in peers]
    if None in peer_ratios:
        raise zero_weight_error(next(r for r, ratio in peers if ratio is None), unit)
    if len(peer_ratios) >= policy.peer_min_raters:
        trim = policy.peer_aggregation is PeerAggregation.TRIMMED and trims(
            len(peer_ratios), policy.trim_min_raters
        )
        ratios[Component.PEER] = peer_mean(cast("list[Ratio]", peer_ratios), trim=trim)
    if public is not None:
        ratios[Component.PUBLIC] = public
    missing = [c for c in _COMPONENTS if c not in ratios]
    # The rule is read only where it decides something: a component is missing.
    reweight = bool(missing) and policy.missing_component is not MissingComponentRule.ERROR
    combined = combine(ratios, policy.component_weights, reweight=reweight)
    if combined is None:
        raise missing_component_error(unit, missing, len(peers), policy.peer_min_raters)
    return UnitFinal(
        combined.numerator,
        combined.denominator,
        {c: ratios.get(c) for c in _COMPONENTS},
        combined.weights,
        bool(combined.missing),
    )
