"""Tables as offices keep them: CSV in UTF-8, UTF-8 with a BOM or GBK, and Excel workbooks.

Rules: E-1..E-4 (the tables carry units, ratings, frames, projects and answers).

A table is read into rows of text cells, each with the place a person finds it at: the
file and the row of a CSV file, the file, the sheet and the cell (``Sheet!C7``) of a
workbook. Headers are matched against the table's columns by code, Chinese or English
label; an unknown column, a missing one or a column given twice is an error, since a
misspelt header would otherwise drop a whole column silently.

Bounds, whatever the policy: a cell of more than ``MAX_CELL`` characters, and a table of
more than ``MAX_ROWS`` rows, are refused before anything is built from them. Reading is
linear in the size of the file.

Excel numeric cells arrive as binary doubles; each is read as the shortest decimal that
turns back into the same double (what Excel shows), never through its binary expansion:
a cell showing ``87.3`` is 87.3, not 87.299999999999997157829056959599256515502929688.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import warnings
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from community_governance.errors import FormulaValueWarning, ParseError
from community_governance.extras import require
from community_governance.tables.cells import restored
from community_governance.tables.text import (
    Encoding,
    decode,
)

__all__ = [
    "MAX_CELL",
    "MAX_PARTS",
    "MAX_ROWS",
    "MAX_SHARED_STRINGS",
    "MAX_UNZIPPED",
    "Column",
    "Row",
    "Table",
    "TableError",
    "WorkbookLimits",
    "excel_number",
    "header_key",
    "place_zh",
    "read_table",
]

#: The longest cell read, in characters (a long id or title is far shorter).
MAX_CELL = 10_000
#: The most rows read from one table (a province's frame is split by community).
MAX_ROWS = 5_000_000
#: How many row errors one error lists before it says how many more there are.
MAX_LISTED = 20
#: The most a workbook may unzip to, all its parts together, in bytes (Excel's own limit of
#: 1,048,576 rows fits well within it).
MAX_UNZIPPED = 256 * 2**20
#: The most parts (files inside the zip) a workbook may have.
MAX_PARTS = 10_000
#: The most shared strings a workbook may have; all are held in memory while it is read.
MAX_SHARED_STRINGS = 2_000_000


class TableError(ParseError):
    """Rows of a table are wrong; ``problems`` lists each, one line naming its place and rule.

    Its text lists the first ``MAX_LISTED`` problems, then how many more there are.
    """

    def __init__(
        self,
        problems: Sequence[str] | str,
        *,
        field: str | None,
        rule: str | None,
        zh: Sequence[str] | str | None = None,
    ):
        self.problems = _lines(problems)
        #: The same problems in Chinese, one for one.
        self.problems_zh = self.problems if zh is None else _lines(zh)
        more = len(self.problems) - MAX_LISTED
        english = [*self.problems[:MAX_LISTED], *[f"… and {more} more"] * (more > 0)]
        chinese = [*self.problems_zh[:MAX_LISTED], *[f"……另有 {more} 处"] * (more > 0)]
        super().__init__("\n".join(english), field=field, rule=rule, zh="\n".join(chinese))

    @classmethod
    def of(cls, lines: Sequence[tuple[str, str]], *, field: str, rule: str) -> TableError:
        """The problems given as (English, Chinese) lines, as one error."""
        return cls([en for en, _ in lines], field=field, rule=rule, zh=[zh for _, zh in lines])

    def moved(self, field: str | None) -> TableError:
        """The same problems, naming another field (each line names its own place)."""
        return TableError(self.problems, field=field, rule=self.rule, zh=self.problems_zh)

    def _render(self, lang: str = "en") -> str:
        # Each problem already names its file, place, column and rule.
        return self.message_in(lang)


_ROW = re.compile(r":(?:(\S+) )?row (\d+)")


def place_zh(place: str) -> str:
    """A place in a table as said in Chinese (``file:row 7`` → ``file:第 7 行``)."""
    return _ROW.sub(lambda m: f":{m[1] + ' ' if m[1] else ''}第 {m[2]} 行", place, count=1)


def _lines(problems: Sequence[str] | str) -> tuple[str, ...]:
    return tuple(problems.splitlines() if isinstance(problems, str) else problems)


@attrs.frozen
class Column:
    """A column of a table: its code, its two labels, and whether a table must have it."""

    code: str
    zh: str
    en: str
    required: bool = True

    def label(self, lang: str) -> str:
        """The header written in ``lang``."""
        return self.zh if lang == "zh" else self.code


@attrs.frozen
class Row:
    """One row: where it is, and its cells by column code (``None`` for an empty cell)."""

    where: str
    cells: Mapping[str, str | None]
    places: Mapping[str, str]

    def at(self, column: str) -> str:
        """Where the cell of ``column`` is (``file:row 7, 服务态度`` or ``file:Sheet!C7``)."""
        return self.places.get(column, self.where)


@attrs.frozen
class Table:
    """A table read from a file: its rows, and the columns it had."""

    source: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    rule: str = "input"


def header_key(text: str) -> str:
    """A header as compared: composed, without outer spaces, case and ``-``/space folded."""
    folded = unicodedata.normalize("NFKC", text).strip().casefold()
    return folded.replace("-", "_").replace(" ", "_")


def excel_number(value: float | int) -> Decimal:
    """A numeric cell as the shortest decimal that round-trips its double (``repr``)."""
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(repr(value))


def _cell_text(value: object) -> str | None:  # noqa: PLR0911 - one return per kind of cell
    """A workbook cell as text, exactly; ``None`` for an empty cell."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f") if value.is_finite() else str(value)
    if isinstance(value, int | float):
        number = excel_number(value)
        if not number.is_finite():
            return str(value)
        return format(number, "f")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _matched(
    headers: Sequence[str | None], columns: Sequence[Column], source: str, rule: str
) -> list[str | None]:
    """The column code of each header (``None`` for a blank header over an empty column)."""
    known: dict[str, str] = {}
    for column in columns:
        for name in (column.code, column.zh, column.en):
            known[header_key(name)] = column.code
    codes: list[str | None] = []
    problems: list[tuple[str, str]] = []
    for index, header in enumerate(headers, start=1):
        if header is None or not header.strip():
            codes.append(None)
            continue
        code = known.get(header_key(header))
        if code is None:
            listed = ", ".join(f"{c.code} ({c.zh})" for c in columns)
            problems.append(
                (
                    (
                        f"{source}: column {index} {header!r} is not a column of this table; "
                        f"columns: {listed} [{rule}]"
                    ),
                    f"{source}：第 {index} 列 {header!r} 不是此表的列；各列为：{listed} [{rule}]",
                )
            )
        elif code in codes:
            problems.append(
                (
                    f"{source}: column {index} {header!r} is given twice [{rule}]",
                    f"{source}：第 {index} 列 {header!r} 重复 [{rule}]",
                )
            )
        codes.append(code)
    missing = [c for c in columns if c.required and c.code not in codes]
    problems += [
        (
            f"{source}: the column {c.code} ({c.zh}) is missing [{rule}]",
            f"{source}：缺少列 {c.code}（{c.zh}）[{rule}]",
        )
        for c in missing
    ]
    if problems:
        raise TableError.of(problems, field=source, rule=rule)
    return codes


