"""The NumPy accelerator of the kernel: a recorded city scored in int64 (E-2..E-6).

[`evaluate_city`][community_governance.evaluation.city.evaluate_city] scores here what
``tables.city_arrays`` recorded, when NumPy is installed. It is the arithmetic of
[`kernel`][community_governance.evaluation.kernel] over whole columns, and a property of
the tests checks that it gives what the kernel gives, unit by unit. Every unit's final is
the same integer sum over one common denominator as in
[`unit_final`][community_governance.evaluation.city.unit_final], in int64, rounded once
in integers (half up or half even), and graded and ranked on exact values:

* an overflow bound is checked up front from the arrays' maxima; past it every
  community is scored unit by unit in Python ints, by the same code as
  ``evaluate_quarter``;
* so is a community where some unit misses a component (re-weighted, or the rule's
  error, raised exactly as ``evaluate_quarter`` raises it);
* the dimension sums are one float64 product over integers below 2**53, which is exact;
* ranks compare exact values: a float order is only a first guess, and a community
  with two near-equal, unequal finals is ranked again with exact fractions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from community_governance.evaluation.city import Scored, score_community
from community_governance.evaluation.kernel import int_weights, public_mean
from community_governance.numbers import RoundingMode
from community_governance.policy.schema import PolicySnapshot
from community_governance.tables.city_arrays import Recorded, UnitColumns
from community_governance.tables.city_rows import CommunityRows
from community_governance.vocabulary import (
    Component,
    Dimension,
    GradeBasis,
    PeerAggregation,
    SurveyAttribution,
)

__all__ = ["community_inputs", "recorded_inputs", "score_arrays"]

Ints = npt.NDArray[np.int64]

#: Every intermediate integer stays below this; past it Python ints decide.
_BOUND = 2**62
_EXACT_FLOAT = 2**53
_DIMENSIONS = tuple(Dimension)


def _public(recorded: Recorded, p: PolicySnapshot) -> tuple[Ints, Ints]:
    """Each unit's survey part as (sum of answer scores, count) (E-4)."""
    units, survey = recorded.units, recorded.survey
    if p.survey_attribution is SurveyAttribution.ALL:
        size = len(units.communities)
        total = np.zeros(size, np.int64)
        count = np.zeros(size, np.int64)
        np.add.at(total, survey.project_community, survey.total)
        np.add.at(count, survey.project_community, survey.count)
        return total[units.community], count[units.community]
    total = np.zeros(units.count, np.int64)
    count = np.zeros(units.count, np.int64)
    np.add.at(total, survey.pair_unit, survey.total[survey.pair_project])
    np.add.at(count, survey.pair_unit, survey.count[survey.pair_project])
    return total, count


def _sums(recorded: Recorded, weights: Sequence[int]) -> tuple[Ints, Ints]:
    """Each rating's weighted sum of scores and sum of weights of the rated dimensions (E-2).

    One float64 product over integers whose sums stay below 2**53 (checked by the caller),
    which is exact.
    """
    ratings = recorded.ratings
    float_weights = np.array(weights, np.float64)
    if ratings.complete:
        numerators = (ratings.scores @ float_weights).astype(np.int64)
        return numerators, np.full(numerators.shape, sum(weights), np.int64)
    present = ratings.scores >= 0
    numerators = (np.where(present, ratings.scores, 0.0) @ float_weights).astype(np.int64)
    return numerators, (present @ float_weights).astype(np.int64)


