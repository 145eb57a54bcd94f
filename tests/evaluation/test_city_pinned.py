"""A small city checked by hand, its outputs in every form, and every refusal of its tables.

E-1..E-6 on columns: two communities, C and D, each with a unit A; the result's rows, its
Arrow table and its DataFrame hold the same known values; a missing table or a project
without responsible units is refused naming the table, row, column and rule.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from community_governance.errors import (
    DuplicateResponseError,
    EligibilityError,
    GovernanceError,
    InvalidAnswerError,
    MissingComponentError,
    ParseError,
    PolicyError,
    ScoreOutOfRangeError,
    UnknownProjectError,
    UnknownUnitError,
)
from community_governance.evaluation import evaluate_city, record_city
from community_governance.policy import default_policy
from tests.evaluation.test_city_paths import _shaped, _without_numpy

REWEIGHT = default_policy().override({"evaluation.missing_component": "reweight"})
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


def _tables() -> dict[str, dict[str, list[Any]]]:
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


def test_a_small_city_is_known_in_rows_arrow_and_pandas() -> None:
    """E-1..E-6: the rows, the Arrow table and the DataFrame of a city checked by hand."""
    result = evaluate_city(_tables(), quarter="2026Q3", policy=REWEIGHT)
    assert list(result.columns) == COLUMNS
    assert [tuple(row.values()) for row in result.rows()] == ROWS
    assert [list(row) for row in result.rows()] == [COLUMNS] * 3
    arrow = result.to_arrow()
    assert arrow.column_names == COLUMNS
    assert [tuple(row.values()) for row in arrow.to_pylist()] == ROWS
    frame = result.to_pandas()
    assert list(frame.columns) == COLUMNS
    cells = frame.astype(object).where(frame.notna(), None)
    assert [tuple(row) for row in cells.itertuples(index=False)] == ROWS


@pytest.mark.parametrize("table", ["units", "ratings"])
def test_a_missing_table_is_named(table: str) -> None:
    """E-1: a city needs its units and its ratings."""
    tables = _tables()
    del tables[table]
    with pytest.raises(ParseError, match=f"the {table} table is missing") as raised:
        evaluate_city(tables, quarter="2026Q3", policy=REWEIGHT)
    assert (raised.value.field, raised.value.rule) == (table, "E-1")


@pytest.mark.parametrize(
    ("units", "words"),
    [("", "names no responsible unit"), (" ; ", "names no responsible unit"), (5, "a list or")],
    ids=["empty", "separators-only", "number"],
)
def test_a_project_without_responsible_units_is_located(units: object, words: str) -> None:
    """E-4: a project row must name who is responsible for it, as a list or as text."""
    tables = _tables()
    tables["projects"]["responsible_units"] = [units]
    with pytest.raises(ParseError, match=words) as raised:
        evaluate_city(tables, quarter="2026Q3", policy=REWEIGHT)
    assert (raised.value.field, raised.value.rule) == ("projects[row 0].responsible_units", "E-4")


def test_a_located_error_keeps_the_rules_words() -> None:
    """E-2: an error found in a row keeps what the rule said and adds where."""
    tables = _tables()
    tables["ratings"]["score"][1] = "100.5"
    with pytest.raises(ScoreOutOfRangeError) as raised:
        evaluate_city(tables, quarter="2026Q3", policy=REWEIGHT)
    assert (raised.value.field, raised.value.rule) == ("ratings[row 1].score", "E-2")
    assert "100.5 is outside the scale 0..100" in raised.value.message


def _changed(table: str, column: str, row: int, value: object) -> dict[str, dict[str, list[Any]]]:
    tables = _tables()
    tables[table][column][row] = value
    return tables


@pytest.mark.parametrize(
    ("tables", "error", "field", "rule", "words"),
    [
        (
            _changed("units", "unit", 1, "A"),
            ParseError,
            "units[row 1].unit",
            "E-1",
            "'A' is listed twice",
        ),
        (
            _changed("ratings", "community", 0, "Z"),
            UnknownUnitError,
            "ratings[row 0].community",
            "E-1",
            "community 'Z' has no units table rows",
        ),
        (
            _changed("ratings", "quarter", 2, "2026Q2"),
            EligibilityError,
            "ratings[row 2].quarter",
            "E-1",
            "a rating for 2026Q2 in the evaluation of 2026Q3",
        ),
        (
            _changed("ratings", "ratee", 0, "Q"),
            UnknownUnitError,
            "ratings[row 0].ratee",
            "E-3",
            "'Q' is not a member unit of C",
        ),
        (
            _changed("ratings", "score", 2, ""),
            ParseError,
            "ratings.score",
            "E-2",
            "A's rating of A in D scores no dimension",
        ),
    ],
    ids=["unit-twice", "unknown-community", "another-quarter", "unknown-ratee", "no-dimension"],
)
def test_each_bad_row_is_refused_where_it_is(
    tables: dict[str, dict[str, list[Any]]],
    error: type[GovernanceError],
    field: str,
    rule: str,
    words: str,
) -> None:
    """E-1..E-3: a unit twice, an unknown community, another quarter, a stranger, no score."""
    with pytest.raises(error, match=words) as raised:
        evaluate_city(tables, quarter="2026Q3", policy=REWEIGHT)
    assert (raised.value.field, raised.value.rule) == (field, rule)


def test_each_bad_table_is_refused_naming_it() -> None:
    """E-1: a table of another kind, missing columns, or columns of different lengths."""
    tables: dict[str, Any] = _tables()
    tables["units"] = [["C", "A"]]
    with pytest.raises(ParseError, match="the units table is a list; expected a pyarrow") as kind:
        evaluate_city(tables, quarter="2026Q3", policy=REWEIGHT)
    assert (kind.value.field, kind.value.rule) == ("units", "E-1")
    tables = _tables()
    del tables["ratings"]["dimension"], tables["ratings"]["score"]
    with pytest.raises(ParseError, match=r"missing column\(s\) \['dimension', 'score'\]") as gone:
        evaluate_city(tables, quarter="2026Q3", policy=REWEIGHT)
    assert (gone.value.field, gone.value.rule) == ("ratings.dimension", "E-1")
    tables = _tables()
    tables["ratings"]["score"].append("90")
    with pytest.raises(ParseError, match="columns of different lengths") as uneven:
        evaluate_city(tables, quarter="2026Q3", policy=REWEIGHT)
    assert (uneven.value.field, uneven.value.rule) == ("ratings", "E-1")


def test_pandas_and_arrow_tables_read_as_the_mapping() -> None:
    """E-1: the same city from DataFrames and from Arrow tables."""
    expected = evaluate_city(_tables(), quarter="2026Q3", policy=REWEIGHT).rows()
    frames = _shaped(_tables(), "pandas")
    assert evaluate_city(frames, quarter="2026Q3", policy=REWEIGHT).rows() == expected
    arrows = _shaped(_tables(), "arrow")
    assert evaluate_city(arrows, quarter="2026Q3", policy=REWEIGHT).rows() == expected


@pytest.mark.parametrize("low", [-5, 101])
def test_an_integer_score_column_is_checked_against_the_scale(low: int) -> None:
    """E-2: integer cells below or above the scale are refused at their row, on any column."""
    tables: dict[str, Any] = _tables()
    tables["ratings"]["score"] = [90, low, 70]
    arrows = _shaped(tables, "arrow")
    for given in (tables, arrows):
        with pytest.raises(ScoreOutOfRangeError) as raised:
            evaluate_city(given, quarter="2026Q3", policy=REWEIGHT)
        assert (raised.value.field, raised.value.rule) == ("ratings[row 1].score", "E-2")


_SURVEY_ROWS = {
    "stranger": ("projects", "responsible_units", 0, "A;Q", UnknownUnitError, "responsible_units"),
    "elsewhere": ("projects", "community", 0, "Z", UnknownUnitError, "responsible_units"),
    "no-project": ("answers", "project", 1, "P9", UnknownProjectError, "project"),
    "twice": ("answers", "household", 1, "h1", DuplicateResponseError, "household"),
    "off-scale": ("answers", "answer", 1, "meh", InvalidAnswerError, "answer"),
}
_SURVEY_WORDS = {
    "stranger": r"\['Q'\] are not member units of C",
    "elsewhere": r"\['A', 'B'\] are not member units of Z",
    "no-project": "project 'P9' is not a project of C",
    "twice": "household 'h1' already answered about 'P'",
    "off-scale": "'meh' is not an answer",
}


@pytest.mark.parametrize("case", list(_SURVEY_ROWS))
def test_each_bad_survey_row_is_refused_where_it_is(case: str) -> None:
    """E-4: strangers responsible, unknown projects, a second answer, an answer off the scale."""
    table, column, row, value, error, located = _SURVEY_ROWS[case]
    tables = _changed(table, column, row, value)
    for given in (tables, _shaped(tables, "arrow")):
        with pytest.raises(error, match=_SURVEY_WORDS[case]) as raised:
            evaluate_city(given, quarter="2026Q3", policy=REWEIGHT)
        assert (raised.value.field, raised.value.rule) == (f"{table}[row {row}].{located}", "E-4")


def test_a_missing_component_names_the_community_and_unit() -> None:
    """E-5: under the shipped ``error`` rule, C's A (no self-rating) is named with its city."""
    tables = _tables()
    for given in (tables, _shaped(tables, "arrow")):
        with pytest.raises(MissingComponentError, match="unit A has no self-rating") as raised:
            evaluate_city(given, quarter="2026Q3", policy=default_policy())
        assert (raised.value.field, raised.value.rule) == ("C: A.self", "E-5")
    with _without_numpy(), pytest.raises(MissingComponentError) as plain:
        evaluate_city(tables, quarter="2026Q3", policy=default_policy())
    assert (plain.value.field, plain.value.rule) == ("C: A.self", "E-5")


