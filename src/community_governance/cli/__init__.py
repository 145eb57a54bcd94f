"""The ``community-governance`` command line (adapter; needs the ``[cli]`` extra).

Exit codes: 0 success (help included: ``-h``, ``--help``, or a bare group such as
``community-governance policy``, which prints its commands); 1 a rule outcome the caller
asked to fail on; 2 bad input (a missing or invalid file, an unknown option); 130
interrupted (Ctrl-C). Bad input prints one line naming the file, the field and the
rule, never a traceback; a table with several bad rows prints one such line per row.
"""

from __future__ import annotations

import os
import sys

from community_governance.errors import GovernanceError
from community_governance.vocabulary import Lang

_MISSING: ModuleNotFoundError | None = None
try:
    import click
except ModuleNotFoundError as error:  # pragma: no cover - exercised only without the extra
    _MISSING = error

__all__ = ["EXIT_BAD_INPUT", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_OUTCOME", "main"]

EXIT_OK = 0
EXIT_OUTCOME = 1
EXIT_BAD_INPUT = 2
#: The shell's code for a run stopped by Ctrl-C (128 + SIGINT).
EXIT_INTERRUPTED = 130


def default_lang() -> Lang:
    """``zh`` when the locale is Chinese (``LANG=zh_CN.UTF-8``), else ``en``."""
    for variable in ("COMMUNITY_GOVERNANCE_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    if _MISSING is not None:  # pragma: no cover - exercised only without the extra
        print(
            "community-governance: the command line needs the [cli] extra: "
            "pip install '.[cli]' in a clone, or 'community-governance[cli]' from an index",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    from community_governance.cli.app import cli
    from community_governance.cli.progress import showing_progress

    try:
        # Without standalone mode click returns the code of an early exit (--help, Exit(n)).
        with showing_progress():
            code = cli.main(args=argv, prog_name="community-governance", standalone_mode=False)
    except (
        GovernanceError,
        click.ClickException,
        click.exceptions.Exit,
        click.exceptions.Abort,
        KeyboardInterrupt,
    ) as stopped:
        return _stopped(stopped)
    return code if isinstance(code, int) else EXIT_OK


def _stopped(stopped: BaseException) -> int:
    """The exit code of a run that stopped early, its one line written where it belongs."""
    if isinstance(stopped, GovernanceError):
        # A table's errors are one per row, each a line of its own.
        for line in str(stopped).splitlines():
            print(f"community-governance: error: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if isinstance(stopped, click.exceptions.Exit):
        return int(stopped.exit_code)
    if isinstance(stopped, click.exceptions.NoArgsIsHelpError):
        # A bare group asks what it can do: its help, as with -h.
        print(stopped.ctx.get_help())
        return EXIT_OK
    if isinstance(stopped, KeyboardInterrupt) or isinstance(stopped.__cause__, KeyboardInterrupt):
        print("community-governance: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    if isinstance(stopped, click.ClickException):
        print(f"community-governance: error: {stopped.format_message()}", file=sys.stderr)
        return EXIT_BAD_INPUT if stopped.exit_code == EXIT_BAD_INPUT else stopped.exit_code
    print("community-governance: aborted", file=sys.stderr)
    return EXIT_BAD_INPUT
