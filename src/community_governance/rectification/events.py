"""The events of a rectification case (E-6, R-2, R-3).

Each event is a frozen record of one act on a case: starting, submitting, a sign-off,
a return, verification, the deadline passing, escalation, an extension, a supervision
record, a peer note or correction demand, and the answer to a demand. The case's
transition table (``rectification.case.CASE_WORKFLOW``) says in which state each may
happen and under which guards.
"""

from __future__ import annotations

import attrs

from community_governance.vocabulary import BilingualEnum, SupervisionLevel

__all__ = [
    "AnswerDemand",
    "CorrectionDemand",
    "Escalate",
    "Event",
    "Extend",
    "MarkOverdue",
    "PeerNote",
    "Return",
    "SignOff",
    "StartRectifying",
    "Submit",
    "Supervise",
    "SupervisionKind",
    "Verify",
]


class SupervisionKind(BilingualEnum):
    """What a supervision record is (R-2)."""

    VISIT = ("visit", "走访检查", "visit")
    FINDING = ("finding", "发现问题", "finding")
    CORRECTION = ("correction", "要求纠正", "correction demanded")


def _level(value: SupervisionLevel | str) -> SupervisionLevel:
    return SupervisionLevel.coerce(value)


def _kind(value: SupervisionKind | str) -> SupervisionKind:
    return SupervisionKind.coerce(value)


@attrs.frozen
class StartRectifying:
    """The unit starts (or, after a return, resumes) rectifying."""


@attrs.frozen
class Submit:
    """The unit submits its rectification report."""

    summary: str


@attrs.frozen
class SignOff:
    """A supervision level signs off the submitted rectification (R-2)."""

    level: SupervisionLevel = attrs.field(converter=_level)
    by: str = ""


@attrs.frozen
class Return:
    """A reviewer sends the submission back, with a reason."""

    by: str
    reason: str


@attrs.frozen
class Verify:
    """The case is verified and closed (needs every required sign-off)."""

    by: str


@attrs.frozen
class MarkOverdue:
    """The deadline passed with the case still open."""


@attrs.frozen
class Escalate:
    """An overdue case goes to the community party organisation."""

    by: str


@attrs.frozen
class Extend:
    """The deadline moves by ``days``, with a reason and the approver's name."""

    days: int
    reason: str
    approver: str


@attrs.frozen
class Supervise:
    """A supervision record by one of the three levels (R-2)."""

    level: SupervisionLevel = attrs.field(converter=_level)
    by: str = ""
    kind: SupervisionKind = attrs.field(default=SupervisionKind.VISIT, converter=_kind)
    note: str = ""


@attrs.frozen
class PeerNote:
    """A supervision note by another member unit during the period (R-3)."""

    by_unit: str
    note: str


@attrs.frozen
class CorrectionDemand:
    """A correction demanded by another member unit during the period (R-3)."""

    demand_id: str
    by_unit: str
    text: str


@attrs.frozen
class AnswerDemand:
    """The rectifying unit's answer to a correction demand (R-3)."""

    demand_id: str
    answer: str


Event = (
    StartRectifying
    | Submit
    | SignOff
    | Return
    | Verify
    | MarkOverdue
    | Escalate
    | Extend
    | Supervise
    | PeerNote
    | CorrectionDemand
    | AnswerDemand
)
