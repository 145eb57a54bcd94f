"""Rotating duty of party-congress delegates at the community service station (M-4).

[`duty_rota`][community_governance.management.rota.duty_rota] assigns ``management.duty_per_day``
delegates to each date,
never on a date a delegate declared unavailable, deterministically (the same
inputs give the same rota, whatever their order). It is fair in this precise
sense: no duty could move to another available delegate who has at least two
fewer duties — so with no unavailability, duty counts differ by at most one.
A date that cannot be covered raises
[`RotaError`][community_governance.errors.RotaError] naming every such date.

How: the most constrained dates are filled first, each with the available
delegates who have the fewest duties so far (ties by id); then single duties
move from a delegate to an available one with two or more fewer, until none can.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import attrs

from community_governance.errors import ParseError, RotaError
from community_governance.explain import Explanation, ExplanationBuilder, Text
from community_governance.frozen import read_only
from community_governance.policy.loader import resolve
from community_governance.policy.model import Policy
from community_governance.policy.schema import PolicySnapshot

__all__ = ["Rota", "duty_rota"]


@attrs.frozen
class Rota:
    """Who is on duty at the station on each date (M-4)."""

    station: str
    assignments: tuple[tuple[dt.date, tuple[str, ...]], ...]
    counts: Mapping[str, int] = attrs.field(converter=read_only)
    explanation: Explanation

    def on(self, day: dt.date) -> tuple[str, ...]:
        """The delegates on duty on ``day`` (empty if the rota does not cover it)."""
        for date, people in self.assignments:
            if date == day:
                return people
        return ()


def duty_rota(
    delegates: Iterable[str],
    station: str,
    dates: Iterable[dt.date],
    policy: Policy | PolicySnapshot | None = None,
    *,
    unavailable: Mapping[str, Iterable[dt.date]] | None = None,
    at: dt.date | None = None,
) -> Rota:
    """A fair, deterministic duty rota (M-4).

    ``policy`` is read on ``at``, by default the first duty date.

    Raises:
        RotaError: a date on which fewer delegates are available than needed,
            naming every such date.
        ParseError: no delegates, or a delegate listed twice.
    """
    people = sorted(delegates)
    if not people or len(set(people)) != len(people):
        raise ParseError(
            "delegates are listed once each, at least one",
            field="delegates",
            rule="M-4",
            zh="每名代表只列一次，且至少一名",
        )
    days = sorted(set(dates))
    builder = ExplanationBuilder(
        Text(f"{station} 党代表驻站轮值", f"Delegate duty rota at {station}")
    )
    p = resolve(policy, at or (days[0] if days else None), builder)
    away = {p: frozenset((unavailable or {}).get(p, ())) for p in people}
    need = p.duty_per_day
    available = {d: [p for p in people if d not in away[p]] for d in days}
    short = [d for d in days if len(available[d]) < need]
    if short:
        raise RotaError(
            "cannot cover "
            + ", ".join(f"{d} ({len(available[d])} of {need} available)" for d in short),
            field="dates",
            rule="M-4",
            zh="无法排满："
            + "，".join(f"{d}（需 {need} 人，只有 {len(available[d])} 人有空）" for d in short),
        )
    counts = dict.fromkeys(people, 0)
    duty: dict[dt.date, list[str]] = {}
    for day in sorted(days, key=lambda d: (len(available[d]), d)):
        chosen = sorted(available[day], key=lambda p: (counts[p], p))[:need]
        duty[day] = chosen
        for person in chosen:
            counts[person] += 1
    moved = True
    while moved:
        moved = False
        for day in days:
            for person in list(duty[day]):
                candidates = [
                    q
                    for q in available[day]
                    if q not in duty[day] and counts[q] <= counts[person] - 2
                ]
                if candidates:
                    q = min(candidates, key=lambda c: (counts[c], c))
                    duty[day][duty[day].index(person)] = q
                    counts[person] -= 1
                    counts[q] += 1
                    moved = True
    builder.input("delegates", len(people))
    builder.input("dates", len(days))
    builder.step("每人值班次数", "duties per delegate", counts, rule="M-4")
    spread = max(counts.values()) - min(counts.values())
    return Rota(
        station=station,
        assignments=tuple((d, tuple(sorted(duty[d]))) for d in days),
        counts=counts,
        explanation=builder.build(
            Text(
                f"{len(days)} 天全部排定，值班次数最多相差 {spread}",
                f"{len(days)} dates covered; counts differ by at most {spread}",
            )
        ),
    )
