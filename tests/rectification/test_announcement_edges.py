"""The announcement, objections and reminders at their exact edges (R-1, E-6, R-2, R-3).

Golden explanations and known answers; the first and last day of the objection window; each
refusal of an objection or a resolution with its class, ``field`` and ``rule``; the reminder
window's edge; the dated policy read on the right day.
"""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from community_governance.errors import (
    EligibilityError,
    GovernanceError,
    ObjectionWindowClosedError,
    UnknownUnitError,
    UnresolvedObjectionError,
)
from community_governance.evaluation import evaluate_quarter
from community_governance.explain import Text
from community_governance.rectification import (
    Announcement,
    CaseState,
    CorrectionDemand,
    DueAction,
    MarkOverdue,
    Objection,
    ObjectionOutcome,
    SignOff,
    StartRectifying,
    Submit,
    Verify,
    announce,
    apply,
    due_actions,
)
from community_governance.rectification.announcement import objection_window
from community_governance.vocabulary import DayCount
from tests.rectification.scenario import COMMUNITY, POLICY, Q2, q2_inputs, q2_result

ANNOUNCED = dt.date(2026, 7, 6)
WINDOW_ENDS = dt.date(2026, 7, 13)
RESULT = q2_result()


def _board() -> Announcement:
    return announce(COMMUNITY, RESULT, ANNOUNCED, POLICY)


def _objection(**changes: object) -> Objection:
    fields: dict[str, object] = {
        "objection_id": "o1",
        "by": "A",
        "by_role": "unit_representative",
        "unit_concerned": "C",
        "grounds": "a closed project was counted",
        "filed_on": ANNOUNCED,
    }
    fields.update(changes)
    return Objection(**fields)  # type: ignore[arg-type]


WINDOW_EN = """\
Public announcement of the results
Outcome: objections until 2026-07-13
Rules applied: R-1, E-6
Parameters read:
  rectification.announcement_days = 7 (R-1, from 2021-01-21)
  rectification.day_count = calendar (E-6, from 2021-01-21)
Steps:
  1. announcement period: 7 calendar days = 2026-07-13 [R-1]"""


def test_an_announcement_explains_its_window() -> None:
    """R-1: seven calendar days by default; the golden explanation in both languages."""
    board = _board()
    assert (board.announced_on, board.window_ends) == (ANNOUNCED, WINDOW_ENDS)
    assert board.result is RESULT
    assert board.community is COMMUNITY
    assert board.explanation is not None
    assert board.explanation.to_text("en") == WINDOW_EN
    assert board.explanation.title.zh == "结果公示"
    assert board.explanation.outcome.zh == "异议期至 2026-07-13"
    assert board.explanation.steps[0].text.zh == "公示期：7 个自然日"
    assert board.effective_on() == dt.date(2026, 7, 14)


def test_the_window_reads_the_policy_on_the_day_of_announcement() -> None:
    """R-1, E-6: a shorter window in working days from 2026-07-06 applies from that day only."""
    local = POLICY.override(
        {
            "rectification.announcement_days": {"value": 3, "valid_from": "2026-07-06"},
            "rectification.day_count": "working",
        }
    )
    # Friday 3 July plus 7 working days is Tuesday 14 July; Monday 6 July plus 3 is Thursday.
    assert objection_window(dt.date(2026, 7, 3), local)[0] == dt.date(2026, 7, 14)
    ends, explanation = objection_window(ANNOUNCED, local)
    assert ends == dt.date(2026, 7, 9)
    assert explanation.steps[0].text.en == "announcement period: 3 working days (Monday to Friday)"
    assert announce(COMMUNITY, RESULT, ANNOUNCED, local).window_ends == dt.date(2026, 7, 9)


def test_announcing_needs_a_date_not_before_the_evaluation() -> None:
    """R-1: the day of the evaluation is allowed; the day before is refused."""
    assert announce(COMMUNITY, RESULT, RESULT.evaluated_on, POLICY).announced_on == dt.date(
        2026, 7, 3
    )
    with pytest.raises(EligibilityError, match="after the evaluation") as early:
        announce(COMMUNITY, RESULT, dt.date(2026, 7, 2), POLICY)
    assert (early.value.field, early.value.rule) == ("at", "R-1")


