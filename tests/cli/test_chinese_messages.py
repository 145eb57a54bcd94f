"""Every message in Chinese under ``--lang zh`` (all rules: the shell's one line).

Each error the library raises carries its Chinese beside its English at the place it is
raised (checked here over the whole source); the shell says it, and the place (file, row,
field) and the rule stay as they are. Click's usage errors, pydantic's refusals, the
operating system's reasons and the library's warnings are said in Chinese too.
"""

from __future__ import annotations

import ast
import json
import pickle
import re
from pathlib import Path

import pytest

import community_governance
from community_governance.cli import EXIT_BAD_INPUT, EXIT_OK, main
from community_governance.errors import GovernanceError, ParseError
from community_governance.schemas import load_document
from community_governance.tables.read import MAX_LISTED
from tests.cli.bad_rows import RATINGS_HEADER, TABLE, ratings_csv
from tests.cli.shell import run

SOURCE = Path(community_governance.__file__).parent
CJK = re.compile(r"[\u4e00-\u9fff]")

#: Helpers that build an error from a message given to them, and where the message is.
HELPERS = {"fail", "_refuse"}


def _error_classes() -> set[str]:
    """The names of every class the library derives from ``GovernanceError``."""
    names = set()
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                names.add(node.name)
    import importlib  # noqa: PLC0415 - only the names found above are looked up

    found = set()
    for module in sorted(SOURCE.rglob("*.py")):
        dotted = ".".join(module.relative_to(SOURCE.parent).with_suffix("").parts)
        if dotted.endswith("__main__"):
            continue
        for name, value in vars(importlib.import_module(dotted)).items():
            if isinstance(value, type) and issubclass(value, GovernanceError) and name in names:
                found.add(name)
    return found


