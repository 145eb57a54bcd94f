"""The rectification case at its exact edges: the order, each guard alone, the dated policy.

E-6, R-2, R-3: the golden explanation of an order; the deadline day itself on both sides of
every guard that reads it; each guard failing while every other condition holds; every
refusal names its field and rule.
"""

from __future__ import annotations

import datetime as dt

import pytest

from community_governance.community import Quarter
from community_governance.errors import (
    DeadlinePassedError,
    GuardFailed,
    InvalidTransition,
    OwnCaseSupervisionError,
    ParseError,
    PolicyDateError,
)
from community_governance.explain import Explanation
from community_governance.policy import default_policy
from community_governance.rectification import (
    AnswerDemand,
    CaseState,
    CorrectionDemand,
    Extend,
    MarkOverdue,
    PeerNote,
    RectificationCase,
    Return,
    SignOff,
    StartRectifying,
    Submit,
    Supervise,
    apply,
    case_at,
    open_case,
    status_at,
)
from community_governance.schemas.explanation import explanation_dict
from community_governance.vocabulary import DayCount, SupervisionLevel

POLICY = default_policy()
ISSUED = dt.date(2026, 7, 14)
DEADLINE = dt.date(2026, 8, 13)
AFTER = DEADLINE + dt.timedelta(days=1)
UNITS = frozenset("ABCD")
LEVELS = (
    SupervisionLevel.PARTY_ORGANISATION,
    SupervisionLevel.MEMBER_UNIT_REPRESENTATIVES,
    SupervisionLevel.RESIDENT_REPRESENTATIVES,
)


def _case(policy: object = POLICY, at: dt.date = ISSUED) -> RectificationCase:
    return open_case(
        "c-D",
        "D",
        Quarter(2026, 2),
        at,
        member_units=UNITS,
        policy=policy,  # type: ignore[arg-type]
    )


def _explained(case: RectificationCase) -> Explanation:
    assert case.explanation is not None
    return case.explanation


def _working() -> RectificationCase:
    return apply(_case(), StartRectifying(), at=ISSUED)


ORDER_ZH = """\
整改通知：D
结论: 限期至 2026-08-13 整改
适用规则: E-6, R-2
读取的参数:
  rectification.deadline_days = 30 (E-6, 生效于 2021-01-21)
  rectification.day_count = calendar (E-6, 生效于 2021-01-21)
  rectification.signoff_levels = [party_organisation, member_unit_representatives, \
resident_representatives] (R-2, 生效于 2021-01-21)
关键输入:
  unit = D
  issued_on = 2026-07-14
步骤:
  1. 整改期限：30 个自然日 = 2026-08-13 [E-6]
  2. 需签字确认的督导层级 = [party_organisation, member_unit_representatives, \
resident_representatives] [R-2]"""

ORDER_EN = """\
Rectification order: D
Outcome: to rectify by 2026-08-14
Rules applied: E-6, R-2
Parameters read:
  rectification.deadline_days = 10 (E-6, from 2026-08-01)
  rectification.day_count = working (E-6, from 2021-01-21)
  rectification.signoff_levels = [party_organisation, member_unit_representatives, \
resident_representatives] (R-2, from 2021-01-21)
Inputs:
  unit = D
  issued_on = 2026-08-01
Steps:
  1. deadline: 10 working days (Monday to Friday) = 2026-08-14 [E-6]
  2. levels whose sign-off closes the case = [party_organisation, \
member_unit_representatives, resident_representatives] [R-2]"""


