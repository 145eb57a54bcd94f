"""Integrated resident service: eligibility open to migrants, programmes within capacity (S-3)."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from community_governance.errors import EligibilityError
from community_governance.numbers import as_count
from community_governance.services.pillar import ServiceRecord
from community_governance.vocabulary import BilingualEnum

__all__ = [
    "Programme",
    "ResidentStatus",
    "eligible",
]


class ResidentStatus(BilingualEnum):
    """A resident's status (S-3)."""

    REGISTERED = ("registered", "户籍居民", "registered resident")
    MIGRANT = ("migrant", "外来人员", "migrant")
    NEW_CITIZEN = ("new_citizen", "村改居新市民", "new citizen (village-to-residence)")


def eligible(
    service_id: str, status: ResidentStatus, *, closed_to_migrants: Iterable[str] = ()
) -> bool:
    """Whether ``status`` may use the service: all open unless closed to migrants (S-3)."""
    return not (status is ResidentStatus.MIGRANT and service_id in set(closed_to_migrants))


def _capacity(value: object) -> int:
    return as_count(value, field="capacity", rule="S-3")


@attrs.frozen
class Programme(ServiceRecord):
    """A kindergarten class or four o'clock school with a capacity (S-3)."""

    programme_id: str
    service_id: str
    capacity: int = attrs.field(converter=_capacity)
    enrolled: tuple[str, ...] = ()

    def enrol(
        self, child: str, status: ResidentStatus, *, closed_to_migrants: Iterable[str] = ()
    ) -> Programme:
        """Enrol a child (opaque id).

        Raises:
            EligibilityError: full, already enrolled, or not eligible.
        """
        if child in self.enrolled:
            raise EligibilityError(
                f"{child} is already enrolled", field="child", rule="S-3", zh=f"{child} 已报名"
            )
        if len(self.enrolled) >= self.capacity:
            raise EligibilityError(
                f"{self.programme_id} is full ({self.capacity} places)",
                field="capacity",
                rule="S-3",
                zh=f"{self.programme_id} 已满（{self.capacity} 个名额）",
            )
        if not eligible(self.service_id, status, closed_to_migrants=closed_to_migrants):
            raise EligibilityError(
                f"{self.service_id} is not open to {status.en}",
                field="status",
                rule="S-3",
                zh=f"{self.service_id} 不向{status.zh}开放",
            )
        return attrs.evolve(self, enrolled=(*self.enrolled, child))

    def withdraw(self, child: str) -> Programme:
        """Free a child's place."""
        if child not in self.enrolled:
            raise EligibilityError(
                f"{child} is not enrolled", field="child", rule="S-3", zh=f"{child} 未报名"
            )
        return attrs.evolve(self, enrolled=tuple(c for c in self.enrolled if c != child))
