"""Group deliberation meetings and the 85% vote (C-3).

[`tally`][community_governance.consultation.meeting.tally] decides a proposal in exact integers:
with the policy threshold
``num/den`` (85/100) and the base ``B`` (the representatives *entitled* to vote
by default, or those *present*, or the votes *cast* for or against), a
proposal is approved iff ``agree × den ≥ num × B`` (``>`` if the policy makes the
bound exclusive) and the quorum is met. 17 of 20 is exactly 85% and passes.

A [`Meeting`][community_governance.consultation.meeting.Meeting] is an immutable record that each
step rebuilds: roll call,
ballots (agree, disagree, abstain) by the entitled representatives only, one
per representative per proposal, a change of vote kept in the history with the
last one counting, and [`Meeting.close`][community_governance.consultation.meeting.Meeting.close],
after which nothing more is
accepted. The [`ClosedMeeting`][community_governance.consultation.meeting.ClosedMeeting] is frozen:
attendance, tallies,
decisions and a follow-up review date (C-4).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from fractions import Fraction

import attrs

from community_governance.community import Representative, string_tuple
from community_governance.errors import (
    DuplicateBallotError,
    EligibilityError,
    InvalidTransition,
    MeetingClosedError,
    NoElectorateError,
    NotOnAgendaError,
    ParseError,
    UnknownRepresentativeError,
)
from community_governance.explain import Explanation, ExplanationBuilder, Text
from community_governance.frozen import read_only
from community_governance.numbers import as_count, as_fraction, format_percent
from community_governance.policy.loader import resolve
from community_governance.policy.model import Policy
from community_governance.policy.schema import PolicySnapshot
from community_governance.vocabulary import ApprovalBase, BilingualEnum, Choice, WorkKind
from community_governance.workflow import Guard, Transition, Workflow, advances

__all__ = [
    "MEETING_WORKFLOW",
    "Ballot",
    "ChangeVote",
    "Close",
    "ClosedMeeting",
    "Meeting",
    "MeetingState",
    "Proposal",
    "RollCall",
    "Tally",
    "Vote",
    "advance_meeting",
    "tally",
]


def _work(value: WorkKind | str) -> WorkKind:
    return WorkKind.coerce(value)


def _choice(value: Choice | str) -> Choice:
    return Choice.coerce(value)


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
    choice: Choice = attrs.field(converter=_choice)
    change: bool = False


@attrs.frozen
class Tally:
    """The count and the decision on one proposal (C-3).

    ``share`` is agreement over the base, exact; it is ``None`` when the base is
    empty (nobody present, or no vote cast), and the proposal is then rejected.
    ``votes_needed`` is the least number of agreeing votes that approves with
    this base (``None`` if none can); ``votes_short`` how many more were needed.
    """

    proposal_id: str
    entitled: int
    present: int
    agree: int
    disagree: int
    abstain: int
    absent: int
    base: ApprovalBase
    base_count: int
    share: Fraction | None
    threshold: Fraction
    inclusive: bool
    quorum_met: bool
    approved: bool
    votes_needed: int | None
    votes_short: int | None
    explanation: Explanation


def _least_agreeing(base: int, threshold: Fraction, *, inclusive: bool) -> int | None:
    num, den = threshold.numerator, threshold.denominator
    # The least k with k*den >= num*base (inclusive: a ceiling) or k*den > num*base.
    needed = -(-num * base // den) if inclusive else num * base // den + 1
    return needed if needed <= base else None


def tally(
    *,
    entitled: int,
    present: int,
    agree: int,
    disagree: int,
    abstain: int,
    policy: Policy | PolicySnapshot | None = None,
    at: dt.date | None = None,
    threshold: Fraction | str | None = None,
    proposal_id: str = "proposal",
) -> Tally:
    """Decide one proposal from its counts, in exact integers (C-3).

    Args:
        entitled: representatives entitled to vote.
        present: those present (ballots imply presence).
        agree: agreeing ballots.
        disagree: disagreeing ballots.
        abstain: abstentions.
        policy: the policy in force (threshold, base, inclusivity, quorum):
            a ``Policy`` or a snapshot; default the shipped policy.
        at: the date of the vote; a ``Policy`` is read on it.
        threshold: an exact threshold overriding the policy's (text or
            ``Fraction``; a float raises ``TypeError``).
        proposal_id: for messages and the explanation.

    Raises:
        NoElectorateError: nobody is entitled to vote.
        ExactnessError: a count or threshold that is not exact.
        ParseError: counts that do not add up.

    Example:
        >>> import datetime as dt
        >>> from community_governance import default_policy
        >>> t = tally(
        ...     entitled=20,
        ...     present=20,
        ...     agree=17,
        ...     disagree=3,
        ...     abstain=0,
        ...     policy=default_policy(),
        ...     at=dt.date(2026, 7, 1),
        ... )
        >>> t.approved, t.share, t.votes_needed
        (True, Fraction(17, 20), 17)
    """
    counts = {
        name: as_count(value, field=name, rule="C-3")
        for name, value in (
            ("entitled", entitled),
            ("present", present),
            ("agree", agree),
            ("disagree", disagree),
            ("abstain", abstain),
        )
    }
    if counts["entitled"] == 0:
        raise NoElectorateError(
            "nobody is entitled to vote, so no share can be computed",
            field="entitled",
            rule="C-3",
        )
    cast = counts["agree"] + counts["disagree"] + counts["abstain"]
    if not cast <= counts["present"] <= counts["entitled"]:
        raise ParseError(
            f"ballots ({cast}) <= present ({counts['present']}) <= entitled "
            f"({counts['entitled']}) does not hold",
            field="counts",
            rule="C-3",
        )
    builder = ExplanationBuilder(Text(f"表决：{proposal_id}", f"Vote on {proposal_id}"))
    p = resolve(policy, at, builder)
    approval_base, inclusive, quorum = p.approval_base, p.approval_inclusive, p.quorum
    if threshold is None:
        limit = p.approval_threshold
    else:
        limit = as_fraction(threshold, field="threshold", rule="C-3")
        builder.input("threshold", limit)
    if not 0 < limit <= 1:
        raise ParseError("the threshold lies in (0, 1]", field="threshold", rule="C-3")
    for name, value in counts.items():
        builder.input(name, value)
    base = {
        ApprovalBase.ENTITLED: counts["entitled"],
        ApprovalBase.PRESENT: counts["present"],
        ApprovalBase.CAST: counts["agree"] + counts["disagree"],
    }[approval_base]
    quorum_met = counts["present"] * quorum.denominator >= (quorum.numerator * counts["entitled"])
    builder.step("法定人数", "quorum met", quorum_met, rule="C-3")
    num, den = limit.numerator, limit.denominator
    left, right = counts["agree"] * den, num * base
    passes = base > 0 and (left >= right if inclusive else left > right)
    approved = quorum_met and passes
    share = Fraction(counts["agree"], base) if base else None
    builder.step(
        f"同意票占{approval_base.zh}的比例",
        f"agreement as a share of {approval_base.en}",
        share,
        rule="C-3",
    )
    builder.step(
        f"比较 {counts['agree']} × {den} 与 {num} × {base}",
        f"compare {counts['agree']} × {den} with {num} × {base}",
        f"{left} {'>=' if inclusive else '>'} {right}: {passes}",
        rule="C-3",
    )
    needed = _least_agreeing(base, limit, inclusive=inclusive) if base else None
    short = None if needed is None else max(0, needed - counts["agree"])
    verdict = Text("通过", "approved") if approved else Text("未通过", "rejected")
    shown = format_percent(share) if share is not None else "-"
    return Tally(
        proposal_id=proposal_id,
        entitled=counts["entitled"],
        present=counts["present"],
        agree=counts["agree"],
        disagree=counts["disagree"],
        abstain=counts["abstain"],
        absent=counts["entitled"] - counts["present"],
        base=approval_base,
        base_count=base,
        share=share,
        threshold=limit,
        inclusive=inclusive,
        quorum_met=quorum_met,
        approved=approved,
        votes_needed=needed,
        votes_short=short,
        explanation=builder.build(
            Text(f"{verdict.zh}（同意 {shown}）", f"{verdict.en} ({shown} agree)")
        ),
    )


class MeetingState(BilingualEnum):
    """Where a deliberation meeting stands (C-3)."""

    OPEN = ("open", "会议进行中", "open")
    CLOSED = ("closed", "已闭会", "closed")


@attrs.frozen
class RollCall:
    """An entitled representative answers the roll call."""

    person_id: str


@attrs.frozen
class Vote:
    """A first ballot on a proposal (it also marks the voter present)."""

    person_id: str
    proposal_id: str
    choice: Choice = attrs.field(converter=_choice)


@attrs.frozen
class ChangeVote:
    """A change of an earlier ballot; both stay in the history, the last one counts."""

    person_id: str
    proposal_id: str
    choice: Choice = attrs.field(converter=_choice)


@attrs.frozen
class Close:
    """The meeting closes: nothing more is accepted."""


MeetingEvent = RollCall | Vote | ChangeVote | Close


def _entitled(meeting: Meeting, event: RollCall | Vote | ChangeVote, _: dt.date) -> bool:
    return event.person_id in meeting.entitled


def _on_agenda(meeting: Meeting, event: Vote | ChangeVote, _: dt.date) -> bool:
    return event.proposal_id in {p.proposal_id for p in meeting.agenda}


def _has_voted(meeting: Meeting, event: Vote | ChangeVote) -> bool:
    return any(
        b.person_id == event.person_id and b.proposal_id == event.proposal_id
        for b in meeting.ballots
    )


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
)
ON_AGENDA = Guard(
    "on_the_agenda",
    _on_agenda,
    NotOnAgendaError,
    "ballots are on the agenda's proposals",
    "C-3",
    field="proposal_id",
)
FIRST_BALLOT = Guard(
    "first_ballot",
    _first_ballot,
    DuplicateBallotError,
    "one ballot per representative and proposal; to change it, change_vote (ChangeVote)",
    "C-3",
    field="ballot",
)
EARLIER_BALLOT = Guard(
    "earlier_ballot",
    _earlier_ballot,
    EligibilityError,
    "only an earlier ballot can be changed; for a first one, use vote (Vote)",
    "C-3",
    field="ballot",
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
            raise ParseError("a representative is listed twice", field="electorate", rule="C-3")
        if len({p.proposal_id for p in items}) != len(items):
            raise ParseError("a proposal is listed twice", field="agenda", rule="C-3")
        per_unit: dict[str, int] = {}
        for person in people:
            if person.unit_id is None:
                raise ParseError(
                    f"{person.person_id} represents no member unit", field="electorate", rule="C-3"
                )
            per_unit[person.unit_id] = per_unit.get(person.unit_id, 0) + 1
        allowed = resolve(policy, at or held_on).representatives_per_unit
        crowded = sorted(u for u, n in per_unit.items() if n > allowed)
        if crowded:
            raise EligibilityError(
                f"unit(s) {crowded} have more than {allowed} voting representative(s)",
                field="electorate",
                rule="C-3",
            )
        return cls(meeting_id, held_on, people, items)

    @property
    def entitled(self) -> frozenset[str]:
        """The ids of those entitled to vote."""
        return frozenset(p.person_id for p in self.electorate)

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
        )
    MEETING_WORKFLOW.step(meeting.state, meeting, event, at)
    if isinstance(event, RollCall):
        return attrs.evolve(meeting, present=meeting.present | {event.person_id})
    if isinstance(event, Vote):
        ballot = Ballot(event.person_id, event.proposal_id, event.choice)
        return attrs.evolve(
            meeting,
            present=meeting.present | {event.person_id},
            ballots=(*meeting.ballots, ballot),
        )
    if isinstance(event, ChangeVote):
        ballot = Ballot(event.person_id, event.proposal_id, event.choice, change=True)
        return attrs.evolve(meeting, ballots=(*meeting.ballots, ballot))
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
