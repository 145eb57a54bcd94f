"""A province evaluated partition by partition, in process or on Dask (E-1..E-6).

Every rule is per community and a partition holds whole communities, so partitions are
evaluated independently (no shuffle) by
[`evaluate_city`][community_governance.evaluation.city.evaluate_city], in process or as
one Dask task each, and put together in the manifest's order. The result does not depend
on where it was computed: in one process or on a cluster, with one worker or fifty, the
result table is the same, byte for byte, and so is the run certificate.

A run with an output folder writes, under a temporary name renamed at the end (a failed
run leaves nothing), one result file per partition, written where the partition was
evaluated (see ``province.output``): the results never travel to one process, so memory
is bounded by a partition, not by the province.

* ``results/``: the result table as one Parquet file per partition (one row per unit:
  exact components, exact numerator and denominator, reported final, grade, rank);
* ``results.sha256``: each result file's SHA-256;
* ``summary.json``: units by grade, honour certificates and rectification orders, by
  quarter and district;
* ``certificate.json``: the run certificate — the input manifest's digest, the policy's id
  and SHA-256, the library's version, and the digests of the result files and summary.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import os
import struct
import uuid
from collections.abc import Callable, Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import attrs

from community_governance.errors import GovernanceError, ParseError
from community_governance.evaluation.city import OUTPUT_COLUMNS, evaluate_city
from community_governance.extras import require
from community_governance.policy import default_policy
from community_governance.policy.model import Policy
from community_governance.policy.schema import PolicySnapshot
from community_governance.province.dataset import (
    MANIFEST,
    Limits,
    Manifest,
    Partition,
    check_whole_communities,
    policy_digest,
    read_manifest,
    read_partition,
)
from community_governance.province.output import (
    CHECKSUMS,
    RESULTS,
    PartitionResult,
    Staging,
    Task,
    checksums,
    json_bytes,
    parquet_bytes,
    result_name,
    run_partition,
    summary_of,
)
from community_governance.province.samples import check_samples

__all__ = [
    "RESULT_COLUMNS",
    "SCHEDULER_TIMEOUT",
    "ProvinceRun",
    "SchedulerError",
    "evaluate_partition",
    "evaluate_province",
    "local_cluster",
    "local_cluster_config",
    "probe_scheduler",
    "province_frame",
]

#: The result table's columns.
RESULT_COLUMNS = ("quarter", "district", *OUTPUT_COLUMNS)

#: ``progress(done, total)``, called as partitions finish.
Progress = Callable[[int, int], None]


class SchedulerError(GovernanceError, ConnectionError):
    """The Dask scheduler cannot be reached or started."""


def _located(error: GovernanceError, directory: str, partition: Partition) -> GovernanceError:
    """``error`` with its field prefixed by the file it was found in."""
    field = error.field or ""
    table = field.split("[", 1)[0].split(".", 1)[0]
    where = f"{directory}/{partition.path}"
    if table in {"units", "ratings", "projects", "answers", "frames", "certificates"}:
        where = f"{where}/{table}.parquet"
    return error.moved(f"{where}: {field}")


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
        check_samples(tables)
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
    """A province's results: the table, the summary and the run certificate.

    ``table`` is read when asked for: from the output folder's result files, or from the
    partitions' tables when the run had no output folder.
    """

    summary: Mapping[str, Any]
    certificate: Mapping[str, Any]
    folder: Path | None = None
    parts: tuple[Any, ...] = attrs.field(default=(), repr=False)

    @property
    def table(self) -> Any:
        """The result table (pyarrow), one row per unit, communities in order."""
        import pyarrow as pa  # noqa: PLC0415 - the [scale] extra
        import pyarrow.parquet as pq  # noqa: PLC0415

        if self.folder is not None:
            files = sorted((self.folder / RESULTS).glob("*.parquet"))
            parts = [pq.read_table(f) for f in files]
        else:
            parts = list(self.parts)
        return pa.concat_tables(parts) if parts else pa.table({c: [] for c in RESULT_COLUMNS})

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
    work: Callable[..., PartitionResult],
    progress: Progress | None,
) -> list[PartitionResult]:
    results = []
    for done, partition in enumerate(manifest.partitions, start=1):
        results.append(work(directory, manifest.narrowed(partition), partition, snapshots))
        if progress is not None:
            progress(done, len(manifest.partitions))
    return results


#: What needs Dask, for the message that names the extra.
_DASK = ("evaluating a province on Dask", "在 Dask 上评估全省")


def local_cluster_config() -> Any:
    """The Dask settings of the local clusters the library starts, as a context manager.

    Workers' statistical profiler is off: it interrupts the computing thread every 10 ms
    to sample its stack, which costs a worker process a tenth of its time here.
    """
    dask: Any = require("dask", needed_for=_DASK, field="scheduler", rule="scale")
    return dask.config.set({"distributed.worker.profile.enabled": False})


def local_cluster(workers: int) -> Any:
    """A ``LocalCluster`` as the library starts one: ``workers`` processes of one thread.

    Its settings are ``local_cluster_config``'s; its dashboard takes a free port, so that
    one already on 8787 does not get in the way.
    """
    distributed: Any = require("distributed", needed_for=_DASK, field="scheduler", rule="scale")
    with local_cluster_config():
        return distributed.LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        )


def _client(scheduler: str) -> tuple[Any, Any]:
    """A Dask client for ``local``, ``local:N`` or a scheduler's address, and its cluster."""
    distributed: Any = require("distributed", needed_for=_DASK, field="scheduler", rule="scale")
    if scheduler == "local" or scheduler.startswith("local:"):
        count = scheduler.partition(":")[2]
        if count and not (count.isascii() and count.isdigit() and int(count) > 0):
            raise SchedulerError(
                f"{scheduler!r}: local:N takes a positive number of workers",
                field="scheduler",
                rule="scale",
                zh=f"{scheduler!r}：local:N 中的工作进程数须为正数",
            )
        workers = int(count) if count else os.cpu_count() or 1
        try:
            cluster = local_cluster(workers)
        except (OSError, RuntimeError) as error:
            raise SchedulerError(
                f"cannot start a local cluster of {workers} workers ({error})",
                field="scheduler",
                rule="scale",
                zh=f"无法启动含 {workers} 个工作进程的本地集群（{error}）",
            ) from None
        return distributed.Client(cluster), cluster
    probe_scheduler(scheduler)
    try:
        return distributed.Client(scheduler, timeout=f"{SCHEDULER_TIMEOUT}s"), None
    except (OSError, TimeoutError, ValueError) as error:
        raise SchedulerError(
            f"cannot reach the Dask scheduler at {scheduler} ({error.__class__.__name__})",
            field="scheduler",
            rule="scale",
            zh=f"无法连接 {scheduler} 上的 Dask 调度器（{error.__class__.__name__}）",
        ) from None


