"""The ledger's contract, one suite for every store: SQLite on disk and a real PostgreSQL.

Each test takes ``backend``, a way to open a fresh store of one kind (``sqlite``: a file
in the test's folder; ``postgres``: a schema of its own on the session's server, see
``conftest.py``), and checks what ``EventStore`` promises: streams and versions, batches
all or nothing, acknowledged appends surviving a killed writer, concurrent writers in
several processes losing and duplicating nothing, tampering found where it begins, and
exports that move a ledger between the two kinds with its head unchanged.
"""

from __future__ import annotations

import datetime as dt
import itertools
import multiprocessing
import os
import random
import signal
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from community_governance.ledger.checkpoint import checkpoint, verify_against
from community_governance.ledger.keys import PseudonymKey, key_id
from community_governance.ledger.postgres import PostgresLedger
from community_governance.ledger.sqlite import SQLiteLedger
from community_governance.ledger.storage import ConcurrencyError, LedgerBusyError, LedgerError
from community_governance.ledger.store import ChainedLedger, begin
from community_governance.ports import NewEvent
from tests.ledger.builders import AT, KEY, OFFICE, OTHER_KEY, TEST_KEY, office
from tests.ledger.tamper import TAMPERINGS, RawTable

DAY = dt.date(2026, 9, 30)
_names = itertools.count()

#: How to open a store again, in this process or another: (kind, where, schema).
Spec = tuple[str, str, str]


def open_store(
    spec: Spec,
    timeout: float = 30.0,
    suite: str | None = None,
    key: PseudonymKey | bytes | None = KEY,
) -> ChainedLedger:
    """The store a spec names."""
    kind, where, schema = spec
    if kind == "sqlite":
        return SQLiteLedger(where, key=key, timeout=timeout, suite=suite)
    return PostgresLedger(where, key=key, schema=schema, timeout=timeout, suite=suite)


def raw_table(spec: Spec) -> tuple[RawTable, Callable[[], None]]:
    """The store's table through a plain connection, and how to close it."""
    kind, where, schema = spec
    if kind == "sqlite":
        conn: Any = sqlite3.connect(where)
        return RawTable(conn), conn.close
    import psycopg  # noqa: PLC0415 - only with PostgreSQL

    conn = psycopg.connect(where)
    conn.execute(f"SET search_path TO {schema}")
    return RawTable(conn, "%s"), conn.close


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Spec]:
    """A fresh store's spec, of each kind in turn."""
    name = f"t{os.getpid()}_{next(_names)}"
    if request.param == "sqlite":
        yield ("sqlite", str(tmp_path / f"{name}.db"), "")
        return
    conninfo = request.getfixturevalue("postgresql_server")
    yield ("postgres", conninfo, name)


def _note(n: int) -> NewEvent:
    return NewEvent("note", {"n": n, "text": f"note {n}", "tags": ["a", {"b": None}]}, DAY)


def test_streams_versions_and_batches(backend: Spec) -> None:
    """The record: versions count from 1; a wrong expected version or a bad event writes nothing."""
    with open_store(backend) as store:
        assert store.append("a", [_note(1), _note(2)], expected_version=0) == 2
        assert store.append("b", [_note(3)], expected_version=0) == 1
        assert store.append("a", [_note(4)], expected_version=2) == 3
        assert [e.version for e in store.read("a")] == [1, 2, 3]
        assert [e.seq for e in store.read_after(1)] == [2, 3, 4]
        assert store.read("a")[0].data == _note(1).data
        before = store.head()
        with pytest.raises(ConcurrencyError):
            store.append("a", [_note(5)], expected_version=2)
        with pytest.raises(LedgerError, match="float"):
            store.append("a", [_note(5), NewEvent("note", {"x": 0.5}, DAY)], expected_version=3)
        assert store.head() == before
        assert store.version("a") == 3
        assert store.verify().ok


