"""record_quarter writes a quarter's decisions to any event store (C-3, E-1..E-6, R-1).

Against the real SQLite ledger on disk and an in-memory fake of the two ports: the same
streams, the same events, idempotent, and re-checkable by the standard-library verifier.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, strategies as st

from community_governance.ledger import SQLiteLedger
from community_governance.ledger.chain import GENESIS
from community_governance.ledger.storage import ConcurrencyError
from community_governance.ports import NewEvent, RecordedEvent
from tests.ledger.builders import DEMO, KEY, OUTCOME, record_demo


class MemoryStore:
    """An in-memory event store and private store: the naive model of the ports."""

    def __init__(self, key: bytes) -> None:
        self.key = key
        self.events: list[RecordedEvent] = []
        self.private: dict[str, dict[str, Any]] = {}

    def append(self, stream: str, events: Sequence[NewEvent], *, expected_version: int) -> int:
        """Append all of ``events`` if ``stream`` is at ``expected_version``."""
        version = len(self.read(stream))
        if version != expected_version:
            raise ConcurrencyError(f"{stream} is at {version}", field="expected_version")
        for event in events:
            version += 1
            seq = len(self.events) + 1
            data = json.loads(json.dumps(dict(event.data)))
            self.events.append(
                RecordedEvent(seq, stream, version, event.type, data, event.at, f"h{seq}")
            )
        return version

    def read(self, stream: str) -> list[RecordedEvent]:
        """The stream's events, in order."""
        return [e for e in self.events if e.stream == stream]

    def read_after(self, seq: int) -> list[RecordedEvent]:
        """Every event after ``seq``."""
        return self.events[seq:]

    def head(self) -> tuple[int, str]:
        """How many events, and the last one's stand-in hash."""
        return (len(self.events), self.events[-1].hash if self.events else GENESIS)

    def pseudonym(self, household_id: str, *, scope: str | None = None) -> str:
        """The same keyed pseudonym as the ledger's."""
        message = household_id if scope is None else f"{scope}\x1f{household_id}"
        digest = hmac.new(self.key, message.encode(), hashlib.sha256).hexdigest()
        return f"hh-{digest[:24]}"

    def keep_private(self, details: Mapping[str, Any], *, retain_until: dt.date) -> str:
        """Keep the details with their retention date; return a reference."""
        ref = f"pd-{len(self.private)}"
        self.private[ref] = {**details, "retain_until": retain_until.isoformat()}
        return ref


def _record(store: Any, policy: Any = DEMO.policy) -> tuple[int, str]:
    return record_demo(store, policy=policy)


def _contents(store: Any) -> list[tuple[str, int, str, Any]]:
    return [(e.stream, e.version, e.type, e.data) for e in store.read_after(0)]


def test_sqlite_and_the_fake_record_the_same_events(tmp_path: Path) -> None:
    """C-3, E-1..E-6, R-1: both stores hold the same streams, versions, types and data."""
    ledger = SQLiteLedger(tmp_path / "l.db", key=KEY)
    memory = MemoryStore(KEY)
    assert _record(ledger)[0] == _record(memory)[0] == 6
    assert _contents(ledger) == _contents(memory)
    types = [t for _, _, t, _ in _contents(ledger)]
    assert types == [
        "meeting.closed",
        "ratings.recorded",
        "sample.drawn",
        "survey.recorded",
        "quarter.evaluated",
        "results.announced",
    ]
    assert ledger.verify().ok


def test_recording_again_changes_nothing_and_other_events_are_refused(tmp_path: Path) -> None:
    """The record: a repeated call is a no-op; a stream holding other events is refused."""
    ledger = SQLiteLedger(tmp_path / "l.db", key=KEY)
    head = _record(ledger)
    assert _record(ledger) == head
    other = MemoryStore(KEY)
    stream = f"quarter:{OUTCOME.result.community_id}:{OUTCOME.result.quarter}"
    other.append(stream, [NewEvent("note", {"n": 1}, DEMO.quarter.end)], expected_version=0)
    with pytest.raises(ConcurrencyError, match="already holds other events"):
        _record(other)
    assert [e.type for e in other.read(stream)] == ["note"]


def test_the_stdlib_verifier_recomputes_the_recorded_quarter(tmp_path: Path) -> None:
    """E-5: the export of a recorded quarter re-checks with the standard library alone."""
    ledger = SQLiteLedger(tmp_path / "l.db", key=KEY)
    count, head = _record(ledger)
    ledger.export_jsonl(tmp_path / "e.jsonl")
    done = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [
            sys.executable,
            "-m",
            "community_governance.ledger.verify",
            str(tmp_path / "e.jsonl"),
            "--head",
            f"{count}:{head}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "chain and scores recomputed" in done.stdout


def _sampled(store: Any) -> set[str]:
    return {h for e in store.read_after(0) if e.type == "sample.drawn" for h in e.data["sample"]}


def test_the_policy_scopes_the_pseudonyms(tmp_path: Path) -> None:
    """E-4: ``community`` keeps a household's pseudonym; ``quarter`` gives an unlinked one.

    Under ``community`` a household keeps its pseudonym within the community; under
    ``quarter`` it gets a new one each quarter, which nothing links to the first.
    """
    community = OUTCOME.result.community_id
    quarter = OUTCOME.result.quarter
    household = DEMO.survey.certificate.sample[0]
    by_community = SQLiteLedger(tmp_path / "a.db", key=KEY)
    _record(by_community)
    by_quarter = SQLiteLedger(tmp_path / "b.db", key=KEY)
    _record(by_quarter, DEMO.policy.override({"ledger.pseudonym_scope": "quarter"}))
    assert by_community.pseudonym(household, scope=community) in _sampled(by_community)
    assert by_quarter.pseudonym(household, scope=f"{community}:{quarter}") in _sampled(by_quarter)
    assert _sampled(by_community).isdisjoint(_sampled(by_quarter))
    assert len(_sampled(by_community)) == len(DEMO.survey.certificate.sample)


_IN_MEMORY = SQLiteLedger(":memory:", key=KEY)  # pseudonyms touch no table


@given(st.text(min_size=1, max_size=12), st.text(max_size=12), st.text(max_size=12))
def test_a_pseudonym_depends_on_its_scope(household: str, one: str, other: str) -> None:
    """E-4: the same household has one pseudonym per scope, and different scopes differ."""
    store = _IN_MEMORY
    first = store.pseudonym(household, scope=one)
    assert store.pseudonym(household, scope=one) == first
    assert (store.pseudonym(household, scope=other) == first) == (one == other)
