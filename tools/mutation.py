"""Mutation testing of the rule modules with mutmut, one module group against its own tests.

Run: ``python tools/mutation.py [GROUP ...] [--keep DIR]`` (groups: see ``GROUPS``, and
``evaluation`` for its four parts; all by default). Each group is run in a fresh copy of the
project (``src``, ``tests``, ``pyproject.toml``), with mutmut set to mutate only the group's
modules and to select tests from the group's own tests only, so that a group fits in minutes
and the working tree is never touched. It prints, per group, how many mutants were killed,
survived, timed out or are listed as equivalent in ``tools/mutation-equivalents.toml``, and the
score: killed over all mutants that are not equivalent. Survivors are listed with
``mutmut show``'s diff.

A survivor whose only change is to the wording of an error's message (a string inside the
first argument of a call to a ``...Error`` class, such as ``"XXlisted twiceXX"``) is counted
as *message*: tests assert an error's class, ``field`` and ``rule``, not its wording, so such
a mutant counts as killed. So does a survivor whose only change is to an error's Chinese
(its ``zh=`` or a guard's ``why_zh=``: reworded, dropped or ``None``, so that the English is
said instead): a test of the source requires every error to carry its Chinese. Anything
else in the same call (the field, the rule, the class, the English message dropped or
replaced by ``None``) is still a mutant to kill.

A mutant listed as equivalent that a test kills is named too: its entry should go.

``--keep DIR --report`` reads kept runs again, for instance after listing equivalents, or
after stopping a long run: mutants it did not reach count as "other". ``--keep DIR
--resume`` goes on with a stopped run, keeping the verdicts it had.

Tests run under the Hypothesis profile ``mutation`` (derandomised, 30 examples), so that
every mutant meets the same examples.

It is not part of CI (it takes long); run it before changing the rule modules' tests.
Needs the ``[mutation]`` extra (mutmut).
"""

from __future__ import annotations

import argparse
import ast
import difflib
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENTS = ROOT / "tools" / "mutation-equivalents.toml"

_EVALUATION_RULE_TESTS = sorted(
    str(path.relative_to(ROOT))
    for path in (ROOT / "tests" / "evaluation").glob("test_*.py")
    if not path.stem.startswith(("test_city", "test_columns"))
)

_CITY_TESTS = sorted(
    str(path.relative_to(ROOT)) for path in (ROOT / "tests" / "evaluation").glob("test_city*.py")
)

