"""The ledger's storage plumbing on SQLite: errors by kind and one connection per thread.

Every ``sqlite3`` error maps to a [`LedgerError`][community_governance.ledger.storage.LedgerError]:
a lost race for a stream's next version to a
[`ConcurrencyError`][community_governance.ledger.storage.ConcurrencyError], a database that
stays locked past the busy timeout to a retryable
[`LedgerBusyError`][community_governance.ledger.storage.LedgerBusyError].
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from community_governance.errors import GovernanceError

__all__ = ["ConcurrencyError", "Connections", "LedgerBusyError", "LedgerError", "mapped_error"]


class LedgerError(GovernanceError):
    """Any failure of the ledger's storage (every sqlite3 error maps here)."""


class ConcurrencyError(LedgerError):
    """Another writer moved the stream on: re-read it and try again."""


class LedgerBusyError(ConcurrencyError):
    """The database stayed locked by another writer past the busy timeout: try again."""


def mapped_error(error: sqlite3.Error, path: Path) -> LedgerError:
    """The ledger error an sqlite3 error stands for."""
    text = str(error)
    if isinstance(error, sqlite3.IntegrityError) and "UNIQUE" in text:
        return ConcurrencyError(f"a concurrent writer won: {text}", field="stream", rule="ledger")
    if isinstance(error, sqlite3.OperationalError) and ("locked" in text or "busy" in text):
        return LedgerBusyError(f"the ledger stayed busy: {text}", field=str(path), rule="ledger")
    return LedgerError(f"storage error: {text}", field=str(path), rule="ledger")


class Connections:
    """One connection per ledger object, thread and process, opened on first use.

    A connection is kept open, so that appending does not pay for opening a file and for
    the write-ahead-log checkpoint that closing the last connection forces. A process
    started by ``fork`` opens its own.
    """

    def __init__(self, path: Path, timeout: float) -> None:
        self._path = path
        self._timeout = timeout
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: list[tuple[int, sqlite3.Connection]] = []

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                self._path, timeout=self._timeout, isolation_level=None, check_same_thread=False
            )
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute(f"PRAGMA busy_timeout={int(self._timeout * 1000)}")
        except sqlite3.Error as error:
            raise LedgerError(
                f"cannot open the ledger: {error}", field=str(self._path), rule="ledger"
            ) from None
        with self._lock:
            self._open.append((os.getpid(), conn))
        return conn

    @contextlib.contextmanager
    def use(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection; a transaction left open by an error is rolled back."""
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            local.conn, local.pid = self._connect(), os.getpid()
        conn: sqlite3.Connection = local.conn
        try:
            yield conn
        except BaseException as error:
            with contextlib.suppress(sqlite3.Error):
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
            if isinstance(error, sqlite3.Error):
                raise mapped_error(error, self._path) from None
            raise

    def close(self) -> None:
        """Close every connection this object opened in this process.

        Connections inherited from a parent process are left alone: closing them here
        could act on the parent's locks and log.
        """
        with self._lock:
            conns, self._open = self._open, []
        for pid, conn in conns:
            if pid == os.getpid():
                with contextlib.suppress(sqlite3.Error):
                    conn.close()
        self._local = threading.local()
