"""Shared fixtures and the Hypothesis profiles.

``default`` is quick for local runs; ``ci`` is thorough and is what ``.ci/run``
selects (``HYPOTHESIS_PROFILE=ci``).

``postgresql_server``: a real PostgreSQL server for the session, started by
pytest-postgresql from the machine's PostgreSQL binaries (``pg_config --bindir``, else the
distribution's ``/usr/lib/postgresql/<version>/bin``) in a temporary folder on a free port.
PostgreSQL refuses to run as root; when the tests run as root (as CI does), ``pg_ctl`` runs
as the ``postgres`` user the distribution's package creates, in a folder that user owns. In
CI (``CI`` set) a missing server fails the suite, since ``.ci/run`` installs it; elsewhere
the PostgreSQL tests skip with the reason.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("default", max_examples=60, deadline=None)
settings.register_profile(
    "ci",
    max_examples=300,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
# Mutation runs (tools/mutation.py) need the same examples for every mutant, so that a
# mutant is killed or survives for a reason and not by the luck of the draw.
settings.register_profile(
    "mutation",
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def _pg_ctl() -> Path | None:
    candidates = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        done = subprocess.run(  # noqa: S603 - the machine's own pg_config
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        )
        candidates.append(Path(done.stdout.strip()) / "pg_ctl")
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), reverse=True)
    return next((c for c in candidates if c.is_file()), None)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI must provide a PostgreSQL server: {reason} (.ci/run installs it)")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def postgresql_server() -> Iterator[str]:
    """The connection string of a PostgreSQL server started for this session."""
    try:
        from pytest_postgresql.executors import PostgreSQLExecutor  # noqa: PLC0415
    except ImportError:
        _unavailable("pytest-postgresql is not installed")
    pg_ctl = _pg_ctl()
    if pg_ctl is None:
        _unavailable("no PostgreSQL server binaries (pg_ctl) on this machine")
        return
    folder = Path(tempfile.mkdtemp(prefix="cg-postgres-"))
    executable = str(pg_ctl)
    if os.geteuid() == 0:
        # PostgreSQL will not run as root: run pg_ctl as the distribution's postgres user.
        shutil.chown(folder, user="postgres", group="postgres")
        folder.chmod(0o755)
        wrapper = folder / "pg_ctl"
        wrapper.write_text(f'#!/bin/sh\nexec runuser -u postgres -- "{pg_ctl}" "$@"\n')
        wrapper.chmod(0o755)
        executable = str(wrapper)
    port = _free_port()
    server = PostgreSQLExecutor(
        executable=executable,
        host="127.0.0.1",
        port=port,
        datadir=str(folder / "data"),
        unixsocketdir=str(folder),
        logfile=str(folder / "server.log"),
        startparams="-w",
        dbname="ledger_tests",
        user="postgres",
    )
    server.init_directory()
    server.start()
    conninfo = f"host=127.0.0.1 port={port} user=postgres dbname=postgres"
    try:
        yield conninfo
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``demo --export`` into a fresh folder, with the failing unit's case opened.

    Tests read these files; a test that changes one copies it first. The command line is
    imported here, when a test asks for the files, so the suite's root needs no [cli] extra.
    """
    from community_governance.cli import EXIT_OK, main  # noqa: PLC0415

    folder = tmp_path_factory.mktemp("demo") / "data"
    assert main(["demo", "--export", str(folder)]) == EXIT_OK
    case = ["case", "open", str(folder / "result.json"), "market", "--at", "2026-10-15"]
    assert main([*case, "--out", str(folder / "case.json")]) == EXIT_OK
    return folder