#: group -> (modules to mutate, test paths that may kill them)
GROUPS: dict[str, tuple[list[str], list[str]]] = {
    "numbers": (
        ["src/community_governance/numbers.py"],
        ["tests/test_numbers.py"],
    ),
    "codes": (
        ["src/community_governance/national_codes.py"],
        ["tests/test_national_codes.py"],
    ),
    # evaluation/* in four parts, so that each fits in well under an hour; the rule modules
    # are not selected against the whole-city tests (test_city*, test_columns), which run
    # every rule over many communities and would take seconds for each mutant.
    "evaluation-scores": (
        [
            f"src/community_governance/evaluation/{name}.py"
            for name in ("scoring", "unit_scoring", "quarter", "ratings")
        ],
        # A unit's final in integers is scored for a quarter and a city alike.
        [*_EVALUATION_RULE_TESTS, "tests/evaluation/test_columns.py"],
    ),
    "evaluation-sample": (
        [
            f"src/community_governance/evaluation/{name}.py"
            for name in ("sampling", "tickets", "survey")
        ],
        _EVALUATION_RULE_TESTS,
    ),
    # A city in three parts, each within about an hour here: the city and its row reader,
    # the NumPy accelerator, the whole-column reader.
    **{
        f"evaluation-city-{part}": (
            [f"src/community_governance/{name}.py" for name in names],
            _CITY_TESTS,
        )
        for part, names in (
            ("rows", ("evaluation/city", "tables/city_rows", "tables/city_ids")),
            ("vector", ("evaluation/accelerated",)),
            ("arrays", ("tables/city_arrays",)),
        )
    },
    # The kernel serves a quarter (ratings, scores), a city and the verifier alike.
    "evaluation-kernel": (
        ["src/community_governance/evaluation/kernel.py"],
        [
            *_EVALUATION_RULE_TESTS,
            "tests/test_numbers.py",
            "tests/ledger/test_verifier_scores.py",
            "tests/evaluation/test_columns.py",
            "tests/evaluation/test_city_paths.py",
            "tests/evaluation/test_city_scoring.py",
            "tests/evaluation/test_city_tables.py",
        ],
    ),
    "consultation": (
        [
            "src/community_governance/consultation/meeting.py",
            "src/community_governance/consultation/meeting_events.py",
            "src/community_governance/consultation/routing.py",
        ],
        ["tests/consultation/"],
    ),
    "rectification": (["src/community_governance/rectification/*"], ["tests/rectification/"]),
    "management": (
        [
            "src/community_governance/management/balance.py",
            "src/community_governance/management/access.py",
        ],
        ["tests/management/"],
    ),
    # SM2 keys and signatures against their own tests: the tamper and contract suites that
    # also sign with them take a minute each, for every mutant.
    "ledger-sm2": (
        ["src/community_governance/ledger/sm2.py"],
        ["tests/ledger/test_sm2.py"],
    ),
    # The survey in the field: the frame's commitment and receipts, questionnaire codes and
    # double entry, against their own tests (the command-line tests start processes).
    "field": (
        [
            "src/community_governance/evaluation/commitment.py",
            "src/community_governance/evaluation/verify_inclusion.py",
            "src/community_governance/evaluation/fieldwork.py",
        ],
        [
            "tests/evaluation/test_commitment.py",
            "tests/evaluation/test_commitment_check.py",
            "tests/evaluation/test_fieldwork.py",
        ],
    ),
    # The pseudonym key, against the tests of keys, suites and privacy: a second or so each.
    "ledger-keys": (
        ["src/community_governance/ledger/keys.py"],
        [
            "tests/ledger/test_keys.py",
            "tests/ledger/test_suites.py",
            "tests/ledger/test_privacy.py",
            "tests/ledger/test_record.py",
        ],
    ),
    # The ledger's storage tests (killed writers, processes, PostgreSQL: test_contract,
    # test_durability) check the adapters, not these two modules, and take minutes each.
    "ledger": (
        [
            "src/community_governance/ledger/chain.py",
            "src/community_governance/ledger/verify.py",
            "src/community_governance/ledger/checkpoint.py",
        ],
        sorted(
            str(path.relative_to(ROOT))
            for path in (ROOT / "tests" / "ledger").glob("test_*.py")
            if path.stem not in {"test_contract", "test_durability"}
        ),
    ),
}

#: names that stand for several groups
ALIASES = {
    "evaluation": [name for name in GROUPS if name.startswith("evaluation-")],
    "evaluation-city": [name for name in GROUPS if name.startswith("evaluation-city-")],
}

# A mutant no selected test runs ("no tests", 33 and 5) survives: nothing would catch it.
_STATUS = {
    1: "killed",
    3: "killed",
    0: "survived",
    5: "survived",
    33: "survived",
    36: "timeout",
    24: "timeout",
    -24: "timeout",
}


def _config(modules: list[str], tests: list[str]) -> str:
    quoted = ", ".join(json.dumps(m) for m in modules)
    selected = ", ".join(json.dumps(t) for t in tests)
    return (
        "\n[tool.mutmut]\n"
        'source_paths = ["src"]\n'
        f"only_mutate = [{quoted}]\n"
        f"pytest_add_cli_args_test_selection = [{selected}]\n"
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-x", "-q"]\n'
    )


def _copy(target: Path, modules: list[str], tests: list[str]) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "src", target / "src", ignore=ignore)
    shutil.copytree(ROOT / "tests", target / "tests", ignore=ignore)
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (target / "pyproject.toml").write_text(pyproject + _config(modules, tests), encoding="utf-8")


def _statuses(folder: Path) -> dict[str, str]:
    statuses: dict[str, str] = {}
    for meta in (folder / "mutants").rglob("*.meta"):
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        for name, code in codes.items():
            statuses[name] = _STATUS.get(code, "not checked" if code is None else f"exit {code}")
    return statuses


def _equivalents() -> dict[str, str]:
    if not EQUIVALENTS.exists():
        return {}
    document = tomllib.loads(EQUIVALENTS.read_text(encoding="utf-8"))
    return {entry["mutant"]: entry["reason"] for entry in document.get("equivalent", [])}


@functools.cache
def _functions(source: str) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    return {
        node.name: node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }


def _pair(
    source: str, mutant: str
) -> tuple[
    ast.FunctionDef | ast.AsyncFunctionDef | None, ast.FunctionDef | ast.AsyncFunctionDef | None
]:
    """The original function and ``mutant`` in mutmut's rewritten module ``source``."""
    name = mutant.rpartition("__mutmut_")[0].rpartition(".")[2]
    functions = _functions(source)
    return functions.get(f"{name}__mutmut_orig"), functions.get(mutant.rpartition(".")[2])


def mutant_diff(source: str, mutant: str) -> str:
    """The change ``mutant`` makes, as a unified diff of its function.

    What ``mutmut show`` prints, without starting mutmut once for each survivor.
    """
    original, changed = _pair(source, mutant)
    if original is None or changed is None:
        return "(source not found)"
    before = (ast.get_source_segment(source, original) or "").splitlines()
    after = (ast.get_source_segment(source, changed) or "").splitlines()
    after[:1] = [line.replace(changed.name, original.name, 1) for line in after[:1]]
    return "\n".join(difflib.unified_diff(before, after, "original", "mutant", lineterm="", n=2))


def _message_strings(tree: ast.AST) -> set[int]:
    """The ids of string constants inside the message (first argument) of an error call."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        func = node.func
        called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if called.endswith("Error"):
            inside.update(
                id(constant)
                for constant in ast.walk(node.args[0])
                if isinstance(constant, ast.Constant) and isinstance(constant.value, str)
            )
    return inside


def message_only(source: str, mutant: str) -> bool:  # noqa: PLR0911 - one per verdict
    """Whether ``mutant`` (mutmut's function name) changes only an error message's wording.

    ``source`` is the mutated module as mutmut writes it, holding the original function
    (``..__mutmut_orig``) beside each mutant.
    """
    original, changed = _pair(source, mutant)
    if original is None or changed is None:
        return False
    if _without_chinese(original) == _without_chinese(changed):
        return True  # only the Chinese of a message differs
    messages = _message_strings(original)
    nodes_before, nodes_after = list(ast.walk(original)), list(ast.walk(changed))
    if len(nodes_before) != len(nodes_after):
        return False
    differences = 0
    for before, after in zip(nodes_before, nodes_after, strict=True):
        if type(before) is not type(after):
            return False
        if isinstance(before, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if isinstance(before, ast.Constant) and isinstance(after, ast.Constant):
            if before.value == after.value:
                continue
            if id(before) not in messages or not isinstance(after.value, str):
                return False
            differences += 1
            continue
        if _shape(before) != _shape(after):
            return False
    return differences > 0


#: The keywords that give an error's message in Chinese.
CHINESE = frozenset({"zh", "why_zh"})


def _without_chinese(function: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    """The function's arguments and body with every ``zh=``/``why_zh=`` keyword left out."""
    copy = ast.parse(ast.unparse(function)).body[0]
    for node in ast.walk(copy):
        if isinstance(node, ast.Call):
            node.keywords = [k for k in node.keywords if k.arg not in CHINESE]
    assert isinstance(copy, ast.FunctionDef | ast.AsyncFunctionDef)
    return ast.dump(copy.args) + ast.dump(ast.Module(body=copy.body, type_ignores=[]))


def _shape(node: ast.AST) -> tuple[object, ...]:
    """A node's own fields other than its children: names, operators, counts of children."""
    own: list[object] = []
    for field, value in ast.iter_fields(node):
        if isinstance(value, list):
            own.append((field, len(value), [type(v).__name__ for v in value]))
        elif isinstance(value, ast.AST):
            own.append((field, type(value).__name__))
        else:
            own.append((field, value))
    return tuple(own)


def _module_source(folder: Path, mutant: str) -> str:
    return _read_module(folder, mutant.rpartition("__mutmut_")[0].rpartition(".")[0])


@functools.cache
def _read_module(folder: Path, module: str) -> str:
    path = folder / "mutants" / "src" / Path(*module.split(".")).with_suffix(".py")
    return path.read_text(encoding="utf-8") if path.exists() else ""


def run_group(
    name: str, keep: Path | None, *, run: bool = True, resume: bool = False
) -> tuple[Counter[str], list[str]]:
    """Run one group; return its counts by status and its unexplained survivors' diffs.

    With ``run=False`` the run kept in ``keep/name`` is read again (against the current
    equivalents file) instead of running mutmut. With ``resume`` a stopped run kept there
    goes on: mutmut keeps the verdicts it has and checks the mutants it had not reached (the
    kept copy of the sources and tests is used as it is).
    """
    modules, tests = GROUPS[name]
    folder = (keep / name) if keep else Path(tempfile.mkdtemp(prefix=f"mutation-{name}-"))
    log = folder / "mutmut.log"
    if run:
        if resume and not (folder / "mutants").is_dir():
            raise SystemExit(f"{name}: no kept run to resume in {folder}")
        if not resume:
            if folder.exists():
                shutil.rmtree(folder)
            folder.mkdir(parents=True)
            _copy(folder, modules, tests)
        with log.open("a" if resume else "w", encoding="utf-8") as output:
            subprocess.run(
                [sys.executable, "-m", "mutmut", "run"],
                cwd=folder,
                env={**os.environ, "HYPOTHESIS_PROFILE": "mutation"},
                check=False,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
    elif not (folder / "mutants").is_dir():
        raise SystemExit(f"{name}: no kept run in {folder}")
    found = _statuses(folder)
    if run and found and all(status == "not checked" for status in found.values()):
        # mutmut runs the selected tests once, unmutated, before any mutant; if they fail
        # nothing is checked, and the reason is in its output.
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-25:]
        raise SystemExit(f"{name}: no mutant was checked; mutmut said:\n" + "\n".join(tail))
    equivalent = _equivalents()
    counts: Counter[str] = Counter()
    survivors = []
    for mutant, result in sorted(found.items()):
        status = "equivalent" if result == "survived" and mutant in equivalent else result
        source = _module_source(folder, mutant) if status == "survived" else ""
        if status == "survived" and message_only(source, mutant):
            status = "message"
        counts[status] += 1
        if status == "survived":
            survivors.append(f"{mutant}\n{mutant_diff(source, mutant)}")
        elif result == "killed" and mutant in equivalent:
            # A test kills it, so it is not equivalent: the entry's reason is wrong.
            survivors.append(
                f"{mutant}\nlisted as equivalent, but a test kills it: remove its entry"
            )
    if keep is None:
        shutil.rmtree(folder, ignore_errors=True)
    return counts, survivors


def main() -> None:
    """Run the chosen groups and print a table of counts and scores."""
    parser = argparse.ArgumentParser(description=__doc__)
    # Checked below, not by ``choices``: argparse checks an empty list against the choices
    # as one value, and refuses it.
    known = [*GROUPS, *ALIASES]
    parser.add_argument("groups", nargs="*", help=f"groups (default: all): {', '.join(known)}")
    parser.add_argument("--keep", type=Path, help="keep each group's run in DIR/GROUP")
    parser.add_argument("--json", action="store_true", help="end with one JSON object")
    parser.add_argument(
        "--report",
        action="store_true",
        help="with --keep: read the kept runs again (after editing the equivalents) instead "
        "of running mutmut; mutants a stopped run did not reach count as 'other'",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="with --keep: go on with stopped runs kept there, keeping their verdicts",
    )
    args = parser.parse_args()
    if (args.report or args.resume) and args.keep is None:
        parser.error("--report and --resume read the runs kept with --keep DIR")
    unknown = [name for name in args.groups if name not in known]
    if unknown:
        parser.error(f"unknown group(s) {', '.join(unknown)}; groups: {', '.join(known)}")
    table = {}
    named = args.groups or list(GROUPS)
    chosen = [part for name in named for part in ALIASES.get(name, [name])]
    for name in chosen or list(GROUPS):
        counts, survivors = run_group(name, args.keep, run=not args.report, resume=args.resume)
        for survivor in survivors:
            print(survivor, end="\n\n")
        caught = counts["killed"] + counts["timeout"] + counts["message"]
        judged = caught + counts["survived"]
        score = caught / judged if judged else 0.0
        table[name] = {**counts, "score": round(score, 4)}
        print(
            f"{name}: killed {counts['killed']}, message only {counts['message']}, survived "
            f"{counts['survived']}, timeout {counts['timeout']}, equivalent "
            f"{counts['equivalent']}, other {sum(counts.values()) - judged - counts['equivalent']}"
            f"; score {score:.1%}",
            flush=True,
        )
    if args.json:
        print(json.dumps(table))


if __name__ == "__main__":
    main()