def _both_paths(tables: Any, policy: Any) -> list[list[dict[str, Any]]]:
    """The city's rows from the column path and from the row readers alone."""
    fast = evaluate_city(tables, quarter="2026Q3", policy=policy).rows()
    with _without_numpy():
        plain = evaluate_city(tables, quarter="2026Q3", policy=policy).rows()
    return [fast, plain]


def test_the_small_city_is_the_same_without_numpy() -> None:
    """E-1..E-6: the row readers and Python ints give the known rows too."""
    for rows in _both_paths(_tables(), REWEIGHT):
        assert [tuple(row.values()) for row in rows] == ROWS


def test_attribution_to_all_counts_a_projects_answers_for_every_unit() -> None:
    """E-4: with P run by A alone, B has no public mean, unless every answer counts for all."""
    tables = _tables()
    tables["projects"]["responsible_units"] = [["A"]]  # a list, as an Arrow list column gives
    everyone = REWEIGHT.override({"evaluation.survey.attribution": "all"})
    for rows in _both_paths(tables, REWEIGHT):
        assert [(r["community"], r["unit"], r["public"]) for r in rows][:2] == [
            ("C", "B", None),
            ("C", "A", "90"),
        ]
    for rows in _both_paths(tables, everyone):
        assert [(r["community"], r["unit"], r["public"]) for r in rows] == [
            ("C", "B", "90"),
            ("C", "A", "90"),
            ("D", "A", None),
        ]


def test_a_dimension_rated_twice_is_refused_at_its_second_row() -> None:
    """E-3: one rater rates one ratee once on each dimension."""
    tables = _tables()
    for column in tables["ratings"]:
        tables["ratings"][column].append(tables["ratings"][column][0])
    for given in (tables, _shaped(tables, "arrow")):
        with pytest.raises(GovernanceError, match="A already rated B") as raised:
            evaluate_city(given, quarter="2026Q3", policy=REWEIGHT)
        assert (raised.value.field, raised.value.rule) == ("ratings[row 3].dimension", "E-3")


def test_scores_past_the_int64_bound_are_scored_exactly() -> None:
    """E-2, E-5: past int64 in the scale's unit, a city is scored in Python ints, exactly.

    On a (strange) scale up to 10**19, a score of 5 x 10**18 is 5 x 10**20 hundredths.
    """
    huge = REWEIGHT.override(
        {"evaluation.scale": {"min": "0", "max": "10000000000000000000", "places": 2}}
    )
    tables: dict[str, Any] = {name: _tables()[name] for name in ("units", "ratings")}
    tables["ratings"]["score"] = [5 * 10**18, 4 * 10**18, 3 * 10**18]
    result = evaluate_city(_shaped(tables, "arrow"), quarter="2026Q3", policy=huge)
    assert [(r["unit"], r["exact_numerator"], str(r["final"])) for r in result.rows()] == [
        ("B", 5 * 10**18, "5000000000000000000.00"),
        ("A", 4 * 10**18, "4000000000000000000.00"),
        ("A", 3 * 10**18, "3000000000000000000.00"),
    ]


