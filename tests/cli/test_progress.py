"""Progress on a terminal for large files and frames, and none in pipes (all rules)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from community_governance.tables import text as reading
from community_governance.tables.text import READING, read_path


def test_a_large_file_is_read_in_chunks_reported_to_the_hook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """E-4: every byte is reported once, in order, and the bytes read are the file's."""
    path = tmp_path / "frame.csv"
    data = b"household\n" + b"".join(b"H%07d\n" % i for i in range(400_000))
    path.write_bytes(data)
    monkeypatch.setattr(reading, "LARGE_FILE", 1024)
    told: list[tuple[str, int]] = []
    done: list[int] = []

    def hook(name: str, size: int) -> object:
        told.append((name, size))
        return done.append

    token = READING.set(hook)  # type: ignore[arg-type]
    try:
        assert read_path(str(path), rule="E-4") == (data, str(path))
    finally:
        READING.reset(token)
    assert told == [(str(path), len(data))]
    assert sum(done) == len(data)
    assert len(done) == -(-len(data) // (1024 * 1024))


def test_small_files_and_no_hook_read_at_once(tmp_path: Path) -> None:
    """E-4: without a hook (a library call, a pipe) nothing is reported."""
    path = tmp_path / "f.csv"
    path.write_bytes(b"household\nH1\n")
    assert READING.get() is None
    assert read_path(str(path), rule="E-4")[0] == b"household\nH1\n"


SCRIPT = """
import sys
from community_governance.tables import text
from community_governance.cli.progress import showing_progress, working
text.LARGE_FILE = 1
with showing_progress():
    data, _ = text.read_path(sys.argv[1], rule="E-4")
with working("drawing", large=True):
    pass
print(len(data))
"""


def _on_a_terminal(argv: list[str]) -> tuple[str, str]:
    """Run ``argv`` with standard error on a pseudo-terminal; return stdout and the terminal."""
    main, child = pty.openpty()
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter
            argv, stdout=subprocess.PIPE, stderr=child, check=True, timeout=120
        )
    finally:
        os.close(child)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)
    return done.stdout.decode(), shown.decode(errors="replace")


def test_a_terminal_sees_a_progress_bar_and_a_pipe_does_not(tmp_path: Path) -> None:
    """CLI: the bar is drawn on a terminal's standard error; piped, nothing is added."""
    path = tmp_path / "frame.csv"
    path.write_bytes(b"household\n" + b"H1\n" * 2_000_000)
    argv = [sys.executable, "-c", SCRIPT, str(path)]
    out, terminal = _on_a_terminal(argv)
    assert out.strip() == str(path.stat().st_size)
    assert "reading" in terminal
    piped = subprocess.run(argv, capture_output=True, check=True, timeout=120)  # noqa: S603
    assert piped.stderr == b""
