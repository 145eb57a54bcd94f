"""Cells a spreadsheet cannot run (E-1..E-6: every table written for people).

An id or a name comes from a file someone else wrote. Written as it is, ``=HYPERLINK(…)``
would be a formula in the workbook a street office opens, and a CSV cell beginning with
``=``, ``+``, ``-``, ``@``, a TAB or a CR is read as one by Excel and WPS. So, as OWASP
recommends for CSV injection:

* in CSV, a text cell beginning with one of those characters is written with a single
  quote before it (``'=HYPERLINK(…)``), unless it is a plain number such as ``-5`` or
  ``+1.25``; the readers of this library take that one quote off again, so a file it wrote
  reads back as written;
* in a workbook, every id and name is a text cell, whatever it begins with: a text cell is
  never evaluated, and it keeps its characters exactly.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["TRIGGERS", "as_text_cells", "neutralised", "restored"]

#: The first characters that make a spreadsheet read a cell as a formula.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

#: A plain number, which a spreadsheet reads as a number and never runs.
_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


def neutralised(text: str) -> str:
    """``text`` as a CSV cell a spreadsheet shows and never runs."""
    if text.startswith(TRIGGERS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def restored(text: str) -> str:
    """A CSV cell read back: the quote ``neutralised`` put before a trigger taken off."""
    if text.startswith("'") and text[1:].startswith(TRIGGERS) and not _NUMBER.fullmatch(text[1:]):
        return text[1:]
    return text


def as_text_cells(cells: Any) -> None:
    """Make every string cell of a written workbook row a text cell, formula-like or not.

    openpyxl takes a string beginning with ``=`` for a formula; the cell's type is set back
    to text, which a spreadsheet shows and never evaluates.
    """
    for cell in cells:
        if cell.data_type == "f":
            cell.data_type = "s"
