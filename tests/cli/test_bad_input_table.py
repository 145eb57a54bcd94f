"""The bad-input table at the shell: each row a real file, its exit code and its one line.

Rules: E-1..E-4 (tables and documents of a quarter), C-3. Every fixture is a file the test
writes; each row asserts the exit code, that every line of standard error is one error
naming its place and rule, and the words that tell a person what went wrong.
"""

from __future__ import annotations

import io
import os
import pwd
import sys
from pathlib import Path

import pytest

from community_governance.cli import EXIT_BAD_INPUT, EXIT_OK, main
from tests.cli.bad_rows import PREFIX, RATINGS_HEADER, TABLE, ratings_csv


@pytest.mark.parametrize("name", list(TABLE))
def test_bad_input_row(
    name: str, exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-1..E-4: the row's exit code, one line per error with its place and rule, no traceback."""
    build, expected, words = TABLE[name]
    argv = build(tmp_path, exported)
    code = main(argv)
    captured = capsys.readouterr()
    assert code == expected, captured.err
    assert "Traceback" not in captured.err
    if expected == EXIT_BAD_INPUT:
        lines = words.format(dir=tmp_path).splitlines()
        assert captured.err == "".join(f"{PREFIX}{line}\n" for line in lines)
    else:
        assert words == ""
    if name == "certificate naming a household outside the frame":
        assert "not-in-frame" in captured.out
    if name == "GBK frame is read":
        assert "一号楼101" in captured.out


def test_a_file_that_cannot_be_read(tmp_path: Path) -> None:
    """E-4: no permission to read the frame: one line naming it, exit 2.

    Root reads any file, so as root the command runs in a child that drops to ``nobody``.
    """
    path = tmp_path / "frame.csv"
    path.write_text("household\nH1\n", encoding="utf-8")
    path.chmod(0)
    argv = ["sample", "draw", str(path), "--seed", "1", "--seed-source", "s"]
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's coverage is not collected
        os.close(read)
        os.dup2(write, 2)
        sys.stderr = io.TextIOWrapper(
            os.fdopen(2, "wb", buffering=0, closefd=False), write_through=True
        )
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
        os._exit(main(argv))
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        err = pipe.read().decode()
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == EXIT_BAD_INPUT
    assert err.strip() == f"{PREFIX}{path}: cannot read the file: Permission denied [E-4]"


def test_stdin_is_a_file_like_any_other(
    exported: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-4: '-' reads the frame from standard input, a CSV table or a JSON document."""
    for name in ("csv/frame.csv", "frame.json"):
        with (exported / name).open("rb") as handle:
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(handle))
            code = main(["sample", "verify", str(exported / "certificate.json"), "-"])
        assert (code, capsys.readouterr().out.splitlines()[0]) == (EXIT_OK, "ok")


def test_under_lang_zh_each_error_line_says_its_kind_in_chinese(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-3: --lang zh (or a Chinese locale) says each error line in Chinese: kind and message."""
    body = RATINGS_HEADER + "2026Q3,clinic,school,peer,80,x,80,80,80,80\n"
    ratings = ratings_csv(tmp_path, exported, body)
    code = main(["evaluate", ratings, str(exported / "survey.json"), "--lang", "zh"])
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT
    assert err.strip() == (
        f"community-governance: 错误（表格中有错误行）: {ratings}:第 2 行, professional_level "
        "(专业水平)：'x' 不是分数（应如 '87.5'） [E-2]"
    )
    code = main(["evaluate", str(tmp_path / "none.json"), "x", "--lang", "zh"])
    assert code == EXIT_BAD_INPUT
    assert capsys.readouterr().err.strip() == (
        f"community-governance: 错误（无法读取）: {tmp_path / 'none.json'}: "
        "无法读取文件：没有这个文件或文件夹 [E-3]"
    )
    assert main(["evaluate", "--lang", "zh"]) == EXIT_BAD_INPUT
    assert capsys.readouterr().err.strip() == (
        "community-governance: 错误（命令用法）: 缺少参数 'RATINGS'"
    )
