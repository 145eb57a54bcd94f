"""Workbook cells written as formulas (E-2, E-3): a saved value is read and said, none refused."""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from community_governance.cli import EXIT_BAD_INPUT, EXIT_OK
from tests.cli.shell import run


def _folder(exported: Path, tmp_path: Path) -> Path:
    """A copy of the exported workbooks, with the certificate and frame the survey cites."""
    return Path(shutil.copytree(exported / "xlsx", tmp_path / "xlsx")) / "quarter.xlsx"


def _formula_workbook(source: Path, target: Path, *, cached: str | None) -> str:
    """``source`` with the first peer rating's first score as ``=<score>+0``; its cell.

    openpyxl writes a formula with no saved value, as a report generator does; ``cached``
    writes the value Excel would have saved beside it.
    """
    book = openpyxl.load_workbook(source)
    sheet = book["ratings"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[3].value == "peer")
    cell = row[4]
    score = cell.value
    cell.value = f"={score}+0"
    buffer = io.BytesIO()
    book.save(buffer)
    index = book.sheetnames.index("ratings") + 1
    with (
        zipfile.ZipFile(buffer) as original,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for item in original.infolist():
            data = original.read(item)
            if item.filename == f"xl/worksheets/sheet{index}.xml" and cached is not None:
                data, count = re.subn(
                    rf'(<c r="{cell.coordinate}"[^>]*><f>[^<]*</f>)<v\s*/?>(?:</v>)?'.encode(),
                    rb"\g<1><v>" + cached.encode() + b"</v>",
                    data,
                )
                assert count == 1
            out.writestr(item, data)
    return f"ratings!{cell.coordinate}"


def test_a_formula_with_no_saved_value_is_refused_naming_its_cell(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-3: the score is not read as empty (which drops a peer rating): exit 2, one line."""
    workbook = _folder(exported, tmp_path)
    cell = _formula_workbook(exported / "xlsx" / "quarter.xlsx", workbook, cached=None)
    for lang in ("en", "zh"):
        code, out, err = run(capsys, "evaluate", str(workbook), str(workbook), "--lang", lang)
        assert (code, out) == (EXIT_BAD_INPUT, "")
        assert len(err.strip().splitlines()) == 1, err
        assert cell in err
        assert err.count(cell) == 1
        assert ("has no value saved" if lang == "en" else "未保存计算结果") in err


@pytest.mark.filterwarnings("always::community_governance.errors.GovernanceWarning")
def test_a_formula_s_saved_value_is_read_and_said(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-1..E-6: the value Excel saved is the score; the result is the demo's, with a warning."""
    expected = json.loads((exported / "result.json").read_text(encoding="utf-8"))
    original = openpyxl.load_workbook(exported / "xlsx" / "quarter.xlsx")["ratings"]
    peer = next(r for r in original.iter_rows(min_row=2, values_only=True) if r[3] == "peer")
    workbook = _folder(exported, tmp_path)
    cell = _formula_workbook(exported / "xlsx" / "quarter.xlsx", workbook, cached=str(peer[4]))
    on = ("--on", expected["evaluated_on"], "--format", "json")
    code, out, err = run(capsys, "evaluate", str(workbook), str(workbook), *on)
    assert code == EXIT_OK, err
    assert json.loads(out) == expected
    assert cell in err
    assert "1 formula cell(s) read as the values Excel saved" in err


def test_a_plain_workbook_says_nothing_about_formulas(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-1..E-6: no formula, no warning: the note appears only where a formula was read."""
    workbook = _folder(exported, tmp_path)
    code, _, err = run(capsys, "evaluate", str(workbook), str(workbook))
    assert (code, err) == (EXIT_OK, "")
