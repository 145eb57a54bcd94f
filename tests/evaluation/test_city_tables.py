"""A city's tables read in every form, and every refusal of a table, a row or a cell.

E-1..E-4 on columns: a small city checked by hand, as rows, Arrow and pandas; a missing
table, a bad row, a bad cell or a project without responsible units is refused naming the
table, row, column and rule, alike on the column path and by the row readers.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

import pytest

from community_governance.errors import (
    DuplicateResponseError,
    EligibilityError,
    GovernanceError,
    ParseError,
    PolicyError,
    ScoreOutOfRangeError,
    UnknownProjectError,
    UnknownUnitError,
)
from community_governance.evaluation import evaluate_city, record_city
from community_governance.ids import LookalikeWarning
from tests.evaluation.cities import (
    COLUMNS,
    REWEIGHT,
    ROWS,
    SURVEY_ROWS,
    SURVEY_TABLES,
    SURVEY_WORDS,
    both_paths,
    changed,
    evaluated,
    numbered,
    shaped,
    small_city,
    without_numpy,
)


def test_a_small_city_is_known_in_rows_arrow_and_pandas() -> None:
    """E-1..E-6: the rows, the Arrow table and the DataFrame of a city checked by hand."""
    result = evaluate_city(small_city(), quarter="2026Q3", policy=REWEIGHT)
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
    tables = small_city()
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
    tables = small_city()
    tables["projects"]["responsible_units"] = [units]
    with pytest.raises(ParseError, match=words) as raised:
        evaluate_city(tables, quarter="2026Q3", policy=REWEIGHT)
    assert (raised.value.field, raised.value.rule) == ("projects[row 0].responsible_units", "E-4")


def test_a_located_error_keeps_the_rules_words() -> None:
    """E-2: an error found in a row keeps what the rule said and adds where."""
    tables = small_city()
    tables["ratings"]["score"][1] = "100.5"
    with pytest.raises(ScoreOutOfRangeError) as raised:
        evaluate_city(tables, quarter="2026Q3", policy=REWEIGHT)
    assert (raised.value.field, raised.value.rule) == ("ratings[row 1].score", "E-2")
    assert "100.5 is outside the scale 0..100" in raised.value.message


@pytest.mark.parametrize(
    ("tables", "error", "field", "rule", "words"),
    [
        (
            changed("units", "unit", 1, "A"),
            ParseError,
            "units[row 1].unit",
            "E-1",
            "'A' is listed twice",
        ),
        (
            changed("ratings", "community", 0, "Z"),
            UnknownUnitError,
            "ratings[row 0].community",
            "E-1",
            "community 'Z' has no units table rows",
        ),
        (
            changed("ratings", "quarter", 2, "2026Q2"),
            EligibilityError,
            "ratings[row 2].quarter",
            "E-1",
            "a rating for 2026Q2 in the evaluation of 2026Q3",
        ),
        (
            changed("ratings", "ratee", 0, "Q"),
            UnknownUnitError,
            "ratings[row 0].ratee",
            "E-3",
            "'Q' is not a member unit of C",
        ),
        (
            changed("ratings", "score", 2, ""),
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
    tables: dict[str, Any] = small_city()
    tables["units"] = [["C", "A"]]
    with pytest.raises(ParseError, match="the units table is a list; expected a pyarrow") as kind:
        evaluate_city(tables, quarter="2026Q3", policy=REWEIGHT)
    assert (kind.value.field, kind.value.rule) == ("units", "E-1")
    tables = small_city()
    del tables["ratings"]["dimension"], tables["ratings"]["score"]
    with pytest.raises(ParseError, match=r"missing column\(s\) \['dimension', 'score'\]") as gone:
        evaluate_city(tables, quarter="2026Q3", policy=REWEIGHT)
    assert (gone.value.field, gone.value.rule) == ("ratings.dimension", "E-1")
    tables = small_city()
    tables["ratings"]["score"].append("90")
    with pytest.raises(ParseError, match="columns of different lengths") as uneven:
        evaluate_city(tables, quarter="2026Q3", policy=REWEIGHT)
    assert (uneven.value.field, uneven.value.rule) == ("ratings", "E-1")


def test_pandas_and_arrow_tables_read_as_the_mapping() -> None:
    """E-1: the same city from DataFrames and from Arrow tables."""
    expected = evaluate_city(small_city(), quarter="2026Q3", policy=REWEIGHT).rows()
    frames = shaped(small_city(), "pandas")
    assert evaluate_city(frames, quarter="2026Q3", policy=REWEIGHT).rows() == expected
    arrows = shaped(small_city(), "arrow")
    assert evaluate_city(arrows, quarter="2026Q3", policy=REWEIGHT).rows() == expected


@pytest.mark.parametrize("low", [-5, 101])
def test_an_integer_score_column_is_checked_against_the_scale(low: int) -> None:
    """E-2: integer cells below or above the scale are refused at their row, on any column."""
    tables: dict[str, Any] = small_city()
    tables["ratings"]["score"] = [90, low, 70]
    arrows = shaped(tables, "arrow")
    for given in (tables, arrows):
        with pytest.raises(ScoreOutOfRangeError) as raised:
            evaluate_city(given, quarter="2026Q3", policy=REWEIGHT)
        assert (raised.value.field, raised.value.rule) == ("ratings[row 1].score", "E-2")


@pytest.mark.parametrize("case", list(SURVEY_ROWS))
def test_each_bad_survey_row_is_refused_where_it_is(case: str) -> None:
    """E-4: strangers responsible, unknown projects, a second answer, an answer off the scale."""
    table, column, row, value, error, located = SURVEY_ROWS[case]
    tables = changed(table, column, row, value)
    for given in (tables, shaped(tables, "arrow")):
        with pytest.raises(error, match=SURVEY_WORDS[case]) as raised:
            evaluate_city(given, quarter="2026Q3", policy=REWEIGHT)
        assert (raised.value.field, raised.value.rule) == (f"{table}[row {row}].{located}", "E-4")


def test_a_dimension_rated_twice_is_refused_at_its_second_row() -> None:
    """E-3: one rater rates one ratee once on each dimension."""
    tables = small_city()
    for column in tables["ratings"]:
        tables["ratings"][column].append(tables["ratings"][column][0])
    for given in (tables, shaped(tables, "arrow")):
        with pytest.raises(GovernanceError, match="A already rated B") as raised:
            evaluate_city(given, quarter="2026Q3", policy=REWEIGHT)
        assert (raised.value.field, raised.value.rule) == ("ratings[row 3].dimension", "E-3")


def test_a_cell_that_is_not_a_score_says_so_at_its_row() -> None:
    """E-2: the rule's own words, located at the row and column."""
    tables = changed("ratings", "score", 0, "eighty")
    with pytest.raises(ParseError, match="'eighty' is not a decimal score") as raised:
        evaluate_city(tables, quarter="2026Q3", policy=REWEIGHT)
    assert (raised.value.field, raised.value.rule) == ("ratings[row 0].score", "E-2")


