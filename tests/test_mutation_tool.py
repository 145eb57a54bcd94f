"""The mutation-testing tool's own plumbing (tools/mutation.py), without running mutmut.

The runs themselves take minutes to hours and are not part of the test suite; what is
checked here is what a run depends on: the configuration it writes, how it reads mutmut's
results, and that the equivalents file is well formed and names only mutated modules.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mutation_tool", ROOT / "tools" / "mutation.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_each_group_names_existing_modules_and_tests() -> None:
    """Every group mutates files that exist and selects tests that exist."""
    tool = _tool()
    for modules, tests in tool.GROUPS.values():
        for pattern in modules:
            assert list(ROOT.glob(pattern)), pattern
        for path in tests:
            assert (ROOT / path).exists(), path


def test_the_configuration_written_is_mutmuts(tmp_path: Path) -> None:
    """A group's copy carries a [tool.mutmut] table restricted to the group."""
    tool = _tool()
    modules, tests = tool.GROUPS["ledger"]
    tool._copy(tmp_path, modules, tests)
    config = tomllib.loads((tmp_path / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    assert config["mutmut"]["only_mutate"] == modules
    assert config["mutmut"]["pytest_add_cli_args_test_selection"] == tests
    assert (tmp_path / "src" / "community_governance" / "ledger" / "chain.py").exists()


def test_results_are_read_by_exit_code(tmp_path: Path) -> None:
    """The exit codes of mutmut: 1 killed, 0 survived, 36 timeout, None not checked."""
    meta = tmp_path / "mutants" / "src" / "m.py.meta"
    meta.parent.mkdir(parents=True)
    codes = {"a": 1, "b": 0, "c": 36, "d": None, "e": 3}
    meta.write_text(json.dumps({"exit_code_by_key": codes}), encoding="utf-8")
    assert _tool()._statuses(tmp_path) == {
        "a": "killed",
        "b": "survived",
        "c": "timeout",
        "d": "not checked",
        "e": "killed",
    }


def test_every_equivalent_names_a_mutated_module_and_a_reason() -> None:
    """Each listed equivalent is a mutant of a module some group mutates, with its reason."""
    tool = _tool()
    entries = tool._equivalents()
    assert entries
    mutated = {
        ".".join(path.relative_to(ROOT / "src").with_suffix("").parts)
        for modules, _ in tool.GROUPS.values()
        for pattern in modules
        for path in ROOT.glob(pattern)
    }
    listed = [e["mutant"] for e in tomllib.loads(tool.EQUIVALENTS.read_text("utf-8"))["equivalent"]]
    assert len(listed) == len(set(listed)), "a mutant is listed twice"
    for mutant, reason in entries.items():
        module = mutant.rsplit(".", 1)[0]
        assert module in mutated, mutant
        assert len(reason) > 20, mutant


_MUTATED = '''
def x_check__mutmut_orig(value):
    """Refuse a negative value."""
    if value < 0:
        raise ParseError("negative: " + str(value), field="value", rule="E-1")
    return Text("ok", "fine")

def x_check__mutmut_1(value):
    """Refuse a negative value."""
    if value < 0:
        raise ParseError("XXnegative: XX" + str(value), field="value", rule="E-1")
    return Text("ok", "fine")

def x_check__mutmut_2(value):
    """Refuse a negative value."""
    if value < 0:
        raise ParseError("negative: " + str(value), field="XXvalueXX", rule="E-1")
    return Text("ok", "fine")

def x_check__mutmut_3(value):
    """Refuse a negative value."""
    if value < 0:
        raise ParseError(None, field="value", rule="E-1")
    return Text("ok", "fine")

def x_check__mutmut_4(value):
    """Refuse a negative value."""
    if value < 0:
        raise ParseError("negative: " + str(value), field="value", rule="E-1")
    return Text("XXokXX", "fine")

def x_check__mutmut_5(value):
    """Refuse a negative value."""
    if value <= 0:
        raise ParseError("NEGATIVE: " + str(value), field="value", rule="E-1")
    return Text("ok", "fine")

def x_check__mutmut_6(value):
    """Refuse a negative value."""
    if value < 0:
        raise ParseError("NEGATIVE: " + str(value), field="value", rule="E-1")
    return Text("ok", "fine")
'''


def test_only_a_change_to_an_error_messages_wording_counts_as_message() -> None:
    """The wording of an error's message is not pinned; its field, rule and presence are."""
    tool = _tool()
    verdicts = {
        number: tool.message_only(_MUTATED, f"pkg.module.x_check__mutmut_{number}")
        for number in range(1, 8)
    }
    # 1 and 6 reword the message; 2 changes the field, 3 drops the message, 4 changes a
    # text people read elsewhere, 5 also changes the condition, 7 does not exist.
    assert verdicts == {1: True, 2: False, 3: False, 4: False, 5: False, 6: True, 7: False}


_MUTATED_ZH = """
def x_guard__mutmut_orig(value):
    if value < 0:
        raise ParseError("negative", field="value", rule="E-1", zh=f"{value} 是负数")
    return Guard("g", check, GuardFailed, "why", "R-2", why_zh="原因")

def x_guard__mutmut_1(value):
    if value < 0:
        raise ParseError("negative", field="value", rule="E-1", zh=f"XX{value} 是负数XX")
    return Guard("g", check, GuardFailed, "why", "R-2", why_zh="原因")

def x_guard__mutmut_2(value):
    if value < 0:
        raise ParseError("negative", field="value", rule="E-1", zh=None)
    return Guard("g", check, GuardFailed, "why", "R-2", why_zh="原因")

def x_guard__mutmut_3(value):
    if value < 0:
        raise ParseError("negative", field="value", rule="E-1")
    return Guard("g", check, GuardFailed, "why", "R-2")

def x_guard__mutmut_4(value):
    if value < 0:
        raise ParseError("negative", field="value", rule="E-2", zh=None)
    return Guard("g", check, GuardFailed, "why", "R-2", why_zh="原因")

def x_guard__mutmut_5(value):
    if value <= 0:
        raise ParseError("negative", field="value", rule="E-1", zh="XX")
    return Guard("g", check, GuardFailed, "why", "R-2", why_zh="原因")
"""


def test_a_change_to_an_errors_chinese_alone_counts_as_message() -> None:
    """Chinese reworded, dropped or None is wording; with any other change it is not."""
    tool = _tool()
    verdicts = {
        number: tool.message_only(_MUTATED_ZH, f"pkg.module.x_guard__mutmut_{number}")
        for number in range(1, 6)
    }
    assert verdicts == {1: True, 2: True, 3: True, 4: False, 5: False}


def test_a_survivors_diff_shows_only_its_change() -> None:
    """The diff of a mutant is of its function against the original, under the original name."""
    tool = _tool()
    diff = tool.mutant_diff(_MUTATED, "pkg.module.x_check__mutmut_2")
    changed = [line for line in diff.splitlines() if line[:1] in "+-"]
    assert changed == [
        "--- original",
        "+++ mutant",
        '-        raise ParseError("negative: " + str(value), field="value", rule="E-1")',
        '+        raise ParseError("negative: " + str(value), field="XXvalueXX", rule="E-1")',
    ]
    assert tool.mutant_diff(_MUTATED, "pkg.module.x_check__mutmut_9") == "(source not found)"


def test_a_kept_run_is_read_again_without_running(tmp_path: Path) -> None:
    """--report reads the statuses kept in DIR/GROUP; without a kept run it says so."""
    tool = _tool()
    folder = tmp_path / "numbers"
    meta = folder / "mutants" / "src" / "community_governance" / "numbers.py.meta"
    meta.parent.mkdir(parents=True)
    meta.write_text(
        json.dumps(
            {
                "exit_code_by_key": {
                    "community_governance.numbers.x_f__mutmut_1": 1,
                    "community_governance.numbers.x_f__mutmut_2": None,
                }
            }
        ),
        encoding="utf-8",
    )
    counts, survivors = tool.run_group("numbers", tmp_path, run=False)
    assert (counts["killed"], counts["not checked"], survivors) == (1, 1, [])
    with pytest.raises(SystemExit, match="no kept run"):
        tool.run_group("ledger", tmp_path, run=False)


def test_no_group_named_means_every_group(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without groups the tool takes them all (argparse once refused its own default)."""
    tool = _tool()
    monkeypatch.setattr(sys, "argv", ["mutation.py", "--report", "--keep", str(tmp_path)])
    with pytest.raises(SystemExit, match=f"no kept run.*{next(iter(tool.GROUPS))}"):
        tool.main()


def test_an_equivalent_that_a_test_kills_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A listed equivalent whose mutant is killed is reported: its reason cannot be right."""
    tool = _tool()
    name = "community_governance.numbers.x_f__mutmut_1"
    meta = tmp_path / "numbers" / "mutants" / "src" / "community_governance" / "numbers.py.meta"
    meta.parent.mkdir(parents=True)
    meta.write_text(json.dumps({"exit_code_by_key": {name: 1}}), encoding="utf-8")
    monkeypatch.setattr(tool, "_equivalents", lambda: {name: "cannot change behaviour"})
    counts, notes = tool.run_group("numbers", tmp_path, run=False)
    assert (counts["killed"], counts["equivalent"]) == (1, 0)
    assert notes == [f"{name}\nlisted as equivalent, but a test kills it: remove its entry"]


def test_the_city_tests_have_ids_mutmut_can_select() -> None:
    """The city's tests name their cases: mutmut selects a mutant's tests by node id.

    An id made of a parameter's text (spaces, a semicolon, quotes) was not selected, and
    the mutants only it kills seemed to survive.
    """
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    _, tests = _tool().GROUPS["evaluation-city-rows"]
    listed = subprocess.run(  # noqa: S603 - our own interpreter and tests
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *tests],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout.splitlines()
    ids = [line for line in listed if "::" in line]
    assert ids
    assert [i for i in ids if any(c in i for c in " ;'\"\\")] == []
