"""A generated province on one and on two Dask worker processes (E-1..E-6).

The province is generated once (``city generate``'s generator, not timed; 100 communities
per partition unless ``--group-size`` says otherwise). Two ``LocalCluster``s are started
once, one of one worker process and one of two (one thread each, started as the library
starts its own, ``local_cluster``); then ``evaluate_province`` runs on each in turn,
interleaved and repeated. Both clusters run on this machine's cores, idle while the other
works.

Printed, and with ``--json`` as one JSON object on the last line:

* ``one_worker_s``, ``two_workers_s``: median wall times of a whole run, as ``city
  evaluate`` does it (partitions read, evaluated and their result files written on the
  workers; summary, checksums and certificate made; the output folder renamed);
* ``speedup``: one worker's median over two workers' (goal: at least 1.8), and
  ``speedup_min_pair``: the smallest ratio of one interleaved pair;
* ``identical``: every run's result table and certificate equal those of one run in
  this process;
* ``peak_worker_mib``: the largest resident memory any worker process reached;
  ``peak_driver_mib``, this process's (generation included, unless ``--dataset`` reuses a
  province).

Run: ``python benchmarks/scale_out.py --communities N [--reps R] [--json]``. With
``--dataset DIR`` the generated province is kept there, and a later run with the same
``--dataset`` evaluates it again without generating it (``--communities`` and ``--copies``
are then not used for generating; the figures name the province actually read).
"""

from __future__ import annotations

import argparse
import importlib
import json
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from community_governance.province.generate import generate_province
from community_governance.province.run import (
    evaluate_province,
    local_cluster,
)


