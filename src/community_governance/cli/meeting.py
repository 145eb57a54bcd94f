"""``community-governance meeting``: record ballots, tally, close (C-3, C-4).

A meeting is a ``meeting`` document (``schema meeting``): its electorate, its agenda, who
was present and the ballots so far. ``record`` adds the ballots of a table (CSV, Excel or
JSON rows: representative, proposal, choice), every refused row at its place; ``tally``
shows how each proposal stands; ``close`` tallies every proposal and writes the
closed-meeting document. Documents are written whole (to ``--out``, or to standard output).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from community_governance.cli import EXIT_OUTCOME, default_lang
from community_governance.cli.inputs import encoding_option
from community_governance.cli.options import lang_option, messages_lang_option, policy_option
from community_governance.cli.spreadsheet import emit, listing_options, write_rows
from community_governance.tables.text import Encoding
from community_governance.vocabulary import Lang

__all__ = ["meeting"]

_OUT = click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the document to this file (default: standard output).",
)

#: Column headers of a tally table, by code, with their Chinese.
TALLY_COLUMNS = {
    "proposal": "议题",
    "agree": "同意",
    "disagree": "不同意",
    "abstain": "弃权",
    "absent": "缺席",
    "base": "计票基数",
    "share": "同意比例",
    "threshold": "通过线",
    "approved": "是否通过",
}


def _meeting(path: str, policy_name: str) -> Any:
    """The meeting of a ``meeting`` or ``closed-meeting`` document, replayed under the policy."""
    from community_governance.cli.options import document_from_bytes, document_kind, named_policy
    from community_governance.tables.text import read_path

    data, source = read_path(path, rule="C-3")
    name = "closed-meeting" if document_kind(data, source, "C-3") == "closed-meeting" else "meeting"
    document = document_from_bytes(data, source, name)
    if name == "closed-meeting":
        document = document.meeting
    policy = named_policy(policy_name)
    return document.to_domain(policy.at(document.held_on)), policy


@click.group(help="Record ballots, tally and close a deliberation meeting (C-3). 议事会议。")
def meeting() -> None:
    """Group of the meeting commands."""


@meeting.command("record", help="Add the ballots of a table to a meeting (C-3).")
@messages_lang_option
@click.argument("meeting_path", metavar="MEETING.json")
@click.argument("ballots_path", metavar="BALLOTS")
@encoding_option
@policy_option
@_OUT
def record(
    meeting_path: str, ballots_path: str, encoding: Encoding, policy_name: str, out: Path | None
) -> None:
    """Record ballots."""
    from community_governance.schemas import MeetingDoc
    from community_governance.tables.files import load_table
    from community_governance.tables.inputs import ballots_into

    held, _ = _meeting(meeting_path, policy_name)
    table = load_table(ballots_path, "ballots", encoding=encoding)
    recorded = ballots_into(held, table)
    _write(MeetingDoc.from_domain(recorded).to_json(), out)


@meeting.command("tally", help="How each proposal stands, exactly (C-3).")
@click.argument("meeting_path", metavar="MEETING.json")
@listing_options()
@lang_option
@policy_option
def tally_all(
    meeting_path: str,
    fmt: str,
    excel: bool,
    out: Path | None,
    lang: Lang | None,
    policy_name: str,
) -> None:
    """Tally a meeting."""
    from community_governance.schemas import TallyDoc

    held, policy = _meeting(meeting_path, policy_name)
    tallies = [held.tally(p.proposal_id, policy) for p in held.agenda]
    if fmt == "json":
        from community_governance.numbers import exact_json

        documents = [TallyDoc.from_domain(t).json_data() for t in tallies]
        emit(exact_json(documents) + "\n", out)
        return
    language = lang or default_lang()
    if fmt in ("csv", "xlsx"):
        rows = [_tally_values(t) for t in tallies]
        sheet = ("表决结果", "tallies")
        write_rows(TALLY_COLUMNS, rows, fmt=fmt, lang=language, sheet=sheet, excel=excel, out=out)
        return
    emit(
        "".join(
            "  ".join(f"{row[key]}" for key in TALLY_COLUMNS) + "\n"
            for row in (_tally_row(t, language) for t in tallies)
        ),
        out,
    )


def _tally_values(t: Any) -> dict[str, object]:
    """A tally's row, its numbers exact (the spreadsheet writer shows them)."""
    return {
        "proposal": t.proposal_id,
        "agree": t.agree,
        "disagree": t.disagree,
        "abstain": t.abstain,
        "absent": t.absent,
        "base": t.base_count,
        "share": t.share,
        "threshold": t.threshold,
        "approved": t.approved,
    }


def _tally_row(t: Any, lang: Lang) -> dict[str, object]:
    """A tally's row for people: the share as a percentage, yes or no in ``lang``."""
    from community_governance.numbers import format_fraction, format_percent

    yes, no = ("是", "否") if lang == "zh" else ("yes", "no")
    return _tally_values(t) | {
        "share": "" if t.share is None else format_percent(t.share),
        "threshold": format_fraction(t.threshold),
        "approved": yes if t.approved else no,
    }


@meeting.command("close", help="Close a meeting: tally every proposal, write the record (C-3).")
@messages_lang_option
@click.argument("meeting_path", metavar="MEETING.json")
@click.option("--at", "on", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Closing day.")
@click.option("--fail-on-reject", is_flag=True, help="Exit 1 when any proposal is rejected.")
@policy_option
@_OUT
def close(
    meeting_path: str,
    on: dt.datetime | None,
    fail_on_reject: bool,
    policy_name: str,
    out: Path | None,
) -> None:
    """Close a meeting."""
    from community_governance.schemas import ClosedMeetingDoc

    held, policy = _meeting(meeting_path, policy_name)
    closed = held.close(policy, at=on.date() if on else None)
    _write(ClosedMeetingDoc.from_domain(closed).to_json(), out)
    if fail_on_reject and closed.rejected:
        raise click.exceptions.Exit(EXIT_OUTCOME)


def _write(text: str, out: Path | None) -> None:
    if out is None:
        click.echo(text, nl=False)
        return
    from community_governance.folders import write_file

    write_file(out, text.encode())
