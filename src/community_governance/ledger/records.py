"""What a ledger record may hold: checks of new events and of exported records (the record).

An event is refused before anything is written when its stream or type is not text, its
time is neither a date nor an aware datetime, or two keys of its data would be the same in
JSON; an exported record is refused, naming its line and field, when a field has the wrong
type.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from community_governance.ledger.storage import LedgerError
from community_governance.ports import NewEvent

__all__ = ["RECORD_KEYS", "check_event", "read_export", "record_problem", "when"]


def when(text: str) -> dt.date:
    """A stored time: ``YYYY-MM-DD`` as a date, an aware datetime with its offset."""
    return dt.datetime.fromisoformat(text) if "T" in text else dt.date.fromisoformat(text)


def check_event(index: int, event: NewEvent) -> None:
    """Refuse an event whose type is not text or whose time is not a date or aware datetime."""
    kind: object = event.type  # callers outside the type checker pass anything
    if not isinstance(kind, str) or not kind.strip():
        raise LedgerError(
            "an event's type is non-empty text",
            field=f"events[{index}].type",
            rule="ledger",
            zh="事件类型须为非空文本",
        )
    at = event.at
    if isinstance(at, dt.datetime):
        if at.tzinfo is None or at.utcoffset() is None:
            raise LedgerError(
                "an event's time is a date or a datetime with its time zone",
                field=f"events[{index}].at",
                rule="ledger",
                zh="事件时间须为日期或带时区的日期时间",
            )
    elif not isinstance(at, dt.date):
        raise LedgerError(
            f"an event's at is a date, not {type(at).__name__}",
            field=f"events[{index}].at",
            rule="ledger",
            zh=f"事件的 at 须为日期，而不是 {type(at).__name__}",
        )


#: The fields of an exported record; a form-2 record adds ``form``.
RECORD_KEYS = frozenset({"seq", "stream", "version", "type", "at", "data", "hash"})


def read_export(path: str | Path) -> Iterable[dict[str, Any]]:
    """The records of a JSON Lines export, each checked (``LedgerError`` naming the line)."""
    with Path(path).open("rb") as lines:
        for number, raw in enumerate(lines, start=1):
            try:
                record = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError:
                raise LedgerError(
                    f"line {number} is not UTF-8 text",
                    field=str(path),
                    rule="ledger",
                    zh=f"第 {number} 行不是 UTF-8 文本",
                ) from None
            except json.JSONDecodeError as error:
                raise LedgerError(
                    f"line {number} is not JSON: {error.msg}",
                    field=str(path),
                    rule="ledger",
                    zh=f"第 {number} 行不是 JSON：{error.msg}",
                ) from None
            if not isinstance(record, dict) or set(record) - {"form"} != RECORD_KEYS:
                raise LedgerError(
                    f"line {number} is not a ledger record",
                    field=str(path),
                    rule="ledger",
                    zh=f"第 {number} 行不是账本记录",
                )
            found = record_problem(record)
            if found is not None:
                problem, problem_zh = found
                raise LedgerError(
                    f"line {number}: {problem}",
                    field=f"{path}: line {number}.{problem.split()[0]}",
                    rule="ledger",
                    zh=f"第 {number} 行：{problem_zh}",
                )
            yield record


def record_problem(record: Mapping[str, Any]) -> tuple[str, str] | None:  # noqa: PLR0911
    """What is wrong with the types of an exported record's fields, if anything.

    In English and in Chinese; ``None`` when nothing is (one return per field).
    """
    for name in ("seq", "version"):
        value = record[name]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            return (
                f"{name} is a positive whole number, not {value!r}",
                f"{name} 须为正整数，而不是 {value!r}",
            )
    if record.get("form", 1) not in {1, 2} or isinstance(record.get("form"), bool):
        form = record["form"]
        return f"form is 1 or 2, not {form!r}", f"form 须为 1 或 2，而不是 {form!r}"
    for name in ("stream", "type"):
        if not isinstance(record[name], str) or not record[name].strip() or "\0" in record[name]:
            return (
                f"{name} is non-empty text without NUL, not {record[name]!r}",
                f"{name} 须为不含 NUL 的非空文本，而不是 {record[name]!r}",
            )
    at = record["at"]
    bad_at = f"at is an ISO date, not {at!r}", f"at 须为 ISO 日期，而不是 {at!r}"
    if not isinstance(at, str):
        return bad_at
    try:
        when(at)
    except ValueError:
        return bad_at
    if not isinstance(record["data"], dict):
        kind = type(record["data"]).__name__
        return f"data is a JSON object, not {kind}", f"data 须为 JSON 对象，而不是 {kind}"
    digest = record["hash"]
    if not isinstance(digest, str) or len(digest) != 64 or set(digest) - set("0123456789abcdef"):  # noqa: PLR2004
        return (
            f"hash is 64 hexadecimal digits, not {digest!r}",
            f"hash 须为 64 位十六进制数，而不是 {digest!r}",
        )
    return None
