"""A quarter's results as CSV that spreadsheets read as written (E-1..E-6).

Exact fractions such as ``175/2`` are read by Excel as dates, so the CSV gives every
component as a decimal (ten places at most, the exact value being in the JSON result
document), and the final score as reported. With ``--lang zh`` the header and the grades
are in Chinese; with ``--excel`` the text starts with a byte-order mark, so that Excel on a
Chinese Windows reads it as UTF-8 rather than GBK.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from fractions import Fraction

from community_governance.evaluation.quarter import QuarterResult
from community_governance.numbers import RoundingMode, round_exact
from community_governance.vocabulary import Lang

__all__ = ["COLUMNS", "result_csv", "result_xlsx"]

#: The columns, with their Chinese headers.
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


def _decimal(value: object) -> str:
    """A number as decimal text a spreadsheet reads as a number (at most ten places)."""
    if value is None:
        return ""
    exact = Fraction(str(value)) if not isinstance(value, Fraction) else value
    return format(round_exact(exact, 10, RoundingMode.HALF_EVEN).normalize(), "f")


def result_csv(result: QuarterResult, lang: Lang, *, excel: bool = False) -> str:
    """The result as CSV text, one row per unit in rank order (header even with no unit).

    ``excel`` starts the text with a byte-order mark, for Excel.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS.values() if lang == "zh" else COLUMNS)
    yes, no = ("是", "否") if lang == "zh" else ("true", "false")
    for card in result.scorecards:
        writer.writerow(
            [
                card.rank,
                card.unit_id,
                _decimal(card.self_score),
                _decimal(card.peer_mean),
                _decimal(card.public_mean),
                str(card.final.reported),
                card.grade.label(lang) if lang == "zh" else card.grade.code,
                card.peer_count,
                card.response_count,
                yes if card.final.reweighted else no,
            ]
        )
    text = out.getvalue()
    return "\ufeff" + text if excel else text


def result_xlsx(result: QuarterResult, lang: Lang) -> bytes:
    """The result as a workbook of one sheet: the CSV's columns, numbers as numbers.

    Components are written as decimals of ten places at most and the final score as
    reported, each a number cell (Excel's double of that decimal); the exact values are in
    the JSON result document.
    """
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.worksheets[0])
    sheet = book.create_sheet("考评结果" if lang == "zh" else "results")
    rows = list(csv.reader(io.StringIO(result_csv(result, lang))))
    sheet.append(rows[0])
    for row in rows[1:]:
        sheet.append([_cell(text) for text in row])
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(text: str) -> object:
    """A CSV cell as a workbook cell: whole numbers and decimals as numbers, the rest as text."""
    try:
        number = Decimal(text)
    except ArithmeticError:
        return text
    if not number.is_finite():
        return text
    return (
        int(number) if number == number.to_integral_value() and "." not in text else float(number)
    )
