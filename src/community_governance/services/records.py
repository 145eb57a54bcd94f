"""Deprecated: the service records moved to one module per rule (S-2..S-7).

``community_governance.services.records`` keeps working for one minor version; each
name warns once, on use, and names its new home. Import from
``community_governance.services`` instead.
"""

from __future__ import annotations

import importlib
from typing import Any

from community_governance.deprecation import warn_moved

_MOVED = {
    "ProfessionalCase": "professional",
    "ProfessionalService": "professional",
    "Programme": "integrated",
    "ResidentStatus": "integrated",
    "eligible": "integrated",
    "MICRO_WISH_WORKFLOW": "micro_governance",
    "Claim": "micro_governance",
    "Fulfil": "micro_governance",
    "MicroOrganisation": "micro_governance",
    "MicroWish": "micro_governance",
    "SelfGovernanceUnit": "micro_governance",
    "UnitChoice": "micro_governance",
    "WishState": "micro_governance",
    "Withdraw": "micro_governance",
    "ActivityProject": "activities",
    "ParticipantKind": "activities",
    "PARK_FACILITIES": "public",
    "OpeningHours": "public",
    "Stewardship": "public",
    "StewardshipKind": "public",
    "missing_facilities": "public",
    "CommunityGoal": "volunteers",
    "VolunteerContract": "volunteers",
    "VolunteerHours": "volunteers",
    "hours_served": "volunteers",
    "volunteer_effort": "volunteers",
}

__all__: list[str] = []  # nothing new is imported from here


def __getattr__(name: str) -> Any:
    module = _MOVED.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    warn_moved(f"{__name__}.{name}", f"community_governance.services.{module}.{name}")
    return getattr(importlib.import_module(f"community_governance.services.{module}"), name)
