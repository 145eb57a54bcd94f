"""Public announcement of a quarter's results, objections, and taking effect (R-1, E-6).

[`announce`][community_governance.rectification.announcement.announce] publishes a
[`QuarterResult`][community_governance.evaluation.quarter.QuarterResult]
on a date for the policy's period (``rectification.announcement_days``,
counted as ``rectification.day_count`` says). Within the window a member unit
or a resident representative may object, with grounds. Every objection is
resolved before the results take effect: *dismissed* with a reason, or
*upheld* — the affected result is corrected and announced again, with a new
window.
[`Announcement.take_effect`][community_governance.rectification.announcement.Announcement.take_effect]
then opens one rectification case per rectification order, with its deadline from the policy (E-6).
"""

from __future__ import annotations

import datetime as dt

import attrs

from community_governance.community import Community
from community_governance.errors import (
    EligibilityError,
    ObjectionWindowClosedError,
    UnresolvedObjectionError,
)
from community_governance.evaluation.quarter import QuarterResult
from community_governance.explain import Explanation, ExplanationBuilder, Text
from community_governance.policy.loader import resolve
from community_governance.policy.model import Policy
from community_governance.policy.schema import PolicySnapshot
from community_governance.rectification.case import RectificationCase, open_case
from community_governance.rectification.deadlines import add_days
from community_governance.vocabulary import BilingualEnum, Role

__all__ = ["Announcement", "Objection", "ObjectionOutcome", "announce", "objection_window"]


class ObjectionOutcome(BilingualEnum):
    """How an objection to announced results ended (R-1)."""

    PENDING = ("pending", "待处理", "pending")
    UPHELD = ("upheld", "异议成立", "upheld")
    DISMISSED = ("dismissed", "异议不成立", "dismissed")


def _role(value: Role | str) -> Role:
    return Role.coerce(value)


@attrs.frozen
class Objection:
    """An objection to announced results, with its grounds and outcome (R-1)."""

    objection_id: str
    by: str
    by_role: Role = attrs.field(converter=_role)
    unit_concerned: str = ""
    grounds: str = ""
    filed_on: dt.date = dt.date.min
    outcome: ObjectionOutcome = ObjectionOutcome.PENDING
    reason: str | None = None
    resolved_on: dt.date | None = None


