"""Re-check a ledger export with the standard library alone (E-5, the record).

Usage::

    python -m community_governance.ledger.verify EXPORT.jsonl [--head COUNT:HASH]

It recomputes the hash chain (naming the first bad sequence number, and
catching truncation against a published head), then, for every evaluated
quarter in the export, recomputes each unit's self, peer and survey components
from the recorded ratings and survey responses, and the final score — exactly,
with ``fractions`` — from the recorded parameters, and compares them with
the recorded result. Exit code 0 when everything matches, 1 when something does not,
and 2 on input that is not an export (one line on standard error, never a traceback).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from community_governance.ledger.chain import check_records, export_rows

__all__ = ["main", "recompute_quarters", "verify_export"]


def _records(path: Path) -> list[Any]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def verify_export(
    records: Sequence[Mapping[str, Any]], published: tuple[int, str] | None = None
) -> list[str]:
    """Problems with the chain of an export (empty when it checks out)."""
    check = check_records(
        export_rows(records),
        published,
    )
    return [] if check.ok else [f"chain breaks at sequence {check.first_bad}: {check.reason}"]


def _fraction(text: str | None) -> Fraction | None:
    return None if text is None else Fraction(text)


def _mean(values: Sequence[Fraction]) -> Fraction | None:
    return sum(values, Fraction(0)) / len(values) if values else None


def _round(value: Fraction, places: int, mode: str) -> str:
    # The library's one rounding step, redone with integers (this module imports no library code).
    scaled = abs(value) * 10**places
    whole, remainder = divmod(scaled.numerator, scaled.denominator)
    twice = 2 * remainder
    if twice > scaled.denominator or (
        twice == scaled.denominator and (mode == "half_up" or whole % 2 == 1)
    ):
        whole += 1
    sign = "-" if value < 0 and whole else ""
    digits = str(whole).rjust(places + 1, "0")
    return f"{sign}{digits[:-places]}.{digits[-places:]}" if places else f"{sign}{digits}"


def _current_ratings(ratings: Mapping[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    current: dict[tuple[str, str], dict[str, Any]] = {}
    for event in ratings["history"]:
        rating = event["rating"]
        current[(rating["rater"], rating["ratee"])] = rating
    return current


def _rating_score(scores: Mapping[str, str | None], weights: Mapping[str, Fraction]) -> Fraction:
    rated = {d: Fraction(s) for d, s in scores.items() if s is not None}
    total = sum((weights[d] for d in rated), Fraction(0))
    return sum((weights[d] * s for d, s in rated.items()), Fraction(0)) / total


def _peer_mean(scores: list[Fraction], peer: Mapping[str, Any]) -> Fraction | None:
    if len(scores) < peer["min_raters"]:
        return None
    ordered = sorted(scores)
    if peer["aggregation"] == "trimmed" and len(ordered) >= peer["trim_min_raters"]:
        ordered = ordered[1:-1]
    return _mean(ordered)


def recompute_quarters(records: Iterable[Mapping[str, Any]]) -> list[str]:
    """Recompute every evaluated quarter's scores from the export; list the mismatches."""
    by_stream: dict[str, dict[str, Mapping[str, Any]]] = {}
    for record in records:
        by_stream.setdefault(record["stream"], {})[record["type"]] = record["data"]
    problems: list[str] = []
    for stream, latest in sorted(by_stream.items()):
        evaluated = latest.get("quarter.evaluated")
        if evaluated is None:
            continue
        ratings, survey = latest.get("ratings.recorded"), latest.get("survey.recorded")
        if ratings is None or survey is None:
            problems.append(f"{stream}: the ratings or the survey are missing from the export")
            continue
        problems.extend(_recompute(stream, evaluated, ratings, survey))
    return problems


def _recompute(
    stream: str, evaluated: Mapping[str, Any], ratings: Mapping[str, Any], survey: Mapping[str, Any]
) -> list[str]:
    params = evaluated["parameters"]
    dims = {d: Fraction(w) for d, w in params["dimension_weights"].items()}
    weights = {c: Fraction(w) for c, w in params["weights"].items()}
    scale = {code: Fraction(score) for code, score in params["scale"].items()}
    current = _current_ratings(ratings)
    responsible = {p["project_id"]: set(p["responsible_units"]) for p in survey["projects"]}
    problems = []
    for card in evaluated["result"]["scorecards"]:
        unit = card["unit_id"]
        own = current.get((unit, unit))
        components = {
            "self": _rating_score(own["scores"], dims) if own else None,
            "peer": _peer_mean(
                [
                    _rating_score(r["scores"], dims)
                    for (a, b), r in current.items()
                    if b == unit and a != unit
                ],
                params["peer"],
            ),
            "public": _mean(
                [
                    scale[r["answer"]]
                    for r in survey["responses"]
                    if params["attribution"] == "all" or unit in responsible[r["project"]]
                ]
            ),
        }
        recorded = {k: _fraction(v) for k, v in card["final"]["components"].items()}
        if components != recorded:
            problems.append(
                f"{stream}: {unit}: components {components} differ from the recorded {recorded}"
            )
            continue
        used = {k: Fraction(w) for k, w in card["final"]["weights"].items()}
        if not card["final"]["reweighted"] and used != weights:
            problems.append(f"{stream}: {unit}: weights differ from the policy's")
            continue
        exact = sum((used[k] * v for k, v in components.items() if v is not None), Fraction(0))
        reported = _round(exact, params["rounding"]["places"], params["rounding"]["mode"])
        recorded_final = card["final"]["reported"]
        if exact != Fraction(card["final"]["exact"]) or reported != recorded_final:
            problems.append(f"{stream}: {unit}: final {reported} differs from {recorded_final}")
    return problems


def main(argv: Sequence[str] | None = None) -> int:  # noqa: PLR0911 - one exit per bad input
    """Command-line entry point."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        sys.stdout.write(__doc__ or "")
        return 0 if args else 2
    published = None
    if "--head" in args:
        i = args.index("--head")
        try:
            count, digest = args[i + 1].split(":", 1)
            published = (int(count), digest)
        except (IndexError, ValueError):
            sys.stderr.write("verify: --head takes COUNT:HASH, such as 42:ab12...\n")
            return 2
        del args[i : i + 2]
    if not args:
        sys.stderr.write("verify: name the export to check\n")
        return 2
    try:
        records = _records(Path(args[0]))
    except (OSError, ValueError) as error:
        sys.stderr.write(f"verify: cannot read {args[0]}: {error}\n")
        return 2
    keys = {"seq", "stream", "version", "type", "at", "data", "hash"}
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict) or not keys <= set(record):
            sys.stderr.write(f"verify: line {number} of {args[0]} is not a ledger record\n")
            return 2
    try:
        problems = verify_export(records, published)
        if not problems:
            problems = recompute_quarters(records)
    except (KeyError, TypeError, ValueError, ArithmeticError) as error:
        sys.stderr.write(f"verify: {args[0]} is not a well-formed export ({error!r})\n")
        return 2
    for problem in problems:
        sys.stdout.write(problem + "\n")
    if not problems:
        sys.stdout.write(f"ok: {len(records)} events, chain and scores recomputed\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
