"""Meetings and rectification cases at the shell (C-3, C-4, E-6, R-2, R-3)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from community_governance.cli import EXIT_BAD_INPUT, EXIT_OK, EXIT_OUTCOME, main
from tests.cli.shell import run

CHOICES_ZH = {"agree": "同意", "disagree": "不同意", "abstain": "弃权"}


def _open_meeting(exported: Path, folder: Path) -> tuple[Path, Path, dict[str, object]]:
    """The demo's meeting before any ballot, and its ballots as a Chinese CSV table."""
    closed = json.loads((exported / "meeting.json").read_text(encoding="utf-8"))
    meeting = closed["meeting"]
    ballots = meeting["ballots"]
    opened = folder / "open.json"
    opened.write_text(
        json.dumps({**meeting, "ballots": [], "present": [], "closed": False}, ensure_ascii=False),
        encoding="utf-8",
    )
    table = folder / "ballots.csv"
    lines = ["代表编号,议题编号,表决意见,改票"] + [
        ",".join(
            [b["person_id"], b["proposal_id"], CHOICES_ZH[b["choice"]], "是" if b["change"] else ""]
        )
        for b in ballots
    ]
    table.write_bytes("\n".join(lines).encode("gbk"))
    return opened, table, closed


def test_ballots_from_a_table_close_to_the_demos_record(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """C-3: ballots read from a GBK table, changes included, give the demo's closed meeting."""
    opened, table, closed = _open_meeting(exported, tmp_path)
    recorded = tmp_path / "recorded.json"
    assert run(capsys, "meeting", "record", str(opened), str(table), "--out", str(recorded))[0] == 0
    code, out, _ = run(capsys, "meeting", "close", str(recorded))
    assert code == EXIT_OK
    assert json.loads(out) == closed
    code, out, _ = run(capsys, "meeting", "tally", str(recorded), "--format", "csv", "--lang", "zh")
    rows = list(csv.DictReader(io.StringIO(out)))
    tallies = closed["tallies"]
    assert isinstance(tallies, dict)
    assert [(r["议题"], r["同意"], r["是否通过"]) for r in rows] == [
        (p, str(t["agree"]), "是" if t["approved"] else "否") for p, t in tallies.items()
    ]
    code, out, _ = run(capsys, "meeting", "tally", str(recorded), "--format", "json")
    assert [t["approved"] for t in json.loads(out)] == [t["approved"] for t in tallies.values()]


def test_bad_ballots_are_listed_row_by_row_and_nothing_is_written(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """C-3: a stranger, an unknown choice and a second first ballot: three lines, exit 2."""
    opened, _, closed = _open_meeting(exported, tmp_path)
    meeting = closed["meeting"]
    assert isinstance(meeting, dict)
    person = meeting["electorate"][0]["person_id"]
    proposal = meeting["agenda"][0]["proposal_id"]
    table = tmp_path / "bad.csv"
    table.write_text(
        "representative,proposal,choice\n"
        f"nobody,{proposal},agree\n"
        f"{person},{proposal},maybe\n"
        f"{person},{proposal},agree\n"
        f"{person},{proposal},disagree\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.json"
    code, _, err = run(capsys, "meeting", "record", str(opened), str(table), "--out", str(out))
    lines = err.strip().splitlines()
    assert code == EXIT_BAD_INPUT
    assert [line.split("bad.csv:")[1].split(":")[0] for line in lines] == [
        "row 2",
        "row 3",
        "row 5",
    ]
    assert "Vote(person_id=nobody" in lines[0]
    assert "entitled_to_vote" in lines[0]
    assert "unknown Choice 'maybe'" in lines[1]
    assert "first_ballot" in lines[2]
    assert all(line.endswith("[C-3]") for line in lines)
    assert not out.exists()


def test_close_can_fail_on_a_rejected_proposal(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """C-3: every representative disagrees: rejected, and --fail-on-reject exits 1."""
    opened, _, closed = _open_meeting(exported, tmp_path)
    meeting = closed["meeting"]
    assert isinstance(meeting, dict)
    proposal = meeting["agenda"][0]["proposal_id"]
    table = tmp_path / "no.csv"
    table.write_text(
        "representative,proposal,choice\n"
        + "".join(f"{p['person_id']},{proposal},disagree\n" for p in meeting["electorate"]),
        encoding="utf-8",
    )
    recorded = tmp_path / "no.json"
    assert run(capsys, "meeting", "record", str(opened), str(table), "--out", str(recorded))[0] == 0
    code, out, _ = run(capsys, "meeting", "close", str(recorded), "--fail-on-reject")
    assert code == EXIT_OUTCOME
    assert proposal not in json.loads(out)["approved"]


def test_a_case_is_opened_advanced_and_followed(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-6, R-2, R-3: open for the failing unit, start and submit, status and due actions."""
    result = str(exported / "result.json")
    code, _, err = run(capsys, "case", "open", result, "clinic", "--at", "2026-10-15")
    assert code == EXIT_BAD_INPUT
    assert "'clinic' has no rectification order in this result (ordered: market)" in err
    opened = tmp_path / "case.json"
    code, _, _ = run(
        capsys, "case", "open", result, "market", "--at", "2026-10-15", "--out", str(opened)
    )
    assert code == EXIT_OK
    document = json.loads(opened.read_text(encoding="utf-8"))
    assert (document["case_id"], document["original_deadline"]) == ("2026Q3-market", "2026-11-14")
    events = tmp_path / "events.json"
    events.write_text(
        json.dumps(
            [
                {"at": "2026-10-16", "event": "StartRectifying", "fields": {}},
                {"at": "2026-10-20", "event": "Submit", "fields": {"summary": "整改报告"}},
            ],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    advanced = tmp_path / "advanced.json"
    code, _, err = run(capsys, "case", "apply", str(opened), str(events), "--out", str(advanced))
    assert code == EXIT_OK, err
    states = [e["state"] for e in json.loads(advanced.read_text())["history"]]
    assert states == ["rectifying", "submitted"]
    code, out, _ = run(
        capsys, "case", "status", str(advanced), "--at", "2026-10-17", "--format", "json"
    )
    assert json.loads(out)["state"] == "rectifying"
    code, out, _ = run(
        capsys, "case", "status", str(advanced), "--at", "2026-10-01", "--lang", "zh"
    )
    assert out.strip() == "尚未立案"
    code, out, _ = run(
        capsys, "case", "status", str(advanced), "--at", "2026-10-21", "--lang", "zh"
    )
    assert out.splitlines()[0] == "状态: 已提交整改报告"
    code, out, _ = run(
        capsys, "case", "due", str(opened), str(advanced), "--at", "2026-11-10", "--format", "json"
    )
    due = json.loads(out)
    assert {(d["party"], d["action"]) for d in due} >= {
        ("market", "submit"),
        ("party_organisation", "sign_off"),
    }
    assert next(d for d in due if d["action"] == "submit")["urgent"] is True


@pytest.mark.parametrize(
    ("events", "words"),
    [
        (
            [{"at": "2026-10-20", "event": "Submit", "fields": {"report": "x"}}],
            "[0]: history.fields: a Submit event has the fields summary",
        ),
        ([{"at": "2026-10-20", "event": "Finish", "fields": {}}], "unknown event 'Finish'"),
        (
            [
                {"at": "2026-10-16", "event": "StartRectifying"},
                {"at": "2026-10-17", "event": "Verify", "fields": {"by": "x"}},
            ],
            "[1]: event: Verify is not allowed in state rectifying",
        ),
        ([{"at": "20261016", "event": "StartRectifying", "fields": {}}], "[0].at"),
        ({"at": "2026-10-16"}, "a JSON array of entries"),
    ],
)
def test_events_that_do_not_apply_name_their_place_and_nothing_is_written(
    exported: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    events: object,
    words: str,
) -> None:
    """R-2: an unknown field, an unknown event, a step out of order, a bad date: exit 2."""
    opened = tmp_path / "case.json"
    main(
        [
            "case",
            "open",
            str(exported / "result.json"),
            "market",
            "--at",
            "2026-10-15",
            "--out",
            str(opened),
        ]
    )
    path = tmp_path / "events.json"
    path.write_text(json.dumps(events), encoding="utf-8")
    out = tmp_path / "out.json"
    capsys.readouterr()
    code, _, err = run(capsys, "case", "apply", str(opened), str(path), "--out", str(out))
    assert code == EXIT_BAD_INPUT
    assert words in err
    assert len(err.strip().splitlines()) == 1
    assert err.strip().endswith("[R-2]")
    assert not out.exists()
