"""E-4: ``survey codes`` and ``survey reconcile`` on the files an office would type."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest

from community_governance.cli import EXIT_BAD_INPUT, EXIT_OK, EXIT_OUTCOME
from community_governance.evaluation.fieldwork import questionnaire_code
from community_governance.evaluation.sampling import sample_order
from community_governance.schemas import FrameDoc
from tests.cli.shell import run


def _codes(
    capsys: pytest.CaptureFixture[str], exported: Path, out: Path, *extra: str
) -> tuple[int, str, str]:
    return run(
        capsys, "survey", "codes", str(exported / "certificate.json"),
        str(exported / "frame.json"), "--secret-file", str(exported / "frame.secret"),
        "-o", str(out), *extra,
    )  # fmt: skip


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_codes_list_the_sample_then_the_reserve_in_draw_order(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    """E-4: 100 sampled and 20 reserve households, each with its code, nothing typed by hand."""
    out = tmp_path / "codes.csv"
    code, said, err = _codes(capsys, exported, out, "--lang", lang)
    assert code == EXIT_OK, err
    assert ("100 户抽中住户和 20 户备选" if lang == "zh" else "100 sampled and 20 reserve") in said
    with out.open(encoding="utf-8-sig") as stream:
        rows = list(csv.reader(stream))
    header = ["问卷编号", "住户编号", "身份", "抽签顺序"] if lang == "zh" else [
        "code", "household", "role", "order"]  # fmt: skip
    assert rows[0] == header
    certificate = json.loads((exported / "certificate.json").read_text(encoding="utf-8"))
    frame = FrameDoc.model_validate_json((exported / "frame.json").read_text()).to_domain()
    drawn = set(certificate["sample"])
    reserve = [h for h in sample_order(frame, certificate["seed"]) if h not in drawn][:20]
    assert [r[1] for r in rows[1:]] == [*certificate["sample"], *reserve]
    secret = bytes.fromhex((exported / "frame.secret").read_text().strip())
    assert all(r[0] == questionnaire_code(secret, "haibin-2026Q3", r[1]) for r in rows[1:])
    roles = ("抽中", "备选") if lang == "zh" else ("sample", "reserve")
    assert [r[2] for r in rows[1:]] == [roles[0]] * 100 + [roles[1]] * 20
    assert [r[3] for r in rows[1:]] == [str(n) for n in range(1, 121)]


def test_a_certificate_without_commitment_needs_a_survey_id(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-4: no commitment names the survey: --survey-id, or one line, exit 2."""
    certificate = json.loads((exported / "certificate.json").read_text(encoding="utf-8"))
    del certificate["commitment"]
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps(certificate, ensure_ascii=False), encoding="utf-8")
    base = ["survey", "codes", str(plain), str(exported / "frame.json"), "--secret-file",
            str(exported / "frame.secret"), "-o", str(tmp_path / "codes.xlsx")]  # fmt: skip
    code, _, err = run(capsys, *base)
    assert code == EXIT_BAD_INPUT
    assert "give --survey-id" in err
    assert len(err.strip().splitlines()) == 1
    assert run(capsys, *base, "--survey-id", "haibin-2026Q3")[0] == EXIT_OK
    sheet = openpyxl.load_workbook(tmp_path / "codes.xlsx").active
    assert sheet is not None
    assert sheet.max_row == 121


def _entry_rows(codes: list[str], projects: list[str]) -> list[list[str]]:
    rows = []
    for index, code in enumerate(codes):
        if index == 7:
            rows.append([code, "", "未交回"])
            continue
        rows.extend([code, project, "满意"] for project in projects)
    return rows


