"""The benchmark scripts run from a fresh clone and end with the JSON keys they promise.

Only that they run and report: their figures are measured by running them, never here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_ledger_benchmark_reports_its_ratios() -> None:
    """The record: ledger_throughput.py --json ends with the ratios, SM3 ledgers' too."""
    done = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [
            sys.executable,
            str(ROOT / "benchmarks" / "ledger_throughput.py"),
            "--events",
            "300",
            "--batch",
            "50",
            "--reps",
            "2",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    for key in (
        "append_ratio",
        "verify_ratio",
        "append_ratio_min",
        "verify_ratio_min",
        "sm3_append_ratio",
        "sm3_verify_ratio",
    ):
        assert figures[key] > 0, key
