"""Routing approved projects to whoever must carry them out (C-4).

The routing table is policy data (``consultation.routing``): by default public
affairs go to the owners' committees of the compounds concerned, mobilisation
and policy publicity to the resident representatives, and specialised needs to
the co-building unit whose line of business matches. No match, or two equally
good matches for work that needs one executor, raises
[`RoutingError`][community_governance.errors.RoutingError]; a manual assignment with a
recorded reason is always possible.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs

from community_governance.community import Community, MemberUnit, Representative
from community_governance.consultation.meeting import Proposal
from community_governance.errors import RoutingError
from community_governance.explain import Explanation, ExplanationBuilder, Text
from community_governance.policy.loader import resolve
from community_governance.policy.model import Policy
from community_governance.policy.schema import PolicySnapshot
from community_governance.vocabulary import Executor, OrganisationKind, Role

__all__ = ["Assignment", "assign_manually", "route"]

_BY_COMPOUND = {
    Executor.OWNERS_COMMITTEE: OrganisationKind.OWNERS_COMMITTEE,
    Executor.PROPERTY_COMPANY: OrganisationKind.PROPERTY_COMPANY,
}
_BY_BUSINESS = {
    Executor.CO_BUILDING_UNIT: OrganisationKind.CO_BUILDING_UNIT,
    Executor.SOCIAL_WORK_AGENCY: OrganisationKind.SOCIAL_WORK_AGENCY,
}


@attrs.frozen
class Assignment:
    """Who carries out an approved project (C-4).

    Attributes:
        proposal_id: the approved proposal.
        executor: the kind of executor.
        assignees: unit ids (or, for resident representatives, person ids).
        manual: whether a person assigned it by hand.
        reason: why, for a manual assignment.
        explanation: how the assignees were found.
    """

    proposal_id: str
    executor: Executor | None
    assignees: tuple[str, ...]
    manual: bool
    reason: str | None
    explanation: Explanation


def _units(community: Community, kind: OrganisationKind) -> list[MemberUnit]:
    return [u for u in community.units if u.kind is kind]


def route(
    proposal: Proposal,
    community: Community,
    policy: Policy | PolicySnapshot | None = None,
    representatives: Iterable[Representative] = (),
    *,
    at: dt.date | None = None,
) -> Assignment:
    """Find the executor of an approved proposal by its kind of work (C-4).

    Args:
        proposal: the approved proposal.
        community: its member units (their kinds, compounds and lines of business).
        policy: the policy in force (``consultation.routing``).
        representatives: people, for work that goes to resident representatives.
        at: the date of the assignment; a ``Policy`` is read on it.

    Raises:
        RoutingError: nobody matches, or two units match a specialised need
            equally well.
    """
    builder = ExplanationBuilder(Text(f"部署：{proposal.title}", f"Routing: {proposal.title}"))
    executor = resolve(policy, at, builder).routing[proposal.work]
    builder.input("work", proposal.work)
    builder.step(
        f"按工作类型交{executor.zh}", f"by kind of work, to the {executor.en}", executor, rule="C-4"
    )
    assignees: tuple[str, ...]
    if executor in _BY_COMPOUND:
        wanted = set(proposal.compounds)
        if not wanted:
            raise RoutingError(
                f"{proposal.proposal_id} names no compound, so no {executor.en} can be found",
                field="proposal.compounds",
                rule="C-4",
                zh=f"{proposal.proposal_id} 未写明小区，无法找到{executor.zh}",
            )
        assignees = tuple(
            u.unit_id
            for u in _units(community, _BY_COMPOUND[executor])
            if wanted & set(u.compounds)
        )
        builder.input("compounds", sorted(wanted))
    elif executor in _BY_BUSINESS:
        if proposal.need is None:
            raise RoutingError(
                f"{proposal.proposal_id} names no line of business for a {executor.en}",
                field="proposal.need",
                rule="C-4",
                zh=f"{proposal.proposal_id} 未写明{executor.zh}的业务类别",
            )
        assignees = tuple(
            u.unit_id
            for u in _units(community, _BY_BUSINESS[executor])
            if proposal.need in u.business_lines
        )
        builder.input("need", proposal.need)
        if len(assignees) > 1:
            raise RoutingError(
                f"{', '.join(assignees)} match {proposal.need!r} equally well; assign one by hand "
                "with a reason",
                field="proposal.need",
                rule="C-4",
                zh=(
                    f"{', '.join(assignees)} 与 {proposal.need!r} 同样相符；"
                    "请人工指派其一并说明理由"
                ),
            )
    else:
        assignees = tuple(
            sorted(p.person_id for p in representatives if Role.RESIDENT_REPRESENTATIVE in p.roles)
        )
    if not assignees:
        raise RoutingError(
            f"no {executor.en} matches {proposal.proposal_id}; assign it by hand with a reason",
            field="proposal",
            rule="C-4",
            zh=f"没有与 {proposal.proposal_id} 相符的{executor.zh}；请人工指派并说明理由",
        )
    builder.step("承办方", "assigned to", list(assignees), rule="C-4")
    return Assignment(
        proposal.proposal_id,
        executor,
        assignees,
        manual=False,
        reason=None,
        explanation=builder.build(
            Text(f"交 {', '.join(assignees)} 落实", f"assigned to {', '.join(assignees)}")
        ),
    )


def assign_manually(proposal: Proposal, assignees: Iterable[str], *, reason: str) -> Assignment:
    """Assign an approved proposal by hand, recording why (C-4).

    Raises:
        RoutingError: no assignee or no reason.
    """
    chosen = tuple(assignees)
    if not chosen or not reason.strip():
        raise RoutingError(
            "a manual assignment names at least one assignee and a reason",
            field="assignment",
            rule="C-4",
            zh="人工指派须至少写明一个承办方和理由",
        )
    builder = ExplanationBuilder(Text(f"部署：{proposal.title}", f"Routing: {proposal.title}"))
    builder.step("人工指定", "assigned by hand", reason, rule="C-4")
    builder.flag("manual")
    return Assignment(
        proposal.proposal_id,
        None,
        chosen,
        manual=True,
        reason=reason,
        explanation=builder.build(
            Text(f"人工指定 {', '.join(chosen)}", f"assigned by hand to {', '.join(chosen)}")
        ),
    )
