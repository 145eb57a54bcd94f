"""Imports are linear: large documents, tables and policies against merely parsing them.

Goals (real-data issue): a meeting of 10,000 voters, 100,000 ratings (as a document and as a
CSV table) and a policy of 16,000 validity windows import in seconds. Each import is timed
against the bare parse of the same text, interleaved and repeated: ``json.loads`` for a
document, ``csv.reader`` for a table, ``tomllib.loads`` for a policy; the ratio (import over
parse) says what checking every rule costs on top of reading, and it must not grow with the
size (``--scale`` halves the sizes to show the ratio staying flat).

Run: ``python benchmarks/imports.py [--reps R] [--scale F] [--json]``. With ``--json`` the
last line is one JSON object with, for each of ``meeting``, ``ratings_json``,
``ratings_csv`` and ``policy``: ``<name>_s`` (the import's median seconds),
``<name>_ratio_median`` and ``<name>_ratio_min`` (import over parse), and ``<name>_size``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import statistics
import time
import tomllib
from collections.abc import Callable
from pathlib import Path
from tempfile import TemporaryDirectory

from community_governance.community import Community, MemberUnit, Quarter, Representative
from community_governance.consultation.meeting import Meeting, Proposal
from community_governance.evaluation.ratings import Rating, RatingBook
from community_governance.policy import default_policy, load_policy
from community_governance.schemas import MeetingDoc, RatingsDoc, load_document
from community_governance.tables import TABLES, ratings_from_table, read_table, write_table
from community_governance.tables.outputs import ratings_rows
from community_governance.vocabulary import Dimension

POLICY = default_policy()
Q3 = Quarter(2026, 3)


def meeting_text(voters: int) -> str:
    """A meeting document of ``voters`` representatives who all vote on one proposal."""
    electorate = [
        Representative(f"R{i:06d}", f"U{i:06d}", ("unit_representative",)) for i in range(voters)
    ]
    proposal = Proposal("P1", "lift", "public_affairs")
    held = Meeting.open("M1", dt.date(2026, 7, 10), electorate, [proposal], POLICY.at(Q3.end))
    ballots = [
        {"person_id": r.person_id, "proposal_id": "P1", "choice": "agree", "change": False}
        for r in electorate
    ]
    document = MeetingDoc.from_domain(held).model_dump(mode="json")
    document["ballots"] = ballots
    return json.dumps(document)


def ratings_book(units: int) -> RatingBook:
    """Every unit rating every unit (self and peers): ``units ** 2`` ratings."""
    ids = [f"U{i:04d}" for i in range(units)]
    community = Community("C1", "c", [MemberUnit(u, u, "co_building_unit") for u in ids])
    scores = {d.code: f"{70 + i % 30}.5" for i, d in enumerate(Dimension)}
    ratings = [
        Rating(rater, ratee, Q3, "self" if rater == ratee else "peer", scores)
        for rater in ids
        for ratee in ids
    ]
    return RatingBook(community, Q3).record_all(ratings, POLICY.at(Q3.end))


def policy_text(windows: int) -> str:
    """The shipped policy with a local parameter of ``windows`` dated values."""
    start = dt.date(2000, 1, 1)
    values = ",\n".join(
        f"  {{ valid_from = {start + dt.timedelta(days=i)}, "
        f"valid_until = {start + dt.timedelta(days=i)}, value = {i} }}"
        for i in range(windows)
    )
    return (
        '[policy]\nid = "bench"\ntitle = "t"\nsource = "s"\nformat = 1\nextends = "xiamen-127"\n'
        '[parameters."local.windows"]\nrule = "LOCAL-1"\nnote = "n"\nvalues = [\n'
        f"{values}\n]\n"
    )


def _time(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main() -> None:
    """Build the inputs, then time each import against its parse, interleaved."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every size")
    parser.add_argument("--json", action="store_true", help="end with one JSON object")
    args = parser.parse_args()
    voters = int(10_000 * args.scale)
    units = int(317 * args.scale**0.5)  # 317 ** 2 is just over 100,000 ratings
    windows = int(16_000 * args.scale)
    rules = POLICY.at(Q3.end)
    meeting = meeting_text(voters)
    book = ratings_book(units)
    ratings_json = RatingsDoc.from_domain(book).model_dump_json()
    ratings_csv = write_table(TABLES["ratings"], ratings_rows(book), "csv")
    community = book.community
    with TemporaryDirectory() as folder:
        policy_path = Path(folder) / "bench.toml"
        policy_path.write_text(policy_text(windows), encoding="utf-8")
        policy_source = policy_path.read_text(encoding="utf-8")
        cases: dict[str, tuple[int, Callable[[], object], Callable[[], object]]] = {
            "meeting": (
                voters,
                lambda: load_document("meeting", meeting).to_domain(rules),
                lambda: json.loads(meeting),
            ),
            "ratings_json": (
                units * units,
                lambda: load_document("ratings", ratings_json).to_domain(rules),
                lambda: json.loads(ratings_json),
            ),
            "ratings_csv": (
                units * units,
                lambda: ratings_from_table(
                    read_table(ratings_csv, TABLES["ratings"].columns, source="r", rule="E-3"),
                    community,
                    rules,
                ),
                lambda: list(csv.reader(io.StringIO(ratings_csv.decode()))),
            ),
            "policy": (
                windows,
                lambda: load_policy(policy_path),
                lambda: tomllib.loads(policy_source),
            ),
        }
        imports: dict[str, list[float]] = {name: [] for name in cases}
        parses: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.reps):
            for name, (_, load, parse) in cases.items():
                parses[name].append(_time(parse))
                imports[name].append(_time(load))
    figures: dict[str, float | int] = {}
    for name, (size, _, _) in cases.items():
        ratios = [i / p for i, p in zip(imports[name], parses[name], strict=True)]
        figures[f"{name}_size"] = size
        figures[f"{name}_s"] = round(statistics.median(imports[name]), 3)
        figures[f"{name}_ratio_median"] = round(statistics.median(ratios), 1)
        figures[f"{name}_ratio_min"] = round(min(ratios), 1)
        print(
            f"{name:<13} {size:>9,}: import {statistics.median(imports[name]):.2f} s "
            f"(median of {args.reps}); import / parse: median {statistics.median(ratios):.1f}, "
            f"min {min(ratios):.1f}"
        )
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
