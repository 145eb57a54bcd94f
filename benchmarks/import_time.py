"""Import time of ``community_governance`` against ``attrs``, in fresh interpreters.

Targets (foundation and idioms issues), each as a ratio to ``import attrs`` in the
same environment, at most 2.0:

* ``import community_governance``;
* ``import community_governance.evaluation`` plus ``default_policy().at(...)``: what a
  rule's first call costs.

Every figure is a fresh ``python -S -c ...`` run minus a bare interpreter measured in the
same round, so that start-up does not dilute the ratio. The commands run interleaved,
round after round; the ratios of each round are summarised by their minimum and median.

Run: ``python benchmarks/import_time.py [--rounds N] [--json]``. With ``--json`` the last
line is one JSON object with the keys ``package_ratio``, ``evaluation_policy_ratio``,
``attrs_ms``, ``package_ms``, ``evaluation_policy_ms``, ``first_rule_ratio`` (the same with
``evaluate_quarter`` and all it needs loaded, for information) and ``heavy_modules``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time


def _seconds(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-S", "-c", code], check=True)
    return time.perf_counter() - start


def main() -> None:
    """Measure interleaved rounds and print the ratios (min and median)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--json", action="store_true", help="end with one JSON object")
    args = parser.parse_args()
    # -S skips site, so put site-packages back explicitly for the imports themselves.
    prefix = f"import sys; sys.path[:0] = {sys.path[1:]!r}; "
    commands = {
        "bare": prefix + "pass",
        "attrs": prefix + "import attrs",
        "package": prefix + "import community_governance",
        "evaluation_policy": prefix + "import community_governance.evaluation, datetime as d; "
        "from community_governance.policy import default_policy; "
        "default_policy().at(d.date(2026, 7, 1))",
        "first_rule": prefix
        + "from community_governance.evaluation import evaluate_quarter; import datetime as d; "
        "from community_governance.policy import default_policy; "
        "default_policy().at(d.date(2026, 7, 1))",
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.rounds):
        for name, code in commands.items():
            times[name].append(_seconds(code))
    above = {
        name: [t - b for t, b in zip(times[name], times["bare"], strict=True)]
        for name in ("attrs", "package", "evaluation_policy", "first_rule")
    }
    ratios = {
        name: [ours / max(a, 1e-6) for ours, a in zip(above[name], above["attrs"], strict=True)]
        for name in ("package", "evaluation_policy", "first_rule")
    }
    for name, label in (
        ("package", "import community_governance"),
        ("evaluation_policy", "import .evaluation + default_policy().at()"),
        ("first_rule", "+ evaluate_quarter loaded (for information)"),
    ):
        target = "" if name == "first_rule" else "  (target <= 2.00)"
        print(
            f"{label:45s} ratio to import attrs: min {min(ratios[name]):5.2f}  "
            f"median {statistics.median(ratios[name]):5.2f}{target}"
        )
    heavy = subprocess.run(
        [
            sys.executable,
            "-c",
            (
                "import sys, community_governance; "
                "print(','.join(sorted(m for m in ('pydantic', 'click', 'tomllib', "
                "'importlib.metadata', 'numpy', 'pandas') if m in sys.modules)))"
            ),
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    print(f"optional or heavy modules loaded by the import: {heavy or 'none'}")
    if args.json:
        print(
            json.dumps(
                {
                    "package_ratio": statistics.median(ratios["package"]),
                    "evaluation_policy_ratio": statistics.median(ratios["evaluation_policy"]),
                    "attrs_ms": statistics.median(above["attrs"]) * 1000,
                    "package_ms": statistics.median(above["package"]) * 1000,
                    "evaluation_policy_ms": statistics.median(above["evaluation_policy"]) * 1000,
                    "first_rule_ratio": statistics.median(ratios["first_rule"]),
                    "heavy_modules": heavy.split(",") if heavy else [],
                }
            )
        )


if __name__ == "__main__":
    main()
