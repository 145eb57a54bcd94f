"""A province evaluated partition by partition, in process or on Dask (E-1..E-6).

Every rule is per community and a partition holds whole communities, so partitions are
evaluated independently (no shuffle) by
[`evaluate_city`][community_governance.evaluation.city.evaluate_city], in process or as
one Dask task each, and put together in the manifest's order. The result does not depend
on where it was computed: in one process or on a cluster, with one worker or fifty, the
result table is the same, byte for byte, and so is the run certificate.

A run writes, under a temporary name renamed at the end (a failed run leaves nothing):

* ``results.parquet``: one row per unit (exact components, exact numerator and
  denominator, reported final, grade, rank), communities in order;
* ``summary.json``: units by grade, honour certificates and rectification orders, by
  quarter and district;
* ``certificate.json``: the run certificate — the input manifest's digest, the policy's id
  and SHA-256, the library's version, and the digests of the result table and summary.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import shutil
import uuid
from collections.abc import Callable, Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import attrs

from community_governance.errors import GovernanceError, ParseError
from community_governance.evaluation.city import OUTPUT_COLUMNS, evaluate_city
from community_governance.policy import default_policy
from community_governance.policy.model import Policy
from community_governance.policy.schema import PolicySnapshot
from community_governance.province.dataset import (
    Manifest,
    Partition,
    policy_digest,
    read_manifest,
    read_partition,
)

__all__ = [
    "RESULT_COLUMNS",
    "ProvinceRun",
    "SchedulerError",
    "evaluate_partition",
    "evaluate_province",
    "local_cluster_config",
    "province_frame",
]

#: The result table's columns.
RESULT_COLUMNS = ("quarter", "district", *OUTPUT_COLUMNS)

#: ``progress(done, total)``, called as partitions finish.
Progress = Callable[[int, int], None]
#: The function run per partition (``evaluate_partition``, or a wrapper of it).
Task = Callable[[str, Manifest, Partition, Mapping[str, PolicySnapshot]], Any]


class SchedulerError(GovernanceError, ConnectionError):
    """The Dask scheduler cannot be reached or started."""


def _located(error: GovernanceError, directory: str, partition: Partition) -> GovernanceError:
    """``error`` with its field prefixed by the file it was found in."""
    field = error.field or ""
    table = field.split("[", 1)[0].split(".", 1)[0]
    where = f"{directory}/{partition.path}"
    if table in {"units", "ratings", "projects", "answers"}:
        where = f"{where}/{table}.parquet"
    return type(error)(error.message, field=f"{where}: {field}", rule=error.rule)


def evaluate_partition(
    directory: str,
    manifest: Manifest,
    partition: Partition,
    snapshots: Mapping[str, PolicySnapshot],
) -> Any:
    """One partition's result table (pyarrow), its communities in order (E-1..E-6).

    Raises:
        GovernanceError: a file or a row is invalid; the field names the file, and the row
            and column where one is to blame.
    """
    import pyarrow as pa  # noqa: PLC0415 - the [scale] extra

    tables = read_partition(Path(directory), manifest, partition)
    try:
        result = evaluate_city(
            tables, quarter=partition.quarter, policy=snapshots[partition.quarter]
        )
    except GovernanceError as error:
        raise _located(error, directory, partition) from None
    communities = tables["communities"].to_pydict()
    district = dict(zip(communities["community"], communities["district"], strict=True))
    columns = result.columns
    data: dict[str, Any] = {
        "quarter": pa.array([partition.quarter] * len(result), pa.string()),
        "district": pa.array([district.get(c) for c in columns["community"]], pa.string()),
    }
    places = snapshots[partition.quarter].rounding_places
    for name in OUTPUT_COLUMNS:
        values = list(columns[name])
        if name == "final":
            data[name] = pa.array(values, pa.decimal128(18, places))
        elif name in {"exact_numerator", "exact_denominator", "rank"}:
            data[name] = pa.array([str(v) for v in values] if name != "rank" else values)
        else:
            data[name] = pa.array(values, pa.string())
    return pa.table(data)


@attrs.frozen
class ProvinceRun:
    """A province's results: the table, the summary and the run certificate."""

    table: Any = attrs.field(repr=False)
    summary: Mapping[str, Any]
    certificate: Mapping[str, Any]

    def to_pandas(self) -> Any:
        """The result table as a pandas DataFrame."""
        return self.table.to_pandas()


def _library_version() -> str:
    try:
        return version("community-governance")
    except PackageNotFoundError:  # pragma: no cover - a source tree without metadata
        return "unknown"


def _snapshots(manifest: Manifest, policy: Policy) -> dict[str, PolicySnapshot]:
    from community_governance.community import Quarter  # noqa: PLC0415

    return {q: policy.at(Quarter.parse(q).end) for q in manifest.quarters}