def _called(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _chinese(value: ast.expr) -> bool:
    """A literal Chinese text, or an expression that gives one (another error's, a table's).

    An expression counts when it names its Chinese (``error.zh``, ``message_in("zh")``,
    ``chinese``, ``reason_zh(...)``): the sources it reads are checked where they are made.
    """
    texts = [n.value for n in ast.walk(value) if isinstance(n, ast.Constant)]
    if any(isinstance(t, str) and CJK.search(t) for t in texts):
        return True
    return bool(re.search(r"zh|chinese", ast.unparse(value)))


def _has_message(node: ast.Call) -> bool:
    """Whether a helper call gives a message of its own (some helpers make theirs)."""
    return any(isinstance(a, ast.Constant | ast.JoinedStr) for a in node.args)


def test_every_error_the_library_raises_carries_its_chinese() -> None:
    """All rules: each construction of an error, a guard or a warning gives ``zh=``."""
    classes = _error_classes() | HELPERS
    missing = []
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _called(node)
            wanted = {"Guard": "why_zh"}.get(name, "zh")
            if name not in classes and name != "Guard" and not name.endswith("Warning"):
                continue
            if name.endswith("Warning") and name not in {"LookalikeWarning", "PolicyDateWarning"}:
                continue  # Python's own warnings (deprecations) address programmers
            if name in HELPERS and not _has_message(node):
                continue  # a helper that writes its message itself, checked inside
            given = {k.arg: k.value for k in node.keywords}
            if wanted not in given or not _chinese(given[wanted]):
                missing.append(f"{path.relative_to(SOURCE)}:{node.lineno} {name}")
    assert missing == [], "\n".join(missing)
    assert len(classes) > 40


@pytest.mark.parametrize("name", [n for n, row in TABLE.items() if row[1] == EXIT_BAD_INPUT])
def test_each_bad_input_row_is_said_in_chinese(
    name: str, exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-1..E-4, C-3: the bad-input table again under --lang zh: every line translated."""
    build, expected, _ = TABLE[name]
    argv = build(tmp_path, exported)
    assert main(argv) == expected
    english = capsys.readouterr().err.splitlines()
    assert main([*build(tmp_path, exported), "--lang", "zh"]) == expected
    chinese = capsys.readouterr().err.splitlines()
    assert len(chinese) == len(english)
    for en, zh in zip(english, chinese, strict=True):
        head, _, said = zh.partition("）: ")
        assert head.startswith("community-governance: 错误（"), zh
        assert CJK.search(said.split(": ")[-1]) or CJK.search(said.rpartition("：")[2]), zh
        assert said != en.removeprefix("community-governance: error: "), zh
        rule = re.search(r"\[[^\]]+\]$", en)
        assert rule is None or zh.endswith(rule.group()), (en, zh)


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["evaluate", "--bogus"], "没有选项 --bogus（是否想用：--out）"),
        (["evaluate"], "缺少参数 'RATINGS'"),
        (["tally", "--entitled", "1"], "缺少选项 '--agree'"),
        (["tally", "--entitled", "x", "--agree", "1"], "'--entitled' 的值无效：'x' 不是有效的整数"),
        (
            ["policy", "show", "--at", "2025-13-01"],
            "'--at' 的值无效：'2025-13-01' 不符合格式 '%Y-%m-%d'",
        ),
        (
            ["tally", "--entitled", "1", "--agree", "1", "--format", "yaml"],
            "'--format' 的值无效：'yaml' 不是 'table', 'json' 之一",
        ),
        (["nosuch"], "没有命令 'nosuch'"),
        (["tally", "--lang", "zh", "--entitled"], "选项 '--entitled' 需要一个值"),
        (["policy", "show", "a", "b"], "多余的参数（b）"),
        (["demo", "--format", "xlsx"], "工作簿须写入文件：请给出 --out FILE.xlsx"),
    ],
)
def test_usage_errors_are_said_in_chinese(
    capsys: pytest.CaptureFixture[str], argv: list[str], line: str
) -> None:
    """All rules: Click's refusals, from their parts, in Chinese; exit 2, one line."""
    given = argv if "--lang" in argv else [*argv, "--lang", "zh"]
    code, _, err = run(capsys, *given)
    assert code == EXIT_BAD_INPUT
    assert err == f"community-governance: 错误（命令用法）: {line}\n"


@pytest.mark.parametrize(
    ("change", "english", "chinese"),
    [
        (lambda d: d.pop("quarter"), "Field required", "缺少此字段"),
        (lambda d: d.update(extra=1), "Extra inputs are not permitted", "此文档没有这个字段"),
        (lambda d: d.update(quarter=3), "Input should be a valid string", "应为文本"),
        (lambda d: d.update(document="x"), "Input should be 'ratings'", "应为 'ratings'"),
    ],
)
def test_a_document_refused_by_its_schema_is_said_in_chinese(
    exported: Path, change: object, english: str, chinese: str
) -> None:
    """E-2: pydantic's refusals by kind: the same place and rule in both languages."""
    data = json.loads((exported / "ratings.json").read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    with pytest.raises(ParseError) as caught:
        load_document("ratings", json.dumps(data), source="r.json")
    assert english in caught.value.message
    assert caught.value.said("zh").endswith(f"{chinese} [ratings]")


def test_an_error_keeps_its_chinese_across_processes_and_files() -> None:
    """All rules: pickled (a Dask worker's), moved to a file, read in both languages."""
    error = ParseError("a is wrong", field="x", rule="E-1", zh="a 有误")
    again = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own error
    assert (again.message, again.zh, again.field, again.rule) == (
        "a is wrong",
        "a 有误",
        "x",
        "E-1",
    )
    moved = again.in_file("f.json")
    assert moved.said("zh") == "f.json: x: a 有误 [E-1]"
    assert str(moved) == moved.said("en") == "f.json: x: a is wrong [E-1]"
    assert ParseError("plain").said("zh") == "plain"  # an error given no Chinese says its English


def test_a_table_with_many_bad_rows_says_how_many_more_in_chinese(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-3: the first twenty rows, then how many more, each line in Chinese."""
    rows = "".join(
        f"2026Q3,clinic,school,peer,80,x{i},80,80,80,80\n" for i in range(MAX_LISTED + 3)
    )
    ratings = ratings_csv(tmp_path, exported, RATINGS_HEADER + rows)
    code = main(["evaluate", ratings, str(exported / "survey.json"), "--lang", "zh"])
    lines = capsys.readouterr().err.splitlines()
    assert code == EXIT_BAD_INPUT
    assert len(lines) == MAX_LISTED + 1
    assert lines[-1] == "community-governance: 错误（表格中有错误行）: ……另有 3 处"
    assert all("不是分数" in line for line in lines[:-1])


def test_a_refused_step_of_a_case_is_said_in_chinese(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R-2: the workflow's refusal names the state and the guard's reason in Chinese."""
    opened = tmp_path / "case.json"
    result = str(exported / "result.json")
    assert main(["case", "open", result, "market", "--at", "2026-10-15", "--out", str(opened)]) == 0
    events = tmp_path / "events.json"
    events.write_text(
        json.dumps(
            [
                {"at": "2026-10-16", "event": "StartRectifying"},
                {"at": "2026-10-17", "event": "Verify", "fields": {"by": "x"}},
            ]
        ),
        encoding="utf-8",
    )
    capsys.readouterr()
    code, _, err = run(capsys, "case", "apply", str(opened), str(events), "--lang", "zh")
    assert code == EXIT_BAD_INPUT
    assert "在“整改中”状态下不允许 Verify" in err
    assert err.strip().endswith("[R-2]")


@pytest.mark.filterwarnings("always::community_governance.errors.GovernanceWarning")
def test_a_warning_is_one_line_in_chinese(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-4: under a policy that only warns of look-alike ids, one line, in Chinese."""
    policy = tmp_path / "warn.toml"
    policy.write_text(
        '[policy]\nid = "warn"\nextends = "xiamen-127"\ntitle = "w"\nsource = "x"\nformat = 1\n'
        '[parameters."input.ids.lookalikes"]\n'
        'values = [{ valid_from = 2021-01-21, value = "warn" }]\n'
        '[parameters."evaluation.survey.size"]\n'
        "values = [{ valid_from = 2021-01-21, value = 2 }]\n",
        encoding="utf-8",
    )
    frame = tmp_path / "frame.csv"
    frame.write_text("household\nA12\n\u041012\nB7\n", encoding="utf-8")
    argv = ["sample", "draw", str(frame), "--seed", "1", "--seed-source", "s"]
    code, _, err = run(capsys, *argv, "--policy", str(policy), "--lang", "zh")
    assert code == EXIT_OK, err
    assert err == (
        f"community-governance: 警告: {frame}: frame.households: "
        "编号 'A12' 与 '\u041012' 看似相同，实则不同（U+0410） [E-4]\n"
    )
    code, _, err = run(capsys, *argv, "--policy", str(policy), "--lang", "en")
    assert err == (
        f"community-governance: warning: {frame}: frame.households: "
        "the ids 'A12' and '\u041012' look alike but differ (U+0410) [E-4]\n"
    )


def test_a_sample_that_does_not_check_out_is_said_in_chinese(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-4: each problem the verification finds, in Chinese."""
    frame = tmp_path / "frame.csv"
    frame.write_text("household\nA\nB\n", encoding="utf-8")
    certificate = str(exported / "certificate.json")
    code, out, _ = run(capsys, "sample", "verify", certificate, str(frame), "--lang", "zh")
    assert code == 1
    assert "抽样框摘要与证书上的不同" in out
    assert "证书列出了抽样框中没有的住户" in out
    assert not re.search(r"[a-z]{4,} [a-z]{4,}", out)  # no English sentence
