"""Is our community 1:2:7? The allocation of effort across the three pillars (P-1, P-2).

Effort is recorded as [`EffortRecord`][community_governance.management.balance.EffortRecord] objects
— hours, budget or
activity counts, each tagged with its pillar.
[`allocation`][community_governance.management.balance.allocation] sums one
measure exactly, gives each pillar's share (the shares sum to exactly 1), its
target from the policy (``pillars.target``), the deviation, and a verdict:
on target when every pillar is within ``pillars.tolerance`` of its target.
Records can be filtered by community and period;
[`allocation_by`][community_governance.management.balance.allocation_by] gives
one allocation per community (or per any key) and the aggregate over all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from fractions import Fraction

import attrs

from community_governance.errors import ParseError
from community_governance.explain import Explanation, ExplanationBuilder, Text
from community_governance.frozen import read_only
from community_governance.numbers import as_amount, as_fraction, format_percent
from community_governance.policy.loader import resolve
from community_governance.policy.model import Policy
from community_governance.policy.schema import PolicySnapshot
from community_governance.vocabulary import Measure, Pillar

__all__ = ["Allocation", "EffortRecord", "allocation", "allocation_by"]


def _pillar(value: Pillar | str) -> Pillar:
    return Pillar.coerce(value)


def _measure(value: Measure | str) -> Measure:
    return Measure.coerce(value)


def _amount(value: object) -> Decimal:
    return as_amount(value, field="effort.amount", rule="P-2")


@attrs.frozen
class EffortRecord:
    """Effort spent on one pillar (P-2): an exact, non-negative amount of one measure.

    Raises:
        UnknownLabelError: an unknown pillar or measure.
        ExactnessError: a float amount.
        ParseError: a negative amount.
    """

    record_id: str
    community_id: str
    on: dt.date
    pillar: Pillar = attrs.field(converter=_pillar)
    measure: Measure = attrs.field(converter=_measure)
    amount: Decimal = attrs.field(converter=_amount)
    note: str = ""


@attrs.frozen
class Allocation:
    """The split of one measure of effort across the pillars, against 1:2:7 (P-1, P-2).

    Attributes:
        measure: what was summed.
        totals: the exact total per pillar.
        shares: each pillar's exact share; they sum to exactly 1.
        targets: the policy's target shares.
        deviations: share minus target, per pillar.
        on_target: per pillar, whether ``|deviation| <= tolerance``.
        balanced: whether every pillar is on target.
        records: how many records were counted.
        explanation: rules, parameters and steps.
    """

    measure: Measure
    totals: Mapping[Pillar, Decimal] = attrs.field(converter=read_only)
    shares: Mapping[Pillar, Fraction] = attrs.field(converter=read_only)
    targets: Mapping[Pillar, Fraction] = attrs.field(converter=read_only)
    deviations: Mapping[Pillar, Fraction] = attrs.field(converter=read_only)
    on_target: Mapping[Pillar, bool] = attrs.field(converter=read_only)
    balanced: bool
    records: int
    explanation: Explanation


def allocation(
    records: Iterable[EffortRecord],
    policy: Policy | PolicySnapshot | None = None,
    *,
    measure: Measure | str = Measure.HOURS,
    community_id: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    at: dt.date | None = None,
) -> Allocation:
    """Each pillar's exact share of ``measure``, against the 1:2:7 target (P-1, P-2).

    Args:
        records: effort records (other measures, communities and dates are
            left out).
        policy: the policy in force (``pillars.target``, ``pillars.tolerance``).
        measure: which measure to sum.
        community_id: only this community's records, if given.
        start: only records on or after this date, if given.
        end: only records on or before this date, if given.
        at: the date the policy is read on; default ``end``.

    Raises:
        ParseError: nothing to allocate (no matching record, or all zero).
    """
    wanted = _measure(measure)
    totals = dict.fromkeys(Pillar, Decimal(0))
    counted = 0
    for record in records:
        if record.measure is not wanted:
            continue
        if community_id is not None and record.community_id != community_id:
            continue
        if (start is not None and record.on < start) or (end is not None and record.on > end):
            continue
        totals[record.pillar] += record.amount
        counted += 1
    grand = sum(totals.values(), Decimal(0))
    if grand == 0:
        raise ParseError(
            f"no {wanted.en} recorded for this selection; nothing to allocate",
            field="records",
            rule="P-2",
            zh=f"此范围内没有登记{wanted.zh}；无可分配",
        )
    builder = ExplanationBuilder(Text("1:2:7 投入结构", "The 1:2:7 balance"))
    policy = resolve(policy, at or end, builder)
    builder.input("measure", wanted)
    builder.input("records", counted)
    if community_id is not None:
        builder.input("community", community_id)
    total = as_fraction(grand)
    shares = {p: as_fraction(totals[p]) / total for p in Pillar}
    deviations = {p: shares[p] - policy.pillar_target[p] for p in Pillar}
    on_target = {p: abs(deviations[p]) <= policy.pillar_tolerance for p in Pillar}
    for p in Pillar:
        share, target = format_percent(shares[p]), format_percent(policy.pillar_target[p])
        builder.step(
            f"{p.zh}：占比 {share}，目标 {target}",
            f"{p.en}: share {share}, target {target}",
            shares[p],
            rule="P-2",
        )
    balanced = all(on_target.values())
    off = [p for p in Pillar if not on_target[p]]
    outcome = (
        Text("符合 1:2:7", "on target for 1:2:7")
        if balanced
        else Text(
            "偏离 1:2:7：" + "、".join(p.zh for p in off),
            "off the 1:2:7 target: " + ", ".join(p.en for p in off),
        )
    )
    builder.rule("P-1")
    return Allocation(
        measure=wanted,
        totals=totals,
        shares=shares,
        targets=dict(policy.pillar_target),
        deviations=deviations,
        on_target=on_target,
        balanced=balanced,
        records=counted,
        explanation=builder.build(outcome),
    )


def allocation_by(
    records: Iterable[EffortRecord],
    policy: Policy | PolicySnapshot | None = None,
    *,
    key: Callable[[EffortRecord], str] = lambda r: r.community_id,
    measure: Measure | str = Measure.HOURS,
    start: dt.date | None = None,
    end: dt.date | None = None,
    at: dt.date | None = None,
) -> tuple[dict[str, Allocation], Allocation]:
    """One allocation per key (by default per community) and the aggregate over all (P-2).

    Groups with nothing of ``measure`` in the period are left out.
    """
    everything = list(records)
    policy = resolve(policy, at or end)
    groups: dict[str, list[EffortRecord]] = {}
    for record in everything:
        groups.setdefault(key(record), []).append(record)
    per_group: dict[str, Allocation] = {}
    for name in sorted(groups):
        try:
            per_group[name] = allocation(
                groups[name], policy, measure=measure, start=start, end=end
            )
        except ParseError:
            continue
    return per_group, allocation(everything, policy, measure=measure, start=start, end=end)
