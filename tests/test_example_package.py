"""The "Adding a local rule" example installs as a package and works through the library.

``examples/district-report`` is installed for real (pip builds its wheel and installs it into
a folder of its own), then its own tests run, and the command line finds its rule (P-1).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "district-report"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a Python that has the example installed beside the library."""
    target = tmp_path_factory.mktemp("site")
    done = subprocess.run(  # noqa: S603 - pip of this interpreter, on the repository's folder
        [
            *(sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"),
            *("--no-deps", "--no-build-isolation", "--target", str(target), str(EXAMPLE)),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (target / "district_report" / "__init__.py").is_file()
    return {**os.environ, "PYTHONPATH": str(target), "COMMUNITY_GOVERNANCE_LANG": "en"}


def _run(env: dict[str, str], *argv: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - this interpreter, with the tests' own arguments
        [sys.executable, *argv], capture_output=True, text=True, check=False, env=env, cwd=cwd
    )


def test_the_example_passes_its_own_tests_once_installed(installed: dict[str, str]) -> None:
    """P-1: the package's own tests pass against the installed package."""
    done = _run(installed, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(EXAMPLE / "tests"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert " passed" in done.stdout


def test_the_installed_rule_is_listed_and_explained_at_the_shell(
    installed: dict[str, str], tmp_path: Path
) -> None:
    """P-1: ``rules`` lists DR-1; ``explain --history`` gives its decision under the score."""
    listed = _run(installed, "-m", "community_governance", "rules")
    assert listed.returncode == 0, listed.stderr
    assert "DR-1   A member unit whose final score is below the threshold" in listed.stdout
    assert "implemented by: district_report.report_to_district" in listed.stdout
    for quarter in ("2026Q2", "2026Q3"):
        made = _run(
            installed,
            *("-m", "community_governance", "demo", "--quarter", quarter, "--export", quarter),
            cwd=tmp_path,
        )
        assert made.returncode == 0, made.stderr
    explained = _run(
        installed,
        *("-m", "community_governance", "explain", "2026Q3/result.json", "market"),
        *("--history", "2026Q2/result.json", "--lang", "zh"),
        cwd=tmp_path,
    )
    assert explained.returncode == 0, explained.stderr
    assert "结论: market 报区里" in explained.stdout
    assert "local.district_report.threshold = 60 (DR-1, 生效于 2021-01-21)" in explained.stdout
    without = _run(
        {k: v for k, v in installed.items() if k != "PYTHONPATH"},
        *("-m", "community_governance", "explain", "2026Q3/result.json", "market"),
        *("--history", "2026Q2/result.json"),
        cwd=tmp_path,
    )
    assert without.returncode == 0, without.stderr
    assert "DR-1" not in without.stdout


def test_the_example_touches_nothing_of_the_library() -> None:
    """P-1: the example imports the library's public names only, and lives outside src/."""
    source = (EXAMPLE / "src" / "district_report" / "__init__.py").read_text(encoding="utf-8")
    assert "community_governance._" not in source
    assert not (ROOT / "src" / "district_report").exists()