def test_a_cell_that_is_not_a_score_says_so_at_its_row() -> None:
    """E-2: the rule's own words, located at the row and column."""
    tables = _changed("ratings", "score", 0, "eighty")
    with pytest.raises(ParseError, match="'eighty' is not a decimal score") as raised:
        evaluate_city(tables, quarter="2026Q3", policy=REWEIGHT)
    assert (raised.value.field, raised.value.rule) == ("ratings[row 0].score", "E-2")


def test_a_city_without_a_survey_and_a_project_listed_again() -> None:
    """E-4: the survey tables may be left out; a project listed again has its units replaced."""
    tables = _tables()
    bare = {name: tables[name] for name in ("units", "ratings")}
    for rows in _both_paths(bare, REWEIGHT):
        assert [(r["unit"], r["public"]) for r in rows] == [("B", None), ("A", None), ("A", None)]
    again = _tables()
    again["projects"] = {
        "community": ["C", "C"],
        "project": ["P", "P"],
        "responsible_units": ["A", "B"],
    }
    arrow = _shaped(again, "arrow")
    for given in (again, arrow):
        for rows in _both_paths(given, REWEIGHT):
            assert [(r["unit"], r["public"]) for r in rows][:2] == [("B", "90"), ("A", None)]


def test_communities_come_in_order_when_some_are_scored_apart() -> None:
    """E-6: D complete (scored on whole columns), C not (scored row by row): C still first."""
    tables = _tables()
    tables["units"] = {"community": ["C", "C", "D", "D"], "unit": ["A", "B", "A", "B"]}
    d_ratings = [("A", "A", "70"), ("B", "B", "60"), ("A", "B", "65"), ("B", "A", "75")]
    tables["ratings"] = {
        "community": ["C", "C"] + ["D"] * 4,
        "quarter": ["2026Q3"] * 6,
        "rater": ["A", "B"] + [r for r, _, _ in d_ratings],
        "ratee": ["B", "A"] + [e for _, e, _ in d_ratings],
        "dimension": ["service_attitude"] * 6,
        "score": ["90", "80.5"] + [s for _, _, s in d_ratings],
    }
    tables["projects"] = {
        "community": ["C", "D"],
        "project": ["P", "Q"],
        "responsible_units": ["A;B", "A;B"],
    }
    tables["answers"] = {
        "community": ["C", "C", "D"],
        "household": ["h1", "h2", "h9"],
        "project": ["P", "P", "Q"],
        "answer": ["满意", "very satisfied", "满意"],
    }
    for rows in _both_paths(tables, REWEIGHT):
        assert [(r["community"], r["unit"], r["rank"]) for r in rows] == [
            ("C", "B", 1),
            ("C", "A", 2),
            ("D", "A", 1),
            ("D", "B", 2),
        ]


@pytest.mark.parametrize(
    ("community", "units", "words"),
    [
        ("C", "B;Q", r"\['Q'\] are not member units of C"),
        ("C", "A;Q", r"\['Q'\] are not member units of C"),
        ("Z", "A", r"\['A'\] are not member units of Z"),
    ],
    ids=["stranger", "member-and-stranger", "another-community"],
)
def test_a_project_listed_again_is_checked_like_any_other(
    community: str, units: str, words: str
) -> None:
    """E-4: the second listing of P names a stranger, or another community: refused at its row."""
    tables = _tables()
    tables["projects"] = {
        "community": ["C", community],
        "project": ["P", "P"],
        "responsible_units": ["A", units],
    }
    for given in (tables, _shaped(tables, "arrow")):
        with pytest.raises(UnknownUnitError, match=words) as raised:
            evaluate_city(given, quarter="2026Q3", policy=REWEIGHT)
        assert (raised.value.field, raised.value.rule) == (
            "projects[row 1].responsible_units",
            "E-4",
        )


def test_communities_come_in_order_of_their_names_not_of_their_rows() -> None:
    """E-6: D's units listed before C's: the result still lists C first, on both paths."""
    tables = _tables()
    tables["units"] = {"community": ["D", "C", "C"], "unit": ["A", "A", "B"]}
    for rows in _both_paths(tables, REWEIGHT):
        assert [(r["community"], r["unit"]) for r in rows] == [("C", "B"), ("C", "A"), ("D", "A")]


def test_both_paths_fill_the_same_scored_table_of_whole_numbers() -> None:
    """E-5: missing components are 0/0 and every count a Python int, on either path."""
    fast = evaluate_city(_tables(), quarter="2026Q3", policy=REWEIGHT).scored
    with _without_numpy():
        plain = evaluate_city(_tables(), quarter="2026Q3", policy=REWEIGHT).scored
    assert plain == fast
    numerators, denominators = plain.component_numerators[0], plain.component_denominators[0]
    assert (numerators[:2], denominators[:2]) == ([0, 0], [0, 0])  # C's units: no self-rating
    assert Fraction(numerators[2], denominators[2]) == 70
    for scored in (fast, plain):
        for column in (scored.numerator, scored.denominator, scored.reported, scored.rank):
            assert {type(value) for value in column} == {int}


def _edge_city(self_score: str, answers: list[str]) -> dict[str, dict[str, list[Any]]]:
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


@pytest.mark.parametrize("numpy", [True, False])
@pytest.mark.parametrize(
    ("self_score", "exact", "half_up", "half_even"),
    [
        ("80.05", (16801, 200), "84.01", "84.00"),  # 84.005: an even tie stays down
        ("80.35", (16807, 200), "84.04", "84.04"),  # 84.035: an odd tie goes up either way
    ],
)
def test_a_tie_is_rounded_as_the_policy_says_on_either_path(
    numpy: bool,  # noqa: FBT001
    self_score: str,
    exact: tuple[int, int],
    half_up: str,
    half_even: str,
) -> None:
    """E-5: A's final is 0.1 x self + 0.4 x 90 + 0.5 x 80, a tie at the third place."""
    tables = _edge_city(self_score, ["满意"])
    finals = {}
    for mode in ("half_up", "half_even"):
        policy = REWEIGHT.override({"rounding.mode": mode})
        result = _evaluated(tables, policy, numpy=numpy)
        row = next(r for r in result.rows() if r["unit"] == "A")
        assert (row["exact_numerator"], row["exact_denominator"]) == exact
        finals[mode] = row["final"]
    assert finals == {"half_up": Decimal(half_up), "half_even": Decimal(half_even)}


