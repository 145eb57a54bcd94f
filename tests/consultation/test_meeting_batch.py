"""Recording a meeting's roll calls and ballots at once, in linear time (C-3).

``Meeting.record_all`` must be exactly ``apply`` event by event: the same meeting, or the
same first error with the meeting unchanged. A meeting document of thousands of ballots is
imported through it.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, strategies as st

from community_governance.consultation.meeting import Ballot, Meeting, advance_meeting
from community_governance.consultation.meeting_events import ChangeVote, Close, RollCall, Vote
from community_governance.errors import (
    DuplicateBallotError,
    GovernanceError,
    InvalidTransition,
    MeetingClosedError,
)
from community_governance.vocabulary import Choice
from tests.consultation.meetings import AGENDA, RULES, open_meeting

PERSONS = ["R0", "R1", "R2", "R9"]  # R9 is not in the electorate
PROPOSALS = ["P1", "P2", "P7"]  # P7 is not on the agenda

events = st.lists(
    st.builds(
        lambda kind, person, proposal, choice: (
            RollCall(person) if kind == "roll" else kind(person, proposal, choice)
        ),
        st.sampled_from(["roll", Vote, ChangeVote]),
        st.sampled_from(PERSONS),
        st.sampled_from(PROPOSALS),
        st.sampled_from(["agree", "disagree", "abstain"]),
    ),
    max_size=25,
)


def _one_by_one(meeting: Meeting, sequence: list[Any]) -> Meeting | tuple[Any, ...]:
    try:
        for event in sequence:
            meeting = advance_meeting(meeting, event, at=meeting.held_on)
    except GovernanceError as error:
        return (type(error), error.field, error.rule, error.message)
    return meeting


@given(events, st.booleans())
def test_record_all_is_apply_event_by_event(sequence: list[Any], voted_first: bool) -> None:  # noqa: FBT001
    """C-3: the same meeting (ballots, presence, who voted) or the same first error."""
    start = open_meeting()
    if voted_first:
        start = start.vote("R1", "P1", "agree")
    expected = _one_by_one(start, sequence)
    try:
        got: Any = start.record_all(sequence)
    except GovernanceError as error:
        got = (type(error), error.field, error.rule, error.message)
    assert got == expected
    if isinstance(got, Meeting) and isinstance(expected, Meeting):
        assert (got.ballots, got.present) == (expected.ballots, expected.present)
        # What the guards read next is what they would read after one by one.
        assert _one_by_one(got, [Vote("R0", "P2", "agree")]) == _one_by_one(
            expected, [Vote("R0", "P2", "agree")]
        )


def test_a_batch_remembers_who_voted_for_the_next_ballot() -> None:
    """C-3: after a batch casts R0's ballot on P2, a second first ballot is refused."""
    recorded = open_meeting().record_all([Vote("R0", "P2", "agree")])
    with pytest.raises(DuplicateBallotError):
        recorded.vote("R0", "P2", "disagree")
    assert recorded.change_vote("R0", "P2", "disagree").counted("P2") == {"R0": Choice.DISAGREE}


def test_nothing_is_applied_when_an_event_is_refused() -> None:
    """C-3: the meeting called on is unchanged after a refused batch."""
    meeting = open_meeting()
    with pytest.raises(GovernanceError):
        meeting.record_all([Vote("R1", "P1", "agree"), Vote("R1", "P1", "agree")])
    assert meeting.ballots == ()
    assert meeting.present == frozenset()
    assert meeting.record_all([Vote("R1", "P1", "agree")]).ballots[0].person_id == "R1"


def test_a_closed_meeting_takes_no_batch_and_a_batch_does_not_close() -> None:
    """C-3: a closed meeting refuses the batch; Close is not a roll call or a ballot."""
    closed = advance_meeting(open_meeting(), Close(), at=open_meeting().held_on)
    with pytest.raises(MeetingClosedError):
        closed.record_all([RollCall("R1")])
    with pytest.raises(InvalidTransition) as refused:
        open_meeting().record_all([RollCall("R1"), Close()])  # type: ignore[list-item]
    assert (refused.value.field, refused.value.rule) == ("events", "C-3")
    assert refused.value.message.startswith("Close is not a roll call or a ballot")


def test_a_large_meeting_is_recorded_whole() -> None:
    """C-3: 2,000 representatives each vote on both proposals; one changes a ballot."""
    from community_governance.community import Representative  # noqa: PLC0415

    people = [Representative(f"R{i}", f"U{i}") for i in range(2000)]
    meeting = Meeting.open("M-2", open_meeting().held_on, people, AGENDA, RULES)
    batch: list[RollCall | Vote | ChangeVote] = [
        Vote(p.person_id, proposal, "agree") for p in people for proposal in ("P1", "P2")
    ]
    batch.append(ChangeVote("R0", "P1", "disagree"))
    recorded = meeting.record_all(batch)
    assert len(recorded.ballots) == 4001
    assert recorded.ballots[0] == Ballot("R0", "P1", "agree", change=False)
    assert recorded.ballots[-1] == Ballot("R0", "P1", "disagree", change=True)
    assert recorded.present == frozenset(p.person_id for p in people)
    assert recorded.counted("P1")["R0"].code == "disagree"
    assert recorded.tally("P1", RULES).agree == 1999
