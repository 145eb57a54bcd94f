"""Ports: what the domain needs from storage, in its own terms (adapters implement them).

[`EventStore`][community_governance.ports.EventStore] is the record of decisions: events are
appended to named
streams (a meeting, a quarter's ratings, a rectification case, ...), each
stream's versions count 1, 2, 3, ...; everything can be read back in order
after a global position. ``community_governance.ledger`` implements it on
SQLite with a tamper-evident hash chain; tests of the domain can use any
in-memory fake with the same methods.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import attrs

__all__ = ["EventStore", "NewEvent", "PrivateStore", "RecordedEvent"]


@attrs.frozen
class NewEvent:
    """An event to append: its type, its plain-data body and the date it happened."""

    type: str
    data: Mapping[str, Any]
    at: dt.date


@attrs.frozen
class RecordedEvent:
    """An event as stored: global position, stream, version in the stream, and chain hash."""

    seq: int
    stream: str
    version: int
    type: str
    data: Mapping[str, Any]
    at: dt.date
    hash: str


class EventStore(Protocol):
    """Append-only streams of events."""

    def append(self, stream: str, events: Sequence[NewEvent], *, expected_version: int) -> int:
        """Append ``events`` to ``stream`` if it is at ``expected_version``; return the new version.

        All or nothing: one invalid event, or another writer having moved the
        stream on, leaves the store unchanged.
        """
        ...

    def read(self, stream: str) -> list[RecordedEvent]:
        """Every event of ``stream``, oldest first."""
        ...

    def read_after(self, seq: int) -> list[RecordedEvent]:
        """Every event with a global position after ``seq``, in order."""
        ...

    def head(self) -> tuple[int, str]:
        """(number of events, hash of the last one): what to publish with an announcement."""
        ...


class PrivateStore(Protocol):
    """Where personal details live, outside the record, until their retention date.

    The record carries only what stands for them: a household's keyed pseudonym, and a
    keyed commitment to the details kept apart.
    """

    def pseudonym(self, household_id: str, *, scope: str | None = None) -> str:
        """The household's keyed pseudonym (stable for a key and a scope)."""
        ...

    def keep_private(self, details: Mapping[str, Any], *, retain_until: dt.date) -> str:
        """Keep ``details`` apart until ``retain_until``; return their keyed commitment."""
        ...
