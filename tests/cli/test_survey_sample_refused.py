"""``evaluate`` counts no answer a draw could not have given (E-4).

A certificate that contradicts itself is refused from its own file; one that agrees with
itself but not with its frame is refused when ``--frame`` is given. Either way, one line,
exit 2, nothing written.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from community_governance.cli import EXIT_BAD_INPUT, EXIT_OK
from tests.cli.shell import run


def _folder(exported: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(exported / "csv", tmp_path / "csv"))


def _refused(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run(capsys, *argv)
    assert (code, out) == (EXIT_BAD_INPUT, ""), err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    return err


def _answer_from(folder: Path, household: str) -> None:
    with (folder / "survey.csv").open("a", encoding="utf-8") as survey:
        survey.write(f"{household},bins-ab,satisfied\n")


def test_a_household_slipped_into_the_certificate_is_refused_without_a_frame(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-4: one household outside the frame, with its answer, the size still 100."""
    folder = _folder(exported, tmp_path)
    certificate = json.loads((folder / "certificate.json").read_text(encoding="utf-8"))
    certificate["sample"].append("HB-Z99-999")
    (folder / "certificate.json").write_text(json.dumps(certificate), encoding="utf-8")
    _answer_from(folder, "HB-Z99-999")
    err = _refused(capsys, "evaluate", str(folder / "ratings.csv"), str(folder / "survey.csv"))
    assert "certificate.json" in err
    assert "certificate.sample" in err
    assert "101" in err
    assert "[E-4]" in err
    zh = _refused(
        capsys,
        "evaluate",
        str(folder / "ratings.csv"),
        str(folder / "survey.csv"),
        "--lang",
        "zh",
    )
    assert "样本列出 101 户" in zh


def test_a_certificate_that_agrees_with_itself_is_checked_against_the_frame(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-4: a replacement by a household outside the frame passes alone, not with --frame."""
    folder = _folder(exported, tmp_path)
    argv = ["evaluate", str(folder / "ratings.csv"), str(folder / "survey.csv")]
    frame = ["--frame", str(folder / "frame.csv")]
    code, _, err = run(capsys, *argv, *frame)
    assert code == EXIT_OK, err
    certificate = json.loads((folder / "certificate.json").read_text(encoding="utf-8"))
    kept = {old for old, _ in certificate["replacements"]}
    old = next(h for h in certificate["sample"] if h not in kept)
    certificate["replacements"].append([old, "HB-Z99-999"])
    (folder / "certificate.json").write_text(json.dumps(certificate), encoding="utf-8")
    answers = (folder / "survey.csv").read_text(encoding="utf-8-sig").splitlines(keepends=True)
    kept_answers = [line for line in answers if not line.startswith(f"{old},")]
    (folder / "survey.csv").write_text("".join(kept_answers), encoding="utf-8")
    _answer_from(folder, "HB-Z99-999")
    code, _, err = run(capsys, *argv)
    assert code == EXIT_OK, err  # consistent in itself: only the frame can tell
    err = _refused(capsys, *argv, *frame)
    assert "frame.csv" in err
    assert "does not verify against the frame" in err
    assert "'HB-Z99-999'" in err
    assert "[E-4]" in err
    json_frame = ["--frame", str(exported / "frame.json")]
    assert "frame.json" in _refused(capsys, *argv, *json_frame)
