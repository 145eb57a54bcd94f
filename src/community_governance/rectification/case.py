"""Rectification cases: deadline, three-level supervision, peer correction (E-6, R-2, R-3).

The case's events are in
[`rectification.events`][community_governance.rectification.events]. A
[`RectificationCase`][community_governance.rectification.case.RectificationCase] opens for each
failing unit when the quarter's
results take effect (R-1). Its life is the declarative table ``CASE_WORKFLOW``:

* issued → rectifying → submitted → verified (closed);
* submitted → returned → rectifying, when a reviewer sends the work back;
* issued, rectifying or returned past the deadline → overdue → escalated to
  the party organisation; an extension (with a recorded reason and approver)
  moves the deadline and, from overdue or escalated, reopens the rectification.

Supervision records (visits, findings, corrections demanded) come from the
three levels of R-2; closing needs a sign-off from each level the policy names
(``rectification.signoff_levels``). During the rectification period any other
member unit may file a note or a correction demand (R-3); the rectifying unit
must answer every demand before it submits.

[`apply`][community_governance.rectification.case.apply] is pure: it takes the case, the event and
the date, and returns a
new case whose history has grown by one entry.
[`case_at`][community_governance.rectification.case.case_at] replays the
history to show the case on any date.

The case's workflow is its record, its table and ``apply``; the
table's named guards, each a reading of the record, are in ``rectification.guards``, and
working-day arithmetic in ``rectification.deadlines``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs

from community_governance.community import Quarter
from community_governance.errors import (
    InvalidTransition,
    ParseError,
)
from community_governance.explain import Explanation, ExplanationBuilder, Text
from community_governance.frozen import FrozenMap, frozen_map
from community_governance.policy.loader import resolve
from community_governance.policy.model import Policy
from community_governance.policy.schema import PolicySnapshot
from community_governance.rectification.deadlines import add_days
from community_governance.rectification.events import (
    AnswerDemand,
    CorrectionDemand,
    Escalate,
    Event,
    Extend,
    MarkOverdue,
    PeerNote,
    Return,
    SignOff,
    StartRectifying,
    Submit,
    Supervise,
    Verify,
)
from community_governance.rectification.guards import (
    ALL_SIGNED,
    BEFORE_DEADLINE,
    DEMANDS_ANSWERED,
    EXTENSION_RECORDED,
    LEVEL_REQUIRED,
    NEW_DEMAND,
    OPEN_DEMAND,
    OTHER_MEMBER,
    PAST_DEADLINE,
    REASON_GIVEN,
    REOPENS,
    SUPERVISOR,
    WITHIN_PERIOD,
)
from community_governance.vocabulary import BilingualEnum, DayCount, SupervisionLevel
from community_governance.workflow import Transition, Workflow, advances

__all__ = [
    "CASE_WORKFLOW",
    "CaseState",
    "Entry",
    "RectificationCase",
    "apply",
    "case_at",
    "open_case",
    "status_at",
]


class CaseState(BilingualEnum):
    """Where a rectification case stands (E-6, R-2)."""

    ISSUED = ("issued", "已下达整改通知", "issued")
    RECTIFYING = ("rectifying", "整改中", "rectifying")
    SUBMITTED = ("submitted", "已提交整改报告", "submitted")
    RETURNED = ("returned", "退回重改", "returned")
    VERIFIED = ("verified", "验收结案", "verified (closed)")
    OVERDUE = ("overdue", "逾期", "overdue")
    ESCALATED = ("escalated", "已上报社区党组织", "escalated to the party organisation")


@attrs.frozen
class Entry:
    """One entry of a case's append-only history."""

    at: dt.date
    event: Event
    state: CaseState


# -- the case ----------------------------------------------------------------------------------


