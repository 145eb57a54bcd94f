"""Service: the seven service catalogues and the bookkeeping they run on (S-1..S-7).

One module per rule: the catalogue (S-1) and grid routing, then
``professional`` (S-2), ``integrated`` (S-3), ``micro_governance`` (S-4),
``activities`` (S-5), ``public`` (S-6) and ``volunteers`` (S-7).
"""

from typing import TYPE_CHECKING

from community_governance._lazy import lazy_exports

if TYPE_CHECKING:
    from community_governance.services.activities import (
        ActivityProject,
        ParticipantKind,
    )
    from community_governance.services.catalogue import (
        ENTRY_POINT_GROUP,
        Catalogue,
        CatalogueError,
        ServiceEntry,
        builtin_catalogue,
        load_catalogue,
    )
    from community_governance.services.grid import (
        CodeScheme,
        RequestRoute,
        RoutingRules,
        ServiceRequest,
        coverage_problems,
        route_request,
    )
    from community_governance.services.integrated import (
        Programme,
        ResidentStatus,
        eligible,
    )
    from community_governance.services.micro_governance import (
        MICRO_WISH_WORKFLOW,
        Claim,
        Fulfil,
        MicroOrganisation,
        MicroWish,
        SelfGovernanceUnit,
        UnitChoice,
        WishState,
        Withdraw,
    )
    from community_governance.services.professional import (
        ProfessionalCase,
        ProfessionalService,
    )
    from community_governance.services.public import (
        PARK_FACILITIES,
        OpeningHours,
        Stewardship,
        StewardshipKind,
        missing_facilities,
    )
    from community_governance.services.volunteers import (
        CommunityGoal,
        VolunteerContract,
        VolunteerHours,
        hours_served,
        volunteer_effort,
    )

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "ActivityProject": "community_governance.services.activities",
        "Catalogue": "community_governance.services.catalogue",
        "CatalogueError": "community_governance.services.catalogue",
        "Claim": "community_governance.services.micro_governance",
        "CodeScheme": "community_governance.services.grid",
        "CommunityGoal": "community_governance.services.volunteers",
        "ENTRY_POINT_GROUP": "community_governance.services.catalogue",
        "Fulfil": "community_governance.services.micro_governance",
        "MICRO_WISH_WORKFLOW": "community_governance.services.micro_governance",
        "MicroOrganisation": "community_governance.services.micro_governance",
        "MicroWish": "community_governance.services.micro_governance",
        "OpeningHours": "community_governance.services.public",
        "PARK_FACILITIES": "community_governance.services.public",
        "ParticipantKind": "community_governance.services.activities",
        "ProfessionalCase": "community_governance.services.professional",
        "ProfessionalService": "community_governance.services.professional",
        "Programme": "community_governance.services.integrated",
        "RequestRoute": "community_governance.services.grid",
        "ResidentStatus": "community_governance.services.integrated",
        "RoutingRules": "community_governance.services.grid",
        "SelfGovernanceUnit": "community_governance.services.micro_governance",
        "ServiceEntry": "community_governance.services.catalogue",
        "ServiceRequest": "community_governance.services.grid",
        "Stewardship": "community_governance.services.public",
        "StewardshipKind": "community_governance.services.public",
        "UnitChoice": "community_governance.services.micro_governance",
        "VolunteerContract": "community_governance.services.volunteers",
        "VolunteerHours": "community_governance.services.volunteers",
        "WishState": "community_governance.services.micro_governance",
        "Withdraw": "community_governance.services.micro_governance",
        "builtin_catalogue": "community_governance.services.catalogue",
        "coverage_problems": "community_governance.services.grid",
        "eligible": "community_governance.services.integrated",
        "hours_served": "community_governance.services.volunteers",
        "load_catalogue": "community_governance.services.catalogue",
        "missing_facilities": "community_governance.services.public",
        "route_request": "community_governance.services.grid",
        "volunteer_effort": "community_governance.services.volunteers",
    },
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "MICRO_WISH_WORKFLOW",
    "PARK_FACILITIES",
    "ActivityProject",
    "Catalogue",
    "CatalogueError",
    "Claim",
    "CodeScheme",
    "CommunityGoal",
    "Fulfil",
    "MicroOrganisation",
    "MicroWish",
    "OpeningHours",
    "ParticipantKind",
    "ProfessionalCase",
    "ProfessionalService",
    "Programme",
    "RequestRoute",
    "ResidentStatus",
    "RoutingRules",
    "SelfGovernanceUnit",
    "ServiceEntry",
    "ServiceRequest",
    "Stewardship",
    "StewardshipKind",
    "UnitChoice",
    "VolunteerContract",
    "VolunteerHours",
    "WishState",
    "Withdraw",
    "builtin_catalogue",
    "coverage_problems",
    "eligible",
    "hours_served",
    "load_catalogue",
    "missing_facilities",
    "route_request",
    "volunteer_effort",
]
