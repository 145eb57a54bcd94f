"""Reminders as data: who must do what by when (E-6, R-2, R-3).

[`due_actions`][community_governance.rectification.reminders.due_actions] is a pure function of the
cases, the date and the policy. A
municipal application turns its rows into notifications; nothing here sends
anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs

from community_governance.explain import Explanation, ExplanationBuilder, Text
from community_governance.policy.loader import resolve
from community_governance.policy.model import Policy
from community_governance.policy.schema import PolicySnapshot
from community_governance.rectification.case import CaseState, RectificationCase

__all__ = ["DueAction", "DueActions", "due_actions"]

_WORKING = (CaseState.ISSUED, CaseState.RECTIFYING, CaseState.RETURNED)


@attrs.frozen
class DueAction:
    """One thing one party must do on one case.

    Attributes:
        case_id: the case.
        party: who must act (a unit id, a supervision level's code, or
            ``party_organisation``).
        kind: a stable code: ``submit``, ``answer_demand``, ``sign_off``,
            ``mark_overdue``, ``escalate``.
        text: what to do, in Chinese and English.
        due: by when, if there is a date.
        urgent: due within the policy's reminder window, or already late.
    """

    case_id: str
    party: str
    kind: str
    text: Text
    due: dt.date | None
    urgent: bool


class DueActions(tuple[DueAction, ...]):
    """The actions due, as a tuple, with the explanation of the reminder window."""

    explanation: Explanation

    def __new__(cls, actions: Iterable[DueAction], explanation: Explanation) -> DueActions:
        """The actions, in order, carrying ``explanation``."""
        made = super().__new__(cls, actions)
        made.explanation = explanation
        return made


def due_actions(
    cases: Iterable[RectificationCase],
    at: dt.date,
    policy: Policy | PolicySnapshot | None = None,
) -> DueActions:
    """What each party must do on each open case, as of ``at`` (E-6, R-2, R-3)."""
    builder = ExplanationBuilder(Text(f"{at} 待办事项", f"Actions due on {at}"))
    days = resolve(policy, at, builder).reminder_days
    window = dt.timedelta(days=days)
    actions: list[DueAction] = []
    for case in cases:
        late = at > case.deadline
        soon = late or case.deadline - at <= window
        if case.state in _WORKING and not late:
            actions.append(
                DueAction(
                    case.case_id,
                    case.unit_id,
                    "submit",
                    Text(
                        f"在 {case.deadline} 前提交整改报告",
                        f"submit the rectification by {case.deadline}",
                    ),
                    case.deadline,
                    soon,
                )
            )
        if case.state in _WORKING and late:
            actions.append(
                DueAction(
                    case.case_id,
                    "party_organisation",
                    "mark_overdue",
                    Text(
                        "整改已逾期，请登记逾期", "the deadline has passed: mark the case overdue"
                    ),
                    case.deadline,
                    urgent=True,
                )
            )
        if case.state is not CaseState.VERIFIED:
            actions.extend(
                DueAction(
                    case.case_id,
                    case.unit_id,
                    "answer_demand",
                    Text(
                        f"答复 {case.demands[d][0]} 的纠正要求 {d}",
                        f"answer correction demand {d} of {case.demands[d][0]}",
                    ),
                    case.deadline,
                    soon,
                )
                for d in case.unanswered
            )
        if case.state is CaseState.SUBMITTED:
            actions.extend(
                DueAction(
                    case.case_id,
                    level.code,
                    "sign_off",
                    Text(f"{level.zh}签字确认整改", f"{level.en}: sign off the rectification"),
                    None,
                    urgent=False,
                )
                for level in case.missing_signoffs
            )
        if case.state is CaseState.OVERDUE:
            actions.append(
                DueAction(
                    case.case_id,
                    "party_organisation",
                    "escalate",
                    Text(
                        "逾期案件上报社区党组织",
                        "escalate the overdue case to the party organisation",
                    ),
                    None,
                    urgent=True,
                )
            )
    urgent = sum(a.urgent for a in actions)
    builder.step(
        f"提醒窗口：截止前 {days} 天", f"reminder window: {days} days before a deadline", days
    )
    return DueActions(
        actions,
        builder.build(
            Text(f"{len(actions)} 项待办，{urgent} 项紧急", f"{len(actions)} due, {urgent} urgent")
        ),
    )
