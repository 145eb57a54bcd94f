"""Known answers, dated parameters and every refusal of the meeting and the routing (C-3, C-4).

Golden explanations pin what a person reads; each policy parameter the meeting and the
routing read is changed on a date to show the date each one is read on; each refusal is
checked for its class, ``field`` and ``rule``.
"""

from __future__ import annotations

import datetime as dt

import pytest

from community_governance.community import Community, MemberUnit, Representative
from community_governance.consultation import (
    Meeting,
    Proposal,
    assign_manually,
    route,
)
from community_governance.errors import (
    EligibilityError,
    GovernanceError,
    ParseError,
    PolicyDateError,
    RoutingError,
)
from community_governance.explain import Text
from community_governance.policy import default_policy
from community_governance.vocabulary import ApprovalBase, Choice, Executor

POLICY = default_policy()
HELD = dt.date(2026, 7, 10)
PEOPLE = [Representative(f"r{i}", f"u{i}") for i in range(1, 5)]
BINS = Proposal("p1", "Bins", "public_affairs", compounds=["A"])
TALKS = Proposal("p2", "Talks", "mobilisation")


def _meeting(policy: object = POLICY) -> Meeting:
    """Four present; all agree on p1; on p2 one agrees, one disagrees, one abstains."""
    meeting = Meeting.open("m1", HELD, PEOPLE, [BINS, TALKS], policy)  # type: ignore[arg-type]
    for person in PEOPLE:
        meeting = meeting.roll_call(person.person_id)
        meeting = meeting.vote(person.person_id, "p1", "agree")
    for person, choice in zip(PEOPLE, ("agree", "disagree", "abstain"), strict=False):
        meeting = meeting.vote(person.person_id, "p2", choice)
    return meeting


CLOSED_ZH = """\
组团议事会议 m1
结论: 1 项通过，1 项未通过
适用规则: C-3, C-4
读取的参数:
  consultation.approval.base = entitled (C-3, 生效于 2021-01-21)
  consultation.approval.inclusive = true (C-3, 生效于 2021-01-21)
  consultation.quorum = 0 (C-3, 生效于 2021-01-21)
  consultation.approval.threshold = 0.85 (C-3, 生效于 2021-01-21)
  consultation.follow_up_days = 30 (C-4, 生效于 2021-01-21)
关键输入:
  held_on = 2026-07-10
  present = 4/4
步骤:
  1. Bins：通过 = 4/4 [C-3]
  2. Talks：未通过 = 1/4 [C-3]"""

CLOSED_EN_STEPS = ["Bins: approved", "Talks: rejected"]


def test_closing_a_meeting_explains_it_and_reports_every_field() -> None:
    """C-3, C-4: the golden explanation of a close, its tallies, attendance and review date."""
    closed = _meeting().close(POLICY)
    assert closed.explanation.to_text("zh") == CLOSED_ZH
    assert closed.explanation.outcome.en == "1 approved, 1 rejected"
    assert [step.text.en for step in closed.explanation.steps] == CLOSED_EN_STEPS
    assert closed.explanation.title.en == "Deliberation meeting m1"
    assert closed.approved == (BINS,)
    assert closed.rejected == (TALKS,)
    assert closed.attendance == frozenset({"r1", "r2", "r3", "r4"})
    assert closed.review_on == dt.date(2026, 8, 9)
    talks = closed.tallies["p2"]
    assert (talks.proposal_id, talks.agree, talks.disagree, talks.abstain, talks.absent) == (
        "p2",
        1,
        1,
        1,
        0,
    )
    assert (talks.base, talks.base_count, talks.approved) == (ApprovalBase.ENTITLED, 4, False)
    assert talks.explanation.title.en == "Vote on p2"
    assert closed.meeting.closed


def test_the_review_date_follows_the_policy_read_on_the_closing_day() -> None:
    """C-4: ``consultation.follow_up_days`` is read on ``at``, by default the meeting's day."""
    later = POLICY.override(
        {"consultation.follow_up_days": {"value": 10, "valid_from": "2026-08-01"}}
    )
    meeting = _meeting(later)
    assert meeting.close(later).review_on == dt.date(2026, 8, 9)
    assert meeting.close(later, at=dt.date(2026, 8, 1)).review_on == dt.date(2026, 7, 20)


def test_a_review_past_the_last_date_names_the_day_held_and_c_4() -> None:
    """C-4: a meeting held so late that its review date does not exist is refused clearly."""
    last = Meeting.open("m9", dt.date(9999, 12, 20), PEOPLE, [BINS], POLICY.at(HELD))
    with pytest.raises(ParseError, match="past the last representable date") as raised:
        last.close(POLICY.at(HELD))
    assert (raised.value.field, raised.value.rule) == ("held_on", "C-4")


