"""The events of a group deliberation meeting (C-3): roll call, ballot, change of ballot, close.

They are the steps of ``MEETING_WORKFLOW`` in ``consultation.meeting``, which checks each
against its guards; they are importable from there too.
"""

from __future__ import annotations

import attrs

from community_governance.vocabulary import Choice

__all__ = ["ChangeVote", "Close", "MeetingEvent", "RollCall", "Vote", "as_choice"]


def as_choice(value: Choice | str) -> Choice:
    """A ballot's choice from the member or its code or label (agree, 同意, ...)."""
    return Choice.coerce(value)


@attrs.frozen
class RollCall:
    """An entitled representative answers the roll call."""

    person_id: str


@attrs.frozen
class Vote:
    """A first ballot on a proposal (it also marks the voter present)."""

    person_id: str
    proposal_id: str
    choice: Choice = attrs.field(converter=as_choice)


@attrs.frozen
class ChangeVote:
    """A change of an earlier ballot; both stay in the history, the last one counts."""

    person_id: str
    proposal_id: str
    choice: Choice = attrs.field(converter=as_choice)


@attrs.frozen
class Close:
    """The meeting closes: nothing more is accepted."""


MeetingEvent = RollCall | Vote | ChangeVote | Close