def _in_process(
    directory: str,
    manifest: Manifest,
    snapshots: Mapping[str, PolicySnapshot],
    task: Task,
    progress: Progress | None,
) -> list[Any]:
    results = []
    for done, partition in enumerate(manifest.partitions, start=1):
        results.append(task(directory, manifest, partition, snapshots))
        if progress is not None:
            progress(done, len(manifest.partitions))
    return results


def local_cluster_config() -> Any:
    """The Dask settings of the local clusters the library starts, as a context manager.

    Workers' statistical profiler is off: it interrupts the computing thread every 10 ms
    to sample its stack, which costs a worker process a tenth of its time here.
    """
    dask: Any = importlib.import_module("dask")
    return dask.config.set({"distributed.worker.profile.enabled": False})


def _client(scheduler: str) -> tuple[Any, Any]:
    """A Dask client for ``local``, ``local:N`` or a scheduler's address, and its cluster."""
    try:
        distributed: Any = importlib.import_module("distributed")  # the [scale] extra
    except ImportError:
        raise SchedulerError(
            "Dask is not installed: pip install 'community-governance[scale]'",
            field="scheduler",
            rule="scale",
        ) from None
    if scheduler == "local" or scheduler.startswith("local:"):
        count = scheduler.partition(":")[2]
        if count and not (count.isascii() and count.isdigit() and int(count) > 0):
            raise SchedulerError(
                f"{scheduler!r}: local:N takes a positive number of workers",
                field="scheduler",
                rule="scale",
            )
        workers = int(count) if count else os.cpu_count() or 1
        try:
            with local_cluster_config():
                cluster = distributed.LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    # A free port: a dashboard already on 8787 must not get in the way.
                    dashboard_address=":0",
                )
        except (OSError, RuntimeError) as error:
            raise SchedulerError(
                f"cannot start a local cluster of {workers} workers ({error})",
                field="scheduler",
                rule="scale",
            ) from None
        return distributed.Client(cluster), cluster
    try:
        return distributed.Client(scheduler, timeout="10s"), None
    except (OSError, TimeoutError, ValueError) as error:
        raise SchedulerError(
            f"cannot reach the Dask scheduler at {scheduler} ({error.__class__.__name__})",
            field="scheduler",
            rule="scale",
        ) from None


def _on_dask(
    scheduler: Any,
    *,
    directory: str,
    manifest: Manifest,
    snapshots: Mapping[str, PolicySnapshot],
    task: Task,
    progress: Progress | None,
) -> list[Any]:
    given = not isinstance(scheduler, str)  # a caller's own distributed.Client
    client, cluster = (scheduler, None) if given else _client(scheduler)
    as_completed = importlib.import_module("distributed").as_completed
    try:
        shared = client.scatter(dict(snapshots), broadcast=True)  # the policy goes once
        run = uuid.uuid4().hex[:12]  # keys of this run only, whatever ran on the client before
        futures = [
            client.submit(
                task,
                directory,
                manifest.narrowed(partition),
                partition,
                shared,
                key=f"partition-{partition.quarter}-{partition.group}-{run}",
                pure=False,
                # Largest first, so that no large partition is left for the end alone.
                priority=_size(directory, partition),
            )
            for partition in manifest.partitions
        ]
        del shared
        position = {future.key: index for index, future in enumerate(futures)}
        results: list[Any] = [None] * len(futures)
        pending = as_completed(futures)
        # Only the iterator holds the futures now: each is released once its result is
        # taken, so that a worker keeps no more than the partitions it is working on.
        futures.clear()
        for done, future in enumerate(pending, start=1):
            results[position[future.key]] = future.result()
            del future
            if progress is not None:
                progress(done, len(results))
        return results
    finally:
        if not given:
            client.close()
        if cluster is not None:
            cluster.close()


def _size(directory: str, partition: Partition) -> int:
    """A partition's ratings file size in bytes: its work, roughly (0 if unreadable)."""
    try:
        return (Path(directory) / partition.path / "ratings.parquet").stat().st_size
    except OSError:
        return 0


def _summary(table: Any, snapshots: Mapping[str, PolicySnapshot]) -> dict[str, Any]:
    """Units by grade, honour certificates and rectification orders, by quarter and district."""
    counted = (
        table.group_by(["quarter", "district", "grade"]).aggregate([("unit", "count")]).to_pydict()
    )
    summary: dict[str, dict[str, dict[str, Any]]] = {}
    for quarter, district, grade, count in zip(
        counted["quarter"],
        counted["district"],
        counted["grade"],
        counted["unit_count"],
        strict=True,
    ):
        rules = snapshots[quarter]
        entry = summary.setdefault(quarter, {}).setdefault(
            district, {"units": 0, "grades": {}, "awards": 0, "orders": 0}
        )
        entry["units"] += count
        entry["grades"][grade] = count
        if grade in {g.code for g in rules.award_grades}:
            entry["awards"] += count
        if grade in {g.code for g in rules.rectification_grades}:
            entry["orders"] += count
    return {
        q: {d: dict(e, grades=dict(sorted(e["grades"].items()))) for d, e in sorted(ds.items())}
        for q, ds in sorted(summary.items())
    }


