"""``community-governance case``: open, advance and follow a rectification case (E-6, R-2, R-3).

A case is a ``case`` document (``schema case``) holding its whole history. ``open`` issues
one for a unit that the quarter's result orders to rectify; ``apply`` adds events from a
JSON file (an array of ``{"at": "2026-10-20", "event": "Submit", "fields": {...}}``, the
history's own shape), each checked by the workflow's table, all or nothing; ``status``
tells where a case stood on a day; ``due`` lists what each party must do.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import click

from community_governance.cli import default_lang
from community_governance.cli.options import (
    format_option,
    lang_option,
    messages_lang_option,
    policy_option,
)
from community_governance.cli.spreadsheet import emit, listing_options, write_rows
from community_governance.vocabulary import Lang

__all__ = ["case"]

_DATE = click.DateTime(["%Y-%m-%d"])
_OUT = click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the case document to this file (default: standard output).",
)


def _case(path: str) -> Any:
    from community_governance.cli.options import load_document_file

    return load_document_file(path, "case").to_domain()


def _write(case_document: Any, out: Path | None) -> None:
    from community_governance.schemas import CaseDoc

    text = CaseDoc.from_domain(case_document).to_json()
    if out is None:
        click.echo(text, nl=False)
        return
    from community_governance.folders import write_file

    write_file(out, text.encode())


@click.group(help="Open, advance and follow rectification cases (E-6, R-2). 整改案件。")
def case() -> None:
    """Group of the case commands."""


@case.command("open", help="Open the case of a unit the quarter's result orders to rectify.")
@messages_lang_option
@click.argument("result_path", metavar="RESULT.json")
@click.argument("unit")
@click.option("--at", "on", type=_DATE, required=True, help="The day the case is issued.")
@click.option("--case-id", default=None, help="The case's id (default: QUARTER-UNIT).")
@policy_option
@_OUT
def open_command(
    result_path: str,
    unit: str,
    on: dt.datetime,
    case_id: str | None,
    policy_name: str,
    out: Path | None,
) -> None:
    """Open a case."""
    from community_governance.cli.options import load_document_file, named_policy
    from community_governance.community import Quarter
    from community_governance.errors import UnknownUnitError
    from community_governance.rectification import open_case

    result = load_document_file(result_path, "quarter-result")
    ordered = {order.unit_id for order in result.rectification_orders}
    if unit not in ordered:
        raise UnknownUnitError(
            f"{unit!r} has no rectification order in this result "
            f"(ordered: {', '.join(sorted(ordered)) or 'none'})",
            field="unit",
            rule="E-6",
            zh=(
                f"{unit!r} 在此结果中没有整改通知（有整改通知的单位："
                f"{', '.join(sorted(ordered)) or '无'}）"
            ),
        )
    quarter = Quarter.parse(result.quarter)
    opened = open_case(
        case_id or f"{quarter}-{unit}",
        unit,
        quarter,
        on.date(),
        member_units=frozenset(card.unit_id for card in result.scorecards),
        policy=named_policy(policy_name),
    )
    _write(opened, out)


@case.command("apply", help="Add events to a case, in order, all or nothing (R-2).")
@messages_lang_option
@click.argument("case_path", metavar="CASE.json")
@click.argument("events_path", metavar="EVENTS.json")
@_OUT
def apply_command(case_path: str, events_path: str, out: Path | None) -> None:
    """Apply events."""
    from community_governance.errors import GovernanceError, ParseError
    from community_governance.rectification.case import apply
    from community_governance.schemas.rectification import event_of
    from community_governance.schemas.registry import exact_json_value
    from community_governance.tables.text import decode, read_path

    current = _case(case_path)
    data, source = read_path(events_path, rule="R-2")
    events = exact_json_value(decode(data, source, rule="R-2"), source, "R-2")
    if not isinstance(events, list):
        raise ParseError(
            "events are a JSON array of entries",
            field=source,
            rule="R-2",
            zh="事件应为由条目组成的 JSON 数组",
        )
    for index, raw in enumerate(events):
        where = f"{source}[{index}]"
        entry = _entry(raw, where)
        try:
            current = apply(current, event_of(entry), at=entry.at)
        except GovernanceError as error:
            raise error.moved(f"{where}: {error.field}") from None
    _write(current, out)


def _entry(raw: object, where: str) -> Any:
    """An entry of a case's history from one element of the events array."""
    from pydantic import ValidationError

    from community_governance.errors import ParseError
    from community_governance.schemas.base import refusal
    from community_governance.schemas.rectification import EntryDoc

    if not isinstance(raw, dict) or not isinstance(raw.get("fields", {}), dict):
        raise ParseError(
            "an event is an object: at, event, fields (an object)",
            field=where,
            rule="R-2",
            zh="每个事件是一个对象：at、event、fields（一个对象）",
        )
    fields = {
        key: value if isinstance(value, int | str) else str(value)
        for key, value in raw.get("fields", {}).items()
    }
    try:
        return EntryDoc.model_validate(
            {"at": raw.get("at"), "event": raw.get("event"), "fields": fields, "state": "-"},
            strict=False,
        )
    except ValidationError as error:
        field, english, chinese = refusal(error)
        raise ParseError(english, field=f"{where}.{field}", rule="R-2", zh=chinese) from None


