"""Documents of consultation: meetings, their ballots and tallies (C-3)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import attrs

from community_governance.community import Representative
from community_governance.consultation.meeting import ClosedMeeting, Meeting, Proposal
from community_governance.consultation.meeting_events import ChangeVote, RollCall, Vote
from community_governance.consultation.vote import Tally
from community_governance.numbers import format_fraction, parse_exact
from community_governance.policy.schema import PolicySnapshot
from community_governance.schemas.base import Document, ExactFraction, frac, unfrac
from community_governance.schemas.explanation import explanation_dict, read_explanation
from community_governance.vocabulary import (
    ApprovalBase,
)

__all__ = [
    "BallotDoc",
    "ClosedMeetingDoc",
    "MeetingDoc",
    "ProposalDoc",
    "RepresentativeDoc",
    "TallyDoc",
]


class RepresentativeDoc(Document):
    """A representative, by opaque id."""

    person_id: str
    unit_id: str | None = None
    roles: list[str] = []


class ProposalDoc(Document):
    """A proposal on the agenda (C-3)."""

    proposal_id: str
    title: str
    work: str
    concern_ids: list[str] = []
    compounds: list[str] = []
    need: str | None = None


class BallotDoc(Document):
    """A ballot, in the order cast (C-3)."""

    person_id: str
    proposal_id: str
    choice: Literal["agree", "disagree", "abstain"]
    change: bool = False


class MeetingDoc(Document):
    """A deliberation meeting with its electorate, agenda, attendance and ballots (C-3)."""

    document: Literal["meeting"] = "meeting"
    meeting_id: str
    held_on: dt.date
    electorate: list[RepresentativeDoc]
    agenda: list[ProposalDoc]
    present: list[str] = []
    ballots: list[BallotDoc] = []
    closed: bool = False

    @classmethod
    def from_domain(cls, meeting: Meeting) -> MeetingDoc:
        """Export."""
        return cls(
            meeting_id=meeting.meeting_id,
            held_on=meeting.held_on,
            electorate=[
                RepresentativeDoc(
                    person_id=p.person_id, unit_id=p.unit_id, roles=sorted(r.code for r in p.roles)
                )
                for p in meeting.electorate
            ],
            agenda=[
                ProposalDoc(
                    proposal_id=p.proposal_id,
                    title=p.title,
                    work=p.work.code,
                    concern_ids=list(p.concern_ids),
                    compounds=list(p.compounds),
                    need=p.need,
                )
                for p in meeting.agenda
            ],
            present=sorted(meeting.present),
            ballots=[
                BallotDoc(
                    person_id=b.person_id,
                    proposal_id=b.proposal_id,
                    choice=b.choice.code,  # type: ignore[arg-type]
                    change=b.change,
                )
                for b in meeting.ballots
            ],
            closed=meeting.closed,
        )

    def to_domain(self, policy: PolicySnapshot) -> Meeting:
        """Import by replaying the roll call and ballots, so every rule is checked again (C-3)."""
        meeting = Meeting.open(
            self.meeting_id,
            self.held_on,
            [Representative(p.person_id, p.unit_id, p.roles) for p in self.electorate],
            [
                Proposal(p.proposal_id, p.title, p.work, p.concern_ids, p.compounds, p.need)
                for p in self.agenda
            ],
            policy,
        )
        events: list[RollCall | Vote | ChangeVote] = [RollCall(p) for p in self.present]
        events += [
            (ChangeVote if b.change else Vote)(b.person_id, b.proposal_id, b.choice)
            for b in self.ballots
        ]
        return attrs.evolve(meeting.record_all(events), closed=self.closed)


class TallyDoc(Document):
    """The count and the decision on one proposal (C-3).

    ``base`` is the approval base's code (``entitled``, ``present`` or ``cast``), as
    everywhere in the library; ``base_count`` is how many it counted. ``share`` and
    ``threshold`` are exact: ``to_json`` writes ``{"reported": 0.85, "num": 17, "den": 20}``.
    """

    FRACTIONS = frozenset({"share", "threshold"})

    document: Literal["tally"] = "tally"
    proposal_id: str
    entitled: int
    present: int
    agree: int
    disagree: int
    abstain: int
    absent: int
    base: str
    base_count: int
    share: ExactFraction | None
    threshold: ExactFraction
    inclusive: bool
    quorum_met: bool
    approved: bool
    votes_needed: int | None
    votes_short: int | None
    explanation: dict[str, Any]

    @classmethod
    def from_domain(cls, t: Tally) -> TallyDoc:
        """Export."""
        return cls(
            proposal_id=t.proposal_id,
            entitled=t.entitled,
            present=t.present,
            agree=t.agree,
            disagree=t.disagree,
            abstain=t.abstain,
            absent=t.absent,
            base=t.base.code,
            base_count=t.base_count,
            share=frac(t.share),
            threshold=format_fraction(t.threshold),
            inclusive=t.inclusive,
            quorum_met=t.quorum_met,
            approved=t.approved,
            votes_needed=t.votes_needed,
            votes_short=t.votes_short,
            explanation=explanation_dict(t.explanation),
        )

    def to_domain(self) -> Tally:
        """Import (the decision as recorded; re-decide it with ``tally``)."""
        return Tally(
            proposal_id=self.proposal_id,
            entitled=self.entitled,
            present=self.present,
            agree=self.agree,
            disagree=self.disagree,
            abstain=self.abstain,
            absent=self.absent,
            base=ApprovalBase.from_label(self.base),
            base_count=self.base_count,
            share=unfrac(self.share),
            threshold=parse_exact(self.threshold),
            inclusive=self.inclusive,
            quorum_met=self.quorum_met,
            approved=self.approved,
            votes_needed=self.votes_needed,
            votes_short=self.votes_short,
            explanation=read_explanation(self.explanation),
        )


class ClosedMeetingDoc(Document):
    """A closed meeting: the record, every tally, the approved proposals, the review date."""

    document: Literal["closed-meeting"] = "closed-meeting"
    meeting: MeetingDoc
    tallies: dict[str, TallyDoc]
    approved: list[str]
    review_on: dt.date
    explanation: dict[str, Any]

    @classmethod
    def from_domain(cls, closed: ClosedMeeting) -> ClosedMeetingDoc:
        """Export."""
        return cls(
            meeting=MeetingDoc.from_domain(closed.meeting),
            tallies={pid: TallyDoc.from_domain(t) for pid, t in closed.tallies.items()},
            approved=[p.proposal_id for p in closed.approved],
            review_on=closed.review_on,
            explanation=explanation_dict(closed.explanation),
        )
