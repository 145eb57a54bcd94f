"""The ledger's storage plumbing: errors by kind, and one connection per thread (the record).

Every ``sqlite3`` error maps to a [`LedgerError`][community_governance.ledger.storage.LedgerError]:
a lost race for a stream's next version to a
[`ConcurrencyError`][community_governance.ledger.storage.ConcurrencyError], a database that
stays locked past the busy timeout to a retryable
[`LedgerBusyError`][community_governance.ledger.storage.LedgerBusyError].
"""

from __future__ import annotations

import abc
import contextlib
import os
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from community_governance.errors import GovernanceError

__all__ = [
    "ConcurrencyError",
    "Connections",
    "LedgerBusyError",
    "LedgerError",
    "Pool",
    "mapped_error",
]


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
        return ConcurrencyError(
            f"a concurrent writer won: {text}",
            field="stream",
            rule="ledger",
            zh=f"另一写入者先写入：{text}",
        )
    if isinstance(error, sqlite3.OperationalError) and ("locked" in text or "busy" in text):
        return LedgerBusyError(
            f"the ledger stayed busy: {text}",
            field=str(path),
            rule="ledger",
            zh=f"账本一直忙：{text}",
        )
    return LedgerError(
        f"storage error: {text}", field=str(path), rule="ledger", zh=f"存储错误：{text}"
    )


def _close_all(opened: list[tuple[int, Any]]) -> None:
    """Close the connections this process opened; forget them all."""
    conns = list(opened)
    opened.clear()
    for pid, conn in conns:
        if pid == os.getpid():
            with contextlib.suppress(Exception):
                conn.close()


class Pool(abc.ABC):
    """One connection per ledger object, thread and process, opened on first use.

    A connection is kept open, so that appending does not pay for opening one (and, on
    SQLite, for the write-ahead-log checkpoint that closing the last connection forces).
    A process started by ``fork`` opens its own.
    """

    def __init__(self, where: str) -> None:
        self.where = where
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: list[tuple[int, Any]] = []
        # A ledger dropped without close() still closes what it opened.
        weakref.finalize(self, _close_all, self._open)

    @abc.abstractmethod
    def connect(self) -> Any:
        """A new connection, set up (``LedgerError`` when it cannot be opened)."""

    @abc.abstractmethod
    def in_transaction(self, conn: Any) -> bool:
        """Whether ``conn`` has a transaction open."""

    @abc.abstractmethod
    def mapped(self, error: BaseException) -> LedgerError | None:
        """The ledger error a database error stands for (``None``: not a database error)."""

    @contextlib.contextmanager
    def use(self) -> Iterator[Any]:
        """This thread's connection; a transaction left open by an error is rolled back."""
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            conn = self.connect()
            with self._lock:
                self._open.append((os.getpid(), conn))
            local.conn, local.pid = conn, os.getpid()
        conn = local.conn
        try:
            yield conn
        except BaseException as error:
            with contextlib.suppress(Exception):
                if self.in_transaction(conn):
                    conn.execute("ROLLBACK")
            ledger_error = self.mapped(error)
            if ledger_error is not None:
                raise ledger_error from None
            raise

    def close(self) -> None:
        """Close every connection this object opened in this process.

        Connections inherited from a parent process are left alone: closing them here
        could act on the parent's locks and log.
        """
        with self._lock:
            _close_all(self._open)
        self._local = threading.local()


class Connections(Pool):
    """SQLite connections: ``synchronous=FULL``, the busy timeout, errors mapped."""

    def __init__(self, path: Path, timeout: float) -> None:
        super().__init__(str(path))
        self._path = path
        self._timeout = timeout

    def connect(self) -> sqlite3.Connection:
        """A connection in autocommit mode; transactions are begun explicitly."""
        try:
            conn = sqlite3.connect(
                self._path, timeout=self._timeout, isolation_level=None, check_same_thread=False
            )
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute(f"PRAGMA busy_timeout={int(self._timeout * 1000)}")
        except sqlite3.Error as error:
            raise LedgerError(
                f"cannot open the ledger: {error}",
                field=str(self._path),
                rule="ledger",
                zh=f"无法打开账本：{error}",
            ) from None
        return conn

    def in_transaction(self, conn: Any) -> bool:
        """Whether ``conn`` has a transaction open."""
        return bool(conn.in_transaction)

    def mapped(self, error: BaseException) -> LedgerError | None:
        """``mapped_error`` for sqlite3 errors."""
        if isinstance(error, sqlite3.Error):
            return mapped_error(error, self._path)
        return None
