"""Help where a person asks for it, and Ctrl-C told apart from bad input (all rules)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest

from community_governance.cli import EXIT_INTERRUPTED, main
from community_governance.cli.app import cli

GROUPS = sorted(name for name, command in cli.commands.items() if isinstance(command, click.Group))


@pytest.mark.parametrize("group", GROUPS)
def test_a_bare_group_prints_its_commands(group: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A group given no command shows its help and exits 0, as -h does."""
    assert main([group]) == 0
    bare = capsys.readouterr().out
    assert main([group, "-h"]) == 0
    assert capsys.readouterr().out == bare
    for name in cli.commands[group].commands:  # type: ignore[attr-defined]
        assert name in bare


def test_dash_h_is_help_everywhere(capsys: pytest.CaptureFixture[str]) -> None:
    """-h and --help print the same help, at the top and on a command."""
    for words in (["-h"], ["evaluate", "-h"], ["city", "evaluate", "-h"]):
        assert main(words) == 0
        short = capsys.readouterr().out
        assert main([*words[:-1], "--help"]) == 0
        assert capsys.readouterr().out == short
        assert short.startswith("Usage:")


def test_ctrl_c_exits_130_in_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C during a command: exit 130 (not 2, which is bad input), one line, no traceback."""

    def interrupted(*_: Any, **__: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr("community_governance.province.run.evaluate_province", interrupted)
    code = main(["city", "evaluate", str(tmp_path), "--out", str(tmp_path / "out")])
    assert code == EXIT_INTERRUPTED == 130
    assert capsys.readouterr().err.strip() == "community-governance: interrupted"


def _commands(
    command: click.Command, path: tuple[str, ...] = ()
) -> Iterator[tuple[str, click.Command]]:
    yield " ".join(path) or "community-governance", command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _commands(sub, (*path, name))


def test_every_command_and_option_says_what_it_is_for() -> None:
    """CLI: no command and no option without help text (shown by -h)."""
    missing = [
        f"{name} {' / '.join(option.opts)}"
        for name, command in _commands(cli)
        for option in command.params
        if isinstance(option, click.Option) and not option.hidden and not option.help
    ]
    assert missing == []
    assert [name for name, command in _commands(cli) if not command.help] == []


def test_shell_completion_is_there_as_documented(tmp_path: Path) -> None:
    """CLI: click's completion script and completions, from a real process."""
    command = [sys.executable, "-m", "community_governance"]
    script = subprocess.run(  # noqa: S603 - our own interpreter and module
        command,
        env={**os.environ, "_COMMUNITY_GOVERNANCE_COMPLETE": "bash_source"},
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout
    assert "_community_governance_completion()" in script
    words = subprocess.run(  # noqa: S603 - our own interpreter and module
        command,
        env={
            **os.environ,
            "_COMMUNITY_GOVERNANCE_COMPLETE": "bash_complete",
            "COMP_WORDS": "community-governance template r",
            "COMP_CWORD": "2",
        },
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout
    assert words.split() == ["plain,ratings"]
