"""Rows for spreadsheets, as CSV or a workbook, in every command that lists rows (E-1..E-6).

One writer for every listing a command can give as ``--format csv`` or ``--format xlsx``
(a quarter's results, a meeting's tallies, cases' due actions, a policy's parameters, the
service catalogue), so they all read alike:

* exact fractions such as ``175/2``, which Excel reads as dates, are written as decimals of
  ten places at most (the exact values are in the JSON documents); a reported score keeps
  the places it was reported to;
* with ``--lang zh`` the headers and yes/no are Chinese; ids stay as written (``007``
  stays text in a workbook, never the number 7);
* ``--excel`` starts the CSV with a byte-order mark, so that Excel on a Chinese Windows
  reads it as UTF-8 rather than GBK; a workbook's numbers are number cells;
* no cell can run as a formula (``tables.cells``): text beginning with ``=``, ``+``, ``-``,
  ``@``, TAB or CR gets a leading ``'`` in CSV, and is a text cell in a workbook.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from community_governance.cli.options import format_option
from community_governance.cli.usage import UsageError
from community_governance.numbers import RoundingMode, round_exact
from community_governance.tables.cells import as_text_cells, neutralised
from community_governance.vocabulary import Lang

if TYPE_CHECKING:
    from community_governance.evaluation.quarter import QuarterResult

__all__ = [
    "COLUMNS",
    "emit",
    "listing_options",
    "result_csv",
    "result_rows",
    "rows_csv",
    "rows_xlsx",
    "write_result",
    "write_rows",
]

F = TypeVar("F", bound=Callable[..., Any])

#: A quarter's result columns, with their Chinese headers.
COLUMNS: dict[str, str] = {
    "rank": "名次",
    "unit": "成员单位",
    "self": "自评",
    "peer": "他评均分",
    "public": "民意测评均分",
    "final": "最终成绩",
    "grade": "等次",
    "peers": "参评单位数",
    "answers": "测评答卷数",
    "reweighted": "权重重新分配",
}


def listing_options(json_for: str = "programs", **more: str) -> Callable[[F], F]:
    """The output options of every command that lists rows: one set, read alike.

    ``--format table|json|csv|xlsx`` (and ``more``: a format and what it is for),
    ``--excel`` and ``--out``.
    """
    choices = ("table", "json", "csv", "xlsx", *more)
    uses = [f"json for {json_for}", "csv or xlsx for spreadsheets"]
    helped = ", ".join(["table for people", *uses, *(f"{k} for {v}" for k, v in more.items())])

    def decorate(function: F) -> F:
        return format_option(choices, helped + ".")(_sheet_options(function))

    return decorate


def _sheet_options(function: F) -> F:
    function = click.option(
        "--out",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Write to this file (replacing it) instead of standard output (needed for xlsx).",
    )(function)
    return click.option(
        "--excel",
        is_flag=True,
        help="With --format csv: start with a byte-order mark, so Excel reads Chinese as UTF-8.",
    )(function)


def emit(content: str | bytes, out: Path | None, *, binary: bool = False) -> None:
    """``content`` to ``out``, or to standard output (a workbook only to a file)."""
    if out is not None:
        from community_governance.folders import write_file

        write_file(out, content.encode() if isinstance(content, str) else content)
    elif binary:
        raise UsageError(
            "a workbook is written to a file: give --out FILE.xlsx",
            zh="工作簿须写入文件：请给出 --out FILE.xlsx",
        )
    else:
        click.echo(content, nl=False)


def _decimal(value: Fraction) -> str:
    """A fraction as decimal text a spreadsheet reads as a number (at most ten places)."""
    return format(round_exact(value, 10, RoundingMode.HALF_EVEN).normalize(), "f")


def _text(value: object, lang: Lang) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("true" if value else "false")
    if isinstance(value, Fraction):
        return _decimal(value)
    return str(value)


def _csv_text(value: object, lang: Lang) -> str:
    """A value as a CSV cell: text that could run as a formula is neutralised."""
    return neutralised(value) if isinstance(value, str) else _text(value, lang)


def _cell(value: object, lang: Lang) -> object:
    """A value as a workbook cell: numbers as numbers, text (ids above all) as text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return _text(value, lang)
    if isinstance(value, int):
        return value
    if isinstance(value, Fraction | Decimal):
        # Excel keeps doubles: the double of the decimal shown in the CSV.
        shown = Decimal(_text(value, lang))
        whole = isinstance(value, Fraction) and value.denominator == 1
        return int(shown) if whole else float(shown)
    return str(value)


def _header(columns: Mapping[str, str], lang: Lang) -> list[str]:
    return list(columns.values()) if lang == "zh" else list(columns)


def rows_csv(
    columns: Mapping[str, str],
    rows: Sequence[Mapping[str, object]],
    lang: Lang,
    *,
    excel: bool = False,
) -> str:
    """``rows`` (keyed by the codes of ``columns``) as CSV text, with a header even when empty."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_header(columns, lang))
    writer.writerows([_csv_text(row.get(key), lang) for key in columns] for row in rows)
    text = out.getvalue()
    return "\ufeff" + text if excel else text


def rows_xlsx(
    columns: Mapping[str, str],
    rows: Sequence[Mapping[str, object]],
    lang: Lang,
    sheet: tuple[str, str],
) -> bytes:
    """``rows`` as a workbook of one sheet (named ``sheet``: Chinese, English), header frozen."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.worksheets[0])
    page = book.create_sheet(sheet[0] if lang == "zh" else sheet[1])
    page.append(_header(columns, lang))
    for row in rows:
        page.append([_cell(row.get(key), lang) for key in columns])
        as_text_cells(page[page.max_row])
    page.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_rows(
    columns: Mapping[str, str],
    rows: Sequence[Mapping[str, object]],
    *,
    fmt: str,
    lang: Lang,
    sheet: tuple[str, str],
    excel: bool,
    out: Path | None,
) -> None:
    """``rows`` written as ``fmt`` (csv or xlsx) to ``out`` or standard output."""
    if fmt == "xlsx":
        emit(rows_xlsx(columns, rows, lang, sheet), out, binary=True)
    else:
        emit(rows_csv(columns, rows, lang, excel=excel), out)


def _exact(value: object) -> Fraction | None:
    return None if value is None else Fraction(str(value))


def result_rows(result: QuarterResult, lang: Lang) -> list[dict[str, object]]:
    """One row per unit in rank order: components exact, the final score as reported."""
    return [
        {
            "rank": card.rank,
            "unit": card.unit_id,
            "self": _exact(card.self_score),
            "peer": _exact(card.peer_mean),
            "public": _exact(card.public_mean),
            "final": card.final.reported,
            "grade": card.grade.label(lang) if lang == "zh" else card.grade.code,
            "peers": card.peer_count,
            "answers": card.response_count,
            "reweighted": card.final.reweighted,
        }
        for card in result.scorecards
    ]


def result_csv(result: QuarterResult, lang: Lang, *, excel: bool = False) -> str:
    """The result as CSV text, one row per unit in rank order (header even with no unit)."""
    return rows_csv(COLUMNS, result_rows(result, lang), lang, excel=excel)


def write_result(
    result: QuarterResult, *, fmt: str, lang: Lang, excel: bool, out: Path | None
) -> None:
    """A quarter's results written as ``fmt`` (csv or xlsx), one row per unit in rank order."""
    rows = result_rows(result, lang)
    write_rows(
        COLUMNS, rows, fmt=fmt, lang=lang, sheet=("考评结果", "results"), excel=excel, out=out
    )
