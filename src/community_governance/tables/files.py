"""Tables from files by kind, and the files that go with them (E-1..E-4, C-3).

A workbook may hold several tables, one per sheet, each sheet named by its table's code
or Chinese name (``ratings`` or ``自评互评``); a workbook of one sheet holds the table it
is read as. A table that goes with another (the member units of a ratings table, the
projects of a survey's answers) is looked for in the same workbook, then beside the file
as ``units.csv``/``units.xlsx`` (the same extension first).
"""

from __future__ import annotations

from pathlib import Path

from community_governance.errors import ParseError
from community_governance.tables.kinds import TABLES
from community_governance.tables.read import Table, read_table, sheet_for, sheet_names
from community_governance.tables.text import Encoding, read_path

__all__ = ["companion", "is_json", "load_table"]


def is_json(data: bytes) -> bool:
    """Whether ``data`` is a JSON document (an object) rather than a table.

    A table may be JSON too: an array of row objects.
    """
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1] == b"{"


def load_table(
    path: str, kind: str, *, encoding: Encoding = "auto", data: bytes | None = None
) -> Table:
    """The ``kind`` table (see ``TABLES``) in the file at ``path`` (``-``: standard input)."""
    table_kind = TABLES[kind]
    if data is None:
        data, path = read_path(path, rule=table_kind.rule)
    sheet = None
    if data.startswith(b"PK\x03\x04"):
        sheet = sheet_for(data, table_kind.sheet_names(), source=path, rule=table_kind.rule)
        if sheet is None:
            raise ParseError(
                f"the workbook has no sheet {table_kind.name} ({table_kind.zh}); "
                f"sheets: {', '.join(sheet_names(data))}",
                field=path,
                rule=table_kind.rule,
                zh=(
                    f"工作簿中没有工作表 {table_kind.name}（{table_kind.zh}）；"
                    f"现有工作表：{', '.join(sheet_names(data))}"
                ),
            )
    return read_table(
        data,
        table_kind.columns,
        source=path,
        rule=table_kind.rule,
        encoding=encoding,
        sheet=sheet,
    )


def companion(path: str, kind: str) -> str:
    """The file holding the ``kind`` table that goes with the table at ``path``.

    Raises:
        ParseError: there is none; the message names the places looked at.
    """
    table_kind = TABLES[kind]
    here = Path(path)
    if path != "-" and here.suffix.lower() == ".xlsx" and here.is_file():
        data = here.read_bytes()
        rule = table_kind.rule
        sheets = [s for s in sheet_names(data, source=path, rule=rule) if s != "lists"]
        picked = sheet_for(data, table_kind.sheet_names(), source=path, rule=rule)
        if len(sheets) > 1 and picked is not None:
            return path
    folder = Path() if path == "-" else here.parent
    suffixes = [here.suffix.lower()] if here.suffix.lower() in (".csv", ".xlsx") else []
    suffixes += [s for s in (".csv", ".xlsx") if s not in suffixes]
    for name in table_kind.sheet_names():
        for suffix in suffixes:
            beside = folder / f"{name}{suffix}"
            if beside.is_file():
                return str(beside)
    raise ParseError(
        f"no {table_kind.name} ({table_kind.zh}) table goes with it: give it as an option, "
        f"as a sheet of the workbook, or as {folder / (table_kind.name + '.csv')}",
        field=path,
        rule=table_kind.rule,
        zh=(
            f"没有与之配套的 {table_kind.name}（{table_kind.zh}）表：请用选项给出，"
            f"或作为工作簿中的工作表，或放在 {folder / (table_kind.name + '.csv')}"
        ),
    )
