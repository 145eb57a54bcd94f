"""Contract-based volunteer service: contracts, hours served, effort for the 1:2:7 balance (S-7)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

import attrs

from community_governance.errors import EligibilityError, ParseError
from community_governance.management.balance import EffortRecord
from community_governance.numbers import as_amount
from community_governance.services.pillar import ServiceRecord
from community_governance.vocabulary import BilingualEnum, Measure, Pillar

__all__ = [
    "CommunityGoal",
    "VolunteerContract",
    "VolunteerHours",
    "hours_served",
    "volunteer_effort",
]


class CommunityGoal(BilingualEnum):
    """The six goals contract-based volunteering serves (S-7)."""

    ORDERLY_MANAGEMENT = ("orderly_management", "管理有序", "orderly management")
    COMPLETE_SERVICES = ("complete_services", "服务完善", "complete services")
    BEAUTIFUL_ENVIRONMENT = ("beautiful_environment", "环境优美", "beautiful environment")
    PUBLIC_SECURITY = ("public_security", "治安良好", "good public security")
    CONVENIENT_LIVING = ("convenient_living", "生活便利", "convenient living")
    HARMONIOUS_RELATIONS = ("harmonious_relations", "人际和谐", "harmonious relations")


def _goals(values: Iterable[CommunityGoal | str]) -> frozenset[CommunityGoal]:
    goals = frozenset(
        v if isinstance(v, CommunityGoal) else CommunityGoal.from_label(v) for v in values
    )
    if not goals:
        raise ParseError(
            "a contract serves at least one of the six goals",
            field="goals",
            rule="S-7",
            zh="服务协议须至少服务六项目标之一",
        )
    return goals


@attrs.frozen
class VolunteerContract(ServiceRecord):
    """A volunteer's or a team's contract: duties, goals, schedule, term (S-7)."""

    contract_id: str
    volunteer: str
    duties: str
    goals: frozenset[CommunityGoal] = attrs.field(converter=_goals)
    start: dt.date = dt.date.min
    end: dt.date = dt.date.max
    weekdays: frozenset[int] = frozenset()
    team: bool = False

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise ParseError(
                "a term ends after it starts", field="end", rule="S-7", zh="期限须在开始之后结束"
            )

    def active_on(self, day: dt.date) -> bool:
        """Whether the contract runs on ``day``."""
        return self.start <= day <= self.end

    def on_duty(self, day: dt.date) -> bool:
        """Whether the schedule puts the volunteer on duty (e.g. a patrol) on ``day``."""
        return self.active_on(day) and day.weekday() in self.weekdays

    def expires_within(self, day: dt.date, days: int) -> bool:
        """Whether the term ends within ``days`` after ``day``."""
        return day <= self.end <= day + dt.timedelta(days=days)

    def renew(self, new_end: dt.date) -> VolunteerContract:
        """The contract with its term extended to ``new_end``."""
        if new_end <= self.end:
            raise EligibilityError(
                "a renewal extends the term", field="new_end", rule="S-7", zh="续期须延长期限"
            )
        return attrs.evolve(self, end=new_end)


def _positive_hours(value: object) -> Decimal:
    return as_amount(value, field="hours", rule="S-7", positive=True)


@attrs.frozen
class VolunteerHours(ServiceRecord):
    """Hours served under a contract on a date (S-7)."""

    contract_id: str
    on: dt.date
    hours: Decimal = attrs.field(converter=_positive_hours)


def hours_served(
    contract: VolunteerContract, logs: Iterable[VolunteerHours], *, start: dt.date, end: dt.date
) -> Decimal:
    """Hours served under ``contract`` from ``start`` to ``end``; outside the term is refused."""
    total = Decimal(0)
    for log in logs:
        if log.contract_id != contract.contract_id:
            continue
        if not contract.active_on(log.on):
            raise EligibilityError(
                f"hours on {log.on} fall outside the contract's term",
                field="on",
                rule="S-7",
                zh=f"{log.on} 的服务时长不在协议期限之内",
            )
        if start <= log.on <= end:
            total += log.hours
    return total


def volunteer_effort(logs: Iterable[VolunteerHours], community_id: str) -> tuple[EffortRecord, ...]:
    """Volunteer hours as service-pillar effort records for the 1:2:7 balance (P-2, S-7)."""
    return tuple(
        EffortRecord(
            f"{log.contract_id}@{log.on}",
            community_id,
            log.on,
            Pillar.SERVICE,
            Measure.HOURS,
            log.hours,
        )
        for log in logs
    )