def test_a_negative_final_is_rounded_by_its_size_on_either_path() -> None:
    """E-5: on a scale from -100, A's final -5.005 - 36 + 10 = -31.005 rounds to -31.01."""
    tables = _edge_city("-50.05", ["非常不满意"])
    tables["ratings"]["score"] = ["-50.05", "-90", "90", "90"]
    for mode, final in (("half_up", "-31.01"), ("half_even", "-31.00")):
        policy = SIGNED.override({"rounding.mode": mode})
        for rows in _both_paths(tables, policy):
            row = next(r for r in rows if r["unit"] == "A")
            assert (row["exact_numerator"], row["exact_denominator"]) == (-6201, 200)
            assert (row["final"], row["grade"]) == (Decimal(final), "failed")


@pytest.mark.parametrize("numpy", [True, False])
def test_grades_compare_the_exact_score_when_the_policy_says(numpy: bool) -> None:  # noqa: FBT001
    """E-6: A's final is 0.1 x 89.95 + 0.4 x 90 + 0.5 x 90 = 89.995, reported 90.00."""
    tables = _edge_city("89.95", ["非常满意", "满意"])
    grades = {}
    for basis in ("rounded", "raw"):
        policy = REWEIGHT.override({"evaluation.grades.compare": basis})
        result = _evaluated(tables, policy, numpy=numpy)
        row = next(r for r in result.rows() if r["unit"] == "A")
        assert row["final"] == Decimal("90.00")
        grades[basis] = row["grade"]
    assert grades == {"rounded": "excellent", "raw": "good"}


def test_a_city_scored_apart_comes_in_order_of_community_names() -> None:
    """E-1: sums past a double's exact range send the city to Python ints, still in name order.

    D's row comes first in the units table; scores of about 10**13 on a scale to 10**13,
    weighted and summed, pass 2**53, so no community is scored in int64.
    """
    wide = REWEIGHT.override(
        {"evaluation.scale": {"min": "0", "max": "10000000000000", "places": 2}}
    )
    tables = _tables()
    tables["units"] = {"community": ["D", "C", "C"], "unit": ["A", "A", "B"]}
    tables["ratings"]["score"] = ["9000000000000", "8050000000000", "7000000000000"]
    fast = evaluate_city(tables, quarter="2026Q3", policy=wide).rows()
    with _without_numpy():
        plain = evaluate_city(tables, quarter="2026Q3", policy=wide).rows()
    assert fast == plain
    assert [(r["community"], r["unit"]) for r in fast] == [("C", "B"), ("C", "A"), ("D", "A")]


def test_attribution_to_all_keeps_each_communitys_answers_to_itself() -> None:
    """E-4: every answer counts for every unit of its own community, not of another."""
    everyone = REWEIGHT.override({"evaluation.survey.attribution": "all"})
    tables = _tables()
    tables["projects"] = {
        "community": ["D", "C", "C"],
        "project": ["Q", "P", "R"],
        "responsible_units": ["A", "A", "B"],
    }
    tables["answers"] = {
        "community": ["C", "C", "D", "C"],
        "household": ["h1", "h2", "h3", "h4"],
        "project": ["P", "P", "Q", "R"],
        "answer": ["满意", "very satisfied", "basically satisfied", "非常满意"],
    }
    # C: (80 + 100 + 100) / 3 for both units, whichever project; D: 60.
    for rows in _both_paths(tables, everyone):
        assert {(r["community"], r["unit"]): r["public"] for r in rows} == {
            ("C", "A"): "280/3",
            ("C", "B"): "280/3",
            ("D", "A"): "60",
        }


def test_a_negative_score_counts_on_either_path() -> None:
    """E-2, E-5: on a scale from -100, A's self-rating of 80 and -10 is 35 on both paths.

    The columns mark an unrated cell by a negative number, so a negative score must not
    reach them: such a city is read by the row readers.
    """
    tables = _edge_city("80", ["满意"])
    ratings = tables["ratings"]
    for column, value in (
        ("community", "E"),
        ("quarter", "2026Q3"),
        ("rater", "A"),
        ("ratee", "A"),
        ("dimension", "task_completion"),
        ("score", "-10"),
    ):
        ratings[column].append(value)
    for rows in _both_paths(tables, SIGNED):
        row = next(r for r in rows if r["unit"] == "A")
        # 0.1 x 35 + 0.4 x 90 + 0.5 x 80 = 79.5
        assert (row["self"], row["final"], row["grade"]) == ("35", Decimal("79.50"), "qualified")


_WEIGHTED = ("professional_level", "execution_ability", "coordination_ability", "task_completion")
ZERO_WEIGHT = REWEIGHT.override(
    {
        "evaluation.dimension_weights": {
            "service_attitude": "0",
            "public_satisfaction": "1/5",
            **dict.fromkeys(_WEIGHTED, "1/5"),
        }
    }
)


def _evaluated(tables: Any, policy: Any, *, numpy: bool) -> Any:
    """The city evaluated on the column path, or by the row readers alone."""
    if numpy:
        return evaluate_city(tables, quarter="2026Q3", policy=policy)
    with _without_numpy():
        return evaluate_city(tables, quarter="2026Q3", policy=policy)


@pytest.mark.parametrize("every", [False, True])
@pytest.mark.parametrize("numpy", [True, False])
def test_a_rating_of_only_zero_weight_dimensions_is_refused_on_either_path(
    every: bool,  # noqa: FBT001
    numpy: bool,  # noqa: FBT001
) -> None:
    """E-2: a rating that scores only dimensions of weight zero says nothing: refused.

    Either B's rating of A alone, or every rating of the city, scores only
    service_attitude, whose weight this policy sets to zero.
    """
    tables = _edge_city("80", ["满意"])
    ratings = tables["ratings"]
    ratings["dimension"] = (
        ["service_attitude"] * 4
        if every
        else ["task_completion", "service_attitude", "task_completion", "task_completion"]
    )
    with pytest.raises(ScoreOutOfRangeError) as refused:
        _evaluated(tables, ZERO_WEIGHT, numpy=numpy)
    assert refused.value.rule == "E-2"
    assert "scores only dimensions of weight zero" in refused.value.message


