"""Service: the seven service catalogues and the bookkeeping they run on (S-1..S-7).

One module per rule: the catalogue (S-1) and grid routing, then
``professional`` (S-2), ``integrated`` (S-3), ``micro_governance`` (S-4),
``activities`` (S-5), ``public`` (S-6) and ``volunteers`` (S-7).
"""

from typing import TYPE_CHECKING

from community_governance._lazy import lazy_exports

if TYPE_CHECKING:
    from community_governance.services.activities import (
        ActivityProject as ActivityProject,
        ParticipantKind as ParticipantKind,
    )
    from community_governance.services.catalogue import (
        ENTRY_POINT_GROUP as ENTRY_POINT_GROUP,
        Catalogue as Catalogue,
        CatalogueError as CatalogueError,
        ServiceEntry as ServiceEntry,
        builtin_catalogue as builtin_catalogue,
        load_catalogue as load_catalogue,
    )
    from community_governance.services.grid import (
        CodeScheme as CodeScheme,
        RequestRoute as RequestRoute,
        RoutingRules as RoutingRules,
        ServiceRequest as ServiceRequest,
        coverage_problems as coverage_problems,
        route_request as route_request,
    )
    from community_governance.services.integrated import (
        Programme as Programme,
        ResidentStatus as ResidentStatus,
        eligible as eligible,
    )
    from community_governance.services.micro_governance import (
        MICRO_WISH_WORKFLOW as MICRO_WISH_WORKFLOW,
        Claim as Claim,
        Fulfil as Fulfil,
        MicroOrganisation as MicroOrganisation,
        MicroWish as MicroWish,
        SelfGovernanceUnit as SelfGovernanceUnit,
        UnitChoice as UnitChoice,
        WishState as WishState,
        Withdraw as Withdraw,
    )
    from community_governance.services.professional import (
        ProfessionalCase as ProfessionalCase,
        ProfessionalService as ProfessionalService,
    )
    from community_governance.services.public import (
        PARK_FACILITIES as PARK_FACILITIES,
        OpeningHours as OpeningHours,
        Stewardship as Stewardship,
        StewardshipKind as StewardshipKind,
        missing_facilities as missing_facilities,
    )
    from community_governance.services.volunteers import (
        CommunityGoal as CommunityGoal,
        VolunteerContract as VolunteerContract,
        VolunteerHours as VolunteerHours,
        hours_served as hours_served,
        volunteer_effort as volunteer_effort,
    )

__getattr__, __dir__ = lazy_exports(__name__, __file__)
