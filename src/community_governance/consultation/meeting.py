"""Group deliberation meetings (C-3): one cohesive concept, the meeting's workflow.

A [`Meeting`][community_governance.consultation.meeting.Meeting] is an immutable
record that each step rebuilds: roll call, ballots (agree, disagree, abstain) by the
entitled representatives only, one per representative per proposal, a change of vote
kept in the history with the last one counting, and
[`Meeting.close`][community_governance.consultation.meeting.Meeting.close], after
which nothing more is accepted. Each step is an event of the transition table
``MEETING_WORKFLOW`` with named guards, advanced by ``apply(meeting, event, at=...)``.
The [`ClosedMeeting`][community_governance.consultation.meeting.ClosedMeeting] is
frozen: attendance, tallies, decisions and a follow-up review date (C-4).

The guards, table, record and closed form share this room because each guard reads the
record and each of the record's methods is an event of the table; the events themselves
are in ``meeting_events`` (and importable from here). The vote
itself is decided by [`tally`][community_governance.consultation.vote.tally].
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Set as AbstractSet

import attrs

from community_governance.community import Representative, string_tuple
from community_governance.consultation.meeting_events import (
    ChangeVote,
    Close,
    MeetingEvent,
    RollCall,
    Vote,
    as_choice,
)
from community_governance.consultation.vote import Tally, tally
from community_governance.errors import (
    DuplicateBallotError,
    EligibilityError,
    InvalidTransition,
    MeetingClosedError,
    NotOnAgendaError,
    ParseError,
    UnknownRepresentativeError,
)
from community_governance.explain import Explanation, ExplanationBuilder, Text
from community_governance.frozen import read_only
from community_governance.policy.loader import resolve
from community_governance.policy.model import Policy
from community_governance.policy.schema import PolicySnapshot
from community_governance.vocabulary import BilingualEnum, Choice, WorkKind
from community_governance.workflow import Guard, Transition, Workflow, advances

__all__ = [
    "MEETING_WORKFLOW",
    "Ballot",
    "ClosedMeeting",
    "Meeting",
    "MeetingState",
    "Proposal",
    "advance_meeting",
]


def _work(value: WorkKind | str) -> WorkKind:
    return WorkKind.coerce(value)


@attrs.frozen
class Proposal:
    """A proposed project put to the vote (C-3), with what routing needs (C-4).

    Attributes:
        proposal_id: a stable id.
        title: what it is.
        work: the kind of work, which decides who carries it out (C-4).
        concern_ids: the residents' concerns it answers (C-2).
        compounds: the compounds it concerns (public-affairs routing).
        need: the line of business it needs (specialised routing).
    """

    proposal_id: str
    title: str
    work: WorkKind = attrs.field(converter=_work)
    concern_ids: tuple[str, ...] = attrs.field(default=(), converter=string_tuple)
    compounds: tuple[str, ...] = attrs.field(default=(), converter=string_tuple)
    need: str | None = None


@attrs.frozen
class Ballot:
    """One ballot, in the order cast; ``change`` marks a change of an earlier vote."""

    person_id: str
    proposal_id: str
    choice: Choice = attrs.field(converter=as_choice)
    change: bool = False


class MeetingState(BilingualEnum):
    """Where a deliberation meeting stands (C-3)."""

    OPEN = ("open", "会议进行中", "open")
    CLOSED = ("closed", "已闭会", "closed")


def _entitled(meeting: Meeting, event: RollCall | Vote | ChangeVote, _: dt.date) -> bool:
    return event.person_id in meeting.entitled


def _on_agenda(meeting: Meeting, event: Vote | ChangeVote, _: dt.date) -> bool:
    return event.proposal_id in {p.proposal_id for p in meeting.agenda}


def _has_voted(meeting: Meeting, event: Vote | ChangeVote) -> bool:
    return (event.person_id, event.proposal_id) in meeting._voted  # noqa: SLF001 - its module


def _first_ballot(meeting: Meeting, event: Vote, _: dt.date) -> bool:
    return not _has_voted(meeting, event)


def _earlier_ballot(meeting: Meeting, event: ChangeVote, _: dt.date) -> bool:
    return _has_voted(meeting, event)


ENTITLED = Guard(
    "entitled_to_vote",
    _entitled,
    UnknownRepresentativeError,
    "only the representatives of the electorate snapshot take part",
    "C-3",
    field="person_id",
    why_zh="只有应到代表名单中的代表可以参加",
)
ON_AGENDA = Guard(
    "on_the_agenda",
    _on_agenda,
    NotOnAgendaError,
    "ballots are on the agenda's proposals",
    "C-3",
    field="proposal_id",
    why_zh="只能对议程中的议题投票",
)
FIRST_BALLOT = Guard(
    "first_ballot",
    _first_ballot,
    DuplicateBallotError,
    "one ballot per representative and proposal; to change it, change_vote (ChangeVote)",
    "C-3",
    field="ballot",
    why_zh="每名代表对每个议题只投一票；改票请用 change_vote（ChangeVote）",
)
EARLIER_BALLOT = Guard(
    "earlier_ballot",
    _earlier_ballot,
    EligibilityError,
    "only an earlier ballot can be changed; for a first one, use vote (Vote)",
    "C-3",
    field="ballot",
    why_zh="只能更改已投的票；首次投票请用 vote（Vote）",
)

_OPEN = frozenset({MeetingState.OPEN})

#: The meeting's transition table (C-3), validated at import.
MEETING_WORKFLOW = Workflow(
    name="C-3",
    states=tuple(MeetingState),
    initial=MeetingState.OPEN,
    terminal=frozenset({MeetingState.CLOSED}),
    transitions=(
        Transition(_OPEN, RollCall, None, (ENTITLED,)),
        Transition(_OPEN, Vote, None, (ENTITLED, ON_AGENDA, FIRST_BALLOT)),
        Transition(_OPEN, ChangeVote, None, (ENTITLED, ON_AGENDA, EARLIER_BALLOT)),
        Transition(_OPEN, Close, MeetingState.CLOSED),
    ),
    ended=MeetingClosedError,
)


@attrs.frozen
class Meeting:
    """A group deliberation meeting, open until ``close`` (C-3).

    Every method returns a new meeting; on error it raises and the meeting it
    was called on is unchanged.

    Attributes:
        meeting_id: a stable id.
        held_on: the date of the meeting.
        electorate: the representatives entitled to vote (a snapshot).
        agenda: the proposals put to the vote.
        present: who answered the roll call or voted.
        ballots: every ballot in the order cast (append-only).
        closed: whether the meeting has closed.
    """

    meeting_id: str
    held_on: dt.date
    electorate: tuple[Representative, ...]
    agenda: tuple[Proposal, ...]
    present: frozenset[str] = frozenset()
    ballots: tuple[Ballot, ...] = ()
    closed: bool = False
    # Looked up for every ballot: carried from one meeting to the next (evolve passes them
    # on) instead of rebuilt from the electorate and the ballots, so that recording n
    # ballots is not quadratic in Python.
    _entitled_ids: frozenset[str] = attrs.field(
        default=attrs.Factory(
            lambda self: frozenset(p.person_id for p in self.electorate), takes_self=True
        ),
        eq=False,
        repr=False,
    )
    _voted: AbstractSet[tuple[str, str]] = attrs.field(
        default=attrs.Factory(
            lambda self: frozenset((b.person_id, b.proposal_id) for b in self.ballots),
            takes_self=True,
        ),
        eq=False,
        repr=False,
    )

    @classmethod
    def open(
        cls,
        meeting_id: str,
        held_on: dt.date,
        electorate: Iterable[Representative],
        agenda: Iterable[Proposal],
        policy: Policy | PolicySnapshot | None = None,
        *,
        at: dt.date | None = None,
    ) -> Meeting:
        """Open a meeting with its electorate snapshot and agenda.

        ``policy`` is read on ``at``, by default the day the meeting is held.

        Raises:
            ParseError: a person or proposal listed twice, or a representative
                without a member unit.
            EligibilityError: a unit with more representatives than
                ``consultation.representatives_per_unit``.
        """
        people = tuple(electorate)
        items = tuple(agenda)
        ids = [p.person_id for p in people]
        if len(set(ids)) != len(ids):
            raise ParseError(
                "a representative is listed twice",
                field="electorate",
                rule="C-3",
                zh="同一代表被列出两次",
            )
        if len({p.proposal_id for p in items}) != len(items):
            raise ParseError(
                "a proposal is listed twice", field="agenda", rule="C-3", zh="同一议题被列出两次"
            )
        per_unit: dict[str, int] = {}
        for person in people:
            if person.unit_id is None:
                raise ParseError(
                    f"{person.person_id} represents no member unit",
                    field="electorate",
                    rule="C-3",
                    zh=f"{person.person_id} 不代表任何成员单位",
                )
            per_unit[person.unit_id] = per_unit.get(person.unit_id, 0) + 1
        allowed = resolve(policy, at or held_on).representatives_per_unit
        crowded = sorted(u for u, n in per_unit.items() if n > allowed)
        if crowded:
            raise EligibilityError(
                f"unit(s) {crowded} have more than {allowed} voting representative(s)",
                field="electorate",
                rule="C-3",
                zh=f"单位 {crowded} 有表决权的代表超过 {allowed} 名",
            )
        return cls(meeting_id, held_on, people, items)

    @property
    def entitled(self) -> frozenset[str]:
        """The ids of those entitled to vote."""
        return self._entitled_ids

    @property
    def state(self) -> MeetingState:
        """Open or closed."""
        return MeetingState.CLOSED if self.closed else MeetingState.OPEN

    def roll_call(self, person_id: str) -> Meeting:
        """Mark an entitled representative present (``apply(meeting, RollCall(...))``)."""
        return advance_meeting(self, RollCall(person_id), at=self.held_on)

    def vote(self, person_id: str, proposal_id: str, choice: Choice | str) -> Meeting:
        """Cast a first ballot, which also marks the voter present (``apply(meeting, Vote(...))``).

        Raises:
            MeetingClosedError: the meeting is closed.
            UnknownRepresentativeError: the person is not in the electorate.
            NotOnAgendaError: the proposal is not on the agenda.
            DuplicateBallotError: the person already voted on this proposal;
                use ``change_vote``.
        """
        return advance_meeting(self, Vote(person_id, proposal_id, choice), at=self.held_on)

    def change_vote(self, person_id: str, proposal_id: str, choice: Choice | str) -> Meeting:
        """Change an earlier ballot before the close; both stay in the history.

        Raises:
            EligibilityError: there is no earlier ballot to change.
        """
        return advance_meeting(self, ChangeVote(person_id, proposal_id, choice), at=self.held_on)

    def record_all(self, events: Iterable[RollCall | Vote | ChangeVote]) -> Meeting:
        """Apply roll calls and ballots in order, all or nothing (C-3).

        Each event is checked by the workflow against the meeting as the events before it
        left it, as ``apply`` checks one, on the meeting's day; the meeting is built once,
        in time linear in the number of events. On an error nothing is applied.

        Raises:
            GovernanceError: the first refusal, as ``apply`` raises it for that event.
        """
        present = set(self.present)
        ballots = list(self.ballots)
        voted = set(self._voted)
        # The guards read who has voted; the working meeting's set grows as ballots are cast.
        working = attrs.evolve(self, voted=voted)
        for event in events:
            MEETING_WORKFLOW.step(working.state, working, event, self.held_on)
            if isinstance(event, RollCall):
                present.add(event.person_id)
            elif isinstance(event, Vote):
                present.add(event.person_id)
                ballots.append(Ballot(event.person_id, event.proposal_id, event.choice))
                voted.add((event.person_id, event.proposal_id))
            elif isinstance(event, ChangeVote):
                ballots.append(
                    Ballot(event.person_id, event.proposal_id, event.choice, change=True)
                )
            else:
                raise InvalidTransition(
                    f"{type(event).__name__} is not a roll call or a ballot; close with close()",
                    field="events",
                    rule="C-3",
                    zh=f"{type(event).__name__} 既不是点名也不是投票；闭会请用 close()",
                )
        # Who has voted goes on with the meeting (evolve would keep the old set).
        return attrs.evolve(
            self, present=frozenset(present), ballots=tuple(ballots), voted=frozenset(voted)
        )

    def counted(self, proposal_id: str) -> dict[str, Choice]:
        """The ballot that counts for each voter on ``proposal_id`` (the last one)."""
        last: dict[str, Choice] = {}
        for ballot in self.ballots:
            if ballot.proposal_id == proposal_id:
                last[ballot.person_id] = ballot.choice
        return last

    def tally(
        self,
        proposal_id: str,
        policy: Policy | PolicySnapshot | None = None,
        *,
        at: dt.date | None = None,
    ) -> Tally:
        """The tally of one proposal as the meeting stands.

        ``policy`` is read on ``at``, by default the day the meeting is held.
        """
        choices = list(self.counted(proposal_id).values())
        return tally(
            entitled=len(self.electorate),
            present=len(self.present),
            agree=choices.count(Choice.AGREE),
            disagree=choices.count(Choice.DISAGREE),
            abstain=choices.count(Choice.ABSTAIN),
            policy=policy,
            at=at or self.held_on,
            proposal_id=proposal_id,
        )

    def close(
        self, policy: Policy | PolicySnapshot | None = None, *, at: dt.date | None = None
    ) -> ClosedMeeting:
        """Close the meeting: tally every proposal and freeze the record.

        Raises:
            MeetingClosedError: the meeting is already closed.
            NoElectorateError: nobody was entitled to vote.
        """
        closed = advance_meeting(self, Close(), at=at or self.held_on)
        builder = ExplanationBuilder(
            Text(f"组团议事会议 {self.meeting_id}", f"Deliberation meeting {self.meeting_id}")
        )
        builder.rule("C-3")
        snapshot = resolve(policy, at or self.held_on)
        tallies = {p.proposal_id: self.tally(p.proposal_id, snapshot) for p in self.agenda}
        for t in tallies.values():
            builder.include_reads(t.explanation)
        approved = tuple(p for p in self.agenda if tallies[p.proposal_id].approved)
        review = _review_date(self.held_on, snapshot.traced(builder).follow_up_days)
        builder.input("held_on", self.held_on)
        builder.input("present", f"{len(self.present)}/{len(self.electorate)}")
        for proposal in self.agenda:
            t = tallies[proposal.proposal_id]
            builder.step(
                f"{proposal.title}：{'通过' if t.approved else '未通过'}",
                f"{proposal.title}: {'approved' if t.approved else 'rejected'}",
                f"{t.agree}/{t.base_count}",
                rule="C-3",
            )
        return ClosedMeeting(
            meeting=closed,
            tallies=tallies,
            approved=approved,
            review_on=review,
            explanation=builder.build(
                Text(
                    f"{len(approved)} 项通过，{len(self.agenda) - len(approved)} 项未通过",
                    f"{len(approved)} approved, {len(self.agenda) - len(approved)} rejected",
                )
            ),
        )


def _review_date(held_on: dt.date, days: int) -> dt.date:
    try:
        return held_on + dt.timedelta(days=days)
    except OverflowError:
        raise ParseError(
            f"a review {days} days after {held_on} is past the last representable date",
            field="held_on",
            rule="C-4",
            zh=f"会议 {held_on} 之后 {days} 天的复核日期超出可表示的最后日期",
        ) from None


@advances(Meeting)
def advance_meeting(meeting: Meeting, event: MeetingEvent, *, at: dt.date) -> Meeting:
    """The meeting after ``event`` (``apply(meeting, event, at=...)``); it is unchanged (C-3).

    Raises:
        MeetingClosedError: the meeting is closed.
        UnknownRepresentativeError: the person is not in the electorate snapshot.
        NotOnAgendaError: the proposal is not on the agenda.
        DuplicateBallotError: a second first ballot (a change is ``ChangeVote``).
        EligibilityError: a change of a ballot never cast.
    """
    if at < meeting.held_on:
        raise InvalidTransition(
            f"{type(event).__name__} on {at} is before the meeting ({meeting.held_on})",
            field="at",
            rule="C-3",
            zh=f"{type(event).__name__}（{at}）早于会议日期（{meeting.held_on}）",
        )
    if not isinstance(event, Close):
        return meeting.record_all([event])  # one way to record, one event or many
    MEETING_WORKFLOW.step(meeting.state, meeting, event, at)
    return attrs.evolve(meeting, closed=True)


@attrs.frozen
class ClosedMeeting:
    """The frozen record of a closed meeting (C-3): tallies, decisions, review date (C-4)."""

    meeting: Meeting
    tallies: Mapping[str, Tally] = attrs.field(converter=read_only)
    approved: tuple[Proposal, ...]
    review_on: dt.date
    explanation: Explanation

    @property
    def rejected(self) -> tuple[Proposal, ...]:
        """The proposals that did not pass."""
        return tuple(p for p in self.meeting.agenda if p not in self.approved)

    @property
    def attendance(self) -> frozenset[str]:
        """Who was present."""
        return self.meeting.present
