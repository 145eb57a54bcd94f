"""The ledger's storage plumbing on SQLite: errors by kind and short-lived connections.

Every ``sqlite3`` error maps to a [`LedgerError`][community_governance.ledger.storage.LedgerError]:
a lost race for a stream's next version to a
[`ConcurrencyError`][community_governance.ledger.storage.ConcurrencyError], a database that
stays locked past the busy timeout to a retryable
[`LedgerBusyError`][community_governance.ledger.storage.LedgerBusyError].
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from community_governance.errors import GovernanceError

__all__ = ["ConcurrencyError", "Connection", "LedgerBusyError", "LedgerError", "text_of"]


class LedgerError(GovernanceError):
    """Any failure of the ledger's storage (every sqlite3 error maps here)."""


class ConcurrencyError(LedgerError):
    """Another writer moved the stream on: re-read it and try again."""


class LedgerBusyError(ConcurrencyError):
    """The database stayed locked by another writer past the busy timeout: try again."""


def text_of(value: object) -> object:
    """Stored text as text; bytes that are not UTF-8 are shown replaced, so the hash fails."""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value


class Connection:
    """A short-lived connection, committed or rolled back on exit; sqlite3 errors mapped."""

    def __init__(self, path: Path, timeout: float) -> None:
        self._path = path
        self._timeout = timeout
        self._conn: sqlite3.Connection | None = None

    def __enter__(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self._path, timeout=self._timeout, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute(f"PRAGMA busy_timeout={int(self._timeout * 1000)}")
        except sqlite3.Error as error:
            raise LedgerError(
                f"cannot open the ledger: {error}", field=str(self._path), rule="ledger"
            ) from None
        self._conn = conn
        return conn

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, _: object
    ) -> None:
        conn = self._conn
        assert conn is not None  # noqa: S101 - set by __enter__
        try:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass
        finally:
            conn.close()
        if isinstance(error, sqlite3.IntegrityError) and "UNIQUE" in str(error):
            raise ConcurrencyError(
                f"a concurrent writer won: {error}", field="stream", rule="ledger"
            ) from None
        if isinstance(error, sqlite3.OperationalError) and (
            "locked" in str(error) or "busy" in str(error)
        ):
            raise LedgerBusyError(
                f"the ledger stayed busy: {error}", field=str(self._path), rule="ledger"
            ) from None
        if isinstance(error, sqlite3.Error):
            raise LedgerError(
                f"storage error: {error}", field=str(self._path), rule="ledger"
            ) from None
