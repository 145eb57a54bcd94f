"""Following approved projects through to completion (C-4, feeding E-4).

A [`ProjectRecord`][community_governance.consultation.projects.ProjectRecord] tracks an approved
project: its status (with a
default progress for each), milestones with due dates and weights, exact
progress, and overdue milestones at a given date. The projects completed in a
quarter are those the quarterly survey asks households about (E-4), and their
assignees are the units those survey scores count for
([`completed_in`][community_governance.consultation.projects.completed_in]).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from fractions import Fraction

import attrs

from community_governance.community import Project, Quarter
from community_governance.errors import InvalidTransition, ParseError
from community_governance.numbers import as_fraction
from community_governance.vocabulary import BilingualEnum
from community_governance.workflow import Guard, Transition, Workflow, advances

__all__ = [
    "DEFAULT_PROGRESS",
    "PROJECT_WORKFLOW",
    "Cancel",
    "Complete",
    "Milestone",
    "MilestoneDone",
    "ProjectRecord",
    "ProjectStatus",
    "Resume",
    "Start",
    "Suspend",
    "advance_project",
    "completed_in",
]


class ProjectStatus(BilingualEnum):
    """Where an approved project stands (C-4)."""

    APPROVED = ("approved", "已确认", "approved")
    IN_PROGRESS = ("in_progress", "实施中", "in progress")
    SUSPENDED = ("suspended", "暂停", "suspended")
    COMPLETED = ("completed", "已完成", "completed")
    CANCELLED = ("cancelled", "已取消", "cancelled")


#: Progress shown for a status when a project has no milestones.
DEFAULT_PROGRESS: Mapping[ProjectStatus, Fraction] = {
    ProjectStatus.APPROVED: Fraction(0),
    ProjectStatus.IN_PROGRESS: Fraction(1, 2),
    ProjectStatus.SUSPENDED: Fraction(1, 2),
    ProjectStatus.COMPLETED: Fraction(1),
    ProjectStatus.CANCELLED: Fraction(0),
}


@attrs.frozen
class Start:
    """Work on an approved project starts."""


@attrs.frozen
class Suspend:
    """Work is suspended."""


@attrs.frozen
class Resume:
    """Suspended work resumes."""


@attrs.frozen
class Complete:
    """The project is completed (the survey of its quarter asks about it, E-4)."""


@attrs.frozen
class Cancel:
    """The project is cancelled."""


@attrs.frozen
class MilestoneDone:
    """A milestone of the project is done."""

    name: str


ProjectEvent = Start | Suspend | Resume | Complete | Cancel | MilestoneDone

_MOVES: Mapping[tuple[ProjectStatus, ProjectStatus], type] = {
    (ProjectStatus.APPROVED, ProjectStatus.IN_PROGRESS): Start,
    (ProjectStatus.SUSPENDED, ProjectStatus.IN_PROGRESS): Resume,
    (ProjectStatus.IN_PROGRESS, ProjectStatus.SUSPENDED): Suspend,
    (ProjectStatus.APPROVED, ProjectStatus.COMPLETED): Complete,
    (ProjectStatus.IN_PROGRESS, ProjectStatus.COMPLETED): Complete,
    (ProjectStatus.APPROVED, ProjectStatus.CANCELLED): Cancel,
    (ProjectStatus.IN_PROGRESS, ProjectStatus.CANCELLED): Cancel,
    (ProjectStatus.SUSPENDED, ProjectStatus.CANCELLED): Cancel,
}


def _after_approval(record: ProjectRecord, _: object, at: dt.date) -> bool:
    return at >= record.approved_on


def _known_milestone(record: ProjectRecord, event: MilestoneDone, _: dt.date) -> bool:
    return event.name in {m.name for m in record.milestones}


AFTER_APPROVAL = Guard(
    "after_approval",
    _after_approval,
    InvalidTransition,
    "a change cannot precede the approval",
    "C-4",
    field="at",
    why_zh="变更不能早于批准",
)
KNOWN_MILESTONE = Guard(
    "known_milestone",
    _known_milestone,
    ParseError,
    "no such milestone",
    "C-4",
    field="milestone",
    why_zh="没有此里程碑",
)

_P = ProjectStatus
_ANY = frozenset(ProjectStatus)

#: The project record's transition table (C-4), validated at import.
PROJECT_WORKFLOW = Workflow(
    name="C-4",
    states=tuple(ProjectStatus),
    initial=_P.APPROVED,
    terminal=frozenset({_P.COMPLETED, _P.CANCELLED}),
    transitions=(
        Transition(frozenset({_P.APPROVED}), Start, _P.IN_PROGRESS, (AFTER_APPROVAL,)),
        Transition(frozenset({_P.IN_PROGRESS}), Suspend, _P.SUSPENDED, (AFTER_APPROVAL,)),
        Transition(frozenset({_P.SUSPENDED}), Resume, _P.IN_PROGRESS, (AFTER_APPROVAL,)),
        Transition(
            frozenset({_P.APPROVED, _P.IN_PROGRESS}), Complete, _P.COMPLETED, (AFTER_APPROVAL,)
        ),
        Transition(
            frozenset({_P.APPROVED, _P.IN_PROGRESS, _P.SUSPENDED}),
            Cancel,
            _P.CANCELLED,
            (AFTER_APPROVAL,),
        ),
        # A milestone's date is recorded whatever the status, as it always was.
        Transition(_ANY, MilestoneDone, None, (KNOWN_MILESTONE,)),
    ),
)


def _weight(value: object) -> Fraction:
    weight = as_fraction(value, field="milestone.weight", rule="C-4")
    if weight <= 0:
        raise ParseError(
            "a milestone's weight is positive",
            field="milestone.weight",
            rule="C-4",
            zh="里程碑的权重须为正数",
        )
    return weight


@attrs.frozen
class Milestone:
    """A step of a project, due on a date, with an exact weight in the progress."""

    name: str
    due: dt.date
    weight: Fraction = attrs.field(default=Fraction(1), converter=_weight)
    done_on: dt.date | None = None


def _milestones(values: Iterable[Milestone]) -> tuple[Milestone, ...]:
    return tuple(values)


@attrs.frozen
class ProjectRecord:
    """An approved project followed through (C-4).

    Attributes:
        project_id: the proposal's id.
        title: what it is.
        assignees: the units carrying it out (the survey scores count for them).
        approved_on: the date of the meeting that approved it.
        status: where it stands.
        milestones: its steps.
        completed_on: when it was completed.
        history: (date, status) changes, oldest first.
    """

    project_id: str
    title: str
    assignees: tuple[str, ...]
    approved_on: dt.date
    status: ProjectStatus = ProjectStatus.APPROVED
    milestones: tuple[Milestone, ...] = attrs.field(default=(), converter=_milestones)
    completed_on: dt.date | None = None
    history: tuple[tuple[dt.date, ProjectStatus], ...] = ()

    def __attrs_post_init__(self) -> None:
        names = [m.name for m in self.milestones]
        if len(set(names)) != len(names):
            raise ParseError(
                "two milestones share a name",
                field="milestones",
                rule="C-4",
                zh="两个里程碑名称相同",
            )

    @property
    def progress(self) -> Fraction:
        """Exact progress in [0, 1]: done milestone weight over all, else the status default."""
        if self.status is ProjectStatus.COMPLETED:
            return Fraction(1)
        if not self.milestones:
            return DEFAULT_PROGRESS[self.status]
        total = sum((m.weight for m in self.milestones), Fraction(0))
        done = sum((m.weight for m in self.milestones if m.done_on is not None), Fraction(0))
        return done / total

    def overdue(self, at: dt.date) -> tuple[Milestone, ...]:
        """Milestones due before ``at`` and not done by then (none once closed)."""
        if self.status in (ProjectStatus.COMPLETED, ProjectStatus.CANCELLED):
            return ()
        return tuple(
            m for m in self.milestones if m.due < at and (m.done_on is None or m.done_on > at)
        )

    def move(self, status: ProjectStatus, at: dt.date) -> ProjectRecord:
        """Change status on ``at``; completing records the date.

        The same as ``apply(record, event, at=...)`` with the event that makes the move
        (``Start``, ``Suspend``, ``Resume``, ``Complete`` or ``Cancel``).

        Raises:
            InvalidTransition: the table does not allow it, naming both states.
        """
        when = at
        event = _MOVES.get((self.status, status))
        if event is None:
            raise InvalidTransition(
                f"a project cannot go from {self.status.en} to {status.en}",
                field="status",
                rule="C-4",
                zh=f"项目不能从“{self.status.zh}”转为“{status.zh}”",
            )
        return advance_project(self, event(), at=when)

    def milestone_done(self, name: str, at: dt.date) -> ProjectRecord:
        """Mark milestone ``name`` done on ``at`` (``apply(record, MilestoneDone(name), ...)``).

        Raises:
            ParseError: no such milestone.
        """
        return advance_project(self, MilestoneDone(name), at=at)


@advances(ProjectRecord)
def advance_project(record: ProjectRecord, event: ProjectEvent, *, at: dt.date) -> ProjectRecord:
    """The record after ``event`` on ``at`` (``apply(record, event, at=...)``); pure (C-4).

    Raises:
        InvalidTransition: the table has no row for the status and the event, or the
            date precedes the approval.
        ParseError: a milestone the project does not have.
    """
    row = PROJECT_WORKFLOW.step(record.status, record, event, at)
    if isinstance(event, MilestoneDone):
        return attrs.evolve(
            record,
            milestones=tuple(
                attrs.evolve(m, done_on=at) if m.name == event.name else m
                for m in record.milestones
            ),
        )
    status = row.target if isinstance(row.target, ProjectStatus) else record.status
    return attrs.evolve(
        record,
        status=status,
        completed_on=at if status is ProjectStatus.COMPLETED else record.completed_on,
        history=(*record.history, (at, status)),
    )


def completed_in(records: Iterable[ProjectRecord], quarter: Quarter) -> tuple[Project, ...]:
    """The projects completed in ``quarter``: what the quarterly survey asks about (E-4)."""
    return tuple(
        Project(r.project_id, r.title, quarter, r.assignees)
        for r in records
        if r.status is ProjectStatus.COMPLETED and r.completed_on in quarter
    )
