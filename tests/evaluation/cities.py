"""Cities for the tests: communities' quarters as the tables evaluate_city reads (E-1..E-6)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pandas as pd
import pyarrow as pa

from community_governance.community import Community
from community_governance.errors import (
    DuplicateResponseError,
    GovernanceError,
    InvalidAnswerError,
    UnknownProjectError,
    UnknownUnitError,
)
from community_governance.evaluation import (
    RatingBook,
    city,
    evaluate_city,
)
from community_governance.policy import default_policy
from community_governance.vocabulary import Dimension
from tests.strategies import Q3


def city_tables(parts: list[tuple[Community, RatingBook, Any]]) -> dict[str, dict[str, list[Any]]]:
    """The tables of several communities' quarters, in long form."""
    units: dict[str, list[Any]] = {"community": [], "unit": []}
    ratings: dict[str, list[Any]] = {
        c: [] for c in ("community", "quarter", "rater", "ratee", "dimension", "score")
    }
    projects: dict[str, list[Any]] = {"community": [], "project": [], "responsible_units": []}
    answers: dict[str, list[Any]] = {"community": [], "household": [], "project": [], "answer": []}
    for community, book, survey in parts:
        cid = community.community_id
        for unit in community.unit_ids:
            units["community"].append(cid)
            units["unit"].append(unit)
        for rating in book.current.values():
            for dimension in Dimension:
                score = rating.scores.get(dimension)
                if score is None:
                    continue
                for column, value in zip(
                    ratings,
                    (cid, str(Q3), rating.rater, rating.ratee, dimension.code, str(score)),
                    strict=True,
                ):
                    ratings[column].append(value)
        if survey is not None:
            for project in survey.projects:
                projects["community"].append(cid)
                projects["project"].append(project.project_id)
                projects["responsible_units"].append(";".join(project.responsible_units))
            for response in survey.responses:
                answers["community"].append(cid)
                answers["household"].append(response.household)
                answers["project"].append(response.project)
                answers["answer"].append(response.answer)
    return {"units": units, "ratings": ratings, "projects": projects, "answers": answers}


def renamed(quarter: Any, cid: str) -> tuple[Community, RatingBook, Any, Any]:
    """A drawn quarter (``strategies.quarters``) as community ``cid``'s."""
    community, book, survey, policy = quarter
    renamed = Community(cid, cid, list(community.units))
    return (
        renamed,
        RatingBook(renamed, Q3).record_all(book.current.values(), policy),
        survey,
        policy,
    )


@contextlib.contextmanager
def without_numpy() -> Iterator[None]:
    """The row readers and the Python-int scorer alone, as without the [fast] extra."""
    saved = city._HAS_NUMPY
    city._HAS_NUMPY = False
    try:
        yield
    finally:
        city._HAS_NUMPY = saved


def shaped(tables: dict[str, dict[str, list[Any]]], kind: str) -> Any:
    """The tables as pandas DataFrames, Arrow tables or plain mappings, as ``kind`` says."""
    if kind == "pandas":
        return {name: pd.DataFrame(columns) for name, columns in tables.items()}
    if kind == "arrow":
        return {name: pa.table(columns) for name, columns in tables.items()}
    return tables


REWEIGHT = default_policy().override({"evaluation.missing_component": "reweight"})


def small_city() -> dict[str, dict[str, list[Any]]]:
    """Two communities, C (A and B) and D (A), worked out by hand in ``ROWS``."""
    return {
        "units": {"community": ["C", "C", "D"], "unit": ["A", "B", "A"]},
        "ratings": {
            "community": ["C", "C", "D"],
            "quarter": ["2026Q3"] * 3,
            "rater": ["A", "B", "A"],
            "ratee": ["B", "A", "A"],
            "dimension": ["service_attitude", "服务态度", "task_completion"],
            "score": ["90", "80.5", "70"],
        },
        "projects": {"community": ["C"], "project": ["P"], "responsible_units": ["A;B"]},
        "answers": {
            "community": ["C", "C"],
            "household": ["h1", "h2"],
            "project": ["P", "P"],
            "answer": ["满意", "very satisfied"],
        },
    }


#: C's A: peer 80.5, public (80 + 100) / 2 = 90, no self-rating: 4/9 x 80.5 + 5/9 x 90 = 772/9.
ROWS = [
    ("C", "B", None, "90", "90", 90, 1, Decimal("90.00"), "excellent", 1),
    ("C", "A", None, "80.5", "90", 772, 9, Decimal("85.78"), "good", 2),
    ("D", "A", "70", None, None, 70, 1, Decimal("70.00"), "qualified", 1),
]


