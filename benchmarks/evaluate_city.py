"""Evaluate a whole synthetic city for one quarter (E-1..E-6): columns, objects, NumPy float.

The city is deterministic (seeded): C communities, each with 20 member units, full self
and peer rating matrices (20 x 20 ratings of six dimensions), a survey of 100 households
answering about 10 projects (1,000 answers), every project the responsibility of two
units. Three computations of the same finals, interleaved and repeated in one run:

* ``numpy_float_s``: a hand-written NumPy float64 computation of the finals from the
  long-form Arrow tables (ids to codes by pyarrow's hash lookup, sums by ``bincount``),
  trusting its input;
* ``columns_s``: ``evaluate_city`` from the same Arrow tables, every row checked;
* ``objects_s``: ``evaluate_quarter`` for every community, inputs already recorded.

The fixture is frozen out of the garbage collector (``gc.freeze``) before timing.
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
import gc
import itertools
import json
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
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
from community_governance.evaluation.city import record_city
from community_governance.evaluation.ratings import Rating
from community_governance.policy import default_policy
from community_governance.policy.schema import PolicySnapshot
from community_governance.tables.city_rows import INPUT_COLUMNS
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
        self.objects: list[tuple[Community, RatingBook, Survey]] = []
        self.raw: list[list[list[list[int]]]] = []
        self.answer_codes: list[list[list[str]]] = []
        tables: dict[str, dict[str, list[Any]]] = {
            name: {column: [] for column in columns} for name, columns in INPUT_COLUMNS.items()
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
            self.answer_codes.append([[ANSWERS[c] for c in row] for row in codes])
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


def numpy_finals(city: City, rules: PolicySnapshot) -> Any:
    """The finals in float64 NumPy, by hand, from the city's raw Python columns.

    The baseline of the issue that set the goals: arrays built from the raw numbers
    (ratings as a (C, rater, ratee, 6) array, answers mapped from their codes), then
    weighted means. It trusts its input: no checks, every rating complete.
    """
    import numpy as np  # noqa: PLC0415 - the [fast] extra

    ratings = np.array(city.raw, dtype=np.float64)
    score_of = {lv.code: float(lv.score) for lv in rules.survey_answer_scale.levels}
    answers = np.array([[[score_of[a] for a in row] for row in c] for c in city.answer_codes])
    weights = np.array([float(rules.dimension_weights[d]) for d in Dimension])
    per_rating = ratings @ weights / weights.sum()  # (C, rater, ratee)
    own = np.einsum("cii->ci", per_rating)
    peer = (per_rating.sum(axis=1) - own) / (UNITS - 1)
    public = np.repeat(answers.mean(axis=1), 2, axis=1)  # each unit has one project
    return np.round(0.1 * own + 0.4 * peer + 0.5 * public, 2)


def numpy_arrow_finals(tables: dict[str, Any], rules: PolicySnapshot) -> Any:
    """The finals in float64 NumPy, by hand, from the long-form Arrow tables.

    Ids to codes by pyarrow's hash lookup, sums by ``bincount``; no checks either.
    """
    import numpy as np  # noqa: PLC0415 - the [fast] extra
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.compute as pc  # noqa: PLC0415

    unit_ids = tables["units"]["unit"]
    n = len(unit_ids)
    ratings = tables["ratings"]
    rater = pc.index_in(ratings["rater"], value_set=unit_ids).to_numpy()
    ratee = pc.index_in(ratings["ratee"], value_set=unit_ids).to_numpy()
    codes = pa.array([d.code for d in Dimension])
    dimension = pc.index_in(ratings["dimension"], value_set=codes).to_numpy()
    weights = np.array([float(rules.dimension_weights[d]) for d in Dimension])
    points = ratings["score"].to_numpy().astype(np.float64) * weights[dimension] / weights.sum()
    own = rater == ratee
    self_part = np.bincount(ratee[own], points[own], minlength=n)
    raters = np.bincount(ratee[~own], minlength=n) / len(codes)
    peer = np.bincount(ratee[~own], points[~own], minlength=n) / raters
    answers, projects = tables["answers"], tables["projects"]
    levels = rules.survey_answer_scale.levels
    value = np.array([float(level.score) for level in levels])
    level = pc.index_in(answers["answer"], value_set=pa.array([lv.code for lv in levels]))
    project = pc.index_in(answers["project"], value_set=projects["project"]).to_numpy()
    total = np.bincount(project, value[level.to_numpy()], minlength=len(projects))
    count = np.bincount(project, minlength=len(projects))
    listed = pc.split_pattern(projects["responsible_units"], ";").combine_chunks()
    parent = pc.list_parent_indices(listed).to_numpy()
    owner = pc.index_in(pc.list_flatten(listed), value_set=unit_ids).to_numpy()
    public = np.bincount(owner, total[parent], minlength=n) / np.bincount(
        owner, count[parent], minlength=n
    )
    return np.round(0.1 * self_part + 0.4 * peer + 0.5 * public, 2)


def by_unit_columns(result: Any) -> dict[tuple[str, str], Any]:
    """evaluate_city's exact finals by (community, unit)."""
    from fractions import Fraction  # noqa: PLC0415

    rows = result.rows()
    return {
        (r["community"], r["unit"]): Fraction(r["exact_numerator"], r["exact_denominator"])
        for r in rows
    }


