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

import math
import operator
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TypeVar, cast

import attrs

from community_governance.errors import ScoreOutOfRangeError
from community_governance.evaluation.scoring import missing_component_error
from community_governance.numbers import format_fraction
from community_governance.policy.scales import ScoreRange
from community_governance.policy.schema import PolicySnapshot
from community_governance.vocabulary import (
    BilingualEnum,
    Component,
    Dimension,
    MissingComponentRule,
    PeerAggregation,
)

__all__ = [
    "PeerPart",
    "Ratio",
    "UnitFinal",
    "final_of_ratios",
    "int_weights",
    "on_scale",
    "peer_part",
    "rating_ratio",
    "scaled",
    "score_units",
    "unit_final",
    "weighted_total",
    "zero_weight_error",
]

E = TypeVar("E", bound=BilingualEnum)

#: An exact value as (numerator, denominator), denominator positive, not reduced.
Ratio = tuple[int, int]

_DIMENSIONS = tuple(Dimension)


def int_weights(weights: Mapping[E, Fraction], order: Sequence[E]) -> tuple[int, ...]:
    """``weights`` in ``order`` as integers over their common denominator (1/6 each → 1 each)."""
    common = math.lcm(*(weights[key].denominator for key in order))
    return tuple(weights[key].numerator * (common // weights[key].denominator) for key in order)


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


def rating_ratio(units: Sequence[int | None], weights: Sequence[int], unit: int) -> Ratio | None:
    """A rating's score (E-2): the weighted mean of the rated dimensions, or ``None``.

    ``None`` where every rated dimension has weight zero (the rule's error case).
    """
    if None not in units:  # the common case, summed in C
        denominator = sum(weights)
        if denominator == 0:
            return None
        return sum(map(operator.mul, units, weights)), denominator * unit
    numerator = denominator = 0
    for value, weight in zip(units, weights, strict=True):
        if value is not None:
            numerator += weight * value
            denominator += weight
    if denominator == 0:
        return None
    return numerator, denominator * unit


@attrs.frozen
class PeerPart:
    """The peer component over a common denominator, and whether it was trimmed (E-3, E-5)."""

    ratio: Ratio
    trimmed: bool


def peer_part(ratios: Sequence[Ratio], *, trim: bool) -> PeerPart:
    """The mean of the peer rating scores; without one highest and one lowest if ``trim``."""
    denominators = {den for _, den in ratios}
    if len(denominators) == 1:  # every rating rates the same dimensions: no rescaling
        (common,) = denominators
        scaled = [num for num, _ in ratios]
    else:
        common = math.lcm(*denominators)
        scaled = [num * (common // den) for num, den in ratios]
    if trim:
        scaled.sort()
        scaled = scaled[1:-1]
    return PeerPart((sum(scaled), common * len(scaled)), trim)


def weighted_total(parts: Sequence[tuple[int, Ratio]]) -> Ratio:
    """Σ weight·value over one common denominator; the weights are integers over their sum.

    Returns (numerator, denominator) with the weights' sum folded into the denominator.
    """
    common = math.lcm(*(den for _, (_, den) in parts))
    numerator = sum(weight * num * (common // den) for weight, (num, den) in parts)
    return numerator, common * sum(weight for weight, _ in parts)


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
        component_weights=int_weights(policy.component_weights, _COMPONENTS),
    )


def final_of_ratios(
    unit: str,
    *,
    own: tuple[Ratio | None] | None,
    peers: Sequence[tuple[str, Ratio | None]],
    public: Ratio | None,
    policy: PolicySnapshot,
    component_weights: Sequence[int],
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
        trim = (
            policy.peer_aggregation is PeerAggregation.TRIMMED
            and len(peer_ratios) >= policy.trim_min_raters
        )
        ratios[Component.PEER] = peer_part(cast("list[Ratio]", peer_ratios), trim=trim).ratio
    if public is not None:
        ratios[Component.PUBLIC] = public
    weights: Mapping[Component, Fraction] = policy.component_weights
    missing = [c for c in _COMPONENTS if c not in ratios]
    if missing:
        present = sum((w for c, w in weights.items() if c in ratios), Fraction(0))
        if policy.missing_component is MissingComponentRule.ERROR or present == 0:
            raise missing_component_error(unit, missing, len(peers), policy.peer_min_raters)
        weights = {c: (w / present if c in ratios else Fraction(0)) for c, w in weights.items()}
    numerator, denominator = weighted_total(
        [(w, ratios[c]) for c, w in zip(_COMPONENTS, component_weights, strict=True) if c in ratios]
    )
    return UnitFinal(
        numerator,
        denominator,
        {c: ratios.get(c) for c in _COMPONENTS},
        weights,
        bool(missing),
    )