#: Seconds a scheduler has to accept a connection and greet, and a client to connect.
SCHEDULER_TIMEOUT = 10
#: The most frames, and bytes in one frame, a Dask scheduler's greeting can hold here.
_GREETING_FRAMES = 64
_GREETING_BYTES = 1 << 20
#: The smallest first part: a frame count and one frame's length.
_PRELUDE_BYTES = 16


def _scheduler_error(scheduler: str, english: str, chinese: str) -> SchedulerError:
    return SchedulerError(
        f"cannot reach the Dask scheduler at {scheduler} ({english})",
        field="scheduler",
        rule="scale",
        zh=f"无法连接 {scheduler} 上的 Dask 调度器（{chinese}）",
    )


def probe_scheduler(scheduler: str, timeout: float = SCHEDULER_TIMEOUT) -> None:
    """Check that ``tcp://HOST:PORT`` greets as a Dask scheduler does, within ``timeout``.

    A scheduler speaks first: on a new connection it sends its handshake, a small message
    that opens with its first part's byte count, the frame count and each frame's length
    (8-byte little-endian integers). Anything else (silence past the deadline, an HTTP
    server, a prelude promising more than a greeting holds) is refused here, by a plain
    socket with a real deadline, before Dask's client would wait on it or allocate what it
    promises.

    Raises:
        SchedulerError: the address is not ``tcp://HOST:PORT``, or what answers there does
            not greet as a scheduler does within ``timeout`` seconds.
    """
    import socket  # noqa: PLC0415 - only for a remote scheduler
    import time  # noqa: PLC0415
    from urllib.parse import urlsplit  # noqa: PLC0415

    try:
        parts = urlsplit(scheduler)
        host, port = parts.hostname, parts.port
    except ValueError:
        host = port = None
    if parts.scheme != "tcp" or not host or port is None:
        raise _scheduler_error(
            scheduler, "the address is not tcp://HOST:PORT", "地址不是 tcp://主机:端口"
        )
    deadline = time.monotonic() + timeout

    def read(connection: socket.socket, size: int) -> bytes:
        data = b""
        while len(data) < size:
            connection.settimeout(max(0.001, deadline - time.monotonic()))
            block = connection.recv(size - len(data))
            if not block:
                raise ConnectionError
            data += block
        return data

    try:
        with socket.create_connection((host, port), timeout=timeout) as connection:
            greeted = _greets(functools.partial(read, connection))
    except TimeoutError:
        raise _scheduler_error(
            scheduler, f"no greeting within {timeout:g} s", f"{timeout:g} 秒内无应答"
        ) from None
    except OSError as error:
        raise _scheduler_error(
            scheduler, error.__class__.__name__, error.__class__.__name__
        ) from None
    if not greeted:
        raise _scheduler_error(
            scheduler,
            "what answers there does not speak Dask's protocol",
            "对方不使用 Dask 协议",
        )