@attrs.frozen
class RectificationCase:
    """A failing unit's rectification within a deadline (E-6, R-2, R-3).

    Attributes:
        case_id: a stable id.
        unit_id: the rectifying unit.
        quarter: the quarter whose evaluation it failed.
        issued_on: when the case opened (the results took effect).
        original_deadline: the deadline as first set.
        day_count: how extensions count days.
        required_levels: the levels whose sign-off closes the case.
        member_units: the community's member units (for R-3 eligibility).
        state: where the case stands.
        deadline: the current deadline (moved only by recorded extensions).
        signoffs: sign-offs of the current submission, by level.
        demands: correction demands: id → (unit, text, answer or ``None``).
        history: every event, in order, with its date and resulting state.
        explanation: how the deadline and the sign-offs were set (E-6, R-2).
    """

    case_id: str
    unit_id: str
    quarter: Quarter
    issued_on: dt.date
    original_deadline: dt.date
    day_count: DayCount
    required_levels: tuple[SupervisionLevel, ...]
    member_units: frozenset[str]
    state: CaseState = CaseState.ISSUED
    deadline: dt.date = attrs.field()
    signoffs: Mapping[SupervisionLevel, str] = attrs.field(factory=FrozenMap, converter=frozen_map)
    demands: Mapping[str, tuple[str, str, str | None]] = attrs.field(
        factory=FrozenMap, converter=frozen_map
    )
    history: tuple[Entry, ...] = ()
    explanation: Explanation | None = attrs.field(default=None, eq=False, repr=False)

    @deadline.default
    def _deadline(self) -> dt.date:
        return self.original_deadline

    @property
    def closed(self) -> bool:
        """Whether the case is verified and closed."""
        return self.state is CaseState.VERIFIED

    @property
    def unanswered(self) -> tuple[str, ...]:
        """Ids of correction demands not yet answered."""
        return tuple(d for d, (_, _, answer) in self.demands.items() if answer is None)

    @property
    def missing_signoffs(self) -> tuple[SupervisionLevel, ...]:
        """Required levels that have not signed off the current submission."""
        return tuple(level for level in self.required_levels if level not in self.signoffs)

    @property
    def extensions(self) -> tuple[Extend, ...]:
        """Every recorded extension."""
        return tuple(e.event for e in self.history if isinstance(e.event, Extend))

    def initial(self) -> RectificationCase:
        """The case as it was issued, before any event."""
        return RectificationCase(
            self.case_id,
            self.unit_id,
            self.quarter,
            self.issued_on,
            self.original_deadline,
            self.day_count,
            self.required_levels,
            self.member_units,
            explanation=self.explanation,
        )


def open_case(
    case_id: str,
    unit_id: str,
    quarter: Quarter,
    at: dt.date,
    *,
    member_units: frozenset[str],
    policy: Policy | PolicySnapshot | None = None,
) -> RectificationCase:
    """A new case, issued on ``at`` with its deadline and sign-offs from the policy (E-6, R-2).

    Args:
        case_id: a stable id.
        unit_id: the rectifying unit.
        quarter: the quarter whose evaluation it failed.
        at: the day the case is issued (the results took effect).
        member_units: the community's member units (R-3).
        policy: the policy in force (``rectification.deadline_days``,
            ``rectification.day_count``, ``rectification.signoff_levels``).

    Raises:
        ParseError: the unit is not a member unit.
    """
    issued = at
    if unit_id not in member_units:
        raise ParseError(
            f"{unit_id} is not a member unit",
            field="unit_id",
            rule="E-6",
            zh=f"{unit_id} 不是成员单位",
        )
    builder = ExplanationBuilder(Text(f"整改通知：{unit_id}", f"Rectification order: {unit_id}"))
    builder.input("unit", unit_id)
    builder.input("issued_on", issued)
    p = resolve(policy, issued, builder)
    deadline_days, day_count, required_levels = p.deadline_days, p.day_count, p.signoff_levels
    deadline = add_days(issued, deadline_days, day_count)
    builder.step(
        f"整改期限：{deadline_days} 个{day_count.zh}",
        f"deadline: {deadline_days} {day_count.en}",
        deadline,
        rule="E-6",
    )
    builder.step(
        "需签字确认的督导层级", "levels whose sign-off closes the case", required_levels, rule="R-2"
    )
    return RectificationCase(
        case_id,
        unit_id,
        quarter,
        issued,
        deadline,
        day_count,
        tuple(required_levels),
        frozenset(member_units),
        explanation=builder.build(
            Text(f"限期至 {deadline} 整改", f"to rectify by {deadline}"),
        ),
    )


S = CaseState
_OPEN = frozenset(set(S) - {S.VERIFIED})
_WORKING = frozenset({S.ISSUED, S.RECTIFYING, S.RETURNED})