def _parquet_bytes(table: Any) -> bytes:
    import pyarrow as pa  # noqa: PLC0415 - the [scale] extra
    import pyarrow.parquet as pq  # noqa: PLC0415

    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return bytes(sink.getvalue().to_pybytes())


def _json_bytes(document: Mapping[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def evaluate_province(
    directory: Path | str,
    *,
    out: Path | str | None = None,
    scheduler: Any = None,
    policy: Policy | None = None,
    progress: Progress | None = None,
    task: Task = evaluate_partition,
) -> ProvinceRun:
    """Evaluate every partition of a province dataset (E-1..E-6).

    Args:
        directory: the dataset (see ``province.dataset``).
        out: a new folder for ``results.parquet``, ``summary.json`` and
            ``certificate.json``; written under a temporary name and renamed at the end.
        scheduler: ``None`` to run in this process; ``"local"`` or ``"local:N"`` for a
            ``LocalCluster`` of N worker processes; or a scheduler's address
            (``"tcp://host:8786"``) to run on an existing Dask cluster; or a
            ``distributed.Client`` already connected (left open).
        policy: the policy; default the shipped one.
        progress: called with (partitions done, partitions) as they finish.
        task: the function run per partition: ``evaluate_partition``, or a wrapper of it.

    Raises:
        GovernanceError: a file or a row is invalid (naming the file, and the row and
            column), the output folder exists, or the scheduler cannot be reached.
    """
    source = Path(directory)
    target = Path(out) if out is not None else None
    if target is not None and target.exists():
        raise ParseError("the output folder exists already", field=str(target), rule="E-1")
    manifest = read_manifest(source)
    rules = policy or default_policy()
    snapshots = _snapshots(manifest, rules)
    if scheduler is None:
        parts = _in_process(str(source), manifest, snapshots, task, progress)
    else:
        parts = _on_dask(
            scheduler,
            directory=str(source),
            manifest=manifest,
            snapshots=snapshots,
            task=task,
            progress=progress,
        )
    import pyarrow as pa  # noqa: PLC0415 - the [scale] extra

    table = pa.concat_tables(parts) if parts else pa.table({c: [] for c in RESULT_COLUMNS})
    results = _parquet_bytes(table)
    summary = _summary(table, snapshots)
    certificate = {
        "schema": "community-governance/province-run",
        "version": 1,
        "manifest_sha256": manifest.digest,
        "policy": {"id": rules.policy_id, "sha256": policy_digest(rules)},
        "library_version": _library_version(),
        "results_sha256": hashlib.sha256(results).hexdigest(),
        "summary_sha256": hashlib.sha256(_json_bytes(summary)).hexdigest(),
        "partitions": len(manifest.partitions),
        "units": table.num_rows,
    }
    if target is not None:
        _write(
            target,
            {
                "results.parquet": results,
                "summary.json": _json_bytes(summary),
                "certificate.json": _json_bytes(certificate),
            },
        )
    return ProvinceRun(table, summary, certificate)


def _write(target: Path, files: Mapping[str, bytes]) -> None:
    """Write ``files`` into a temporary folder beside ``target``, then rename it."""
    temporary = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        temporary.mkdir(parents=True)
        for name, data in files.items():
            (temporary / name).write_bytes(data)
        temporary.rename(target)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise


def province_frame(directory: Path | str, *, policy: Policy | None = None) -> Any:
    """The province's results as a lazy Dask DataFrame, one partition per dataset partition.

    Nothing is read until it is computed; each partition is evaluated where Dask runs it.
    """
    dask: Any = importlib.import_module("dask")  # the [scale] extra
    dd: Any = importlib.import_module("dask.dataframe")

    source = str(Path(directory))
    manifest = read_manifest(source)
    # One node for the policy, shared by every partition's task; each task carries only
    # its own partition's part of the manifest.
    snapshots = dask.delayed(_snapshots(manifest, policy or default_policy()), traverse=False)
    parts = [
        dask.delayed(_partition_frame)(source, manifest.narrowed(p), p, snapshots)
        for p in manifest.partitions
    ]
    return dd.from_delayed(parts, verify_meta=False)


def _partition_frame(
    directory: str,
    manifest: Manifest,
    partition: Partition,
    snapshots: Mapping[str, PolicySnapshot],
) -> Any:
    return evaluate_partition(directory, manifest, partition, snapshots).to_pandas()
