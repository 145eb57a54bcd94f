"""Service: the seven service catalogues and the bookkeeping they run on (S-1..S-7).

One module per rule: the catalogue (S-1) and grid routing, then
``professional`` (S-2), ``integrated`` (S-3), ``micro_governance`` (S-4),
``activities`` (S-5), ``public`` (S-6) and ``volunteers`` (S-7).
"""

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
