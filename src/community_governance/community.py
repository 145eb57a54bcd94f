"""Who and when: the community, its member units, representatives, quarters and projects.

These entities are shared by consultation (C-3 votes by member-unit
representatives, C-4 projects), evaluation (E-1 quarterly meetings, E-2 the
units and their responsibility lists, E-4 the quarter's projects) and
rectification (R-2). Households appear only as opaque ids (E-4): the core
never holds a name or an address.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

import attrs

from community_governance.errors import ParseError, UnknownUnitError
from community_governance.ids import as_id, as_ids
from community_governance.national_codes import UnifiedSocialCreditCode
from community_governance.vocabulary import OrganisationKind, Role

__all__ = [
    "MAX_NAME",
    "Community",
    "MemberUnit",
    "Project",
    "Quarter",
    "Representative",
    "string_tuple",
    "to_quarter",
]

_QUARTER = re.compile(r"\s*(\d{4})\s*-?\s*[Qq]\s*([1-4])\s*")
_QUARTER_MONTHS = 3


def _unit_id(value: object) -> str:
    return as_id(value, field="unit_id", rule="E-1")


def _credit_code(value: object) -> UnifiedSocialCreditCode | None:
    return None if value is None else UnifiedSocialCreditCode(value, "unit.credit_code")


def _person_id(value: object) -> str:
    return as_id(value, field="person_id", rule="C-3")


def _project_id(value: object) -> str:
    return as_id(value, field="project_id", rule="E-4")


def _community_id(value: object) -> str:
    return as_id(value, field="community_id", rule="E-1")


def _responsible_units(value: Iterable[object]) -> tuple[str, ...]:
    return as_ids(value, field="project.responsible_units", rule="E-4")


#: The longest name of a unit or a community, in characters, whatever the policy: the
#: longest official names run to a few dozen characters, and every name is drawn on the
#: announcement and its charts.
MAX_NAME = 200


def _bounded_name(field: str) -> attrs._ValidatorType[str]:
    def check(_: object, __: attrs.Attribute[str], value: object) -> None:
        if not isinstance(value, str) or len(value) > MAX_NAME:
            shown = value[:40] + "…" if isinstance(value, str) else repr(value)
            raise ParseError(
                f"a name is text of at most {MAX_NAME} characters, not {shown!r}",
                field=field,
                rule="E-1",
                zh=f"名称须为不超过 {MAX_NAME} 个字符的文本，而不是 {shown!r}",
            )

    return check


@attrs.frozen(order=True)
class Quarter:
    """A calendar quarter (E-1): ``Quarter(2026, 3)`` runs from 1 July to 30 September 2026.

    Parse one from text with [`parse`][community_governance.community.Quarter.parse] (``"2026Q3"``,
    ``"2026-Q3"``);
    ``str(quarter)`` writes ``"2026Q3"``.
    """

    year: int = attrs.field()
    number: int = attrs.field()

    @year.validator
    def _check_year(self, _: attrs.Attribute[int], value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 9999:  # noqa: PLR2004
            raise ParseError(
                f"{value!r} is not a year",
                field="quarter.year",
                rule="E-1",
                zh=f"{value!r} 不是年份",
            )

    @number.validator
    def _check_number(self, _: attrs.Attribute[int], value: object) -> None:
        if isinstance(value, bool) or value not in (1, 2, 3, 4):
            raise ParseError(
                f"{value!r} is not a quarter 1..4",
                field="quarter.number",
                rule="E-1",
                zh=f"{value!r} 不是 1 至 4 的季度",
            )

    @classmethod
    def parse(cls, text: object) -> Quarter:
        """Read ``"2026Q3"`` (also ``"2026-Q3"``, ``"2026q3"``).

        Raises:
            ParseError: the text names no quarter.
        """
        match = _QUARTER.fullmatch(text) if isinstance(text, str) else None
        if match is None:
            raise ParseError(
                f"{text!r} is not a quarter such as 2026Q3",
                field="quarter",
                rule="E-1",
                zh=f"{text!r} 不是季度（应如 2026Q3）",
            )
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def coerce(cls, value: Quarter | str) -> Quarter:
        """``value`` itself if it is a quarter, else the quarter it spells (``parse``)."""
        return value if isinstance(value, Quarter) else cls.parse(value)

    @classmethod
    def containing(cls, day: dt.date) -> Quarter:
        """The quarter that ``day`` falls in."""
        return cls(day.year, (day.month - 1) // _QUARTER_MONTHS + 1)

    @property
    def start(self) -> dt.date:
        """The first day of the quarter."""
        return dt.date(self.year, (self.number - 1) * _QUARTER_MONTHS + 1, 1)

    @property
    def end(self) -> dt.date:
        """The last day of the quarter."""
        return self.next().start - dt.timedelta(days=1)

    def next(self) -> Quarter:
        """The following quarter."""
        if self.number == 4:  # noqa: PLR2004
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        """The quarter before."""
        if self.number == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.number - 1)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"


def to_quarter(value: Quarter | str) -> Quarter:
    """A converter for quarter fields: a ``Quarter``, or text such as ``"2026Q3"``."""
    return Quarter.coerce(value)


def _organisation_kind(value: OrganisationKind | str) -> OrganisationKind:
    return OrganisationKind.coerce(value)


def string_tuple(values: Iterable[str]) -> tuple[str, ...]:
    """A converter for id-list fields: any iterable of text, kept as a tuple."""
    return tuple(values)


def _member_units(values: Iterable[MemberUnit]) -> tuple[MemberUnit, ...]:
    return tuple(values)


def _roles(values: Iterable[Role | str]) -> frozenset[Role]:
    return frozenset(r if isinstance(r, Role) else Role.from_label(r) for r in values)


@attrs.frozen
class MemberUnit:
    """A member unit of the community's deliberation group (组团单位; C-3, E-2).

    Attributes:
        unit_id: a stable id.
        name: the unit's name as people know it.
        kind: what kind of organisation it is.
        responsibilities: its responsibility list (职责清单), against which it is
            evaluated (E-2).
        business_lines: what it does for a living, for routing specialised
            work to a co-building unit (C-4).
        compounds: the residential compounds it serves (an owners' committee's
            or a property company's), for routing public-affairs work (C-4).
        credit_code: its unified social credit code (统一社会信用代码), checked as
            GB 32100 defines it, or ``None`` where none is given.
    """

    unit_id: str = attrs.field(converter=_unit_id)
    name: str = attrs.field(validator=_bounded_name("unit.name"))
    kind: OrganisationKind = attrs.field(converter=_organisation_kind)
    responsibilities: tuple[str, ...] = attrs.field(default=(), converter=string_tuple)
    business_lines: tuple[str, ...] = attrs.field(default=(), converter=string_tuple)
    compounds: tuple[str, ...] = attrs.field(default=(), converter=string_tuple)
    credit_code: UnifiedSocialCreditCode | None = attrs.field(
        default=None, converter=_credit_code, kw_only=True
    )


@attrs.frozen
class Representative:
    """A person who represents a member unit or the residents (C-3, C-4, R-2).

    People appear by an opaque id; their roles say what they may do.
    """

    person_id: str = attrs.field(converter=_person_id)
    unit_id: str | None = None
    roles: frozenset[Role] = attrs.field(factory=frozenset, converter=_roles)


@attrs.frozen
class Project:
    """A project implemented in the community (C-3, C-4, E-4).

    The quarterly survey asks households about the projects completed in the
    quarter; a project's survey scores count for the units responsible for it
    (policy ``evaluation.survey.attribution``).
    """

    project_id: str = attrs.field(converter=_project_id)
    title: str
    quarter: Quarter = attrs.field(converter=to_quarter)
    responsible_units: tuple[str, ...] = attrs.field(converter=_responsible_units)

    @responsible_units.validator
    def _check_units(self, _: attrs.Attribute[tuple[str, ...]], value: tuple[str, ...]) -> None:
        if not value:
            raise ParseError(
                f"project {self.project_id} names no responsible unit",
                field="project.responsible_units",
                rule="E-4",
                zh=f"项目 {self.project_id} 未写明责任单位",
            )
        if len(set(value)) != len(value):
            raise ParseError(
                f"project {self.project_id} lists a unit twice",
                field="project.responsible_units",
                rule="E-4",
                zh=f"项目 {self.project_id} 重复列出了同一单位",
            )


@attrs.frozen
class Community:
    """A residential community with its member units (E-1) and households (E-4).

    Attributes:
        community_id: a stable id.
        name: the community's name.
        units: its member units, each id once.
        household_count: how many households live there (the survey frame's
            size when no frame is given).
    """

    community_id: str = attrs.field(converter=_community_id)
    name: str = attrs.field(validator=_bounded_name("community.name"))
    units: tuple[MemberUnit, ...] = attrs.field(converter=_member_units)
    household_count: int = attrs.field(default=0)
    # Looked up for every rating and answer a book or survey records: built once.
    _known: frozenset[str] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_known", frozenset(u.unit_id for u in self.units))

    @household_count.validator
    def _check_households(self, _: attrs.Attribute[int], value: object) -> None:
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ParseError(
                f"a household count is a whole number of at least 0, not {value!r}",
                field="community.household_count",
                rule="E-1",
                zh=f"住户数须为不小于 0 的整数，而不是 {value!r}",
            )

    @units.validator
    def _check_units(
        self, _: attrs.Attribute[tuple[MemberUnit, ...]], value: tuple[MemberUnit, ...]
    ) -> None:
        ids = [u.unit_id for u in value]
        if len(set(ids)) != len(ids):
            duplicated = sorted({i for i in ids if ids.count(i) > 1})
            raise ParseError(
                f"unit id(s) listed twice: {duplicated}",
                field="community.units",
                rule="E-1",
                zh=f"单位编号重复：{duplicated}",
            )

    @property
    def unit_ids(self) -> tuple[str, ...]:
        """The member units' ids, in the order given."""
        return tuple(u.unit_id for u in self.units)

    def unit(self, unit_id: str) -> MemberUnit:
        """The member unit with id ``unit_id``.

        Raises:
            UnknownUnitError: no such member unit.
        """
        for unit in self.units:
            if unit.unit_id == unit_id:
                return unit
        raise UnknownUnitError(
            f"{unit_id!r} is not a member unit of {self.community_id}; members: "
            f"{', '.join(self.unit_ids)}",
            field="unit",
            rule="E-1",
            zh=(
                f"{unit_id!r} 不是 {self.community_id} 的成员单位；"
                f"成员单位：{', '.join(self.unit_ids)}"
            ),
        )

    def check_units(self, unit_ids: Iterable[str], field: str, rule: str) -> None:
        """Raise ``UnknownUnitError``, naming ``field``, for an id that is no member unit."""
        for unit_id in unit_ids:
            if unit_id not in self._known:
                raise UnknownUnitError(
                    f"{unit_id!r} is not a member unit of {self.community_id}",
                    field=field,
                    rule=rule,
                    zh=f"{unit_id!r} 不是 {self.community_id} 的成员单位",
                )
