"""The ledger on PostgreSQL, for a whole city (adapter; the record, E-4, E-5).

[`PostgresLedger`][community_governance.ledger.postgres.PostgresLedger] gives the
[`ChainedLedger`][community_governance.ledger.store.ChainedLedger] a PostgreSQL server
through psycopg 3 (the ``[postgres]`` extra): the same table, the same form-2 chain, the
same verify, export and import as on SQLite, so a ledger moves between the two by its
JSON Lines export with its head unchanged.

Appends are serialised by a transaction-scoped advisory lock, one per ledger (its
schema), taken before the stream's version and the last hash are read: many street
offices and communities may write at once, and each batch still gets the next sequence
numbers and the hash before them. A writer that waits longer than ``timeout`` for the lock
gets a retryable [`LedgerBusyError`][community_governance.ledger.storage.LedgerBusyError];
another writer having moved the stream on gives a
[`ConcurrencyError`][community_governance.ledger.storage.ConcurrencyError]; every other
database error is a [`LedgerError`][community_governance.ledger.storage.LedgerError].
Durability is the server's: a batch is acknowledged once its ``COMMIT`` returns.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
from collections.abc import Generator
from typing import Any

from community_governance.extras import require
from community_governance.ledger.chain import StoredRow
from community_governance.ledger.keys import PseudonymKey
from community_governance.ledger.rows import table_statements
from community_governance.ledger.storage import (
    ConcurrencyError,
    LedgerBusyError,
    LedgerError,
    Pool,
)
from community_governance.ledger.store import ChainedLedger

__all__ = ["RESERVED_SCHEMAS", "PostgresLedger", "redacted"]

_SCHEMA = table_statements("BIGINT", form_default=2)

# The stored bytes, for the chain: text as the UTF-8 bytes the server holds.
_STORED = (
    "SELECT seq, form, convert_to(stream, 'UTF8'), version, convert_to(type, 'UTF8'),"
    " convert_to(at, 'UTF8'), convert_to(data, 'UTF8'), convert_to(hash, 'UTF8')"
    " FROM events ORDER BY seq"
)
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,62}")

#: Names a ledger's schema may not take: PostgreSQL's own schemas (``pg_`` names are
#: refused separately) and its reserved key words, which cannot name a schema unquoted.
RESERVED_SCHEMAS = frozenset(
    [
        "information_schema",
        "public",
        "all",
        "analyse",
        "analyze",
        "and",
        "any",
        "array",
        "as",
        "asc",
        "asymmetric",
        "authorization",
        "binary",
        "both",
        "case",
        "cast",
        "check",
        "collate",
        "collation",
        "column",
        "concurrently",
        "constraint",
        "create",
        "cross",
        "current_catalog",
        "current_date",
        "current_role",
        "current_schema",
        "current_time",
        "current_timestamp",
        "current_user",
        "default",
        "deferrable",
        "desc",
        "distinct",
        "do",
        "else",
        "end",
        "except",
        "false",
        "fetch",
        "for",
        "foreign",
        "freeze",
        "from",
        "full",
        "grant",
        "group",
        "having",
        "ilike",
        "in",
        "initially",
        "inner",
        "intersect",
        "into",
        "is",
        "isnull",
        "join",
        "lateral",
        "leading",
        "left",
        "like",
        "limit",
        "localtime",
        "localtimestamp",
        "natural",
        "not",
        "notnull",
        "null",
        "offset",
        "on",
        "only",
        "or",
        "order",
        "outer",
        "overlaps",
        "placing",
        "primary",
        "references",
        "returning",
        "right",
        "select",
        "session_user",
        "similar",
        "some",
        "symmetric",
        "system_user",
        "table",
        "tablesample",
        "then",
        "to",
        "trailing",
        "true",
        "union",
        "unique",
        "user",
        "using",
        "variadic",
        "verbose",
        "when",
        "where",
        "window",
        "with",
    ]
)

# A connection string's password, in a URI (``user:password@``, ``?password=``) or in
# key=value form (``password=...``, quoted or not).
_SECRETS = (
    (re.compile(r"(://[^/@:?#]*:)[^@/?#]*@"), r"\1***@"),
    (re.compile(r"([?&]password=)[^&#]*", re.IGNORECASE), r"\1***"),
    (re.compile(r"(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE), r"\1***"),
)


def _passwords(conninfo: str) -> list[str]:
    """The password texts of ``conninfo``, as written and percent-decoded, longest first."""
    from urllib.parse import unquote  # noqa: PLC0415

    found = [m.group(0) for p, _ in _SECRETS for m in p.finditer(conninfo)]
    texts = set()
    for match in found:
        secret = match.split("=", 1)[1] if "=" in match and "://" not in match else match
        secret = secret.rsplit(":", 1)[-1].rstrip("@") if "://" in match else secret
        secret = secret.strip().strip("'")
        texts |= {secret, unquote(secret)} - {""}
    return sorted(texts, key=len, reverse=True)


def redacted(text: str, conninfo: str | None = None) -> str:
    """``text`` with every password of a connection string in it replaced by ``***``.

    What the library says of a connection string (messages, exceptions, output) goes
    through here, so that a password never reaches a terminal or a log. Given the
    ``conninfo`` the text is about, its password is also removed wherever it appears
    (a driver's message may quote part of it, such as a bad ``%`` escape).
    """
    for secret in _passwords(conninfo) if conninfo else ():
        text = text.replace(secret, "***")
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


def _psycopg() -> Any:
    return require(
        "psycopg",
        needed_for=("the PostgreSQL ledger", "PostgreSQL 账本"),
        field="conninfo",
        rule="ledger",
    )


class _Connections(Pool):
    """psycopg connections in autocommit mode, on the ledger's schema, errors mapped."""

    def __init__(self, conninfo: str, schema: str, timeout: float) -> None:
        super().__init__(f"PostgreSQL schema {schema}")
        self._conninfo = conninfo
        self._schema = schema
        self._timeout = timeout
        self._psycopg = _psycopg()

    def connect(self) -> Any:
        """A connection whose statements find the ledger's tables first."""
        try:
            conn = self._psycopg.connect(self._conninfo, autocommit=True)
            conn.execute(f"SET search_path TO {self._schema}")
            conn.execute(f"SET lock_timeout = {int(self._timeout * 1000)}")
        except self._psycopg.Error as error:
            # One line, as every refusal at the shell is: libpq's messages run over several.
            text = " ".join(redacted(str(error), self._conninfo).split())
            raise LedgerError(
                f"cannot open the ledger: {text}",
                field=self.where,
                rule="ledger",
                zh=f"无法打开账本：{text}",
            ) from None
        return conn

    def in_transaction(self, conn: Any) -> bool:
        """Whether ``conn`` is inside a transaction block."""
        idle = self._psycopg.pq.TransactionStatus.IDLE
        return bool(conn.info.transaction_status != idle)

    def mapped(self, error: BaseException) -> LedgerError | None:
        """The ledger's error for a psycopg error, by its SQLSTATE class."""
        errors = self._psycopg.errors
        text = " ".join(redacted(str(error), self._conninfo).split())
        if isinstance(error, errors.UniqueViolation):
            return ConcurrencyError(
                f"a concurrent writer won: {text}",
                field="stream",
                rule="ledger",
                zh=f"另一写入者先写入：{text}",
            )
        busy = (
            errors.LockNotAvailable,
            errors.SerializationFailure,
            errors.DeadlockDetected,
            errors.QueryCanceled,
        )
        if isinstance(error, busy):
            return LedgerBusyError(
                f"the ledger stayed busy: {text}",
                field=self.where,
                rule="ledger",
                zh=f"账本一直忙：{text}",
            )
        if isinstance(error, self._psycopg.Error):
            return LedgerError(
                f"storage error: {text}", field=self.where, rule="ledger", zh=f"存储错误：{text}"
            )
        return None


class PostgresLedger(ChainedLedger):
    """An append-only, tamper-evident event store in a PostgreSQL schema.

    Args:
        conninfo: a libpq connection string or URI (``"postgresql://ledger@db/city"``).
        key: the secret key of the household pseudonyms, as for
            [`SQLiteLedger`][community_governance.ledger.sqlite.SQLiteLedger]; ``None``
            for reading, verifying and exporting.
        schema: the PostgreSQL schema that holds this ledger's tables (created if
            missing): one city can keep one ledger per district, each in its own schema.
        timeout: seconds a writer waits for another to finish.
        suite: the algorithm suite a new ledger begins in, as for ``SQLiteLedger``.

    Raises:
        LedgerError: psycopg is not installed, the schema name is not a plain lower-case
            identifier, or the server cannot be reached.
    """

    def __init__(
        self,
        conninfo: str,
        *,
        key: PseudonymKey | bytes | None,
        schema: str = "community_ledger",
        timeout: float = 30.0,
        suite: str | None = None,
    ) -> None:
        super().__init__(key=key, suite=suite)
        name: object = schema  # callers outside the type checker pass anything
        if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name):
            raise LedgerError(
                f"a schema name is a lower-case identifier, not {schema!r}",
                field="schema",
                rule="ledger",
                zh=f"模式名须为小写标识符，而不是 {schema!r}",
            )
        if name in RESERVED_SCHEMAS or name.startswith("pg_"):
            raise LedgerError(
                f"{schema!r} is reserved by PostgreSQL; give the ledger a schema of its own",
                field="schema",
                rule="ledger",
                zh=f"{schema!r} 是 PostgreSQL 的保留名；请为账本另取一个模式名",
            )
        self.schema = schema
        digest = hashlib.sha256(f"community-governance/ledger/{schema}".encode()).digest()
        self._lock_key = int.from_bytes(digest[:8], "big", signed=True)
        self._connections = _Connections(conninfo, schema, timeout)
        with self._connection() as conn:
            cursor = conn.cursor()
            # A ledger already set up is opened by reading alone: a reader takes no lock,
            # so it neither waits for a writer nor makes one wait.
            cursor.execute(
                "SELECT to_regclass(%s) IS NOT NULL AND to_regclass(%s) IS NOT NULL",
                (f"{schema}.events", f"{schema}.personal"),
            )
            if cursor.fetchone()[0]:
                return
            cursor.execute("BEGIN")
            # Creating the same schema from many processes at once must not race.
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", (self._lock_key,))
            cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            for statement in _SCHEMA:
                cursor.execute(statement)
            cursor.execute("COMMIT")

    def _connection(self) -> contextlib.AbstractContextManager[Any]:
        return self._connections.use()

    def _sql(self, statement: str) -> str:
        return statement.replace("?", "%s")

    def _begin_write(self, cursor: Any) -> None:
        cursor.execute("BEGIN")
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", (self._lock_key,))

    def _stored_rows(self, conn: Any) -> Generator[StoredRow, None, None]:
        # A server-side cursor inside one read transaction: one snapshot, bounded memory.
        with conn.transaction(), conn.cursor(name="ledger_stored_rows") as cursor:
            cursor.itersize = 5000
            cursor.execute(_STORED)
            yield from cursor

    def _erase(self, statement: str, parameters: tuple[str, ...]) -> int:
        with self._connection() as conn:
            deleted = int(conn.execute(self._sql(statement), parameters).rowcount)
            conn.execute("VACUUM personal")
        return deleted

    def purge_expired(self, at: dt.date) -> int:
        """Delete every personal record whose retention date has passed; return how many.

        The rows are deleted and the table vacuumed, so they are gone from every query
        and their space is reused. PostgreSQL does not overwrite the freed bytes: until
        they are reused they remain in the table's files, and the write-ahead log, its
        archives and backups keep what was written. Keep the server's storage encrypted
        and its log archives on the same retention as the personal data.
        """
        return super().purge_expired(at)

    def close(self) -> None:
        """Close the ledger's connections (they open again if the ledger is used)."""
        self._connections.close()
