"""Party-building structures and the social forces drawn in (M-2, M-4, M-6).

* M-2: a compound party branch in every residential compound —
  [`compounds_without_branch`][community_governance.management.structures.compounds_without_branch]
  lists those still without one.
* M-4: the community party committee and its member units; in-service party
  members registered with the community, with the service hours they log.
* M-6: contributions of people, money and materials by member units, partner
  units, businesses, property companies and individuals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

import attrs

from community_governance.errors import EligibilityError
from community_governance.numbers import as_amount
from community_governance.vocabulary import BilingualEnum

__all__ = [
    "CommunityPartyCommittee",
    "CompoundPartyBranch",
    "Contribution",
    "ContributorKind",
    "MemberRegistration",
    "Resource",
    "ServiceHours",
    "compounds_without_branch",
    "contributions_summary",
    "service_hours",
]


class ContributorKind(BilingualEnum):
    """Who contributes (M-6)."""

    MEMBER_UNIT = ("member_unit", "大党委成员单位", "party-committee member unit")
    PARTNER_UNIT = ("partner_unit", "区外共建单位", "partner unit from outside the district")
    BUSINESS = ("business", "辖区商业企业", "local business")
    PROPERTY_COMPANY = ("property_company", "物业公司", "property-management company")
    DEPUTY = ("deputy", "两代表一委员", "deputy or committee member")
    CAPABLE_RESIDENT = ("capable_resident", "经济能人", "economically capable resident")
    RESPECTED_PERSON = ("respected_person", "贤达人士", "respected person")


class Resource(BilingualEnum):
    """What is contributed (M-6): people, money or materials."""

    PEOPLE = ("people", "人力", "people")
    MONEY = ("money", "资金", "money")
    MATERIALS = ("materials", "物资", "materials")


@attrs.frozen
class CompoundPartyBranch:
    """A party branch set up in a residential compound (M-2)."""

    branch_id: str
    compound: str
    founded_on: dt.date


def compounds_without_branch(
    compounds: Iterable[str], branches: Iterable[CompoundPartyBranch]
) -> tuple[str, ...]:
    """The compounds that still have no party branch, sorted (M-2)."""
    covered = {b.compound for b in branches}
    return tuple(sorted(set(compounds) - covered))


def _units(values: Iterable[str]) -> frozenset[str]:
    return frozenset(values)


@attrs.frozen
class CommunityPartyCommittee:
    """The community's "big party committee" and its member units (M-4)."""

    community_id: str
    member_units: frozenset[str] = attrs.field(converter=_units)


@attrs.frozen
class MemberRegistration:
    """An in-service party member registered with their home community (M-4)."""

    person_id: str
    community_id: str
    employer: str
    registered_on: dt.date


def _hours(value: object) -> Decimal:
    return as_amount(value, field="hours", rule="M-4", positive=True)


@attrs.frozen
class ServiceHours:
    """Hours a registered party member served in the community on a date (M-4)."""

    person_id: str
    on: dt.date
    hours: Decimal = attrs.field(converter=_hours)
    activity: str = ""


def service_hours(
    registrations: Iterable[MemberRegistration],
    logs: Iterable[ServiceHours],
    *,
    start: dt.date,
    end: dt.date,
) -> dict[str, Decimal]:
    """Hours per registered member from ``start`` to ``end``; zero for those who served none.

    Raises:
        EligibilityError: a log by someone not registered with the community.
    """
    registered = {r.person_id: r for r in registrations}
    totals = dict.fromkeys(sorted(registered), Decimal(0))
    for log in logs:
        registration = registered.get(log.person_id)
        if registration is None:
            raise EligibilityError(
                f"{log.person_id} is not registered with the community",
                field="person_id",
                rule="M-4",
                zh=f"{log.person_id} 未在社区登记",
            )
        if log.on < registration.registered_on:
            raise EligibilityError(
                f"{log.person_id} logged hours before registering",
                field="on",
                rule="M-4",
                zh=f"{log.person_id} 在登记之前就记录了服务时长",
            )
        if start <= log.on <= end:
            totals[log.person_id] += log.hours
    return totals


def _contributor(value: ContributorKind | str) -> ContributorKind:
    return ContributorKind.coerce(value)


def _resource(value: Resource | str) -> Resource:
    return Resource.coerce(value)


def _quantity(value: object) -> Decimal:
    return as_amount(value, field="quantity", rule="M-6", positive=True)


@attrs.frozen
class Contribution:
    """People (person-days), money (yuan) or materials (items) given to the community (M-6)."""

    contributor: str
    kind: ContributorKind = attrs.field(converter=_contributor)
    resource: Resource = attrs.field(converter=_resource)
    quantity: Decimal = attrs.field(converter=_quantity)
    on: dt.date = dt.date.min
    note: str = ""


def contributions_summary(
    contributions: Iterable[Contribution],
) -> dict[tuple[ContributorKind, Resource], Decimal]:
    """Totals by kind of contributor and resource (M-6)."""
    totals: dict[tuple[ContributorKind, Resource], Decimal] = {}
    for c in contributions:
        key = (c.kind, c.resource)
        totals[key] = totals.get(key, Decimal(0)) + c.quantity
    return dict(
        sorted(
            totals.items(),
            key=lambda kv: (list(ContributorKind).index(kv[0][0]), list(Resource).index(kv[0][1])),
        )
    )
