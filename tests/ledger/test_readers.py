"""Readers never wait for writers: a read-only open takes no write lock (the record).

Real components: an SQLite file whose write lock another connection holds, and the
PostgreSQL server the suite starts, whose ledger lock another session holds.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import psycopg
import pytest

from community_governance.cli import EXIT_OK
from community_governance.ledger import SQLiteLedger
from community_governance.ledger.postgres import PostgresLedger
from community_governance.ports import NewEvent
from tests.cli.shell import run

DAY = dt.date(2026, 9, 30)


def _written(ledger: SQLiteLedger | PostgresLedger) -> tuple[int, str]:
    ledger.append("s", [NewEvent("note", {"n": i}, DAY) for i in range(3)], expected_version=0)
    return ledger.head()


def test_an_sqlite_reader_opens_and_reads_while_a_writer_holds_the_lock(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The record: open, head, verify, export and the commands, beside a writer's transaction."""
    path = tmp_path / "l.db"
    head = _written(SQLiteLedger(path, key=None))
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute(
        "INSERT INTO events (seq, form, stream, version, type, at, data, hash) "
        "VALUES (4, 2, 's', 4, 'note', '2026-09-30', '{}', 'pending')"
    )
    try:
        reader = SQLiteLedger(path, key=None, timeout=0.05)
        assert reader.head() == head  # the writer's row is not committed: not seen
        assert reader.verify().ok
        assert reader.export_jsonl(tmp_path / "e.jsonl") == head
        for command in (["head"], ["verify"]):
            code, _, err = run(capsys, "ledger", *command, str(path))
            assert code == EXIT_OK, err
        reader.close()
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_a_postgres_reader_opens_while_a_writer_holds_the_ledger_lock(
    postgresql_server: str,
) -> None:
    """The record: a writer's transaction holds the schema's lock; a reader still opens."""
    first = PostgresLedger(postgresql_server, key=None, schema="readers_test")
    head = _written(first)
    writer = psycopg.connect(postgresql_server, autocommit=True)
    try:
        writer.execute("BEGIN")
        writer.execute("SELECT pg_advisory_xact_lock(%s)", (first._lock_key,))
        reader = PostgresLedger(postgresql_server, key=None, schema="readers_test", timeout=0.2)
        assert reader.head() == head
        assert reader.verify().ok
        reader.close()
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        first.close()
