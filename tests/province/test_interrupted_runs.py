"""A province run stopped part-way leaves no temporary output behind (E-1).

Real processes: ``community-governance city evaluate`` runs in a child process and is sent
SIGTERM, or killed with SIGKILL, once its temporary folder exists.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from community_governance.province.generate import generate_province


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A province large enough that a run takes a few seconds."""
    directory = tmp_path_factory.mktemp("province") / "data"
    generate_province(directory, communities=240, seed="interrupted", group_size=20)
    return directory


def _start(province: Path, out: Path) -> subprocess.Popen[str]:
    code = "from community_governance.cli import main; raise SystemExit(main())"
    return subprocess.Popen(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-c", code, "city", "evaluate", str(province), "--out", str(out),
         "--no-progress"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


def _partials(out: Path) -> list[Path]:
    return sorted(out.parent.glob(f".{out.name}.partial-*"))


def _when_staging(run: subprocess.Popen[str], out: Path) -> None:
    deadline = time.monotonic() + 60
    while not _partials(out):
        assert run.poll() is None, run.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_sigterm_removes_the_temporary_folder(province: Path, tmp_path: Path) -> None:
    """E-1: SIGTERM stops the run as Ctrl-C does: one line, no output, no temporary folder."""
    out = tmp_path / "out"
    run = _start(province, out)
    _when_staging(run, out)
    run.send_signal(signal.SIGTERM)
    _, err = run.communicate(timeout=60)
    assert run.returncode not in {0, -signal.SIGTERM}, err
    assert err.strip().splitlines() == ["community-governance: interrupted"]
    assert _partials(out) == []
    assert not out.exists()


def test_a_killed_run_s_folder_is_removed_by_the_next_run(province: Path, tmp_path: Path) -> None:
    """E-1: SIGKILL cannot be caught; the next run into the same place removes what it left."""
    out = tmp_path / "out"
    run = _start(province, out)
    _when_staging(run, out)
    os.kill(run.pid, signal.SIGKILL)
    run.communicate(timeout=60)
    left = _partials(out)
    assert len(left) == 1
    rerun = _start(province, out)
    _, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert _partials(out) == []
    assert (out / "certificate.json").is_file()
