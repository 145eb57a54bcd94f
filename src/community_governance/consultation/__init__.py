"""Consultation: concerns, the deliberation team, meetings and the 85% vote, routing (C-1..C-4)."""

from typing import TYPE_CHECKING

from community_governance._lazy import lazy_exports

if TYPE_CHECKING:
    from community_governance.consultation.concerns import (
        GRID_EVENT_CLASSES as GRID_EVENT_CLASSES,
        CategoryCount as CategoryCount,
        Concern as Concern,
        ConcernDigest as ConcernDigest,
        DuplicateLink as DuplicateLink,
        digest as digest,
    )
    from community_governance.consultation.meeting import (
        Ballot as Ballot,
        ClosedMeeting as ClosedMeeting,
        Meeting as Meeting,
        Proposal as Proposal,
    )
    from community_governance.consultation.projects import (
        DEFAULT_PROGRESS as DEFAULT_PROGRESS,
        Milestone as Milestone,
        ProjectRecord as ProjectRecord,
        ProjectStatus as ProjectStatus,
        completed_in as completed_in,
    )
    from community_governance.consultation.routing import (
        Assignment as Assignment,
        assign_manually as assign_manually,
        route as route,
    )
    from community_governance.consultation.team import (
        DeliberationTeam as DeliberationTeam,
        TeamMember as TeamMember,
        check_team as check_team,
    )
    from community_governance.consultation.vote import (
        Tally as Tally,
        tally as tally,
    )

__getattr__, __dir__ = lazy_exports(__name__, __file__)
