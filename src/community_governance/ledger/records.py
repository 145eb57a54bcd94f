"""What a ledger record may hold: checks of new events and of exported records (the record).

An event is refused before anything is written when its stream or type is not text, its
time is neither a date nor an aware datetime, or two keys of its data would be the same in
JSON; an exported record is refused, naming its line and field, when a field has the wrong
type.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from community_governance.ledger.chain import RECORD_KEYS, record_problem
from community_governance.ledger.storage import LedgerError
from community_governance.ports import NewEvent

__all__ = ["check_event", "read_export"]


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
            except RecursionError:
                raise LedgerError(
                    f"line {number} is nested too deeply to be a ledger record",
                    field=str(path),
                    rule="ledger",
                    zh=f"第 {number} 行嵌套过深，不是账本记录",
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
