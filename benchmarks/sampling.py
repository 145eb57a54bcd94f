"""The household draw against a bare loop of Rivest's released sampler (E-4).

Goal (exact-columns issue): ``draw_sample`` reaches at least 0.8x the throughput of a bare
loop that hashes the seed once, computes one SHA-256 per id with its decimal digits
reversed, and keeps the ``n`` lowest with a heap. Both draw 100 households from the same
prebuilt frame with the same seed; each repetition uses a new seed (so nothing is reused
between repetitions), and the two run interleaved. ``identical`` says whether the samples
were the same every time.

Run: ``python benchmarks/sampling.py --frame N [--reps R] [--json]``. With ``--json`` the
last line is one JSON object with ``frame``, ``bare_s``, ``library_s`` (medians),
``ratio_min``, ``ratio_median`` (library throughput over bare) and ``identical``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import heapq
import json
import statistics
import time

from community_governance.evaluation import SamplingFrame, draw_sample
from community_governance.policy import default_policy

SIZE = 100


def bare(ids: list[str], seed: str, n: int) -> list[str]:
    """The released sampler in a few lines: the seed hashed once, the n lowest by a heap."""
    seed_hash = hashlib.sha256(seed.encode()).hexdigest()

    def key(household: str) -> tuple[str, str]:
        x = int(hashlib.sha256((seed_hash + household).encode()).hexdigest(), 16)
        return f"{x:064d}"[::-1], household

    return [h for _, h in heapq.nsmallest(n, (key(h) for h in ids))]


def main() -> None:
    """Time both, interleaved and repeated, and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frame", type=int, default=2400)
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="end with one JSON object")
    args = parser.parse_args()
    ids = [f"HB-{i:08d}" for i in range(args.frame)]
    frame = SamplingFrame(ids)
    rules = default_policy().at(dt.date(2026, 9, 30))
    bare_times, library_times, identical = [], [], True
    for rep in range(args.reps):
        seed = f"2026-09-30/{rep}"
        start = time.perf_counter()
        theirs = bare(ids, seed, SIZE)
        bare_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        ours = draw_sample(frame, seed, rules, seed_source="benchmark").sample
        library_times.append(time.perf_counter() - start)
        identical = identical and list(ours) == theirs
    ratios = [b / lib for b, lib in zip(bare_times, library_times, strict=True)]
    print(f"frame of {args.frame:,} households, {args.reps} repetitions, n = {SIZE}")
    print(
        f"bare loop {statistics.median(bare_times):.4f} s, "
        f"draw_sample {statistics.median(library_times):.4f} s (medians)"
    )
    print(
        f"throughput of draw_sample / bare loop: min {min(ratios):.2f}, "
        f"median {statistics.median(ratios):.2f} (goal >= 0.80); identical: {identical}"
    )
    if args.json:
        print(
            json.dumps(
                {
                    "frame": args.frame,
                    "bare_s": statistics.median(bare_times),
                    "library_s": statistics.median(library_times),
                    "ratio_min": min(ratios),
                    "ratio_median": statistics.median(ratios),
                    "identical": identical,
                }
            )
        )


if __name__ == "__main__":
    main()