def _greets(read: Callable[[int], bytes]) -> bool:
    """Whether the first bytes ``read`` gives open a Dask message of a greeting's size.

    A message opens with the byte count of its first part, then that part's prelude: the
    frame count and each frame's length.
    """
    (total,) = struct.unpack("<Q", read(8))
    if not _PRELUDE_BYTES <= total <= _GREETING_BYTES:
        return False
    (frames,) = struct.unpack("<Q", read(8))
    if not 0 < frames <= _GREETING_FRAMES or 8 + 8 * frames > total:
        return False
    lengths = struct.unpack(f"<{frames}Q", read(8 * frames))
    return all(length <= _GREETING_BYTES for length in lengths)


def _on_dask(
    scheduler: Any,
    *,
    directory: str,
    manifest: Manifest,
    snapshots: Mapping[str, PolicySnapshot],
    work: Callable[..., PartitionResult],
    progress: Progress | None,
) -> list[PartitionResult]:
    given = not isinstance(scheduler, str)  # a caller's own distributed.Client
    client, cluster = (scheduler, None) if given else _client(scheduler)
    as_completed = importlib.import_module("distributed").as_completed
    try:
        shared = client.scatter(dict(snapshots), broadcast=True)  # the policy goes once
        run = uuid.uuid4().hex[:12]  # keys of this run only, whatever ran on the client before
        futures = [
            client.submit(
                work,
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
        # A future is dropped once its result is taken, so that a worker keeps no more than
        # the partitions it is working on; the rest are kept to be cancelled on an error.
        live = {future.key: future for future in futures}
        futures.clear()
        try:
            for done, future in enumerate(pending, start=1):
                results[position[future.key]] = future.result()
                del live[future.key], future
                if progress is not None:
                    progress(done, len(results))
        except BaseException:
            # On a caller's own cluster the other partitions would go on running.
            client.cancel(list(live.values()))
            raise
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


def evaluate_province(
    directory: Path | str,
    *,
    out: Path | str | None = None,
    scheduler: Any = None,
    policy: Policy | None = None,
    progress: Progress | None = None,
    task: Task = evaluate_partition,
    limits: Limits | None = None,
) -> ProvinceRun:
    """Evaluate every partition of a province dataset (E-1..E-6).

    Args:
        directory: the dataset (see ``province.dataset``).
        out: a new folder for the result files, ``results.sha256``, ``summary.json`` and
            ``certificate.json`` (see ``province.output``); written under a temporary name
            and renamed at the end. Each partition's file is written by the process that
            evaluated it, so the folder must be reachable from every worker.
        scheduler: ``None`` to run in this process; ``"local"`` or ``"local:N"`` for a
            ``LocalCluster`` of N worker processes; or a scheduler's address
            (``"tcp://host:8786"``) to run on an existing Dask cluster; or a
            ``distributed.Client`` already connected (left open).
        policy: the policy; default the shipped one.
        progress: called with (partitions done, partitions) as they finish.
        task: the function run per partition: ``evaluate_partition``, or a wrapper of it.
        limits: the bounds on the dataset's files (default ``Limits()``).

    Raises:
        GovernanceError: a file or a row is invalid (naming the file, and the row and
            column), the output folder exists, or the scheduler cannot be reached.
    """
    source = Path(directory)
    target = Path(out) if out is not None else None
    if target is not None and target.exists():
        raise ParseError(
            "the output folder exists already", field=str(target), rule="E-1", zh="输出文件夹已存在"
        )
    manifest = read_manifest(source, limits=limits)
    rules = policy or default_policy()
    used = (rules.policy_id, policy_digest(rules))
    if (manifest.policy_id, manifest.policy_sha256) != used:
        # A dataset names the policy it was prepared under; scoring it under another
        # would give numbers no one asked for, silently.
        raise ParseError(
            f"the dataset was prepared under policy {manifest.policy_id} "
            f"(SHA-256 {manifest.policy_sha256[:12]}…), not {used[0]} ({used[1][:12]}…)",
            field=str(source / MANIFEST),
            rule="E-1",
            zh=(
                f"数据集按政策 {manifest.policy_id}（SHA-256 {manifest.policy_sha256[:12]}…）准备，"
                f"而非 {used[0]}（{used[1][:12]}…）"
            ),
        )
    check_whole_communities(source, manifest)
    snapshots = _snapshots(manifest, rules)
    staging = Staging(target) if target is not None else None
    work = functools.partial(run_partition, task, str(staging.path) if staging else None)
    try:
        if staging is not None:
            staging.open()
        if scheduler is None:
            results = _in_process(str(source), manifest, snapshots, work, progress)
        else:
            results = _on_dask(
                scheduler,
                directory=str(source),
                manifest=manifest,
                snapshots=snapshots,
                work=work,
                progress=progress,
            )
        summary = summary_of((c for r in results for c in r.counts), snapshots)
        if staging is None:
            # Without an output folder, the digests are those the files would have had.
            results = [
                attrs.evolve(r, name=result_name(p), sha256=_sha256(parquet_bytes(r.table)))
                for r, p in zip(results, manifest.partitions, strict=True)
            ]
        listing = checksums(results)
        certificate = {
            "schema": "community-governance/province-run",
            "version": 2,
            "manifest_sha256": manifest.digest,
            "policy": {"id": rules.policy_id, "sha256": policy_digest(rules)},
            "library_version": _library_version(),
            "results_sha256": _sha256(listing),
            "summary_sha256": _sha256(json_bytes(summary)),
            "partitions": len(manifest.partitions),
            "units": sum(r.rows for r in results),
        }
        if staging is not None and target is not None:
            staging.finish(
                {
                    CHECKSUMS: listing,
                    "summary.json": json_bytes(summary),
                    "certificate.json": json_bytes(certificate),
                }
            )
            return ProvinceRun(summary, certificate, folder=target)
    except BaseException:
        if staging is not None:
            staging.discard()
        raise
    return ProvinceRun(summary, certificate, parts=tuple(r.table for r in results))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def province_frame(directory: Path | str, *, policy: Policy | None = None) -> Any:
    """The province's results as a lazy Dask DataFrame, one partition per dataset partition.

    Nothing is read until it is computed; each partition is evaluated where Dask runs it.
    """
    dask: Any = require("dask", needed_for=_DASK, field="scheduler", rule="scale")
    dd: Any = require("dask.dataframe", needed_for=_DASK, field="scheduler", rule="scale")

    source = str(Path(directory))
    manifest = read_manifest(source)
    check_whole_communities(source, manifest)
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
