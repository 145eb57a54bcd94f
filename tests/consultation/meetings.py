"""A meeting for the tests, opened on a known agenda under known rules (C-3)."""

from __future__ import annotations

import datetime as dt

from community_governance.community import Representative
from community_governance.consultation import Meeting, Proposal
from community_governance.policy import default_policy

POLICY = default_policy()
RULES = POLICY.at(dt.date(2026, 7, 1))
PEOPLE = [Representative(f"R{i}", f"U{i}") for i in range(7)]
AGENDA = [
    Proposal("P1", "Bins", "public_affairs", compounds=["A"]),
    Proposal("P2", "Talks", "mobilisation"),
]


def open_meeting() -> Meeting:
    """A meeting of seven unit representatives with two proposals."""
    return Meeting.open("M-1", dt.date(2026, 7, 15), PEOPLE, AGENDA, RULES)
