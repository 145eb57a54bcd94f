"""Evaluate a whole synthetic city for one quarter (E-1..E-6): columns, objects, NumPy float.

The city is deterministic (seeded): C communities, each with 20 member units, full self
and peer rating matrices (20 x 20 ratings of six dimensions), a survey of 100 households
answering about 10 projects (1,000 answers), every project the responsibility of two
units. Three computations of the same finals, interleaved and repeated in one run:

* ``numpy_float_s``: a hand-written NumPy float64 computation of the finals from the
  columns (the ratings as a (C, rater, ratee, 6) array of points, the answers as codes);
* ``columns_s``: ``evaluate_city`` from the same columns (long-form tables);
* ``objects_s``: ``evaluate_quarter`` for every community, inputs already recorded.

``identical`` is true only when every exact final of both library paths equals the
Fraction reference's (``tests/evaluation/reference.py``, run once on the first
communities) and the two paths agree everywhere; ``peak_mib`` is the peak traced memory
of ``evaluate_city``.

Run: ``python benchmarks/evaluate_city.py --communities N [--reps R] [--json]``; the JSON
object on the last line has the keys ``numpy_float_s``, ``columns_s``, ``objects_s``,
``identical``, ``peak_mib`` (times are medians) and the ratios.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import random
import statistics
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path
from typing import Any

from community_governance.community import Community, MemberUnit, Project, Quarter
from community_governance.evaluation import (
    RatingBook,
    SamplingFrame,
    Survey,
    SurveyResponse,
    draw_sample,
    evaluate_city,
    evaluate_quarter,
)
from community_governance.evaluation.ratings import Rating
from community_governance.policy import default_policy
from community_governance.policy.schema import PolicySnapshot
from community_governance.vocabulary import Component, Dimension

UNITS = 20
PROJECTS = 10
HOUSEHOLDS = 2_400
QUARTER = Quarter(2026, 3)
ANSWERS = (
    "very_satisfied",
    "satisfied",
    "basically_satisfied",
    "dissatisfied",
    "very_dissatisfied",
)


class City:
    """The synthetic city as raw numbers, as columns and as recorded objects."""

    def __init__(self, communities: int, rules: PolicySnapshot) -> None:
        self.raw: list[list[list[list[int]]]] = []
        self.answers: list[list[list[int]]] = []
        self.objects: list[tuple[Community, RatingBook, Survey]] = []
        tables: dict[str, dict[str, list[Any]]] = {
            "units": {"community": [], "unit": []},
            "ratings": {
                c: [] for c in ("community", "quarter", "rater", "ratee", "dimension", "score")
            },
            "projects": {"community": [], "project": [], "responsible_units": []},
            "answers": {"community": [], "household": [], "project": [], "answer": []},
        }
        dims = [d.code for d in Dimension]
        for index in range(communities):
            rnd = random.Random(index)  # noqa: S311 - synthetic data, not security
            cid = f"C{index}"
            ids = [f"C{index}-U{u:02d}" for u in range(UNITS)]
            community = Community(
                cid, cid, [MemberUnit(u, u, "co_building_unit") for u in ids], HOUSEHOLDS
            )
            raw = [[[rnd.randint(50, 100) for _ in dims] for _ in ids] for _ in ids]
            self.raw.append(raw)
            ratings = [
                Rating(
                    ids[a],
                    ids[b],
                    QUARTER,
                    Component.SELF if a == b else Component.PEER,
                    dict(zip(Dimension, map(Decimal, raw[a][b]), strict=True)),
                )
                for a, b in itertools.product(range(UNITS), repeat=2)
            ]
            book = RatingBook(community, QUARTER).record_all(ratings, rules)
            frame = SamplingFrame([f"{cid}-H{h:04d}" for h in range(HOUSEHOLDS)])
            certificate = draw_sample(frame, str(index), rules, seed_source="benchmark")
            projects = [
                Project(f"{cid}-P{p}", f"P{p}", QUARTER, [ids[2 * p], ids[2 * p + 1]])
                for p in range(PROJECTS)
            ]
            codes = [[rnd.randrange(len(ANSWERS)) for _ in projects] for _ in certificate.sample]
            self.answers.append(codes)
            survey = Survey(QUARTER, certificate, projects).respond_all(
                [
                    SurveyResponse(h, project.project_id, ANSWERS[codes[i][p]])
                    for i, h in enumerate(certificate.sample)
                    for p, project in enumerate(projects)
                ],
                rules,
            )
            self.objects.append((community, book, survey))
            units = tables["units"]
            units["community"] += [cid] * UNITS
            units["unit"] += ids
            r = tables["ratings"]
            for a, b in itertools.product(range(UNITS), repeat=2):
                r["community"] += [cid] * 6
                r["quarter"] += ["2026Q3"] * 6
                r["rater"] += [ids[a]] * 6
                r["ratee"] += [ids[b]] * 6
                r["dimension"] += dims
                r["score"] += raw[a][b]
            for project in projects:
                tables["projects"]["community"].append(cid)
                tables["projects"]["project"].append(project.project_id)
                tables["projects"]["responsible_units"].append(";".join(project.responsible_units))
            table = tables["answers"]
            for response in survey.responses:
                table["community"].append(cid)
                table["household"].append(response.household)
                table["project"].append(response.project)
                table["answer"].append(response.answer)
        self.tables = tables


def numpy_finals(city: City, rules: PolicySnapshot) -> list[float]:
    """The finals in float64 NumPy, written by hand from the raw columns."""
    import numpy as np  # noqa: PLC0415 - the [fast] extra

    ratings = np.array(city.raw, dtype=np.float64)  # (C, rater, ratee, 6)
    score_of = np.array([float(rules.survey_answer_scale.level(a).score) for a in ANSWERS])
    answers = score_of[np.array(city.answers)]  # (C, H, P)
    weights = np.array([float(rules.dimension_weights[d]) for d in Dimension])
    per_rating = ratings @ weights / weights.sum()  # (C, rater, ratee)
    own = np.einsum("cii->ci", per_rating)
    peer = (per_rating.sum(axis=1) - own) / (UNITS - 1)
    public = np.repeat(answers.mean(axis=1), 2, axis=1)  # each unit has one project
    finals = np.round(0.1 * own + 0.4 * peer + 0.5 * public, 2)
    return [float(x) for x in finals.ravel()]


def by_unit_columns(result: Any) -> dict[tuple[str, str], Any]:
    """evaluate_city's exact finals by (community, unit)."""
    from fractions import Fraction  # noqa: PLC0415

    rows = result.rows()
    return {
        (r["community"], r["unit"]): Fraction(r["exact_numerator"], r["exact_denominator"])
        for r in rows
    }


