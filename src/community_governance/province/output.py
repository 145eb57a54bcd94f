"""A province run's output, written partition by partition where each is evaluated (E-1..E-6).

With an output folder, each partition's result is written by the process that evaluated it
(a Dask worker, or this process) straight into the run's temporary folder, as one Parquet
file; only its row count, its digest and its counts by grade travel back. So neither a
worker nor the process that started the run ever holds the province's results: memory is
bounded by the largest partition, and the files need no gathering at the end. The folder:

    OUT/results/2026Q3-0000.parquet   one file per partition, in the manifest's order
    OUT/results.sha256                every result file's SHA-256 (``sha256sum -c`` reads it)
    OUT/summary.json                  units by grade, awards and orders, by quarter and district
    OUT/certificate.json              the run certificate

Without an output folder (from Python), the partitions' tables come back instead.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from community_governance.policy.schema import PolicySnapshot
from community_governance.province.dataset import Manifest, Partition

__all__ = [
    "CHECKSUMS",
    "RESULTS",
    "PartitionResult",
    "Staging",
    "Task",
    "checksums",
    "json_bytes",
    "parquet_bytes",
    "result_name",
    "run_partition",
    "summary_of",
]

#: The result table's folder and the checksum file beside it.
RESULTS = "results"
CHECKSUMS = "results.sha256"

#: (quarter, district, grade, units): a partition's counts, for the summary.
Count = tuple[str, str, str, int]
#: The function evaluating one partition (``evaluate_partition``, or a wrapper of it).
Task = Callable[[str, Manifest, Partition, Mapping[str, PolicySnapshot]], Any]


@attrs.frozen
class PartitionResult:
    """What comes back from evaluating one partition.

    Attributes:
        name: the result file, relative to the output folder (``None`` without one).
        rows: units in the partition.
        sha256: the result file's SHA-256 (``None`` without an output folder).
        counts: units by quarter, district and grade.
        table: the partition's result table, only when there is no output folder.
    """

    name: str | None
    rows: int
    sha256: str | None
    counts: tuple[Count, ...]
    table: Any = attrs.field(default=None, eq=False, repr=False)


def result_name(partition: Partition) -> str:
    """A partition's result file, relative to the output folder."""
    return f"{RESULTS}/{partition.quarter}-{partition.group}.parquet"


def parquet_bytes(table: Any) -> bytes:
    """A table as Parquet bytes: the same table always gives the same bytes."""
    import pyarrow as pa  # noqa: PLC0415 - the [scale] extra
    import pyarrow.parquet as pq  # noqa: PLC0415

    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return bytes(sink.getvalue().to_pybytes())


def json_bytes(document: Mapping[str, Any]) -> bytes:
    """A document as canonical JSON bytes (sorted keys, UTF-8, a final newline)."""
    return (json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def _counts(table: Any) -> tuple[Count, ...]:
    counted = (
        table.group_by(["quarter", "district", "grade"]).aggregate([("unit", "count")]).to_pydict()
    )
    return tuple(
        sorted(
            zip(
                counted["quarter"],
                counted["district"],
                counted["grade"],
                counted["unit_count"],
                strict=True,
            )
        )
    )


def run_partition(  # noqa: PLR0917 - the task's four arguments after what to run and where
    task: Task,
    staging: str | None,
    directory: str,
    manifest: Manifest,
    partition: Partition,
    snapshots: Mapping[str, PolicySnapshot],
) -> PartitionResult:
    """Evaluate one partition with ``task``; write its result file into ``staging`` if given.

    The file is written under a temporary name and renamed, so a task run again (its
    worker killed) replaces it whole.
    """
    table = task(directory, manifest, partition, snapshots)
    counts = _counts(table)
    if staging is None:
        return PartitionResult(None, table.num_rows, None, counts, table)
    name = result_name(partition)
    data = parquet_bytes(table)
    # The run's folder is made before any task starts; if the run has failed and removed
    # it meanwhile, this write fails rather than leave a stray folder behind.
    path = Path(staging) / name
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_bytes(data)
    partial.replace(path)
    return PartitionResult(name, table.num_rows, hashlib.sha256(data).hexdigest(), counts)


def summary_of(counts: Iterable[Count], snapshots: Mapping[str, PolicySnapshot]) -> dict[str, Any]:
    """Units by grade, honour certificates and rectification orders, by quarter and district."""
    summary: dict[str, dict[str, dict[str, Any]]] = {}
    for quarter, district, grade, count in counts:
        rules = snapshots[quarter]
        entry = summary.setdefault(quarter, {}).setdefault(
            district, {"units": 0, "grades": {}, "awards": 0, "orders": 0}
        )
        entry["units"] += count
        entry["grades"][grade] = entry["grades"].get(grade, 0) + count
        if grade in {g.code for g in rules.award_grades}:
            entry["awards"] += count
        if grade in {g.code for g in rules.rectification_grades}:
            entry["orders"] += count
    return {
        q: {d: dict(e, grades=dict(sorted(e["grades"].items()))) for d, e in sorted(ds.items())}
        for q, ds in sorted(summary.items())
    }


def checksums(results: Iterable[PartitionResult]) -> bytes:
    """The result files' SHA-256 in ``sha256sum`` format, in the manifest's order."""
    return "".join(f"{r.sha256}  {r.name}\n" for r in results).encode()


def _alive(pid: int) -> bool:
    """Whether a process of this id runs (one of another user counts as running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@attrs.define
class Staging:
    """The run's temporary folder beside ``target``: renamed to it at the end, or removed."""

    target: Path
    path: Path = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self.path = self.target.with_name(f".{self.target.name}.partial-{os.getpid()}")

    def open(self) -> None:
        """Create the folder, first removing what killed runs left beside the target.

        A run stopped by a signal removes its own folder; one killed outright (SIGKILL, a
        power cut) cannot, so a folder of this target whose process is gone is removed here.
        """
        for stale in self.target.parent.glob(f".{self.target.name}.partial-*"):
            pid = stale.name.rsplit("-", 1)[-1]
            if stale == self.path or (pid.isdigit() and not _alive(int(pid))):
                shutil.rmtree(stale, ignore_errors=True)
        (self.path / RESULTS).mkdir(parents=True)

    def finish(self, files: Mapping[str, bytes]) -> None:
        """Write ``files`` beside the results, then rename the folder to the target."""
        for name, data in files.items():
            (self.path / name).write_bytes(data)
        self.path.rename(self.target)

    def discard(self) -> None:
        """Remove the folder and everything in it."""
        shutil.rmtree(self.path, ignore_errors=True)
