"""Where a warning points: at the caller's line, never inside the library."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import community_governance

LIBRARY = Path(community_governance.__file__).resolve().parent


def assert_points_at(warning: warnings.WarningMessage, path: str) -> None:
    """``warning`` names the line in ``path`` that called the library.

    Under mutmut a trampoline frame sits between a test and each mutated function, so there
    the check is only that the warning points outside the library.
    """
    where = Path(warning.filename).resolve()
    assert LIBRARY not in where.parents, where
    if "MUTANT_UNDER_TEST" not in os.environ:
        assert where == Path(path).resolve()
