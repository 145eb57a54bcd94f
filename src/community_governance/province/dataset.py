"""A province's quarters as a Parquet dataset: layout, manifest, reader and writer (E-1..E-6).

The layout (``docs/en/province.md`` describes it for other systems):

    DIR/manifest.json
    DIR/quarter=2026Q3/group=0000/communities.parquet
    DIR/quarter=2026Q3/group=0000/units.parquet
    DIR/quarter=2026Q3/group=0000/ratings.parquet
    ...

Partitions are Hive-style, by quarter and by community group. A group always holds whole
communities, so every rule, all of them per community, runs on one partition alone. The
tables of a partition are those of
[`evaluate_city`][community_governance.evaluation.city.evaluate_city], plus the
communities (with their district), the survey frames and the sample certificates.

The manifest is versioned: its schema and version, the policy the data was checked
under (id and SHA-256), the quarters and groups, and the SHA-256 of every file. A file
whose bytes differ from the manifest's digest is refused before it is read.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from community_governance.errors import ParseError, strerror_zh
from community_governance.policy.model import Policy

__all__ = [
    "MANIFEST",
    "MAX_FILE_BYTES",
    "MAX_MANIFEST_BYTES",
    "MAX_ROWS",
    "MAX_TABLE_BYTES",
    "OPTIONAL",
    "SCHEMA",
    "TABLES",
    "VERSION",
    "Limits",
    "Manifest",
    "Partition",
    "check_whole_communities",
    "file_digest",
    "policy_digest",
    "read_bounded",
    "read_manifest",
    "read_partition",
    "read_table",
    "write_dataset",
]

#: The manifest's file name and schema.
MANIFEST = "manifest.json"
SCHEMA = "community-governance/province-dataset"
VERSION = 1

#: The tables of a partition and their columns (``OPTIONAL`` adds what a table may hold).
TABLES: Mapping[str, tuple[str, ...]] = {
    "communities": ("community", "district", "name"),
    "units": ("community", "unit", "kind", "name"),
    "ratings": ("community", "quarter", "rater", "ratee", "dimension", "score"),
    "projects": ("community", "project", "responsible_units"),
    "frames": ("community", "household"),
    "certificates": ("community", "certificate"),
    "answers": ("community", "household", "project", "answer"),
}


#: Columns a table may also hold: a frame's ``stratum`` for each household, which a
#: stratified draw's certificate needs to verify against its frame (E-4).
OPTIONAL: Mapping[str, tuple[str, ...]] = {"frames": ("stratum",)}


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's bytes, in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def policy_digest(policy: Policy) -> str:
    """The SHA-256 of a policy's canonical JSON document: what a run certificate cites."""
    text = json.dumps(
        policy.to_document(), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


#: The defaults of ``Limits``: a file's bytes, a table's declared rows and decompressed
#: bytes, and the manifest's bytes.
MAX_FILE_BYTES = 1 << 30
MAX_ROWS = 20_000_000
MAX_TABLE_BYTES = 4 << 30
MAX_MANIFEST_BYTES = 64 << 20


@attrs.frozen
class Limits:
    """Bounds on a dataset's files, checked before their contents are allocated (E-1).

    A file larger than ``file_bytes`` is refused before it is read; a Parquet table whose
    metadata declares more than ``rows`` rows or more than ``table_bytes`` bytes once
    decompressed is refused before it is decoded. The defaults hold a partition of a few
    thousand communities many times over; a province with larger partitions raises them
    (``evaluate_province(limits=...)``, or ``city evaluate --max-rows/--max-table-mib``).
    """

    file_bytes: int = MAX_FILE_BYTES
    rows: int = MAX_ROWS
    table_bytes: int = MAX_TABLE_BYTES
    manifest_bytes: int = MAX_MANIFEST_BYTES


@attrs.frozen
class Partition:
    """One partition: a quarter and a group of whole communities."""

    quarter: str
    group: str

    @property
    def path(self) -> str:
        """The partition's folder, relative to the dataset."""
        return f"quarter={self.quarter}/group={self.group}"


@attrs.frozen
class Manifest:
    """A dataset's manifest: what it holds, under which policy, with a digest per file."""

    policy_id: str
    policy_sha256: str
    partitions: tuple[Partition, ...]
    files: Mapping[str, str]
    digest: str
    limits: Limits = attrs.field(factory=Limits)

    @property
    def quarters(self) -> tuple[str, ...]:
        """The quarters held, in order."""
        return tuple(sorted({p.quarter for p in self.partitions}))

    def narrowed(self, partition: Partition) -> Manifest:
        """This manifest holding only ``partition`` and its files (same digest).

        What a task is given: its own files' digests, not the whole province's, whose size
        grows with the province and would be sent again with every task.
        """
        names = (f"{partition.path}/{table}.parquet" for table in TABLES)
        files = {name: self.files[name] for name in names if name in self.files}
        return attrs.evolve(self, partitions=(partition,), files=files)


def _refuse(path: Path | str, message: str, *, zh: str) -> ParseError:
    return ParseError(message, field=str(path), rule="E-1", zh=zh)


def read_manifest(directory: Path | str, *, limits: Limits | None = None) -> Manifest:
    """The dataset's manifest, checked; its files are to be read within ``limits``.

    Raises:
        ParseError: no manifest, another schema or version, or a malformed entry.
    """
    limits = limits or Limits()
    path = Path(directory) / MANIFEST
    raw, _ = read_bounded(Path(directory), path, limits.manifest_bytes)
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):
        raise _refuse(path, "the manifest is not JSON", zh="清单不是 JSON") from None
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        raise _refuse(path, f"not a manifest of {SCHEMA}", zh=f"不是 {SCHEMA} 清单")
    if document.get("version") != VERSION:
        raise _refuse(
            path,
            f"manifest version {document.get('version')!r}; this library reads {VERSION}",
            zh=f"清单版本为 {document.get('version')!r}；本库读取的是 {VERSION}",
        )
    _only_keys(path, "the manifest", document, _KEYS)
    try:
        entries = _of_type(document["partitions"], list)
        policy = document["policy"]
        raw_files = _of_type(document["files"], dict)
        _only_keys(path, "policy", policy, {"id", "sha256"})
        policy_id, policy_sha = str(policy["id"]), str(policy["sha256"])
        partitions = tuple(_partition(path, entry) for entry in entries)
        files = {str(k): str(v) for k, v in raw_files.items()}
    except (KeyError, TypeError, AttributeError):
        raise _refuse(
            path, "a manifest entry is missing or malformed", zh="清单条目缺失或格式有误"
        ) from None
    seen: set[Partition] = set()
    for partition in partitions:
        if partition in seen:
            raise _refuse(
                path,
                f"the partition {partition.path} is listed twice",
                zh=f"分区 {partition.path} 被列出两次",
            )
        seen.add(partition)
    expected = {f"{p.path}/{table}.parquet" for p in partitions for table in TABLES}
    for name, digest in files.items():
        if name not in expected:
            raise _refuse(
                path,
                f"the file {name!r} belongs to no listed partition",
                zh=f"文件 {name!r} 不属于所列的任何分区",
            )
        if not _HEX64.fullmatch(digest):
            raise _refuse(
                path, f"{name}: {digest!r} is not a SHA-256", zh=f"{name}：{digest!r} 不是 SHA-256"
            )
    return Manifest(
        policy_id, policy_sha, partitions, files, hashlib.sha256(raw).hexdigest(), limits
    )