def test_the_threshold_is_read_on_the_meeting_day_unless_told() -> None:
    """C-3: a threshold lowered from 2026-08-01 applies to a tally or a close dated then."""
    lower = POLICY.override(
        {"consultation.approval.threshold": {"value": "1/4", "valid_from": "2026-08-01"}}
    )
    meeting = _meeting(lower)
    assert not meeting.tally("p2", lower).approved
    assert meeting.tally("p2", lower, at=dt.date(2026, 8, 1)).approved
    assert meeting.close(lower).approved == (BINS,)
    assert meeting.close(lower, at=dt.date(2026, 8, 1)).approved == (BINS, TALKS)
    assert meeting.tally("p2", POLICY.override({"consultation.approval.threshold": "1/4"})).approved
    with pytest.raises(PolicyDateError):
        meeting.tally("p2", lower, at=dt.date(2020, 1, 1))


def test_a_cast_base_counts_abstentions_out() -> None:
    """C-3: under the "cast" base, 1 of 2 cast is a half; abstaining is not casting."""
    cast = POLICY.override({"consultation.approval.base": "cast"}).at(HELD)
    tally = _meeting().tally("p2", cast)
    assert (tally.base, tally.base_count, tally.abstain) == (ApprovalBase.CAST, 2, 1)


@pytest.mark.parametrize(
    ("electorate", "agenda", "error", "field", "words"),
    [
        ([PEOPLE[0], PEOPLE[0]], [BINS], ParseError, "electorate", "listed twice"),
        (PEOPLE, [BINS, BINS], ParseError, "agenda", "listed twice"),
        ([Representative("x")], [BINS], ParseError, "electorate", "represents no member unit"),
        (
            [Representative("a", "u1"), Representative("b", "u1")],
            [BINS],
            EligibilityError,
            "electorate",
            "voting representative",
        ),
    ],
)
def test_opening_refuses_a_bad_electorate_or_agenda_naming_field_and_c_3(
    electorate: list[Representative],
    agenda: list[Proposal],
    error: type[GovernanceError],
    field: str,
    words: str,
) -> None:
    """C-3: twice-listed people or proposals, unit-less and surplus representatives."""
    with pytest.raises(error, match=words) as raised:
        Meeting.open("m", HELD, electorate, agenda, POLICY)
    assert (raised.value.field, raised.value.rule) == (field, "C-3")


def test_the_seats_per_unit_are_read_on_at_or_else_the_meeting_day() -> None:
    """C-3: two representatives of one unit are allowed once the policy allows two."""
    two = POLICY.override(
        {"consultation.representatives_per_unit": {"value": 2, "valid_from": "2026-08-01"}}
    )
    pair = [Representative("a", "u1"), Representative("b", "u1")]
    with pytest.raises(EligibilityError):
        Meeting.open("m", HELD, pair, [BINS], two)
    assert Meeting.open("m", HELD, pair, [BINS], two, at=dt.date(2026, 8, 1)).entitled == {"a", "b"}
    assert Meeting.open("m", dt.date(2026, 8, 3), pair, [BINS], two).entitled == {"a", "b"}


COMMUNITY = Community(
    "C",
    "c",
    [
        MemberUnit("oc-a", "Owners A", "owners_committee", compounds=["A"]),
        MemberUnit("oc-b", "Owners B", "owners_committee", compounds=["B", "C"]),
        MemberUnit("pm", "Property", "property_company", compounds=["A", "B"]),
        MemberUnit("clinic", "Clinic", "co_building_unit", business_lines=["health"]),
        MemberUnit("sw", "Social work", "social_work_agency", business_lines=["elderly"]),
        MemberUnit("bank", "Bank", "co_building_unit", business_lines=["anti-fraud"]),
        MemberUnit("police", "Police", "co_building_unit", business_lines=["anti-fraud"]),
    ],
)
RESIDENTS = [
    Representative("rr-2", roles=["resident_representative"]),
    Representative("rr-1", roles=["居民代表"]),
    Representative("pm-1", "pm", roles=["unit_representative"]),
]

ROUTED_ZH = """\
部署：Bins
结论: 交 oc-a 落实
适用规则: C-4
读取的参数:
  consultation.routing = {public_affairs: owners_committee, mobilisation: \
resident_representatives, specialised: co_building_unit} (C-4, 生效于 2021-01-21)
关键输入:
  work = public_affairs
  compounds = [A]
步骤:
  1. 按工作类型交业委会 = owners_committee [C-4]
  2. 承办方 = [oc-a] [C-4]"""

ROUTED_EN = """\
Routing: Talks
Outcome: assigned to rr-1, rr-2
Rules applied: C-4
Parameters read:
  consultation.routing = {public_affairs: owners_committee, mobilisation: \
resident_representatives, specialised: co_building_unit} (C-4, from 2021-01-21)
Inputs:
  work = mobilisation
Steps:
  1. by kind of work, to the resident representatives = resident_representatives [C-4]
  2. assigned to = [rr-1, rr-2] [C-4]"""

CHECK_UPS_EN = """\
Routing: Check-ups
Outcome: assigned to clinic
Rules applied: C-4
Parameters read:
  consultation.routing = {public_affairs: owners_committee, mobilisation: \
resident_representatives, specialised: co_building_unit} (C-4, from 2021-01-21)
Inputs:
  work = specialised
  need = health
Steps:
  1. by kind of work, to the co-building unit = co_building_unit [C-4]
  2. assigned to = [clinic] [C-4]"""

