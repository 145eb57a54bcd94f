"""Management: access, self-governance, party structures, rotas, 1:2:7 (M-1..M-6, P-1, P-2)."""

from typing import TYPE_CHECKING

from community_governance._lazy import lazy_exports

if TYPE_CHECKING:
    from community_governance.management.access import (
        AccessDecision as AccessDecision,
        AccessRegister as AccessRegister,
        AccessRequest as AccessRequest,
        BurdenReport as BurdenReport,
        HandBack as HandBack,
        Matter as Matter,
        SelfGovernanceList as SelfGovernanceList,
        admit_matter as admit_matter,
        propose_hand_back as propose_hand_back,
    )
    from community_governance.management.balance import (
        Allocation as Allocation,
        EffortRecord as EffortRecord,
        allocation as allocation,
        allocation_by as allocation_by,
    )
    from community_governance.management.rota import (
        Rota as Rota,
        duty_rota as duty_rota,
    )
    from community_governance.management.structures import (
        CommunityPartyCommittee as CommunityPartyCommittee,
        CompoundPartyBranch as CompoundPartyBranch,
        Contribution as Contribution,
        ContributorKind as ContributorKind,
        MemberRegistration as MemberRegistration,
        Resource as Resource,
        ServiceHours as ServiceHours,
        compounds_without_branch as compounds_without_branch,
        contributions_summary as contributions_summary,
        service_hours as service_hours,
    )

__getattr__, __dir__ = lazy_exports(__name__, __file__)