def test_objections_are_filed_on_the_first_and_last_day_of_the_window() -> None:
    """R-1: the day of announcement and the window's last day are in; the days around are not."""
    board = _board()
    first = board.object(_objection(filed_on=ANNOUNCED))
    assert first.objections == (_objection(),)
    assert first.pending == (_objection(),)
    assert first.effective_on() is None
    last = board.object(_objection(filed_on=WINDOW_ENDS, by="rr-1", by_role="居民代表"))
    assert last.objections[0].filed_on == WINDOW_ENDS
    for day in (ANNOUNCED - dt.timedelta(days=1), WINDOW_ENDS + dt.timedelta(days=1)):
        with pytest.raises(ObjectionWindowClosedError, match="objections are filed from") as late:
            board.object(_objection(filed_on=day))
        assert (late.value.field, late.value.rule) == ("objection.filed_on", "R-1")


@pytest.mark.parametrize(
    ("changes", "error", "field"),
    [
        ({"by": "Z"}, UnknownUnitError, "objection.by"),
        ({"by_role": "volunteer"}, EligibilityError, "objection.by_role"),
        ({"unit_concerned": "Q"}, EligibilityError, "objection.unit_concerned"),
        ({"grounds": "   "}, EligibilityError, "objection.grounds"),
    ],
)
def test_each_bad_objection_names_its_field_and_r_1(
    changes: dict[str, object], error: type[GovernanceError], field: str
) -> None:
    """R-1: from a member unit or resident representative, on an evaluated unit, with grounds."""
    words = {
        "objection.by": "Z",
        "objection.by_role": "resident representative",
        "objection.unit_concerned": "'Q' was not evaluated",
        "objection.grounds": "states its grounds",
    }[field]
    with pytest.raises(error, match=words) as raised:
        _board().object(_objection(**changes))
    assert (raised.value.field, raised.value.rule) == (field, "R-1")


def test_an_objection_id_is_used_once() -> None:
    """R-1: a second objection with the same id is refused; the first stays."""
    board = _board().object(_objection())
    with pytest.raises(EligibilityError, match="with this id exists") as raised:
        board.object(_objection(by="B"))
    assert (raised.value.field, raised.value.rule) == ("objection", "R-1")
    assert board.objections == (_objection(),)


def test_dismissing_records_the_outcome_reason_and_day() -> None:
    """R-1: only the dismissed objection changes; the results take effect after the window."""
    board = _board().object(_objection()).object(_objection(objection_id="o2", by="B"))
    done = board.dismiss("o1", reason="counted correctly", at=ANNOUNCED)
    first, second = done.objections
    assert (first.outcome, first.reason, first.resolved_on) == (
        ObjectionOutcome.DISMISSED,
        "counted correctly",
        ANNOUNCED,
    )
    assert second == _objection(objection_id="o2", by="B")
    assert done.pending == (second,)
    assert done.result is RESULT
    assert ObjectionOutcome.DISMISSED.zh == "异议不成立"


@pytest.mark.parametrize(
    ("objection_id", "reason", "day", "field", "words"),
    [
        ("o9", "why", ANNOUNCED, "objection_id", "no pending objection 'o9'"),
        ("o1", "  ", ANNOUNCED, "reason", "states its reason"),
        ("o1", "why", ANNOUNCED - dt.timedelta(days=1), "on", "before it was filed"),
    ],
)
def test_each_bad_resolution_names_its_field_and_r_1(
    objection_id: str, reason: str, day: dt.date, field: str, words: str
) -> None:
    """R-1: an unknown or settled objection, a blank reason, a day before it was filed."""
    board = _board().object(_objection())
    with pytest.raises(EligibilityError, match=words) as dismissed:
        board.dismiss(objection_id, reason=reason, at=day)
    assert (dismissed.value.field, dismissed.value.rule) == (field, "R-1")
    with pytest.raises(EligibilityError, match=words) as upheld:
        board.uphold(objection_id, reason=reason, at=day, corrected=RESULT, policy=POLICY)
    assert (upheld.value.field, upheld.value.rule) == (field, "R-1")
    settled = board.dismiss("o1", reason="fine", at=ANNOUNCED)
    with pytest.raises(EligibilityError, match="no pending objection"):
        settled.dismiss("o1", reason="again", at=ANNOUNCED)


