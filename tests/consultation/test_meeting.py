"""Meetings and the 85% vote (C-3)."""

from __future__ import annotations

import datetime as dt
import random
from fractions import Fraction

import pytest
from hypothesis import given, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from community_governance.community import Representative
from community_governance.consultation import ClosedMeeting, Meeting, Tally, tally
from community_governance.errors import (
    DuplicateBallotError,
    EligibilityError,
    ExactnessError,
    MeetingClosedError,
    NoElectorateError,
    NotOnAgendaError,
    PolicyError,
    UnknownRepresentativeError,
)
from community_governance.policy import PolicySnapshot
from community_governance.vocabulary import Choice
from tests.consultation.meetings import AGENDA, PEOPLE, POLICY, RULES, open_meeting


def rules_with(**overrides: object) -> PolicySnapshot:
    """The default rules with C-3 parameters overridden."""
    return POLICY.override(
        {f"consultation.{k.replace('__', '.')}": v for k, v in overrides.items()}
    ).at(dt.date(2026, 7, 1))


def decide(agree: int, entitled: int, **kwargs: int) -> bool:
    """Approved? With everyone present and the others disagreeing, unless told otherwise."""
    present = kwargs.get("present", entitled)
    abstain = kwargs.get("abstain", 0)
    disagree = kwargs.get("disagree", present - agree - abstain)
    return tally(
        entitled=entitled,
        present=present,
        agree=agree,
        disagree=disagree,
        abstain=abstain,
        policy=RULES,
    ).approved


@pytest.mark.parametrize(
    ("agree", "entitled", "approved"),
    [(17, 20, True), (16, 19, False), (6, 7, True), (28, 33, False), (20, 20, True), (0, 1, False)],
)
def test_threshold_boundaries(agree: int, entitled: int, approved: bool) -> None:  # noqa: FBT001
    """C-3: 17/20 (exactly 85%) passes; 16/19 fails; 6/7 passes; 28/33 fails."""
    assert decide(agree, entitled) is approved


def test_no_electorate_is_a_clear_error_and_a_float_threshold_a_type_error() -> None:
    """C-3: nobody entitled raises NoElectorateError; a float threshold raises TypeError."""
    with pytest.raises(NoElectorateError, match="nobody is entitled"):
        tally(entitled=0, present=0, agree=0, disagree=0, abstain=0, policy=RULES)
    with pytest.raises(ExactnessError, match="threshold") as refused:
        tally(  # a float on purpose
            entitled=20,
            present=20,
            agree=17,
            disagree=3,
            abstain=0,
            policy=RULES,
            threshold=0.85,  # type: ignore[arg-type]
        )
    assert isinstance(refused.value, TypeError)
    with pytest.raises(TypeError) as caught:
        POLICY.override({"consultation.approval.threshold": 0.85})
    assert isinstance(caught.value, PolicyError)


def test_absent_and_abstaining_count_as_not_agreeing_by_default() -> None:
    """C-3: 17 agree of 20 entitled with 2 absent and 1 abstaining still passes; 16 does not."""
    t = tally(entitled=20, present=18, agree=17, disagree=0, abstain=1, policy=RULES)
    assert (t.approved, t.share, t.absent, t.votes_needed, t.votes_short) == (
        True,
        Fraction(17, 20),
        2,
        17,
        0,
    )
    t = tally(entitled=20, present=18, agree=16, disagree=1, abstain=1, policy=RULES)
    assert (t.approved, t.votes_short) == (False, 1)
    assert "C-3" in t.explanation.rules


counts = st.integers(1, 60).flatmap(
    lambda entitled: st.integers(0, entitled).flatmap(
        lambda present: st.tuples(
            st.just(entitled),
            st.just(present),
            st.lists(st.sampled_from(list(Choice)), min_size=0, max_size=present),
        )
    )
)


def _tally(
    entitled: int, present: int, ballots: list[Choice], rules: PolicySnapshot = RULES
) -> Tally:
    return tally(
        entitled=entitled,
        present=present,
        agree=ballots.count(Choice.AGREE),
        disagree=ballots.count(Choice.DISAGREE),
        abstain=ballots.count(Choice.ABSTAIN),
        policy=rules,
    )


@given(counts, st.randoms())
def test_anonymity(case: tuple[int, int, list[Choice]], rnd: random.Random) -> None:
    """C-3: permuting who cast which ballot changes nothing."""
    entitled, present, ballots = case
    shuffled = list(ballots)
    rnd.shuffle(shuffled)
    assert (
        _tally(entitled, present, ballots).approved == _tally(entitled, present, shuffled).approved
    )


