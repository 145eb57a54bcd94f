"""Rectification: announcement and objections, deadline cases, supervision (E-6, R-1..R-3)."""

from typing import TYPE_CHECKING

from community_governance._lazy import lazy_exports

if TYPE_CHECKING:
    from community_governance.rectification.announcement import (
        Announcement,
        Objection,
        ObjectionOutcome,
        announce,
    )
    from community_governance.rectification.case import (
        CASE_WORKFLOW,
        CaseState,
        Entry,
        RectificationCase,
        add_days,
        apply,
        case_at,
        open_case,
        status_at,
    )
    from community_governance.rectification.events import (
        AnswerDemand,
        CorrectionDemand,
        Escalate,
        Extend,
        MarkOverdue,
        PeerNote,
        Return,
        SignOff,
        StartRectifying,
        Submit,
        Supervise,
        SupervisionKind,
        Verify,
    )
    from community_governance.rectification.reminders import (
        DueAction,
        DueActions,
        due_actions,
    )

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "Announcement": "community_governance.rectification.announcement",
        "AnswerDemand": "community_governance.rectification.events",
        "CASE_WORKFLOW": "community_governance.rectification.case",
        "CaseState": "community_governance.rectification.case",
        "CorrectionDemand": "community_governance.rectification.events",
        "DueAction": "community_governance.rectification.reminders",
        "DueActions": "community_governance.rectification.reminders",
        "Entry": "community_governance.rectification.case",
        "Escalate": "community_governance.rectification.events",
        "Extend": "community_governance.rectification.events",
        "MarkOverdue": "community_governance.rectification.events",
        "Objection": "community_governance.rectification.announcement",
        "ObjectionOutcome": "community_governance.rectification.announcement",
        "PeerNote": "community_governance.rectification.events",
        "RectificationCase": "community_governance.rectification.case",
        "Return": "community_governance.rectification.events",
        "SignOff": "community_governance.rectification.events",
        "StartRectifying": "community_governance.rectification.events",
        "Submit": "community_governance.rectification.events",
        "Supervise": "community_governance.rectification.events",
        "SupervisionKind": "community_governance.rectification.events",
        "Verify": "community_governance.rectification.events",
        "add_days": "community_governance.rectification.case",
        "announce": "community_governance.rectification.announcement",
        "apply": "community_governance.rectification.case",
        "case_at": "community_governance.rectification.case",
        "due_actions": "community_governance.rectification.reminders",
        "open_case": "community_governance.rectification.case",
        "status_at": "community_governance.rectification.case",
    },
)

__all__ = [
    "CASE_WORKFLOW",
    "Announcement",
    "AnswerDemand",
    "CaseState",
    "CorrectionDemand",
    "DueAction",
    "DueActions",
    "Entry",
    "Escalate",
    "Extend",
    "MarkOverdue",
    "Objection",
    "ObjectionOutcome",
    "PeerNote",
    "RectificationCase",
    "Return",
    "SignOff",
    "StartRectifying",
    "Submit",
    "Supervise",
    "SupervisionKind",
    "Verify",
    "add_days",
    "announce",
    "apply",
    "case_at",
    "due_actions",
    "open_case",
    "status_at",
]