def _full_city() -> dict[str, dict[str, list[Any]]]:
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
            for dimension in (
                "service_attitude",
                "professional_level",
                "execution_ability",
                "coordination_ability",
                "task_completion",
                "public_satisfaction",
            ):
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


@pytest.mark.parametrize("aggregation", ["mean", "trimmed"])
def test_complete_ratings_give_the_same_peers_on_either_path(aggregation: str) -> None:
    """E-3, E-5: every rating complete, peers averaged or trimmed, on both paths.

    D's peers are A, B and C, rating it 90, 91 and 92: mean 91; trimmed (one each way, from
    three raters) 91 too; C's peers 80, 81, 83: mean 244/3, trimmed 81.
    """
    policy = REWEIGHT.override(
        {"evaluation.peer.aggregation": aggregation, "evaluation.peer.trim_min_raters": 3}
    )
    fast, plain = _both_paths(_full_city(), policy)
    assert fast == plain
    peers = {r["unit"]: r["peer"] for r in fast}
    assert peers["D"] == "91"
    assert peers["C"] == ("244/3" if aggregation == "mean" else "81")
    assert {r["unit"]: r["self"] for r in fast} == {"A": "60", "B": "71", "C": "82", "D": "93"}


def _two_units(scores_a: list[str], scores_b: list[str]) -> dict[str, dict[str, list[Any]]]:
    """Community G: A and B rate themselves and each other on all six dimensions.

    A's self-rating and B's rating of A give ``scores_a`` dimension by dimension, A's rating
    of B and B's self-rating ``scores_b``; one household answers about P, run by both.
    """
    dimensions = [
        "service_attitude",
        "professional_level",
        "execution_ability",
        "coordination_ability",
        "task_completion",
        "public_satisfaction",
    ]
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


def test_dimension_sums_past_a_doubles_exact_range_are_scored_exactly() -> None:
    """E-2, E-5: dimension sums past 2**53, which a double cannot hold, are exact.

    On a scale to 1.6 x 10**15 in whole points, A's six scores sum to the odd
    9,600,000,000,000,007; both paths give it.
    """
    wide = REWEIGHT.override(
        {
            "evaluation.scale": {"min": "0", "max": "1600000000000002", "places": 0},
            "rounding.places": 0,
            # Bands at 1 and 0 keep the int64 bound from sending the city to Python ints
            # first: only the doubles' range decides.
            "evaluation.grades.bands": [
                {"grade": "excellent", "min": "1"},
                {"grade": "failed", "min": "0"},
            ],
        }
    )
    high = ["1600000000000001"] * 5 + ["1600000000000002"]
    tables = _two_units(high, ["90"] * 6)
    fast, plain = _both_paths(tables, wide)
    assert fast == plain
    row = next(r for r in fast if r["unit"] == "A")
    assert row["self"] == "9600000000000007/6"


