"""The deliberation team and its composition check (C-1).

The team is led by members of the party organisation and social workers, and
takes in party members and building group leaders.
[`check_team`][community_governance.consultation.team.check_team] lists
everything missing at once, so a community fixes its team in one go.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from community_governance.errors import TeamCompositionError
from community_governance.explain import Explanation, ExplanationBuilder, Text
from community_governance.vocabulary import Role

__all__ = ["DeliberationTeam", "TeamMember", "check_team"]

_LEADER_ROLES = (Role.PARTY_ORGANISATION_MEMBER, Role.SOCIAL_WORKER)
_MEMBER_ROLES = (Role.PARTY_MEMBER, Role.BUILDING_LEADER)


def _roles(values: Iterable[Role | str]) -> frozenset[Role]:
    return frozenset(r if isinstance(r, Role) else Role.from_label(r) for r in values)


@attrs.frozen
class TeamMember:
    """A person on the deliberation team, by opaque id, with roles and whether they lead."""

    person_id: str
    roles: frozenset[Role] = attrs.field(converter=_roles)
    leader: bool = False


def _members(values: Iterable[TeamMember]) -> tuple[TeamMember, ...]:
    return tuple(values)


@attrs.frozen
class DeliberationTeam:
    """A community's deliberation team (议事团队, C-1)."""

    members: tuple[TeamMember, ...] = attrs.field(converter=_members)


def check_team(team: DeliberationTeam) -> Explanation:
    """Check the team's composition (C-1) and explain it.

    Raises:
        TeamCompositionError: listing every missing role and every leader who
            is neither a party-organisation member nor a social worker.
    """
    leaders = [m for m in team.members if m.leader]
    problems = [
        (f"no leader who is a {role.en} ({role.zh})", f"没有身为{role.zh}的负责人")
        for role in _LEADER_ROLES
        if not any(role in m.roles for m in leaders)
    ]
    problems.extend(
        (f"no {role.en} ({role.zh}) on the team", f"团队中没有{role.zh}")
        for role in _MEMBER_ROLES
        if not any(role in m.roles for m in team.members)
    )
    problems.extend(
        (
            f"leader {m.person_id} is neither a party-organisation member nor a social worker",
            f"负责人 {m.person_id} 既不是党组织成员，也不是社工",
        )
        for m in leaders
        if not set(_LEADER_ROLES) & m.roles
    )
    ids = [m.person_id for m in team.members]
    if len(set(ids)) != len(ids):
        problems.append(("a person is listed twice", "同一人被列出两次"))
    if problems:
        raise TeamCompositionError(
            "; ".join(en for en, _ in problems),
            field="team.members",
            rule="C-1",
            zh="；".join(zh for _, zh in problems),
        )
    builder = ExplanationBuilder(Text("议事团队组成", "Deliberation team composition"))
    for role in (*_LEADER_ROLES, *_MEMBER_ROLES):
        holders = sorted(m.person_id for m in team.members if role in m.roles)
        builder.step(role.zh, role.en, holders, rule="C-1")
    return builder.build(Text("组成符合要求", "the team is complete"))