#: The rectification case's transition table (E-6, R-2, R-3), validated at import.
CASE_WORKFLOW = Workflow(
    name="R-2",
    states=tuple(S),
    initial=S.ISSUED,
    terminal=frozenset({S.VERIFIED}),
    transitions=(
        Transition(
            frozenset({S.ISSUED, S.RETURNED}), StartRectifying, S.RECTIFYING, (BEFORE_DEADLINE,)
        ),
        Transition(
            frozenset({S.RECTIFYING}), Submit, S.SUBMITTED, (BEFORE_DEADLINE, DEMANDS_ANSWERED)
        ),
        Transition(frozenset({S.SUBMITTED}), SignOff, None, (LEVEL_REQUIRED,)),
        Transition(frozenset({S.SUBMITTED}), Return, S.RETURNED, (REASON_GIVEN,)),
        Transition(frozenset({S.SUBMITTED}), Verify, S.VERIFIED, (ALL_SIGNED,)),
        Transition(_WORKING, MarkOverdue, S.OVERDUE, (PAST_DEADLINE,)),
        Transition(frozenset({S.OVERDUE}), Escalate, S.ESCALATED),
        Transition(_WORKING | {S.SUBMITTED}, Extend, None, (EXTENSION_RECORDED,)),
        Transition(
            frozenset({S.OVERDUE, S.ESCALATED}), Extend, S.RECTIFYING, (EXTENSION_RECORDED, REOPENS)
        ),
        Transition(_OPEN, Supervise, None, (SUPERVISOR,)),
        Transition(_OPEN, PeerNote, None, (OTHER_MEMBER, WITHIN_PERIOD)),
        Transition(_OPEN, CorrectionDemand, None, (OTHER_MEMBER, WITHIN_PERIOD, NEW_DEMAND)),
        Transition(_OPEN, AnswerDemand, None, (OPEN_DEMAND,)),
    ),
)


@advances(RectificationCase)
def apply(case: RectificationCase, event: Event, *, at: dt.date) -> RectificationCase:
    """The case after ``event`` on date ``at``; ``case`` itself is unchanged.

    Raises:
        InvalidTransition: the table has no row for this state and event, or
            ``at`` is before the case opened or before its last event.
        GuardFailed: a guard refused (its subclass names the reason:
            [`MissingSignOffError`][community_governance.errors.MissingSignOffError],
            [`OwnCaseSupervisionError`][community_governance.errors.OwnCaseSupervisionError],
            [`UnansweredDemandError`][community_governance.errors.UnansweredDemandError],
            [`DeadlinePassedError`][community_governance.errors.DeadlinePassedError]).
    """
    last = case.history[-1].at if case.history else case.issued_on
    if at < last:
        raise InvalidTransition(
            f"{type(event).__name__} on {at} is before the case's last step ({last})",
            field="at",
            rule="R-2",
            zh=f"{type(event).__name__}（{at}）早于案件的上一步（{last}）",
        )
    row = CASE_WORKFLOW.step(case.state, case, event, at)
    state = row.target if isinstance(row.target, CaseState) else case.state
    changes: dict[str, object] = {"state": state}
    if isinstance(event, SignOff):
        changes["signoffs"] = {**case.signoffs, event.level: event.by}
    elif isinstance(event, Return):
        changes["signoffs"] = {}  # a resubmission is signed off afresh
    elif isinstance(event, Extend):
        changes["deadline"] = add_days(case.deadline, event.days, case.day_count)
    elif isinstance(event, CorrectionDemand):
        changes["demands"] = {**case.demands, event.demand_id: (event.by_unit, event.text, None)}
    elif isinstance(event, AnswerDemand):
        by_unit, text, _ = case.demands[event.demand_id]
        changes["demands"] = {**case.demands, event.demand_id: (by_unit, text, event.answer)}
    return attrs.evolve(case, history=(*case.history, Entry(at, event, state)), **changes)  # type: ignore[arg-type]


def case_at(case: RectificationCase, at: dt.date) -> RectificationCase | None:
    """The case as it stood at the end of day ``at`` (``None`` before it opened)."""
    on = at
    if on < case.issued_on:
        return None
    replayed = case.initial()
    for entry in case.history:
        if entry.at > on:
            break
        replayed = apply(replayed, entry.event, at=entry.at)
    return replayed


def status_at(case: RectificationCase, at: dt.date) -> CaseState | None:
    """The case's state at the end of day ``at`` (``None`` before it opened)."""
    found = case_at(case, at)
    return None if found is None else found.state
