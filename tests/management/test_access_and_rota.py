"""The access system, hand-backs, structures and the duty rota (M-1..M-6)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from community_governance.errors import EligibilityError, ParseError, RotaError
from community_governance.management import (
    AccessRegister,
    AccessRequest,
    CompoundPartyBranch,
    Contribution,
    ContributorKind,
    Matter,
    MemberRegistration,
    Resource,
    SelfGovernanceList,
    ServiceHours,
    admit_matter,
    compounds_without_branch,
    contributions_summary,
    duty_rota,
    propose_hand_back,
    service_hours,
)
from community_governance.policy import default_policy

RULES = default_policy().at(dt.date(2026, 7, 1))
APPROVED = {"census-help", "elderly-visits"}

requests = st.builds(
    AccessRequest,
    request_id=st.text(min_size=1, max_size=5),
    department=st.sampled_from(["civil affairs", "health"]),
    matter_id=st.sampled_from(["census-help", "elderly-visits", "parking-fines"]),
    title=st.just("a matter"),
    requested_on=st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
    authority=st.one_of(st.none(), st.just(""), st.just("may inspect")),
    funding=st.decimals(min_value=0, max_value=10_000, places=0),
    cost=st.decimals(min_value=0, max_value=10_000, places=0),
    workload_hours=st.integers(0, 200),
)


@given(requests)
def test_admit_matter_refuses_every_request_lacking_authority_or_funding(
    request: AccessRequest,
) -> None:
    """M-3: admitted iff authority, funding >= cost and on the list; every unmet condition named."""
    decision = admit_matter(request, APPROVED)
    has_authority = bool(request.authority)
    funded = request.funding >= request.cost
    listed = request.matter_id in APPROVED
    assert decision.admitted == (has_authority and funded and listed)
    assert len(decision.unmet) == (not has_authority) + (not funded) + (not listed)
    assert "M-3" in decision.explanation.rules


def test_a_refusal_names_every_condition_and_the_register_reports_the_burden() -> None:
    """M-3: no authority and too little money: both named; admitted matters add up per period."""
    bad = AccessRequest(
        "r1", "health", "parking-fines", "Fines", dt.date(2026, 3, 1), None, "100", "500"
    )
    refusal = admit_matter(bad, APPROVED)
    assert [t.en for t in refusal.unmet] == [
        "no authority comes with it",
        "funding 100 does not cover the cost 500",
        "parking-fines is not on the approved list",
    ]
    register = AccessRegister("c")
    with pytest.raises(EligibilityError, match="refused"):
        register.register(refusal)
    for i, month in enumerate((2, 3, 8)):
        good = AccessRequest(
            f"g{i}",
            "civil",
            "census-help",
            "Census",
            dt.date(2026, month, 1),
            "may ask",
            "300",
            "300",
            10,
        )
        register = register.register(admit_matter(good, APPROVED))
    report = register.burden(dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert (report.matters, report.workload_hours, report.funding) == (2, 20, Decimal(600))
    assert report.funding_per_matter == Fraction(300)


def test_hand_back_and_the_self_governance_list() -> None:
    """M-1, M-5: hand back what residents can settle unless a law reserves it."""
    assert propose_hand_back(
        Matter("m1", "Courtyard rota", "社区党组织", residents_can_settle=True)
    ).propose
    assert not propose_hand_back(
        Matter(
            "m2", "Household registration", "社区党组织", "户口登记条例", residents_can_settle=True
        )
    ).propose
    assert not propose_hand_back(
        Matter("m3", "Stair cleaning", "业委会", None, residents_can_settle=True)
    ).propose
    listing = SelfGovernanceList("c", dt.date(2026, 1, 1), ["m1", "m3"])
    assert "m1" in listing
    assert "m2" not in listing


def test_branches_service_hours_and_contributions() -> None:
    """M-2, M-4, M-6: compounds without a branch; hours of registered members; contributions."""
    assert compounds_without_branch(
        ["A", "B", "C"], [CompoundPartyBranch("b1", "B", dt.date(2025, 1, 1))]
    ) == ("A", "C")
    regs = [
        MemberRegistration("p1", "c", "tax bureau", dt.date(2026, 1, 1)),
        MemberRegistration("p2", "c", "school", dt.date(2026, 1, 1)),
    ]
    logs = [
        ServiceHours("p1", dt.date(2026, 3, 1), "2.5"),
        ServiceHours("p1", dt.date(2026, 4, 1), 3),
    ]
    assert service_hours(regs, logs, start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31)) == {
        "p1": Decimal("2.5"),
        "p2": 0,
    }
    with pytest.raises(EligibilityError, match="not registered"):
        service_hours(
            regs,
            [ServiceHours("p9", dt.date(2026, 3, 1), 1)],
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 12, 31),
        )
    summary = contributions_summary(
        [
            Contribution("bank", "辖区商业企业", "资金", "5000"),
            Contribution("bank", "business", "money", "1000"),
            Contribution("li", "贤达人士", "people", "3"),
        ]
    )
    assert summary == {
        (ContributorKind.BUSINESS, Resource.MONEY): 6000,
        (ContributorKind.RESPECTED_PERSON, Resource.PEOPLE): 3,
    }
    with pytest.raises(ParseError):
        Contribution("x", "business", "money", "0")


people = st.lists(
    st.from_regex(r"d[0-9]{1,2}", fullmatch=True), min_size=1, max_size=8, unique=True
)
days = st.lists(
    st.dates(dt.date(2026, 7, 1), dt.date(2026, 9, 30)), min_size=1, max_size=40, unique=True
)


@given(people, days, st.randoms())
def test_the_rota_is_fair_and_deterministic(
    delegates: list[str], dates: list[dt.date], rnd: random.Random
) -> None:
    """M-4: with no unavailability, counts differ by at most one; input order does not matter."""
    rota = duty_rota(delegates, "station-1", dates, RULES)
    assert max(rota.counts.values()) - min(rota.counts.values()) <= 1
    assert sum(rota.counts.values()) == len(dates)
    shuffled_people, shuffled_dates = list(delegates), list(dates)
    rnd.shuffle(shuffled_people)
    rnd.shuffle(shuffled_dates)
    assert duty_rota(shuffled_people, "station-1", shuffled_dates, RULES) == rota


@given(people, days, st.data())
def test_the_rota_respects_unavailability_and_names_uncovered_dates(
    delegates: list[str], dates: list[dt.date], data: st.DataObject
) -> None:
    """M-4: never on an unavailable date; no duty could move to someone with two fewer."""
    away = {p: data.draw(st.sets(st.sampled_from(dates))) for p in delegates}
    uncovered = [d for d in dates if all(d in away[p] for p in delegates)]
    if uncovered:
        with pytest.raises(RotaError) as caught:
            duty_rota(delegates, "s", dates, RULES, unavailable=away)
        for day in uncovered:
            assert str(day) in str(caught.value)
        return
    rota = duty_rota(delegates, "s", dates, RULES, unavailable=away)
    for day, on_duty in rota.assignments:
        for person in on_duty:
            assert day not in away[person]
            for other in delegates:
                if other not in on_duty and day not in away[other]:
                    assert rota.counts[other] >= rota.counts[person] - 1