#: The keys of a manifest; any other is refused, so that a misspelt key is not ignored.
_KEYS = {"schema", "version", "policy", "partitions", "files"}
#: A group's name: letters (any script), digits, ``_`` and ``-``; it names a folder, so no
#: separator, dot or control character can reach the file system.
_GROUP = re.compile(r"[^\W][\w-]{0,63}")
_HEX64 = re.compile(r"[0-9a-f]{64}")


def _of_type(item: Any, kind: type) -> Any:
    if not isinstance(item, kind):
        raise TypeError
    return item


def _only_keys(path: Path, what: str, item: object, allowed: set[str]) -> None:
    if not isinstance(item, dict):
        raise TypeError
    unknown = sorted(set(item) - allowed)
    if unknown:
        raise _refuse(
            path,
            f"{what} has unknown key(s) {unknown}; known: {sorted(allowed)}",
            zh=f"{what} 含有未知的键 {unknown}；可用的键：{sorted(allowed)}",
        )


def _partition(path: Path, entry: object) -> Partition:
    _only_keys(path, "a partition", entry, {"quarter", "group"})
    assert isinstance(entry, dict)  # noqa: S101 - checked by _only_keys, for the type checker
    quarter, group = entry["quarter"], entry["group"]
    if not isinstance(quarter, str) or not _QUARTER.fullmatch(quarter):
        raise _refuse(
            path,
            f"{quarter!r} is not a quarter such as 2026Q3",
            zh=f"{quarter!r} 不是季度（如 2026Q3）",
        )
    if not isinstance(group, str) or not _GROUP.fullmatch(group):
        raise _refuse(
            path,
            f"{group!r} is not a group name (letters, digits, _ and -, at most 64)",
            zh=f"{group!r} 不是分组名（字母、数字、_ 和 -，至多 64 个）",
        )
    return Partition(quarter, group)


