"""A province dataset's files are bounded before they are read; its scheduler too (E-1).

Every hostile dataset is run as an operator runs it, ``city evaluate`` in a shell, limited
to 500 MiB of address space (``ulimit -v``) and 10 seconds (``timeout``): one line naming
the file, exit 2, no output folder. The digests in the manifest are recomputed, as a
forger with write access would, so that each file reaches the check it is meant for.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from community_governance.cli import main
from community_governance.errors import GovernanceError
from community_governance.policy import default_policy
from community_governance.province.dataset import (
    MANIFEST,
    Limits,
    file_digest,
    read_manifest,
    read_partition,
    write_dataset,
)
from community_governance.province.generate import generate_province
from community_governance.province.run import SchedulerError, evaluate_province, probe_scheduler
from tests.cli.shell import bounded, province_refused

ANSWERS = "quarter=2026Q3/group=0000/answers.parquet"


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated province of two communities in one partition."""
    directory = tmp_path_factory.mktemp("province") / "data"
    generate_province(directory, communities=2, seed="hostile")
    return directory


def _copy(small: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(small, tmp_path / "data", symlinks=True))


def _redigest(directory: Path, relative: str, digest: str) -> None:
    manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    manifest["files"][relative] = digest
    (directory / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def _to_dev_zero(directory: Path, _tmp_path: Path) -> None:
    (directory / ANSWERS).unlink()
    (directory / ANSWERS).symlink_to("/dev/zero")


def _fifo(directory: Path, _tmp_path: Path) -> None:
    (directory / ANSWERS).unlink()
    os.mkfifo(directory / ANSWERS)


def _fifo_linked_inside(directory: Path, _tmp_path: Path) -> None:
    os.mkfifo(directory / "pipe")
    (directory / ANSWERS).unlink()
    (directory / ANSWERS).symlink_to(directory / "pipe")


def _linked_out(directory: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.parquet"
    shutil.copy(directory / ANSWERS, outside)
    (directory / ANSWERS).unlink()
    (directory / ANSWERS).symlink_to(outside)


def _folder_linked_out(directory: Path, tmp_path: Path) -> None:
    group = directory / "quarter=2026Q3" / "group=0000"
    shutil.move(group, tmp_path / "elsewhere")
    group.symlink_to(tmp_path / "elsewhere")


def _row_bomb(directory: Path, _tmp_path: Path) -> None:
    """150 million rows of one repeated value: about a megabyte on disk."""
    rows = 10_000_000
    column = pa.DictionaryArray.from_arrays(
        pa.array([0] * rows, pa.int8()), pa.array(["x"], pa.string())
    )
    names = ("community", "household", "project", "answer")
    schema = pa.schema([(name, column.type) for name in names])
    chunk = pa.table([column] * 4, schema=schema)
    path = directory / ANSWERS
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for _ in range(15):
            writer.write_table(chunk)
    _redigest(directory, ANSWERS, file_digest(path))


def _not_parquet(directory: Path, _tmp_path: Path) -> None:
    (directory / ANSWERS).write_bytes(b"PAR1" + b"\x00" * 100)
    _redigest(directory, ANSWERS, file_digest(directory / ANSWERS))


HOSTILE: dict[str, tuple[Callable[[Path, Path], None], str]] = {
    "a link to /dev/zero": (_to_dev_zero, "leads out of the dataset"),
    "a FIFO": (_fifo, "not a regular file"),
    "a link to a FIFO inside": (_fifo_linked_inside, "not a regular file"),
    "a link to a file outside": (_linked_out, "leads out of the dataset"),
    "a partition folder linked outside": (_folder_linked_out, "leads out of the dataset"),
    "150 million rows in a megabyte": (_row_bomb, "150,000,000 rows"),
    "not Parquet": (_not_parquet, "not a readable Parquet file"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_file_is_one_line_in_bounded_time_and_memory(
    case: str, small: Path, tmp_path: Path
) -> None:
    """E-1: exit 2 within 10 s and 500 MiB, one line naming the file; no output folder."""
    edit, words = HOSTILE[case]
    directory = _copy(small, tmp_path)
    edit(directory, tmp_path)
    out = tmp_path / "out"
    done = bounded("city", "evaluate", str(directory), "--out", str(out), "--no-progress")
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr[-2000:]
    assert words in lines[0]
    assert "answers.parquet" in lines[0] or "group=0000" in lines[0]
    assert not out.exists()
    assert not list(tmp_path.glob(".out.partial-*"))


def test_limits_are_the_caller_s_to_set(small: Path, tmp_path: Path) -> None:
    """E-1: a limit below a real table refuses it; from Python and from the shell alike."""
    with pytest.raises(GovernanceError, match="more than the limit of 1,000") as raised:
        evaluate_province(small, limits=Limits(file_bytes=1000))
    assert raised.value.field is not None
    assert raised.value.field.endswith(".parquet")
    with pytest.raises(GovernanceError, match="the limits are 10 rows"):
        evaluate_province(small, limits=Limits(rows=10))
    code = main(["city", "evaluate", str(small), "--out", str(tmp_path / "o"), "--max-rows", "10"])
    assert code == 2
    assert not (tmp_path / "o").exists()


def _province_of_two_groups(small: Path, directory: Path, *, same: bool) -> Path:
    """Two partitions; with ``same``, the second holds the first's communities again."""
    manifest = read_manifest(small)
    partition = manifest.partitions[0]
    tables = read_partition(small, manifest, partition)
    second = type(partition)(partition.quarter, "0001")
    if same:
        parts = [(partition, tables), (second, tables)]
    else:
        communities = tables["communities"]
        doubled = pa.concat_tables([communities, communities.slice(0, 1)])
        parts = [(partition, {**tables, "communities": doubled})]
    write_dataset(directory, parts, default_policy())
    return directory


@pytest.mark.parametrize("same", [True, False], ids=["two partitions", "one partition twice"])
def test_a_community_placed_twice_is_refused(
    small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], *, same: bool
) -> None:
    """E-1: a community is scored once; a second place names the file and the row."""
    directory = _province_of_two_groups(small, tmp_path / "data", same=same)
    line = province_refused(capsys, directory, tmp_path / "out")
    group = "group=0001" if same else "group=0000"
    assert f"{group}/communities.parquet: communities[row " in line
    assert "is also in quarter=2026Q3/group=0000" in line


@pytest.fixture
def listener() -> Iterator[Callable[[bytes | None], str]]:
    """Start a TCP server on a loopback port that sends ``greeting`` (or nothing)."""
    servers: list[socket.socket] = []

    def start(greeting: bytes | None) -> str:
        server = socket.create_server(("127.0.0.1", 0))
        servers.append(server)

        def serve() -> None:
            accepted: list[socket.socket] = []
            while True:
                try:
                    connection, _ = server.accept()
                except OSError:
                    break
                accepted.append(connection)
                if greeting is not None:
                    connection.sendall(greeting)

        threading.Thread(target=serve, daemon=True).start()
        return f"tcp://127.0.0.1:{server.getsockname()[1]}"

    yield start
    for server in servers:
        server.close()


def test_a_silent_scheduler_is_refused_at_the_deadline(
    listener: Callable[[bytes | None], str],
) -> None:
    """E-1: a port that accepts and never speaks: refused when the deadline passes."""
    address = listener(None)
    with pytest.raises(SchedulerError, match=r"no greeting within 0\.5 s") as raised:
        probe_scheduler(address, timeout=0.5)
    assert raised.value.field == "scheduler"


@pytest.mark.parametrize(
    "greeting",
    [
        b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n",
        (58).to_bytes(8, "little") + (2**61).to_bytes(8, "little"),
        (2**62).to_bytes(8, "little") + b"\x00" * 16,
    ],
    ids=["an HTTP server", "a prelude of 2**61 frames", "a message of 4 EiB"],
)
def test_a_server_that_is_not_a_scheduler_is_one_line(
    greeting: bytes,
    listener: Callable[[bytes | None], str],
    small: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """E-1: what does not greet as Dask does is refused: exit 2, one line, no output."""
    address = listener(greeting)
    out = tmp_path / "out"
    argv = ["city", "evaluate", str(small), "--out", str(out), "--no-progress"]
    code = main([*argv, "--scheduler", address])
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "does not speak Dask's protocol" in lines[0]
    assert not out.exists()


def test_a_real_scheduler_passes_the_probe(small: Path) -> None:
    """E-1: a LocalCluster's own scheduler, reached by its tcp:// address, runs the province."""
    from community_governance.province.run import local_cluster  # noqa: PLC0415

    cluster = local_cluster(1)
    try:
        probe_scheduler(cluster.scheduler_address)
        run = evaluate_province(small, scheduler=cluster.scheduler_address)
    finally:
        cluster.close()
    assert run.certificate["units"] == evaluate_province(small).certificate["units"]
