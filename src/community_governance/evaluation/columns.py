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
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TypeVar

import attrs

from community_governance.errors import ScoreOutOfRangeError
from community_governance.vocabulary import BilingualEnum, Dimension

__all__ = [
    "PeerPart",
    "Ratio",
    "int_weights",
    "mean_of",
    "peer_part",
    "rating_ratio",
    "score_units",
    "weighted_total",
]

E = TypeVar("E", bound=BilingualEnum)

#: An exact value as (numerator, denominator), denominator positive, not reduced.
Ratio = tuple[int, int]

_DIMENSIONS = tuple(Dimension)


def int_weights(weights: Mapping[E, Fraction], order: Sequence[E]) -> tuple[int, ...]:
    """``weights`` in ``order`` as integers over their common denominator (1/6 each → 1 each)."""
    common = math.lcm(*(weights[key].denominator for key in order))
    return tuple(weights[key].numerator * (common // weights[key].denominator) for key in order)


def score_units(
    scores: Mapping[Dimension, Decimal | None], places: int, rater: str, ratee: str
) -> tuple[int | None, ...]:
    """A rating's scores, dimension by dimension, as integers in units of ``10**-places``.

    Raises:
        ScoreOutOfRangeError: a score has more decimal places than the scale allows.
    """
    units: list[int | None] = []
    for dimension in _DIMENSIONS:
        score = scores.get(dimension)
        if score is None:
            units.append(None)
            continue
        scaled = score.scaleb(places)
        if scaled != scaled.to_integral_value():
            raise ScoreOutOfRangeError(
                f"{rater}'s score {score} of {ratee} has more decimal places than the scale's "
                f"{places}",
                field=f"scores.{dimension.code}",
                rule="E-2",
            )
        units.append(int(scaled))
    return tuple(units)


def rating_ratio(units: Sequence[int | None], weights: Sequence[int], unit: int) -> Ratio | None:
    """A rating's score (E-2): the weighted mean of the rated dimensions, or ``None``.

    ``None`` where every rated dimension has weight zero (the rule's error case).
    """
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
    common = math.lcm(*{den for _, den in ratios})
    scaled = sorted(num * (common // den) for num, den in ratios)
    used = scaled[1:-1] if trim else scaled
    return PeerPart((sum(used), common * len(used)), trim)


def mean_of(total: int, count: int, unit: int) -> Ratio:
    """The mean of ``count`` values summing to ``total`` units."""
    return total, count * unit


def weighted_total(parts: Sequence[tuple[int, Ratio]]) -> Ratio:
    """Σ weight·value over one common denominator; the weights are integers over their sum.

    Returns (numerator, denominator) with the weights' sum folded into the denominator.
    """
    common = math.lcm(*(den for _, (_, den) in parts))
    numerator = sum(weight * num * (common // den) for weight, (num, den) in parts)
    return numerator, common * sum(weight for weight, _ in parts)
