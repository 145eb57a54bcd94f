"""Consultation: concerns, the deliberation team, meetings and the 85% vote, routing (C-1..C-4)."""

from typing import TYPE_CHECKING

from community_governance._lazy import lazy_exports

if TYPE_CHECKING:
    from community_governance.consultation.concerns import (
        GRID_EVENT_CLASSES,
        CategoryCount,
        Concern,
        ConcernDigest,
        DuplicateLink,
        digest,
    )
    from community_governance.consultation.meeting import (
        Ballot,
        ClosedMeeting,
        Meeting,
        Proposal,
    )
    from community_governance.consultation.projects import (
        DEFAULT_PROGRESS,
        Milestone,
        ProjectRecord,
        ProjectStatus,
        completed_in,
    )
    from community_governance.consultation.routing import (
        Assignment,
        assign_manually,
        route,
    )
    from community_governance.consultation.team import (
        DeliberationTeam,
        TeamMember,
        check_team,
    )
    from community_governance.consultation.vote import Tally, tally

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "Assignment": "community_governance.consultation.routing",
        "Ballot": "community_governance.consultation.meeting",
        "CategoryCount": "community_governance.consultation.concerns",
        "ClosedMeeting": "community_governance.consultation.meeting",
        "Concern": "community_governance.consultation.concerns",
        "ConcernDigest": "community_governance.consultation.concerns",
        "DEFAULT_PROGRESS": "community_governance.consultation.projects",
        "DeliberationTeam": "community_governance.consultation.team",
        "DuplicateLink": "community_governance.consultation.concerns",
        "GRID_EVENT_CLASSES": "community_governance.consultation.concerns",
        "Meeting": "community_governance.consultation.meeting",
        "Milestone": "community_governance.consultation.projects",
        "ProjectRecord": "community_governance.consultation.projects",
        "ProjectStatus": "community_governance.consultation.projects",
        "Proposal": "community_governance.consultation.meeting",
        "Tally": "community_governance.consultation.vote",
        "TeamMember": "community_governance.consultation.team",
        "assign_manually": "community_governance.consultation.routing",
        "check_team": "community_governance.consultation.team",
        "completed_in": "community_governance.consultation.projects",
        "digest": "community_governance.consultation.concerns",
        "route": "community_governance.consultation.routing",
        "tally": "community_governance.consultation.vote",
    },
)

__all__ = [
    "DEFAULT_PROGRESS",
    "GRID_EVENT_CLASSES",
    "Assignment",
    "Ballot",
    "CategoryCount",
    "ClosedMeeting",
    "Concern",
    "ConcernDigest",
    "DeliberationTeam",
    "DuplicateLink",
    "Meeting",
    "Milestone",
    "ProjectRecord",
    "ProjectStatus",
    "Proposal",
    "Tally",
    "TeamMember",
    "assign_manually",
    "check_team",
    "completed_in",
    "digest",
    "route",
    "tally",
]
