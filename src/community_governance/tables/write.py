"""Tables written for people: CSV that Excel opens in Chinese, workbooks with drop-down lists.

Rules: E-1..E-4, C-3 (the tables of ``kinds``).

A workbook's drop-down lists (answer levels, dimensions' kinds, unit ids) are kept on a
hidden sheet and referred to by range, so that a list of any length works (Excel caps a
list written inside the rule at 255 characters). No cell written can run: see ``cells``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any, Literal

from community_governance.extras import require
from community_governance.tables.cells import as_text_cells, neutralised
from community_governance.tables.kinds import TableKind

__all__ = ["Sheet", "write_table", "write_workbook"]

#: A table to write: its kind, and its rows by column code.
Sheet = tuple[TableKind, Sequence[Mapping[str, str | None]]]

#: The hidden sheet holding the drop-down lists.
LISTS_SHEET = "lists"


def _header(kind: TableKind, lang: str) -> list[str]:
    return [column.label(lang) for column in kind.columns]


def _values(kind: TableKind, row: Mapping[str, str | None]) -> list[str]:
    return [row.get(column.code) or "" for column in kind.columns]


def _csv_values(kind: TableKind, row: Mapping[str, str | None]) -> list[str]:
    return [neutralised(value) for value in _values(kind, row)]


def write_table(
    kind: TableKind,
    rows: Sequence[Mapping[str, str | None]],
    fmt: Literal["csv", "xlsx"],
    *,
    lang: str = "en",
    excel: bool = False,
    choices: Mapping[str, Sequence[str]] | None = None,
) -> bytes:
    """One table as CSV (UTF-8; with a BOM when ``excel``) or as a one-sheet workbook.

    ``lang`` picks the headers (``zh``: Chinese; else the codes); ``choices`` gives
    drop-down lists by column code (workbooks only).
    """
    if fmt == "xlsx":
        return write_workbook([(kind, rows)], lang=lang, choices=choices)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_header(kind, lang))
    writer.writerows(_csv_values(kind, row) for row in rows)
    text = out.getvalue()
    return (("\ufeff" + text) if excel else text).encode()


def write_workbook(
    sheets: Sequence[Sheet],
    *,
    lang: str = "en",
    choices: Mapping[str, Sequence[str]] | None = None,
    numbers: Mapping[str, tuple[Fraction, Fraction, int]] | None = None,
) -> bytes:
    """Several tables as the sheets of one workbook (sheet names: the tables' names).

    ``choices`` gives drop-down lists by column code; ``numbers`` a decimal range and
    places (a score's scale) by column code.
    """
    openpyxl: Any = require(
        "openpyxl",
        needed_for=("writing Excel workbooks", "写出 Excel 工作簿"),
        field="xlsx",
        rule="E-1",
    )
    get_column_letter = openpyxl.utils.get_column_letter
    DataValidation = openpyxl.worksheet.datavalidation.DataValidation  # noqa: N806 - a class
    book = openpyxl.Workbook()
    book.remove(book.worksheets[0])
    lists = None
    places: dict[str, str] = {}
    for code, values in (choices or {}).items():
        if lists is None:
            lists = book.create_sheet(LISTS_SHEET)
            lists.sheet_state = "hidden"
        at = get_column_letter(len(places) + 1)
        lists[f"{at}1"] = code
        for index, value in enumerate(values, start=2):
            lists[f"{at}{index}"] = value
        as_text_cells(lists[at])
        places[code] = f"{LISTS_SHEET}!${at}$2:${at}${len(values) + 1}"
    for kind, rows in sheets:
        sheet = book.create_sheet(
            kind.zh if lang == "zh" else kind.name, index=len(book.sheetnames) - (lists is not None)
        )
        sheet.append(_header(kind, lang))
        for row in rows:
            sheet.append(_values(kind, row))
            as_text_cells(sheet[sheet.max_row])
        for index, column in enumerate(kind.columns, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = max(12, 2 * len(column.label(lang)) + 2)
            if column.code in places:
                rule = DataValidation(
                    type="list", formula1=places[column.code], allow_blank=not column.required
                )
                rule.error = f"{column.zh} / {column.en}: choose a value from the list"
                rule.errorTitle = column.zh
                sheet.add_data_validation(rule)
                rule.add(f"{letter}2:{letter}10000")
            if numbers and column.code in numbers:
                low, high, digits = numbers[column.code]
                rule = DataValidation(
                    type="decimal",
                    operator="between",
                    formula1=str(float(low)),
                    formula2=str(float(high)),
                    allow_blank=True,
                )
                rule.error = (
                    f"{column.zh}：{low}–{high}，至多 {digits} 位小数 / "
                    f"{column.en}: {low} to {high}, at most {digits} decimal places"
                )
                sheet.add_data_validation(rule)
                rule.add(f"{letter}2:{letter}10000")
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
