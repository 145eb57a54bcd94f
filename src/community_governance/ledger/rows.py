"""The rows of a chained store (the record, E-4, E-5): its tables, its events as bytes.

What ``ledger.store`` writes and reads, whatever the database: the two tables' statements,
an event checked and encoded once as the bytes the chain hashes (its type, time and
canonical data), a stored row read back as an event, and a row written as one line of a
JSON Lines export from its stored bytes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from community_governance.ledger.chain import StoredRow, data_text, when
from community_governance.ledger.findings import reason_zh
from community_governance.ledger.records import check_event
from community_governance.ledger.storage import LedgerError
from community_governance.ports import NewEvent, RecordedEvent

__all__ = ["export_line", "name_bytes", "prepared", "row_event", "table_statements"]


def table_statements(integer: str, form_default: int) -> tuple[str, str]:
    """The ledger's two tables, with the database's integer type and the default form.

    ``form_default`` is what a row written without a form (by a version before form 2)
    gets: 1 on SQLite, whose ledgers may predate form 2; 2 on PostgreSQL, whose never do.
    """
    return (
        f"""CREATE TABLE IF NOT EXISTS events (
    seq {integer} PRIMARY KEY,
    form {integer} NOT NULL DEFAULT {form_default},
    stream TEXT NOT NULL,
    version {integer} NOT NULL,
    type TEXT NOT NULL,
    at TEXT NOT NULL,
    data TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (stream, version)
)""",
        """CREATE TABLE IF NOT EXISTS personal (
    ref TEXT PRIMARY KEY,
    details TEXT NOT NULL,
    retain_until TEXT NOT NULL
)""",
    )


def name_bytes(value: object, field: str, what: tuple[str, str]) -> bytes:
    """A stream's or type's name as its UTF-8 bytes: non-empty text without NUL.

    ``what`` names it in English and Chinese.
    """
    en, zh = what
    if not isinstance(value, str) or not value.strip() or "\0" in value:
        raise LedgerError(
            f"{en} is non-empty text without NUL",
            field=field,
            rule="ledger",
            zh=f"{zh}须为不含 NUL 的非空文本",
        )
    try:
        return value.encode()
    except UnicodeEncodeError:
        raise LedgerError(
            f"{en} is not valid Unicode",
            field=field,
            rule="ledger",
            zh=f"{zh}不是有效的 Unicode",
        ) from None


def prepared(index: int, event: NewEvent) -> tuple[bytes, bytes, bytes]:
    """An event's type, time and canonical data, as the bytes the chain hashes."""
    check_event(index, event)
    type_ = name_bytes(event.type, f"events[{index}].type", ("an event's type", "事件类型"))
    data: object = event.data
    field = f"events[{index}].data"
    if not isinstance(data, Mapping):
        raise LedgerError(
            "an event's data is a mapping", field=field, rule="ledger", zh="事件数据须为映射"
        )
    try:
        text = data_text(data).encode()
    except RecursionError:
        raise LedgerError(
            "an event's data is nested too deeply",
            field=field,
            rule="ledger",
            zh="事件数据嵌套过深",
        ) from None
    except (TypeError, ValueError) as error:
        raise LedgerError(
            str(error), field=field, rule="ledger", zh=reason_zh(str(error))
        ) from None
    return type_, event.at.isoformat().encode(), text


def row_event(row: Sequence[Any]) -> RecordedEvent:
    """The event a stored row (``seq, stream, version, type, at, data, hash``) holds.

    Raises:
        LedgerError: the stored data or time cannot be read (damaged bytes), naming the
            record; the chain check names the same record as broken.
    """
    seq, stream, version, type_, at, data, digest = row
    try:
        return RecordedEvent(
            seq=seq,
            stream=stream,
            version=version,
            type=type_,
            data=json.loads(data),
            at=when(at),
            hash=digest,
        )
    except (ValueError, TypeError, RecursionError):
        raise LedgerError(
            f"event {seq} cannot be read",
            field=f"events[{seq}]",
            rule="ledger",
            zh=f"无法读取事件 {seq}",
        ) from None


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def export_line(row: StoredRow) -> str | None:
    """One record of an export from its stored bytes (``None`` when they cannot be read).

    A record of form 2 or 3 has its data written as the bytes its hash covers.
    """
    seq, form, stream, version, type_, at, data, digest = row
    try:
        fields = [bytes(f).decode() for f in (stream, type_, at, data, digest)]
        parsed = json.loads(fields[3])
    except ValueError:
        return None
    if not isinstance(parsed, dict):
        return None
    if form == 1:  # form 1 stored its data with spaces; its export never had them
        fields[3] = json.dumps(parsed, ensure_ascii=False, sort_keys=True)
    extra = f'"form":{form},' if form != 1 else ""
    return (
        f'{{"at":{_quoted(fields[2])},"data":{fields[3]},{extra}"hash":{_quoted(fields[4])},'
        f'"seq":{seq},"stream":{_quoted(fields[0])},"type":{_quoted(fields[1])},'
        f'"version":{version}}}\n'
    )