def test_upholding_re_announces_the_corrected_results() -> None:
    """R-1: the corrected results replace the old ones, with a new window read on the day."""
    book, survey = q2_inputs(
        {"A": 92, "B": 85, "C": 75, "D": 75}, dict.fromkeys("ABCD", "satisfied")
    )
    corrected = evaluate_quarter(COMMUNITY, Q2, book, survey, policy=POLICY, at=dt.date(2026, 7, 9))
    local = POLICY.override(
        {"rectification.announcement_days": {"value": 2, "valid_from": "2026-07-09"}}
    )
    board = _board().object(_objection())
    upheld = board.uphold(
        "o1", reason="recounted", corrected=corrected, at=dt.date(2026, 7, 9), policy=local
    )
    assert (upheld.announced_on, upheld.window_ends) == (dt.date(2026, 7, 9), dt.date(2026, 7, 11))
    assert upheld.result is corrected
    assert upheld.superseded == ((ANNOUNCED, RESULT),)
    assert upheld.objections[0].outcome is ObjectionOutcome.UPHELD
    assert upheld.objections[0].resolved_on == dt.date(2026, 7, 9)
    assert upheld.explanation is not None
    assert upheld.explanation.outcome.en == "objections until 2026-07-11"
    other = attrs.evolve(corrected, quarter=Q2.next())
    with pytest.raises(EligibilityError, match="another community or quarter") as raised:
        board.uphold("o1", reason="x", corrected=other, at=dt.date(2026, 7, 9), policy=POLICY)
    assert (raised.value.field, raised.value.rule) == ("corrected", "R-1")
    by_local = board.uphold(
        "o1", reason="recounted", corrected=corrected, at=dt.date(2026, 7, 9), policy=local
    )
    assert (by_local.announced_on, by_local.window_ends) == (
        dt.date(2026, 7, 9),
        dt.date(2026, 7, 11),
    )


def test_results_take_effect_the_day_after_the_window_and_open_the_cases() -> None:
    """R-1, E-6: not on the window's last day; the day after opens one case per order."""
    board = _board()
    with pytest.raises(UnresolvedObjectionError, match="window runs until") as early:
        board.take_effect(WINDOW_ENDS, POLICY)
    assert (early.value.field, early.value.rule) == ("at", "R-1")
    pending = board.object(_objection())
    with pytest.raises(UnresolvedObjectionError, match=r"\['o1'\] are unresolved") as waiting:
        pending.take_effect(dt.date(2026, 7, 14), POLICY)
    assert (waiting.value.field, waiting.value.rule) == ("objections", "R-1")
    local = POLICY.override(
        {"rectification.deadline_days": {"value": 10, "valid_from": "2026-07-14"}}
    )
    (case,) = board.take_effect(dt.date(2026, 7, 14), local)
    assert (case.case_id, case.unit_id, case.quarter) == ("haibin-2026Q2-D", "D", Q2)
    assert (case.issued_on, case.deadline) == (dt.date(2026, 7, 14), dt.date(2026, 7, 24))
    assert case.member_units == frozenset("ABCD")
    assert board.take_effect(dt.date(2026, 7, 13) + dt.timedelta(days=1), POLICY)[0].deadline == (
        dt.date(2026, 8, 13)
    )


# -- reminders -----------------------------------------------------------------------------

REMINDERS_EN = """\
Actions due on 2026-08-06
Outcome: 6 due, 3 urgent
Rules applied: E-6
Parameters read:
  rectification.reminder_days = 7 (E-6, from 2021-01-21)
Steps:
  1. reminder window: 7 days before a deadline = 7"""


def test_due_actions_list_each_partys_task_with_its_urgency() -> None:
    """E-6, R-2, R-3: a known answer over cases in every state that owes something."""
    (case,) = _board().take_effect(dt.date(2026, 7, 14), POLICY)  # deadline 13 August
    rectifying = apply(case, StartRectifying(), at=dt.date(2026, 7, 14))
    demanded = apply(rectifying, CorrectionDemand("d1", "A", "sweep"), at=dt.date(2026, 7, 15))
    submitted = apply(rectifying, Submit("report"), at=dt.date(2026, 7, 20))
    overdue = apply(rectifying, MarkOverdue(), at=dt.date(2026, 8, 14))
    actions = due_actions([demanded, submitted, overdue], dt.date(2026, 8, 6), POLICY)
    deadline = dt.date(2026, 8, 13)
    assert list(actions) == [
        DueAction(
            "haibin-2026Q2-D",
            "D",
            "submit",
            Text("在 2026-08-13 前提交整改报告", "submit the rectification by 2026-08-13"),
            deadline,
            urgent=True,
        ),
        DueAction(
            "haibin-2026Q2-D",
            "D",
            "answer_demand",
            Text("答复 A 的纠正要求 d1", "answer correction demand d1 of A"),
            deadline,
            urgent=True,
        ),
        DueAction(
            "haibin-2026Q2-D",
            "party_organisation",
            "sign_off",
            Text(
                "社区党组织签字确认整改", "community party organisation: sign off the rectification"
            ),
            None,
            urgent=False,
        ),
        DueAction(
            "haibin-2026Q2-D",
            "member_unit_representatives",
            "sign_off",
            Text(
                "组团单位代表签字确认整改",
                "member-unit representatives: sign off the rectification",
            ),
            None,
            urgent=False,
        ),
        DueAction(
            "haibin-2026Q2-D",
            "resident_representatives",
            "sign_off",
            Text("居民代表签字确认整改", "resident representatives: sign off the rectification"),
            None,
            urgent=False,
        ),
        DueAction(
            "haibin-2026Q2-D",
            "party_organisation",
            "escalate",
            Text("逾期案件上报社区党组织", "escalate the overdue case to the party organisation"),
            None,
            urgent=True,
        ),
    ]
    assert actions.explanation.to_text("en") == REMINDERS_EN
    assert actions.explanation.outcome.zh == "6 项待办，3 项紧急"
    assert actions.explanation.title.zh == "2026-08-06 待办事项"
    assert actions.explanation.steps[0].text.zh == "提醒窗口：截止前 7 天"