def _rating_parts(
    recorded: Recorded, p: PolicySnapshot, weights: Sequence[int]
) -> tuple[tuple[Ints, Ints], tuple[Ints, Ints], Ints]:
    """Each unit's self and peer components as (numerator, denominator) (E-2, E-3, E-5).

    Returns them and a mask of the units whose both components exist and are regular.
    """
    units, rated = recorded.units, recorded.ratings.rated
    scale_unit = p.score_range.unit
    numerators, weight_sums = _sums(recorded, weights)
    everyone = np.arange(units.count)
    zero = rated & (weight_sums == 0)
    own = (numerators[everyone, units.local], weight_sums[everyone, units.local] * scale_unit)
    peers = rated.copy()
    peers[everyone, units.local] = False
    raters = peers.sum(axis=1)
    if recorded.ratings.complete:
        common = np.full(units.count, sum(weights), np.int64)
        values = np.where(peers, numerators, 0)
    else:
        safe_sums = np.where(peers & ~zero, weight_sums, 1)
        common = np.lcm.reduce(safe_sums, axis=1)
        values = np.where(peers, numerators * (common[:, None] // safe_sums), 0)
    peer_num = values.sum(axis=1)
    trim = np.zeros(units.count, bool)
    if p.peer_aggregation is PeerAggregation.TRIMMED:
        trim = raters >= p.trim_min_raters
        top = np.where(peers, values, np.iinfo(np.int64).min).max(axis=1)
        bottom = np.where(peers, values, np.iinfo(np.int64).max).min(axis=1)
        peer_num = np.where(trim, peer_num - top - bottom, peer_num)
    used = np.where(trim, raters - 2, raters)
    regular = (
        rated[everyone, units.local]
        & (raters >= p.peer_min_raters)
        & (used > 0)
        & ~zero.any(axis=1)
    )
    return own, (peer_num, common * scale_unit * used), regular


def score_arrays(recorded: Recorded, p: PolicySnapshot) -> Scored:
    """Every unit of a recorded city, scored in int64 where the bound allows (E-2..E-6).

    Raises:
        GovernanceError: a unit's rule error (a missing component the policy does not
            re-weight), as ``evaluate_quarter`` raises it.
    """
    units, ratings = recorded.units, recorded.ratings
    weights = int_weights(p.dimension_weights, _DIMENSIONS)
    pub_total, pub_count = _public(recorded, p)
    everything = np.unique(units.community)
    biggest = float(np.abs(ratings.scores).max()) if ratings.scores.size else 0.0
    if biggest * sum(weights) * max(units.widest, 1) >= _EXACT_FLOAT:
        return _by_rows(recorded, pub_total, pub_count, everything, p)
    (self_num, self_den), (peer_num, peer_den), regular = _rating_parts(recorded, p, weights)
    irregular = np.unique(units.community[~(regular & (pub_count > 0))])
    members = np.flatnonzero(~np.isin(units.community, irregular))
    nums = [self_num[members], peer_num[members], pub_total[members]]
    dens = [self_den[members], peer_den[members], recorded.survey.unit * pub_count[members]]
    if not _within_bound(dens, p):
        return _by_rows(recorded, pub_total, pub_count, everything, p)
    cw = int_weights(p.component_weights, tuple(Component))
    total_den = np.lcm(np.lcm(dens[0], dens[1]), dens[2])
    numerator = np.zeros(len(total_den), np.int64)
    for weight, num, den in zip(cw, nums, dens, strict=True):
        numerator += weight * num * (total_den // den)
    scored = _finish(
        units, members, final=(numerator, total_den * sum(cw)), parts=(nums, dens), p=p
    )
    if scored is None:
        return _by_rows(recorded, pub_total, pub_count, everything, p)
    if len(irregular):
        scored = scored.merged(_by_rows(recorded, pub_total, pub_count, irregular, p))
    return scored


def _within_bound(dens: Sequence[Ints], p: PolicySnapshot) -> bool:
    """Whether every intermediate integer of the finals stays below the int64 bound."""
    if not len(dens[0]):
        return True
    common = math.prod(int(d.max()) for d in dens)
    top = max(
        abs(p.score_range.maximum),
        abs(p.score_range.minimum),
        *(abs(level.score) for level in p.survey_answer_scale.levels),
    )
    band = max(
        (max(b.minimum.denominator, abs(b.minimum.numerator)) for b in p.grade_bands), default=1
    )
    weights = sum(int_weights(p.component_weights, tuple(Component)))
    reach = weights * math.ceil(top) * common * 10**p.rounding_places * max(band, 1)
    return bool(reach * 4 < _BOUND)


def _finish(
    units: UnitColumns,
    members: Ints,
    *,
    final: tuple[Ints, Ints],
    parts: tuple[Sequence[Ints], Sequence[Ints]],
    p: PolicySnapshot,
) -> Scored | None:
    """Round once, grade and rank the regular units, community by community (E-5, E-6).

    ``None`` where some unit's score is in no grade band: Python ints then decide.
    """
    numerator, denominator = final
    nums, dens = parts
    places = p.rounding_places
    negative = numerator < 0
    whole, remainder = np.divmod(np.abs(numerator) * 10**places, denominator)
    twice = 2 * remainder
    tie = twice == denominator
    if p.rounding_mode is RoundingMode.HALF_UP:
        whole = whole + ((twice > denominator) | tie)
    else:
        whole = whole + ((twice > denominator) | (tie & (whole % 2 == 1)))
    whole = np.where(negative, -whole, whole)
    divisor = np.gcd(numerator, denominator)
    exact_num, exact_den = numerator // divisor, denominator // divisor
    rounded = p.grade_basis is GradeBasis.ROUNDED
    basis_num, basis_den = (
        (whole, np.full_like(whole, 10**places))
        if rounded
        else (
            exact_num,
            exact_den,
        )
    )
    grade = np.full(len(members), -1, np.int64)
    for index, band in enumerate(p.grade_bands):
        low = band.minimum
        hit = (grade < 0) & (basis_num * low.denominator >= low.numerator * basis_den)
        grade[hit] = index
    if bool((grade < 0).any()):
        return None
    community = units.community[members]
    names = [units.names[int(g)] for g in members]
    by_name = np.empty(len(names), np.int64)
    by_name[sorted(range(len(names)), key=names.__getitem__)] = np.arange(len(names))
    guess = basis_num / basis_den
    order = np.lexsort((by_name, -guess, units.community_rank[community]))
    order = _exact_order(order, community, basis_num, basis_den, names)
    same_community = community[order][1:] == community[order][:-1]
    # Both bases are in lowest terms or over one denominator: equal values, equal pairs.
    same_value = (basis_num[order][1:] == basis_num[order][:-1]) & (
        basis_den[order][1:] == basis_den[order][:-1]
    )
    starts_value = np.r_[True, ~(same_community & same_value)]
    starts_community = np.r_[True, ~same_community]
    position = np.arange(len(order))
    community_start = np.maximum.accumulate(np.where(starts_community, position, 0))
    value_start = np.maximum.accumulate(np.where(starts_value, position, 0))
    ranks = value_start - community_start + 1
    bands = p.grade_bands
    return Scored(
        community=[units.communities[int(c)] for c in community[order]],
        unit=[names[int(i)] for i in order],
        component_numerators=tuple(n[order].tolist() for n in nums),
        component_denominators=tuple(d[order].tolist() for d in dens),
        numerator=exact_num[order].tolist(),
        denominator=exact_den[order].tolist(),
        reported=whole[order].tolist(),
        places=places,
        grade=[bands[int(i)].grade.code for i in grade[order]],
        rank=ranks.tolist(),
    )


def _exact_order(order: Ints, community: Ints, num: Ints, den: Ints, names: Sequence[str]) -> Ints:
    """``order`` with every community that holds two near-equal values sorted exactly."""
    ordered_community = community[order]
    guess = num[order] / den[order]
    ordered_num, ordered_den = num[order], den[order]
    equal = (ordered_num[1:] == ordered_num[:-1]) & (ordered_den[1:] == ordered_den[:-1])
    close = (
        (ordered_community[1:] == ordered_community[:-1])
        & ~equal
        & (np.abs(guess[1:] - guess[:-1]) <= 1e-9 * np.maximum(np.abs(guess[1:]), 1.0))
    )
    if not bool(close.any()):
        return order
    doubtful = set(ordered_community[1:][close].tolist())
    fixed = order.copy()
    start = 0
    while start < len(order):
        end = start
        while end < len(order) and ordered_community[end] == ordered_community[start]:
            end += 1
        if int(ordered_community[start]) in doubtful:
            block = order[start:end].tolist()
            block.sort(key=lambda i: (-Fraction(int(num[i]), int(den[i])), names[i]))
            fixed[start:end] = block
        start = end
    return fixed


def community_inputs(
    recorded: Recorded, code: int, pub_total: Ints, pub_count: Ints
) -> tuple[CommunityRows, dict[str, tuple[int, int]], dict[str, int]]:
    """One community's rows, survey parts and answer counts, as the row readers give them."""
    units, ratings, survey = recorded.units, recorded.ratings, recorded.survey
    rows = CommunityRows()
    public: dict[str, tuple[int, int]] = {}
    counts: dict[str, int] = {}
    members = np.flatnonzero(units.community == code)
    names = [units.names[int(g)] for g in members]
    rows.units.extend(names)
    for ratee, ratee_name in zip(members.tolist(), names, strict=True):
        for place in np.flatnonzero(ratings.rated[ratee]).tolist():
            scores = ratings.scores[ratee, place].tolist()
            rows.ratings[names[place], ratee_name] = [int(s) if s >= 0 else None for s in scores]
        if pub_count[ratee]:
            counts[ratee_name] = int(pub_count[ratee])
            public[ratee_name] = public_mean(int(pub_total[ratee]), counts[ratee_name], survey.unit)
    return rows, public, counts


def recorded_inputs(
    recorded: Recorded, community: str, p: PolicySnapshot
) -> tuple[CommunityRows, dict[str, tuple[int, int]], dict[str, int], bool]:
    """``community_inputs`` of the community named ``community``, and whether it was surveyed.

    Raises:
        KeyError: no such community.
    """
    code = recorded.units.community_index[community]
    pub_total, pub_count = _public(recorded, p)
    surveyed = bool((recorded.survey.project_community == code).any())
    return (*community_inputs(recorded, code, pub_total, pub_count), surveyed)


def _by_rows(
    recorded: Recorded, pub_total: Ints, pub_count: Ints, communities: Ints, p: PolicySnapshot
) -> Scored:
    """Communities scored unit by unit in Python ints, by ``evaluate_quarter``'s code (E-5)."""
    units = recorded.units
    out = Scored.empty(p.rounding_places)
    for code in sorted(communities.tolist(), key=units.communities.__getitem__):
        rows, public, _ = community_inputs(recorded, code, pub_total, pub_count)
        score_community(units.communities[code], rows, public, p, out)
    return out
