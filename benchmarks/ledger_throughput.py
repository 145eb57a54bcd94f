"""Ledger throughput against bare baselines, in the same run (the record).

* append: events through ``SQLiteLedger.append`` (checks, canonical encoding, hash chain,
  ``BEGIN IMMEDIATE``, WAL, ``synchronous=FULL``) in batches, against raw
  ``sqlite3`` ``executemany`` of the same rows at the same durability;
* verify: ``SQLiteLedger.verify`` against a bare ``hashlib`` chain over the same
  stored bytes (and, for comparison, one over the data column alone);
* the same two for a ledger of the ``sm3-sm2`` suite (SM3 chains, form 3), against the
  same raw baselines (raw ``executemany``, the bare SHA-256 chain).

Goals (the record): append at least 0.5 of the raw throughput, verify at least 0.8; an SM3
ledger appends at least 0.4 and verifies at least 0.6.

Run: ``python benchmarks/ledger_throughput.py [--events 20000] [--batch 100] [--reps 3]
[--json]``; with ``--json`` the last line is one JSON object with ``append_ratio``,
``verify_ratio``, ``sm3_append_ratio`` and ``sm3_verify_ratio`` (medians of the ledger's
throughput over the baseline's) and their minima.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from community_governance.ledger import SQLiteLedger
from community_governance.ledger.chain import TAG_2
from community_governance.ports import NewEvent

DAY = dt.date(2026, 9, 30)
_SAME_BYTES = "SELECT seq, stream, version, type, at, data FROM events ORDER BY seq"


def _payload(i: int) -> dict[str, object]:
    return {
        "rater": f"U{i % 20:02d}",
        "ratee": f"U{(i * 7) % 20:02d}",
        "scores": {"d": str(60 + i % 40)},
    }


def bench_ledger(
    folder: Path, events: int, batch: int, suite: str = "sha256-ed25519"
) -> tuple[float, float]:
    """Seconds to append ``events`` in batches, and to verify them, in a ledger of ``suite``."""
    name = "ledger.db" if suite == "sha256-ed25519" else f"{suite}.db"
    ledger = SQLiteLedger(folder / name, key=None, suite=suite)  # appending needs no key
    ledger.append("warm-up", [NewEvent("rating", _payload(0), DAY)], expected_version=0)
    start = time.perf_counter()
    version = 0
    for first in range(0, events, batch):
        chunk = [
            NewEvent("rating", _payload(i), DAY) for i in range(first, min(first + batch, events))
        ]
        version = ledger.append("bench", chunk, expected_version=version)
    appended = time.perf_counter() - start
    start = time.perf_counter()
    assert ledger.verify().ok
    verified = time.perf_counter() - start
    ledger.close()
    return appended, verified


def bench_raw(folder: Path, events: int, batch: int) -> tuple[float, float, float]:
    """Baselines: the same rows by raw executemany, and bare hashlib chains over the ledger.

    The raw writer uses one connection, WAL and ``synchronous=FULL`` (the ledger's
    durability), the ledger's table and the same batches; it encodes each event's data
    with ``json.dumps`` and neither checks nor chains. The bare chain over the same bytes
    reads, in one query, the stored columns the ledger's chain covers and hashes exactly
    the bytes the ledger hashes, with no check at all. The data-only chain (reported for
    comparison) hashes the stored data column alone: ``h = SHA-256(h + data)``.
    """
    conn = sqlite3.connect(folder / "raw.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(
        "CREATE TABLE events (seq INTEGER PRIMARY KEY, form INTEGER, stream TEXT, version INTEGER,"
        " type TEXT, at TEXT, data TEXT, hash TEXT, UNIQUE (stream, version))"
    )
    at = DAY.isoformat()
    start = time.perf_counter()
    for first in range(0, events, batch):
        rows = [
            (i + 1, 2, "bench", i + 1, "rating", at, json.dumps(_payload(i)), "")
            for i in range(first, min(first + batch, events))
        ]
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        conn.execute("COMMIT")
    appended = time.perf_counter() - start
    conn.close()
    ledger = sqlite3.connect(folder / "ledger.db")
    ledger.text_factory = bytes
    start = time.perf_counter()
    previous = b"0" * 64
    for seq, stream, version, type_, at, data in ledger.execute(_SAME_BYTES):
        previous = (
            hashlib.sha256(
                b"\0".join((TAG_2, b"%d" % seq, previous, stream, b"%d" % version, type_, at, data))
            )
            .hexdigest()
            .encode()
        )
    chained = time.perf_counter() - start
    start = time.perf_counter()
    previous = b"0" * 64
    for (data,) in ledger.execute("SELECT data FROM events ORDER BY seq"):
        previous = hashlib.sha256(previous + data).hexdigest().encode()
    data_only = time.perf_counter() - start
    ledger.close()
    return appended, chained, data_only


def main() -> None:
    """Run both, interleaved and repeated, and print throughputs and ratios (min, median)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="end with one JSON object")
    args = parser.parse_args()
    ratios: dict[str, list[float]] = {
        "append": [],
        "verify": [],
        "verify_data_only": [],
        "sm3_append": [],
        "sm3_verify": [],
    }
    for rep in range(args.reps):
        with tempfile.TemporaryDirectory() as folder:
            ours = bench_ledger(Path(folder), args.events, args.batch)
            raw = bench_raw(Path(folder), args.events, args.batch)
            sm3 = bench_ledger(Path(folder), args.events, args.batch, "sm3-sm2")
        # Throughput of the ledger over the baseline's: 1.0 means as fast.
        ratios["append"].append(raw[0] / ours[0])
        ratios["verify"].append(raw[1] / ours[1])
        ratios["verify_data_only"].append(raw[2] / ours[1])
        ratios["sm3_append"].append(raw[0] / sm3[0])
        ratios["sm3_verify"].append(raw[1] / sm3[1])
        n = args.events
        print(
            f"run {rep + 1}: append {n / ours[0]:8.0f} ev/s vs raw executemany "
            f"{n / raw[0]:8.0f} ev/s; verify {n / ours[1]:8.0f} ev/s vs bare hashlib chain "
            f"{n / raw[1]:8.0f} ev/s (data column only: {n / raw[2]:8.0f} ev/s); "
            f"SM3 ledger: append {n / sm3[0]:8.0f} ev/s, verify {n / sm3[1]:8.0f} ev/s"
        )
    for name, values in ratios.items():
        print(
            f"{name} throughput / baseline: min {min(values):.2f}, "
            f"median {statistics.median(values):.2f}"
        )
    if args.json:
        print(
            json.dumps(
                {
                    "append_ratio": statistics.median(ratios["append"]),
                    "verify_ratio": statistics.median(ratios["verify"]),
                    "append_ratio_min": min(ratios["append"]),
                    "verify_ratio_min": min(ratios["verify"]),
                    "verify_ratio_data_only": statistics.median(ratios["verify_data_only"]),
                    "sm3_append_ratio": statistics.median(ratios["sm3_append"]),
                    "sm3_verify_ratio": statistics.median(ratios["sm3_verify"]),
                    "sm3_append_ratio_min": min(ratios["sm3_append"]),
                    "sm3_verify_ratio_min": min(ratios["sm3_verify"]),
                }
            )
        )


if __name__ == "__main__":
    main()
