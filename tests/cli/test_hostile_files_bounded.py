"""Every hostile file of the other kinds is refused within 10 s and 500 MiB (E-1, E-4, P-1).

Workbooks and province datasets have their own bounded tests; here are the policy files,
JSON documents, CSV tables and ledger exports that once hung, ran out of memory or took
tens of seconds. Each is run as an operator runs it, in a shell under ``ulimit -v`` and
``timeout``: exit 2, one line naming the file, nothing on standard output.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from community_governance.community import MAX_NAME
from tests.cli.hostile_policies import HEAD, POLICY_CASES
from tests.cli.shell import bounded


def _policy(case: str) -> Callable[[Path], list[str]]:
    def make(folder: Path) -> list[str]:
        body, _ = POLICY_CASES[case]
        path = folder / "bounded.toml"
        path.write_text(HEAD.format(id="b", parent="xiamen-127") + body, encoding="utf-8")
        return ["policy", "validate", str(path)]

    return make


def _frame_json(text: str) -> Callable[[Path], list[str]]:
    def make(folder: Path) -> list[str]:
        path = folder / "frame.json"
        path.write_text(text, encoding="utf-8")
        return ["sample", "draw", str(path), "--seed", "1", "--seed-source", "dice"]

    return make


def _long_unit_name(exported: Path, folder: Path) -> list[str]:
    """The demo's units table with one name of 100,000 characters."""
    lines = (exported / "csv" / "units.csv").read_text(encoding="utf-8-sig").splitlines()
    header, first, *rest = lines
    cells = first.split(",")
    cells[header.split(",").index("name")] = "名" * 100_000
    for name in ("ratings.csv", "survey.csv", "projects.csv", "certificate.json"):
        (folder / name).write_bytes((exported / "csv" / name).read_bytes())
    (folder / "units.csv").write_text("\n".join([header, ",".join(cells), *rest]) + "\n")
    return ["evaluate", str(folder / "ratings.csv"), str(folder / "survey.csv")]


def _deep_export(folder: Path) -> list[str]:
    path = folder / "export.jsonl"
    path.write_text('{"seq": ' + "[" * 200_000 + "]" * 200_000 + "}\n", encoding="utf-8")
    return ["ledger", "import", str(folder / "new.db"), str(path)]


FILES: dict[str, tuple[Callable[..., list[str]], str]] = {
    **{f"a policy: {case}": (_policy(case), words) for case, (_, words) in POLICY_CASES.items()},
    "a JSON frame nested 200,000 deep": (
        _frame_json("[" * 200_000 + "]" * 200_000),
        "nested too deeply",
    ),
    "a JSON frame with a number of a million digits": (
        _frame_json('{"document": "frame", "households": [' + "9" * 1_000_000 + "]}"),
        "number out of range",
    ),
    "a ledger export nested 200,000 deep": (_deep_export, "line 1 is nested too deeply"),
}


@pytest.mark.parametrize("case", sorted(FILES))
def test_a_hostile_file_is_refused_in_bounded_time_and_memory(case: str, tmp_path: Path) -> None:
    """Exit 2, one line naming the file, within 10 s and 500 MiB."""
    make, words = FILES[case]
    argv = make(tmp_path)
    done = bounded(*argv)
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr[-2000:]
    assert words in lines[0]
    assert str(tmp_path) in lines[0]


def test_a_unit_name_of_100_000_characters_is_refused_in_bounded_time(
    exported: Path, tmp_path: Path
) -> None:
    """E-1: refused at its bound (a policy-free constant), naming the file, in a second."""
    done = bounded(*_long_unit_name(exported, tmp_path))
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr[-2000:]
    assert "units.csv:row 2, name" in lines[0]
    assert "名" * 50 not in lines[0]
    assert MAX_NAME < 10_000  # the table's cell bound comes first; the name's is tighter


def test_the_stdlib_verifier_refuses_a_deep_export_in_bounded_time(tmp_path: Path) -> None:
    """The record: the standard-library verifier says the same of the same line, exit 2."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    _deep_export(tmp_path)
    done = subprocess.run(  # noqa: S603 - the project's own verifier
        [
            sys.executable,
            "-m",
            "community_governance.ledger.verify",
            str(tmp_path / "export.jsonl"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip().endswith("line 1 is nested too deeply to be a ledger record")