def main() -> None:
    """Run the three computations interleaved and print medians, ratios and checks."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--communities", type=int, default=500)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="end with one JSON object")
    args = parser.parse_args()
    rules = default_policy().at(dt.date(2026, 9, 30))
    city = City(args.communities, rules)
    numpy_finals(city, rules)  # imports NumPy and warms it up, outside the timings
    times: dict[str, list[float]] = {"numpy_float_s": [], "columns_s": [], "objects_s": []}
    columns = objects = None
    for _ in range(args.reps):
        start = time.perf_counter()
        numpy_finals(city, rules)
        times["numpy_float_s"].append(time.perf_counter() - start)
        start = time.perf_counter()
        columns = evaluate_city(city.tables, quarter=QUARTER, policy=rules)
        times["columns_s"].append(time.perf_counter() - start)
        start = time.perf_counter()
        objects = [
            evaluate_quarter(c, QUARTER, book, survey, policy=rules)
            for c, book, survey in city.objects
        ]
        times["objects_s"].append(time.perf_counter() - start)
    tracemalloc.start()
    evaluate_city(city.tables, quarter=QUARTER, policy=rules)
    peak_mib = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    assert columns is not None
    assert objects is not None
    from_columns = by_unit_columns(columns)
    from_objects = {
        (r.community_id, c.unit_id): c.final.exact for r in objects for c in r.scorecards
    }
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.evaluation.reference import reference_evaluate_quarter  # noqa: PLC0415

    reference = {
        (r.community_id, c.unit_id): c.final.exact
        for community, book, survey in city.objects[: min(20, len(city.objects))]
        for r in [reference_evaluate_quarter(community, QUARTER, book, survey, policy=rules)]
        for c in r.scorecards
    }
    identical = from_columns == from_objects and all(
        from_objects[key] == value for key, value in reference.items()
    )
    medians = {k: statistics.median(v) for k, v in times.items()}
    ratios = {
        "columns_ratio_min": min(
            c / n for c, n in zip(times["columns_s"], times["numpy_float_s"], strict=True)
        ),
        "columns_ratio_median": medians["columns_s"] / medians["numpy_float_s"],
        "objects_ratio_min": min(
            o / n for o, n in zip(times["objects_s"], times["numpy_float_s"], strict=True)
        ),
        "objects_ratio_median": medians["objects_s"] / medians["numpy_float_s"],
    }
    print(f"city of {args.communities} communities x {UNITS} units, {args.reps} repetitions")
    for key, value in medians.items():
        print(f"  {key:16} {value:10.4f} s (median)")
    print(
        f"  evaluate_city / NumPy float: min {ratios['columns_ratio_min']:.2f}x, "
        f"median {ratios['columns_ratio_median']:.2f}x (goal <= 1.2x)"
    )
    print(
        f"  evaluate_quarter objects / NumPy float: min {ratios['objects_ratio_min']:.2f}x, "
        f"median {ratios['objects_ratio_median']:.2f}x (goal <= 5x)"
    )
    print(f"  identical: {identical}; peak traced memory of evaluate_city {peak_mib:.1f} MiB")
    if args.json:
        print(json.dumps({**medians, **ratios, "identical": identical, "peak_mib": peak_mib}))


if __name__ == "__main__":
    main()