def both_paths(tables: Any, policy: Any) -> list[list[dict[str, Any]]]:
    """The city's rows from the column path and from the row readers alone."""
    fast = evaluate_city(tables, quarter="2026Q3", policy=policy).rows()
    with without_numpy():
        plain = evaluate_city(tables, quarter="2026Q3", policy=policy).rows()
    return [fast, plain]


#: A scale from -100, its lowest band starting there.
SIGNED = REWEIGHT.override(
    {
        "evaluation.scale": {"min": "-100", "max": "100", "places": 2},
        "evaluation.grades.bands": [
            {"grade": "excellent", "min": "90"},
            {"grade": "good", "min": "80"},
            {"grade": "qualified", "min": "60"},
            {"grade": "failed", "min": "-100"},
        ],
    }
)


#: The six dimensions' codes as a table's dimension column spells them, in the policy's order.
DIMENSION_CODES = (
    "service_attitude",
    "professional_level",
    "execution_ability",
    "coordination_ability",
    "task_completion",
    "public_satisfaction",
)


#: The result's columns as the docs promise them, written out: the library's own tuple
#: is what is checked against this list.
COLUMNS = [
    "community",
    "unit",
    "self",
    "peer",
    "public",
    "exact_numerator",
    "exact_denominator",
    "final",
    "grade",
    "rank",
]


def changed(table: str, column: str, row: int, value: object) -> dict[str, dict[str, list[Any]]]:
    """The small city with one cell of one table set to ``value``."""
    tables = small_city()
    tables[table][column][row] = value
    return tables


SURVEY_ROWS = {
    "stranger": ("projects", "responsible_units", 0, "A;Q", UnknownUnitError, "responsible_units"),
    "elsewhere": ("projects", "community", 0, "Z", UnknownUnitError, "responsible_units"),
    "no-project": ("answers", "project", 1, "P9", UnknownProjectError, "project"),
    "twice": ("answers", "household", 1, "h1", DuplicateResponseError, "household"),
    "off-scale": ("answers", "answer", 1, "meh", InvalidAnswerError, "answer"),
}


SURVEY_WORDS = {
    "stranger": r"\['Q'\] are not member units of C",
    "elsewhere": r"\['A', 'B'\] are not member units of Z",
    "no-project": "project 'P9' is not a project of C",
    "twice": "household 'h1' already answered about 'P'",
    "off-scale": "'meh' is not an answer",
}


def edge_city(self_score: str, answers: list[str]) -> dict[str, dict[str, list[Any]]]:
    """Community E, every unit regular, A's self-rating ``self_score``, answers on P.

    B rates itself 90 and the two rate each other 90 (one dimension each); households
    answer ``answers`` about P, which both run.
    """
    return {
        "units": {"community": ["E", "E"], "unit": ["A", "B"]},
        "ratings": {
            "community": ["E"] * 4,
            "quarter": ["2026Q3"] * 4,
            "rater": ["A", "B", "A", "B"],
            "ratee": ["A", "A", "B", "B"],
            "dimension": ["service_attitude"] * 4,
            "score": [self_score, "90", "90", "90"],
        },
        "projects": {"community": ["E"], "project": ["P"], "responsible_units": ["A;B"]},
        "answers": {
            "community": ["E"] * len(answers),
            "household": [f"h{i}" for i in range(len(answers))],
            "project": ["P"] * len(answers),
            "answer": answers,
        },
    }


WEIGHTED = ("professional_level", "execution_ability", "coordination_ability", "task_completion")


ZERO_WEIGHT = REWEIGHT.override(
    {
        "evaluation.dimension_weights": {
            "service_attitude": "0",
            "public_satisfaction": "1/5",
            **dict.fromkeys(WEIGHTED, "1/5"),
        }
    }
)


def evaluated(tables: Any, policy: Any, *, numpy: bool) -> Any:
    """The city evaluated on the column path, or by the row readers alone."""
    if numpy:
        return evaluate_city(tables, quarter="2026Q3", policy=policy)
    with without_numpy():
        return evaluate_city(tables, quarter="2026Q3", policy=policy)


