"""Which reader reads a city's tables, and that both give the same city (E-1..E-4).

``record_city`` reads a city's tables by whole columns (NumPy, and pyarrow where it is
installed) and leaves to the row readers what those checks do not cover;
``CityColumns.read_by`` says which read. Every table below is one a province may send:
Python objects in a column, pandas columns of text and numbers mixed, Arrow columns in
chunks or dictionary-encoded, ids repeated across communities in any order, no rows at
all. Each must be read by columns, at NumPy speed, into the very city the row readers
give; and tables the row readers refuse must be refused with the same located error.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

from community_governance.community import Quarter
from community_governance.errors import GovernanceError, ParseError, UnknownUnitError
from community_governance.evaluation import evaluate_city, record_city
from community_governance.policy import Policy
from tests.evaluation.cities import (
    REWEIGHT,
    ROWS,
    both_paths,
    shaped,
    small_city,
    without_numpy,
)

Tables = dict[str, Any]


def _read_by_columns(tables: Tables, policy: Policy = REWEIGHT) -> list[tuple[Any, ...]]:
    """The city's rows, after checking it is read by columns into the row readers' city."""
    recorded = record_city(tables, quarter="2026Q3", policy=policy)
    assert recorded.read_by == "columns"
    fast, plain = both_paths(tables, policy)
    assert fast == plain
    assert evaluate_city(recorded, policy=policy).rows() == fast
    return [tuple(row.values()) for row in fast]


def _refused_alike(tables: Tables, error: type[GovernanceError]) -> GovernanceError:
    """The error both paths raise, after checking it is the same type, field and rule."""
    with pytest.raises(error) as fast:
        evaluate_city(tables, quarter="2026Q3", policy=REWEIGHT)
    with without_numpy(), pytest.raises(error) as plain:
        evaluate_city(tables, quarter="2026Q3", policy=REWEIGHT)
    assert (fast.value.field, fast.value.rule, fast.value.message) == (
        plain.value.field,
        plain.value.rule,
        plain.value.message,
    )
    return fast.value


def test_the_small_city_with_a_chinese_dimension_label_is_read_by_columns() -> None:
    """E-2: 服务态度 among the codes is read by the whole-column label lookup."""
    assert _read_by_columns(small_city()) == ROWS


def test_the_row_readers_read_what_the_columns_decline() -> None:
    """E-1: an invalid row leaves the city to the row readers, which name it."""
    tables = small_city()
    tables["ratings"]["score"][1] = "not a score"
    with pytest.raises(GovernanceError):
        record_city(tables, quarter="2026Q3", policy=REWEIGHT)
    tables["ratings"]["score"][1] = "80.5"
    with without_numpy():
        assert record_city(tables, quarter="2026Q3", policy=REWEIGHT).read_by == "rows"


def test_quarters_given_as_quarter_objects_are_read_by_columns() -> None:
    """E-1: a quarter column of ``Quarter`` objects and text, as Python code builds it."""
    tables = small_city()
    q3 = Quarter.parse("2026Q3")
    tables["ratings"]["quarter"] = [q3, "2026Q3", q3]
    assert _read_by_columns(tables) == ROWS
    tables["ratings"]["quarter"] = [q3, "2026Q3", Quarter.parse("2026Q2")]
    refused = _refused_alike(tables, GovernanceError)
    assert (refused.field, refused.rule) == ("ratings[row 2].quarter", "E-1")


def test_a_pandas_score_column_of_text_and_numbers_is_read_by_columns() -> None:
    """E-2: an object column mixing "80.5" and 70, which Arrow cannot give one type."""
    tables = shaped(small_city(), "pandas")
    tables["ratings"]["score"] = pd.Series(["90", "80.5", 70], dtype=object)
    assert _read_by_columns(tables) == ROWS


def test_communities_listed_out_of_order_come_out_in_order() -> None:
    """E-6: D's unit listed before C's: the rows still come community by community, C first."""
    tables = small_city()
    tables["units"] = {"community": ["D", "C", "C"], "unit": ["A", "A", "B"]}
    assert _read_by_columns(tables) == ROWS


def test_a_city_of_no_rows_in_typed_arrow_columns_is_read_by_columns() -> None:
    """E-1: Arrow tables of text columns and no rows: an empty city, not an error."""
    empty = {
        name: pa.table({column: pa.array([], pa.string()) for column in columns})
        for name, columns in small_city().items()
    }
    assert _read_by_columns(empty) == []


def test_arrow_columns_in_chunks_with_every_id_dictionary_encoded() -> None:
    """E-1..E-4: every Arrow column in two chunks, every id column dictionary-encoded."""
    ids = {"community", "unit", "rater", "ratee", "project", "household"}
    chunked: Tables = {}
    for name, columns in small_city().items():
        table = pa.table(columns)
        half = max(table.num_rows // 2, 1)
        table = pa.concat_tables([table.slice(0, half), table.slice(half)])
        for at, field in enumerate(table.schema):
            if field.name in ids:
                table = table.set_column(at, field.name, table.column(at).dictionary_encode())
        chunked[name] = table
    assert chunked["ratings"].column("rater").num_chunks == 2
    assert _read_by_columns(chunked) == ROWS


def test_without_pyarrow_the_columns_are_read_by_dictionaries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """E-1..E-4: NumPy alone (the [fast] extra without [scale]) still reads by columns."""
    from community_governance.tables import city_arrays  # noqa: PLC0415

    for module in (city_arrays,):
        monkeypatch.setattr(module, "arrow", lambda: None)
    assert _read_by_columns(small_city()) == ROWS


def _repeated_names(c_order: list[str], d_order: list[str]) -> Tables:
    """Communities C and D with units of the same names, listed in the orders given."""
    tables = small_city()
    tables["units"] = {"community": ["C"] * 2 + ["D"] * 2, "unit": c_order + d_order}
    ratings: dict[str, list[Any]] = {column: [] for column in tables["ratings"]}
    for community in ("C", "D"):
        for a, rater in enumerate(("A", "B")):
            for b, ratee in enumerate(("A", "B")):
                row = (community, "2026Q3", rater, ratee, "task_completion", str(70 + a + 2 * b))
                for column, value in zip(ratings, row, strict=True):
                    ratings[column].append(value)
    tables["ratings"] = ratings
    return tables


def test_names_repeated_across_communities_in_another_order() -> None:
    """E-3: C lists A, B and D lists B, A: each rater is found in its own community.

    Rater a gives ratee b 70 + a + 2b (A is 0, B is 1): A rates itself 70 and B rates it
    71; B rates itself 73 and A rates it 72, in both communities.
    """
    rows = _read_by_columns(_repeated_names(["A", "B"], ["B", "A"]))
    # D has no survey, so its units' publics are missing and re-weighted.
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        ("C", "B", "73", "72"),
        ("C", "A", "70", "71"),
        ("D", "B", "73", "72"),
        ("D", "A", "70", "71"),
    ]


def test_communities_listed_out_of_order_and_scored_together_come_out_in_order() -> None:
    """E-5, E-6: D's units listed first, both communities whole: C's rows come first.

    With the weights 1 : 4 : 5, B scores 7.3 + 28.8 + 45 = 81.1 in C (public 90) and
    7.3 + 28.8 + 40 = 76.1 in D (public 80); A scores 80.4 and 75.4.
    """
    tables = _repeated_names(["A", "B"], ["B", "A"])
    tables["units"] = {"community": ["D", "D", "C", "C"], "unit": ["B", "A", "A", "B"]}
    tables["projects"] = {
        "community": ["C", "D"],
        "project": ["P", "P"],
        "responsible_units": ["A;B", "A;B"],
    }
    tables["answers"] = {
        "community": ["C", "C", "D"],
        "household": ["h1", "h2", "h1"],
        "project": ["P", "P", "P"],
        "answer": ["满意", "very satisfied", "satisfied"],
    }
    rows = _read_by_columns(tables)
    assert [(r[0], r[1], str(r[7]), r[9]) for r in rows] == [
        ("C", "B", "81.10", 1),
        ("C", "A", "80.40", 2),
        ("D", "B", "76.10", 1),
        ("D", "A", "75.40", 2),
    ]


def test_a_name_of_another_community_in_the_last_one_is_a_stranger() -> None:
    """E-3: D (the last community) has only A; its rater B, a unit of C, is refused there."""
    tables = _repeated_names(["A", "B"], ["B", "A"])
    tables["units"] = {"community": ["C", "C", "D"], "unit": ["A", "B", "A"]}
    ratings = tables["ratings"]
    keep = [i for i in range(len(ratings["rater"])) if i < 4 or i == 4]
    tables["ratings"] = {column: [values[i] for i in keep] for column, values in ratings.items()}
    tables["ratings"]["rater"][4] = "B"
    refused = _refused_alike(tables, UnknownUnitError)
    assert (refused.field, refused.rule) == ("ratings[row 4].rater", "E-3")
    assert refused.message == "'B' is not a member unit of D"


def test_a_project_nobody_answered_about_counts_nothing() -> None:
    """E-4: Q, listed last, has no answers: A's public mean is P's alone."""
    tables = small_city()
    tables["projects"] = {
        "community": ["C", "C"],
        "project": ["P", "Q"],
        "responsible_units": ["A;B", "A"],
    }
    assert _read_by_columns(tables) == ROWS


def test_answer_scores_with_fractions_are_summed_exactly() -> None:
    """E-4: a level scored 62.5 (answers kept in halves): (62.5 + 100) / 2 = 81.25."""
    halves = REWEIGHT.override(
        {
            "evaluation.survey.answer_scale": {
                "name": "three",
                "levels": [
                    {"code": "good", "zh": "好", "en": "good", "score": "100"},
                    {"code": "fair", "zh": "中", "en": "fair", "score": "62.5"},
                    {"code": "poor", "zh": "差", "en": "poor", "score": "20"},
                ],
            }
        }
    )
    tables = small_city()
    tables["answers"]["answer"] = ["fair", "good"]
    rows = _read_by_columns(tables, halves)
    assert [r[4] for r in rows] == ["81.25", "81.25", None]


def test_answers_given_as_numbers_and_as_text_in_one_column() -> None:
    """E-4: a 1-5 scale whose answers are 5 in one row and "4" in the next."""
    numbered = REWEIGHT.override(
        {
            "evaluation.survey.answer_scale": {
                "name": "five points",
                "levels": [
                    {"code": str(n), "zh": f"{n}分", "en": f"{n} points", "score": str(20 * n)}
                    for n in (5, 4, 3, 2, 1)
                ],
            }
        }
    )
    tables = small_city()
    tables["answers"]["answer"] = [5, "4"]
    rows = _read_by_columns(tables, numbered)
    assert [r[4] for r in rows] == ["90", "90", None]


def test_survey_totals_past_float_exactness_stay_exact() -> None:
    """E-4: nine answers of 2**50 + 1 sum past 2**53, where float64 would round."""
    big = 2**50 + 1
    huge = REWEIGHT.override(
        {
            "evaluation.scale": {"min": "0", "max": str(2**51), "places": 0},
            "evaluation.grades.bands": [
                {"grade": "excellent", "min": str(2**50)},
                {"grade": "good", "min": "80"},
                {"grade": "qualified", "min": "60"},
                {"grade": "failed", "min": "0"},
            ],
            "evaluation.survey.answer_scale": {
                "name": "huge",
                "levels": [
                    {"code": "top", "zh": "顶", "en": "top", "score": str(big)},
                    {"code": "low", "zh": "低", "en": "low", "score": "1"},
                ],
            },
        }
    )
    tables = small_city()
    tables["ratings"]["score"] = ["90", "80", "70"]
    tables["answers"] = {
        "community": ["C"] * 9,
        "household": [f"h{i}" for i in range(9)],
        "project": ["P"] * 9,
        "answer": ["top"] * 9,
    }
    fast, plain = both_paths(tables, huge)
    assert fast == plain
    assert [r["public"] for r in fast] == [str(big), str(big), None]


def test_a_null_among_arrow_responsible_units_is_the_row_error() -> None:
    """E-4: Q's responsible units are null in an Arrow text column: Q's row is named."""
    tables = shaped(small_city(), "arrow")
    tables["projects"] = pa.table(
        {
            "community": ["C", "C"],
            "project": ["P", "Q"],
            "responsible_units": pa.array(["A;B", None], pa.string()),
        }
    )
    refused = _refused_alike(tables, ParseError)
    assert (refused.field, refused.rule) == ("projects[row 1].responsible_units", "E-4")


def test_an_uneven_mapping_after_an_arrow_table_is_refused() -> None:
    """E-1: units as an Arrow table, then ratings as a mapping with a short column."""
    tables: Tables = small_city()
    tables["units"] = pa.table(tables["units"])
    tables["ratings"]["score"] = tables["ratings"]["score"][:2]
    refused = _refused_alike(tables, ParseError)
    assert (refused.field, refused.rule, refused.message) == (
        "ratings",
        "E-1",
        "columns of different lengths",
    )