def test_a_city_without_a_survey_and_a_project_listed_again() -> None:
    """E-4: the survey tables may be left out; a project listed again has its units replaced."""
    tables = small_city()
    bare = {name: tables[name] for name in ("units", "ratings")}
    for rows in both_paths(bare, REWEIGHT):
        assert [(r["unit"], r["public"]) for r in rows] == [("B", None), ("A", None), ("A", None)]
    again = small_city()
    again["projects"] = {
        "community": ["C", "C"],
        "project": ["P", "P"],
        "responsible_units": ["A", "B"],
    }
    arrow = shaped(again, "arrow")
    for given in (again, arrow):
        for rows in both_paths(given, REWEIGHT):
            assert [(r["unit"], r["public"]) for r in rows][:2] == [("B", "90"), ("A", None)]


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
    tables = small_city()
    tables["projects"] = {
        "community": ["C", community],
        "project": ["P", "P"],
        "responsible_units": ["A", units],
    }
    for given in (tables, shaped(tables, "arrow")):
        with pytest.raises(UnknownUnitError, match=words) as raised:
            evaluate_city(given, quarter="2026Q3", policy=REWEIGHT)
        assert (raised.value.field, raised.value.rule) == (
            "projects[row 1].responsible_units",
            "E-4",
        )


def test_numpy_without_pyarrow_gives_the_same_city(monkeypatch: pytest.MonkeyPatch) -> None:
    """E-1..E-6: with the [fast] extra alone (no pyarrow), the columns are Python lists.

    pyarrow is made unimportable, as where it is not installed (``None`` in ``sys.modules``).
    """
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.compute", None)
    tables = small_city()
    tables["projects"] = {
        "community": ["C", "C"],
        "project": ["P", "P"],
        "responsible_units": ["B", "A;B"],  # listed again: the second listing counts
    }
    result = evaluate_city(tables, quarter="2026Q3", policy=REWEIGHT)
    assert [tuple(row.values()) for row in result.rows()] == ROWS