def test_many_fine_denominators_past_int64_are_scored_in_python_ints(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """E-5: denominators past int64's reach send the city to Python ints, same results.

    Scores to six places, averaged and weighted, need such denominators; no int64 final is
    computed for them at all (it could wrap around).
    """
    from community_governance.evaluation import accelerated as city_vector  # noqa: PLC0415

    def never(*_: Any, **__: Any) -> None:
        pytest.fail("a final past the int64 bound was computed in int64")

    fine = REWEIGHT.override(
        {"evaluation.scale": {"min": "0", "max": "100", "places": 6}, "rounding.places": 6}
    )
    tables = _two_units(["80.000001", "80.000002", "80.000003", "80", "80", "80"], ["90"] * 6)
    with monkeypatch.context() as patched:
        patched.setattr(city_vector, "_finish", never)
        fast, plain = _both_paths(tables, fine)
    assert fast == plain
    row = next(r for r in fast if r["unit"] == "A")
    assert row["self"] == "80.000001"


def test_a_city_without_ratings_is_refused_alike_on_either_path() -> None:
    """E-5: no rating at all: every unit lacks its own and its peers' parts, on both paths."""
    tables = _tables()
    tables["ratings"] = {key: [] for key in tables["ratings"]}
    outcomes = []
    for numpy in (True, False):
        with pytest.raises(GovernanceError) as refused:
            _evaluated(tables, REWEIGHT, numpy=numpy)
        outcomes.append((type(refused.value), refused.value.field, refused.value.rule))
    assert outcomes[0] == outcomes[1]


def test_a_city_of_no_units_scores_nothing_on_either_path() -> None:
    """E-1: empty tables are an empty result, not an error, on both paths."""
    tables: dict[str, dict[str, list[Any]]] = {
        name: {column: [] for column in columns} for name, columns in _tables().items()
    }
    for rows in _both_paths(tables, REWEIGHT):
        assert rows == []


def test_numpy_without_pyarrow_gives_the_same_city(monkeypatch: pytest.MonkeyPatch) -> None:
    """E-1..E-6: with the [fast] extra alone (no pyarrow), the columns are Python lists."""
    from community_governance.tables import city_arrays  # noqa: PLC0415

    for module in (city_arrays,):
        if hasattr(module, "arrow"):
            monkeypatch.setattr(module, "arrow", lambda: None)
    tables = _tables()
    tables["projects"] = {
        "community": ["C", "C"],
        "project": ["P", "P"],
        "responsible_units": ["B", "A;B"],  # listed again: the second listing counts
    }
    result = evaluate_city(tables, quarter="2026Q3", policy=REWEIGHT)
    assert [tuple(row.values()) for row in result.rows()] == ROWS


def test_a_city_is_evaluated_on_or_after_its_quarters_end() -> None:
    """E-1: an evaluation dated inside the quarter is refused, whether tables or recorded."""
    early = dt.date(2026, 9, 29)
    recorded = record_city(_tables(), quarter="2026Q3", policy=REWEIGHT)
    for run in (
        lambda: evaluate_city(_tables(), quarter="2026Q3", policy=REWEIGHT, at=early),
        lambda: evaluate_city(recorded, policy=REWEIGHT, at=early),
        lambda: record_city(_tables(), quarter="2026Q3", policy=REWEIGHT, at=early),
    ):
        with pytest.raises(EligibilityError) as refused:
            run()
        assert (refused.value.field, refused.value.rule) == ("at", "E-1")
        assert refused.value.message == (
            "2026Q3 is evaluated after it ends (2026-09-30), not on 2026-09-29"
        )


def test_tables_need_their_quarter_and_a_recorded_city_keeps_its_own() -> None:
    """E-1: tables without a quarter, or a recorded city under another quarter: refused."""
    with pytest.raises(ParseError) as missing:
        evaluate_city(_tables(), policy=REWEIGHT)
    assert (missing.value.field, missing.value.rule, missing.value.message) == (
        "quarter",
        "E-1",
        "the quarter evaluated is needed",
    )
    for numpy in (True, False):
        if numpy:
            recorded = record_city(_tables(), quarter="2026Q3", policy=REWEIGHT)
        else:
            with _without_numpy():
                recorded = record_city(_tables(), quarter="2026Q3", policy=REWEIGHT)
        assert str(recorded.quarter) == "2026Q3"
        assert evaluate_city(recorded, quarter="2026Q3", policy=REWEIGHT).rows() == (
            evaluate_city(recorded, policy=REWEIGHT).rows()
        )
        with pytest.raises(EligibilityError) as other:
            evaluate_city(recorded, quarter="2026Q4", policy=REWEIGHT)
        assert (other.value.field, other.value.rule, other.value.message) == (
            "quarter",
            "E-1",
            "the city was recorded for 2026Q3, not 2026Q4",
        )


def test_the_evaluation_date_chooses_the_policys_values() -> None:
    """E-5: weights changed from 1 October apply to a city evaluated on 2 October.

    C's B: peer 90 and public 90 whatever the weights; D's A: self 70 alone. A's of C,
    peer 80.5 and public 90, no self-rating: 4/9 x 80.5 + 5/9 x 90 = 85.78 before, and
    under new weights 1/5 : 2/5 : 2/5, re-weighted, (80.5 + 90) / 2 = 85.25 after.
    """
    changed = REWEIGHT.override(
        {
            "evaluation.weights": {
                "value": {"self": "1/5", "peer": "2/5", "public": "2/5"},
                "valid_from": dt.date(2026, 10, 1),
            }
        }
    )
    later = dt.date(2026, 10, 2)
    recorded = record_city(_tables(), quarter="2026Q3", policy=changed, at=later)

    def final_of_a(rows: list[dict[str, Any]]) -> Decimal:
        final: Decimal = next(r["final"] for r in rows if (r["community"], r["unit"]) == ("C", "A"))
        return final

    assert final_of_a(evaluate_city(_tables(), quarter="2026Q3", policy=changed).rows()) == (
        Decimal("85.78")
    )
    for rows in (
        evaluate_city(_tables(), quarter="2026Q3", policy=changed, at=later).rows(),
        evaluate_city(recorded, policy=changed, at=later).rows(),
    ):
        assert final_of_a(rows) == Decimal("85.25")


@pytest.mark.parametrize(
    ("change", "scale", "rule"),
    [
        ({"evaluation.scale": {"min": "0", "max": "120", "places": 2}}, "rating scale", "E-2"),
        (
            {
                "evaluation.survey.answer_scale": {
                    "name": "three",
                    "levels": [
                        {"code": "good", "zh": "好", "en": "good", "score": "100"},
                        {"code": "fair", "zh": "中", "en": "fair", "score": "60"},
                        {"code": "poor", "zh": "差", "en": "poor", "score": "20"},
                    ],
                }
            },
            "survey answer scale",
            "E-4",
        ),
    ],
    ids=["rating-scale", "answer-scale"],
)
def test_a_recorded_city_is_scored_only_under_its_own_scales(
    change: dict[str, Any], scale: str, rule: str
) -> None:
    """E-2, E-4: another rating or answer scale needs the city recorded again."""
    recorded = record_city(_tables(), quarter="2026Q3", policy=REWEIGHT)
    with pytest.raises(PolicyError) as refused:
        evaluate_city(recorded, policy=REWEIGHT.override(change))
    assert (refused.value.field, refused.value.rule) == ("policy", rule)
    assert refused.value.message == (
        f"the city was recorded under another {scale}; record it again under this policy "
        f"to score it with this policy's {scale}"
    )
    chinese = {"E-2": "评分量表", "E-4": "测评答案量表"}[rule]
    assert refused.value.zh == (
        f"全市数据是按另一{chinese}登记的；须按本政策重新登记，才能用本政策的{chinese}计分"
    )


def test_the_evaluation_date_chooses_the_scale_the_scores_are_read_on() -> None:
    """E-2: a scale widened to 120 from 1 October takes a score of 110 on 2 October only."""
    widened = REWEIGHT.override(
        {
            "evaluation.scale": {
                "value": {"min": "0", "max": "120", "places": 2},
                "valid_from": dt.date(2026, 10, 1),
            }
        }
    )
    tables = _tables()
    tables["ratings"]["score"] = ["110", "80.5", "70"]
    with pytest.raises(ScoreOutOfRangeError) as refused:
        evaluate_city(tables, quarter="2026Q3", policy=widened)
    assert refused.value.rule == "E-2"
    rows = evaluate_city(tables, quarter="2026Q3", policy=widened, at=dt.date(2026, 10, 2)).rows()
    assert next(r["peer"] for r in rows if (r["community"], r["unit"]) == ("C", "B")) == "110"


def test_a_regular_city_fills_whole_numbers_on_the_column_path() -> None:
    """E-5: every unit regular, so the column path scores it: its counts are Python ints."""
    fast = evaluate_city(_full_city(), quarter="2026Q3", policy=REWEIGHT).scored
    with _without_numpy():
        plain = evaluate_city(_full_city(), quarter="2026Q3", policy=REWEIGHT).scored
    assert fast == plain
    for column in (fast.numerator, fast.denominator, fast.reported, fast.rank):
        assert {type(value) for value in column} == {int}


@pytest.mark.parametrize("numpy", [True, False])
def test_a_band_starting_at_a_fraction_grades_exactly(numpy: bool) -> None:  # noqa: FBT001
    """E-6: with "excellent" from 89.5, A's 89.995 (reported 90.00) is excellent, B's 90 too."""
    policy = REWEIGHT.override(
        {
            "evaluation.grades.bands": [
                {"grade": "excellent", "min": "89.5"},
                {"grade": "good", "min": "80"},
                {"grade": "qualified", "min": "60"},
                {"grade": "failed", "min": "0"},
            ]
        }
    )
    result = _evaluated(_edge_city("89.95", ["非常满意", "满意"]), policy, numpy=numpy)
    assert {r["unit"]: r["grade"] for r in result.rows()} == {"A": "excellent", "B": "excellent"}


def _ranked_city() -> dict[str, dict[str, list[Any]]]:
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


@pytest.mark.parametrize("basis", ["rounded", "raw"])
@pytest.mark.parametrize("numpy", [True, False])
def test_ties_share_a_rank_and_come_in_name_order(numpy: bool, basis: str) -> None:  # noqa: FBT001
    """E-6: A and B tie at 0.5 x 90 + 0.5 x 80 = 85, C and D at 82.5, then E at 75."""
    policy = REWEIGHT.override({"evaluation.grades.compare": basis})
    rows = _evaluated(_ranked_city(), policy, numpy=numpy).rows()
    assert [(r["unit"], r["rank"], r["final"]) for r in rows] == [
        ("A", 1, Decimal("85.00")),
        ("B", 1, Decimal("85.00")),
        ("C", 3, Decimal("82.50")),
        ("D", 3, Decimal("82.50")),
        ("E", 5, Decimal("75.00")),
    ]


@pytest.mark.parametrize("numpy", [True, False])
def test_finals_closer_than_a_double_can_rank_are_ranked_exactly(numpy: bool) -> None:  # noqa: FBT001
    """E-6: A's one score 90.000001 puts its final 1/12,000,000 above B's 90: A ranks first.

    Scores to six places, graded on the exact final: the two finals are within a billionth
    of each other, so the column path orders them with Fractions.
    """
    policy = REWEIGHT.override(
        {
            "evaluation.scale": {"min": "0", "max": "100", "places": 6},
            "rounding.places": 0,
            "evaluation.grades.compare": "raw",
            "evaluation.grades.bands": [
                {"grade": "excellent", "min": "1"},
                {"grade": "failed", "min": "0"},
            ],
        }
    )
    tables = _two_units(["90.000001"] + ["90"] * 5, ["90"] * 6)
    tables["units"] = {"community": ["G", "G"], "unit": ["B", "A"]}
    rows = _evaluated(tables, policy, numpy=numpy).rows()
    assert [(r["unit"], r["rank"]) for r in rows] == [("A", 1), ("B", 2)]
    exact = {r["unit"]: Fraction(r["exact_numerator"], r["exact_denominator"]) for r in rows}
    assert exact["A"] - exact["B"] == Fraction(1, 12_000_000)


@pytest.mark.parametrize(
    ("units", "error", "words"),
    [
        (
            [" A", "B"],
            UnknownUnitError,
            r"\[' A'\] are not member units of C",
        ),  # a list's items stay as written
        (7, ParseError, "responsible units are a list or text separated by ';'"),
        ("A;Q", UnknownUnitError, r"\['Q'\] are not member units of C"),
    ],
    ids=["spaced-list-item", "number", "stranger"],
)
def test_a_projects_units_are_read_alike_from_arrow_on_either_path(
    units: object, error: type[GovernanceError], words: str
) -> None:
    """E-4: an Arrow list with a spaced item, a number, a stranger: refused alike, located."""
    tables = _tables()
    tables["projects"] = {"community": ["C"], "project": ["P"], "responsible_units": [units]}
    arrow = _shaped(tables, "arrow")
    for numpy in (True, False):
        with pytest.raises(error, match=words) as refused:
            _evaluated(arrow, REWEIGHT, numpy=numpy)
        assert (refused.value.field, refused.value.rule) == (
            "projects[row 0].responsible_units",
            "E-4",
        )


def test_a_stranger_is_refused_where_every_unit_name_is_unique() -> None:
    """E-4: with one community, unit names are unique city-wide: Q still is no member of C."""
    tables = _tables()
    tables["units"] = {"community": ["C", "C"], "unit": ["A", "B"]}
    tables["ratings"] = {key: values[:2] for key, values in tables["ratings"].items()}
    tables["projects"] = {"community": ["C"], "project": ["P"], "responsible_units": ["A;Q"]}
    arrow = _shaped(tables, "arrow")
    for numpy in (True, False):
        with pytest.raises(UnknownUnitError, match=r"\['Q'\] are not member units of C"):
            _evaluated(arrow, REWEIGHT, numpy=numpy)


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


@pytest.mark.parametrize(
    "case", list(SURVEY_TABLES), ids=["neither", "projects", "stranger", "answers"]
)
@pytest.mark.parametrize("attribution", ["responsible", "all"])
def test_a_city_with_part_of_a_survey_or_none(case: str, attribution: str) -> None:
    """E-4: a city without answers, or without projects, or without both, on both paths.

    Without answers nobody has a public part, and projects are still checked; answers
    without projects name their project; for either attribution.
    """
    policy = REWEIGHT.override({"evaluation.survey.attribution": attribution})
    tables = _tables()
    if case == "neither" or case.startswith("projects only"):
        del tables["answers"]
    if case in {"neither", "answers only"}:
        del tables["projects"]
    if case.endswith("stranger"):
        tables["projects"]["responsible_units"] = ["A;Q"]
    outcome, detail = SURVEY_TABLES[case]
    for numpy in (True, False):
        if outcome == "ok":
            rows = _evaluated(tables, policy, numpy=numpy).rows()
            assert [(r["unit"], r["public"], str(r["final"])) for r in rows] == [
                ("B", None, "90.00"),
                ("A", None, "80.50"),
                ("A", None, "70.00"),
            ]
            continue
        assert detail is not None
        assert not isinstance(outcome, str)
        with pytest.raises(outcome) as refused:
            _evaluated(tables, policy, numpy=numpy)
        assert (refused.value.field, refused.value.rule) == (detail[0], "E-4")
        assert detail[1] in refused.value.message


def _numbered(tables: dict[str, dict[str, list[Any]]]) -> dict[str, dict[str, Any]]:
    """The tables with whole-number scores as a NumPy int64 column."""
    import numpy as np  # noqa: PLC0415

    shaped: dict[str, dict[str, Any]] = {name: dict(columns) for name, columns in tables.items()}
    shaped["ratings"]["score"] = np.array([int(s) for s in tables["ratings"]["score"]], np.int64)
    return shaped


def test_integer_score_columns_without_pyarrow_give_the_same_city(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """E-2: a NumPy column of whole scores, read without pyarrow, scores as text does."""
    from community_governance.tables import city_arrays  # noqa: PLC0415

    tables = _tables()
    tables["ratings"]["score"] = ["90", "80", "70"]
    expected = evaluate_city(tables, quarter="2026Q3", policy=REWEIGHT).rows()
    for module in (city_arrays,):
        monkeypatch.setattr(module, "arrow", lambda: None)
    assert evaluate_city(_numbered(tables), quarter="2026Q3", policy=REWEIGHT).rows() == expected
    tables["ratings"]["score"] = ["90", "101", "70"]
    with pytest.raises(ScoreOutOfRangeError) as refused:
        evaluate_city(_numbered(tables), quarter="2026Q3", policy=REWEIGHT)
    assert (refused.value.field, refused.value.rule) == ("ratings[row 1].score", "E-2")


def test_an_arrow_integer_column_with_nulls_reads_them_as_unable_to_rate() -> None:
    """E-2: an Arrow int64 score column is read as the text one; a null is refused.

    A null marks its dimension unable to rate; each rating here scores one dimension, so
    that rating scores none and is refused, on either path, integers or text.
    """
    import pyarrow as pa  # noqa: PLC0415

    tables = _tables()
    tables["ratings"]["score"] = ["90", "80", "70"]
    expected = evaluate_city(tables, quarter="2026Q3", policy=REWEIGHT).rows()
    arrow = _shaped(tables, "arrow")

    def scored(scores: Any) -> Any:
        ratings = arrow["ratings"]
        at = ratings.schema.get_field_index("score")
        return arrow | {"ratings": ratings.set_column(at, "score", scores)}

    whole = scored(pa.array([90, 80, 70], pa.int64()))
    assert evaluate_city(whole, quarter="2026Q3", policy=REWEIGHT).rows() == expected
    # A null score, in an integer column or a text one, is refused on either path.
    for scores in (pa.array([90, None, 70], pa.int64()), pa.array(["90", None, "70"])):
        for numpy in (True, False):
            with pytest.raises(GovernanceError) as refused:
                _evaluated(scored(scores), REWEIGHT, numpy=numpy)
            assert refused.value.rule == "E-2"


def test_an_answer_given_twice_is_found_without_pyarrow(monkeypatch: pytest.MonkeyPatch) -> None:
    """E-4: without pyarrow, repeats are found by sorting: h1 answering P twice is refused."""
    from community_governance.tables import city_arrays  # noqa: PLC0415

    for module in (city_arrays,):
        monkeypatch.setattr(module, "arrow", lambda: None)
    tables = _tables()
    tables["answers"]["household"] = ["h1", "h1"]
    with pytest.raises(DuplicateResponseError) as refused:
        evaluate_city(tables, quarter="2026Q3", policy=REWEIGHT)
    assert (refused.value.field, refused.value.rule) == ("answers[row 1].household", "E-4")


def test_arrow_tables_in_chunks_and_dictionaries_read_as_the_mapping() -> None:
    """E-1..E-6: Arrow columns in two chunks, names dictionary-encoded: the known rows."""
    import pyarrow as pa  # noqa: PLC0415

    chunked = {}
    for name, columns in _tables().items():
        table = pa.table(columns)
        half = max(table.num_rows // 2, 1)
        table = pa.concat_tables([table.slice(0, half), table.slice(half)])
        if "community" in table.column_names:
            at = table.schema.get_field_index("community")
            table = table.set_column(at, "community", table.column("community").dictionary_encode())
        chunked[name] = table
    assert chunked["ratings"].column("score").num_chunks == 2
    result = evaluate_city(chunked, quarter="2026Q3", policy=REWEIGHT)
    assert [tuple(row.values()) for row in result.rows()] == ROWS


def test_a_column_of_mixed_values_is_read_value_by_value() -> None:
    """E-4: responsible units given as text in one row and as a list in another."""
    tables = _tables()
    tables["projects"] = {
        "community": ["C", "D"],
        "project": ["P", "Q"],
        "responsible_units": ["A;B", ["A"]],
    }
    fast, plain = _both_paths(tables, REWEIGHT)
    assert fast == plain
    assert [(r["community"], r["unit"], r["public"]) for r in fast] == [
        ("C", "B", "90"),
        ("C", "A", "90"),
        ("D", "A", None),
    ]


def test_large_interleaved_communities_keep_each_raters_place() -> None:
    """E-3: two communities of 20 units listed alternately keep each rater in its place.

    Every unit rates every unit of its community (rater i gives 60 + i), and only K has a
    survey, so H is scored by the row readers from the columns' places: both paths agree.
    """
    names = [f"U{i:02d}" for i in range(20)]
    units: dict[str, list[Any]] = {"community": [], "unit": []}
    for name in names:
        for community in ("H", "K"):
            units["community"].append(community)
            units["unit"].append(name)
    ratings: dict[str, list[Any]] = {
        key: [] for key in ("community", "quarter", "rater", "ratee", "dimension", "score")
    }
    for community in ("H", "K"):
        for i, rater in enumerate(names):
            for ratee in names:
                for key, value in zip(
                    ratings,
                    (community, "2026Q3", rater, ratee, "task_completion", str(60 + i)),
                    strict=True,
                ):
                    ratings[key].append(value)
    tables = {
        "units": units,
        "ratings": ratings,
        "projects": {"community": ["K"], "project": ["P"], "responsible_units": [";".join(names)]},
        "answers": {"community": ["K"], "household": ["h1"], "project": ["P"], "answer": ["满意"]},
    }
    fast, plain = _both_paths(tables, REWEIGHT)
    assert fast == plain
    h = {r["unit"]: r for r in fast if r["community"] == "H"}
    # U00's self-rating is 60; its 19 peers give 61..79: mean 70.
    assert (h["U00"]["self"], h["U00"]["peer"]) == ("60", "70")
