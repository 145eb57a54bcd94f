"""Is our community 1:2:7? (P-1, P-2)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from community_governance.errors import ExactnessError, ParseError, UnknownLabelError
from community_governance.management import EffortRecord, allocation, allocation_by
from community_governance.policy import default_policy
from community_governance.vocabulary import Measure, Pillar

RULES = default_policy().at(dt.date(2026, 7, 1))
DAY = dt.date(2026, 7, 1)

records = st.lists(
    st.builds(
        EffortRecord,
        record_id=st.text(min_size=1, max_size=4),
        community_id=st.sampled_from(["north", "south"]),
        on=st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
        pillar=st.sampled_from(list(Pillar)),
        measure=st.just(Measure.HOURS),
        amount=st.decimals(min_value=0, max_value=1000, places=1),
    ),
    min_size=1,
    max_size=30,
).filter(lambda rs: sum(r.amount for r in rs) > 0)


def test_the_exact_1_2_7_split_is_on_target() -> None:
    """P-1: 10 / 20 / 70 hours is exactly on target; 20 / 20 / 60 is not."""
    rs = [
        EffortRecord(str(i), "c", DAY, p, "hours", h)
        for i, (p, h) in enumerate([("一分管理", 10), ("两分协商", 20), ("七分服务", 70)])
    ]
    result = allocation(rs, RULES)
    assert result.shares == {
        Pillar.MANAGEMENT: Fraction(1, 10),
        Pillar.CONSULTATION: Fraction(1, 5),
        Pillar.SERVICE: Fraction(7, 10),
    }
    assert result.balanced
    skewed = allocation([*rs, EffortRecord("x", "c", DAY, "management", "hours", 10)], RULES)
    assert not skewed.balanced
    assert not skewed.on_target[Pillar.MANAGEMENT]
    assert "P-2" in skewed.explanation.rules


@given(records)
def test_shares_sum_to_exactly_one(rs: list[EffortRecord]) -> None:
    """P-2: shares are exact and sum to exactly 1; deviations sum to 0."""
    result = allocation(rs, RULES)
    assert sum(result.shares.values()) == 1
    assert sum(result.deviations.values()) == 0


@given(records, st.data())
def test_splitting_a_record_changes_nothing(rs: list[EffortRecord], data: st.DataObject) -> None:
    """P-2: one record split into two of the same pillar gives the same allocation."""
    i = data.draw(st.integers(0, len(rs) - 1))
    record = rs[i]
    part = data.draw(st.decimals(min_value=0, max_value=record.amount, places=2))
    split = [
        *rs[:i],
        EffortRecord("a", record.community_id, record.on, record.pillar, record.measure, part),
        EffortRecord(
            "b", record.community_id, record.on, record.pillar, record.measure, record.amount - part
        ),
        *rs[i + 1 :],
    ]
    assert allocation(split, RULES).shares == allocation(rs, RULES).shares


@given(records)
def test_per_community_and_aggregate(rs: list[EffortRecord]) -> None:
    """P-2: per-community allocations and an aggregate whose totals are their sums."""
    per, overall = allocation_by(rs, RULES)
    for pillar in Pillar:
        assert sum((a.totals[pillar] for a in per.values()), Decimal(0)) == overall.totals[pillar]


def test_bad_records_raise_clear_errors() -> None:
    """P-2: negative hours, an unknown pillar, a float amount, an empty selection."""
    with pytest.raises(ParseError, match="negative"):
        EffortRecord("r", "c", DAY, "service", "hours", -1)
    with pytest.raises(UnknownLabelError, match="八分服务"):
        EffortRecord("r", "c", DAY, "八分服务", "hours", 1)
    with pytest.raises(ExactnessError, match=r"effort\.amount"):
        EffortRecord("r", "c", DAY, "service", "hours", 1.5)
    with pytest.raises(ParseError, match="nothing to allocate"):
        allocation([EffortRecord("r", "c", DAY, "service", "budget", 5)], RULES)