_QUARTER = re.compile(r"[0-9]{4}Q[1-4]")


def _inside(root: Path, path: Path) -> Path:
    """``path`` resolved, refused unless it stays inside ``root`` (symlinks resolved too)."""
    resolved = path.resolve()
    if not resolved.is_relative_to(root.resolve()):
        raise _refuse(
            path,
            "the file leads out of the dataset's folder",
            zh="此文件指向数据集文件夹之外",
        )
    return resolved


def read_bounded(root: Path, path: Path, limit: int) -> tuple[bytes, str]:
    """A regular file inside ``root``, at most ``limit`` bytes, and its SHA-256 (E-1).

    The file is opened without blocking and checked by its descriptor before a byte is
    read, so a FIFO, a device or a link to one is refused rather than waited on or read
    without end; the digest is computed block by block as the bytes come.

    Raises:
        ParseError: the file is missing, leads out of ``root``, is not a regular file, or
            is larger than ``limit``.
    """
    resolved = _inside(root, path)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(resolved, flags)
    except OSError as error:
        raise _refuse(
            path,
            f"cannot read the file ({error.strerror})",
            zh=f"无法读取文件（{strerror_zh(error)}）",
        ) from None
    with os.fdopen(descriptor, "rb") as stream:
        status = os.fstat(stream.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise _refuse(path, "not a regular file", zh="不是普通文件")
        if status.st_size > limit:
            raise _refuse(
                path,
                f"the file has {status.st_size:,} bytes, more than the limit of {limit:,}",
                zh=f"文件有 {status.st_size:,} 字节，超过上限 {limit:,}",
            )
        digest = hashlib.sha256()
        blocks = []
        size = 0
        for block in iter(lambda: stream.read(1 << 20), b""):
            size += len(block)
            if size > limit:  # grown since it was measured
                raise _refuse(
                    path, f"the file grew past the limit of {limit:,} bytes", zh="文件增长超过上限"
                )
            digest.update(block)
            blocks.append(block)
    return b"".join(blocks), digest.hexdigest()


def _parquet(path: Path, data: bytes, limits: Limits) -> Any:
    """The Parquet table in ``data``, its declared size checked against ``limits`` first."""
    import pyarrow as pa  # noqa: PLC0415 - the [scale] extra
    import pyarrow.parquet as pq  # noqa: PLC0415

    try:
        parquet = pq.ParquetFile(pa.BufferReader(data))
        metadata = parquet.metadata
        declared = sum(
            metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups)
        )
        if metadata.num_rows > limits.rows or declared > limits.table_bytes:
            raise _refuse(
                path,
                f"the table declares {metadata.num_rows:,} rows and {declared:,} bytes; "
                f"the limits are {limits.rows:,} rows and {limits.table_bytes:,} bytes",
                zh=(
                    f"此表声明 {metadata.num_rows:,} 行、{declared:,} 字节；"
                    f"上限为 {limits.rows:,} 行、{limits.table_bytes:,} 字节"
                ),
            )
        return parquet.read(use_threads=False)
    except (pa.ArrowException, OSError) as error:
        raise _refuse(
            path,
            f"not a readable Parquet file ({_first_line(error)})",
            zh=f"不是可读取的 Parquet 文件（{_first_line(error)}）",
        ) from None


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def read_table(directory: Path | str, manifest: Manifest, relative: str) -> Any:
    """One table of the dataset, checked against its digest and the manifest's limits (E-1).

    Raises:
        ParseError: the file is not in the manifest, is not a regular file inside the
            dataset, is too large, differs from its digest, or is not Parquet within the
            limits.
    """
    root = Path(directory)
    path = root / relative
    expected = manifest.files.get(relative)
    if expected is None:
        raise _refuse(path, "the file is not in the manifest", zh="此文件不在清单中")
    data, digest = read_bounded(root, path, manifest.limits.file_bytes)
    if digest != expected:
        raise _refuse(
            path,
            "the file's SHA-256 differs from the manifest's",
            zh="文件的 SHA-256 与清单中的不同",
        )
    return _parquet(path, data, manifest.limits)


