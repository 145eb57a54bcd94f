"""Routing approved projects (C-4) and following them through (C-4, E-4)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from community_governance.community import Community, MemberUnit, Quarter, Representative
from community_governance.consultation import (
    Milestone,
    ProjectRecord,
    ProjectStatus,
    Proposal,
    assign_manually,
    completed_in,
    route,
)
from community_governance.errors import InvalidTransition, RoutingError
from community_governance.policy import default_policy
from community_governance.vocabulary import Executor

#: The moves C-4 allows, written out by hand as the oracle of the project workflow.
_NEXT: dict[ProjectStatus, frozenset[ProjectStatus]] = {
    ProjectStatus.APPROVED: frozenset(
        {ProjectStatus.IN_PROGRESS, ProjectStatus.COMPLETED, ProjectStatus.CANCELLED}
    ),
    ProjectStatus.IN_PROGRESS: frozenset(
        {ProjectStatus.SUSPENDED, ProjectStatus.COMPLETED, ProjectStatus.CANCELLED}
    ),
    ProjectStatus.SUSPENDED: frozenset({ProjectStatus.IN_PROGRESS, ProjectStatus.CANCELLED}),
    ProjectStatus.COMPLETED: frozenset(),
    ProjectStatus.CANCELLED: frozenset(),
}

POLICY = default_policy()
RULES = POLICY.at(dt.date(2026, 7, 1))
COMMUNITY = Community(
    "C",
    "c",
    [
        MemberUnit("oc-a", "Owners A", "owners_committee", compounds=["A"]),
        MemberUnit("oc-b", "Owners B", "owners_committee", compounds=["B", "C"]),
        MemberUnit("pm", "Property", "property_company", compounds=["A", "B", "C"]),
        MemberUnit("clinic", "Clinic", "co_building_unit", business_lines=["health"]),
        MemberUnit("bank", "Bank", "co_building_unit", business_lines=["finance", "anti-fraud"]),
        MemberUnit("police", "Police", "co_building_unit", business_lines=["anti-fraud"]),
    ],
)
PEOPLE = [
    Representative("rr-1", roles=["居民代表"]),
    Representative("rr-2", roles=["resident_representative"]),
    Representative("pm-1", "pm", roles=["unit_representative"]),
]


def test_public_affairs_go_to_the_owners_committees_of_the_compounds_concerned() -> None:
    """C-4: sanitation in compounds A and C goes to both owners' committees."""
    done = route(Proposal("p", "Bins", "public_affairs", compounds=["A", "C"]), COMMUNITY, RULES)
    assert (done.executor, done.assignees, done.manual) == (
        Executor.OWNERS_COMMITTEE,
        ("oc-a", "oc-b"),
        False,
    )
    assert "C-4" in done.explanation.rules


def test_mobilisation_goes_to_resident_representatives() -> None:
    """C-4: publicity work goes to the resident representatives."""
    done = route(Proposal("p", "Talks", "mobilisation"), COMMUNITY, RULES, PEOPLE)
    assert done.assignees == ("rr-1", "rr-2")


def test_specialised_needs_go_to_the_matching_co_building_unit_and_ambiguity_raises() -> None:
    """C-4: one match is assigned; none or two equally good raise; manual assignment records why."""
    assert route(
        Proposal("p", "Check-ups", "specialised", need="health"), COMMUNITY, RULES
    ).assignees == ("clinic",)
    with pytest.raises(RoutingError, match="equally well"):
        route(Proposal("p", "Scams", "specialised", need="anti-fraud"), COMMUNITY, RULES)
    with pytest.raises(RoutingError, match="no co-building unit matches"):
        route(Proposal("p", "Law", "specialised", need="legal aid"), COMMUNITY, RULES)
    manual = assign_manually(
        Proposal("p", "Scams", "specialised"), ["police"], reason="police lead on fraud"
    )
    assert (manual.manual, manual.reason, manual.assignees) == (
        True,
        "police lead on fraud",
        ("police",),
    )
    with pytest.raises(RoutingError):
        assign_manually(Proposal("p", "Scams", "specialised"), ["police"], reason=" ")


def test_the_routing_table_is_policy_data() -> None:
    """C-4: a municipality sends public affairs to the property company instead."""
    local = POLICY.override(
        {
            "consultation.routing": {
                "public_affairs": "property_company",
                "mobilisation": "resident_representatives",
                "specialised": "co_building_unit",
            }
        }
    ).at(dt.date(2026, 7, 1))
    assert route(
        Proposal("p", "Bins", "public_affairs", compounds=["B"]), COMMUNITY, local
    ).assignees == ("pm",)


RECORD = ProjectRecord(
    "p",
    "Lights",
    ("pm",),
    dt.date(2026, 7, 1),
    milestones=[
        Milestone("survey", dt.date(2026, 7, 20), "1"),
        Milestone("install", dt.date(2026, 8, 31), "3"),
    ],
)


def test_progress_overdue_and_completion() -> None:
    """C-4: exact progress by milestone weight; overdue at a date; completed projects feed E-4."""
    assert RECORD.progress == 0
    started = RECORD.move(ProjectStatus.IN_PROGRESS, dt.date(2026, 7, 2)).milestone_done(
        "survey", dt.date(2026, 7, 25)
    )
    assert started.progress == Fraction(1, 4)
    assert [m.name for m in started.overdue(dt.date(2026, 7, 22))] == ["survey"]
    assert [m.name for m in started.overdue(dt.date(2026, 9, 1))] == ["install"]
    done = started.move(ProjectStatus.COMPLETED, dt.date(2026, 9, 10))
    assert done.progress == 1
    assert done.overdue(dt.date(2026, 12, 1)) == ()
    projects = completed_in([done, RECORD], Quarter(2026, 3))
    assert [(p.project_id, p.responsible_units) for p in projects] == [("p", ("pm",))]
    assert completed_in([done], Quarter(2026, 4)) == ()
    with pytest.raises(InvalidTransition, match="completed to in progress"):
        done.move(ProjectStatus.IN_PROGRESS, dt.date(2026, 9, 11))


@given(st.lists(st.sampled_from(list(ProjectStatus)), max_size=8))
def test_progress_stays_within_bounds_and_only_allowed_moves_happen(
    moves: list[ProjectStatus],
) -> None:
    """C-4: progress stays in [0, 1]; a move happens iff the table allows it; closed is final."""
    record = RECORD
    for day, status in enumerate(moves, start=2):
        allowed = status in _NEXT[record.status]
        try:
            record = record.move(status, dt.date(2026, 7, day))
        except InvalidTransition:
            assert not allowed
        else:
            assert allowed
            assert record.history[-1] == (dt.date(2026, 7, day), status)
        assert 0 <= record.progress <= 1
    assert _NEXT[ProjectStatus.COMPLETED] == _NEXT[ProjectStatus.CANCELLED] == frozenset()