@case.command("status", help="Where a case stood at the end of a day (R-2).")
@click.argument("case_path", metavar="CASE.json")
@click.option("--at", "on", type=_DATE, required=True, help="The day.")
@format_option(("table", "json"), "table for people, json for programs.")
@lang_option
def status_command(case_path: str, on: dt.datetime, fmt: str, lang: Lang | None) -> None:
    """Status of a case."""
    from community_governance.rectification.case import case_at

    current = _case(case_path)
    found = case_at(current, on.date())
    language = lang or default_lang()
    shown = {
        "case": current.case_id,
        "unit": current.unit_id,
        "at": on.date().isoformat(),
        "state": None if found is None else found.state.code,
        "deadline": None if found is None else found.deadline.isoformat(),
        "missing_signoffs": [] if found is None else [lv.code for lv in found.missing_signoffs],
        "unanswered_demands": [] if found is None else list(found.unanswered),
    }
    if fmt == "json":
        click.echo(json.dumps(shown, ensure_ascii=False, indent=2))
        return
    if found is None:
        click.echo("尚未立案" if language == "zh" else "not opened yet")
        return
    labels = _STATUS_LABELS[language]
    click.echo(f"{labels['state']}: {found.state.label(language)}")
    click.echo(f"{labels['deadline']}: {found.deadline.isoformat()}")
    levels = ", ".join(lv.label(language) for lv in found.missing_signoffs) or "-"
    click.echo(f"{labels['missing']}: {levels}")
    click.echo(f"{labels['unanswered']}: {', '.join(found.unanswered) or '-'}")


_STATUS_LABELS = {
    "zh": {
        "state": "状态",
        "deadline": "整改期限",
        "missing": "待签字层级",
        "unanswered": "未答复的纠正要求",
    },
    "en": {
        "state": "state",
        "deadline": "deadline",
        "missing": "sign-offs missing",
        "unanswered": "correction demands unanswered",
    },
}


@case.command("due", help="What each party must do on open cases, as of a day (E-6, R-2, R-3).")
@click.argument("case_paths", metavar="CASE.json...", nargs=-1, required=True)
@click.option("--at", "on", type=_DATE, required=True, help="The day.")
@listing_options()
@lang_option
@policy_option
def due_command(
    case_paths: tuple[str, ...],
    on: dt.datetime,
    fmt: str,
    excel: bool,
    out: Path | None,
    lang: Lang | None,
    policy_name: str,
) -> None:
    """Due actions."""
    from community_governance.cli.options import named_policy
    from community_governance.rectification import due_actions

    day = on.date()
    actions = due_actions([_case(p) for p in case_paths], day, named_policy(policy_name))
    language = lang or default_lang()
    rows: list[dict[str, object]] = [
        {
            "case": a.case_id,
            "party": a.party,
            "action": a.kind,
            "text": a.text(language),
            "due": None if a.due is None else a.due.isoformat(),
            "urgent": a.urgent,
        }
        for a in actions
    ]
    if fmt == "json":
        emit(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", out)
        return
    if fmt in ("csv", "xlsx"):
        sheet = ("待办事项", "due actions")
        write_rows(DUE_COLUMNS, rows, fmt=fmt, lang=language, sheet=sheet, excel=excel, out=out)
        return
    mark = "！" if language == "zh" else "!"
    lines = []
    for row in rows:
        due = f"  {row['due']}" if row["due"] else ""
        urgent = f"  {mark}" if row["urgent"] else ""
        lines.append(f"{row['case']}  {row['party']}  {row['text']}{due}{urgent}\n")
    emit("".join(lines), out)


#: Column headers of the due actions, by code, with their Chinese.
DUE_COLUMNS = {
    "case": "案件",
    "party": "责任方",
    "action": "事项",
    "text": "说明",
    "due": "截止日期",
    "urgent": "紧急",
}
