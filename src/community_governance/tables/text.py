"""Files as text (E-1..E-4): the bytes of a file or of standard input, and their encoding.

Offices save CSV files in UTF-8, in UTF-8 with a byte-order mark (Excel's "CSV UTF-8"), or in
GBK (its superset GB18030); ``decode`` reads any of them, or the one ``--encoding`` names,
and names the first byte that is not text. ``read_path`` reads ``-`` as standard input and
a large file in chunks, each reported to a progress hook.
"""

from __future__ import annotations

import contextvars
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from community_governance.errors import ParseError, strerror_zh

__all__ = ["ENCODINGS", "LARGE_FILE", "READING", "Encoding", "decode", "read_path"]

#: Encodings a CSV file may be in: ``auto`` tries UTF-8 (with or without a BOM), then GBK's
#: superset GB18030.
ENCODINGS = ("auto", "utf-8", "utf-8-sig", "gb18030", "gbk")

Encoding = Literal["auto", "utf-8", "utf-8-sig", "gb18030", "gbk"]


def decode(data: bytes, source: str, *, encoding: Encoding = "auto", rule: str = "input") -> str:
    """The text of ``data``: UTF-8 (a BOM dropped), else GB18030/GBK, or as ``encoding`` says.

    Short GBK text can be valid UTF-8 by chance (``元`` in GBK is the bytes of the rare
    ``Ԫ`` in UTF-8), so under ``auto`` a file without a BOM that both encodings read is
    read as the one whose text looks more like an office's: ASCII, Latin letters and
    accents, common Chinese characters (GB2312's first level) and Chinese punctuation count
    for it, any other character against; a tie is UTF-8. Only the first ``_SNIFF`` bytes
    are weighed.

    Raises:
        ParseError: the bytes are not text in that encoding; names the first bad byte.
    """
    if encoding != "auto":
        try:
            return data.decode("utf-8-sig" if encoding == "utf-8" else encoding)
        except UnicodeDecodeError as error:
            raise _undecodable(source, encoding, error.start, rule) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        utf8_error = error.start
        text = None
    try:
        chinese = data.decode("gb18030")
    except UnicodeDecodeError:
        if text is None:
            raise _undecodable(source, "UTF-8 or GB18030/GBK", utf8_error, rule) from None
        return text
    if text is None:
        return chinese
    if data.startswith(b"\xef\xbb\xbf") or text.isascii():
        return text
    head = data[:_SNIFF]
    as_utf8 = head.decode("utf-8", errors="ignore")
    as_gbk = head.decode("gb18030", errors="ignore")
    return chinese if _plausibility(as_gbk) > _plausibility(as_utf8) else text


#: How many bytes ``decode`` weighs when both encodings read a file.
_SNIFF = 65_536
_GB2312_LEVEL_ONE = range(0xB0, 0xD8)


def _plausibility(text: str) -> int:
    score = 0
    for char in text:
        if char.isascii() or char in "，。、；：？！“”‘’（）《》【】—…·":
            score += 1
            continue
        if unicodedata.category(char) == "Mn" or unicodedata.name(char, "").startswith("LATIN"):
            score += 1
            continue
        try:
            code = char.encode("gb2312")
        except UnicodeEncodeError:
            score -= 1
            continue
        score += 1 if code[0] in _GB2312_LEVEL_ONE else -1
    return score


def _undecodable(source: str, told: str, start: int, rule: str) -> ParseError:
    return ParseError(
        f"the file is not {told} text (byte {start}); save it as CSV UTF-8, or give --encoding",
        field=source,
        rule=rule,
        zh=f"文件不是 {told} 文本（第 {start} 字节）；请另存为 CSV UTF-8，或给出 --encoding",
    )


#: Files at least this large are read in chunks, each reported to the ``READING`` hook.
LARGE_FILE = 16 * 1024 * 1024
_CHUNK = 1024 * 1024

#: Who hears how a large file's reading goes: ``hook(name, size)`` gives a callback told the
#: bytes read so far (the command line shows a progress bar); ``None`` by default.
READING: contextvars.ContextVar[Callable[[str, int], Callable[[int], None]] | None] = (
    contextvars.ContextVar("READING", default=None)
)


def read_path(path: str, *, rule: str) -> tuple[bytes, str]:
    """The bytes of ``path`` (standard input for ``-``) and the name errors give it.

    A file of ``LARGE_FILE`` bytes or more is read in chunks, each reported to the
    ``READING`` hook when one is set.
    """
    try:
        if path == "-":
            return sys.stdin.buffer.read(), "<stdin>"
        file = Path(path)
        hook = READING.get()
        size = file.stat().st_size if hook is not None else 0
        if hook is None or size < LARGE_FILE:
            return file.read_bytes(), path
        told = hook(path, size)
        parts = []
        with file.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                parts.append(chunk)
                told(len(chunk))
        return b"".join(parts), path
    except IsADirectoryError:
        raise ParseError(
            "is a folder, not a file", field=path, rule=rule, zh="是文件夹，不是文件"
        ) from None
    except OSError as error:
        raise ParseError(
            f"cannot read the file: {error.strerror}",
            field=path,
            rule=rule,
            zh=f"无法读取文件：{strerror_zh(error)}",
        ) from None
