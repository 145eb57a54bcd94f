"""Normalised public service: opening hours, park facility checklists, stewardship terms (S-6)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping

import attrs

from community_governance.errors import ParseError
from community_governance.services.pillar import ServiceRecord
from community_governance.vocabulary import BilingualEnum

__all__ = [
    "PARK_FACILITIES",
    "OpeningHours",
    "Stewardship",
    "StewardshipKind",
    "missing_facilities",
]


def _slots(
    raw: Mapping[int, Iterable[tuple[dt.time, dt.time]]],
) -> Mapping[int, tuple[tuple[dt.time, dt.time], ...]]:
    out: dict[int, tuple[tuple[dt.time, dt.time], ...]] = {}
    for weekday, spans in raw.items():
        if weekday not in range(7):
            raise ParseError(
                f"weekday {weekday} is not 0 (Monday) .. 6",
                field="weekly",
                rule="S-6",
                zh=f"星期 {weekday} 不在 0（星期一）至 6 之间",
            )
        ordered = tuple(sorted(spans))
        for start, end in ordered:
            if not start < end:
                raise ParseError(
                    f"{start}-{end}: opening ends after it starts, within the day",
                    field="weekly",
                    rule="S-6",
                    zh=f"{start}-{end}：开放时间须在当天内、开始之后结束",
                )
        for (_, end), (start, _) in itertools.pairwise(ordered):
            if start < end:
                raise ParseError(
                    "opening hours overlap", field="weekly", rule="S-6", zh="开放时间重叠"
                )
        out[weekday] = ordered
    return out


def _dates(values: Iterable[dt.date]) -> frozenset[dt.date]:
    return frozenset(values)


@attrs.frozen
class OpeningHours(ServiceRecord):
    """When a free venue is open (S-6): weekly spans [start, end), minus closed dates.

    Times are the venue's wall-clock times; a datetime passed in is read in its
    own time zone, and
    [`next_opening`][community_governance.services.public.OpeningHours.next_opening] answers in that
    zone.
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
    """The facilities of ``PARK_FACILITIES`` a park still lacks, in checklist order (S-6)."""
    have = set(present)
    unknown = have - set(PARK_FACILITIES)
    if unknown:
        raise ParseError(
            f"unknown facility codes {sorted(unknown)}",
            field="facilities",
            rule="S-6",
            zh=f"未知的设施代码 {sorted(unknown)}",
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
class Stewardship(ServiceRecord):
    """Someone looks after a public thing for a term (S-6)."""

    kind: StewardshipKind = attrs.field(converter=_stewardship)
    steward: str = ""
    item: str = ""
    start: dt.date = dt.date.min
    end: dt.date = dt.date.max

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise ParseError(
                "a term ends after it starts", field="end", rule="S-6", zh="期限须在开始之后结束"
            )

    def active_on(self, day: dt.date) -> bool:
        """Whether the term covers ``day``."""
        return self.start <= day <= self.end

    def commendable(self, at: dt.date, *, min_days: int) -> bool:
        """Whether the steward has served ``min_days`` by ``at`` (the commendation criterion)."""
        served = (min(at, self.end) - self.start).days + 1
        return served >= min_days
