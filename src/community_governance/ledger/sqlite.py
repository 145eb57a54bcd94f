"""The ledger on SQLite: append-only, hash-chained, crash-safe (adapter).

Implements [`EventStore`][community_governance.ports.EventStore] with the standard
library's ``sqlite3``: write-ahead logging, ``synchronous=FULL``, writes in
``BEGIN IMMEDIATE`` transactions with a busy timeout, and a primary key on
(stream, version), so concurrent writers fail cleanly with
[`ConcurrencyError`][community_governance.ledger.sqlite.ConcurrencyError] — never a leaked "database
is locked". Every sqlite3
error maps to [`LedgerError`][community_governance.ledger.sqlite.LedgerError]; a batch is all or
nothing.

Personal details of households never enter the chain: events carry keyed-HMAC
pseudonyms ([`SQLiteLedger.pseudonym`][community_governance.ledger.sqlite.SQLiteLedger.pseudonym]),
and any detail lives in a separate
table, referenced by pseudonym, with a retention date, deletable without
touching the chain.

One room for one concept, the SQLite event store: its schema, its appends and reads, its
chain checks and its export and import share one table and one connection discipline; the
checks of records are in ``ledger.records`` and the storage plumbing in ``ledger.storage``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import sqlite3
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from community_governance.ledger.chain import (
    GENESIS,
    LedgerCheck,
    canonical,
    check_records,
    event_body,
    link,
)
from community_governance.ledger.keys import check_key
from community_governance.ledger.records import check_event, read_export, same_keys, when
from community_governance.ledger.storage import (
    ConcurrencyError,
    Connection,
    LedgerBusyError,
    LedgerError,
    text_of,
)
from community_governance.ports import NewEvent, RecordedEvent

__all__ = ["ConcurrencyError", "LedgerBusyError", "LedgerError", "SQLiteLedger"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY,
    stream TEXT NOT NULL,
    version INTEGER NOT NULL,
    type TEXT NOT NULL,
    at TEXT NOT NULL,
    data TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (stream, version)
);
CREATE TABLE IF NOT EXISTS personal (
    ref TEXT PRIMARY KEY,
    details TEXT NOT NULL,
    retain_until TEXT NOT NULL
);
"""


