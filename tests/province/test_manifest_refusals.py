"""A province's manifest is checked before any partition is read (E-1).

Each case edits a copy of a generated province's ``manifest.json`` as a hostile or careless
hand would, and runs ``city evaluate`` as an operator does: one line naming the manifest,
exit 2, and no output folder left behind.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from community_governance.cli import main
from community_governance.province.dataset import MANIFEST
from community_governance.province.generate import generate_province
from tests.cli.shell import province_refused


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated province of 6 communities in two partitions."""
    directory = tmp_path_factory.mktemp("province") / "data"
    generate_province(directory, communities=6, seed="manifest", group_size=3)
    return directory


def _twice(document: dict[str, Any]) -> None:
    document["partitions"].append(document["partitions"][0])


def _unknown_key(document: dict[str, Any]) -> None:
    document["partitons"] = document["partitions"]


def _group(name: str) -> Callable[[dict[str, Any]], None]:
    def edit(document: dict[str, Any]) -> None:
        document["partitions"][0]["group"] = name

    return edit


def _stray_file(document: dict[str, Any]) -> None:
    document["files"]["../outside/answers.parquet"] = "0" * 64


def _other_policy(document: dict[str, Any]) -> None:
    document["policy"]["sha256"] = "f" * 64


CASES: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "a partition listed twice": (_twice, "is listed twice"),
    "an unknown key": (_unknown_key, "unknown key(s) ['partitons']"),
    "a group climbing out": (_group("../../../../outside"), "is not a group name"),
    "a group with a slash": (_group("x/y"), "is not a group name"),
    "a group with a newline": (_group("a\nb"), "is not a group name"),
    "a file of no partition": (_stray_file, "belongs to no listed partition"),
    "another policy": (_other_policy, "was prepared under policy"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_bad_manifest_is_one_line_naming_it(
    case: str, small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-1: refused before any partition is read; nothing is written."""
    edit, words = CASES[case]
    copy = Path(shutil.copytree(small, tmp_path / "data"))
    document = json.loads((copy / MANIFEST).read_text(encoding="utf-8"))
    edit(document)
    (copy / MANIFEST).write_text(json.dumps(document), encoding="utf-8")
    line = province_refused(capsys, copy, tmp_path / "out")
    assert words in line
    assert str(copy / MANIFEST) in line
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_a_well_formed_manifest_still_evaluates(
    small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-1: the generated manifest passes every check, and the run writes its results."""
    out = tmp_path / "out"
    assert main(["city", "evaluate", str(small), "--out", str(out), "--no-progress"]) == 0
    assert (out / "certificate.json").is_file()
    capsys.readouterr()
