"""Who does what: matters, the self-governance list, and the access system (M-1, M-3, M-5).

* M-5: the residents' committee's
[`SelfGovernanceList`][community_governance.management.access.SelfGovernanceList] names the matters
  it takes on; it marks where government stops and the community starts.
* M-1: [`propose_hand_back`][community_governance.management.access.propose_hand_back] proposes
returning a matter to residents or
  community organisations when they can settle it and no law reserves it.
* M-3: [`admit_matter`][community_governance.management.access.admit_matter] is the
community-affairs access system. A matter a
  government department wants to push down is admitted only if it comes with
  the authority to act (authority follows responsibility), with funding that
  covers its cost (funding follows the matter), and is on the approved access
  list; a refusal names every unmet condition.
  [`AccessRegister`][community_governance.management.access.AccessRegister] keeps
  the admitted matters, and
  [`AccessRegister.burden`][community_governance.management.access.AccessRegister.burden] reports
  the load for
  a period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

import attrs

from community_governance.errors import EligibilityError
from community_governance.explain import Explanation, ExplanationBuilder, Text
from community_governance.numbers import as_amount, as_count
from community_governance.vocabulary import OrganisationKind

__all__ = [
    "AccessDecision",
    "AccessRegister",
    "AccessRequest",
    "BurdenReport",
    "HandBack",
    "Matter",
    "SelfGovernanceList",
    "admit_matter",
    "propose_hand_back",
]

_SELF_GOVERNING = frozenset(
    {
        OrganisationKind.RESIDENTS_COMMITTEE,
        OrganisationKind.OWNERS_COMMITTEE,
        OrganisationKind.SOCIAL_ORGANISATION,
    }
)


def _kind(value: OrganisationKind | str) -> OrganisationKind:
    return OrganisationKind.coerce(value)


def _money(value: object) -> Decimal:
    return as_amount(value, field="funding", rule="M-3")


def _hours(value: object) -> int:
    return as_count(value, field="workload_hours", rule="M-3")


@attrs.frozen
class Matter:
    """A piece of community work (M-1, M-5).

    Attributes:
        matter_id: a stable id.
        title: what it is.
        handled_by: who handles it now.
        legal_basis: the law or regulation that assigns it, if any; a matter
            with a legal basis is reserved (除法律法规另有规定外).
        residents_can_settle: whether residents or community organisations can
            settle it themselves.
    """

    matter_id: str
    title: str
    handled_by: OrganisationKind = attrs.field(converter=_kind)
    legal_basis: str | None = None
    residents_can_settle: bool = False


def _ids(values: Iterable[str]) -> frozenset[str]:
    return frozenset(values)


@attrs.frozen
class SelfGovernanceList:
    """The residents' committee's list of self-governance matters (M-5), dated."""

    community_id: str
    valid_from: dt.date
    matter_ids: frozenset[str] = attrs.field(converter=_ids)

    def __contains__(self, matter_id: object) -> bool:
        return matter_id in self.matter_ids


@attrs.frozen
class HandBack:
    """The outcome of ``propose_hand_back``: whether to hand a matter back, and why."""

    matter_id: str
    propose: bool
    explanation: Explanation


def propose_hand_back(matter: Matter) -> HandBack:
    """Propose handing ``matter`` back to residents or community organisations (M-1).

    Proposed when residents can settle it, no law reserves it, and it is not
    already with a self-governing body.
    """
    builder = ExplanationBuilder(Text(f"事项：{matter.title}", f"Matter: {matter.title}"))
    builder.input("handled_by", matter.handled_by)
    settle = matter.residents_can_settle
    reserved = matter.legal_basis is not None
    already = matter.handled_by in _SELF_GOVERNING
    builder.step("居民和社区组织能否自行解决", "residents can settle it", settle, rule="M-1")
    builder.step("法律法规是否另有规定", "reserved by law", matter.legal_basis or False, rule="M-1")
    builder.step("是否已由自治组织承担", "already self-governed", already, rule="M-5")
    propose = settle and not reserved and not already
    outcome = (
        Text("建议逐步交还居民和社区组织", "propose handing it back to residents")
        if propose
        else Text("维持现状", "keep it where it is")
    )
    return HandBack(matter.matter_id, propose, builder.build(outcome))


@attrs.frozen
class AccessRequest:
    """A government department's request to push a matter down to the community (M-3).

    Attributes:
        request_id: a stable id.
        department: who asks.
        matter_id: which matter (checked against the approved access list).
        title: what it is.
        requested_on: the date of the request.
        authority: the power to act that comes with it (``None``: none).
        funding: the money that comes with it, in yuan.
        cost: what the matter costs the community, in yuan.
        workload_hours: the expected workload.
    """

    request_id: str
    department: str
    matter_id: str
    title: str
    requested_on: dt.date
    authority: str | None
    funding: Decimal = attrs.field(converter=_money)
    cost: Decimal = attrs.field(converter=_money)
    workload_hours: int = attrs.field(default=0, converter=_hours)


@attrs.frozen
class AccessDecision:
    """Admitted or refused, with every unmet condition named (M-3)."""

    request: AccessRequest
    admitted: bool
    unmet: tuple[Text, ...]
    explanation: Explanation


def admit_matter(request: AccessRequest, approved: Iterable[str]) -> AccessDecision:
    """The community-affairs access check (M-3): authority, funding, approved list.

    Args:
        request: what a department wants to push down.
        approved: ids of the matters on the approved access list.
    """
    approved_ids = frozenset(approved)
    builder = ExplanationBuilder(Text(f"事务准入：{request.title}", f"Access: {request.title}"))
    builder.input("department", request.department)
    builder.input("funding", request.funding)
    builder.input("cost", request.cost)
    unmet: list[Text] = []
    has_authority = bool(request.authority and request.authority.strip())
    builder.step(
        "权随责走：是否同时下放权限", "authority follows responsibility", has_authority, rule="M-3"
    )
    if not has_authority:
        unmet.append(Text("未同时下放相应权限（权随责走）", "no authority comes with it"))
    # Amounts are never negative (as_amount), so funding >= cost is the whole test.
    funded = request.funding >= request.cost
    builder.step("费随事转：经费是否覆盖成本", "funding follows the matter", funded, rule="M-3")
    if not funded:
        unmet.append(
            Text(
                f"经费 {request.funding} 元不足以覆盖成本 {request.cost} 元（费随事转）",
                f"funding {request.funding} does not cover the cost {request.cost}",
            )
        )
    listed = request.matter_id in approved_ids
    builder.step("是否在准入清单内", "on the approved access list", listed, rule="M-3")
    if not listed:
        unmet.append(
            Text(
                f"事项 {request.matter_id} 不在准入清单内",
                f"{request.matter_id} is not on the approved list",
            )
        )
    admitted = not unmet
    outcome = (
        Text("准予进入社区", "admitted")
        if admitted
        else Text(
            "不予准入：" + "；".join(t.zh for t in unmet),
            "refused: " + "; ".join(t.en for t in unmet),
        )
    )
    return AccessDecision(request, admitted, tuple(unmet), builder.build(outcome))


@attrs.frozen
class BurdenReport:
    """The load the admitted matters put on the community in a period (M-3)."""

    start: dt.date
    end: dt.date
    matters: int
    workload_hours: int
    funding: Decimal
    funding_per_matter: Fraction | None


@attrs.frozen
class AccessRegister:
    """The admitted matters, with their funding and authority (M-3). Immutable."""

    community_id: str
    admitted: tuple[AccessDecision, ...] = ()

    def register(self, decision: AccessDecision) -> AccessRegister:
        """A register with ``decision`` added.

        Raises:
            EligibilityError: the decision was a refusal, or the request is
                already registered.
        """
        if not decision.admitted:
            raise EligibilityError(
                "a refused matter cannot be registered",
                field="decision",
                rule="M-3",
                zh="已拒绝的事项不能登记",
            )
        if decision.request.request_id in {d.request.request_id for d in self.admitted}:
            raise EligibilityError("already registered", field="decision", rule="M-3", zh="已登记")
        return attrs.evolve(self, admitted=(*self.admitted, decision))

    def burden(self, start: dt.date, end: dt.date) -> BurdenReport:
        """Matters admitted from ``start`` to ``end``: count, workload, funding (M-3)."""
        within = [d.request for d in self.admitted if start <= d.request.requested_on <= end]
        funding = sum((r.funding for r in within), Decimal(0))
        return BurdenReport(
            start,
            end,
            len(within),
            sum(r.workload_hours for r in within),
            funding,
            Fraction(funding) / len(within) if within else None,
        )
