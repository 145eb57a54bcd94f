"""Evaluate a whole synthetic city for one quarter (E-1..E-6): time, memory, linear growth.

The city is deterministic (seeded): C communities, each with 20 member units,
full self and peer rating matrices (20 x 20 ratings of six dimensions), a
sampled survey of 100 households answering about 10 projects (1,000 answers),
every project the responsibility of two units. The script reports:

* the time to build the inputs (ratings and responses are validated on entry);
* the wall time and the peak traced memory of ``evaluate_quarter`` over the city;
* a hand-written NumPy float computation of the same finals, in the same run,
  and the largest difference from the exact finals;
* the same for a city twice as large, and the ratio of the two times (linear
  growth gives about 2).

Run: ``pip install numpy && python benchmarks/evaluate_city.py [--communities 500]``.
Targets and figures belong here and in release notes, never in timed tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import random
import time
import tracemalloc
from decimal import Decimal
from fractions import Fraction

from community_governance.community import Community, MemberUnit, Project, Quarter
from community_governance.evaluation import (
    QuarterResult,
    Rating,
    RatingBook,
    SamplingFrame,
    Survey,
    SurveyResponse,
    draw_sample,
    evaluate_quarter,
)
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

Inputs = tuple[Community, RatingBook, Survey, list[list[list[int]]], list[list[str]]]


def build_community(index: int, rules: PolicySnapshot) -> Inputs:
    """One deterministic community with its ratings, survey and the raw numbers behind them."""
    rnd = random.Random(index)  # noqa: S311 - synthetic data, not security
    units = [
        MemberUnit(f"C{index}-U{u:02d}", f"Unit {u}", "co_building_unit") for u in range(UNITS)
    ]
    community = Community(f"C{index}", f"Community {index}", units, household_count=HOUSEHOLDS)
    ids = community.unit_ids
    raw = [[[rnd.randint(50, 100) for _ in Dimension] for _ in ids] for _ in ids]
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
    frame = SamplingFrame([f"C{index}-H{h:04d}" for h in range(HOUSEHOLDS)])
    certificate = draw_sample(frame, index, rules, seed_source="benchmark")
    projects = [
        Project(f"C{index}-P{p}", f"Project {p}", QUARTER, [ids[2 * p], ids[2 * p + 1]])
        for p in range(PROJECTS)
    ]
    answers = [[rnd.choice(ANSWERS) for _ in projects] for _ in certificate.sample]
    survey = Survey(QUARTER, certificate, projects).respond_all(
        [
            SurveyResponse(household, project.project_id, answers[h][p])
            for h, household in enumerate(certificate.sample)
            for p, project in enumerate(projects)
        ],
        rules,
    )
    return community, book, survey, raw, answers


def numpy_finals(city: list[Inputs], rules: PolicySnapshot) -> tuple[float, list[list[float]]]:
    """The same finals in float64 NumPy, written by hand; returns (seconds, finals array)."""
    import numpy as np  # noqa: PLC0415 - an optional benchmark dependency

    start = time.perf_counter()
    ratings = np.array([c[3] for c in city], dtype=np.float64)  # (C, rater, ratee, 6)
    score_of = {lv.code: float(lv.score) for lv in rules.survey_answer_scale.levels}
    answers = np.array([[[score_of[a] for a in row] for row in c[4]] for c in city])  # (C, H, P)
    weights = np.array([float(rules.dimension_weights[d]) for d in Dimension])
    per_rating = ratings @ weights / weights.sum()  # (C, rater, ratee)
    own = np.einsum("cii->ci", per_rating)
    peer = (per_rating.sum(axis=1) - own) / (UNITS - 1)
    project_means = answers.mean(axis=1)  # (C, P); each unit has one project
    public = np.repeat(project_means, 2, axis=1)
    finals = 0.1 * own + 0.4 * peer + 0.5 * public
    finals = np.round(finals, 2)
    seconds = time.perf_counter() - start
    rows: list[list[float]] = finals.tolist()
    return seconds, rows


def evaluate_city(city: list[Inputs], rules: PolicySnapshot) -> list[QuarterResult]:
    """``evaluate_quarter`` for every community."""
    return [
        evaluate_quarter(c, QUARTER, book, survey, policy=rules) for c, book, survey, _, _ in city
    ]


def run(communities: int, rules: PolicySnapshot, *, trace: bool) -> dict[str, float]:
    """Build and evaluate a city; return the figures."""
    start = time.perf_counter()
    city = [build_community(i, rules) for i in range(communities)]
    built = time.perf_counter() - start
    start = time.perf_counter()
    results = evaluate_city(city, rules)
    elapsed = time.perf_counter() - start
    figures = {"build_s": built, "evaluate_s": elapsed}
    if trace:
        tracemalloc.start()
        evaluate_city(city, rules)
        figures["evaluate_peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    try:
        np_seconds, np_finals = numpy_finals(city, rules)
    except ModuleNotFoundError:
        return figures
    exact = [
        [Fraction(r.scorecard(unit).final.reported) for unit in c[0].unit_ids]
        for r, c in zip(results, city, strict=True)
    ]
    figures["numpy_s"] = np_seconds
    figures["max_abs_diff_vs_numpy"] = max(
        abs(float(e) - float(n))
        for row_e, row_n in zip(exact, np_finals, strict=True)
        for e, n in zip(row_e, row_n, strict=True)
    )
    return figures


def main() -> None:
    """Run the benchmark at N and 2N communities and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--communities", type=int, default=500)
    args = parser.parse_args()
    rules = default_policy().at(dt.date(2026, 9, 30))
    n = args.communities
    one = run(n, rules, trace=True)
    print(
        f"city of {n} communities x {UNITS} units, {UNITS * UNITS} ratings and "
        f"{PROJECTS * 100} answers each"
    )
    for key, value in one.items():
        print(f"  {key:24} {value:12.4f}")
    two = run(2 * n, rules, trace=False)
    print(f"city of {2 * n} communities")
    for key, value in two.items():
        print(f"  {key:24} {value:12.4f}")
    print(
        f"growth of evaluate time for twice the city: {two['evaluate_s'] / one['evaluate_s']:.2f}x"
    )


if __name__ == "__main__":
    main()