@given(counts, st.sampled_from(["entitled", "present", "cast"]), st.data())
def test_monotonicity(case: tuple[int, int, list[Choice]], base: str, data: st.DataObject) -> None:
    """C-3: turning a no, an abstention or an absence into agree never un-approves."""
    entitled, present, ballots = case
    rules = rules_with(approval__base=base)
    before = _tally(entitled, present, ballots, rules).approved
    options = [i for i, c in enumerate(ballots) if c is not Choice.AGREE]
    if options:
        changed = list(ballots)
        changed[data.draw(st.sampled_from(options))] = Choice.AGREE
        after = _tally(entitled, present, changed, rules).approved
    elif present < entitled:  # an absent representative arrives and agrees
        after = _tally(entitled, present + 1, [*ballots, Choice.AGREE], rules).approved
    else:
        return
    assert after or not before


@given(counts)
def test_base_ordering(case: tuple[int, int, list[Choice]]) -> None:
    """C-3: approved on 'entitled' implies on 'present' implies on 'cast' (same ballots)."""
    entitled, present, ballots = case
    results = [
        _tally(entitled, present, ballots, rules_with(approval__base=b)).approved
        for b in ("entitled", "present", "cast")
    ]
    assert results == sorted(results)  # False <= True: once approved, stays approved


@given(
    st.integers(1, 80),
    st.fractions(min_value=0, max_value=1, max_denominator=100).filter(bool),
    st.booleans(),
)
def test_votes_needed_is_the_least_agree_count_that_approves(
    entitled: int,
    threshold: Fraction,
    inclusive: bool,  # noqa: FBT001
) -> None:
    """C-3: votes_needed approves, one fewer does not."""
    rules = rules_with(
        approval__threshold=f"{threshold.numerator}/{threshold.denominator}",
        approval__inclusive=inclusive,
    )
    t = tally(
        entitled=entitled, present=entitled, agree=0, disagree=entitled, abstain=0, policy=rules
    )
    needed = t.votes_needed
    if needed is None:
        assert not inclusive
        assert threshold == 1
        return
    approve = tally(
        entitled=entitled,
        present=entitled,
        agree=needed,
        disagree=entitled - needed,
        abstain=0,
        policy=rules,
    )
    assert approve.approved
    if needed > 0:
        fewer = tally(
            entitled=entitled,
            present=entitled,
            agree=needed - 1,
            disagree=entitled - needed + 1,
            abstain=0,
            policy=rules,
        )
        assert not fewer.approved


def test_quorum_from_the_policy() -> None:
    """C-3: with a 2/3 quorum, 17 agreeing of 19 present out of 30 fails: no quorum."""
    rules = rules_with(quorum="2/3", approval__base="present")
    t = tally(entitled=30, present=19, agree=17, disagree=2, abstain=0, policy=rules)
    assert (t.quorum_met, t.approved) == (False, False)
    t = tally(entitled=30, present=20, agree=17, disagree=3, abstain=0, policy=rules)
    assert (t.quorum_met, t.approved) == (True, True)


# -- the meeting workflow --------------------------------------------------------------------------


def test_each_ballot_violation_raises_its_own_error_and_changes_nothing() -> None:
    """C-3: unknown representative, second ballot, off-agenda item, vote after close."""
    meeting = open_meeting().vote("R1", "P1", "同意")
    with pytest.raises(UnknownRepresentativeError, match="R9"):
        meeting.vote("R9", "P1", Choice.AGREE)
    with pytest.raises(DuplicateBallotError, match="change_vote"):
        meeting.vote("R1", "P1", Choice.DISAGREE)
    with pytest.raises(NotOnAgendaError, match="P9"):
        meeting.vote("R2", "P9", Choice.AGREE)
    with pytest.raises(EligibilityError, match="use vote"):
        meeting.change_vote("R2", "P1", Choice.AGREE)
    closed = meeting.close(RULES)
    with pytest.raises(MeetingClosedError):
        closed.meeting.vote("R2", "P1", Choice.AGREE)
    with pytest.raises(MeetingClosedError):
        closed.meeting.close(RULES)
    assert meeting.ballots == (meeting.ballots[0],)
    assert not meeting.closed


