"""Fixtures of the command-line tests: the demo quarter's files, written once (all rules)."""

from __future__ import annotations

from pathlib import Path

import pytest

from community_governance.cli import EXIT_OK, main


@pytest.fixture(scope="session")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``demo --export`` into a fresh folder, with the failing unit's case opened.

    Tests read these files; a test that changes one copies it first.
    """
    folder = tmp_path_factory.mktemp("demo") / "data"
    assert main(["demo", "--export", str(folder)]) == EXIT_OK
    case = ["case", "open", str(folder / "result.json"), "market", "--at", "2026-10-15"]
    assert main([*case, "--out", str(folder / "case.json")]) == EXIT_OK
    return folder
