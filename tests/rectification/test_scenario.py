"""A failing unit's whole rectification, end to end (E-6, R-1..R-3)."""

from __future__ import annotations

import datetime as dt

import pytest

from community_governance.errors import (
    DeadlinePassedError,
    EligibilityError,
    InvalidTransition,
    MissingSignOffError,
    ObjectionWindowClosedError,
    OwnCaseSupervisionError,
    UnansweredDemandError,
    UnresolvedObjectionError,
)
from community_governance.evaluation import (
    evaluate_quarter,
)
from community_governance.rectification import (
    AnswerDemand,
    CaseState,
    CorrectionDemand,
    Objection,
    PeerNote,
    Return,
    SignOff,
    StartRectifying,
    Submit,
    Supervise,
    Verify,
    announce,
    apply,
    due_actions,
    status_at,
)
from community_governance.vocabulary import Grade, SupervisionLevel
from tests.rectification.scenario import COMMUNITY, Q2, RULES, q2_inputs, q2_result


def test_the_full_scenario() -> None:
    """E-6, R-1..R-3: fail, announce, dismiss, issue, answer demands, return, verify."""
    result = q2_result()
    assert [(o.unit_id, o.grade) for o in result.rectification_orders] == [("D", Grade.FAILED)]

    # announced for 7 days; D objects within the window, and is dismissed.
    board = announce(COMMUNITY, result, dt.date(2026, 7, 6), RULES)
    assert board.window_ends == dt.date(2026, 7, 13)
    board = board.object(
        Objection(
            "obj-1",
            "D",
            "unit_representative",
            "D",
            "our survey came in a rainy week",
            dt.date(2026, 7, 8),
        )
    )
    with pytest.raises(UnresolvedObjectionError, match="obj-1"):
        board.take_effect(dt.date(2026, 7, 14), RULES)
    with pytest.raises(ObjectionWindowClosedError, match="2026-07-13"):
        board.object(
            Objection("obj-2", "B", "unit_representative", "D", "late", dt.date(2026, 7, 14))
        )
    board = board.dismiss(
        "obj-1", reason="weather is no ground: the sample is random", at=dt.date(2026, 7, 10)
    )

    # E-6: the case opens when the results take effect, with a 30-day deadline.
    (case,) = board.take_effect(dt.date(2026, 7, 14), RULES)
    assert (case.unit_id, case.state, case.deadline) == (
        "D",
        CaseState.ISSUED,
        dt.date(2026, 8, 13),
    )
    with pytest.raises(InvalidTransition, match="Submit is not allowed in state issued"):
        apply(case, Submit("too early"), at=dt.date(2026, 7, 15))
    case = apply(case, StartRectifying(), at=dt.date(2026, 7, 15))

    # supervision, peer notes, two correction demands answered.
    case = apply(
        case,
        Supervise("party_organisation", "sec-chen", "visit", "site visit"),
        at=dt.date(2026, 7, 16),
    )
    case = apply(case, PeerNote("B", "bins at gate 2 still full"), at=dt.date(2026, 7, 17))
    case = apply(
        case, CorrectionDemand("dm-1", "B", "empty the bins twice daily"), at=dt.date(2026, 7, 18)
    )
    case = apply(
        case, CorrectionDemand("dm-2", "C", "post the cleaning rota"), at=dt.date(2026, 7, 19)
    )
    with pytest.raises(OwnCaseSupervisionError, match="other_member_unit"):
        apply(case, PeerNote("D", "we are doing fine"), at=dt.date(2026, 7, 19))
    with pytest.raises(UnansweredDemandError, match="demands_answered"):
        apply(case, Submit("done"), at=dt.date(2026, 7, 20))
    case = apply(case, AnswerDemand("dm-1", "twice daily since 21 July"), at=dt.date(2026, 7, 21))
    case = apply(case, AnswerDemand("dm-2", "rota posted at both gates"), at=dt.date(2026, 7, 22))

    # Submitted, returned once, resubmitted, then three sign-offs and verification.
    case = apply(case, Submit("bins emptied twice daily; rota posted"), at=dt.date(2026, 7, 25))
    case = apply(case, Return("sec-chen", "no photos of the gates"), at=dt.date(2026, 7, 27))
    case = apply(case, StartRectifying(), at=dt.date(2026, 7, 28))
    case = apply(case, Submit("with photos"), at=dt.date(2026, 8, 1))
    case = apply(case, SignOff("party_organisation", "sec-chen"), at=dt.date(2026, 8, 3))
    case = apply(case, SignOff("member_unit_representatives", "rep-B"), at=dt.date(2026, 8, 3))
    with pytest.raises(MissingSignOffError, match="all_signed_off"):
        apply(case, Verify("sec-chen"), at=dt.date(2026, 8, 4))
    assert [a.kind for a in due_actions([case], dt.date(2026, 8, 4), RULES)] == ["sign_off"]
    case = apply(case, SignOff("居民代表", "rr-wang"), at=dt.date(2026, 8, 5))
    case = apply(case, Verify("sec-chen"), at=dt.date(2026, 8, 6))

    assert case.closed
    assert set(case.signoffs) == set(SupervisionLevel)
    assert status_at(case, dt.date(2026, 7, 26)) is CaseState.SUBMITTED
    assert status_at(case, dt.date(2026, 7, 27)) is CaseState.RETURNED
    assert status_at(case, dt.date(2026, 8, 6)) is CaseState.VERIFIED
    assert status_at(case, dt.date(2026, 7, 1)) is None
    assert due_actions([case], dt.date(2026, 8, 7), RULES) == ()
    with pytest.raises(InvalidTransition, match="verified"):
        apply(case, PeerNote("B", "after closure"), at=dt.date(2026, 8, 7))
    with pytest.raises(DeadlinePassedError):
        apply(
            apply(
                board.take_effect(dt.date(2026, 7, 14), RULES)[0],
                StartRectifying(),
                at=dt.date(2026, 7, 15),
            ),
            CorrectionDemand("dm-9", "B", "late"),
            at=dt.date(2026, 9, 1),
        )


def test_an_upheld_objection_corrects_and_re_announces() -> None:
    """R-1: an upheld objection replaces the results, reopens the window, and keeps the old ones."""
    result = q2_result()
    board = announce(COMMUNITY, result, dt.date(2026, 7, 6), RULES)
    board = board.object(
        Objection(
            "o1",
            "rr-wang",
            "居民代表",
            "C",
            "C's survey counted a closed project",
            dt.date(2026, 7, 7),
        )
    )
    book, survey = q2_inputs(
        {"A": 92, "B": 85, "C": 75, "D": 75}, dict.fromkeys("ABCD", "satisfied")
    )
    corrected = evaluate_quarter(COMMUNITY, Q2, book, survey, policy=RULES, at=dt.date(2026, 7, 9))
    board = board.uphold(
        "o1", reason="recounted", at=dt.date(2026, 7, 9), corrected=corrected, policy=RULES
    )
    assert board.result is corrected
    assert (board.announced_on, board.window_ends) == (dt.date(2026, 7, 9), dt.date(2026, 7, 16))
    assert board.superseded == ((dt.date(2026, 7, 6), result),)
    with pytest.raises(UnresolvedObjectionError, match="window"):
        board.take_effect(dt.date(2026, 7, 14), RULES)
    assert board.take_effect(dt.date(2026, 7, 17), RULES) == ()
    with pytest.raises(EligibilityError, match="resident representative"):
        board.object(Objection("o2", "x", "volunteer", "C", "grounds", dt.date(2026, 7, 10)))
