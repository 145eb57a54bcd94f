"""Bookkeeping of the services S-2..S-7; every record counts toward the service pillar (P-2).

* S-2 :class:`ProfessionalCase`: a social-work agency's case, referred,
  accepted, referred on, closed.
* S-3 :func:`eligible` (all services open to migrants unless a municipality
  closes one) and :class:`Programme` enrolment within capacity.
* S-4 :class:`MicroWish` on the declarative table :data:`MICRO_WISH_WORKFLOW`
  (raised → claimed → fulfilled, or withdrawn), micro-organisations, and the
  self-governance unit chosen for a matter.
* S-5 :class:`ActivityProject` with participants by kind and exact rates.
* S-6 :class:`OpeningHours` (open now? next opening?), park facility
  checklists and :class:`Stewardship` terms with commendation.
* S-7 :class:`VolunteerContract` (goals, term, renewal), hours served, and
  their conversion into effort records for the 1:2:7 balance.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction

import attrs

from community_governance.errors import EligibilityError, GuardFailed, InvalidTransition, ParseError
from community_governance.management.balance import EffortRecord
from community_governance.numbers import as_amount, as_count
from community_governance.vocabulary import BilingualEnum, Measure, Pillar
from community_governance.workflow import Guard, Transition, Workflow

__all__ = [
    "MICRO_WISH_WORKFLOW",
    "PARK_FACILITIES",
    "ActivityProject",
    "Claim",
    "CommunityGoal",
    "Fulfil",
    "MicroOrganisation",
    "MicroWish",
    "OpeningHours",
    "ParticipantKind",
    "ProfessionalCase",
    "ProfessionalService",
    "Programme",
    "ResidentStatus",
    "SelfGovernanceUnit",
    "Stewardship",
    "StewardshipKind",
    "UnitChoice",
    "VolunteerContract",
    "VolunteerHours",
    "WishState",
    "Withdraw",
    "eligible",
    "hours_served",
    "missing_facilities",
    "volunteer_effort",
]


class _ServiceRecord:
    """Every service record counts toward the 70% service pillar (P-2)."""

    __slots__ = ()

    @property
    def pillar(self) -> Pillar:
        """Always :attr:`Pillar.SERVICE`."""
        return Pillar.SERVICE


# -- S-2 ----------------------------------------------------------------------------------------


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
class ProfessionalCase(_ServiceRecord):
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
                "only an open, unaccepted case can be accepted", field="case", rule="S-2"
            )
        return attrs.evolve(self, accepted=True)

    def refer(self, to_agency: str, on: dt.date) -> ProfessionalCase:
        """Refer the case to another agency; it must accept it afresh."""
        if self.closed_on is not None or to_agency == self.agency or on < self.opened_on:
            raise InvalidTransition(
                "refer an open case to another agency, after it opened", field="case", rule="S-2"
            )
        return attrs.evolve(
            self,
            agency=to_agency,
            accepted=False,
            referrals=(*self.referrals, (on, self.agency, to_agency)),
        )

    def close(self, on: dt.date) -> ProfessionalCase:
        """Close an accepted case."""
        if not self.accepted or self.closed_on is not None or on < self.opened_on:
            raise InvalidTransition("only an accepted, open case closes", field="case", rule="S-2")
        return attrs.evolve(self, closed_on=on)


# -- S-3 ----------------------------------------------------------------------------------------


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
class Programme(_ServiceRecord):
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
            raise EligibilityError(f"{child} is already enrolled", field="child", rule="S-3")
        if len(self.enrolled) >= self.capacity:
            raise EligibilityError(
                f"{self.programme_id} is full ({self.capacity} places)",
                field="capacity",
                rule="S-3",
            )
        if not eligible(self.service_id, status, closed_to_migrants=closed_to_migrants):
            raise EligibilityError(
                f"{self.service_id} is not open to {status.en}", field="status", rule="S-3"
            )
        return attrs.evolve(self, enrolled=(*self.enrolled, child))

    def withdraw(self, child: str) -> Programme:
        """Free a child's place."""
        if child not in self.enrolled:
            raise EligibilityError(f"{child} is not enrolled", field="child", rule="S-3")
        return attrs.evolve(self, enrolled=tuple(c for c in self.enrolled if c != child))


# -- S-4 ----------------------------------------------------------------------------------------


class WishState(BilingualEnum):
    """Where a micro-wish stands (S-4)."""

    RAISED = ("raised", "已提出", "raised")
    CLAIMED = ("claimed", "已认领", "claimed")
    FULFILLED = ("fulfilled", "已实现", "fulfilled")
    WITHDRAWN = ("withdrawn", "已撤回", "withdrawn")


@attrs.frozen
class Claim:
    """Someone claims a raised wish."""

    by: str


@attrs.frozen
class Fulfil:
    """The claimer fulfils the wish."""


@attrs.frozen
class Withdraw:
    """The wish is withdrawn before it is fulfilled."""


