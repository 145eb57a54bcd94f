"""Management: access, self-governance, party structures, rotas, 1:2:7 (M-1..M-6, P-1, P-2)."""

from typing import TYPE_CHECKING

from community_governance._lazy import lazy_exports

if TYPE_CHECKING:
    from community_governance.management.access import (
        AccessDecision,
        AccessRegister,
        AccessRequest,
        BurdenReport,
        HandBack,
        Matter,
        SelfGovernanceList,
        admit_matter,
        propose_hand_back,
    )
    from community_governance.management.balance import (
        Allocation,
        EffortRecord,
        allocation,
        allocation_by,
    )
    from community_governance.management.rota import (
        Rota,
        duty_rota,
    )
    from community_governance.management.structures import (
        CommunityPartyCommittee,
        CompoundPartyBranch,
        Contribution,
        ContributorKind,
        MemberRegistration,
        Resource,
        ServiceHours,
        compounds_without_branch,
        contributions_summary,
        service_hours,
    )

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "AccessDecision": "community_governance.management.access",
        "AccessRegister": "community_governance.management.access",
        "AccessRequest": "community_governance.management.access",
        "Allocation": "community_governance.management.balance",
        "BurdenReport": "community_governance.management.access",
        "CommunityPartyCommittee": "community_governance.management.structures",
        "CompoundPartyBranch": "community_governance.management.structures",
        "Contribution": "community_governance.management.structures",
        "ContributorKind": "community_governance.management.structures",
        "EffortRecord": "community_governance.management.balance",
        "HandBack": "community_governance.management.access",
        "Matter": "community_governance.management.access",
        "MemberRegistration": "community_governance.management.structures",
        "Resource": "community_governance.management.structures",
        "Rota": "community_governance.management.rota",
        "SelfGovernanceList": "community_governance.management.access",
        "ServiceHours": "community_governance.management.structures",
        "admit_matter": "community_governance.management.access",
        "allocation": "community_governance.management.balance",
        "allocation_by": "community_governance.management.balance",
        "compounds_without_branch": "community_governance.management.structures",
        "contributions_summary": "community_governance.management.structures",
        "duty_rota": "community_governance.management.rota",
        "propose_hand_back": "community_governance.management.access",
        "service_hours": "community_governance.management.structures",
    },
)

__all__ = [
    "AccessDecision",
    "AccessRegister",
    "AccessRequest",
    "Allocation",
    "BurdenReport",
    "CommunityPartyCommittee",
    "CompoundPartyBranch",
    "Contribution",
    "ContributorKind",
    "EffortRecord",
    "HandBack",
    "Matter",
    "MemberRegistration",
    "Resource",
    "Rota",
    "SelfGovernanceList",
    "ServiceHours",
    "admit_matter",
    "allocation",
    "allocation_by",
    "compounds_without_branch",
    "contributions_summary",
    "duty_rota",
    "propose_hand_back",
    "service_hours",
]
