"""What a public announcement (公示) says, gathered from a quarter's result (R-1, E-4, E-6).

A [`Notice`][community_governance.notice.content.Notice] holds everything a resident reads:
the results per unit under the names residents know, the honour certificates, the
rectification orders with the deadline and the supervisors they will carry once the
results take effect, the objection window, the household sample's certificate (as much
of it as the policy's ``rectification.announcement_sample`` allows), and the ledger's head
when the results were recorded in one. It is plain data; the page is drawn from it by
[`render_page`][community_governance.notice.page.render_page].
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs

from community_governance.community import Community
from community_governance.errors import EligibilityError
from community_governance.evaluation.commitment import FrameCommitment
from community_governance.evaluation.fieldwork import SurveyReturn
from community_governance.evaluation.quarter import QuarterResult
from community_governance.evaluation.sampling import SampleCertificate
from community_governance.explain import Explanation
from community_governance.frozen import frozen_map
from community_governance.ledger.checkpoint import SignedHead
from community_governance.policy.loader import resolve
from community_governance.policy.model import Policy
from community_governance.policy.schema import PolicySnapshot
from community_governance.rectification.announcement import objection_window
from community_governance.rectification.case import open_case
from community_governance.vocabulary import DayCount, Grade, SampleDisclosure, SupervisionLevel

__all__ = ["LedgerHead", "Notice", "OrderNotice", "build_notice"]


def _names(names: Mapping[str, str]) -> Mapping[str, str]:
    return frozen_map(names)


@attrs.frozen
class LedgerHead:
    """The ledger's head when the announcement was made, and its latest signed head.

    Attributes:
        seq: how many events the ledger held.
        hash: the chain hash of the last of them.
        signed: the latest signed checkpoint
            ([`checkpoint`][community_governance.ledger.checkpoint.checkpoint]), if any.
    """

    seq: int
    hash: str
    signed: SignedHead | None = None


@attrs.frozen
class OrderNotice:
    """A rectification order as announced: what it will require once it takes effect (E-6, R-2)."""

    unit_id: str
    grade: Grade
    score: str
    weakest: tuple[str, ...]
    issued_on: dt.date
    deadline: dt.date
    day_count: DayCount
    supervisors: tuple[SupervisionLevel, ...]


@attrs.frozen
class Notice:
    """A quarter's public announcement, in neither language yet (R-1).

    Attributes:
        result: the quarter's results.
        community_name: the community's name (its id when no community was given).
        names: each unit's name as residents know it (its id when unknown).
        announced_on: the first day of the announcement.
        window_ends: the last day objections may be filed.
        effective_on: the day the results take effect if no objection is upheld.
        window: how the window was set (R-1).
        orders: the rectification orders, with their deadlines and supervisors.
        certificate: the household sample's certificate, if given.
        disclosure: how much of the sample the policy lets the page show.
        ledger_head: the ledger's head, if the results were recorded in a ledger.
        policy: the policy snapshot in force on the announcement day.
        commitment: the frame's commitment, made before the seed was known (E-4), if the
            draw had one.
        response: how the sampled households answered (E-4), when the answers are known.
    """

    result: QuarterResult
    community_name: str
    names: Mapping[str, str] = attrs.field(converter=_names)
    announced_on: dt.date
    window_ends: dt.date
    effective_on: dt.date
    window: Explanation = attrs.field(eq=False, repr=False)
    orders: tuple[OrderNotice, ...]
    certificate: SampleCertificate | None
    disclosure: SampleDisclosure
    ledger_head: LedgerHead | None
    policy: PolicySnapshot = attrs.field(eq=False, repr=False)
    commitment: FrameCommitment | None = None
    response: SurveyReturn | None = None

    def name(self, unit_id: str) -> str:
        """A unit's name as residents know it (its id when no name is known)."""
        return self.names.get(unit_id, unit_id)


def build_notice(
    result: QuarterResult,
    *,
    community: Community | None = None,
    certificate: SampleCertificate | None = None,
    at: dt.date | None = None,
    policy: Policy | PolicySnapshot | None = None,
    ledger_head: LedgerHead | None = None,
    commitment: FrameCommitment | None = None,
    response: SurveyReturn | None = None,
) -> Notice:
    """The announcement of ``result`` on ``at`` (default: the day after the evaluation) (R-1).

    ``commitment`` is the frame's, which the certificate carries when the draw was made
    from a committed frame (E-4); the page shows it, or says plainly that there was none.
    ``response`` (``evaluation.fieldwork.survey_return``) is shown beside the certificate.

    Raises:
        EligibilityError: ``at`` is before the evaluation, or the community or the
            certificate is for other units or another quarter's frame.
    """
    announced_on = at or result.evaluated_on + dt.timedelta(days=1)
    if announced_on < result.evaluated_on:
        raise EligibilityError(
            "results are announced after the evaluation",
            field="at",
            rule="R-1",
            zh="结果须在考评之后公示",
        )
    units = frozenset(c.unit_id for c in result.scorecards)
    if community is not None:
        if community.community_id != result.community_id:
            raise EligibilityError(
                f"the community {community.community_id!r} is not the result's "
                f"{result.community_id!r}",
                field="community",
                rule="R-1",
                zh=f"社区 {community.community_id!r} 不是此结果所属的 {result.community_id!r}",
            )
        names: Mapping[str, str] = {u.unit_id: u.name for u in community.units}
        community_name = community.name
    else:
        names, community_name = {}, result.community_id
    rules = resolve(policy, announced_on)
    window_ends, window = objection_window(announced_on, rules)
    effective_on = window_ends + dt.timedelta(days=1)
    in_force = resolve(policy, effective_on)
    orders = []
    for order in result.rectification_orders:
        case = open_case(
            f"{result.community_id}-{result.quarter}-{order.unit_id}",
            order.unit_id,
            order.quarter,
            effective_on,
            member_units=units,
            policy=in_force,
        )
        orders.append(
            OrderNotice(
                unit_id=order.unit_id,
                grade=order.grade,
                score=str(order.score),
                weakest=order.weakest,
                issued_on=effective_on,
                deadline=case.deadline,
                day_count=case.day_count,
                supervisors=case.required_levels,
            )
        )
    return Notice(
        result=result,
        community_name=community_name,
        names={u: names.get(u, u) for u in sorted(units)},
        announced_on=announced_on,
        window_ends=window_ends,
        effective_on=effective_on,
        window=window,
        orders=tuple(orders),
        certificate=certificate,
        disclosure=rules.announcement_sample,
        ledger_head=ledger_head,
        policy=rules,
        commitment=commitment,
        response=response,
    )