def test_personal_details_stay_apart_and_go(backend: Spec) -> None:
    """E-4: details kept apart are found by their reference and purged after retention."""
    with open_store(backend) as store:
        ref = store.keep_private({"wish": "a wheelchair"}, retain_until=DAY)
        assert store.personal(ref) == {"wish": "a wheelchair"}
        assert store.pseudonym("A-1-101") == store.pseudonym("A-1-101")
        assert store.purge_expired(DAY) == 0
        assert store.purge_expired(DAY + dt.timedelta(days=1)) == 1
        assert store.personal(ref) is None


@pytest.mark.parametrize("suite", ["sha256-ed25519", "sm3-sm2"])
def test_a_ledger_records_its_pseudonym_key_and_refuses_another(backend: Spec, suite: str) -> None:
    """The record: ``begin`` names the key by id and HMAC; another key makes no pseudonym.

    Neither another secret nor the same secret under another HMAC: their pseudonyms could
    never be linked to the ledger's. A key that names no HMAC takes the recorded one.
    """
    sm3_key = PseudonymKey(TEST_KEY, "hmac-sm3")
    with open_store(backend, suite=suite, key=sm3_key) as store:
        begin(store, DAY)
        own = store.pseudonym("A-1-101")
        recorded = {"id": key_id(TEST_KEY, "hmac-sm3"), "hmac": "hmac-sm3"}
        assert store.recorded_key() == store.pseudonym_key() == recorded
        assert store.read_after(0)[0].data == {"suite": suite, "pseudonym_key": recorded}
    with open_store(backend, key=None) as reader:
        assert reader.recorded_key() == recorded
        assert not reader.has_key()
    for other in (PseudonymKey(OTHER_KEY), PseudonymKey(TEST_KEY, "hmac-sha256")):
        theirs = key_id(other.secret, other.hmac or "hmac-sm3")
        with open_store(backend, key=other) as store:
            head = store.head()
            for attempt in (
                lambda s=store: s.pseudonym("A-1-101"),
                lambda s=store: s.keep_private({"a": 1}, retain_until=DAY),
                lambda s=store: begin(s, DAY),
            ):
                with pytest.raises(LedgerError) as refused:
                    attempt()
                assert refused.value.message.startswith(
                    f"this is not the pseudonym key the ledger began with: it recorded "
                    f"{recorded['id']} (hmac-sm3), this key is {theirs}"
                )
                assert (refused.value.field, refused.value.rule) == ("key", "ledger")
                assert "这不是账本开始时使用的假名密钥" in (refused.value.zh or "")
            assert store.head() == head
    with open_store(backend, key=TEST_KEY) as store:
        assert store.pseudonym_key() == recorded
        assert store.pseudonym("A-1-101") == own


def _append_forever(spec: Spec, stream: str, acknowledged: Any) -> None:
    store = open_store(spec)
    version = store.version(stream)
    for n in itertools.count(version):
        version = store.append(stream, [_note(n), _note(n)], expected_version=version)
        acknowledged.value = version


def test_acknowledged_appends_survive_a_killed_writer(backend: Spec) -> None:
    """The record: a writer killed mid-append loses no acknowledged batch, half of none."""
    open_store(backend).close()
    context = multiprocessing.get_context("spawn")
    acknowledged = context.Value("q", 0)
    for round_ in range(3):
        writer = context.Process(target=_append_forever, args=(backend, "s", acknowledged))
        writer.start()
        deadline = time.monotonic() + 30
        while acknowledged.value < 10 * (round_ + 1) and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(random.Random(round_).random() / 20)
        os.kill(writer.pid or 0, signal.SIGKILL)
        writer.join()
        with open_store(backend) as store:
            version = store.version("s")
            assert version >= acknowledged.value
            assert version % 2 == 0  # batches of two: never half of one
            assert store.verify().ok


