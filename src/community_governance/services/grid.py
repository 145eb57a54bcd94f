"""One-stop service on the grid platform: one entry, three-level linkage (S-1).

Grid codes are hierarchical administrative codes;
[`CodeScheme`][community_governance.services.grid.CodeScheme] reads
them (by default 6 digits of district, 3 of street, 3 of community and 3 of
grid cell, as in Beijing's DB11 local standard — another scheme is one
argument away). The district's six digits are a GB/T 2260 division code and are checked
as one ([`division_problem`][community_governance.national_codes.division_problem]).
[`coverage_problems`][community_governance.services.grid.coverage_problems] checks
that every community belongs
to exactly one street and every street to exactly one district.

[`route_request`][community_governance.services.grid.route_request] sends a request, wherever it was
entered ("one entry"),
to the level that handles its kind, then escalates upward — grid cell →
community → street → district — when that level's unit cannot handle the kind
or its time limit has passed. It always ends at exactly one handler or, past
the district, in a documented escalation beyond the platform.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import attrs

from community_governance.errors import ParseError
from community_governance.explain import Explanation, ExplanationBuilder, Text
from community_governance.national_codes import check_division
from community_governance.vocabulary import AdminLevel, Pillar

__all__ = [
    "CodeScheme",
    "RequestRoute",
    "RoutingRules",
    "ServiceRequest",
    "coverage_problems",
    "route_request",
]

_LEVELS = tuple(AdminLevel)  # district, street, community, grid cell
_DIVISION_DIGITS = 6


@attrs.frozen
class CodeScheme:
    """How a grid code splits into levels: digits of district, street, community, cell.

    Attributes:
        segments: the digits of each level, district first.
        division_codes: whether the district's digits are a GB/T 2260 division code and
            are checked as one (a scheme whose district is not six digits says ``False``).
    """

    segments: tuple[int, int, int, int] = (6, 3, 3, 3)
    division_codes: bool = attrs.field(default=True, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.division_codes and self.segments[0] != _DIVISION_DIGITS:
            raise ParseError(
                f"a district of {self.segments[0]} digits is no GB/T 2260 division code;"
                " say division_codes=False for such a scheme",
                field="segments",
                rule="S-1",
                zh=f"{self.segments[0]} 位的区县段不是 GB/T 2260 行政区划代码；"
                "此类方案请设 division_codes=False",
            )

    def level(self, code: str) -> AdminLevel:
        """The level a code names, by its length.

        Raises:
            ParseError: not digits, or a length that matches no level.
        """
        if not (code.isascii() and code.isdigit()):
            raise ParseError(
                f"{code!r} is not a grid code of digits",
                field="code",
                rule="S-1",
                zh=f"{code!r} 不是由数字组成的网格代码",
            )
        total = 0
        for level, width in zip(_LEVELS, self.segments, strict=True):
            total += width
            if len(code) == total:
                if self.division_codes:
                    check_division(
                        code[:_DIVISION_DIGITS], field="code", rule="S-1", below_province=True
                    )
                return level
        raise ParseError(
            f"{code!r} has a length that names no level",
            field="code",
            rule="S-1",
            zh=f"{code!r} 的长度不对应任何层级",
        )

    def ancestor(self, code: str, level: AdminLevel) -> str:
        """The code of ``code``'s unit at ``level`` (a prefix).

        Raises:
            ParseError: ``level`` is below the code's own level.
        """
        own = _LEVELS.index(self.level(code))
        wanted = _LEVELS.index(level)
        if wanted > own:
            raise ParseError(
                f"{code!r} has no {level.en} below it",
                field="code",
                rule="S-1",
                zh=f"{code!r} 下面没有{level.zh}",
            )
        return code[: sum(self.segments[: wanted + 1])]


def coverage_problems(
    communities: Iterable[str],
    community_street: Iterable[tuple[str, str]],
    street_district: Iterable[tuple[str, str]],
) -> tuple[str, ...]:
    """Every way the three-level linkage fails to cover the communities exactly once (S-1)."""
    problems: list[str] = []
    streets_of: dict[str, set[str]] = {}
    for community, street in community_street:
        streets_of.setdefault(community, set()).add(street)
    districts_of: dict[str, set[str]] = {}
    for street, district in street_district:
        districts_of.setdefault(street, set()).add(district)
    for community in sorted(set(communities)):
        streets = streets_of.get(community, set())
        if len(streets) != 1:
            problems.append(
                f"community {community} belongs to {len(streets)} streets {sorted(streets)}"
            )
            continue
        (street,) = streets
        districts = districts_of.get(street, set())
        if len(districts) != 1:
            problems.append(
                f"street {street} belongs to {len(districts)} districts {sorted(districts)}"
            )
    return tuple(dict.fromkeys(problems))


def _level(value: AdminLevel | str) -> AdminLevel:
    return AdminLevel.coerce(value)


@attrs.frozen
class ServiceRequest:
    """A request entered once, at any level, about a place on the grid (S-1)."""

    request_id: str
    kind: str
    cell: str
    entered_at: AdminLevel = attrs.field(converter=_level)
    received: dt.datetime = attrs.field(kw_only=True)

    @property
    def pillar(self) -> Pillar:
        """Service requests count toward the service pillar."""
        return Pillar.SERVICE


@attrs.frozen
class RoutingRules:
    """Which level first handles each kind of request, time limits, and units that cannot.

    Attributes:
        handled_at: kind → the level that handles it first (default community).
        time_limits: level → hours it has before the request moves up.
        cannot_handle: (unit code, kind) pairs a unit has declared it cannot take.
    """

    handled_at: Mapping[str, AdminLevel] = attrs.field(factory=dict)
    time_limits: Mapping[AdminLevel, int] = attrs.field(factory=dict)
    cannot_handle: frozenset[tuple[str, str]] = frozenset()


@attrs.frozen
class RequestRoute:
    """Where a request ends up (S-1).

    Exactly one of ``handler`` (the unit code) and ``beyond_district`` holds.
    """

    request_id: str
    level: AdminLevel | None
    handler: str | None
    escalations: tuple[tuple[str, str], ...]
    beyond_district: bool
    explanation: Explanation


def route_request(
    request: ServiceRequest,
    rules: RoutingRules,
    *,
    at: dt.datetime,
    scheme: CodeScheme | None = None,
) -> RequestRoute:
    """Route ``request`` to the unit that handles it, escalating as needed (S-1)."""
    codes = scheme or CodeScheme()
    if codes.level(request.cell) is not AdminLevel.GRID_CELL:
        raise ParseError(
            f"{request.cell!r} is not a grid-cell code",
            field="request.cell",
            rule="S-1",
            zh=f"{request.cell!r} 不是网格单元代码",
        )
    builder = ExplanationBuilder(
        Text(f"诉求 {request.request_id} 的派转", f"Routing request {request.request_id}")
    )
    builder.input("kind", request.kind)
    builder.input("entered_at", request.entered_at)
    start = rules.handled_at.get(request.kind, AdminLevel.COMMUNITY)
    builder.step(
        f"一个入口受理，交{start.zh}办理",
        f"one entry: first handled at the {start.en}",
        start,
        rule="S-1",
    )
    elapsed_hours = (at - request.received).total_seconds() / 3600
    budget = 0
    escalations: list[tuple[str, str]] = []
    index = _LEVELS.index(start)
    while index >= 0:
        level = _LEVELS[index]
        unit = codes.ancestor(request.cell, level)
        budget += rules.time_limits.get(level, 0)
        limited = level in rules.time_limits
        if (unit, request.kind) in rules.cannot_handle:
            reason = "cannot handle this kind"
        elif limited and elapsed_hours > budget:
            reason = f"time limit of {rules.time_limits[level]} h passed"
        else:
            builder.step(
                f"由{level.zh} {unit} 办理", f"handled by {level.en} {unit}", unit, rule="S-1"
            )
            return RequestRoute(
                request.request_id,
                level,
                unit,
                tuple(escalations),
                beyond_district=False,
                explanation=builder.build(
                    Text(f"{level.zh} {unit} 办理", f"handled by {level.en} {unit}")
                ),
            )
        escalations.append((unit, reason))
        builder.step(
            f"{level.zh} {unit} 上报：{reason}",
            f"{level.en} {unit} escalates: {reason}",
            unit,
            rule="S-1",
        )
        index -= 1
    return RequestRoute(
        request.request_id,
        None,
        None,
        tuple(escalations),
        beyond_district=True,
        explanation=builder.build(Text("超出区级，提交上级处理", "escalated beyond the district")),
    )
