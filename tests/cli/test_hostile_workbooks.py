"""Broken and hostile workbooks end in one line, quickly and in bounded memory (E-4).

Each file is given to ``sample draw`` in a fresh process limited to 500 MiB of address
space (``ulimit -v``) and 10 seconds (``timeout``), as the shell would run it. Each must
end with exit 2 and one line naming the file, never a traceback.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from community_governance.tables.read import MAX_SHARED_STRINGS, MAX_UNZIPPED
from tests.cli.shell import bounded


def _frame_workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    for row in (["household"], ["H1"], ["H2"]):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rewritten(change: Callable[[str, bytes], bytes | None]) -> bytes:
    """The frame workbook with each part changed (``None``: left out)."""
    source = zipfile.ZipFile(io.BytesIO(_frame_workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = change(item.filename, source.read(item))
            if data is not None:
                target.writestr(item.filename, data)
    return out.getvalue()


def _bad_crc() -> bytes:
    """The sheet stored uncompressed, one byte changed after its CRC was taken."""
    source = zipfile.ZipFile(io.BytesIO(_frame_workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            stored = item.filename == "xl/worksheets/sheet1.xml"
            target.writestr(
                item.filename,
                source.read(item),
                zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED,
            )
    data = out.getvalue()
    assert data.count(b">H1<") == 1
    return data.replace(b">H1<", b">H9<")


def _with_sheet_xml(xml: bytes) -> bytes:
    return _rewritten(lambda name, d: xml if name == "xl/worksheets/sheet1.xml" else d)


XXE = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY leak SYSTEM "file:///etc/passwd">]>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&leak;</t></is></c></row>'
    b"</sheetData></worksheet>"
)
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(
        b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&" + bytes([97 + i]) + b";") * 10)
        for i in range(8)
    )
    + b"]>"
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&i;</t></is></c></row>'
    b"</sheetData></worksheet>"
)


def _many_shared_strings() -> bytes:
    count = MAX_SHARED_STRINGS + 1
    strings = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b"<si><t>a</t></si>" * count
        + b"</sst>"
    )
    return _add_part("xl/sharedStrings.xml", strings)


def _add_part(name: str, data: bytes) -> bytes:
    out = io.BytesIO(_frame_workbook())
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as target:
        target.writestr(name, data)
    return out.getvalue()


def _huge_string() -> bytes:
    """One cell whose text unzips past the workbook limit (a few hundred KiB zipped)."""
    head = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
    )
    tail = b"</t></is></c></row></sheetData></worksheet>"
    return _with_sheet_xml(head + b"a" * (MAX_UNZIPPED + 1) + tail)


HOSTILE: dict[str, Callable[[], bytes]] = {
    "not a zip": lambda: b"PK\x03\x04" + b"\x00" * 200,
    "no [Content_Types].xml": lambda: _rewritten(
        lambda name, d: None if name == "[Content_Types].xml" else d
    ),
    "a bad CRC": _bad_crc,
    "an external entity (XXE)": lambda: _with_sheet_xml(XXE),
    "entity expansion": lambda: _with_sheet_xml(LAUGHS),
    "malformed XML": lambda: _with_sheet_xml(b"<worksheet><sheetData><row>"),
    "too many shared strings": _many_shared_strings,
    "a string past the unzipped limit": _huge_string,
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_workbook_is_one_line_in_bounded_time_and_memory(
    case: str, tmp_path: Path
) -> None:
    """E-4: exit 2, one line naming the file, within 10 s and 500 MiB; nothing printed."""
    path = tmp_path / "frame.xlsx"
    path.write_bytes(HOSTILE[case]())
    done = bounded("sample", "draw", str(path), "--seed", "1", "--seed-source", "dice")
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr[-2000:]
    assert str(path) in lines[0]
    assert "root:" not in done.stderr  # nothing of /etc/passwd leaked


def test_a_workbook_s_limits_are_the_caller_s_to_set() -> None:
    """E-4: a limit below a real workbook refuses it, each limit naming itself."""
    from community_governance.errors import ParseError  # noqa: PLC0415
    from community_governance.tables.kinds import TABLES  # noqa: PLC0415
    from community_governance.tables.read import WorkbookLimits, read_table  # noqa: PLC0415

    buffer = io.BytesIO(_frame_workbook())
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/sharedStrings.xml", "<sst><si><t>a</t></si><si><t>b</t></si></sst>")
    data = buffer.getvalue()
    columns = TABLES["frame"].columns
    table = read_table(data, columns, source="f.xlsx", rule="E-4", limits=WorkbookLimits())
    assert [row.cells["household"] for row in table.rows] == ["H1", "H2"]
    for limits, words in (
        (WorkbookLimits(unzipped=100), "more than 100"),
        (WorkbookLimits(parts=2), "more than 2 parts"),
        (WorkbookLimits(shared_strings=1), "2 shared strings, more than 1"),
    ):
        with pytest.raises(ParseError, match=words) as refused:
            read_table(data, columns, source="f.xlsx", rule="E-4", limits=limits)
        assert refused.value.field == "f.xlsx"
