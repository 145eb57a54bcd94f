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
from collections.abc import Callable
from pathlib import Path

import pytest

from community_governance.cli import EXIT_BAD_INPUT, EXIT_OK, EXIT_OUTCOME, main
from community_governance.demo import demo_quarter
from community_governance.schemas import CertificateDoc

DEMO = demo_quarter(127)
PREFIX = "community-governance: error: "


def _frame_csv(folder: Path, lines: list[str], encoding: str = "utf-8") -> str:
    path = folder / "frame.csv"
    path.write_bytes("\n".join(["household", *lines]).encode(encoding))
    return str(path)


def _ratings_csv(folder: Path, exported: Path, body: str, name: str = "ratings.csv") -> str:
    (folder / "units.csv").write_bytes((exported / "csv" / "units.csv").read_bytes())
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return str(path)


RATINGS_HEADER = (
    "quarter,rater,ratee,kind,service_attitude,professional_level,execution_ability,"
    "coordination_ability,task_completion,public_satisfaction\n"
)

Row = Callable[[Path, Path], list[str]]

# name -> (write the fixture and give the arguments, exit code, the lines of the message
# without their "community-governance: error: " heads; {dir} is the test's folder)
TABLE: dict[str, tuple[Row, int, str]] = {
    "GBK frame is read": (
        lambda f, _: [
            "sample",
            "draw",
            _frame_csv(f, ["一号楼101", "二号楼202"], "gbk"),
            "--seed",
            "1",
            "--seed-source",
            "s",
        ],
        EXIT_OK,
        "",
    ),
    "BOM frame is read": (
        lambda f, e: [
            "sample",
            "verify",
            str(e / "certificate.json"),
            str(_bom(f, e / "csv" / "frame.csv")),
        ],
        EXIT_OK,
        "",
    ),
    "NaN score": (
        lambda f, e: [
            "evaluate",
            _doc(f, e, "ratings.json", '": 80,', '": NaN,'),
            str(e / "survey.json"),
        ],
        EXIT_BAD_INPUT,
        "{dir}/ratings.json: NaN is not a number a document can hold [ratings]",
    ),
    "Infinity score": (
        lambda f, e: [
            "evaluate",
            _doc(f, e, "ratings.json", '": 80,', '": Infinity,'),
            str(e / "survey.json"),
        ],
        EXIT_BAD_INPUT,
        "{dir}/ratings.json: Infinity is not a number a document can hold [ratings]",
    ),
    "1e309 score": (
        lambda f, e: [
            "evaluate",
            _doc(f, e, "ratings.json", '": 80,', '": 1e309,'),
            str(e / "survey.json"),
        ],
        EXIT_BAD_INPUT,
        "{dir}/ratings.json: scores.execution_ability: '1E+309' is not a decimal score such as '87.5' [E-2]",
    ),
    "5,000-digit score in a table": (
        lambda f, e: [
            "evaluate",
            _ratings_csv(
                f,
                e,
                RATINGS_HEADER + "2026Q3,clinic,school,peer,0." + "9" * 5000 + ",80,80,80,80,80\n",
            ),
            str(e / "survey.json"),
        ],
        EXIT_BAD_INPUT,
        "{dir}/ratings.csv:row 2, service_attitude (服务态度): '0.999999999999999999'… has 5002 characters; an exact number has at most 200 digits [E-2]",
    ),
    "duplicate keys": (
        lambda f, e: [
            "evaluate",
            _doc(
                f,
                e,
                "ratings.json",
                '"quarter": "2026Q3"',
                '"quarter": "2026Q3", "quarter": "2026Q4"',
            ),
            str(e / "survey.json"),
        ],
        EXIT_BAD_INPUT,
        "{dir}/ratings.json: quarter: the key 'quarter' appears twice in one object; which one counts is ambiguous [ratings]",
    ),
    "JSON nested 10^5 deep": (
        lambda f, _: [
            "sample",
            "draw",
            _write(f, "deep.json", '{"a":' + "[" * 100_000 + "]" * 100_000 + "}"),
            "--seed",
            "1",
            "--seed-source",
            "s",
        ],
        EXIT_BAD_INPUT,
        "{dir}/deep.json: arrays or objects are nested too deeply to be a document [frame]",
    ),
    "unknown column": (
        lambda f, _: [
            "sample",
            "draw",
            _write(f, "f.csv", "household,colour\nH1,red\n"),
            "--seed",
            "1",
            "--seed-source",
            "s",
        ],
        EXIT_BAD_INPUT,
        "{dir}/f.csv: column 2 'colour' is not a column of this table; columns: household (住户编号), stratum (分层) [E-4]",
    ),
    "empty file": (
        lambda f, _: [
            "sample",
            "draw",
            _write(f, "f.csv", ""),
            "--seed",
            "1",
            "--seed-source",
            "s",
        ],
        EXIT_BAD_INPUT,
        "{dir}/f.csv: the table is empty: no header row [E-4]",
    ),
    "directory": (
        lambda f, _: ["sample", "draw", str(f), "--seed", "1", "--seed-source", "s"],
        EXIT_BAD_INPUT,
        "{dir}: is a folder, not a file [E-4]",
    ),
    "negative household count": (
        lambda f, e: [
            "evaluate",
            _negative_units(f, e),
            str(e / "survey.json"),
        ],
        EXIT_BAD_INPUT,
        "{dir}/units.csv, households (住户数): the community's household count is one whole number, not -5 [E-1]",
    ),
    "certificate naming a household outside the frame": (
        lambda f, e: ["sample", "verify", _foreign_certificate(f, e), str(e / "frame.json")],
        EXIT_OUTCOME,
        "",
    ),
    "control character in an id": (
        lambda f, _: [
            "sample",
            "draw",
            _frame_csv(f, ["H1", "H\u200b2"]),
            "--seed",
            "1",
            "--seed-source",
            "s",
        ],
        EXIT_BAD_INPUT,
        "{dir}/frame.csv:row 3, household (住户编号): the id 'H\\u200b2' holds the invisible character U+200B; retype it without control or format characters [E-4]",
    ),
    "look-alike ids": (
        lambda f, _: [
            "sample",
            "draw",
            _frame_csv(f, ["A12", "\u041012"]),
            "--seed",
            "1",
            "--seed-source",
            "s",
        ],
        EXIT_BAD_INPUT,
        "{dir}/frame.csv: the ids 'A12' and '\u041012' look alike but differ (U+0410); write each id in one way (policy input.ids.lookalikes) [E-4]",
    ),
    "every bad row listed": (
        lambda f, e: [
            "evaluate",
            _ratings_csv(
                f,
                e,
                RATINGS_HEADER
                + "2026Q3,clinic,school,peer,80,x,80,80,80,80\n"
                + "2026Q3,clinic,nobody,peer,80,80,80,80,80,80\n"
                + "2026Q3,clinic,clinic,peer,80,80,80,80,80,80\n",
            ),
            str(e / "survey.json"),
        ],
        EXIT_BAD_INPUT,
        "\n".join(
            [
                "{dir}/ratings.csv:row 2, professional_level (专业水平): 'x' is not a decimal score such as '87.5' [E-2]",
                "{dir}/ratings.csv:row 3, ratee (被评单位): 'nobody' is not a member unit of haibin [E-3]",
                "{dir}/ratings.csv:row 4, rater (评价单位): unit clinic cannot peer-rate itself; use a self-rating [E-3]",
            ]
        ),
    ),
}


