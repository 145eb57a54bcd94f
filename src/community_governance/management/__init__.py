"""Management: access, self-governance, party structures, rotas, 1:2:7 (M-1..M-6, P-1, P-2)."""

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
from community_governance.management.rota import Rota, duty_rota
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