def full_city() -> dict[str, dict[str, list[Any]]]:
    """Community F: four units, each rating every unit on all six dimensions.

    Unit ``i`` rates unit ``j`` ``60 + 10 * j + i`` on every dimension (self-ratings too);
    households answer about P, which all four run.
    """
    names = ["A", "B", "C", "D"]
    ratings: dict[str, list[Any]] = {
        key: [] for key in ("community", "quarter", "rater", "ratee", "dimension", "score")
    }
    for i, rater in enumerate(names):
        for j, ratee in enumerate(names):
            for dimension in DIMENSION_CODES:
                for key, value in zip(
                    ratings,
                    ("F", "2026Q3", rater, ratee, dimension, str(60 + 10 * j + i)),
                    strict=True,
                ):
                    ratings[key].append(value)
    return {
        "units": {"community": ["F"] * 4, "unit": names},
        "ratings": ratings,
        "projects": {"community": ["F"], "project": ["P"], "responsible_units": ["A;B;C;D"]},
        "answers": {
            "community": ["F"] * 2,
            "household": ["h1", "h2"],
            "project": ["P", "P"],
            "answer": ["满意", "非常满意"],
        },
    }


def two_units(scores_a: list[str], scores_b: list[str]) -> dict[str, dict[str, list[Any]]]:
    """Community G: A and B rate themselves and each other on all six dimensions.

    A's self-rating and B's rating of A give ``scores_a`` dimension by dimension, A's rating
    of B and B's self-rating ``scores_b``; one household answers about P, run by both.
    """
    dimensions = list(DIMENSION_CODES)
    pairs = [("A", "A", scores_a), ("B", "A", scores_a), ("A", "B", scores_b), ("B", "B", scores_b)]
    return {
        "units": {"community": ["G", "G"], "unit": ["A", "B"]},
        "ratings": {
            "community": ["G"] * 24,
            "quarter": ["2026Q3"] * 24,
            "rater": [rater for rater, _, _ in pairs for _ in dimensions],
            "ratee": [ratee for _, ratee, _ in pairs for _ in dimensions],
            "dimension": dimensions * 4,
            "score": [score for _, _, scores in pairs for score in scores],
        },
        "projects": {"community": ["G"], "project": ["P"], "responsible_units": ["A;B"]},
        "answers": {"community": ["G"], "household": ["h1"], "project": ["P"], "answer": ["满意"]},
    }


def ranked_city() -> dict[str, dict[str, list[Any]]]:
    """Community H, units listed E, D, C, B, A: every unit rates every unit on one dimension.

    Scores by ratee: A and B 90, C and D 85, E 70 (everyone gives the same), so A and B
    tie, and C and D; the households answer 满意 about P, which all run.
    """
    names = ["E", "D", "C", "B", "A"]
    score = {"A": "90", "B": "90", "C": "85", "D": "85", "E": "70"}
    pairs = [(rater, ratee) for rater in names for ratee in names]
    return {
        "units": {"community": ["H"] * 5, "unit": names},
        "ratings": {
            "community": ["H"] * len(pairs),
            "quarter": ["2026Q3"] * len(pairs),
            "rater": [rater for rater, _ in pairs],
            "ratee": [ratee for _, ratee in pairs],
            "dimension": ["task_completion"] * len(pairs),
            "score": [score[ratee] for _, ratee in pairs],
        },
        "projects": {"community": ["H"], "project": ["P"], "responsible_units": ["A;B;C;D;E"]},
        "answers": {"community": ["H"], "household": ["h1"], "project": ["P"], "answer": ["满意"]},
    }


SURVEY_TABLES: dict[str, tuple[str | type[GovernanceError], tuple[str, str] | None]] = {
    # which survey tables the city has -> what evaluating it gives, on both paths
    "neither": ("ok", None),
    "projects only": ("ok", None),
    "projects only, one naming a stranger": (
        UnknownUnitError,
        ("projects[row 0].responsible_units", "['Q'] are not member units of C"),
    ),
    "answers only": (
        UnknownProjectError,
        ("answers[row 0].project", "project 'P' is not a project of C"),
    ),
}


def numbered(tables: dict[str, dict[str, list[Any]]]) -> dict[str, dict[str, Any]]:
    """The tables with whole-number scores as a NumPy int64 column."""
    import numpy as np  # noqa: PLC0415

    shaped: dict[str, dict[str, Any]] = {name: dict(columns) for name, columns in tables.items()}
    shaped["ratings"]["score"] = np.array([int(s) for s in tables["ratings"]["score"]], np.int64)
    return shaped
