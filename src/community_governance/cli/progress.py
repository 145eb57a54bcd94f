"""Progress at the shell for what takes more than about a second (all rules).

Large files (``LARGE_FILE`` bytes and more) show a bar of the bytes read, and a draw from a
large frame a spinner, on standard error and only when it is a terminal, so that piped
output and logs stay clean.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from community_governance.tables.text import READING

__all__ = ["LARGE_FRAME", "showing_progress", "working"]

#: A frame at least this large is drawn under a spinner.
LARGE_FRAME = 500_000


def _console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


@contextmanager
def showing_progress() -> Iterator[None]:
    """While inside, large files read by the command show a progress bar (on a terminal)."""
    if not sys.stderr.isatty():
        yield
        return
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    with Progress(
        "{task.description}",
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=_console(),
        transient=True,
    ) as progress:

        def hook(name: str, size: int) -> Callable[[int], None]:
            task = progress.add_task(f"读取 / reading {name}", total=size)
            return lambda done: progress.advance(task, done)

        token = READING.set(hook)
        try:
            yield
        finally:
            READING.reset(token)


def working(what: str, *, large: bool) -> Any:
    """A spinner saying ``what`` while a large job runs (on a terminal), else nothing."""
    if not large or not sys.stderr.isatty():
        return nullcontext()
    return _console().status(what, spinner="dots")