def test_two_entries_from_excel_and_a_gbk_csv_are_reconciled(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-4: one operator in Excel, one in a GB18030 CSV; a mismatch, then agreement."""
    codes_file = tmp_path / "codes.csv"
    assert _codes(capsys, exported, codes_file)[0] == EXIT_OK
    with codes_file.open(encoding="utf-8-sig") as stream:
        listed = list(csv.reader(stream))[1:]
    codes = [r[0] for r in listed if r[2] == "sample"]
    survey = json.loads((exported / "survey.json").read_text(encoding="utf-8"))
    projects = [p["project_id"] for p in survey["projects"]]
    rows = _entry_rows(codes, projects)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["问卷编号", "项目编号", "评价"])
    for row in rows:
        sheet.append(row)
    first = tmp_path / "first.xlsx"
    book.save(first)
    typo = [*rows]
    typo[12] = [typo[12][0], typo[12][1], "基本满意"]
    second = tmp_path / "second.csv"
    body = "问卷编号,项目编号,评价\n" + "".join(",".join(r) + "\n" for r in typo)
    second.write_bytes(body.encode("gb18030"))
    out = tmp_path / "answers.csv"
    base = ["survey", "reconcile", str(first), str(second), "--codes", str(codes_file)]
    code, said, _ = run(capsys, *base, "-o", str(out), "--lang", "zh")
    assert code == EXIT_OUTCOME
    lines = said.splitlines()
    assert lines[0] == (
        f"问卷 {rows[12][0]}，项目 {rows[12][1]}：第一份录入为 '满意'，第二份为 '基本满意'"
        f"（{first}:Sheet 第 14 行；{second}:第 14 行）"
    )
    assert lines[-1].startswith("两份录入有 1 处不一致")
    assert not out.exists()
    second.write_bytes(body.replace("基本满意", "满意").encode("gb18030"))
    code, said, err = run(capsys, *base, "-o", str(out), "--lang", "en")
    assert code == EXIT_OK, err
    answered = len(codes) - 1
    assert said == (
        f"the two entries agree: {answered * len(projects)} answers from {answered} "
        f"questionnaires, 1 not returned; written to {out}\n"
    )
    with out.open(encoding="utf-8-sig") as stream:
        agreed = list(csv.reader(stream))
    households = {r[0]: r[1] for r in listed}
    assert agreed[0] == ["household", "project", "answer"]
    assert sorted(agreed[1:]) == sorted([households[r[0]], r[1], r[2]] for r in rows if r[1])


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (lambda c: c[:-1] + ("0" if c[-1] != "0" else "1"), "is mistyped: its check character"),
        (lambda c: c[1] + c[0] + c[2:], "is mistyped"),
    ],
)
def test_a_mistyped_code_is_one_line_naming_the_row(
    exported: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    change: object,
    said: str,
) -> None:
    """E-4: a code with a wrong character: file, row, the expected check, exit 2."""
    codes_file = tmp_path / "codes.csv"
    assert _codes(capsys, exported, codes_file)[0] == EXIT_OK
    with codes_file.open(encoding="utf-8-sig") as stream:
        code = list(csv.reader(stream))[1][0]
    wrong = change(code)  # type: ignore[operator]
    entry = tmp_path / "a.csv"
    entry.write_text(f"code,project,answer\n{code},lights-cd,满意\n{wrong},lights-cd,满意\n",
                     encoding="utf-8")  # fmt: skip
    run_code, _, err = run(capsys, "survey", "reconcile", str(entry), str(entry), "--codes",
                           str(codes_file), "-o", str(tmp_path / "out.csv"))  # fmt: skip
    assert run_code == EXIT_BAD_INPUT
    assert len(err.strip().splitlines()) == 1
    assert f"{entry}:row 3" in err
    assert said in err


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_replace_records_the_next_reserve_households_in_the_certificate(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    """E-4: two unanswered households replaced in draw order; the commitment stays; verify ok."""
    certificate = json.loads((exported / "certificate.json").read_text(encoding="utf-8"))
    frame = str(exported / "frame.json")
    touched = {h for pair in certificate["replacements"] for h in pair}
    gone = [h for h in certificate["sample"] if h not in touched][:2]
    out = tmp_path / "replaced.json"
    code, said, err = run(
        capsys, "sample", "replace", str(exported / "certificate.json"), frame,
        "--household", gone[0], "--household", gone[1], "-o", str(out), "--lang", lang,
    )  # fmt: skip
    assert code == EXIT_OK, err
    new = json.loads(out.read_text(encoding="utf-8"))
    added = new["replacements"][len(certificate["replacements"]) :]
    assert [a for a, _ in added] == gone
    note = "（由备选住户替换）" if lang == "zh" else " (from the reserve)"
    assert said == "".join(f"{a} → {b}{note}\n" for a, b in added)
    assert new["commitment"] == certificate["commitment"]
    code, checked, _ = run(capsys, "sample", "verify", str(out), frame, "--lang", "en")
    assert (code, checked.splitlines()[0]) == (EXIT_OK, "ok")
    code, _, err = run(capsys, "sample", "replace", str(exported / "certificate.json"), frame,
                       "--household", "nobody", "-o", str(tmp_path / "x.json"))  # fmt: skip
    assert code == EXIT_BAD_INPUT
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.json").exists()


def test_the_result_carries_the_response_and_the_notice_shows_it(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-4, R-1: evaluate writes the response; announce from the result alone shows it."""
    result = json.loads((exported / "result.json").read_text(encoding="utf-8"))
    code, out, _ = run(
        capsys, "evaluate", str(exported / "ratings.json"), str(exported / "survey.json"),
        "--format", "json", "--on", result["evaluated_on"],
    )  # fmt: skip
    assert code == EXIT_OK
    evaluated = json.loads(out)
    assert evaluated["response"] == result["response"]
    assert evaluated["response"]["sampled"] == 100
    assert evaluated["response"]["first_answered"] == 100 - len(result["response"]["replacements"])
    site = tmp_path / "site"
    code, _, err = run(
        capsys, "announce", str(exported / "result.json"), "--ratings",
        str(exported / "ratings.json"), "--certificate", str(exported / "certificate.json"),
        "-o", str(site), "--no-charts",
    )  # fmt: skip
    assert code == EXIT_OK, err
    assert "首次抽中的 100 户中" in (site / "index.html").read_text(encoding="utf-8")


def test_the_demo_s_field_files_reconcile_and_evaluate_to_its_result(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-4: the whole field flow from the demo's files: entries → answers → the same result."""
    answers = tmp_path / "answers.csv"
    code, said, err = run(
        capsys, "survey", "reconcile", str(exported / "field" / "entry-1.csv"),
        str(exported / "field" / "entry-2.csv"), "--codes", str(exported / "field" / "codes.csv"),
        "-o", str(answers), "--lang", "en",
    )  # fmt: skip
    assert code == EXIT_OK, err
    assert "5 not returned" in said
    code, out, err = run(
        capsys, "evaluate", str(exported / "csv" / "ratings.csv"), str(answers),
        "--units", str(exported / "csv" / "units.csv"),
        "--projects", str(exported / "csv" / "projects.csv"),
        "--certificate", str(exported / "certificate.json"),
        "--format", "json", "--on", "2026-10-03",
    )  # fmt: skip
    assert code == EXIT_OK, err
    assert json.loads(out) == json.loads((exported / "result.json").read_text(encoding="utf-8"))