def _claimer(_: object, event: Claim, __: dt.date) -> bool:
    return bool(event.by.strip())


MICRO_WISH_WORKFLOW = Workflow(
    name="S-4",
    states=tuple(WishState),
    initial=WishState.RAISED,
    terminal=frozenset({WishState.FULFILLED, WishState.WITHDRAWN}),
    transitions=(
        Transition(
            frozenset({WishState.RAISED}),
            Claim,
            WishState.CLAIMED,
            (Guard("claimer_named", _claimer, GuardFailed, "a claim names who claims", "S-4"),),
        ),
        Transition(frozenset({WishState.CLAIMED}), Fulfil, WishState.FULFILLED),
        Transition(frozenset({WishState.RAISED, WishState.CLAIMED}), Withdraw, WishState.WITHDRAWN),
    ),
)


@attrs.frozen
class MicroWish(_ServiceRecord):
    """A resident's small wish, claimed and fulfilled by someone else (S-4)."""

    wish_id: str
    household: str
    wish: str
    raised_on: dt.date
    state: WishState = WishState.RAISED
    claimed_by: str | None = None
    history: tuple[tuple[dt.date, WishState], ...] = ()

    def apply(self, event: Claim | Fulfil | Withdraw, *, at: dt.date) -> MicroWish:
        """The wish after ``event``; transitions never skip a state."""
        if at < (self.history[-1][0] if self.history else self.raised_on):
            raise InvalidTransition("events go forward in time", field="at", rule="S-4")
        row = MICRO_WISH_WORKFLOW.step(self.state, self, event, at)
        state = row.target if isinstance(row.target, WishState) else self.state
        claimed = event.by if isinstance(event, Claim) else self.claimed_by
        return attrs.evolve(
            self, state=state, claimed_by=claimed, history=(*self.history, (at, state))
        )


class SelfGovernanceUnit(BilingualEnum):
    """The self-governance units a matter can be settled in (S-4)."""

    COMMUNITY = ("community", "社区", "community")
    COMPOUND = ("compound", "小区", "compound")
    NATURAL_VILLAGE = ("natural_village", "自然村", "natural village")
    AREA = ("area", "片", "area")
    GROUP = ("group", "小组", "group")


def _unit(value: SelfGovernanceUnit | str) -> SelfGovernanceUnit:
    return SelfGovernanceUnit.coerce(value)


@attrs.frozen
class UnitChoice(_ServiceRecord):
    """The self-governance unit chosen for a matter, and why (S-4)."""

    matter_id: str
    unit: SelfGovernanceUnit = attrs.field(converter=_unit)
    unit_name: str = ""
    reason: str = ""


@attrs.frozen
class MicroOrganisation(_ServiceRecord):
    """A small organisation residents formed (S-4)."""

    organisation_id: str
    name: str
    unit: SelfGovernanceUnit = attrs.field(converter=_unit)
    members: int = 0
    founded_on: dt.date = dt.date.min


# -- S-5 ----------------------------------------------------------------------------------------


class ParticipantKind(BilingualEnum):
    """Who takes part in an activity project (S-5)."""

    RESIDENTS = ("residents", "社区群众", "residents")
    ENTERPRISES = ("enterprises", "驻社区企事业单位", "enterprises and institutions")
    SOCIAL_ORGANISATIONS = ("social_organisations", "社会组织", "social organisations")


def _by_kind(raw: Mapping[ParticipantKind | str, object]) -> Mapping[ParticipantKind, int]:
    out: dict[ParticipantKind, int] = {}
    for key, value in raw.items():
        kind = key if isinstance(key, ParticipantKind) else ParticipantKind.from_label(key)
        out[kind] = as_count(value, field=f"participants.{kind.code}", rule="S-5")
    return out


@attrs.frozen
class ActivityProject(_ServiceRecord):
    """A culture or sports activity project with invitations and participants by kind (S-5)."""

    project_id: str
    title: str
    service_id: str
    invited: Mapping[ParticipantKind, int] = attrs.field(converter=_by_kind)
    participants: Mapping[ParticipantKind, int] = attrs.field(converter=_by_kind)

    def __attrs_post_init__(self) -> None:
        for kind, count in self.participants.items():
            if count > self.invited.get(kind, 0):
                raise ParseError(
                    f"more {kind.en} took part ({count}) than were invited",
                    field=f"participants.{kind.code}",
                    rule="S-5",
                )

    def rate(self, kind: ParticipantKind | None = None) -> Fraction | None:
        """Exact participation rate, for one kind or overall (``None`` if nobody was invited)."""
        kinds = [kind] if kind is not None else list(ParticipantKind)
        invited = sum(self.invited.get(k, 0) for k in kinds)
        came = sum(self.participants.get(k, 0) for k in kinds)
        return Fraction(came, invited) if invited else None


# -- S-6 ----------------------------------------------------------------------------------------


