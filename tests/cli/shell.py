"""Running the command line in-process, as the shell would (all rules)."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from community_governance.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the command line in-process; return exit code, stdout and stderr."""
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


#: The bounds every hostile file must be refused within: address space and seconds.
LIMIT_KIB = 500 * 1024
SECONDS = 10


def bounded(*argv: str) -> subprocess.CompletedProcess[str]:
    """The command line run in a shell under ``ulimit -v LIMIT_KIB`` and ``timeout SECONDS``.

    What an operator's shell would do, measured: a command that runs out of memory or time
    fails here rather than being waited on.
    """
    command = shutil.which("community-governance") or f"{sys.executable} -m community_governance"
    words = " ".join(shlex.quote(a) for a in argv)
    script = f"ulimit -v {LIMIT_KIB}; exec timeout {SECONDS} {command} {words}"
    bash = shutil.which("bash") or "/bin/bash"
    return subprocess.run(  # noqa: S603 - bash running the project's own command
        [bash, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )


def province_refused(capsys: pytest.CaptureFixture[str], directory: Path, out: Path) -> str:
    """``city evaluate DIRECTORY --out OUT`` refused: exit 2, its one line, no output folder."""
    code = main(["city", "evaluate", str(directory), "--out", str(out), "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert not out.exists()
    return lines[0]
