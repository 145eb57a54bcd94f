"""Service bookkeeping (S-1..S-7)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from community_governance.errors import EligibilityError, InvalidTransition, ParseError
from community_governance.services import (
    ActivityProject,
    Claim,
    CodeScheme,
    Fulfil,
    MicroWish,
    OpeningHours,
    ProfessionalCase,
    Programme,
    ResidentStatus,
    RoutingRules,
    ServiceRequest,
    Stewardship,
    VolunteerContract,
    VolunteerHours,
    WishState,
    Withdraw,
    coverage_problems,
    eligible,
    hours_served,
    missing_facilities,
    route_request,
    volunteer_effort,
)
from community_governance.vocabulary import AdminLevel, Pillar

CELL = "350203" + "001" + "002" + "007"
CST = dt.timezone(dt.timedelta(hours=8), "CST")
T0 = dt.datetime(2026, 7, 1, 9, 0, tzinfo=CST)


@given(
    kind=st.sampled_from(["lamp", "noise", "flood"]),
    start=st.sampled_from(list(AdminLevel)),
    limits=st.dictionaries(st.sampled_from(list(AdminLevel)), st.integers(1, 48)),
    refusals=st.sets(
        st.tuples(st.sampled_from([CELL, CELL[:12], CELL[:9], CELL[:6]]), st.just("lamp"))
    ),
    hours=st.integers(0, 200),
)
def test_routing_ends_at_exactly_one_handler_or_a_documented_escalation(
    kind: str,
    start: AdminLevel,
    limits: dict[AdminLevel, int],
    refusals: set[tuple[str, str]],
    hours: int,
) -> None:
    """S-1: one handler, or beyond the district; escalations only go upward."""
    rules = RoutingRules({kind: start}, limits, frozenset(refusals))
    route = route_request(
        ServiceRequest("r1", kind, CELL, "grid_cell", received=T0),
        rules,
        at=T0 + dt.timedelta(hours=hours),
    )
    assert (route.handler is None) == route.beyond_district
    if route.handler is not None:
        assert CELL.startswith(route.handler)
        assert (route.handler, kind) not in refusals
    lengths = [len(code) for code, _ in route.escalations]
    assert lengths == sorted(lengths, reverse=True)
    assert len(set(lengths)) == len(lengths)


def test_routing_examples_and_code_scheme() -> None:
    """S-1: a lamp goes to the community; too slow there, it goes up to the street."""
    scheme = CodeScheme()
    assert scheme.level(CELL) is AdminLevel.GRID_CELL
    assert scheme.ancestor(CELL, AdminLevel.STREET) == "350203001"
    rules = RoutingRules(
        {"lamp": AdminLevel.COMMUNITY}, {AdminLevel.COMMUNITY: 24, AdminLevel.STREET: 48}
    )
    request = ServiceRequest("r1", "lamp", CELL, "社区（村）", received=T0)
    assert route_request(request, rules, at=T0).handler == CELL[:12]
    late = route_request(request, rules, at=T0 + dt.timedelta(hours=30))
    assert (late.handler, late.escalations) == (
        CELL[:9],
        ((CELL[:12], "time limit of 24 h passed"),),
    )
    assert "S-1" in late.explanation.rules
    with pytest.raises(ParseError):
        scheme.level("35020300100")


def test_coverage_problems() -> None:
    """S-1: every community in exactly one street, every street in exactly one district."""
    assert coverage_problems(["c1", "c2"], [("c1", "s1"), ("c2", "s1")], [("s1", "d1")]) == ()
    problems = coverage_problems(
        ["c1", "c2", "c3"], [("c1", "s1"), ("c1", "s2"), ("c2", "s3")], [("s3", "d1"), ("s3", "d2")]
    )
    assert problems == (
        "community c1 belongs to 2 streets ['s1', 's2']",
        "street s3 belongs to 2 districts ['d1', 'd2']",
        "community c3 belongs to 0 streets []",
    )


times = st.times().map(lambda t: t.replace(second=0, microsecond=0))
spans = st.lists(st.tuples(times, times).filter(lambda p: p[0] < p[1]), max_size=3)


def _hours(
    draw_spans: dict[int, list[tuple[dt.time, dt.time]]],
) -> dict[int, list[tuple[dt.time, dt.time]]]:
    out = {}
    for day, pairs in draw_spans.items():
        kept: list[tuple[dt.time, dt.time]] = []
        for start, end in sorted(pairs):
            if not kept or start >= kept[-1][1]:
                kept.append((start, end))
        out[day] = kept
    return out


@given(
    st.dictionaries(st.integers(0, 6), spans).map(_hours),
    st.sets(st.dates(dt.date(2026, 7, 1), dt.date(2026, 7, 14))),
    # Hypothesis takes naive bounds; the drawn datetimes carry CST.
    st.datetimes(dt.datetime(2026, 7, 1), dt.datetime(2026, 7, 7), timezones=st.just(CST)).map(  # noqa: DTZ001
        lambda d: d.replace(second=0, microsecond=0)
    ),
)
def test_opening_hours_agree_with_a_minute_by_minute_scan(
    weekly: dict[int, list[tuple[dt.time, dt.time]]], closed: set[dt.date], at: dt.datetime
) -> None:
    """S-6: is_open and next_opening agree with a brute-force scan of every minute."""
    venue = OpeningHours("library", weekly, closed)

    def brute_open(moment: dt.datetime) -> bool:
        if moment.date() in closed:
            return False
        return any(s <= moment.time() < e for s, e in weekly.get(moment.weekday(), []))

    assert venue.is_open(at) == brute_open(at)
    horizon = 14 * 24 * 60
    expected = next(
        (
            at + dt.timedelta(minutes=m)
            for m in range(horizon)
            if brute_open(at + dt.timedelta(minutes=m))
        ),
        None,
    )
    found = venue.next_opening(at, within_days=20)
    if expected is not None:
        assert found == expected
    else:
        assert found is None or found >= at + dt.timedelta(minutes=horizon)


def test_opening_hours_refuse_overlaps_and_backwards_spans() -> None:
    """S-6: spans end after they start and do not overlap."""
    with pytest.raises(ParseError, match="overlap"):
        OpeningHours("x", {0: [(dt.time(9), dt.time(12)), (dt.time(11), dt.time(13))]})
    with pytest.raises(ParseError, match="ends after"):
        OpeningHours("x", {0: [(dt.time(12), dt.time(9))]})


@given(
    st.integers(0, 5),
    st.lists(
        st.tuples(st.booleans(), st.integers(0, 9), st.sampled_from(list(ResidentStatus))),
        max_size=30,
    ),
)
def test_capacities_are_never_exceeded(
    capacity: int, moves: list[tuple[bool, int, ResidentStatus]]
) -> None:
    """S-3: enrolment never exceeds capacity; refusals leave the programme unchanged."""
    programme = Programme("k1", "integration.kindergarten", capacity)
    for enrol, child, status in moves:
        before = programme
        try:
            programme = (
                programme.enrol(f"c{child}", status) if enrol else programme.withdraw(f"c{child}")
            )
        except EligibilityError:
            assert programme is before
        assert len(programme.enrolled) <= capacity
        assert len(set(programme.enrolled)) == len(programme.enrolled)


def test_eligibility_is_open_to_migrants_by_default() -> None:
    """S-3: every service open to migrants unless a municipality closes one."""
    assert eligible("integration.kindergarten", ResidentStatus.MIGRANT)
    assert not eligible("x", ResidentStatus.MIGRANT, closed_to_migrants=["x"])
    assert eligible("x", ResidentStatus.REGISTERED, closed_to_migrants=["x"])


ALLOWED = {
    (WishState.RAISED, WishState.CLAIMED),
    (WishState.CLAIMED, WishState.FULFILLED),
    (WishState.RAISED, WishState.WITHDRAWN),
    (WishState.CLAIMED, WishState.WITHDRAWN),
}


@given(st.lists(st.sampled_from([Claim("li"), Claim(""), Fulfil(), Withdraw()]), max_size=8))
def test_micro_wish_transitions_never_skip_a_state(events: list[Claim | Fulfil | Withdraw]) -> None:
    """S-4: raised -> claimed -> fulfilled, or withdrawn; never fulfilled without a claim."""
    wish = MicroWish("w1", "HH-1", "a reading lamp", dt.date(2026, 7, 1))
    for i, event in enumerate(events):
        before = wish.state
        try:
            wish = wish.apply(event, at=dt.date(2026, 7, 1 + i))
        except InvalidTransition:
            assert wish.state is before
            continue
        assert (before, wish.state) in ALLOWED
    if wish.state is WishState.FULFILLED:
        assert wish.claimed_by == "li"


def test_professional_activity_stewardship_and_volunteers() -> None:
    """S-2, S-5, S-6, S-7: cases, participation, stewardship, contracts, hours as effort."""
    case = ProfessionalCase("pc1", "HH-9", "心理疏导", "agency-a", dt.date(2026, 7, 1)).accept()
    case = case.refer("agency-b", dt.date(2026, 7, 3))
    with pytest.raises(InvalidTransition):
        case.close(dt.date(2026, 7, 4))
    case = case.accept().close(dt.date(2026, 7, 9))
    assert case.referrals == ((dt.date(2026, 7, 3), "agency-a", "agency-b"),)
    assert case.pillar is Pillar.SERVICE

    project = ActivityProject(
        "a1",
        "Dragon-boat day",
        "culture_sports.festivals",
        {"residents": 200, "enterprises": 10},
        {"residents": 150, "enterprises": 4},
    )
    assert (project.rate(), project.rate(project.participants.__iter__().__next__())) == (
        Fraction(154, 210),
        Fraction(3, 4),
    )
    with pytest.raises(ParseError):
        ActivityProject("a2", "x", "s", {"residents": 1}, {"residents": 2})

    assert missing_facilities(["lighting", "toilets"]) == ("water_power", "tables_chairs")
    adopt = Stewardship(
        "公共绿地认养", "HH-2", "lawn 3", dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    )
    assert adopt.active_on(dt.date(2026, 6, 1))
    assert adopt.commendable(dt.date(2026, 7, 1), min_days=180)
    assert not adopt.commendable(dt.date(2026, 3, 1), min_days=180)

    contract = VolunteerContract(
        "v1",
        "patrol team 2",
        "evening patrol",
        ["治安良好"],
        dt.date(2026, 1, 1),
        dt.date(2026, 6, 30),
        frozenset({1, 3}),
        team=True,
    )
    assert contract.on_duty(dt.date(2026, 6, 2))
    assert contract.expires_within(dt.date(2026, 6, 15), 30)
    renewed = contract.renew(dt.date(2026, 12, 31))
    assert renewed.active_on(dt.date(2026, 9, 1))
    with pytest.raises(EligibilityError):
        contract.renew(dt.date(2026, 6, 1))
    logs = [
        VolunteerHours("v1", dt.date(2026, 2, 3), "2.5"),
        VolunteerHours("v1", dt.date(2026, 5, 5), 3),
    ]
    assert hours_served(
        contract, logs, start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31)
    ) == Decimal("2.5")
    with pytest.raises(EligibilityError, match="outside"):
        hours_served(
            contract,
            [VolunteerHours("v1", dt.date(2026, 8, 1), 1)],
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 12, 31),
        )
    effort = volunteer_effort(logs, "haibin")
    assert {e.pillar for e in effort} == {Pillar.SERVICE}
    assert sum(e.amount for e in effort) == Decimal("5.5")
