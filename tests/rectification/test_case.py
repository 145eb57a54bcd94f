"""Rectification cases: table, deadlines, reminders, a state machine (E-6, R-2, R-3)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import event, given, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from community_governance.community import Quarter
from community_governance.errors import (
    DeadlinePassedError,
    GuardFailed,
    InvalidTransition,
    MissingSignOffError,
    OwnCaseSupervisionError,
)
from community_governance.policy import default_policy
from community_governance.rectification import (
    CASE_WORKFLOW,
    AnswerDemand,
    CaseState,
    CorrectionDemand,
    Escalate,
    Extend,
    MarkOverdue,
    PeerNote,
    RectificationCase,
    Return,
    SignOff,
    StartRectifying,
    Submit,
    Supervise,
    Verify,
    add_days,
    apply,
    case_at,
    due_actions,
    open_case,
    status_at,
)
from community_governance.vocabulary import DayCount, SupervisionLevel
from community_governance.workflow import Transition, Workflow, WorkflowDefinitionError

RULES = default_policy().at(dt.date(2026, 7, 1))
ISSUED = dt.date(2026, 7, 14)


def new_case() -> RectificationCase:
    """A case for unit D, issued 14 July 2026 with 30 calendar days."""
    return open_case(
        "c-D",
        "D",
        Quarter(2026, 2),
        ISSUED,
        policy=RULES,
        member_units=frozenset("ABCD"),
    )


def test_the_case_table_is_validated_when_defined() -> None:
    """R-2: one initial state, every state reachable, a terminal state reachable from each."""
    assert CASE_WORKFLOW.initial is CaseState.ISSUED
    assert CASE_WORKFLOW.terminal == {CaseState.VERIFIED}
    with pytest.raises(WorkflowDefinitionError, match="unreachable"):
        Workflow(
            "x",
            tuple(CaseState),
            CaseState.ISSUED,
            frozenset({CaseState.VERIFIED}),
            (Transition(frozenset({CaseState.ISSUED}), Verify, CaseState.VERIFIED),),
        )
    # Escalated has no way out: a dead end.
    dead_end = (
        *(
            Transition(frozenset({s}), Verify, CaseState.VERIFIED)
            for s in CaseState
            if s not in (CaseState.VERIFIED, CaseState.ESCALATED)
        ),
        Transition(frozenset({CaseState.OVERDUE}), Escalate, CaseState.ESCALATED),
    )
    with pytest.raises(WorkflowDefinitionError, match="escalated"):
        Workflow("x", tuple(CaseState), CaseState.ISSUED, frozenset({CaseState.VERIFIED}), dead_end)


def test_each_illegal_step_raises_its_own_error_and_leaves_the_case_unchanged() -> None:
    """R-2, R-3: submit before rectifying; close without sign-offs; a unit supervising itself."""
    case = new_case()
    before = case
    with pytest.raises(InvalidTransition, match="state issued"):
        apply(case, Submit("x"), at=ISSUED)
    working = apply(case, StartRectifying(), at=ISSUED)
    with pytest.raises(OwnCaseSupervisionError):
        apply(working, CorrectionDemand("d", "D", "fix yourself"), at=ISSUED)
    with pytest.raises(OwnCaseSupervisionError):
        apply(working, PeerNote("Z", "not a member"), at=ISSUED)
    submitted = apply(working, Submit("x"), at=ISSUED)
    with pytest.raises(MissingSignOffError):
        apply(submitted, Verify("chair"), at=ISSUED)
    with pytest.raises(GuardFailed, match="level_required"):
        apply(
            apply(submitted, SignOff("party_organisation", "a"), at=ISSUED),
            SignOff("party_organisation", "b"),
            at=ISSUED,
        )
    with pytest.raises(InvalidTransition, match="before the case's last step"):
        apply(working, StartRectifying(), at=ISSUED - dt.timedelta(days=1))
    assert case == before
    assert case.history == ()


def test_deadlines_overdue_escalation_and_extensions() -> None:
    """E-6: past the deadline: overdue, then escalated; only recorded extensions move it."""
    case = apply(new_case(), StartRectifying(), at=ISSUED)
    late = dt.date(2026, 8, 14)
    with pytest.raises(DeadlinePassedError, match="before_deadline"):
        apply(case, Submit("late"), at=late)
    with pytest.raises(GuardFailed, match="past_deadline"):
        apply(case, MarkOverdue(), at=dt.date(2026, 8, 13))
    assert [a.kind for a in due_actions([case], late, RULES)] == ["mark_overdue"]
    case = apply(case, MarkOverdue(), at=late)
    case = apply(case, Escalate("sec-chen"), at=late)
    with pytest.raises(GuardFailed, match="extension_recorded"):
        apply(case, Extend(10, "", "sec-chen"), at=late)
    with pytest.raises(GuardFailed, match="extends_past_today"):
        apply(case, Extend(1, "tiny", "sec-chen"), at=dt.date(2026, 8, 20))
    case = apply(case, Extend(15, "contractor delayed", "sec-chen"), at=dt.date(2026, 8, 20))
    assert (case.state, case.deadline, case.original_deadline) == (
        CaseState.RECTIFYING,
        dt.date(2026, 8, 28),
        dt.date(2026, 8, 13),
    )
    assert case.extensions == (Extend(15, "contractor delayed", "sec-chen"),)


def test_reminders_list_what_each_party_owes() -> None:
    """E-6, R-3: submission due (urgent within the reminder window) and unanswered demands."""
    case = apply(new_case(), StartRectifying(), at=ISSUED)
    case = apply(case, CorrectionDemand("d1", "A", "sweep the stairs"), at=ISSUED)
    early = due_actions([case], dt.date(2026, 7, 20), RULES)
    assert [(a.party, a.kind, a.urgent) for a in early] == [
        ("D", "submit", False),
        ("D", "answer_demand", False),
    ]
    near = due_actions([case], dt.date(2026, 8, 8), RULES)
    assert all(a.urgent for a in near)
    assert "sweep" not in near[1].text.en
    assert "d1" in near[1].text.zh


@given(st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)), st.integers(0, 60))
def test_working_days_skip_weekends(start: dt.date, days: int) -> None:
    """E-6: a working-day deadline lands on a weekday and is never before the calendar one."""
    end = add_days(start, days, DayCount.WORKING)
    assert end >= add_days(start, days, DayCount.CALENDAR)
    if days:
        assert end.weekday() < 5
        weekdays = sum(
            1 for i in range(1, (end - start).days + 1) if (start + dt.timedelta(i)).weekday() < 5
        )
        assert weekdays == days


class CaseMachine(RuleBasedStateMachine):
    """Random events on random dates against a naive model (R-2, R-3, E-6)."""

    @initialize()
    def start(self) -> None:
        """A fresh case and model."""
        self.case = new_case()
        self.today = ISSUED
        self.model_deadline = self.case.deadline
        self.model_state = CaseState.ISSUED
        self.history_length = 0

    events = st.one_of(
        st.just(StartRectifying()),
        st.builds(Submit, st.just("report")),
        st.builds(SignOff, st.sampled_from(list(SupervisionLevel)), st.sampled_from(["a", "b"])),
        st.builds(Return, st.just("chair"), st.sampled_from(["", "redo"])),
        st.builds(Verify, st.just("chair")),
        st.just(MarkOverdue()),
        st.builds(Escalate, st.just("chair")),
        st.builds(Extend, st.integers(-1, 20), st.sampled_from(["", "delay"]), st.just("chair")),
        st.builds(Supervise, st.sampled_from(list(SupervisionLevel)), st.just("x")),
        st.builds(PeerNote, st.sampled_from(list("ABCDZ")), st.just("n")),
        st.builds(
            CorrectionDemand,
            st.sampled_from(["d1", "d2"]),
            st.sampled_from(list("ABCD")),
            st.just("t"),
        ),
        st.builds(AnswerDemand, st.sampled_from(["d1", "d2"]), st.sampled_from(["", "ok"])),
    )

    @rule(event=events, days=st.integers(0, 12))
    def step(self, event: object, days: int) -> None:
        """Apply an event some days later; an error leaves the case exactly as it was."""
        at = self.today + dt.timedelta(days=days)
        before = self.case
        try:
            self.case = apply(self.case, event, at=at)  # type: ignore[arg-type]
        except InvalidTransition:
            assert self.case is before
            return
        self.today = at
        assert before.state is not CaseState.VERIFIED  # nothing happens after closure
        if isinstance(event, Extend):
            self.model_deadline = add_days(self.model_deadline, event.days, DayCount.CALENDAR)
        if isinstance(event, Verify):
            assert not before.missing_signoffs
        self.history_length += 1

    @rule(days=st.integers(0, 3))
    def sign_off_and_verify(self, days: int) -> None:
        """Drive a submitted case through every missing sign-off and verification."""
        for level in self.case.missing_signoffs:
            self.step(SignOff(level, "signer"), days)
        self.step(Verify("chair"), 0)

    @invariant()
    def closed_cases_have_every_sign_off(self) -> None:
        """A closed case has every required sign-off."""
        event(f"state: {self.case.state.code}")
        if self.case.closed:
            assert set(self.case.signoffs) == set(self.case.required_levels)

    @invariant()
    def the_deadline_moves_only_by_recorded_extensions(self) -> None:
        """Deadline = original + recorded extensions."""
        assert self.case.deadline == self.model_deadline

    @invariant()
    def history_only_grows_and_replays(self) -> None:
        """History grows one entry per accepted event; replaying it gives the current case."""
        assert len(self.case.history) == self.history_length
        assert status_at(self.case, self.today) is self.case.state
        assert case_at(self.case, self.today) == self.case


TestCaseMachine = CaseMachine.TestCase