def test_an_order_explains_its_deadline_and_sign_offs() -> None:
    """E-6, R-2: golden explanations, calendar days by default, working days read on the day."""
    case = _case()
    assert _explained(case).to_text("zh") == ORDER_ZH
    assert (case.case_id, case.unit_id, case.quarter) == ("c-D", "D", Quarter(2026, 2))
    assert (case.issued_on, case.deadline, case.day_count) == (ISSUED, DEADLINE, DayCount.CALENDAR)
    assert case.required_levels == LEVELS
    assert case.member_units == UNITS
    local = POLICY.override(
        {
            "rectification.day_count": "working",
            "rectification.deadline_days": {"value": 10, "valid_from": "2026-08-01"},
        }
    )
    later = _case(local, dt.date(2026, 8, 1))
    assert _explained(later).to_text("en") == ORDER_EN
    assert _explained(later).outcome.zh == "限期至 2026-08-14 整改"
    assert _explained(later).steps[1].text.zh == "需签字确认的督导层级"
    assert _case(local, dt.date(2026, 7, 31)).deadline == dt.date(2026, 9, 11)
    with pytest.raises(PolicyDateError):
        _case(POLICY, dt.date(2020, 1, 1))


def test_an_order_for_a_non_member_is_refused() -> None:
    """E-6: the unit must be a member unit."""
    with pytest.raises(ParseError, match="Z is not a member unit") as stranger:
        open_case("c", "Z", Quarter(2026, 2), ISSUED, member_units=UNITS, policy=POLICY)
    assert (stranger.value.field, stranger.value.rule) == ("unit_id", "E-6")


def test_the_state_before_the_case_opened_is_none() -> None:
    """R-2: the day before issue has no case; the day of issue has the issued case, explained."""
    replayed = case_at(_working(), ISSUED - dt.timedelta(days=0))
    assert replayed is not None
    assert explanation_dict(_explained(replayed.initial())) == explanation_dict(_explained(_case()))
    case = _working()
    assert status_at(case, ISSUED - dt.timedelta(days=1)) is None
    assert case_at(case, ISSUED - dt.timedelta(days=1)) is None
    assert status_at(case, ISSUED) is CaseState.RECTIFYING
    assert case_at(_case(), ISSUED) == _case()


def test_the_deadline_day_belongs_to_the_rectification_period() -> None:
    """E-6, R-3: start, submit, notes and demands on the deadline day; not the day after."""
    assert apply(_case(), StartRectifying(), at=DEADLINE).state is CaseState.RECTIFYING
    with pytest.raises(DeadlinePassedError):
        apply(_case(), StartRectifying(), at=AFTER)
    assert apply(_working(), Submit("report"), at=DEADLINE).state is CaseState.SUBMITTED
    with pytest.raises(DeadlinePassedError):
        apply(_working(), Submit("report"), at=AFTER)
    for event in (PeerNote("A", "seen"), CorrectionDemand("d1", "A", "sweep")):
        assert len(apply(_working(), event, at=DEADLINE).history) == 2
        assert len(apply(_working(), event, at=ISSUED).history) == 2
        with pytest.raises(DeadlinePassedError, match="within_period"):
            apply(_working(), event, at=AFTER)
    with pytest.raises(GuardFailed, match="past_deadline"):
        apply(_working(), MarkOverdue(), at=DEADLINE)
    assert apply(_working(), MarkOverdue(), at=AFTER).state is CaseState.OVERDUE


def test_an_extension_reopens_only_up_to_a_new_deadline_not_yet_past() -> None:
    """E-6: from overdue, a new deadline equal to today reopens; one day short does not."""
    overdue = apply(_working(), MarkOverdue(), at=AFTER)
    today = DEADLINE + dt.timedelta(days=5)
    reopened = apply(overdue, Extend(5, "contractor", "sec"), at=today)
    assert (reopened.state, reopened.deadline) == (CaseState.RECTIFYING, today)
    with pytest.raises(GuardFailed, match="extends_past_today"):
        apply(overdue, Extend(4, "contractor", "sec"), at=today)


def test_an_extension_counts_in_the_cases_own_days() -> None:
    """E-6: a working-day case extends by working days, in the guard as in the new deadline."""
    working = POLICY.override({"rectification.day_count": "working"})
    case = apply(_case(working), StartRectifying(), at=ISSUED)
    assert case.deadline == dt.date(2026, 8, 25)  # a Tuesday: 30 working days from 14 July
    overdue = apply(case, MarkOverdue(), at=dt.date(2026, 8, 26))
    # Four working days on is the Monday after; four calendar days would be the Saturday.
    monday = dt.date(2026, 8, 31)
    reopened = apply(overdue, Extend(4, "rain", "sec"), at=monday)
    assert reopened.deadline == monday


