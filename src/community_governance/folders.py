"""A new folder written whole or not at all (adapter helper for the outputs of commands).

The files are written under a temporary name beside the target and renamed at the end, so a
failed write leaves nothing, and a reader never sees half a folder.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path

from community_governance.errors import ParseError, strerror_zh

__all__ = ["write_file", "write_new_folder"]


def write_new_folder(target: Path | str, files: Mapping[str, bytes], *, rule: str) -> Path:
    """Write ``files`` (relative path → bytes) into ``target``, a folder that must not exist.

    Raises:
        ParseError: the folder exists already (naming it, with ``rule``).
    """
    folder = Path(target)
    if folder.exists():
        raise ParseError(
            "the output folder exists already", field=str(folder), rule=rule, zh="输出文件夹已存在"
        )
    temporary = folder.with_name(f".{folder.name}.partial-{os.getpid()}")
    try:
        for name, data in files.items():
            path = temporary / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        temporary.rename(folder)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return folder


def write_file(target: Path | str, data: bytes, *, rule: str = "output") -> Path:
    """Write ``data`` to the file ``target`` whole: to a temporary name, then renamed over it.

    Raises:
        ParseError: the file cannot be written (naming it and the reason).
    """
    path = Path(target)
    temporary = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        temporary.write_bytes(data)
        temporary.replace(path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise ParseError(
            f"cannot write the file: {error.strerror}",
            field=str(path),
            rule=rule,
            zh=f"无法写入文件：{strerror_zh(error)}",
        ) from None
    return path