def read_partition(
    directory: Path | str, manifest: Manifest, partition: Partition
) -> dict[str, Any]:
    """A partition's tables as pyarrow tables, each file checked before it is decoded.

    Raises:
        ParseError: a file is missing, not a regular file inside the dataset, too large,
            differs from its digest, lacks a column, or is not Parquet.
    """
    tables: dict[str, Any] = {}
    for name, columns in TABLES.items():
        relative = f"{partition.path}/{name}.parquet"
        table = read_table(directory, manifest, relative)
        missing = [c for c in columns if c not in table.column_names]
        if missing:
            raise _refuse(
                Path(directory) / relative, f"missing column(s) {missing}", zh=f"缺少列：{missing}"
            )
        tables[name] = table
    return tables


def check_whole_communities(directory: Path | str, manifest: Manifest) -> None:
    """Refuse a community placed in two partitions of one quarter, or twice in one (E-1).

    Only the partitions' ``communities`` tables are read: a community in two groups would
    be scored twice, and its units counted twice in the summary.

    Raises:
        ParseError: naming the second file that holds the community.
    """
    seen: dict[tuple[str, str], str] = {}
    for partition in manifest.partitions:
        relative = f"{partition.path}/communities.parquet"
        table = read_table(directory, manifest, relative)
        if "community" not in table.column_names:
            raise _refuse(
                Path(directory) / relative,
                "missing column(s) ['community']",
                zh="缺少列：['community']",
            )
        here: set[str] = set()
        for row, community in enumerate(table.column("community").to_pylist()):
            key = str(community)
            earlier = seen.get((partition.quarter, key))
            if key in here or earlier is not None:
                place = earlier or relative
                raise ParseError(
                    f"community {key!r} is also in {place}",
                    field=f"{Path(directory) / relative}: communities[row {row}].community",
                    rule="E-1",
                    zh=f"社区 {key!r} 也在 {place} 中",
                )
            here.add(key)
        seen.update(dict.fromkeys(((partition.quarter, key) for key in here), partition.path))


def write_dataset(
    directory: Path | str,
    partitions: Iterable[tuple[Partition, Mapping[str, Any]]],
    policy: Policy,
) -> Manifest:
    """Write partitions (each a mapping of table name to a pyarrow table) and the manifest.

    ``partitions`` may be a generator: each partition is written as it comes, so a
    province larger than memory can be written. The bytes depend only on the tables and
    the library versions: the same inputs give the same files and digests.

    Raises:
        ParseError: the folder exists and is not empty, or a table lacks a column.
    """
    import pyarrow.parquet as pq  # noqa: PLC0415 - the [scale] extra

    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise _refuse(directory, "the folder exists and is not empty", zh="文件夹已存在且不为空")
    files: dict[str, str] = {}
    written: list[Partition] = []
    for partition, tables in partitions:
        written.append(partition)
        folder = directory / partition.path
        folder.mkdir(parents=True, exist_ok=True)
        for name, columns in TABLES.items():
            table = tables[name]
            missing = [c for c in columns if c not in table.column_names]
            if missing:
                raise _refuse(
                    f"{partition.path}/{name}",
                    f"missing column(s) {missing}",
                    zh=f"缺少列：{missing}",
                )
            path = folder / f"{name}.parquet"
            kept = [*columns, *(c for c in OPTIONAL.get(name, ()) if c in table.column_names)]
            pq.write_table(table.select(kept), path, compression="zstd")
            files[f"{partition.path}/{name}.parquet"] = file_digest(path)
    document = {
        "schema": SCHEMA,
        "version": VERSION,
        "policy": {"id": policy.policy_id, "sha256": policy_digest(policy)},
        "partitions": [{"quarter": p.quarter, "group": p.group} for p in written],
        "files": dict(sorted(files.items())),
    }
    text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    manifest_path = directory / MANIFEST
    temporary = manifest_path.with_suffix(".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(manifest_path)
    return read_manifest(directory)
