"""Every code block in README.md and docs/ runs, and shown output is the real output.

Block kinds:

* ``python``: executed in order, one namespace per page, in a temporary folder.
  A ``text`` block right after a ``python`` block is its expected standard output.
* ``bash``: each ``community-governance ...`` line runs through the command line
  and must exit 0 (or the code a trailing ``# exit N`` names); an ``openssl ...``
  line (an office making its SM2 key) runs the openssl command and must exit 0.
  ``pip install`` and ``python -m pytest`` lines are what ``.ci/run`` itself runs on
  a fresh machine; no other line is allowed.
* ``toml``: a policy document (``[policy]`` first) must load; any other TOML
  must parse.
* ``json``: must parse.

A page whose examples use ``LEDGER_POSTGRES`` (the PostgreSQL ledger's connection string)
gets the test session's real PostgreSQL server in it.

A block of any other kind fails the test, so nothing is skipped silently.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shlex
import subprocess
import sys
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from community_governance.cli import main
from community_governance.policy import read_policy_text

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


def blocks(page: Path) -> list[tuple[str, str, int]]:
    """The fenced blocks of a page: (kind, body, end offset)."""
    text = page.read_text(encoding="utf-8")
    return [(m.group(1), m.group(2), m.end()) for m in FENCE.finditer(text)]


def _commands(body: str) -> list[str]:
    """The commands of a bash block, with ``a && b`` split into its parts."""
    return [
        part.strip()
        for line in body.splitlines()
        if line.strip() and not line.strip().startswith("#")
        for part in line.split("&&")
    ]


def _run_bash(body: str, page: Path) -> None:
    for command in _commands(body):
        if command.startswith(("pip install", "python -m pytest")):
            # Installing and testing are run for real: the library by .ci/run in a fresh
            # environment, the example package by tests/test_example_package.py.
            assert page.name in {"README.md", "getting-started.md", "local-rules.md"}, command
            continue
        if command.startswith("openssl "):
            # The office's key is made with OpenSSL, as the page tells offices to make it.
            words = shlex.split(command)
            done = subprocess.run(words, capture_output=True, check=False, timeout=60)  # noqa: S603
            assert done.returncode == 0, (command, done.stderr)
            continue
        marker = re.search(r"#\s*exit\s+(\d+)\s*$", command)
        expected = int(marker.group(1)) if marker else 0
        words = shlex.split(command[: marker.start()] if marker else command)
        if words[0] == "python":
            # A standalone script a page hands to residents, run by plain Python.
            done = subprocess.run(  # noqa: S603 - the test's own interpreter
                [sys.executable, "-I", *words[1:]], capture_output=True, check=False, timeout=60
            )
            assert done.returncode == expected, (command, done.stdout, done.stderr)
            continue
        assert words[0] == "community-governance", f"{page.name}: cannot run {command!r}"
        assert main(words[1:]) == expected, command


def _included(body: str) -> str:
    """A block that only includes a file (``--8<-- "path"``, as the site shows it): the file."""
    included = re.fullmatch(r'--8<-- "([^"]+)"\s*', body)
    return (ROOT / included.group(1)).read_text(encoding="utf-8") if included else body


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_code_block_runs(
    page: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    request: pytest.FixtureRequest,
) -> None:
    """README and docs code blocks execute, and printed output matches the page."""
    monkeypatch.chdir(tmp_path)
    if "LEDGER_POSTGRES" in page.read_text(encoding="utf-8"):
        # A page's PostgreSQL examples read the server from the environment, as they
        # should in practice (no credentials in code): give them the session's server.
        monkeypatch.setenv("LEDGER_POSTGRES", request.getfixturevalue("postgresql_server"))
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    found = blocks(page)
    previous_output: str | None = None
    for index, (kind, body, _) in enumerate(found):
        where = f"{page.name} block {index + 1}"
        if kind == "python":
            buffer = io.StringIO()
            with contextlib.redirect_stdout(buffer):
                exec(compile(_included(body), where, "exec"), namespace)  # noqa: S102 - docs are our own code
            previous_output = buffer.getvalue()
            continue
        if kind == "text":
            assert previous_output is not None, f"{where}: output block without code before it"
            shown = [line.rstrip() for line in body.rstrip("\n").splitlines()]
            real = [line.rstrip() for line in previous_output.rstrip("\n").splitlines()]
            assert real == shown, where
        elif kind == "bash":
            _run_bash(body, page)
            capsys.readouterr()
        elif kind == "toml":
            if body.lstrip().startswith("[policy]"):
                read_policy_text(body, source=where)
            else:
                tomllib.loads(body, parse_float=Decimal)
        elif kind == "json":
            json.loads(body)
        else:
            pytest.fail(f"{where}: a ```{kind} block cannot be checked; use python/bash/toml/json")
        previous_output = None


def test_the_quick_start_is_two_one_line_commands() -> None:
    """README: '## Quick start' holds one bash block of exactly two commands, as CI runs them."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    found = FENCE.findall(section)
    assert [kind for kind, _ in found] == ["bash"]
    lines = [line for line in found[0][1].splitlines() if line.strip()]
    assert len(lines) == 2
    install, run = (line.split(" && ") for line in lines)
    assert install[0].startswith("pip install ")
    assert install[1].startswith("community-governance ")
    assert run[0].startswith("pip install ")
    assert run[1].startswith("python -m pytest")
