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

__all__ = ["DEFAULT_PROGRESS", "Milestone", "ProjectRecord", "ProjectStatus", "completed_in"]


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

_NEXT: Mapping[ProjectStatus, frozenset[ProjectStatus]] = {
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


def _weight(value: object) -> Fraction:
    weight = as_fraction(value, field="milestone.weight", rule="C-4")
    if weight <= 0:
        raise ParseError("a milestone's weight is positive", field="milestone.weight", rule="C-4")
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
            raise ParseError("two milestones share a name", field="milestones", rule="C-4")

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

    def move(self, status: ProjectStatus, on: dt.date) -> ProjectRecord:
        """Change status; completing records the date.

        Raises:
            InvalidTransition: the table does not allow it, naming both states.
        """
        if status not in _NEXT[self.status]:
            raise InvalidTransition(
                f"a project cannot go from {self.status.en} to {status.en}",
                field="status",
                rule="C-4",
            )
        if on < self.approved_on:
            raise InvalidTransition("a change cannot precede the approval", field="on", rule="C-4")
        return attrs.evolve(
            self,
            status=status,
            completed_on=on if status is ProjectStatus.COMPLETED else self.completed_on,
            history=(*self.history, (on, status)),
        )

    def milestone_done(self, name: str, on: dt.date) -> ProjectRecord:
        """Mark milestone ``name`` done on ``on``.

        Raises:
            ParseError: no such milestone.
        """
        if name not in {m.name for m in self.milestones}:
            raise ParseError(f"no milestone {name!r}", field="milestone", rule="C-4")
        return attrs.evolve(
            self,
            milestones=tuple(
                attrs.evolve(m, done_on=on) if m.name == name else m for m in self.milestones
            ),
        )


def completed_in(records: Iterable[ProjectRecord], quarter: Quarter) -> tuple[Project, ...]:
    """The projects completed in ``quarter``: what the quarterly survey asks about (E-4)."""
    return tuple(
        Project(r.project_id, r.title, quarter, r.assignees)
        for r in records
        if r.status is ProjectStatus.COMPLETED and r.completed_on in quarter
    )
