"""The ``community-governance`` command line (adapter; needs the ``[cli]`` extra).

Exit codes: 0 success; 1 a rule outcome the caller asked to fail on; 2 bad
input (a missing or invalid file, an unknown option). Bad input prints one
line naming the file, the field and the rule, never a traceback.
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

__all__ = ["EXIT_BAD_INPUT", "EXIT_OK", "EXIT_OUTCOME", "main"]

EXIT_OK = 0
EXIT_OUTCOME = 1
EXIT_BAD_INPUT = 2


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

    try:
        # Without standalone mode click returns the code of an early exit (--help, Exit(n)).
        code = cli.main(args=argv, prog_name="community-governance", standalone_mode=False)
    except GovernanceError as error:
        print(f"community-governance: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except click.exceptions.Exit as done:
        return int(done.exit_code)
    except click.ClickException as error:
        print(f"community-governance: error: {error.format_message()}", file=sys.stderr)
        return EXIT_BAD_INPUT if error.exit_code == EXIT_BAD_INPUT else error.exit_code
    except click.exceptions.Abort:
        print("community-governance: aborted", file=sys.stderr)
        return EXIT_BAD_INPUT
    return code if isinstance(code, int) else EXIT_OK
