"""Documents of the community: its member units (E-1, C-1)."""

from __future__ import annotations

from typing import Literal

from community_governance.community import Community, MemberUnit
from community_governance.schemas.base import Document

__all__ = [
    "CommunityDoc",
    "UnitDoc",
]


class UnitDoc(Document):
    """A member unit."""

    unit_id: str
    name: str
    kind: str
    responsibilities: list[str] = []
    business_lines: list[str] = []
    compounds: list[str] = []
    credit_code: str | None = None


class CommunityDoc(Document):
    """A community and its member units (E-1)."""

    document: Literal["community"] = "community"
    community_id: str
    name: str
    household_count: int = 0
    units: list[UnitDoc]

    @classmethod
    def from_domain(cls, community: Community) -> CommunityDoc:
        """Export."""
        return cls(
            community_id=community.community_id,
            name=community.name,
            household_count=community.household_count,
            units=[
                UnitDoc(
                    unit_id=u.unit_id,
                    name=u.name,
                    kind=u.kind.code,
                    responsibilities=list(u.responsibilities),
                    business_lines=list(u.business_lines),
                    compounds=list(u.compounds),
                    credit_code=u.credit_code,
                )
                for u in community.units
            ],
        )

    def to_domain(self) -> Community:
        """Import."""
        return Community(
            self.community_id,
            self.name,
            [
                MemberUnit(
                    u.unit_id,
                    u.name,
                    u.kind,
                    u.responsibilities,
                    u.business_lines,
                    u.compounds,
                    credit_code=u.credit_code,
                )
                for u in self.units
            ],
            household_count=self.household_count,
        )