MANUAL_ZH = """\
部署：Fraud talk
结论: 人工指定 bank
适用规则: C-4
步骤:
  1. 人工指定 = ran it last year [C-4]
标记: manual"""


def test_routing_explains_itself_and_only_the_compounds_concerned_are_asked() -> None:
    """C-4: golden explanations; a project in compound A goes to A's owners' committee only."""
    bins = route(BINS, COMMUNITY, POLICY, at=HELD)
    assert bins.explanation.to_text("zh") == ROUTED_ZH
    assert (bins.proposal_id, bins.executor, bins.assignees) == (
        "p1",
        Executor.OWNERS_COMMITTEE,
        ("oc-a",),
    )
    assert (bins.manual, bins.reason) == (False, None)
    assert bins.explanation.outcome.en == "assigned to oc-a"
    assert bins.explanation.steps[0].text.en == "by kind of work, to the owners' committee"
    talks = route(TALKS, COMMUNITY, POLICY.at(HELD), RESIDENTS)
    assert talks.explanation.to_text("en") == ROUTED_EN
    assert talks.explanation.outcome.zh == "交 rr-1, rr-2 落实"
    check_ups = Proposal("p2", "Check-ups", "specialised", need="health")
    assert route(check_ups, COMMUNITY, POLICY.at(HELD)).explanation.to_text("en") == CHECK_UPS_EN
    with pytest.raises(PolicyDateError):
        route(BINS, COMMUNITY, POLICY)


def test_the_routing_table_is_policy_data() -> None:
    """C-4: routing public affairs to the property company and needs to social workers."""
    local = POLICY.override(
        {
            "consultation.routing": {
                "public_affairs": "property_company",
                "mobilisation": "resident_representatives",
                "specialised": "social_work_agency",
            }
        }
    ).at(HELD)
    assert route(BINS, COMMUNITY, local).assignees == ("pm",)
    elderly = Proposal("p5", "Visits", "specialised", need="elderly")
    done = route(elderly, COMMUNITY, local)
    assert (done.executor, done.assignees) == (Executor.SOCIAL_WORK_AGENCY, ("sw",))


def test_a_manual_assignment_records_why() -> None:
    """C-4: by hand, flagged manual, with the reason as the step."""
    fraud = Proposal("p4", "Fraud talk", "specialised", need="anti-fraud")
    manual = assign_manually(fraud, ["bank"], reason="ran it last year")
    assert manual.explanation.to_text("zh") == MANUAL_ZH
    assert manual.explanation.outcome.en == "assigned by hand to bank"
    assert manual.explanation.steps[0].text.en == "assigned by hand"
    assert (manual.proposal_id, manual.executor, manual.assignees) == ("p4", None, ("bank",))
    assert (manual.manual, manual.reason) == (True, "ran it last year")
    both = assign_manually(fraud, ["bank", "police"], reason="joint talk")
    assert both.explanation.title.en == "Routing: Fraud talk"
    assert both.explanation.outcome == Text(
        "人工指定 bank, police", "assigned by hand to bank, police"
    )


@pytest.mark.parametrize(
    ("proposal", "field", "words"),
    [
        (Proposal("p", "Bins", "public_affairs"), "proposal.compounds", "names no compound"),
        (Proposal("p", "Check", "specialised"), "proposal.need", "no line of business"),
        (
            Proposal("p", "Fraud", "specialised", need="anti-fraud"),
            "proposal.need",
            "bank, police match 'anti-fraud' equally well",
        ),
        (Proposal("p", "Law", "specialised", need="law"), "proposal", "no co-building unit"),
        (Proposal("p", "Bins", "public_affairs", compounds=["Z"]), "proposal", "no owners'"),
        (Proposal("p", "Talks", "mobilisation"), "proposal", "assign it by hand"),
    ],
)
def test_every_routing_refusal_names_its_field_and_c_4(
    proposal: Proposal, field: str, words: str
) -> None:
    """C-4: no compound, no need, two equal matches, nobody at all (resident work: no people)."""
    with pytest.raises(RoutingError, match=words) as raised:
        route(proposal, COMMUNITY, POLICY.at(HELD))
    assert (raised.value.field, raised.value.rule) == (field, "C-4")


@pytest.mark.parametrize(("assignees", "reason"), [([], "because"), (["bank"], "  ")])
def test_a_manual_assignment_needs_someone_and_a_reason(assignees: list[str], reason: str) -> None:
    """C-4: nobody, or a blank reason, is refused naming the assignment and C-4."""
    with pytest.raises(RoutingError, match="at least one assignee and a reason") as raised:
        assign_manually(TALKS, assignees, reason=reason)
    assert (raised.value.field, raised.value.rule) == ("assignment", "C-4")


def test_a_meeting_counts_each_choice_where_it_was_cast() -> None:
    """C-3: a changed vote counts as changed; choices are counted by kind."""
    meeting = _meeting().vote("r4", "p2", Choice.AGREE).change_vote("r1", "p2", "disagree")
    tally = meeting.tally("p2", POLICY.at(HELD))
    assert (tally.agree, tally.disagree, tally.abstain) == (1, 2, 1)