def _write(folder: Path, name: str, text: str) -> str:
    (folder / name).write_text(text, encoding="utf-8")
    return str(folder / name)


def _bom(folder: Path, source: Path) -> Path:
    target = folder / "frame-bom.csv"
    target.write_bytes(b"\xef\xbb\xbf" + source.read_bytes())
    return target


def _doc(folder: Path, exported: Path, name: str, old: str, new: str) -> str:
    text = (exported / name).read_text(encoding="utf-8")
    assert old in text
    return _write(folder, name, text.replace(old, new, 1))


def _negative_units(folder: Path, exported: Path) -> str:
    units = (exported / "csv" / "units.csv").read_text(encoding="utf-8").splitlines()
    header = units[0].split(",")
    at = header.index("households")
    rows = [line.split(",") for line in units[1:]]
    for row in rows:
        row[at] = "-5"
    (folder / "units.csv").write_text(
        "\n".join([units[0], *(",".join(r) for r in rows)]), encoding="utf-8"
    )
    (folder / "ratings.csv").write_bytes((exported / "csv" / "ratings.csv").read_bytes())
    return str(folder / "ratings.csv")


def _foreign_certificate(folder: Path, exported: Path) -> str:
    certificate = CertificateDoc.model_validate_json((exported / "certificate.json").read_text())
    changed = certificate.model_copy(update={"sample": ["not-in-frame", *certificate.sample[1:]]})
    return _write(folder, "certificate.json", changed.model_dump_json())


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
        assert (code, capsys.readouterr().out.strip()) == (EXIT_OK, "ok")


def test_under_lang_zh_each_error_line_says_its_kind_in_chinese(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-3: --lang zh (or a Chinese locale) says each error line in Chinese: kind and message."""
    body = RATINGS_HEADER + "2026Q3,clinic,school,peer,80,x,80,80,80,80\n"
    ratings = _ratings_csv(tmp_path, exported, body)
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