@attrs.frozen
class Announcement:
    """A quarter's results as publicly announced, with objections and re-announcements (R-1).

    Attributes:
        community: the community whose units were evaluated.
        result: the results as they now stand.
        announced_on: the date of the (latest) announcement.
        window_ends: the last day objections may be filed.
        objections: every objection, in the order filed.
        superseded: earlier results replaced by an upheld objection, with the
            date they were announced.
        explanation: how the (latest) objection window was set (R-1).
    """

    community: Community
    result: QuarterResult
    announced_on: dt.date
    window_ends: dt.date
    objections: tuple[Objection, ...] = ()
    superseded: tuple[tuple[dt.date, QuarterResult], ...] = ()
    explanation: Explanation | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def pending(self) -> tuple[Objection, ...]:
        """Objections not yet resolved."""
        return tuple(o for o in self.objections if o.outcome is ObjectionOutcome.PENDING)

    def object(self, objection: Objection) -> Announcement:
        """File an objection (R-1).

        Raises:
            ObjectionWindowClosedError: filed outside the announcement window.
            EligibilityError: the objector is neither a member unit nor a
                resident representative, the unit concerned was not
                evaluated, the id is taken, or no grounds are given.
        """
        if not self.announced_on <= objection.filed_on <= self.window_ends:
            raise ObjectionWindowClosedError(
                f"objections are filed from {self.announced_on} to {self.window_ends}, "
                f"not on {objection.filed_on}",
                field="objection.filed_on",
                rule="R-1",
                zh=(
                    f"异议的提出期为 {self.announced_on} 至 {self.window_ends}，"
                    f"而不是 {objection.filed_on}"
                ),
            )
        if objection.by_role is Role.UNIT_REPRESENTATIVE:
            self.community.check_units([objection.by], "objection.by", "R-1")
        elif objection.by_role is not Role.RESIDENT_REPRESENTATIVE:
            raise EligibilityError(
                "objections come from a member unit or a resident representative",
                field="objection.by_role",
                rule="R-1",
                zh="异议须由成员单位或居民代表提出",
            )
        if objection.unit_concerned not in {c.unit_id for c in self.result.scorecards}:
            raise EligibilityError(
                f"{objection.unit_concerned!r} was not evaluated",
                field="objection.unit_concerned",
                rule="R-1",
                zh=f"{objection.unit_concerned!r} 未参加考评",
            )
        if not objection.grounds.strip():
            raise EligibilityError(
                "an objection states its grounds",
                field="objection.grounds",
                rule="R-1",
                zh="异议须写明理由",
            )
        if objection.objection_id in {o.objection_id for o in self.objections}:
            raise EligibilityError(
                "an objection with this id exists",
                field="objection",
                rule="R-1",
                zh="已有此编号的异议",
            )
        return attrs.evolve(self, objections=(*self.objections, objection))

    def _resolve(
        self, objection_id: str, outcome: ObjectionOutcome, reason: str, on: dt.date
    ) -> tuple[Objection, ...]:
        found = [o for o in self.pending if o.objection_id == objection_id]
        if not found:
            raise EligibilityError(
                f"no pending objection {objection_id!r}",
                field="objection_id",
                rule="R-1",
                zh=f"没有待处理的异议 {objection_id!r}",
            )
        if not reason.strip():
            raise EligibilityError(
                "a resolution states its reason",
                field="reason",
                rule="R-1",
                zh="处理结果须写明理由",
            )
        if on < found[0].filed_on:
            raise EligibilityError(
                "resolved before it was filed", field="on", rule="R-1", zh="处理日期早于提出日期"
            )
        return tuple(
            attrs.evolve(o, outcome=outcome, reason=reason, resolved_on=on)
            if o.objection_id == objection_id
            else o
            for o in self.objections
        )

    def dismiss(
        self,
        objection_id: str,
        *,
        reason: str,
        at: dt.date,
    ) -> Announcement:
        """Dismiss a pending objection on ``at``, with the reason (R-1)."""
        when = at
        return attrs.evolve(
            self, objections=self._resolve(objection_id, ObjectionOutcome.DISMISSED, reason, when)
        )

    def uphold(
        self,
        objection_id: str,
        *,
        reason: str,
        corrected: QuarterResult,
        at: dt.date,
        policy: Policy | PolicySnapshot | None = None,
    ) -> Announcement:
        """Uphold an objection: the corrected results are announced again on ``at`` (R-1)."""
        on = at
        objections = self._resolve(objection_id, ObjectionOutcome.UPHELD, reason, on)
        if (corrected.community_id, corrected.quarter) != (
            self.result.community_id,
            self.result.quarter,
        ):
            raise EligibilityError(
                "the corrected results are for another community or quarter",
                field="corrected",
                rule="R-1",
                zh="更正后的结果属于另一社区或季度",
            )
        window_ends, explanation = objection_window(on, policy)
        return attrs.evolve(
            self,
            result=corrected,
            announced_on=on,
            window_ends=window_ends,
            objections=objections,
            superseded=(*self.superseded, (self.announced_on, self.result)),
            explanation=explanation,
        )

    def effective_on(self) -> dt.date | None:
        """The first day the results can take effect (``None`` while objections are pending)."""
        return None if self.pending else self.window_ends + dt.timedelta(days=1)

    def take_effect(
        self, at: dt.date, policy: Policy | PolicySnapshot | None = None
    ) -> tuple[RectificationCase, ...]:
        """Open a rectification case for every rectification order (E-6, R-1).

        Raises:
            UnresolvedObjectionError: an objection is pending, or the window
                has not ended.
        """
        if self.pending:
            raise UnresolvedObjectionError(
                f"objection(s) {[o.objection_id for o in self.pending]} are unresolved",
                field="objections",
                rule="R-1",
                zh=f"异议 {[o.objection_id for o in self.pending]} 尚未处理",
            )
        if at <= self.window_ends:
            raise UnresolvedObjectionError(
                f"the announcement window runs until {self.window_ends}",
                field="at",
                rule="R-1",
                zh=f"公示期到 {self.window_ends} 为止",
            )
        units = frozenset(self.community.unit_ids)
        snapshot = resolve(policy, at)
        return tuple(
            open_case(
                f"{self.result.community_id}-{self.result.quarter}-{order.unit_id}",
                order.unit_id,
                order.quarter,
                at,
                policy=snapshot,
                member_units=units,
            )
            for order in self.result.rectification_orders
        )


def objection_window(
    at: dt.date, policy: Policy | PolicySnapshot | None = None
) -> tuple[dt.date, Explanation]:
    """The last day objections may be filed to results announced on ``at``, explained (R-1)."""
    builder = ExplanationBuilder(Text("结果公示", "Public announcement of the results"))
    p = resolve(policy, at, builder)
    days, day_count = p.announcement_days, p.day_count
    ends = add_days(at, days, day_count)
    builder.step(
        f"公示期：{days} 个{day_count.zh}",
        f"announcement period: {days} {day_count.en}",
        ends,
        rule="R-1",
    )
    return ends, builder.build(Text(f"异议期至 {ends}", f"objections until {ends}"))


def announce(
    community: Community,
    result: QuarterResult,
    at: dt.date,
    policy: Policy | PolicySnapshot | None = None,
) -> Announcement:
    """Announce ``result`` publicly on ``at`` for the policy's period (R-1)."""
    when = at
    if when < result.evaluated_on:
        raise EligibilityError(
            "results are announced after the evaluation",
            field="at",
            rule="R-1",
            zh="结果须在考评之后公示",
        )
    window_ends, explanation = objection_window(when, policy)
    return Announcement(
        community=community,
        result=result,
        announced_on=when,
        window_ends=window_ends,
        explanation=explanation,
    )
