"""One ``--format`` set for every command that lists rows: table, json, csv, xlsx (all rules).

A quarter's results (E-1..E-6), a meeting's tallies (C-3), cases' due actions (R-2, R-3),
a policy and a policy diff, the service catalogue (S-1..S-7): each is written as CSV with
Chinese headers under ``--lang zh`` (a byte-order mark with ``--excel``) and as a workbook
whose numbers are number cells and whose ids stay text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import click
import openpyxl
import pytest

from community_governance.cli import EXIT_BAD_INPUT, EXIT_OK
from community_governance.cli.app import cli
from community_governance.cli.spreadsheet import rows_csv, rows_xlsx
from tests.cli.shell import run

SPREADSHEET = {"table", "json", "csv", "xlsx"}

#: Every command that lists rows, and the arguments that give it rows to list.
LISTINGS: dict[str, Callable[[Path], list[str]]] = {
    "evaluate": lambda d: ["evaluate", str(d / "ratings.json"), str(d / "survey.json")],
    "demo": lambda _: ["demo"],
    "meeting tally": lambda d: ["meeting", "tally", str(d / "meeting.json")],
    "case due": lambda d: ["case", "due", str(d / "case.json"), "--at", "2026-11-10"],
    "policy show": lambda _: ["policy", "show"],
    "policy diff": lambda d: ["policy", "diff", "xiamen-127", str(d / "changed.toml")],
    "catalogue": lambda _: ["catalogue"],
    "rules": lambda _: ["rules"],
}


def _commands(group: click.Group, prefix: str = "") -> dict[str, click.Command]:
    found: dict[str, click.Command] = {}
    for name, command in group.commands.items():
        path = f"{prefix}{name}"
        if isinstance(command, click.Group):
            found.update(_commands(command, f"{path} "))
        else:
            found[path] = command
    return found


def _format_choices(command: click.Command) -> set[str]:
    for option in command.params:
        if "--format" in getattr(option, "opts", []) and isinstance(option.type, click.Choice):
            return set(option.type.choices)
    return set()


def test_every_command_that_lists_rows_offers_the_same_formats() -> None:
    """E-1, C-3, R-2, S-1: the same four formats, with --excel and --out, wherever csv is."""
    commands = _commands(cli)
    with_csv = {name for name, command in commands.items() if "csv" in _format_choices(command)}
    # template writes a file to fill in, not a listing: xlsx, csv or json, never a table.
    assert _format_choices(commands["template"]) == {"xlsx", "csv", "json"}
    assert with_csv - {"template"} == set(LISTINGS)
    for name in LISTINGS:
        assert _format_choices(commands[name]) >= SPREADSHEET, name
        options = {o for p in commands[name].params for o in getattr(p, "opts", [])}
        assert {"--excel", "--out"} <= options, name


@pytest.fixture
def listing_folder(exported: Path, tmp_path: Path) -> Path:
    """The demo's files, with a policy that changes one parameter, for ``policy diff``."""
    for name in ("ratings.json", "survey.json", "meeting.json", "case.json"):
        (tmp_path / name).write_bytes((exported / name).read_bytes())
    (tmp_path / "changed.toml").write_text(
        '[policy]\nid = "changed"\nextends = "xiamen-127"\ntitle = { zh = "改", en = "changed" }\n'
        'source = "a test"\nformat = 1\n\n[parameters."consultation.approval.threshold"]\n'
        'values = [{ valid_from = 2026-01-01, value = "90%" }]\n',
        encoding="utf-8",
    )
    return tmp_path


@pytest.mark.parametrize("listing", sorted(LISTINGS))
def test_each_listing_as_csv_and_as_a_workbook(
    listing: str, listing_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-1, C-3, R-2, S-1: Chinese headers, a BOM for Excel, the same rows in a workbook."""
    argv = LISTINGS[listing](listing_folder)
    code, out, err = run(capsys, *argv, "--format", "csv", "--lang", "zh")
    assert (code, err) == (EXIT_OK, "")
    rows = list(csv.reader(io.StringIO(out)))
    header, body = rows[0], rows[1:]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in cell) for cell in header), header
    assert body, "every listing here has rows"
    assert not any("/" in cell and cell.replace("/", "").isdigit() for r in body for cell in r)
    code, excel, _ = run(capsys, *argv, "--format", "csv", "--lang", "zh", "--excel")
    assert excel == "\ufeff" + out
    book_path = listing_folder / f"{listing.replace(' ', '-')}.xlsx"
    code, out, err = run(capsys, *argv, "--format", "xlsx", "--lang", "zh", "--out", str(book_path))
    assert (code, out, err) == (EXIT_OK, "", "")
    sheet = openpyxl.load_workbook(book_path).worksheets[0]
    cells = [[c.value for c in r] for r in sheet.iter_rows()]
    assert cells[0] == header
    assert [["" if v is None else str(v) for v in r] for r in cells[1:]] == [
        [_as_read(text) for text in r] for r in body
    ]


def _as_read(text: str) -> str:
    """What a CSV cell looks like once a workbook holds it as a number (17 digits at most)."""
    try:
        number = Decimal(text)
    except ArithmeticError:
        return text
    if not text or not number.is_finite() or not text.lstrip("-")[:1].isdigit():
        return text
    return text if "." not in text else repr(float(number))


@pytest.mark.parametrize("listing", ["demo", "policy show"])
def test_a_workbook_goes_to_a_file(listing: str, capsys: pytest.CaptureFixture[str]) -> None:
    """E-1, P-1: --format xlsx without --out: one line, exit 2, nothing on standard output."""
    code, out, err = run(capsys, *LISTINGS[listing](Path()), "--format", "xlsx")
    assert (code, out) == (EXIT_BAD_INPUT, "")
    assert err.strip().splitlines()[-1].endswith("give --out FILE.xlsx")


def test_numbers_are_numbers_and_ids_stay_text(tmp_path: Path) -> None:
    """E-5: 175/2 is 87.5 in both forms, a unit 007 stays 007, yes and no are 是 and 否."""
    columns = {"unit": "成员单位", "final": "最终成绩", "mean": "均分", "ok": "通过", "n": "人数"}
    rows: list[dict[str, object]] = [
        {"unit": "007", "final": Decimal("87.50"), "mean": Fraction(175, 2), "ok": True, "n": 3},
        {"unit": "A", "final": None, "mean": Fraction(1, 3), "ok": False, "n": 0},
    ]
    assert rows_csv(columns, rows, "zh").splitlines() == [
        "成员单位,最终成绩,均分,通过,人数",
        "007,87.50,87.5,是,3",
        "A,,0.3333333333,否,0",
    ]
    assert rows_csv(columns, [], "en", excel=True) == "\ufeffunit,final,mean,ok,n\r\n"
    path = tmp_path / "rows.xlsx"
    path.write_bytes(rows_xlsx(columns, rows, "en", ("行", "rows")))
    sheet = openpyxl.load_workbook(path)["rows"]
    assert [[c.value for c in r] for r in sheet.iter_rows()] == [
        ["unit", "final", "mean", "ok", "n"],
        ["007", 87.5, 87.5, "true", 3],
        ["A", None, 0.3333333333, "false", 0],
    ]
    assert sheet.freeze_panes == "A2"
