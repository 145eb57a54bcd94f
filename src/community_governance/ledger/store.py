"""The chained event store, whatever the database (the record, E-4, E-5).

[`ChainedLedger`][community_governance.ledger.store.ChainedLedger] holds everything the
ledger does that does not depend on the database: checking and encoding events once,
chaining them in the form of the ledger's suite (``ledger.chain``: form 2 for
``sha256-ed25519``, form 3 for ``sm3-sm2``), appending a batch with one ``executemany``
in one write transaction, verifying over the stored bytes, exporting and importing JSON
Lines, and keeping personal details apart under keyed pseudonyms and commitments.

An adapter gives it a database: a pool of connections (one per thread and process), the
statement that starts a write transaction holding the ledger's one write lock, the SQL
that reads the stored bytes, and how the database's errors map to the ledger's.
[`SQLiteLedger`][community_governance.ledger.sqlite.SQLiteLedger] and
[`PostgresLedger`][community_governance.ledger.postgres.PostgresLedger] are the two.
"""

from __future__ import annotations

import abc
import contextlib
import datetime as dt
import hmac
import json
from collections.abc import Generator, Mapping, Sequence
from pathlib import Path
from typing import Any

from community_governance.ledger.chain import (
    CHECKPOINT_STREAM,
    GENESIS,
    SUITES,
    LedgerCheck,
    SM3UnavailableError,
    StoredRow,
    canonical,
    check_records,
    data_text,
    export_rows,
    ledger_id,
    link_2,
    link_3,
    sm3,
    suite_of,
)
from community_governance.ledger.findings import reason_zh
from community_governance.ledger.keys import SUITE_HMAC, PseudonymKey, hmac_hash, key_id
from community_governance.ledger.records import read_export
from community_governance.ledger.rows import (
    export_line,
    name_bytes,
    prepared,
    row_event,
)
from community_governance.ledger.storage import ConcurrencyError, LedgerError
from community_governance.ports import NewEvent, RecordedEvent

__all__ = ["BEGUN_TYPE", "DEFAULT_SUITE", "ChainedLedger", "begin"]

#: The suite of a ledger opened without one: SHA-256 chains and Ed25519 heads.
DEFAULT_SUITE = "sha256-ed25519"


#: The type of the record that opens a ledger and names its suite (``begin``).
BEGUN_TYPE = "ledger.begun"


def begin(ledger: ChainedLedger, on: dt.date) -> None:
    """Record, as an empty ledger's first record, its suite and its pseudonym key.

    A ledger's suite is its first record's; an empty one has none yet, and this record
    fixes it when the ledger is created and nothing else is written (``ledger init``).
    Opened with its key, the record also names the key, by its id and its HMAC
    (``pseudonym_key``), and the ledger then makes pseudonyms with that key only.
    A ledger that holds records already is left as it is, its suite and key checked.

    Raises:
        LedgerError: the ledger began in another suite than it was opened with, or with
            another pseudonym key.
    """
    if ledger.head()[0]:
        ledger.suite()
        if ledger.has_key():
            ledger.pseudonym_key()
        return
    data: dict[str, Any] = {"suite": ledger.suite()}
    if ledger.has_key():
        data["pseudonym_key"] = ledger.pseudonym_key()
    ledger.append(CHECKPOINT_STREAM, [NewEvent(BEGUN_TYPE, data, on)], expected_version=0)


def _no_sm3(error: SM3UnavailableError) -> LedgerError:
    return LedgerError(
        str(error),
        field="suite",
        rule="ledger",
        zh="SM3 不可用：此 Python 的 OpenSSL 不提供 SM3（hashlib.new('sm3') 失败）",
    )


def _checked_suite(suite: object) -> str:
    """``suite`` if it is a suite a ledger can begin with, and this Python can compute it.

    Raises:
        LedgerError: an unknown suite, or SM3 that this Python's OpenSSL lacks.
    """
    if not isinstance(suite, str) or suite not in SUITES:
        known = ", ".join(SUITES)
        raise LedgerError(
            f"{suite!r} is not an algorithm suite; the suites are {known}",
            field="suite",
            rule="ledger",
            zh=f"{suite!r} 不是算法套件；可选 {known}",
        )
    if suite == "sm3-sm2":
        try:
            sm3()
        except SM3UnavailableError as error:
            raise _no_sm3(error) from None
    return suite


