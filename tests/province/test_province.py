"""A province on Dask gives the very numbers of one process (E-1..E-6).

Real components: Parquet files on disk, and a Dask ``LocalCluster`` of worker processes
started by the tests (one and two workers; a worker killed with SIGKILL mid-run).
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from community_governance.cli import main
from community_governance.errors import GovernanceError
from community_governance.policy import default_policy
from community_governance.policy.schema import PolicySnapshot
from community_governance.province.dataset import (
    MANIFEST,
    Manifest,
    Partition,
    read_manifest,
    read_partition,
    write_dataset,
)
from community_governance.province.generate import generate_province
from community_governance.province.run import (
    evaluate_partition,
    evaluate_province,
    province_frame,
)

COMMUNITIES = 50


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated province of 50 communities (two partitions)."""
    directory = tmp_path_factory.mktemp("province") / "data"
    generate_province(directory, communities=COMMUNITIES, seed="闽-2026", group_size=20)
    return directory


@pytest.fixture(scope="module")
def in_process(province: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The province evaluated in this process."""
    out = tmp_path_factory.mktemp("runs") / "in-process"
    evaluate_province(province, out=out)
    return out


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _same_run(one: Path, two: Path) -> None:
    first, second = _files(one), _files(two)
    assert sorted(first) == sorted(second)
    assert {"results.sha256", "summary.json", "certificate.json"} < set(first)
    assert sum(name.startswith("results/") for name in first) == 3  # one file per partition
    for name, data in first.items():
        assert second[name] == data, name


def test_generation_is_deterministic(province: Path, tmp_path: Path) -> None:
    """E-1: the same seed writes the same bytes (every file digest and the manifest)."""
    again = tmp_path / "again"
    generate_province(again, communities=COMMUNITIES, seed="闽-2026", group_size=20)
    assert (again / MANIFEST).read_bytes() == (province / MANIFEST).read_bytes()
    other = tmp_path / "other"
    generate_province(other, communities=COMMUNITIES, seed="闽-2027", group_size=20)
    assert read_manifest(other).files != read_manifest(province).files


def test_partitions_hold_whole_communities(province: Path) -> None:
    """E-1: no community is split across partitions, and every unit has a project."""
    manifest = read_manifest(province)
    seen: set[str] = set()
    for partition in manifest.partitions:
        tables = read_partition(province, manifest, partition)
        communities = set(tables["units"].column("community").to_pylist())
        assert not communities & seen
        seen |= communities
        owners = {
            u for units in tables["projects"].column("responsible_units").to_pylist() for u in units
        }
        assert owners == set(tables["units"].column("unit").to_pylist())
    assert len(seen) == COMMUNITIES


def test_a_narrowed_manifest_reads_its_partition_only(province: Path) -> None:
    """E-1: a task's manifest holds its own files' digests; any other file is refused."""
    manifest = read_manifest(province)
    first, second = manifest.partitions[:2]
    narrowed = manifest.narrowed(first)
    assert narrowed.digest == manifest.digest
    assert narrowed.partitions == (first,)
    assert len(narrowed.files) == len(read_partition(province, narrowed, first))
    assert set(narrowed.files) < set(manifest.files)
    with pytest.raises(GovernanceError, match="not in the manifest"):
        read_partition(province, narrowed, second)


@pytest.mark.parametrize("scheduler", ["local:1", "local:2"])
def test_a_cluster_gives_the_bytes_of_one_process(
    province: Path, in_process: Path, tmp_path: Path, scheduler: str
) -> None:
    """E-1..E-6: one worker, two workers, one process: the same result table and certificate."""
    out = tmp_path / "out"
    evaluate_province(province, out=out, scheduler=scheduler)
    _same_run(in_process, out)


def _dies_once(
    directory: str,
    manifest: Manifest,
    partition: Partition,
    snapshots: Mapping[str, PolicySnapshot],
) -> Any:
    """The partition task, except that the first worker to run it is killed (SIGKILL)."""
    # A task is sent its own partition's part of the manifest, not the whole province's.
    assert manifest.partitions == (partition,)
    assert all(name.startswith(f"{partition.path}/") for name in manifest.files)
    marker = Path(directory).parent / f"killed-{partition.group}"
    if partition.group == "0001" and not marker.exists():
        marker.write_text(str(os.getpid()))
        os.kill(os.getpid(), signal.SIGKILL)
    return evaluate_partition(directory, manifest, partition, snapshots)


def test_a_worker_killed_mid_run_changes_nothing(
    tmp_path: Path, in_process: Path, province: Path
) -> None:
    """E-1..E-6: Dask reruns the partition of a killed worker; the results are identical."""
    copy = tmp_path / "data"
    copy.mkdir()
    for path in province.rglob("*"):
        if path.is_file():
            target = copy / path.relative_to(province)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    out = tmp_path / "out"
    evaluate_province(copy, out=out, scheduler="local:2", task=_dies_once)
    assert (tmp_path / "killed-0001").exists()  # a worker really died mid-task
    _same_run(in_process, out)


def _bad_province(directory: Path) -> Path:
    """A one-partition province whose ratings hold a score of 150 in row 3."""
    good = directory / "good"
    generate_province(good, communities=2, seed="x")
    manifest = read_manifest(good)
    partition = manifest.partitions[0]
    tables = read_partition(good, manifest, partition)
    scores = tables["ratings"].column("score").to_pylist()
    scores[3] = scores[3] + 60 if scores[3] <= 90 else scores[3] + 40  # past the scale
    ratings = tables["ratings"].set_column(5, "score", pa.array(scores, pa.decimal128(5, 2)))
    bad = directory / "bad"
    write_dataset(bad, [(partition, {**tables, "ratings": ratings})], default_policy())
    return bad


def test_a_malformed_row_names_file_row_and_column_and_leaves_nothing(tmp_path: Path) -> None:
    """E-2: a score past the scale: one line naming the file, row and column; no output."""
    bad = _bad_province(tmp_path)
    out = tmp_path / "out"
    with pytest.raises(GovernanceError) as raised:
        evaluate_province(bad, out=out)
    assert raised.value.field is not None
    assert raised.value.field.endswith("ratings.parquet: ratings[row 3].score")
    assert raised.value.rule == "E-2"
    assert not out.exists()
    assert not list(tmp_path.glob(".out.partial-*"))


def test_a_malformed_partition_on_the_cluster_is_the_same_error(tmp_path: Path) -> None:
    """E-2: the error crosses the worker process with its field and rule; exit 2."""
    bad = _bad_province(tmp_path)
    out = tmp_path / "out"
    code = main(
        ["city", "evaluate", str(bad), "--out", str(out), "--scheduler", "local:2", "--no-progress"]
    )
    assert code == 2
    assert not out.exists()


def test_a_changed_file_is_refused_before_it_is_read(province: Path, tmp_path: Path) -> None:
    """E-1: bytes that differ from the manifest's digest are named, and nothing is written."""
    copy = tmp_path / "data"
    for path in province.rglob("*"):
        if path.is_file():
            target = copy / path.relative_to(province)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    victim = copy / "quarter=2026Q3" / "group=0001" / "answers.parquet"
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    victim.write_bytes(bytes(data))
    out = tmp_path / "out"
    with pytest.raises(GovernanceError, match="SHA-256 differs") as raised:
        evaluate_province(copy, out=out)
    assert raised.value.field == str(victim)
    assert not out.exists()


def test_an_unreachable_scheduler_is_one_line_and_exit_2(
    province: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """E-1: a scheduler that cannot be reached: one clear line, exit 2, no output."""
    out = tmp_path / "out"
    code = main(
        [
            "city",
            "evaluate",
            str(province),
            "--out",
            str(out),
            "--scheduler",
            "tcp://127.0.0.1:9",
            "--no-progress",
        ]
    )
    assert code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in lines[0]
    assert not out.exists()


def test_the_command_line_generates_and_evaluates(tmp_path: Path) -> None:
    """E-1..E-6: city generate then city evaluate, as an operator runs them."""
    data = tmp_path / "data"
    assert main(["city", "generate", str(data), "--communities", "3", "--seed", "s"]) == 0
    assert (
        main(["city", "evaluate", str(data), "--out", str(tmp_path / "out"), "--no-progress"]) == 0
    )
    table = pq.read_table(tmp_path / "out" / "results")
    assert table.column_names[:4] == ["quarter", "district", "community", "unit"]
    assert set(table.column("grade").to_pylist()) <= {"excellent", "good", "qualified", "failed"}


def test_a_notebook_gets_pandas_and_lazy_dask_frames(province: Path, in_process: Path) -> None:
    """E-1..E-6: the same rows as a pandas DataFrame and as a lazy Dask DataFrame."""
    expected = pq.read_table(in_process / "results").to_pandas()
    run = evaluate_province(province)
    assert run.to_pandas().equals(expected)
    # The run without an output folder certifies the very files a run with one writes.
    assert run.certificate == json.loads((in_process / "certificate.json").read_text())
    lazy = province_frame(province)
    assert lazy.npartitions == 3

    def rows(frame: Any) -> list[tuple[str, ...]]:
        return [tuple(map(str, row)) for row in frame.itertuples(index=False)]

    assert rows(lazy.compute()) == rows(expected)