_INSERT = (
    "INSERT INTO events (seq, stream, version, type, at, data, hash) VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def _row_event(row: sqlite3.Row) -> RecordedEvent:
    return RecordedEvent(
        seq=row["seq"],
        stream=row["stream"],
        version=row["version"],
        type=row["type"],
        data=json.loads(row["data"]),
        at=when(row["at"]),
        hash=row["hash"],
    )


class SQLiteLedger:
    """An append-only, tamper-evident event store in one SQLite file.

    Args:
        path: the database file (created if missing).
        key: the secret key of the household pseudonyms, at least 32 bytes, from a key
            file or the environment (``ledger.keys.load_key``), kept outside the
            database: without it nobody can link a pseudonym to a household.
            ``None`` opens the ledger without it: reading, verifying, exporting and
            the head need no key; pseudonyms and personal details do.
        timeout: seconds a writer waits for another to finish.
    """

    def __init__(self, path: str | Path, *, key: bytes | None, timeout: float = 30.0) -> None:
        if key is not None:
            check_key(key)
        self.path = Path(path)
        self._key = key
        self._timeout = timeout
        # Several processes may create the same fresh file at once; switching it to WAL
        # can then report "locked" at once, so retry until the timeout (the record).
        deadline = time.monotonic() + timeout
        while True:
            try:
                with self._connection() as conn:
                    conn.execute("PRAGMA journal_mode=WAL")
                    conn.executescript(_SCHEMA)
                break
            except LedgerBusyError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    # -- plumbing --------------------------------------------------------------------------

    def _connection(self) -> Connection:
        return Connection(self.path, self._timeout)

    # -- personal data ---------------------------------------------------------------------

    def pseudonym(self, household_id: str, *, scope: str | None = None) -> str:
        """The keyed-HMAC pseudonym of a household id (stable for a key and a scope).

        ``scope`` (see [`pseudonym_scope`][community_governance.ledger.keys.pseudonym_scope])
        makes the same household's pseudonym differ from one scope to the next, so that
        records of different scopes cannot be linked, even by whoever holds the key.

        Raises:
            LedgerError: the ledger was opened without its key.
        """
        if self._key is None:
            raise LedgerError(
                "pseudonyms need the ledger's key; this ledger was opened read-only",
                field="key",
                rule="ledger",
            )
        message = household_id if scope is None else f"{scope}\x1f{household_id}"
        digest = hmac.new(self._key, message.encode("utf-8"), hashlib.sha256).hexdigest()
        return f"hh-{digest[:24]}"

    def store_personal(
        self, household_id: str, details: Mapping[str, Any], *, retain_until: dt.date
    ) -> str:
        """Keep a household's personal details outside the chain; return the pseudonym."""
        ref = self.pseudonym(household_id)
        with self._connection() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO personal (ref, details, retain_until) VALUES (?, ?, ?)",
                (ref, json.dumps(dict(details), ensure_ascii=False), retain_until.isoformat()),
            )
        return ref

    def keep_private(self, details: Mapping[str, Any], *, retain_until: dt.date) -> str:
        """Keep a record's personal details outside the chain; return their commitment.

        The commitment, ``pd-`` and 32 hex digits of an HMAC of the details' canonical
        form under the ledger's key, is what the chain carries in their place: it shows,
        to whoever holds the key and the details, that these are the details recorded,
        and reveals nothing without them. The details are deleted like any personal
        record (``delete_personal``, ``purge_expired``).

        Raises:
            LedgerError: the ledger was opened without its key, or the details are not
                plain data.
        """
        if self._key is None:
            raise LedgerError(
                "keeping personal details needs the ledger's key; this ledger was opened read-only",
                field="key",
                rule="ledger",
            )
        try:
            body = canonical(dict(details))
        except TypeError as error:
            raise LedgerError(str(error), field="details", rule="ledger") from None
        digest = hmac.new(self._key, b"private|" + body, hashlib.sha256).hexdigest()
        ref = f"pd-{digest[:32]}"
        with self._connection() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO personal (ref, details, retain_until) VALUES (?, ?, ?)",
                (ref, json.dumps(dict(details), ensure_ascii=False), retain_until.isoformat()),
            )
        return ref

    def personal(self, ref: str) -> dict[str, Any] | None:
        """The personal details behind a pseudonym, if still kept."""
        with self._connection() as conn:
            row = conn.execute("SELECT details FROM personal WHERE ref = ?", (ref,)).fetchone()
        return None if row is None else dict(json.loads(row["details"]))

    def delete_personal(self, ref: str) -> bool:
        """Delete a household's personal details for good; the chain is untouched.

        See ``purge_expired`` for what "for good" guarantees.
        """
        return self._erase("DELETE FROM personal WHERE ref = ?", (ref,)) > 0

    def purge_expired(self, at: dt.date) -> int:
        """Delete every personal record whose retention date has passed; return how many.

        The deletion overwrites the freed pages (``secure_delete``) and then checkpoints the
        write-ahead log with ``TRUNCATE``, so the deleted text is left neither in the
        database file nor in its ``-wal`` file, as long as no other connection is in the
        middle of a read when it runs (a reader's open snapshot keeps the log until it ends;
        the checkpoint then waits up to the busy timeout). Copies made before — backups,
        exports of personal data — are outside the ledger's reach.
        """
        return self._erase("DELETE FROM personal WHERE retain_until < ?", (at.isoformat(),))

    def _erase(self, statement: str, parameters: tuple[str, ...]) -> int:
        with self._connection() as conn:
            conn.execute("PRAGMA secure_delete=ON")
            deleted = int(conn.execute(statement, parameters).rowcount)
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return deleted

    # -- the event store -------------------------------------------------------------------

    def append(self, stream: str, events: Sequence[NewEvent], *, expected_version: int) -> int:
        """Append ``events`` to ``stream`` at ``expected_version``; all or nothing.

        Raises:
            ConcurrencyError: the stream is not at ``expected_version``.
            LedgerError: an invalid event (no type, a float, not plain data),
                or any storage failure; nothing is written.
        """
        name: object = stream  # callers outside the type checker pass anything
        if not isinstance(name, str) or not name.strip():
            raise LedgerError("a stream's name is non-empty text", field="stream", rule="ledger")
        version_given: object = expected_version
        if isinstance(version_given, bool) or not isinstance(version_given, int):
            raise LedgerError(
                "the expected version is a whole number", field="expected_version", rule="ledger"
            )
        prepared = []
        for i, event in enumerate(events):
            check_event(i, event)
            try:
                data = json.loads(json.dumps(dict(event.data), ensure_ascii=False))
                event_body(stream, 1, event.type, event.at.isoformat(), data)
            except (TypeError, ValueError) as error:
                raise LedgerError(str(error), field=f"events[{i}].data", rule="ledger") from None
            if not same_keys(event.data, data):
                raise LedgerError(
                    "two keys of the data are the same text in JSON (such as 1 and '1')",
                    field=f"events[{i}].data",
                    rule="ledger",
                )
            prepared.append((event, data))
        with self._connection() as conn:
            conn.execute("BEGIN IMMEDIATE")
            current = conn.execute(
                "SELECT COALESCE(MAX(version), 0) FROM events WHERE stream = ?", (stream,)
            ).fetchone()[0]
            if current != expected_version:
                raise ConcurrencyError(
                    f"stream {stream!r} is at version {current}, not {expected_version}",
                    field="expected_version",
                    rule="ledger",
                )
            last = conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
            seq, previous = (last["seq"], last["hash"]) if last else (0, GENESIS)
            version = current
            for event, data in prepared:
                seq += 1
                version += 1
                at = event.at.isoformat()
                digest = link(seq, previous, event_body(stream, version, event.type, at, data))
                conn.execute(
                    _INSERT,
                    (
                        seq,
                        stream,
                        version,
                        event.type,
                        at,
                        json.dumps(data, ensure_ascii=False, sort_keys=True),
                        digest,
                    ),
                )
                previous = digest
            conn.execute("COMMIT")
            return int(version)

    def read(self, stream: str) -> list[RecordedEvent]:
        """Every event of ``stream``, oldest first."""
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT * FROM events WHERE stream = ? ORDER BY version", (stream,)
            ).fetchall()
        return [_row_event(r) for r in rows]

    def read_after(self, seq: int) -> list[RecordedEvent]:
        """Every event after global position ``seq``."""
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT * FROM events WHERE seq > ? ORDER BY seq", (seq,)
            ).fetchall()
        return [_row_event(r) for r in rows]

    def version(self, stream: str) -> int:
        """The stream's current version (0 if empty)."""
        with self._connection() as conn:
            return int(
                conn.execute(
                    "SELECT COALESCE(MAX(version), 0) FROM events WHERE stream = ?", (stream,)
                ).fetchone()[0]
            )

    def head(self) -> tuple[int, str]:
        """(number of events, hash of the last): publish it with every announcement (R-1)."""
        with self._connection() as conn:
            row = conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        return (0, GENESIS) if row is None else (row["seq"], row["hash"])

    def verify(self, published: tuple[int, str] | None = None) -> LedgerCheck:
        """Recompute the chain; name the first bad sequence number.

        Args:
            published: a head published earlier: a ledger that no longer
                reaches it, or reaches it with another hash, fails.
        """
        with self._connection() as conn:
            # Read the stored bytes as bytes: a damaged byte becomes a finding at its sequence
            # number rather than an exception.
            conn.text_factory = bytes
            rows = conn.execute(
                "SELECT seq, stream, version, type, at, data, hash FROM events ORDER BY rowid"
            ).fetchall()
        return check_records(
            (
                (seq, text_of(stream), version, text_of(type_), text_of(at), data, text_of(digest))
                for seq, stream, version, type_, at, data, digest in rows
            ),
            published,
        )

    def integrity_check(self) -> str:
        """SQLite's own ``PRAGMA integrity_check`` (``"ok"`` when sound)."""
        with self._connection() as conn:
            return str(conn.execute("PRAGMA integrity_check").fetchone()[0])

    # -- export and import -----------------------------------------------------------------

    def export_jsonl(self, path: str | Path) -> tuple[int, str]:
        """Write every event, with its hash, as JSON Lines; return the head of what was written.

        The records and the head come from one read, so a concurrent writer cannot make
        them disagree; the file is written under a temporary name and renamed at the end.

        Raises:
            LedgerError: a stored record cannot be read (naming its sequence number); no
                file is left behind.
        """
        with self._connection() as conn:
            conn.text_factory = bytes
            rows = conn.execute(
                "SELECT seq, stream, version, type, at, data, hash FROM events ORDER BY seq"
            ).fetchall()
        target = Path(path)
        partial = target.with_name(target.name + ".partial")
        head = (0, GENESIS)
        try:
            with partial.open("w", encoding="utf-8") as out:
                for seq, stream, version, type_, at, data, digest in rows:
                    try:
                        record = {
                            "seq": seq,
                            "stream": stream.decode("utf-8"),
                            "version": version,
                            "type": type_.decode("utf-8"),
                            "at": at.decode("utf-8"),
                            "data": json.loads(data),
                            "hash": digest.decode("utf-8"),
                        }
                    except ValueError as error:
                        raise LedgerError(
                            f"event {seq} cannot be read: {error}", field=str(path), rule="ledger"
                        ) from None
                    out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
                    head = (seq, record["hash"])
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
        return head

    def import_jsonl(self, path: str | Path) -> tuple[int, str]:
        """Load an export into this (empty) ledger, checking the chain; all or nothing.

        Raises:
            LedgerError: the ledger is not empty, a line is malformed, or the
                chain breaks (naming the line).
        """
        records = list(read_export(path))
        check = check_records(
            (
                (
                    r["seq"],
                    r["stream"],
                    r["version"],
                    r["type"],
                    r["at"],
                    json.dumps(r["data"]),
                    r["hash"],
                )
                for r in records
            ),
            None,
        )
        if not check.ok:
            raise LedgerError(
                f"the export's chain breaks at {check.first_bad}: {check.reason}",
                field=str(path),
                rule="ledger",
            )
        with self._connection() as conn:
            conn.execute("BEGIN IMMEDIATE")
            if conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]:
                raise LedgerError(
                    "import only into an empty ledger", field=str(path), rule="ledger"
                )
            conn.executemany(
                _INSERT,
                [
                    (
                        r["seq"],
                        r["stream"],
                        r["version"],
                        r["type"],
                        r["at"],
                        json.dumps(r["data"], ensure_ascii=False, sort_keys=True),
                        r["hash"],
                    )
                    for r in records
                ],
            )
            conn.execute("COMMIT")
        return self.head()