_COLUMNS = "seq, stream, version, type, at, data, hash"
_INSERT = (
    "INSERT INTO events (seq, form, stream, version, type, at, data, hash)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_PERSONAL = "INSERT INTO personal (ref, details, retain_until) VALUES (?, ?, ?)"


class ChainedLedger(abc.ABC):
    """An append-only, tamper-evident event store on some database (see the adapters).

    Implements [`EventStore`][community_governance.ports.EventStore] and
    [`PrivateStore`][community_governance.ports.PrivateStore].
    """

    def __init__(self, *, key: PseudonymKey | bytes | None, suite: str | None = None) -> None:
        self._key = PseudonymKey(key) if isinstance(key, bytes) else key
        if self._key is not None and not isinstance(self._key, PseudonymKey):
            raise LedgerError(
                f"the pseudonym key is bytes or a PseudonymKey, not {type(key).__name__}",
                field="key",
                rule="ledger",
                zh=f"假名密钥须为字节串或 PseudonymKey，而不是 {type(key).__name__}",
            )
        self._suite = None if suite is None else _checked_suite(suite)
        self._hmac: Any = None

    # -- what an adapter provides ----------------------------------------------------------

    @abc.abstractmethod
    def _connection(self) -> contextlib.AbstractContextManager[Any]:
        """This thread's connection; errors mapped, an open transaction rolled back."""

    @abc.abstractmethod
    def _begin_write(self, cursor: Any) -> None:
        """Start a write transaction holding the ledger's write lock."""

    @abc.abstractmethod
    def _stored_rows(self, conn: Any) -> Generator[StoredRow, None, None]:
        """Every record's stored bytes (``chain.StoredRow``), in sequence order, one read."""

    @abc.abstractmethod
    def _erase(self, statement: str, parameters: tuple[str, ...]) -> int:
        """Delete personal rows so that the deleted text does not linger; return how many."""

    @abc.abstractmethod
    def close(self) -> None:
        """Close the ledger's connections (they open again if the ledger is used)."""

    def _sql(self, statement: str) -> str:
        """``statement`` in the database's parameter style (written with ``?``)."""
        return statement

    def __enter__(self) -> ChainedLedger:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- personal data ---------------------------------------------------------------------

    def _require_key(self, what: tuple[str, str]) -> bytes:
        """The pseudonym key; ``what`` says who asks for it, in English and Chinese.

        Such as ``("pseudonyms need", "生成假名需要")``.
        """
        if self._key is None:
            raise LedgerError(
                f"{what[0]} the ledger's key; this ledger was opened read-only",
                field="key",
                rule="ledger",
                zh=f"{what[1]}账本密钥；此账本以只读方式打开",
            )
        return self._key.secret

    def has_key(self) -> bool:
        """Whether the ledger was opened with its pseudonym key."""
        return self._key is not None

    def pseudonym_key(self) -> dict[str, str]:
        """The id and the HMAC of the key pseudonyms are made with: ``{"id", "hmac"}``.

        The HMAC is the key's own if it names one; else the one the ledger recorded when it
        began; else the suite's (HMAC-SHA-256, or HMAC-SM3 in the ``sm3-sm2`` suite).

        Raises:
            LedgerError: the ledger was opened without its key, or with another key than the
                one it recorded when it began (``begin``), or with the HMAC-SM3 that this
                Python lacks.
        """
        secret = self._require_key(("the key's id needs", "密钥标识需要"))
        assert self._key is not None  # noqa: S101 - _require_key refuses None
        recorded = self.recorded_key()
        name = self._key.hmac or (recorded or {}).get("hmac") or SUITE_HMAC[self.suite()]
        found = {"id": key_id(secret, name), "hmac": name}
        if recorded is not None and recorded != found:
            raise LedgerError(
                f"this is not the pseudonym key the ledger began with: it recorded "
                f"{recorded['id']} ({recorded['hmac']}), this key is {found['id']} "
                f"({found['hmac']}); pseudonyms made with it could not be linked",
                field="key",
                rule="ledger",
                zh=(
                    f"这不是账本开始时使用的假名密钥：账本记录的是 {recorded['id']}"
                    f"（{recorded['hmac']}），此密钥为 {found['id']}（{found['hmac']}）；"
                    "用它生成的假名无法与已有记录对应"
                ),
            )
        return found

    def recorded_key(self) -> dict[str, str] | None:
        """The pseudonym key the ledger began with, ``{"id", "hmac"}``, if it names one.

        Its first record's (``begin``); read without the key.
        """
        statement = f"SELECT {_COLUMNS} FROM events WHERE seq = 1"  # noqa: S608
        rows = self._select(statement, ())
        if not rows:
            return None
        first = row_event(rows[0])
        named = first.data.get("pseudonym_key") if first.type == BEGUN_TYPE else None
        if named is None:
            return None
        fields = ("id", "hmac")
        if not (
            isinstance(named, Mapping)
            and set(named) == set(fields)
            and all(isinstance(named[f], str) for f in fields)
        ):
            raise LedgerError(
                "the ledger's first record names its pseudonym key in a form the ledger "
                "never writes (an id and an HMAC)",
                field="pseudonym_key",
                rule="ledger",
                zh="账本第一条记录中的假名密钥不是账本写入的格式（应为标识和 HMAC）",
            )
        return {f: str(named[f]) for f in fields}

    def pseudonym(self, household_id: str, *, scope: str | None = None) -> str:
        """The keyed-HMAC pseudonym of a household id (stable for a key and a scope).

        HMAC-SHA-256 or HMAC-SM3, as the key says or else as the ledger's suite does
        (``pseudonym_key``), so that a district that must use the national algorithms
        uses them for its households too.

        ``scope`` (see [`pseudonym_scope`][community_governance.ledger.keys.pseudonym_scope])
        makes the same household's pseudonym differ from one scope to the next, so that
        records of different scopes cannot be linked, even by whoever holds the key.

        Raises:
            LedgerError: the ledger was opened without its key, or with another key than
                the one it began with.
        """
        key = self._require_key(("pseudonyms need", "生成假名需要"))
        message = household_id if scope is None else f"{scope}\x1f{household_id}"
        digest = hmac.new(key, message.encode("utf-8"), self._hmac_hash()).hexdigest()
        return f"hh-{digest[:24]}"

    def _hmac_hash(self) -> Any:
        """The hash of the ledger's HMACs, as ``pseudonym_key`` names it.

        Found once the ledger has begun (its suite and recorded key cannot change then);
        asked again while it is empty.
        """
        if self._hmac is None:
            chosen = hmac_hash(self.pseudonym_key()["hmac"])
            if self.head()[0]:
                self._hmac = chosen
            return chosen
        return self._hmac

    def _keep(self, ref: str, details: Mapping[str, Any], retain_until: dt.date) -> None:
        with self._connection() as conn:
            cursor = conn.cursor()
            self._begin_write(cursor)
            cursor.execute(self._sql("DELETE FROM personal WHERE ref = ?"), (ref,))
            cursor.execute(
                self._sql(_PERSONAL),
                (ref, json.dumps(dict(details), ensure_ascii=False), retain_until.isoformat()),
            )
            cursor.execute("COMMIT")

    def store_personal(
        self, household_id: str, details: Mapping[str, Any], *, retain_until: dt.date
    ) -> str:
        """Keep a household's personal details outside the chain; return the pseudonym."""
        ref = self.pseudonym(household_id)
        self._keep(ref, details, retain_until)
        return ref

    def keep_private(self, details: Mapping[str, Any], *, retain_until: dt.date) -> str:
        """Keep a record's personal details outside the chain; return their commitment.

        The commitment, ``pd-`` and 32 hex digits of an HMAC (``pseudonym_key``'s) of the
        details' canonical form under the ledger's key, is what
        the chain carries in their place: it shows, to whoever holds the key and the
        details, that these are the details recorded,
        and reveals nothing without them. The details are deleted like any personal
        record (``delete_personal``, ``purge_expired``).

        Raises:
            LedgerError: the ledger was opened without its key, or the details are not
                plain data.
        """
        key = self._require_key(("keeping personal details needs", "保存个人信息需要"))
        try:
            body = canonical(dict(details))
        except TypeError as error:
            raise LedgerError(
                str(error), field="details", rule="ledger", zh=reason_zh(str(error))
            ) from None
        digest = hmac.new(key, b"private|" + body, self._hmac_hash()).hexdigest()
        ref = f"pd-{digest[:32]}"
        self._keep(ref, details, retain_until)
        return ref

    def personal(self, ref: str) -> dict[str, Any] | None:
        """The personal details behind a pseudonym, if still kept."""
        with self._connection() as conn:
            row = (
                conn.cursor()
                .execute(self._sql("SELECT details FROM personal WHERE ref = ?"), (ref,))
                .fetchone()
            )
        return None if row is None else dict(json.loads(row[0]))

    def delete_personal(self, ref: str) -> bool:
        """Delete a household's personal details for good; the chain is untouched.

        See ``purge_expired`` for what "for good" guarantees.
        """
        return self._erase("DELETE FROM personal WHERE ref = ?", (ref,)) > 0

    def purge_expired(self, at: dt.date) -> int:
        """Delete every personal record whose retention date has passed; return how many.

        What the deletion leaves behind depends on the database: see the adapter.
        """
        return self._erase("DELETE FROM personal WHERE retain_until < ?", (at.isoformat(),))

    # -- the event store -------------------------------------------------------------------

    def append(self, stream: str, events: Sequence[NewEvent], *, expected_version: int) -> int:
        """Append ``events`` to ``stream`` at ``expected_version``; all or nothing.

        Each event is checked and encoded once, before the write transaction; the batch
        is written with one ``executemany``.

        Raises:
            ConcurrencyError: the stream is not at ``expected_version``.
            LedgerError: an invalid event (no type, a float, not plain data),
                or any storage failure; nothing is written.
        """
        stream_bytes = name_bytes(stream, "stream", ("a stream's name", "事件流的名称"))
        version_given: object = expected_version
        if isinstance(version_given, bool) or not isinstance(version_given, int):
            raise LedgerError(
                "the expected version is a whole number",
                field="expected_version",
                rule="ledger",
                zh="预期版本须为整数",
            )
        encoded = [prepared(i, event) for i, event in enumerate(events)]
        with self._connection() as conn:
            cursor = conn.cursor()
            self._begin_write(cursor)
            current = cursor.execute(
                self._sql("SELECT COALESCE(MAX(version), 0) FROM events WHERE stream = ?"),
                (stream,),
            ).fetchone()[0]
            if current != expected_version:
                raise ConcurrencyError(
                    f"stream {stream!r} is at version {current}, not {expected_version}",
                    field="expected_version",
                    rule="ledger",
                    zh=f"事件流 {stream!r} 的版本是 {current}，不是 {expected_version}",
                )
            last = cursor.execute(
                "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1"
            ).fetchone()
            seq, previous = (last[0], last[1].encode()) if last else (0, GENESIS.encode())
            first = cursor.execute("SELECT form FROM events WHERE seq = 1").fetchone()
            form = SUITES[self._suite_for(None if first is None else first[0])]
            link = link_3 if form == SUITES["sm3-sm2"] else link_2
            version = current
            rows = []
            for type_, at, data in encoded:
                seq += 1
                version += 1
                previous = link(seq, previous, stream_bytes, version, type_, at, data)
                rows.append(
                    (
                        seq,
                        form,
                        stream,
                        version,
                        type_.decode(),
                        at.decode(),
                        data.decode(),
                        previous.decode(),
                    )
                )
            if rows:
                cursor.executemany(self._sql(_INSERT), rows)
            cursor.execute("COMMIT")
            return int(version)

    def _suite_for(self, first_form: object) -> str:
        """The suite new records are written in: the first record's, else the chosen one.

        Raises:
            LedgerError: the ledger was opened for another suite than it began with.
        """
        if first_form is None:
            return self._suite or DEFAULT_SUITE
        begun = suite_of(first_form) or DEFAULT_SUITE
        if self._suite is not None and self._suite != begun:
            raise LedgerError(
                f"this ledger began in the {begun} suite; it cannot continue in {self._suite}",
                field="suite",
                rule="ledger",
                zh=f"此账本以 {begun} 算法套件开始，不能改用 {self._suite} 继续",
            )
        return begun

    def suite(self) -> str:
        """The ledger's algorithm suite (``sha256-ed25519`` or ``sm3-sm2``).

        Its first record's; while it is empty, the one it was opened with, or the default.
        """
        rows = self._select("SELECT form FROM events WHERE seq = 1", ())
        return self._suite_for(rows[0][0] if rows else None)

    def _select(self, statement: str, parameters: tuple[Any, ...]) -> list[Any]:
        with self._connection() as conn:
            return list(conn.cursor().execute(self._sql(statement), parameters).fetchall())

    def read(self, stream: str) -> list[RecordedEvent]:
        """Every event of ``stream``, oldest first."""
        statement = f"SELECT {_COLUMNS} FROM events WHERE stream = ? ORDER BY version"  # noqa: S608
        return [row_event(r) for r in self._select(statement, (stream,))]

    def read_after(self, seq: int) -> list[RecordedEvent]:
        """Every event after global position ``seq``."""
        statement = f"SELECT {_COLUMNS} FROM events WHERE seq > ? ORDER BY seq"  # noqa: S608
        return [row_event(r) for r in self._select(statement, (seq,))]

    def version(self, stream: str) -> int:
        """The stream's current version (0 if empty)."""
        statement = "SELECT COALESCE(MAX(version), 0) FROM events WHERE stream = ?"
        return int(self._select(statement, (stream,))[0][0])

    def ledger_id(self) -> str:
        """The ledger's id: the chain hash of its first record (``""`` while it is empty).

        Fixed when the ledger begins, in every export, and named by every signed head (R-1).
        """
        rows = self._select("SELECT hash FROM events WHERE seq = 1", ())
        return ledger_id(str(rows[0][0]) if rows else None)

    def head(self) -> tuple[int, str]:
        """(number of events, hash of the last): publish it with every announcement (R-1)."""
        rows = self._select("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1", ())
        return (0, GENESIS) if not rows else (int(rows[0][0]), str(rows[0][1]))

    def verify(
        self,
        published: tuple[int, str] | None = None,
        *,
        heads: Sequence[Any] = (),
        trusted_keys: Mapping[str, Any] | None = None,
        final: bool = False,
        ledger_id: str | None = None,
        scope: str | None = None,
    ) -> LedgerCheck:
        """Recompute the chain over the stored bytes; name the first bad sequence number.

        Damaged stored data is a finding at its sequence number, never an exception.

        Args:
            published: a head published earlier: a ledger that no longer
                reaches it, or reaches it with another hash, fails.
            heads: signed heads published earlier (``ledger.checkpoint.SignedHead``), checked
                with ``trusted_keys`` as
                [`verify_against`][community_governance.ledger.checkpoint.verify_against]
                does (the ``[ledger]`` extra).
            trusted_keys: key ids mapped to the public keys to trust (Ed25519 or SM2).
            final: the last of ``heads`` closes the ledger (see ``verify_against``).
            ledger_id: the ledger the heads must close (see ``verify_against``).
            scope: the community or scope the heads must name.
        """
        if heads:
            from community_governance.ledger.checkpoint import verify_against  # noqa: PLC0415

            return verify_against(
                self, heads, trusted_keys or {}, final=final, ledger_id=ledger_id, scope=scope
            )
        with self._connection() as conn, contextlib.closing(self._stored_rows(conn)) as rows:
            try:
                return check_records(rows, published)
            except SM3UnavailableError as error:
                raise _no_sm3(error) from None

    # -- export and import -----------------------------------------------------------------

    def export_jsonl(self, path: str | Path) -> tuple[int, str]:
        """Write every event, with its hash, as JSON Lines; return the head of what was written.

        The records and the head come from one read, so a concurrent writer cannot make
        them disagree; the file is written under a temporary name and renamed at the end.

        Raises:
            LedgerError: a stored record cannot be read (naming its sequence number); no
                file is left behind.
        """
        target = Path(path)
        partial = target.with_name(target.name + ".partial")
        head = (0, GENESIS)
        try:
            with (
                self._connection() as conn,
                contextlib.closing(self._stored_rows(conn)) as rows,
                partial.open("w", encoding="utf-8") as out,
            ):
                for row in rows:
                    line = export_line(row)
                    if line is None:
                        raise LedgerError(
                            f"event {row[0]} cannot be read",
                            field=str(path),
                            rule="ledger",
                            zh=f"无法读取事件 {row[0]}",
                        )
                    out.write(line)
                    head = (row[0], bytes(row[7]).decode())
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
        try:
            check = check_records(export_rows(records), None)
        except ValueError as error:
            raise LedgerError(
                str(error), field=str(path), rule="ledger", zh=reason_zh(str(error))
            ) from None
        if not check.ok:
            raise LedgerError(
                f"the export's chain breaks at {check.first_bad}: {check.reason}",
                field=str(path),
                rule="ledger",
                zh=f"导出文件的哈希链在 {check.first_bad} 处断开：{reason_zh(check.reason or '')}",
            )
        rows = [
            (
                r["seq"],
                r.get("form", 1),
                r["stream"],
                r["version"],
                r["type"],
                r["at"],
                data_text(r["data"])
                if r.get("form", 1) != 1
                else json.dumps(r["data"], ensure_ascii=False, sort_keys=True),
                r["hash"],
            )
            for r in records
        ]
        with self._connection() as conn:
            cursor = conn.cursor()
            self._begin_write(cursor)
            if cursor.execute("SELECT COUNT(*) FROM events").fetchone()[0]:
                raise LedgerError(
                    "import only into an empty ledger",
                    field=str(path),
                    rule="ledger",
                    zh="只能导入到空账本",
                )
            if rows:
                cursor.executemany(self._sql(_INSERT), rows)
            cursor.execute("COMMIT")
        return self.head()
