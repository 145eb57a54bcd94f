"""Ledger throughput against bare baselines, in the same run (the record).

* append: events through ``SQLiteLedger.append`` (canonical encoding, hash chain,
  ``BEGIN IMMEDIATE``, WAL, ``synchronous=FULL``) in batches, against raw
  ``sqlite3`` ``executemany`` of the same rows at the same durability;
* verify: ``SQLiteLedger.verify`` against a bare ``hashlib`` chain over the same
  bytes.

Run: ``python benchmarks/ledger_throughput.py [--events 20000] [--batch 100]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sqlite3
import tempfile
import time
from pathlib import Path

from community_governance.ledger import SQLiteLedger
from community_governance.ports import NewEvent

DAY = dt.date(2026, 9, 30)


def _payload(i: int) -> dict[str, object]:
    return {
        "rater": f"U{i % 20:02d}",
        "ratee": f"U{(i * 7) % 20:02d}",
        "scores": {"d": str(60 + i % 40)},
    }


def bench_ledger(folder: Path, events: int, batch: int) -> tuple[float, float]:
    """Seconds to append ``events`` in batches, and to verify them."""
    ledger = SQLiteLedger(folder / "ledger.db", key=b"bench")
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
    return appended, time.perf_counter() - start


def bench_raw(folder: Path, events: int, batch: int) -> tuple[float, float]:
    """The same rows with raw executemany (WAL, synchronous=FULL), and a bare hashlib chain."""
    conn = sqlite3.connect(folder / "raw.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(
        "CREATE TABLE events (seq INTEGER PRIMARY KEY, stream TEXT, version INTEGER, data TEXT)"
    )
    start = time.perf_counter()
    for first in range(0, events, batch):
        rows = [
            (i + 1, "bench", i + 1, json.dumps(_payload(i)))
            for i in range(first, min(first + batch, events))
        ]
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO events VALUES (?, ?, ?, ?)", rows)
        conn.execute("COMMIT")
    appended = time.perf_counter() - start
    start = time.perf_counter()
    previous = "0" * 64
    for (data,) in conn.execute("SELECT data FROM events ORDER BY seq"):
        previous = hashlib.sha256(previous.encode() + data.encode()).hexdigest()
    chained = time.perf_counter() - start
    conn.close()
    return appended, chained


def main() -> None:
    """Run both and print the figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        ours = bench_ledger(Path(folder), args.events, args.batch)
        raw = bench_raw(Path(folder), args.events, args.batch)
    n = args.events
    print(f"{n} events in batches of {args.batch}")
    for label, mine, bare, name in (
        ("append", ours[0], raw[0], "raw executemany"),
        ("verify", ours[1], raw[1], "bare hashlib chain"),
    ):
        print(
            f"{label}  ledger {n / mine:10.0f} ev/s   {name} {n / bare:10.0f} ev/s   "
            f"ratio {mine / bare:6.2f}x"
        )


if __name__ == "__main__":
    main()
