"""Technical professional service: social-work cases and referral (S-2)."""

from __future__ import annotations

import datetime as dt

import attrs

from community_governance.errors import InvalidTransition
from community_governance.services.pillar import ServiceRecord
from community_governance.vocabulary import BilingualEnum

__all__ = [
    "ProfessionalCase",
    "ProfessionalService",
]


class ProfessionalService(BilingualEnum):
    """The six professional services of social-work agencies (S-2)."""

    HARDSHIP_RELIEF = ("hardship_relief", "困难救助", "hardship relief")
    MEDIATION = ("mediation", "矛盾调处", "conflict mediation")
    COUNSELLING = ("counselling", "心理疏导", "psychological counselling")
    BEHAVIOUR_CORRECTION = ("behaviour_correction", "行为矫治", "behaviour correction")
    CONFLICT_PREVENTION = ("conflict_prevention", "社会矛盾预防和化解", "conflict prevention")
    RELATIONSHIP_ADJUSTMENT = ("relationship_adjustment", "社会关系调适", "relationship adjustment")


def _service(value: ProfessionalService | str) -> ProfessionalService:
    return ProfessionalService.coerce(value)


@attrs.frozen
class ProfessionalCase(ServiceRecord):
    """A household's case with a social-work agency (S-2), opaque ids only."""

    case_id: str
    household: str
    service: ProfessionalService = attrs.field(converter=_service)
    agency: str = ""
    opened_on: dt.date = dt.date.min
    accepted: bool = False
    closed_on: dt.date | None = None
    referrals: tuple[tuple[dt.date, str, str], ...] = ()

    def accept(self) -> ProfessionalCase:
        """The agency accepts the case."""
        if self.closed_on is not None or self.accepted:
            raise InvalidTransition(
                "only an open, unaccepted case can be accepted",
                field="case",
                rule="S-2",
                zh="只有未受理的在办案件才能受理",
            )
        return attrs.evolve(self, accepted=True)

    def refer(self, to_agency: str, at: dt.date) -> ProfessionalCase:
        """Refer the case to another agency on ``at``; it must accept it afresh."""
        on = at
        if self.closed_on is not None or to_agency == self.agency or on < self.opened_on:
            raise InvalidTransition(
                "refer an open case to another agency, after it opened",
                field="case",
                rule="S-2",
                zh="转介须针对在办案件，且在其开启之后",
            )
        return attrs.evolve(
            self,
            agency=to_agency,
            accepted=False,
            referrals=(*self.referrals, (on, self.agency, to_agency)),
        )

    def close(self, at: dt.date) -> ProfessionalCase:
        """Close an accepted case on ``at``."""
        on = at
        if not self.accepted or self.closed_on is not None or on < self.opened_on:
            raise InvalidTransition(
                "only an accepted, open case closes",
                field="case",
                rule="S-2",
                zh="只有已受理的在办案件才能结案",
            )
        return attrs.evolve(self, closed_on=on)