def test_tables_need_their_quarter_and_a_recorded_city_keeps_its_own() -> None:
    """E-1: tables without a quarter, or a recorded city under another quarter: refused."""
    with pytest.raises(ParseError) as missing:
        evaluate_city(small_city(), policy=REWEIGHT)
    assert (missing.value.field, missing.value.rule, missing.value.message) == (
        "quarter",
        "E-1",
        "the quarter evaluated is needed",
    )
    for numpy in (True, False):
        if numpy:
            recorded = record_city(small_city(), quarter="2026Q3", policy=REWEIGHT)
        else:
            with without_numpy():
                recorded = record_city(small_city(), quarter="2026Q3", policy=REWEIGHT)
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
    recorded = record_city(small_city(), quarter="2026Q3", policy=REWEIGHT)
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
    tables = small_city()
    tables["ratings"]["score"] = ["110", "80.5", "70"]
    with pytest.raises(ScoreOutOfRangeError) as refused:
        evaluate_city(tables, quarter="2026Q3", policy=widened)
    assert refused.value.rule == "E-2"
    rows = evaluate_city(tables, quarter="2026Q3", policy=widened, at=dt.date(2026, 10, 2)).rows()
    assert next(r["peer"] for r in rows if (r["community"], r["unit"]) == ("C", "B")) == "110"


@pytest.mark.parametrize(
    ("units", "error", "words"),
    [
        (["A\u200b", "B"], ParseError, "holds the invisible character U\\+200B"),
        (7, ParseError, "responsible units are a list or text separated by ';'"),
        ("A;Q", UnknownUnitError, r"\['Q'\] are not member units of C"),
    ],
    ids=["hidden-character", "number", "stranger"],
)
def test_a_projects_units_are_read_alike_from_arrow_on_either_path(
    units: object, error: type[GovernanceError], words: str
) -> None:
    """E-4: an Arrow list with a hidden character, a number, a stranger: refused alike.

    A list's items are ids, cleaned as every route cleans one: ``" A"`` is ``"A"``.
    """
    spaced = small_city()
    spaced["projects"] = {"community": ["C"], "project": ["P"], "responsible_units": [[" A", "B"]]}
    plain = small_city()
    plain["projects"] = {"community": ["C"], "project": ["P"], "responsible_units": [["A", "B"]]}
    for numpy in (True, False):
        assert (
            evaluated(shaped(spaced, "arrow"), REWEIGHT, numpy=numpy).rows()
            == evaluated(shaped(plain, "arrow"), REWEIGHT, numpy=numpy).rows()
        )
    _refused_alike(units, error, words)


def _refused_alike(units: object, error: type[GovernanceError], words: str) -> None:
    """The projects' units, refused alike on both paths and located."""
    tables = small_city()
    tables["projects"] = {"community": ["C"], "project": ["P"], "responsible_units": [units]}
    arrow = shaped(tables, "arrow")
    for numpy in (True, False):
        with pytest.raises(error, match=words) as refused:
            evaluated(arrow, REWEIGHT, numpy=numpy)
        assert (refused.value.field, refused.value.rule) == (
            "projects[row 0].responsible_units",
            "E-4",
        )


def test_a_stranger_is_refused_where_every_unit_name_is_unique() -> None:
    """E-4: with one community, unit names are unique city-wide: Q still is no member of C."""
    tables = small_city()
    tables["units"] = {"community": ["C", "C"], "unit": ["A", "B"]}
    tables["ratings"] = {key: values[:2] for key, values in tables["ratings"].items()}
    tables["projects"] = {"community": ["C"], "project": ["P"], "responsible_units": ["A;Q"]}
    arrow = shaped(tables, "arrow")
    for numpy in (True, False):
        with pytest.raises(UnknownUnitError, match=r"\['Q'\] are not member units of C"):
            evaluated(arrow, REWEIGHT, numpy=numpy)


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
    tables = small_city()
    if case == "neither" or case.startswith("projects only"):
        del tables["answers"]
    if case in {"neither", "answers only"}:
        del tables["projects"]
    if case.endswith("stranger"):
        tables["projects"]["responsible_units"] = ["A;Q"]
    outcome, detail = SURVEY_TABLES[case]
    for numpy in (True, False):
        if outcome == "ok":
            rows = evaluated(tables, policy, numpy=numpy).rows()
            assert [(r["unit"], r["public"], str(r["final"])) for r in rows] == [
                ("B", None, "90.00"),
                ("A", None, "80.50"),
                ("A", None, "70.00"),
            ]
            continue
        assert detail is not None
        assert not isinstance(outcome, str)
        with pytest.raises(outcome) as refused:
            evaluated(tables, policy, numpy=numpy)
        assert (refused.value.field, refused.value.rule) == (detail[0], "E-4")
        assert detail[1] in refused.value.message