def _peak_mib() -> float:
    """This process's peak resident memory since it started (``VmHWM``).

    Not ``ru_maxrss``, which carries over the peak of the process a worker was forked from.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


_IDS = {
    "communities": ("community",),
    "units": ("community", "unit"),
    "ratings": ("community", "rater", "ratee"),
    "projects": ("community", "project", "responsible_units"),
    "frames": ("community", "household"),
    "certificates": ("community",),
    "answers": ("community", "household", "project"),
}


def _tile(base: Path, target: Path, copies: int) -> None:
    """``copies`` copies of the ``base`` province, every id prefixed by its copy's number.

    A province this machine takes minutes to evaluate would take hours to generate (a
    sample drawn from every frame); the copies make one in minutes. Each copy's work is that
    of the base, its communities real ones renamed. (The certificates' documents are the
    base's, unrenamed: they are not evaluated.)
    """
    import pyarrow as pa  # noqa: PLC0415 - the [scale] extra
    import pyarrow.compute as pc  # noqa: PLC0415

    from community_governance.policy import default_policy  # noqa: PLC0415
    from community_governance.province.dataset import (  # noqa: PLC0415
        Partition,
        read_manifest,
        read_partition,
        write_dataset,
    )

    manifest = read_manifest(base)

    def renamed(column: Any, prefix: str) -> Any:
        column = column.combine_chunks()
        if pa.types.is_list(column.type):
            values = pc.binary_join_element_wise(prefix, column.values, "")
            return pa.ListArray.from_arrays(column.offsets, values)
        return pc.binary_join_element_wise(prefix, column, "")

    def partitions() -> Any:
        count = 0
        for copy in range(copies):
            for partition in manifest.partitions:
                tables = read_partition(base, manifest, partition)
                for name, columns in _IDS.items():
                    table = tables[name]
                    for column in columns:
                        index = table.column_names.index(column)
                        table = table.set_column(
                            index, column, renamed(table.column(column), f"T{copy}-")
                        )
                    tables[name] = table
                yield Partition(partition.quarter, f"{count:05d}"), tables
                count += 1

    write_dataset(target, partitions(), default_policy())


def _communities(data: Path) -> int:
    """How many communities the dataset holds (from the Parquet footers)."""
    import pyarrow.parquet as pq  # noqa: PLC0415 - the [scale] extra

    from community_governance.province.dataset import read_manifest  # noqa: PLC0415

    return sum(
        pq.read_metadata(data / p.path / "communities.parquet").num_rows
        for p in read_manifest(data).partitions
    )


def _report(figures: dict[str, Any], reps: int) -> None:
    """Print the figures for a person."""
    medians = figures
    in_process_s = figures["in_process_s"]
    generated_s = figures["generated_s"]
    peak = figures["peak_worker_mib"]
    identical = figures["identical"]
    print(
        f"province of {figures['communities']} communities, {figures['units']} units, "
        f"{figures['partitions']} partitions (generated in {generated_s:.1f} s)"
    )
    if in_process_s is not None:
        print(f"  in this process      {in_process_s:8.2f} s")
    print(f"  one worker process   {medians['one_worker_s']:8.2f} s (median of {reps})")
    print(f"  two worker processes {medians['two_workers_s']:8.2f} s (median of {reps})")
    print(
        f"  speed-up {figures['speedup']:.2f}x (smallest pair {figures['speedup_min_pair']:.2f}x; "
        f"goal >= 1.8x); identical: {identical}; peak memory: worker {peak:.0f} MiB, "
        f"this process {figures['peak_driver_mib']:.0f} MiB"
    )


def _arguments() -> argparse.Namespace:
    """The command line's arguments."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--communities", type=int, default=2000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--group-size", type=int, default=100, help="communities per partition")
    parser.add_argument(
        "--copies", type=int, default=1, help="tile the generated province this many times"
    )
    parser.add_argument(
        "--reference", action="store_true", help="also evaluate in this process and compare"
    )
    parser.add_argument(
        "--dataset",
        type=Path,
        help="keep the generated province in this folder, or reuse it if it is there already",
    )
    parser.add_argument("--json", action="store_true", help="end with one JSON object")
    return parser.parse_args()


def main() -> None:
    """Generate, then time one and two workers, interleaved."""
    distributed: Any = importlib.import_module("distributed")  # the [scale] extra

    args = _arguments()
    with tempfile.TemporaryDirectory() as folder:
        data = args.dataset or Path(folder) / "province"
        start = time.perf_counter()
        if not (data / "manifest.json").exists():
            base = data if args.copies == 1 else Path(folder) / "base"
            generate_province(
                base, communities=args.communities, seed="benchmark", group_size=args.group_size
            )
            if args.copies > 1:
                _tile(base, data, args.copies)
        generated_s = time.perf_counter() - start
        communities = _communities(data)
        reference = None
        in_process_s = None
        if args.reference:
            start = time.perf_counter()
            reference = evaluate_province(data)
            in_process_s = time.perf_counter() - start
        clusters: dict[str, Any] = {}
        clients: dict[str, Any] = {}
        for name, workers in (("one_worker_s", 1), ("two_workers_s", 2)):
            clusters[name] = local_cluster(workers)
            clients[name] = distributed.Client(clusters[name])
            clients[name].run(importlib.import_module, "community_governance.province.run")
        times: dict[str, list[float]] = {name: [] for name in clients}
        certificates = [] if reference is None else [reference.certificate]
        for rep in range(args.reps):
            for name, client in clients.items():
                out = Path(folder) / f"run-{name}-{rep}"
                start = time.perf_counter()
                run = evaluate_province(data, out=out, scheduler=client)
                times[name].append(time.perf_counter() - start)
                certificates.append(run.certificate)
                del run
                shutil.rmtree(out)
        identical = all(c == certificates[0] for c in certificates)
        peak = max(value for client in clients.values() for value in client.run(_peak_mib).values())
        for client in clients.values():
            client.close()
        for cluster in clusters.values():
            cluster.close()
    medians = {name: statistics.median(values) for name, values in times.items()}
    figures = {
        **medians,
        "speedup": medians["one_worker_s"] / medians["two_workers_s"],
        "speedup_min_pair": min(
            a / b for a, b in zip(times["one_worker_s"], times["two_workers_s"], strict=True)
        ),
        "identical": identical,
        "peak_worker_mib": peak,
        "peak_driver_mib": _peak_mib(),
        "communities": communities,
        "units": certificates[0]["units"],
        "partitions": certificates[0]["partitions"],
        "generated_s": generated_s,
        "in_process_s": in_process_s,
    }
    _report(figures, args.reps)
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
