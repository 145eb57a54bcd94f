"""Import time of ``community_governance`` against ``attrs``, in fresh interpreters.

Target (foundation issue): importing the library takes at most twice as long as
importing attrs in the same environment. Each figure is the median of several
fresh ``python -c "import X"`` runs minus the median of a bare interpreter, so
that interpreter start-up does not dilute the ratio.

Run: ``python benchmarks/import_time.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def _median_seconds(code: str, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-S", "-c", code], check=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    """Measure and print the three medians and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    # -S skips site, so put site-packages back explicitly for the imports themselves.
    prefix = f"import sys; sys.path[:0] = {sys.path[1:]!r}; "
    bare = _median_seconds(prefix + "pass", args.runs)
    attrs_time = _median_seconds(prefix + "import attrs", args.runs) - bare
    ours = _median_seconds(prefix + "import community_governance", args.runs) - bare
    print(f"bare interpreter     {bare * 1000:8.1f} ms")
    print(f"import attrs         {attrs_time * 1000:8.1f} ms (above bare)")
    print(f"import community_governance {ours * 1000:8.1f} ms (above bare)")
    used = (
        _median_seconds(
            prefix + "import community_governance as cg, datetime as d; "
            "cg.default_policy().at(d.date(2026, 7, 1))",
            args.runs,
        )
        - bare
    )
    print(f"ratio                {ours / attrs_time:8.2f} (target <= 2.00)")
    print(f"import + load and resolve the shipped policy {used * 1000:8.1f} ms (above bare)")
    heavy = subprocess.run(
        [
            sys.executable,
            "-c",
            (
                "import sys, community_governance; "
                "print(sorted(m for m in ('pydantic', 'click', 'tomllib', 'importlib.metadata', "
                "'numpy', 'pandas') if m in sys.modules))"
            ),
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    print(f"optional/heavy modules loaded by the import: {heavy}")


if __name__ == "__main__":
    main()