def test_integer_score_columns_without_pyarrow_give_the_same_city(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """E-2: a NumPy column of whole scores, read without pyarrow, scores as text does."""
    from community_governance.tables import city_arrays  # noqa: PLC0415

    tables = small_city()
    tables["ratings"]["score"] = ["90", "80", "70"]
    expected = evaluate_city(tables, quarter="2026Q3", policy=REWEIGHT).rows()
    for module in (city_arrays,):
        monkeypatch.setattr(module, "arrow", lambda: None)
    assert evaluate_city(numbered(tables), quarter="2026Q3", policy=REWEIGHT).rows() == expected
    tables["ratings"]["score"] = ["90", "101", "70"]
    with pytest.raises(ScoreOutOfRangeError) as refused:
        evaluate_city(numbered(tables), quarter="2026Q3", policy=REWEIGHT)
    assert (refused.value.field, refused.value.rule) == ("ratings[row 1].score", "E-2")


def test_an_arrow_integer_column_with_nulls_reads_them_as_unable_to_rate() -> None:
    """E-2: an Arrow int64 score column is read as the text one; a null is refused.

    A null marks its dimension unable to rate; each rating here scores one dimension, so
    that rating scores none and is refused, on either path, integers or text.
    """
    import pyarrow as pa  # noqa: PLC0415

    tables = small_city()
    tables["ratings"]["score"] = ["90", "80", "70"]
    expected = evaluate_city(tables, quarter="2026Q3", policy=REWEIGHT).rows()
    arrow = shaped(tables, "arrow")

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
                evaluated(scored(scores), REWEIGHT, numpy=numpy)
            assert refused.value.rule == "E-2"


def test_an_answer_given_twice_is_found_without_pyarrow(monkeypatch: pytest.MonkeyPatch) -> None:
    """E-4: without pyarrow, repeats are found by sorting: h1 answering P twice is refused."""
    from community_governance.tables import city_arrays  # noqa: PLC0415

    for module in (city_arrays,):
        monkeypatch.setattr(module, "arrow", lambda: None)
    tables = small_city()
    tables["answers"]["household"] = ["h1", "h1"]
    with pytest.raises(DuplicateResponseError) as refused:
        evaluate_city(tables, quarter="2026Q3", policy=REWEIGHT)
    assert (refused.value.field, refused.value.rule) == ("answers[row 1].household", "E-4")


def test_arrow_tables_in_chunks_and_dictionaries_read_as_the_mapping() -> None:
    """E-1..E-6: Arrow columns in two chunks, names dictionary-encoded: the known rows."""
    import pyarrow as pa  # noqa: PLC0415

    chunked = {}
    for name, columns in small_city().items():
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
    tables = small_city()
    tables["projects"] = {
        "community": ["C", "D"],
        "project": ["P", "Q"],
        "responsible_units": ["A;B", ["A"]],
    }
    fast, plain = both_paths(tables, REWEIGHT)
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
    fast, plain = both_paths(tables, REWEIGHT)
    assert fast == plain
    h = {r["unit"]: r for r in fast if r["community"] == "H"}
    # U00's self-rating is 60; its 19 peers give 61..79: mean 70.
    assert (h["U00"]["self"], h["U00"]["peer"]) == ("60", "70")


@pytest.mark.parametrize("kind", ["arrow", "mapping"])
def test_ids_that_refer_to_listed_ones_are_read_as_every_route_reads_them(kind: str) -> None:
    """E-1, E-3, E-4: " A " names A, "C " names C; a hidden character is refused, located.

    The id columns that refer to a listed id (a rating's community, rater and ratee, an
    answer's community and project) are cleaned only when not listed as they are.
    """
    spaced = small_city()
    spaced["ratings"]["rater"][0] = " A "
    spaced["ratings"]["community"][1] = "C "
    spaced["answers"]["project"][1] = "P\u0020"
    spaced["answers"]["community"][0] = " C"
    for numpy in (True, False):
        assert (
            evaluated(shaped(spaced, kind), REWEIGHT, numpy=numpy).rows()
            == evaluated(shaped(small_city(), kind), REWEIGHT, numpy=numpy).rows()
        )
    cases = [
        ("ratings", "rater", 0, "A\u200b", "E-3"),
        ("ratings", "community", 2, "D\u202e", "E-1"),
        ("answers", "project", 1, "P\x00", "E-4"),
        ("answers", "household", 0, "h\u20281", "E-4"),
        ("units", "unit", 1, "B\tB", "E-1"),
    ]
    for table, column, row, value, rule in cases:
        hostile = small_city()
        hostile[table][column][row] = value
        for numpy in (True, False):
            with pytest.raises(ParseError) as refused:
                evaluated(shaped(hostile, kind), REWEIGHT, numpy=numpy)
            assert (refused.value.field, refused.value.rule) == (
                f"{table}[row {row}].{column}",
                rule,
            )


def test_look_alike_units_in_a_city_follow_the_policy() -> None:
    """E-1: a Cyrillic А beside a Latin A in one community: refused, or warned under warn."""
    tables = small_city()
    tables["units"]["unit"][1] = "\u0410"
    tables["ratings"]["rater"][1] = "\u0410"
    tables["ratings"]["ratee"][0] = "\u0410"
    tables["projects"]["responsible_units"] = ["A;\u0410"]
    with pytest.raises(ParseError, match="look alike") as refused:
        evaluate_city(shaped(tables, "arrow"), quarter="2026Q3", policy=REWEIGHT)
    assert (refused.value.field, refused.value.rule) == ("units[community C].unit", "E-1")
    warned = REWEIGHT.override({"input.ids.lookalikes": "warn"})
    with pytest.warns(LookalikeWarning):
        evaluate_city(shaped(tables, "arrow"), quarter="2026Q3", policy=warned)


@pytest.mark.parametrize("kind", ["arrow", "pandas", "mapping"])
def test_listing_ids_are_cleaned_in_every_shape_of_table(kind: str) -> None:
    """E-1, E-4: spaced unit, community, project and household ids read as their clean forms.

    Arrow tables, DataFrames and mappings alike, on both paths: the clean ids are stored,
    so the city equals the one written without spaces.
    """
    spaced = small_city()
    spaced["units"]["unit"][1] = " B"
    spaced["units"]["community"][2] = "D "
    spaced["projects"]["project"][0] = "P "
    spaced["answers"]["household"][0] = " h1"
    for numpy in (True, False):
        assert (
            evaluated(shaped(spaced, kind), REWEIGHT, numpy=numpy).rows()
            == evaluated(shaped(small_city(), kind), REWEIGHT, numpy=numpy).rows()
        )


@pytest.mark.parametrize("kind", ["arrow", "pandas", "mapping"])
@pytest.mark.parametrize(
    ("table", "column", "row", "value", "rule"),
    [
        ("ratings", "ratee", 1, "A\u200b", "E-3"),
        ("projects", "community", 0, "C\u200b", "E-1"),
        ("answers", "community", 1, "C\x1b", "E-1"),
        ("units", "unit", 1, "", "E-1"),
        ("units", "community", 0, "C\u202e", "E-1"),
    ],
    ids=["ratee", "project-community", "answer-community", "empty-unit", "unit-community"],
)
def test_a_hostile_id_is_located_in_every_shape_of_table(  # noqa: PLR0917 - one per parameter
    kind: str, table: str, column: str, row: int, value: str, rule: str
) -> None:
    """E-1, E-3, E-4: a hidden character or an empty id, refused where it stands."""
    hostile = small_city()
    hostile[table][column][row] = value
    for numpy in (True, False):
        with pytest.raises(ParseError) as refused:
            evaluated(shaped(hostile, kind), REWEIGHT, numpy=numpy)
        assert (refused.value.field, refused.value.rule) == (f"{table}[row {row}].{column}", rule)


def test_a_responsible_unit_written_as_text_is_an_id() -> None:
    """E-4: ``A\u200b;B`` is refused naming the projects' row, as a list item is."""
    tables = small_city()
    tables["projects"]["responsible_units"] = ["A\u200b;B"]
    for numpy in (True, False):
        with pytest.raises(ParseError, match="U\\+200B") as refused:
            evaluated(tables, REWEIGHT, numpy=numpy)
        assert (refused.value.field, refused.value.rule) == (
            "projects[row 0].responsible_units",
            "E-4",
        )


def test_a_hostile_id_after_one_that_is_not_text_is_still_refused() -> None:
    """E-1: a column mixing a number and a hidden character: the character is refused."""
    tables = small_city()
    tables["units"] = {"community": ["C", "C", "D", "C"], "unit": ["A", "B", "A", 5]}
    tables["units"]["unit"].append("B\u200bB")
    tables["units"]["community"].append("C")
    with pytest.raises(ParseError) as refused:
        evaluate_city(tables, quarter="2026Q3", policy=REWEIGHT)
    assert refused.value.field == "units[row 4].unit"


def test_units_of_different_lengths_are_the_readers_to_refuse() -> None:
    """E-1: the id check does not trip over unequal columns; the readers name the table."""
    tables = small_city()
    tables["units"] = {"community": ["C", "C"], "unit": ["A", "B", "\u0410"]}
    with pytest.raises(ParseError, match="columns of different lengths") as refused:
        evaluate_city(tables, quarter="2026Q3", policy=REWEIGHT)
    assert refused.value.field == "units"


def test_answers_of_a_community_without_units_name_the_project() -> None:
    """E-4: an answer of an unknown community is an unknown project, named at its row."""
    tables = small_city()
    tables["answers"]["community"][1] = "Z"
    for numpy in (True, False):
        with pytest.raises(UnknownProjectError) as refused:
            evaluated(tables, REWEIGHT, numpy=numpy)
        assert refused.value.field == "answers[row 1].project"


def test_the_id_check_goes_on_past_a_missing_table() -> None:
    """E-4: without a projects table, a hostile household is still the id check's to refuse."""
    tables = small_city()
    del tables["projects"]
    tables["answers"]["household"][0] = "h\u200b1"
    with pytest.raises(ParseError) as refused:
        evaluate_city(tables, quarter="2026Q3", policy=REWEIGHT)
    assert refused.value.field == "answers[row 0].household"


def test_units_that_are_not_text_or_lack_a_column_are_the_readers_to_judge() -> None:
    """E-1: a number among unit ids passes the look-alike check; a missing column is named."""
    from community_governance.tables.city_ids import checked_ids  # noqa: PLC0415

    rules = REWEIGHT.at(dt.date(2026, 9, 30))
    units = {"community": ["C", "C"], "unit": [5, "\u0410"]}
    assert checked_ids({"units": units}, rules)["units"] == units
    without = {"units": {"community": ["C"]}}
    assert checked_ids(without, rules) == without
    tables = small_city()
    tables["units"] = {"community": ["C", "C", "D"]}
    with pytest.raises(ParseError, match="unit") as refused:
        evaluate_city(tables, quarter="2026Q3", policy=REWEIGHT)
    assert refused.value.field is not None
    assert refused.value.field.startswith("units")


def test_a_city_of_one_unit_answering_for_two_projects_reads_alike_on_both_paths() -> None:
    """E-4: one unit, two projects of its own: each answer counts once, on either path."""
    tables: dict[str, dict[str, list[Any]]] = {
        "units": {"community": ["D"], "unit": ["A"]},
        "ratings": {
            "community": ["D"],
            "quarter": ["2026Q3"],
            "rater": ["A"],
            "ratee": ["A"],
            "dimension": ["task_completion"],
            "score": ["70"],
        },
        "projects": {
            "community": ["D", "D"],
            "project": ["P", "Q"],
            "responsible_units": [["A"], ["A"]],
        },
        "answers": {
            "community": ["D", "D"],
            "household": ["h1", "h1"],
            "project": ["P", "Q"],
            "answer": ["满意", "very satisfied"],
        },
    }
    fast, plain = both_paths(shaped(tables, "arrow"), REWEIGHT)
    assert fast == plain
    assert [row["public"] for row in fast] == ["90"]


def test_a_blank_item_of_a_units_list_is_refused_on_both_paths() -> None:
    """E-4: ``["A", " "]``: a list's blank item is an empty id, refused on either path."""
    tables = small_city()
    tables["projects"] = {"community": ["C"], "project": ["P"], "responsible_units": [["A", " "]]}
    for numpy in (True, False):
        with pytest.raises(ParseError) as refused:
            evaluated(shaped(tables, "arrow"), REWEIGHT, numpy=numpy)
        assert refused.value.field == "projects[row 0].responsible_units"