@pytest.mark.parametrize(
    ("event", "guard"),
    [
        (Extend(0, "delay", "sec"), "extension_recorded"),
        (Extend(-1, "delay", "sec"), "extension_recorded"),
        (Extend(3, " ", "sec"), "extension_recorded"),
        (Extend(3, "delay", " "), "extension_recorded"),
        (Supervise("party_organisation", " "), "supervisor_named"),
        (AnswerDemand("d9", "done"), "open_demand"),
    ],
)
def test_each_guard_alone_refuses(event: object, guard: str) -> None:
    """E-6, R-2, R-3: every other condition holds; only the named guard fails."""
    with pytest.raises(GuardFailed, match=guard) as raised:
        apply(_working(), event, at=ISSUED)  # type: ignore[arg-type]
    assert raised.value.rule in {"E-6", "R-2", "R-3"}
    assert apply(_working(), Extend(3, "delay", "sec"), at=ISSUED).deadline == dt.date(2026, 8, 16)
    assert len(apply(_working(), Supervise("party_organisation", "li"), at=ISSUED).history) == 2


def test_a_return_names_who_and_why_and_sign_offs_need_a_signer() -> None:
    """R-2: a return with a blank name or reason is refused; so is a sign-off by nobody."""
    submitted = apply(_working(), Submit("report"), at=ISSUED)
    for by, reason in (("chair", " "), (" ", "redo")):
        with pytest.raises(GuardFailed, match="reason_given") as raised:
            apply(submitted, Return(by, reason), at=ISSUED)
        assert raised.value.rule == "R-2"
    returned = apply(submitted, Return("chair", "redo"), at=ISSUED)
    assert returned.state is CaseState.RETURNED
    with pytest.raises(GuardFailed, match="level_required"):
        apply(submitted, SignOff("party_organisation", ""), at=ISSUED)
    one_level = POLICY.override({"rectification.signoff_levels": ["party_organisation"]})
    narrow = apply(apply(_case(one_level), StartRectifying(), at=ISSUED), Submit("r"), at=ISSUED)
    with pytest.raises(GuardFailed, match="level_required"):
        apply(narrow, SignOff("resident_representatives", "li"), at=ISSUED)
    assert apply(narrow, SignOff("party_organisation", "li"), at=ISSUED).missing_signoffs == ()


def test_demands_are_new_answered_once_and_never_by_the_rectifying_unit() -> None:
    """R-3: a demand id is used once; an answer needs text; the unit never supervises itself."""
    demanded = apply(_working(), CorrectionDemand("d1", "A", "sweep"), at=ISSUED)
    with pytest.raises(GuardFailed, match="new_demand_id"):
        apply(demanded, CorrectionDemand("d1", "B", "again"), at=ISSUED)
    with pytest.raises(GuardFailed, match="open_demand"):
        apply(demanded, AnswerDemand("d1", "  "), at=ISSUED)
    answered = apply(demanded, AnswerDemand("d1", "swept"), at=ISSUED)
    assert answered.demands == {"d1": ("A", "sweep", "swept")}
    with pytest.raises(GuardFailed, match="open_demand"):
        apply(answered, AnswerDemand("d1", "again"), at=ISSUED)
    with pytest.raises(OwnCaseSupervisionError) as own:
        apply(_working(), PeerNote("D", "all fine"), at=ISSUED)
    assert own.value.rule == "R-3"


def test_a_backdated_event_is_checked_against_the_last_event() -> None:
    """R-2: an event dated before the latest one is refused, not only before the first."""
    later = apply(_working(), PeerNote("A", "seen"), at=ISSUED + dt.timedelta(days=5))
    with pytest.raises(InvalidTransition, match="before the case's last step") as raised:
        apply(later, PeerNote("B", "seen"), at=ISSUED + dt.timedelta(days=2))
    assert (raised.value.field, raised.value.rule) == ("at", "R-2")