def test_a_case_past_its_deadline_asks_the_party_organisation_to_mark_it_overdue() -> None:
    """E-6: the known answer of the day after the deadline, for a case still being worked on."""
    (case,) = _board().take_effect(dt.date(2026, 7, 14), POLICY)
    (action,) = due_actions([case], dt.date(2026, 8, 14), POLICY)
    assert action == DueAction(
        "haibin-2026Q2-D",
        "party_organisation",
        "mark_overdue",
        Text("整改已逾期，请登记逾期", "the deadline has passed: mark the case overdue"),
        dt.date(2026, 8, 13),
        urgent=True,
    )


@pytest.mark.parametrize(
    ("day", "kinds", "urgent"),
    [
        (dt.date(2026, 8, 5), ["submit", "answer_demand"], [False, False]),
        (dt.date(2026, 8, 6), ["submit", "answer_demand"], [True, True]),
        (dt.date(2026, 8, 13), ["submit", "answer_demand"], [True, True]),
        (dt.date(2026, 8, 14), ["mark_overdue", "answer_demand"], [True, True]),
    ],
)
def test_the_reminder_window_and_the_deadline_day_are_exact(
    day: dt.date, kinds: list[str], urgent: list[bool]
) -> None:
    """E-6: urgent from exactly seven days before; submit on the deadline; overdue after it."""
    (case,) = _board().take_effect(dt.date(2026, 7, 14), POLICY)
    case = apply(case, CorrectionDemand("d1", "A", "sweep"), at=dt.date(2026, 7, 15))
    actions = due_actions([case], day, POLICY)
    assert [a.kind for a in actions] == kinds
    assert [a.urgent for a in actions] == urgent
    assert actions[-1].party == "D"


def test_the_reminder_window_is_policy_data_read_on_the_day() -> None:
    """E-6: a three-day window from 2026-08-08 makes the 7th not urgent, the 10th urgent."""
    local = POLICY.override(
        {"rectification.reminder_days": {"value": 3, "valid_from": "2026-08-08"}}
    )
    (case,) = _board().take_effect(dt.date(2026, 7, 14), POLICY)
    assert [a.urgent for a in due_actions([case], dt.date(2026, 8, 7), local)] == [True]
    assert [a.urgent for a in due_actions([case], dt.date(2026, 8, 9), local)] == [False]
    assert [a.urgent for a in due_actions([case], dt.date(2026, 8, 10), local)] == [True]


def test_a_verified_case_owes_nothing() -> None:
    """R-2: a verified case with an answered history gives no action; the window still reads."""
    (case,) = _board().take_effect(dt.date(2026, 7, 14), POLICY)
    submitted = apply(
        apply(case, StartRectifying(), at=case.issued_on), Submit("r"), at=case.issued_on
    )
    for level in submitted.missing_signoffs:
        submitted = apply(submitted, SignOff(level, "li"), at=case.issued_on)
    verified = apply(submitted, Verify("chair"), at=case.issued_on)
    assert verified.state is CaseState.VERIFIED
    actions = due_actions([verified], dt.date(2026, 9, 1), POLICY)
    assert list(actions) == []
    assert actions.explanation.outcome.en == "0 due, 0 urgent"
    assert DayCount.CALENDAR.en == "calendar days"
