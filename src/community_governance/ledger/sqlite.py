"""The ledger on SQLite: append-only, hash-chained, crash-safe (adapter; the record).

[`SQLiteLedger`][community_governance.ledger.sqlite.SQLiteLedger] gives the
[`ChainedLedger`][community_governance.ledger.store.ChainedLedger] a file: write-ahead
logging, ``synchronous=FULL``, writes in ``BEGIN IMMEDIATE`` transactions with a busy
timeout, a primary key on (stream, version), and one connection per thread kept open.
Concurrent writers fail cleanly with
[`ConcurrencyError`][community_governance.ledger.storage.ConcurrencyError] — never a leaked
"database is locked"; every sqlite3 error maps to
[`LedgerError`][community_governance.ledger.storage.LedgerError]; a batch is all or nothing.

A ledger written before form 2 (see ``ledger.chain``) gains a ``form`` column when it is
opened; its records stay form 1 and still verify, and new records are form 2.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

from community_governance.ledger.chain import StoredRow
from community_governance.ledger.keys import PseudonymKey
from community_governance.ledger.rows import table_statements
from community_governance.ledger.storage import (
    Connections,
    LedgerBusyError,
)
from community_governance.ledger.store import ChainedLedger

__all__ = ["SQLiteLedger"]

_SCHEMA = table_statements("INTEGER", form_default=1)

# The stored bytes, for the chain (read with ``text_factory = bytes``: text as the UTF-8
# bytes it is stored as, and bytes that are not UTF-8 as they are).
_STORED = "SELECT seq, form, stream, version, type, at, data, hash FROM events ORDER BY seq"


def _migrate(conn: sqlite3.Connection) -> None:
    """Give a ledger written before form 2 its ``form`` column (its records stay form 1)."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(events)")}
    if "form" not in columns:
        conn.execute("ALTER TABLE events ADD COLUMN form INTEGER NOT NULL DEFAULT 1")


class SQLiteLedger(ChainedLedger):
    """An append-only, tamper-evident event store in one SQLite file.

    Args:
        path: the database file (created if missing).
        key: the secret key of the household pseudonyms, at least 32 bytes, from a key
            file or the environment (``ledger.keys.load_key``), kept outside the
            database: without it nobody can link a pseudonym to a household.
            ``None`` opens the ledger without it: reading, verifying, exporting and
            the head need no key; pseudonyms and personal details do.
        timeout: seconds a writer waits for another to finish.
        suite: the algorithm suite a new ledger begins in, ``sha256-ed25519`` (the
            default) or ``sm3-sm2``; a ledger that has begun keeps its own, and opening
            it for the other is refused when it is written to.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        key: PseudonymKey | bytes | None,
        timeout: float = 30.0,
        suite: str | None = None,
    ) -> None:
        super().__init__(key=key, suite=suite)
        self.path = Path(path)
        self._connections = Connections(self.path, timeout)
        # Several processes may create the same fresh file at once; switching it to WAL
        # can then report "locked" at once, so retry until the timeout (the record).
        if self._ready():
            # A ledger already set up is opened without a write: a reader never takes the
            # write lock, so it neither waits for a writer nor makes one wait.
            return
        deadline = time.monotonic() + timeout
        while True:
            try:
                with self._connection() as conn:
                    conn.execute("PRAGMA journal_mode=WAL")
                    conn.execute("BEGIN IMMEDIATE")
                    for statement in _SCHEMA:
                        conn.execute(statement)
                    _migrate(conn)
                    conn.execute("COMMIT")
                break
            except LedgerBusyError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _ready(self) -> bool:
        """Whether the file is a ledger in WAL mode with both tables and the form column.

        Read without a transaction that writes: in WAL mode, a read goes on beside a writer.
        """
        if not self.path.is_file() or self.path.stat().st_size == 0:
            return False
        with self._connection() as conn:
            mode = str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
            tables = {
                row[0]
                for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            columns = {row[1] for row in conn.execute("PRAGMA table_info(events)")}
        return mode == "wal" and {"events", "personal"} <= tables and "form" in columns

    def _connection(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return self._connections.use()

    def _begin_write(self, cursor: Any) -> None:
        cursor.execute("BEGIN IMMEDIATE")

    def _stored_rows(self, conn: Any) -> Generator[StoredRow, None, None]:
        cursor = conn.cursor()
        cursor.row_factory = None
        conn.text_factory = bytes
        try:
            yield from cursor.execute(_STORED)
        finally:
            conn.text_factory = str
            cursor.close()  # an unfinished read would hold its snapshot (and the log) open

    def close(self) -> None:
        """Close the ledger's connections (they open again if the ledger is used)."""
        self._connections.close()

    def purge_expired(self, at: dt.date) -> int:
        """Delete every personal record whose retention date has passed; return how many.

        The deletion overwrites the freed pages (``secure_delete``) and then checkpoints the
        write-ahead log with ``TRUNCATE``, so the deleted text is left neither in the
        database file nor in its ``-wal`` file, as long as no other connection is in the
        middle of a read when it runs (a reader's open snapshot keeps the log until it ends;
        the checkpoint then waits up to the busy timeout). Copies made before — backups,
        exports of personal data — are outside the ledger's reach.
        """
        return super().purge_expired(at)

    def _erase(self, statement: str, parameters: tuple[str, ...]) -> int:
        with self._connection() as conn:
            conn.execute("PRAGMA secure_delete=ON")
            deleted = int(conn.execute(statement, parameters).rowcount)
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return deleted

    def integrity_check(self) -> str:
        """SQLite's own ``PRAGMA integrity_check`` (``"ok"`` when sound)."""
        with self._connection() as conn:
            return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