def _slots(
    raw: Mapping[int, Iterable[tuple[dt.time, dt.time]]],
) -> Mapping[int, tuple[tuple[dt.time, dt.time], ...]]:
    out: dict[int, tuple[tuple[dt.time, dt.time], ...]] = {}
    for weekday, spans in raw.items():
        if weekday not in range(7):
            raise ParseError(
                f"weekday {weekday} is not 0 (Monday) .. 6", field="weekly", rule="S-6"
            )
        ordered = tuple(sorted(spans))
        for start, end in ordered:
            if not start < end:
                raise ParseError(
                    f"{start}-{end}: opening ends after it starts, within the day",
                    field="weekly",
                    rule="S-6",
                )
        for (_, end), (start, _) in itertools.pairwise(ordered):
            if start < end:
                raise ParseError("opening hours overlap", field="weekly", rule="S-6")
        out[weekday] = ordered
    return out


def _dates(values: Iterable[dt.date]) -> frozenset[dt.date]:
    return frozenset(values)


@attrs.frozen
class OpeningHours(_ServiceRecord):
    """When a free venue is open (S-6): weekly spans [start, end), minus closed dates.

    Times are the venue's wall-clock times; a datetime passed in is read in its
    own time zone, and :meth:`next_opening` answers in that zone.
    """

    venue: str
    weekly: Mapping[int, tuple[tuple[dt.time, dt.time], ...]] = attrs.field(converter=_slots)
    closed_on: frozenset[dt.date] = attrs.field(factory=frozenset, converter=_dates)

    def is_open(self, at: dt.datetime) -> bool:
        """Whether the venue is open at ``at`` (naive local time)."""
        if at.date() in self.closed_on:
            return False
        now = at.time()
        return any(start <= now < end for start, end in self.weekly.get(at.weekday(), ()))

    def next_opening(self, at: dt.datetime, *, within_days: int = 366) -> dt.datetime | None:
        """The first moment at or after ``at`` when open (``None`` if not within the horizon)."""
        if self.is_open(at):
            return at
        for offset in range(within_days + 1):
            day = at.date() + dt.timedelta(days=offset)
            if day in self.closed_on:
                continue
            for start, _ in self.weekly.get(day.weekday(), ()):
                moment = dt.datetime.combine(day, start, tzinfo=at.tzinfo)
                if moment >= at:
                    return moment
        return None


#: The facilities a renovated street-corner park provides (S-6).
PARK_FACILITIES: Mapping[str, tuple[str, str]] = {
    "lighting": ("照明", "lighting"),
    "water_power": ("水电", "water and power"),
    "tables_chairs": ("桌椅", "tables and chairs"),
    "toilets": ("公厕", "public toilets"),
}


def missing_facilities(present: Iterable[str]) -> tuple[str, ...]:
    """The facilities of :data:`PARK_FACILITIES` a park still lacks, in checklist order (S-6)."""
    have = set(present)
    unknown = have - set(PARK_FACILITIES)
    if unknown:
        raise ParseError(
            f"unknown facility codes {sorted(unknown)}", field="facilities", rule="S-6"
        )
    return tuple(code for code in PARK_FACILITIES if code not in have)


class StewardshipKind(BilingualEnum):
    """The three stewardship responsibility schemes (S-6)."""

    ADOPTION = ("adoption", "公共绿地认养", "green-space adoption")
    CUSTODY = ("custody", "公共空间轮值认管", "rotating custody of public space")
    CLAIM = ("claim", "项目认领", "project claiming")


def _stewardship(value: StewardshipKind | str) -> StewardshipKind:
    return StewardshipKind.coerce(value)


@attrs.frozen
class Stewardship(_ServiceRecord):
    """Someone looks after a public thing for a term (S-6)."""

    kind: StewardshipKind = attrs.field(converter=_stewardship)
    steward: str = ""
    item: str = ""
    start: dt.date = dt.date.min
    end: dt.date = dt.date.max

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise ParseError("a term ends after it starts", field="end", rule="S-6")

    def active_on(self, day: dt.date) -> bool:
        """Whether the term covers ``day``."""
        return self.start <= day <= self.end

    def commendable(self, on: dt.date, *, min_days: int) -> bool:
        """Whether the steward has served ``min_days`` by ``on`` (the commendation criterion)."""
        served = (min(on, self.end) - self.start).days + 1
        return served >= min_days


# -- S-7 ----------------------------------------------------------------------------------------


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
            "a contract serves at least one of the six goals", field="goals", rule="S-7"
        )
    return goals


@attrs.frozen
class VolunteerContract(_ServiceRecord):
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
            raise ParseError("a term ends after it starts", field="end", rule="S-7")

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
            raise EligibilityError("a renewal extends the term", field="new_end", rule="S-7")
        return attrs.evolve(self, end=new_end)


def _positive_hours(value: object) -> Decimal:
    return as_amount(value, field="hours", rule="S-7", positive=True)


@attrs.frozen
class VolunteerHours(_ServiceRecord):
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
                f"hours on {log.on} fall outside the contract's term", field="on", rule="S-7"
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