def _contend(spec: Spec, writer: int, events: int) -> None:
    store = open_store(spec, timeout=60)
    written = 0
    while written < events:
        try:
            version = store.version("shared")
            store.append(
                "shared",
                [NewEvent("n", {"w": writer, "i": written}, DAY)],
                expected_version=version,
            )
            written += 1
        except ConcurrencyError:  # LedgerBusyError included: retry
            continue
    store.close()


def test_concurrent_processes_lose_and_duplicate_nothing(backend: Spec) -> None:
    """The record: four processes appending to one stream: every event once, the chain whole."""
    open_store(backend).close()
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_contend, args=(backend, w, 25)) for w in range(4)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(120)
        assert writer.exitcode == 0
    with open_store(backend) as store:
        events = store.read("shared")
        assert [e.version for e in events] == list(range(1, 101))
        assert sorted((e.data["w"], e.data["i"]) for e in events) == [
            (w, i) for w in range(4) for i in range(25)
        ]
        assert store.verify().ok


def test_a_writer_holding_the_lock_makes_others_busy_not_broken(backend: Spec) -> None:
    """The record: a writer that waits past its timeout gets a retryable LedgerBusyError."""
    with open_store(backend) as holder, open_store(backend, timeout=0.2) as waiter:
        holder.append("s", [_note(1)], expected_version=0)
        with holder._connection() as conn:
            cursor = conn.cursor()
            holder._begin_write(cursor)
            with pytest.raises(LedgerBusyError):
                waiter.append("s", [_note(2)], expected_version=1)
            cursor.execute("ROLLBACK")
        assert waiter.append("s", [_note(2)], expected_version=1) == 2


@pytest.mark.parametrize("suite", ["sha256-ed25519", "sm3-sm2"])
@pytest.mark.parametrize("kind", sorted(TAMPERINGS))
def test_tampering_is_found_where_it_begins(backend: Spec, kind: str, suite: str) -> None:
    """The record: each kind of tampering, after a final signed head, is named alike.

    On a ledger of each suite, on each store.
    """
    signing, trusted = office(suite)
    with open_store(backend, suite=suite) as store:
        for n in range(8):
            store.append(f"s{n % 3}", [_note(n)], expected_version=store.version(f"s{n % 3}"))
        head = checkpoint(store, signing, AT)
        assert store.suite() == suite
        table, close = raw_table(backend)
        expected = TAMPERINGS[kind](table, head.seq, random.Random(kind))
        table.commit()
        close()
        check = verify_against(store, [head], trusted, final=True)
        assert (check.ok, check.first_bad) == (False, expected), check


def test_an_export_moves_a_ledger_between_stores(
    backend: Spec, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """The record: an export imports into either kind: the same events, the same head."""
    with open_store(backend) as store:
        for n in range(5):
            store.append("s", [_note(n)], expected_version=n)
        checkpoint(store, OFFICE, AT)
        head = store.export_jsonl(tmp_path / "export.jsonl")
        assert head == store.head()
        events = store.read_after(0)
    server = request.getfixturevalue("postgresql_server")
    targets: list[Spec] = [
        ("sqlite", str(tmp_path / "imported.db"), ""),
        ("postgres", server, f"imported_{os.getpid()}_{next(_names)}"),
    ]
    for spec in targets:
        with open_store(spec) as target:
            assert target.import_jsonl(tmp_path / "export.jsonl") == head
            assert target.read_after(0) == events
            assert target.verify().ok
            with pytest.raises(LedgerError, match="empty"):
                target.import_jsonl(tmp_path / "export.jsonl")


def test_postgres_names_a_bad_schema_and_an_unreachable_server() -> None:
    """The record: a schema name that is not an identifier, or no server, is a LedgerError."""
    with pytest.raises(LedgerError, match="lower-case identifier") as bad:
        PostgresLedger("host=127.0.0.1", key=None, schema="Districts; DROP TABLE events")
    assert bad.value.field == "schema"
    with pytest.raises(LedgerError, match="cannot open the ledger"):
        PostgresLedger("host=127.0.0.1 port=1 connect_timeout=3", key=None)