def test_a_changed_vote_is_kept_in_history_and_the_last_one_counts() -> None:
    """C-3: six of seven agree (after one changes their mind) -> approved; history keeps both."""
    meeting = open_meeting()
    for person in PEOPLE[:6]:
        meeting = meeting.vote(person.person_id, "P1", Choice.AGREE)
    meeting = meeting.vote("R6", "P1", Choice.AGREE).change_vote("R6", "P1", Choice.DISAGREE)
    closed = meeting.close(RULES)
    assert [b.choice for b in meeting.ballots if b.person_id == "R6"] == [
        Choice.AGREE,
        Choice.DISAGREE,
    ]
    t = closed.tallies["P1"]
    assert (t.agree, t.disagree, t.approved) == (6, 1, True)
    assert closed.approved == (AGENDA[0],)
    assert closed.rejected == (AGENDA[1],)
    assert closed.review_on == dt.date(2026, 8, 14)


def test_the_electorate_is_one_representative_per_unit_by_default() -> None:
    """C-3: two voting representatives of one unit are refused unless the policy allows them."""
    doubled = [*PEOPLE, Representative("R7b", "U1")]
    with pytest.raises(EligibilityError, match="U1"):
        Meeting.open("M", dt.date(2026, 7, 1), doubled, AGENDA, RULES)
    Meeting.open("M", dt.date(2026, 7, 1), doubled, AGENDA, rules_with(representatives_per_unit=2))


class MeetingMachine(RuleBasedStateMachine):
    """Random roll calls, votes, vote changes and a close, checked against a naive model (C-3)."""

    def __init__(self) -> None:
        super().__init__()
        self.meeting = open_meeting()
        self.closed: ClosedMeeting | None = None
        self.model_votes: dict[tuple[str, str], Choice] = {}
        self.model_present: set[str] = set()

    people = st.sampled_from([p.person_id for p in PEOPLE] + ["X1"])
    items = st.sampled_from(["P1", "P2", "P9"])
    choices = st.sampled_from(list(Choice))

    @rule(person=people)
    def roll_call(self, person: str) -> None:
        """Roll call: only the entitled, only while open."""
        try:
            self.meeting = self.meeting.roll_call(person)
        except (UnknownRepresentativeError, MeetingClosedError):
            assert person == "X1" or self.closed is not None
        else:
            self.model_present.add(person)

    @rule(person=people, item=items, choice=choices)
    def vote(self, person: str, item: str, choice: Choice) -> None:
        """A first ballot, or the error the model predicts."""
        expected_ok = (
            self.closed is None
            and person != "X1"
            and item != "P9"
            and (person, item) not in self.model_votes
        )
        try:
            self.meeting = self.meeting.vote(person, item, choice)
        except EligibilityError:
            assert not expected_ok
        else:
            assert expected_ok
            self.model_votes[(person, item)] = choice
            self.model_present.add(person)

    @rule(person=people, item=items, choice=choices)
    def change(self, person: str, item: str, choice: Choice) -> None:
        """A change of vote: only after a first ballot, before the close."""
        expected_ok = self.closed is None and (person, item) in self.model_votes
        try:
            self.meeting = self.meeting.change_vote(person, item, choice)
        except EligibilityError:
            assert not expected_ok
        else:
            assert expected_ok
            self.model_votes[(person, item)] = choice

    @precondition(lambda self: self.closed is None)
    @rule()
    def close(self) -> None:
        """Close the meeting; its tallies are then frozen."""
        self.closed = self.meeting.close(RULES)
        self.meeting = self.closed.meeting

    @invariant()
    def counted_ballots_match_the_model(self) -> None:
        """No ineligible ballot is counted; one counted ballot per representative per item."""
        entitled = {p.person_id for p in PEOPLE}
        for item in ("P1", "P2"):
            counted = self.meeting.counted(item)
            assert set(counted) <= entitled
            assert counted == {p: c for (p, i), c in self.model_votes.items() if i == item}
        assert set(self.meeting.present) == self.model_present

    @invariant()
    def a_closed_meetings_tally_never_changes(self) -> None:
        """After the close, tallying the frozen record gives the recorded tallies."""
        if self.closed is not None:
            for item, recorded in self.closed.tallies.items():
                again = self.meeting.tally(item, RULES)
                assert (again.agree, again.disagree, again.abstain, again.approved) == (
                    recorded.agree,
                    recorded.disagree,
                    recorded.abstain,
                    recorded.approved,
                )


TestMeetingMachine = MeetingMachine.TestCase