def measure(communities: int, reps: int, rules: PolicySnapshot) -> dict[str, Any]:
    """Every computation on one city, interleaved and repeated; medians, ratios, checks."""
    import pyarrow as pa  # noqa: PLC0415 - the [scale] extra

    city = City(communities, rules)
    arrow = {name: pa.table(columns) for name, columns in city.tables.items()}
    # The fixture's millions of long-lived objects are moved out of the collector's reach,
    # so that the timings measure the computations, not full collections scanning them.
    gc.collect()
    gc.freeze()
    numpy_finals(city, rules)  # imports and warms up, outside the timings
    numpy_arrow_finals(arrow, rules)
    recorded = record_city(arrow, quarter=QUARTER, policy=rules)
    evaluate_city(recorded, policy=rules)
    runs: dict[str, Callable[[], Any]] = {
        "numpy_float_s": lambda: numpy_finals(city, rules),
        "columns_s": lambda: evaluate_city(recorded, policy=rules),
        "objects_s": lambda: [
            evaluate_quarter(c, QUARTER, book, survey, policy=rules)
            for c, book, survey in city.objects
        ],
        "numpy_arrow_s": lambda: numpy_arrow_finals(arrow, rules),
        "arrow_s": lambda: evaluate_city(arrow, quarter=QUARTER, policy=rules),
    }
    times: dict[str, list[float]] = {name: [] for name in runs}
    last: dict[str, Any] = {}
    for _ in range(reps):
        for name, run in runs.items():
            last.pop(name, None)  # the previous result is freed before, not inside, the timing
            start = time.perf_counter()
            result = run()
            times[name].append(time.perf_counter() - start)
            last[name] = result
            del result
    tracemalloc.start()
    evaluate_city(recorded, policy=rules)
    peak_mib = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.reset_peak()
    evaluate_city(arrow, quarter=QUARTER, policy=rules)
    peak_arrow_mib = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    from_columns = by_unit_columns(last["columns_s"])
    from_arrow = by_unit_columns(last["arrow_s"])
    from_objects = {
        (r.community_id, c.unit_id): c.final.exact for r in last["objects_s"] for c in r.scorecards
    }
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.evaluation.reference import reference_evaluate_quarter  # noqa: PLC0415

    reference = {
        (r.community_id, c.unit_id): c.final.exact
        for community, book, survey in city.objects[: min(20, len(city.objects))]
        for r in [reference_evaluate_quarter(community, QUARTER, book, survey, policy=rules)]
        for c in r.scorecards
    }
    identical = from_columns == from_objects == from_arrow and all(
        from_objects[key] == value for key, value in reference.items()
    )
    medians = {k: statistics.median(v) for k, v in times.items()}

    def ratio(name: str, base: str) -> dict[str, float]:
        pairs = [a / b for a, b in zip(times[name], times[base], strict=True)]
        return {
            f"{name[:-2]}_ratio_min": min(pairs),
            f"{name[:-2]}_ratio_median": medians[name] / medians[base],
        }

    return {
        **medians,
        **ratio("columns_s", "numpy_float_s"),
        **ratio("objects_s", "numpy_float_s"),
        **ratio("arrow_s", "numpy_arrow_s"),
        "identical": identical,
        "peak_mib": peak_mib,
        "peak_arrow_mib": peak_arrow_mib,
    }


def main() -> None:
    """Measure the city (and with ``--growth`` the city twice as large) and print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--communities", type=int, default=500)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--growth", action="store_true", help="also measure twice the city")
    parser.add_argument("--json", action="store_true", help="end with one JSON object")
    args = parser.parse_args()
    rules = default_policy().at(dt.date(2026, 9, 30))
    figures = measure(args.communities, args.reps, rules)
    print(f"city of {args.communities} communities x {UNITS} units, {args.reps} repetitions")
    for key in ("numpy_float_s", "columns_s", "objects_s", "numpy_arrow_s", "arrow_s"):
        print(f"  {key:16} {figures[key]:10.4f} s (median)")
    print(
        "  (a) evaluate_city, recorded columns / NumPy float: "
        f"min {figures['columns_ratio_min']:.2f}x, "
        f"median {figures['columns_ratio_median']:.2f}x (goal <= 1.2x)"
    )
    print(
        f"  (b) evaluate_quarter objects / NumPy float: min {figures['objects_ratio_min']:.2f}x, "
        f"median {figures['objects_ratio_median']:.2f}x (goal <= 5x)"
    )
    print(
        f"  from Arrow tables, reading included / NumPy from the same tables: "
        f"min {figures['arrow_ratio_min']:.2f}x, median {figures['arrow_ratio_median']:.2f}x"
    )
    print(
        f"  identical: {figures['identical']}; peak traced memory {figures['peak_mib']:.1f} MiB "
        f"(recorded), {figures['peak_arrow_mib']:.1f} MiB (from Arrow)"
    )
    if args.growth:
        twice = measure(2 * args.communities, args.reps, rules)
        figures["growth"] = twice["columns_s"] / figures["columns_s"]
        figures["growth_arrow"] = twice["arrow_s"] / figures["arrow_s"]
        figures["identical"] = figures["identical"] and twice["identical"]
        print(
            f"  twice the city: evaluate_city x{figures['growth']:.2f} (goal <= 2.1), "
            f"from Arrow x{figures['growth_arrow']:.2f}; ratio (a) at {2 * args.communities}: "
            f"median {twice['columns_ratio_median']:.2f}x"
        )
        figures["twice"] = {k: v for k, v in twice.items() if k.endswith(("_s", "median"))}
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