def _column_letter(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _rows(
    records: Iterator[tuple[str, Sequence[object]]],
    columns: Sequence[Column],
    source: str,
    rule: str,
    *,
    cell_place: str | None,
) -> Table:
    """Rows of ``records`` (where, values); the first record is the header."""
    header = next(records, None)
    if header is None:
        raise ParseError(
            "the table is empty: no header row", field=source, rule=rule, zh="表格为空：没有表头行"
        )
    headers = [None if h is None else str(h) for h in header[1]]
    codes = _matched(headers, columns, source, rule)
    labels = {c.code: c.zh for c in columns}
    rows: list[Row] = []
    problems: list[tuple[str, str]] = []
    for where, values in records:
        if len(rows) >= MAX_ROWS:
            raise ParseError(
                f"more than {MAX_ROWS} rows", field=source, rule=rule, zh=f"超过 {MAX_ROWS} 行"
            )
        texts = [_cell_text(v) if not isinstance(v, str) else v for v in values]
        if all(t is None or not t.strip() for t in texts):
            continue
        cells: dict[str, str | None] = {}
        places: dict[str, str] = {}
        for index, text in enumerate(texts):
            code = codes[index] if index < len(codes) else None
            if code is None:
                if text is not None and text.strip():
                    problems.append(
                        (
                            f"{where}: a value under no header: {text[:40]!r} [{rule}]",
                            f"{place_zh(where)}：没有表头的值 {text[:40]!r} [{rule}]",
                        )
                    )
                continue
            place = (
                f"{cell_place}!{_column_letter(index + 1)}{where.rsplit(' ', 1)[-1]}"
                if cell_place is not None
                else f"{where}, {code} ({labels[code]})"
            )
            places[code] = place
            if text is not None and len(text) > MAX_CELL:
                problems.append(
                    (
                        f"{place}: a cell of more than {MAX_CELL} characters [{rule}]",
                        f"{place_zh(place)}：单元格超过 {MAX_CELL} 个字符 [{rule}]",
                    )
                )
                continue
            stripped = None if text is None else text.strip()
            cells[code] = stripped or None
        rows.append(Row(where, cells, places))
    if problems:
        raise TableError.of(problems, field=source, rule=rule)
    return Table(source, tuple(c for c in codes if c is not None), tuple(rows), rule)


def _csv_records(text: str, source: str) -> Iterator[tuple[str, Sequence[object]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    for number, values in enumerate(reader, start=1):
        yield f"{source}:row {number}", [restored(value) for value in values]


def _json_records(text: str, source: str, rule: str) -> Iterator[tuple[str, Sequence[object]]]:
    """A JSON array of row objects (keys: headers), numbers read exactly from their digits."""
    from community_governance.schemas.registry import exact_json_value  # noqa: PLC0415

    data = exact_json_value(text, source, rule)
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ParseError(
            "a table in JSON is an array of row objects",
            field=source,
            rule=rule,
            zh="JSON 表格须为由行对象组成的数组",
        )
    headers: list[str] = []
    for item in data:
        headers += [key for key in item if key not in headers]
    yield f"{source}:header", headers
    for number, item in enumerate(data, start=1):
        values = []
        for key in headers:
            value = item.get(key)
            if isinstance(value, dict | list):
                raise ParseError(
                    f"row {number}, {key}: a cell is text or a number, not {type(value).__name__}",
                    field=source,
                    rule=rule,
                    zh=(
                        f"第 {number} 行，{key}：单元格须为文本或数字，"
                        f"而不是 {type(value).__name__}"
                    ),
                )
            values.append(value)
        yield f"{source}:row {number}", values


def _not_a_workbook(source: str, rule: str, why: str, why_zh: str) -> ParseError:
    return ParseError(
        f"not an Excel workbook: {why}",
        field=source,
        rule=rule,
        zh=f"不是 Excel 工作簿：{why_zh}",
    )


def _reason(error: BaseException) -> str:
    """``error`` in one line, with the first cause that says what was wrong.

    openpyxl wraps a refused or malformed part in a message of several lines that hides the
    reason; the innermost error says it (an entity refused, a bad CRC, a tag not closed).
    """
    root = error
    while (inner := root.__cause__ or root.__context__) is not None:
        root = inner
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    if root is not error:
        text = f"{text} ({type(root).__name__}: {root})"
    return " ".join(text.split())[:300]


@attrs.frozen
class WorkbookLimits:
    """Bounds on a workbook, checked from its zip directory before anything is inflated.

    ``unzipped``: the bytes all its parts declare together; ``parts``: how many parts it
    holds; ``shared_strings``: how many shared strings (every one is held in memory while a
    sheet is read). The defaults are ``MAX_UNZIPPED``, ``MAX_PARTS`` and
    ``MAX_SHARED_STRINGS``; ``read_table(..., limits=WorkbookLimits(...))`` sets others.
    """

    unzipped: int = MAX_UNZIPPED
    parts: int = MAX_PARTS
    shared_strings: int = MAX_SHARED_STRINGS


def _checked_zip(data: bytes, source: str, rule: str, limits: WorkbookLimits) -> None:
    """Refuse a workbook that is no zip, lacks its parts, or unzips past the limits.

    Sizes are the ones the zip's directory declares; Python's reader never inflates a part
    past its declared size (it stops, and the CRC check refuses the part), so checking
    them bounds what reading can allocate before a byte is inflated.
    """
    import zipfile  # noqa: PLC0415 - only workbooks need it

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
        reason = _reason(error)
        raise _not_a_workbook(source, rule, reason, reason) from None
    with archive:
        parts = archive.infolist()
        names = {part.filename for part in parts}
        if len(parts) > limits.parts:
            raise _not_a_workbook(
                source, rule, f"more than {limits.parts} parts", f"部件超过 {limits.parts} 个"
            )
        if "[Content_Types].xml" not in names:
            raise _not_a_workbook(
                source, rule, "it has no [Content_Types].xml", "缺少 [Content_Types].xml"
            )
        unzipped = sum(part.file_size for part in parts)
        if unzipped > limits.unzipped:
            raise _not_a_workbook(
                source,
                rule,
                f"it unzips to {unzipped:,} bytes, more than {limits.unzipped:,}",
                f"解压后 {unzipped:,} 字节，超过上限 {limits.unzipped:,}",
            )
        strings = next((p for p in parts if p.filename == "xl/sharedStrings.xml"), None)
        if strings is not None:
            # Bounded above; every shared string is held in memory while a sheet is read.
            count = _inflated(archive, strings, source, rule).count(b"<si")
            if count > limits.shared_strings:
                raise _not_a_workbook(
                    source,
                    rule,
                    f"{count:,} shared strings, more than {limits.shared_strings:,}",
                    f"共享字符串 {count:,} 个，超过上限 {limits.shared_strings:,}",
                )


def _inflated(archive: Any, part: Any, source: str, rule: str) -> bytes:
    import zipfile  # noqa: PLC0415
    import zlib  # noqa: PLC0415

    try:
        data: bytes = archive.read(part)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError) as error:
        reason = _reason(error)
        raise _not_a_workbook(source, rule, reason, reason) from None
    return data


def _workbook_failures() -> tuple[type[BaseException], ...]:
    """What reading a broken or hostile workbook raises, each said as one line."""
    import xml.etree.ElementTree as ET  # noqa: PLC0415 - the module's usual name
    import zipfile  # noqa: PLC0415
    import zlib  # noqa: PLC0415

    return (
        zipfile.BadZipFile,
        zlib.error,
        ET.ParseError,
        KeyError,
        ValueError,  # defusedxml's refusals of entities and DTDs are ValueErrors
        OSError,
        EOFError,
        NotImplementedError,
    )


def _open_workbook(data: bytes, source: str, rule: str, limits: WorkbookLimits | None) -> Any:
    """The workbook read for its values, once its zip has passed ``_checked_zip``."""
    require(
        "openpyxl",
        needed_for=("reading Excel workbooks", "读取 Excel 工作簿"),
        field=source,
        rule=rule,
    )
    _checked_zip(data, source, rule, limits or WorkbookLimits())
    return _loaded(data, source, rule, data_only=True)


def _loaded(data: bytes, source: str, rule: str, *, data_only: bool) -> Any:
    """The read-only workbook of ``data``, its zip already checked; failures in one line."""
    import openpyxl  # noqa: PLC0415 - an optional extra, required by the caller

    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except _workbook_failures() as error:
        reason = _reason(error)
        raise _not_a_workbook(source, rule, reason, reason) from None


def _refuse_unsaved_formula(cell: str, text: str, rule: str) -> None:
    raise ParseError(
        f"the formula {text[:40]!r} has no value saved; "
        "open and save the workbook in Excel or WPS, or type the value",
        field=cell,
        rule=rule,
        zh=f"公式 {text[:40]!r} 未保存计算结果；请在 Excel 或 WPS 中打开并保存，或直接填写数值",
    )


def _xlsx_records(
    data: bytes, source: str, sheet: str | None, rule: str, limits: WorkbookLimits | None
) -> tuple[str, Iterator[tuple[str, Sequence[object]]]]:
    book = _open_workbook(data, source, rule, limits)
    name = sheet if sheet is not None else book.sheetnames[0]
    if name not in book.sheetnames:
        raise ParseError(
            f"the workbook has no sheet {name!r}; sheets: {', '.join(book.sheetnames)}",
            field=source,
            rule=rule,
            zh=f"工作簿中没有工作表 {name!r}；现有工作表：{', '.join(book.sheetnames)}",
        )
    worksheet = book[name]
    # The same sheet as written: a formula arrives as its text ("=B2*2"). A value read from
    # a formula is the one Excel cached when it last saved the file; a workbook written by a
    # program (openpyxl, a report generator) has none, and ``data_only`` reads it as an
    # empty cell, which would silently drop a score.
    formulas = _loaded(data, source, rule, data_only=False)
    place = f"{source}:{name}"

    def records() -> Iterator[tuple[str, Sequence[object]]]:
        cached: list[str] = []
        try:
            rows = zip(
                worksheet.iter_rows(values_only=True),
                formulas[name].iter_rows(),
                strict=False,
            )
            for number, (values, written) in enumerate(rows, start=1):
                for index, (value, formula) in enumerate(zip(values, written, strict=False)):
                    # A text cell that begins with "=" is text (``tables.cells`` writes ids
                    # so); only a cell of the formula type was computed.
                    if getattr(formula, "data_type", None) == "f":
                        text = str(formula.value)
                        cell = f"{place}!{_column_letter(index + 1)}{number}"
                        if value is None:
                            _refuse_unsaved_formula(cell, text, rule)
                        cached.append(cell)
                yield f"{place} row {number}", values
        except ParseError:
            raise  # the library's own refusal of a cell, already said
        except _workbook_failures() as error:
            # A part that is broken inside (a bad CRC, malformed XML) is met only here.
            reason = _reason(error)
            raise _not_a_workbook(place, rule, reason, reason) from None
        finally:
            book.close()
            formulas.close()
        if cached:
            listed = ", ".join(cached[:MAX_LISTED]) + (
                f" (+{len(cached) - MAX_LISTED})" if len(cached) > MAX_LISTED else ""
            )
            warnings.warn(
                FormulaValueWarning(
                    f"{place}: {len(cached)} formula cell(s) read as the values Excel saved "
                    f"for them: {listed} [{rule}]",
                    zh=f"{place_zh(place)}：{len(cached)} 个公式单元格按 Excel 保存的计算结果读取："
                    f"{listed} [{rule}]",
                ),
                stacklevel=2,
            )

    return place, records()


def sheet_names(
    data: bytes,
    *,
    source: str = "workbook",
    rule: str = "input",
    limits: WorkbookLimits | None = None,
) -> tuple[str, ...]:
    """The sheets of a workbook, or ``()`` when ``data`` is not one.

    Raises:
        ParseError: ``data`` looks like a workbook but is broken or past the limits; the
            message names ``source`` and ``rule``.
    """
    if not data.startswith(b"PK\x03\x04"):
        return ()
    book = _open_workbook(data, source, rule, limits)
    try:
        return tuple(book.sheetnames)
    finally:
        book.close()


def read_table(
    data: bytes,
    columns: Sequence[Column],
    *,
    source: str,
    rule: str,
    encoding: Encoding = "auto",
    sheet: str | None = None,
    limits: WorkbookLimits | None = None,
) -> Table:
    """The table in ``data``: an Excel workbook (by its bytes) or CSV text.

    ``sheet`` picks a workbook's sheet (default: the first); ``limits`` bound a workbook
    (default ``WorkbookLimits()``). Rows whose cells are all empty are skipped.

    Raises:
        ParseError: the file is not text or a workbook, or has no header row.
        TableError: headers or cells are wrong; every problem found, one line each.
    """
    if data.startswith(b"PK\x03\x04"):
        place, records = _xlsx_records(data, source, sheet, rule, limits)
        return _rows(records, columns, place, rule, cell_place=place)
    text = decode(data, source, encoding=encoding, rule=rule)
    if text.lstrip().startswith("["):
        return _rows(_json_records(text, source, rule), columns, source, rule, cell_place=None)
    if "\x00" in text:
        raise ParseError(
            "the file holds NUL characters: not a CSV file",
            field=source,
            rule=rule,
            zh="文件中含有 NUL 字符：不是 CSV 文件",
        )
    try:
        return _rows(_csv_records(text, source), columns, source, rule, cell_place=None)
    except csv.Error as error:
        raise ParseError(
            f"not CSV: {error}", field=source, rule=rule, zh=f"不是 CSV：{error}"
        ) from None


def sheet_for(
    data: bytes,
    names: Sequence[str],
    *,
    source: str = "workbook",
    rule: str = "input",
    limits: WorkbookLimits | None = None,
) -> str | None:
    """The sheet of a workbook named one of ``names`` (headers' folding), or ``None``.

    A workbook of one sheet (its hidden lists aside) gives that sheet whatever its name.
    ``None`` too when ``data`` is not a workbook.
    """
    sheets = [s for s in sheet_names(data, source=source, rule=rule, limits=limits) if s != "lists"]
    wanted = {header_key(n) for n in names}
    for sheet in sheets:
        if header_key(sheet) in wanted:
            return sheet
    return sheets[0] if len(sheets) == 1 else None
