"""Rectification: announcement and objections, deadline cases, supervision (E-6, R-1..R-3)."""

from typing import TYPE_CHECKING

from community_governance._lazy import lazy_exports

if TYPE_CHECKING:
    from community_governance.rectification.announcement import (
        Announcement as Announcement,
        Objection as Objection,
        ObjectionOutcome as ObjectionOutcome,
        announce as announce,
    )
    from community_governance.rectification.case import (
        CASE_WORKFLOW as CASE_WORKFLOW,
        CaseState as CaseState,
        Entry as Entry,
        RectificationCase as RectificationCase,
        apply as apply,
        case_at as case_at,
        open_case as open_case,
        status_at as status_at,
    )
    from community_governance.rectification.deadlines import add_days as add_days
    from community_governance.rectification.events import (
        AnswerDemand as AnswerDemand,
        CorrectionDemand as CorrectionDemand,
        Escalate as Escalate,
        Extend as Extend,
        MarkOverdue as MarkOverdue,
        PeerNote as PeerNote,
        Return as Return,
        SignOff as SignOff,
        StartRectifying as StartRectifying,
        Submit as Submit,
        Supervise as Supervise,
        SupervisionKind as SupervisionKind,
        Verify as Verify,
    )
    from community_governance.rectification.reminders import (
        DueAction as DueAction,
        DueActions as DueActions,
        due_actions as due_actions,
    )

__getattr__, __dir__ = lazy_exports(__name__, __file__)
