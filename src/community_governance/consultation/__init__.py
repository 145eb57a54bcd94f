"""Consultation: concerns, the deliberation team, meetings and the 85% vote, routing (C-1..C-4)."""

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
    Tally,
    tally,
)
from community_governance.consultation.projects import (
    DEFAULT_PROGRESS,
    Milestone,
    ProjectRecord,
    ProjectStatus,
    completed_in,
)
from community_governance.consultation.routing import Assignment, assign_manually, route
from community_governance.consultation.team import DeliberationTeam, TeamMember, check_team

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
