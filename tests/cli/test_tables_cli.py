"""A quarter from the files offices have, at the shell: export, templates, results (E-1..E-6).

The demo's export evaluates to the demo's result exactly from JSON, from CSV re-encoded as
GBK and from workbooks; and a new user fills the XLSX templates with openpyxl, draws the
sample, evaluates and reads the XLSX result.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from community_governance.cli import EXIT_BAD_INPUT, EXIT_OK
from community_governance.vocabulary import Dimension
from tests.cli.shell import run


def _gbk_copy(source: Path, target: Path) -> None:
    target.mkdir()
    for path in source.iterdir():
        data = path.read_bytes()
        if path.suffix == ".csv":
            data = data.decode("utf-8").encode("gbk")
        (target / path.name).write_bytes(data)


def test_the_export_evaluates_to_the_demo_result_from_every_format(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-1..E-6: JSON, CSV re-encoded as GBK, and workbooks give the exported result exactly."""
    expected = json.loads((exported / "result.json").read_text(encoding="utf-8"))
    on = ("--on", expected["evaluated_on"], "--format", "json")
    gbk = tmp_path / "gbk"
    _gbk_copy(exported / "csv", gbk)
    assert "社区" in (gbk / "units.csv").read_bytes().decode("gbk")
    inputs = {
        "json": (exported / "ratings.json", exported / "survey.json"),
        "csv (GBK)": (gbk / "ratings.csv", gbk / "survey.csv"),
        "xlsx": (exported / "xlsx" / "quarter.xlsx", exported / "xlsx" / "quarter.xlsx"),
    }
    for name, (ratings, survey) in inputs.items():
        code, out, err = run(capsys, "evaluate", str(ratings), str(survey), *on)
        assert code == EXIT_OK, (name, err)
        assert json.loads(out) == expected, name


def test_the_exported_frames_verify_the_exported_certificate(
    exported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-4: frame.csv and frame.xlsx are the frame the certificate was drawn from."""
    for frame in (exported / "csv" / "frame.csv", exported / "xlsx" / "frame.xlsx"):
        certificate = frame.parent / "certificate.json"
        code, out, _ = run(capsys, "sample", "verify", str(certificate), str(frame))
        assert (code, out.splitlines()[0]) == (EXIT_OK, "ok")


def _fill(path: Path, rows: list[list[object]]) -> None:
    """Fill a template as a person would: replace the example row with ``rows``."""
    book = openpyxl.load_workbook(path)
    sheet = next(s for s in book.worksheets if s.sheet_state == "visible")
    sheet.delete_rows(2, sheet.max_row)
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_a_new_user_fills_the_templates_and_reads_the_result(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """E-1..E-6: templates written, filled with openpyxl, sampled, evaluated, read back."""
    monkeypatch.chdir(tmp_path)
    for kind in ("units", "ratings", "frame", "projects", "survey"):
        code, out, _ = run(capsys, "template", kind, "--lang", "zh")
        assert (code, out.strip()) == (EXIT_OK, f"{kind}.xlsx")
    book = openpyxl.load_workbook(tmp_path / "survey.xlsx")
    lists = book["lists"]
    assert lists.sheet_state == "hidden"
    assert [c.value for c in lists["A"]][1:] == [
        "非常满意",
        "满意",
        "基本满意",
        "不满意",
        "非常不满意",
    ]
    assert book["民意测评"].data_validations.dataValidation[0].formula1 == "lists!$A$2:$A$6"
    units = ["school", "clinic", "police"]
    _fill(
        tmp_path / "units.xlsx",
        [["xm-1", "示例社区", u, f"{u} 单位", "居委会", None, None, None, None] for u in units],
    )
    scores = {"school": 92, "clinic": 85.5, "police": 78}
    _fill(
        tmp_path / "ratings.xlsx",
        [
            ["2026Q3", rater, ratee, None, *[scores[ratee]] * len(Dimension)]
            for rater in units
            for ratee in units
        ],
    )
    households = [f"{building}号楼{room}" for building in (1, 2) for room in range(101, 106)]
    _fill(tmp_path / "frame.xlsx", [[h, None] for h in households])
    _fill(
        tmp_path / "projects.xlsx",
        [["2026Q3", "P1", "加装电梯", "school、clinic"], ["2026Q3", "P2", "夜间巡逻", "police"]],
    )
    code, certificate, err = run(
        capsys, "sample", "draw", "frame.xlsx", "--seed", "20261001", "--seed-source", "公开摇号"
    )
    assert code == EXIT_OK, err
    (tmp_path / "certificate.json").write_text(certificate, encoding="utf-8")
    sampled = json.loads(certificate)["sample"]
    assert sorted(sampled) == sorted(households)  # fewer than 100: every household (E-4)
    answers = [[h, "P1", "满意"] for h in sampled] + [[h, "P2", "非常满意"] for h in sampled]
    _fill(tmp_path / "survey.xlsx", answers)
    code, _, err = run(
        capsys, "evaluate", "ratings.xlsx", "survey.xlsx", "--format", "xlsx", "--out", "r.xlsx",
        "--lang", "zh",
    )  # fmt: skip
    assert code == EXIT_OK, err
    result = openpyxl.load_workbook(tmp_path / "r.xlsx").worksheets[0]
    rows = list(result.iter_rows(values_only=True))
    assert rows[0][:3] == ("名次", "成员单位", "自评")
    by_unit = {row[1]: row for row in rows[1:]}
    # school: self 92, peers 92, public 80 (满意) -> 0.1*92 + 0.4*92 + 0.5*80 = 86
    assert by_unit["school"][5] == 86
    assert by_unit["school"][6] == "良好"
    # E-5 by hand: police 0.1 × 78 + 0.4 × 78 + 0.5 × 100 is 89, clinic 85.5 / 2 + 40 is 82.75.
    assert (by_unit["police"][0], by_unit["police"][5]) == (1, 89)
    assert (by_unit["clinic"][0], by_unit["clinic"][5]) == (3, 82.75)
    assert by_unit["clinic"][8] == 10  # ten answers about its project
    assert {row[9] for row in rows[1:]} == {"否"}


def test_templates_in_every_format_and_refusals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """E-1..E-4, C-3: CSV templates open in Excel (BOM); JSON rows read back; no overwrite."""
    monkeypatch.chdir(tmp_path)
    for kind in ("ratings", "survey", "frame", "ballots", "projects", "units"):
        for fmt in ("csv", "json"):
            assert run(capsys, "template", kind, "--format", fmt, "--lang", "en")[0] == EXIT_OK
    assert (tmp_path / "ratings.csv").read_bytes().startswith(b"\xef\xbb\xbfquarter,rater")
    assert json.loads((tmp_path / "ballots.json").read_text())[0]["choice"] == "agree"
    code, _, err = run(capsys, "template", "frame", "--format", "csv")
    assert code == EXIT_BAD_INPUT
    assert "exists already" in err
    code, _, err = run(capsys, "evaluate", "ratings.csv", "survey.csv", "--format", "xlsx")
    assert code == EXIT_BAD_INPUT
