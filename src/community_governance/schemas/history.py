"""A community's history read from quarter-result files (E-1; adapter).

Each file is a quarter-result document, in the current format or the earlier one, UTF-8
(with or without a byte-order mark) or GB18030; a file that is not one is refused naming
the file and the field.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from community_governance.evaluation.history import QuarterHistory
from community_governance.schemas.registry import load_document
from community_governance.tables.text import decode, read_path

__all__ = ["load_history"]


def load_history(paths: Iterable[str | Path]) -> QuarterHistory:
    """The history of the quarter results in ``paths`` (one community, one file a quarter).

    Raises:
        ParseError: a file cannot be read or is not a quarter-result document.
        EligibilityError: the files hold several communities, or one quarter twice.
    """
    results = []
    for path in paths:
        data, source = read_path(str(path), rule="E-1")
        text = decode(data, source, rule="E-1")
        results.append(load_document("quarter-result", text, source=source).to_domain())
    return QuarterHistory.of(results)
