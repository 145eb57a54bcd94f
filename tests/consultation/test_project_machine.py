"""Project records on their workflow table, against a naive model (C-4)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from community_governance.consultation.projects import (
    Cancel,
    Complete,
    Milestone,
    MilestoneDone,
    ProjectRecord,
    ProjectStatus,
    Resume,
    Start,
    Suspend,
)
from community_governance.errors import GovernanceError
from community_governance.workflow import apply

APPROVED_ON = dt.date(2026, 7, 1)
MILESTONES = (
    Milestone("quote", dt.date(2026, 7, 15)),
    Milestone("install", dt.date(2026, 8, 31), 3),
)
S = ProjectStatus

#: The naive model: (status, event) -> next status.
MOVES: dict[tuple[ProjectStatus, type], ProjectStatus] = {
    (S.APPROVED, Start): S.IN_PROGRESS,
    (S.IN_PROGRESS, Suspend): S.SUSPENDED,
    (S.SUSPENDED, Resume): S.IN_PROGRESS,
    (S.APPROVED, Complete): S.COMPLETED,
    (S.IN_PROGRESS, Complete): S.COMPLETED,
    (S.APPROVED, Cancel): S.CANCELLED,
    (S.IN_PROGRESS, Cancel): S.CANCELLED,
    (S.SUSPENDED, Cancel): S.CANCELLED,
}


class ProjectMachine(RuleBasedStateMachine):
    """C-4: apply() follows the naive table; refusals change nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.record = ProjectRecord("p", "Lights", ("U1",), APPROVED_ON, milestones=MILESTONES)
        self.status = S.APPROVED
        self.history: list[tuple[dt.date, ProjectStatus]] = []
        self.done: dict[str, dt.date] = {}
        self.completed_on: dt.date | None = None

    @rule(
        event=st.sampled_from([Start, Suspend, Resume, Complete, Cancel]),
        days=st.integers(-3, 90),
    )
    def move(self, event: type, days: int) -> None:
        """C-4: a move happens iff the model allows it and it is not before the approval."""
        at = APPROVED_ON + dt.timedelta(days=days)
        expected = MOVES.get((self.status, event))
        before = self.record
        try:
            self.record = apply(self.record, event(), at=at)
        except GovernanceError:
            assert expected is None or at < APPROVED_ON
            assert self.record == before
            return
        assert expected is not None
        assert at >= APPROVED_ON
        self.status = expected
        self.history.append((at, expected))
        if expected is S.COMPLETED:
            self.completed_on = at

    @rule(name=st.sampled_from(["quote", "install", "nothing"]), days=st.integers(0, 90))
    def milestone(self, name: str, days: int) -> None:
        """C-4: a known milestone is dated whatever the status; an unknown one is refused."""
        at = APPROVED_ON + dt.timedelta(days=days)
        try:
            self.record = apply(self.record, MilestoneDone(name), at=at)
        except GovernanceError:
            assert name == "nothing"
            return
        self.done[name] = at

    @invariant()
    def matches_the_model(self) -> None:
        """C-4: status, history, milestones and completion date are the model's."""
        assert self.record.status is self.status
        assert list(self.record.history) == self.history
        assert {m.name: m.done_on for m in self.record.milestones if m.done_on} == self.done
        assert self.record.completed_on == self.completed_on

    @invariant()
    def progress_is_exact_and_bounded(self) -> None:
        """C-4: progress is an exact share in [0, 1], 1 once completed."""
        progress = self.record.progress
        assert isinstance(progress, Fraction)
        assert 0 <= progress <= 1
        if self.status is S.COMPLETED:
            assert progress == 1


TestProjectMachine = ProjectMachine.TestCase
