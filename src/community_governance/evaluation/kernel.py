"""The evaluation's arithmetic, one home for each rule, in integers (E-2..E-6).

Every path that scores a unit calls these functions: one community through objects
(``evaluate_quarter``, ``final_score``), a city through columns (``evaluate_city``), a
province on Dask, and the standard-library verifier's replay of a recorded quarter. The
NumPy path of a city is an accelerator of the same functions, and the tests check that it
gives what they give.

Values are ratios ``(numerator, denominator)`` of integers, denominator positive, not
reduced: scores in the scale's smallest unit over their weights, so that a unit's final is
sums of integer products and one division. This module imports nothing but the standard
library, so that the verifier (``python -m community_governance.ledger.verify``) needs
nothing else either.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Generic, TypeVar

__all__ = [
    "Combined",
    "Ratio",
    "band_of",
    "combine",
    "in_units",
    "int_weights",
    "peer_mean",
    "public_mean",
    "rank",
    "rating_ratio",
    "round_ratio",
    "trims",
]

#: An exact value as (numerator, denominator), denominator positive, not reduced.
Ratio = tuple[int, int]

K = TypeVar("K", bound=Hashable)


def int_weights(weights: Mapping[K, Fraction], order: Sequence[K]) -> tuple[int, ...]:
    """``weights`` in ``order`` as integers over their common denominator (1/6 each → 1)."""
    common = math.lcm(*(weights[k].denominator for k in order))
    return tuple(weights[k].numerator * (common // weights[k].denominator) for k in order)


def rating_ratio(units: Sequence[int | None], weights: Sequence[int], unit: int) -> Ratio | None:
    """A rating's score (E-2): the weighted mean of the rated dimensions, or ``None``.

    ``units`` are the dimension scores in the scale's smallest unit (``None``: not rated),
    ``weights`` the dimension weights as integers, ``unit`` the scale's unit count per 1.
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


def in_units(values: Sequence[Fraction | None]) -> tuple[list[int | None], int]:
    """Exact values as integers over their least common denominator, and that denominator.

    ``None`` (a dimension not rated) stays ``None``; the rating's score is then
    ``rating_ratio`` of these, in this unit.
    """
    unit = math.lcm(*(v.denominator for v in values if v is not None))
    return [None if v is None else v.numerator * (unit // v.denominator) for v in values], unit


def trims(raters: int, trim_min_raters: int) -> bool:
    """Whether a trimmed peer mean drops one highest and one lowest score (E-5).

    Only when at least ``trim_min_raters`` units rated; asked only where the policy
    aggregates ``trimmed``.
    """
    return raters >= trim_min_raters


def peer_mean(ratios: Sequence[Ratio], *, trim: bool) -> Ratio:
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
    return sum(scaled), common * len(scaled)


def public_mean(total: int, count: int, unit: int) -> Ratio:
    """The mean of ``count`` survey answers summing to ``total`` scale units (E-4)."""
    return total, count * unit


@dataclass(frozen=True)
class Combined(Generic[K]):
    """A unit's final as the weighted sum of its components (E-5), not reduced.

    Attributes:
        numerator: Σ weight · component over one common denominator.
        denominator: that denominator times the present weights' sum.
        weights: the weights applied, as the rule states them (re-normalised to sum to 1
            where a component was missing and re-weighted away).
        missing: the components that were missing, in the weights' order.
    """

    numerator: int
    denominator: int
    weights: Mapping[K, Fraction]
    missing: tuple[K, ...]


def combine(
    parts: Mapping[K, Ratio | None],
    weights: Mapping[K, Fraction],
    *,
    reweight: bool,
    integer: Sequence[int] | None = None,
) -> Combined[K] | None:
    """The weighted total of ``parts`` (E-5), re-weighting missing ones if ``reweight``.

    ``weights`` give the components and their order. A component that is missing (absent
    from ``parts`` or ``None``) is re-weighted away when the policy says ``reweight``: the
    others' weights are scaled up to sum to 1. ``None`` when a component is missing and
    cannot be re-weighted (the policy says error, or no weighted component is left).
    ``integer`` is ``int_weights(weights, order)`` where the caller has it already.
    """
    order = tuple(weights)
    missing = tuple(k for k in order if parts.get(k) is None)
    applied: Mapping[K, Fraction] = weights
    if missing:
        present = sum(w for k, w in weights.items() if k not in missing)
        if not reweight or present == 0:
            return None
        applied = {k: (Fraction(0) if k in missing else w / present) for k, w in weights.items()}
    if integer is None:
        integer = int_weights(weights, order)
    terms = [(integer[i], parts[k]) for i, k in enumerate(order) if k not in missing]
    common = math.lcm(*(den for _, (_, den) in terms))  # type: ignore[misc]
    numerator = sum(w * num * (common // den) for w, (num, den) in terms)  # type: ignore[misc]
    return Combined(numerator, common * sum(w for w, _ in terms), applied, missing)


def round_ratio(numerator: int, denominator: int, places: int, *, half_even: bool) -> Decimal:
    """``numerator / denominator`` rounded once to ``places`` decimals (E-5, GB/T 8170).

    Ties go away from zero, or to the even neighbour with ``half_even``; nothing else
    depends on the mode. Integers only; ``denominator`` is positive and ``places`` ≥ 0.
    """
    whole, remainder = divmod(abs(numerator) * 10**places, denominator)
    twice = 2 * remainder
    if twice > denominator or (twice == denominator and (not half_even or whole % 2 == 1)):
        whole += 1
    sign = "-" if numerator < 0 and whole != 0 else ""
    # Parsed from text, the digits are kept as they are: no context precision applies.
    return Decimal(f"{sign}{whole}E-{places}")


def band_of(value: Fraction | Decimal, minimums: Sequence[Fraction]) -> int:
    """The index of the first grade band whose minimum ``value`` reaches (E-6).

    Bands are listed best first, so the first one reached is the unit's grade. A policy's
    lowest band starts at its scale's minimum (checked when the policy is read), so every
    score on the scale reaches one.
    """
    return next(i for i, low in enumerate(minimums) if value >= low)


def rank(values: Mapping[str, Fraction | Decimal]) -> dict[str, int]:
    """Standard competition ranking of ``values`` (E-6): highest first, ties share the best.

    Equal values share the best rank ("1, 2, 2, 4"); the order among them is by key.
    """
    ordered = sorted(values, key=lambda unit: (-values[unit], unit))
    ranks: dict[str, int] = {}
    for position, unit in enumerate(ordered, start=1):
        previous = ordered[position - 2] if position > 1 else None
        same = previous is not None and values[previous] == values[unit]
        ranks[unit] = ranks[previous] if same and previous is not None else position
    return ranks
