"""The named guards of a rectification case's workflow (E-6, R-2, R-3).

Each guard reads the case and the event: a step before the deadline (E-6), the sign-offs
of the levels the policy names and a reviewer's reasons (R-2), supervision by another
member unit only, within the rectification period, and every correction demand answered
before submitting (R-3). ``rectification.case`` puts them in its table, ``CASE_WORKFLOW``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from community_governance.errors import (
    DeadlinePassedError,
    GuardFailed,
    MissingSignOffError,
    OwnCaseSupervisionError,
    UnansweredDemandError,
)
from community_governance.rectification.deadlines import add_days
from community_governance.workflow import Guard

if TYPE_CHECKING:
    from community_governance.rectification.case import RectificationCase
    from community_governance.rectification.events import (
        AnswerDemand,
        CorrectionDemand,
        Extend,
        PeerNote,
        Return,
        SignOff,
        Supervise,
    )

__all__ = [
    "ALL_SIGNED",
    "BEFORE_DEADLINE",
    "DEMANDS_ANSWERED",
    "EXTENSION_RECORDED",
    "LEVEL_REQUIRED",
    "NEW_DEMAND",
    "OPEN_DEMAND",
    "OTHER_MEMBER",
    "PAST_DEADLINE",
    "REASON_GIVEN",
    "REOPENS",
    "SUPERVISOR",
    "WITHIN_PERIOD",
]


def _before_deadline(case: RectificationCase, _: object, at: dt.date) -> bool:
    return at <= case.deadline


def _past_deadline(case: RectificationCase, _: object, at: dt.date) -> bool:
    return at > case.deadline


def _demands_answered(case: RectificationCase, _: object, __: dt.date) -> bool:
    return not case.unanswered


def _all_signed(case: RectificationCase, _: object, __: dt.date) -> bool:
    return not case.missing_signoffs


def _level_required(case: RectificationCase, event: SignOff, _: dt.date) -> bool:
    return (
        event.level in case.required_levels and event.level not in case.signoffs and bool(event.by)
    )


def _reason(_: RectificationCase, event: Return, __: dt.date) -> bool:
    return bool(event.reason.strip() and event.by.strip())


def _extension_recorded(_: RectificationCase, event: Extend, __: dt.date) -> bool:
    return event.days > 0 and bool(event.reason.strip() and event.approver.strip())


def _reopens(case: RectificationCase, event: Extend, at: dt.date) -> bool:
    return add_days(case.deadline, event.days, case.day_count) >= at


def _other_member(case: RectificationCase, event: PeerNote | CorrectionDemand, _: dt.date) -> bool:
    return event.by_unit != case.unit_id and event.by_unit in case.member_units


def _within_period(case: RectificationCase, _: object, at: dt.date) -> bool:
    return case.issued_on <= at <= case.deadline


def _new_demand(case: RectificationCase, event: CorrectionDemand, _: dt.date) -> bool:
    return event.demand_id not in case.demands


def _open_demand(case: RectificationCase, event: AnswerDemand, _: dt.date) -> bool:
    return event.demand_id in case.unanswered and bool(event.answer.strip())


def _supervisor(_: RectificationCase, event: Supervise, __: dt.date) -> bool:
    return bool(event.by.strip())


BEFORE_DEADLINE = Guard(
    "before_deadline",
    _before_deadline,
    DeadlinePassedError,
    "the deadline has passed",
    "E-6",
    why_zh="已过期限",
)
PAST_DEADLINE = Guard(
    "past_deadline",
    _past_deadline,
    GuardFailed,
    "the deadline has not passed",
    "E-6",
    why_zh="尚未到期限",
)
DEMANDS_ANSWERED = Guard(
    "demands_answered",
    _demands_answered,
    UnansweredDemandError,
    "a correction demand is unanswered",
    "R-3",
    why_zh="尚有未答复的整改要求",
)
ALL_SIGNED = Guard(
    "all_signed_off",
    _all_signed,
    MissingSignOffError,
    "a required level has not signed off",
    "R-2",
    why_zh="尚有须签认的层级未签认",
)
LEVEL_REQUIRED = Guard(
    "level_required_and_unsigned",
    _level_required,
    GuardFailed,
    "level not required, or already signed",
    "R-2",
    why_zh="该层级无须签认，或已签认",
)
REASON_GIVEN = Guard(
    "reason_given",
    _reason,
    GuardFailed,
    "a return names who and why",
    "R-2",
    why_zh="退回须写明退回人和理由",
)
EXTENSION_RECORDED = Guard(
    "extension_recorded",
    _extension_recorded,
    GuardFailed,
    "an extension needs days > 0, a reason and an approver",
    "E-6",
    why_zh="延期须有大于 0 的天数、理由和批准人",
)
REOPENS = Guard(
    "extends_past_today",
    _reopens,
    GuardFailed,
    "the new deadline is already past",
    "E-6",
    why_zh="新的期限已过",
)
OTHER_MEMBER = Guard(
    "other_member_unit",
    _other_member,
    OwnCaseSupervisionError,
    "only another member unit may supervise; never the rectifying unit itself",
    "R-3",
    why_zh="只有其他成员单位可以监督，整改单位不能监督自己",
)
WITHIN_PERIOD = Guard(
    "within_period",
    _within_period,
    DeadlinePassedError,
    "outside the rectification period",
    "R-3",
    why_zh="不在整改期内",
)
NEW_DEMAND = Guard(
    "new_demand_id",
    _new_demand,
    GuardFailed,
    "a demand with this id exists",
    "R-3",
    why_zh="已有此编号的整改要求",
)
OPEN_DEMAND = Guard(
    "open_demand",
    _open_demand,
    GuardFailed,
    "no such unanswered demand, or an empty answer",
    "R-3",
    why_zh="没有此项未答复的整改要求，或答复为空",
)
SUPERVISOR = Guard(
    "supervisor_named",
    _supervisor,
    GuardFailed,
    "a record names who made it",
    "R-2",
    why_zh="记录须写明记录人",
)
