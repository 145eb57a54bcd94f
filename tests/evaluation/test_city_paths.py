"""The NumPy path of the city equals its Python-int path, branch by branch (E-1..E-6).

``record_city`` reads tables over whole columns when NumPy is installed and row by row
otherwise; ``evaluate_city`` scores recorded arrays in int64 behind an overflow bound, and
in Python ints past it. Every branch must give the very same scored units, or the very
same error.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from community_governance.errors import GovernanceError, PolicyError
from community_governance.evaluation import accelerated as city_vector
from community_governance.evaluation.city import CityColumns, evaluate_city, record_city
from community_governance.policy import default_policy
from community_governance.tables.city_rows import INPUT_COLUMNS
from community_governance.vocabulary import Dimension
from tests.evaluation.cities import city_tables, renamed, shaped, without_numpy
from tests.strategies import Q3, quarter_cases


def _outcome(tables: Any, policy: Any) -> Any:
    try:
        return evaluate_city(tables, quarter=Q3, policy=policy).scored
    except GovernanceError as error:
        return (type(error), error.field, error.rule, error.message)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    st.lists(quarter_cases(), min_size=1, max_size=3),
    st.sampled_from(["dict", "pandas", "arrow"]),
)
def test_the_numpy_path_equals_the_python_int_path(quarters_: list[Any], kind: str) -> None:
    """E-1..E-6: same scored units (or the same error), trimmed, re-weighted, unable to rate."""
    policy = quarters_[0][3]
    parts = [renamed(q, f"C{i}") for i, q in enumerate(quarters_)]
    tables = shaped(city_tables([p[:3] for p in parts]), kind)
    fast = _outcome(tables, policy)
    with without_numpy():
        plain = _outcome(tables, policy)
    assert fast == plain
    if not isinstance(fast, tuple):
        recorded = record_city(tables, quarter=Q3, policy=policy)
        assert recorded._arrays is not None


def _two_communities(*, same_ids: bool) -> dict[str, dict[str, list[Any]]]:
    """Two communities whose units (and households) may share ids, as real cities' do."""
    tables: dict[str, dict[str, list[Any]]] = {
        name: {column: [] for column in columns} for name, columns in INPUT_COLUMNS.items()
    }
    for c, base in (("North", 60), ("South", 80)):
        ids = [f"U{u}" if same_ids else f"{c}-U{u}" for u in range(4)]
        tables["units"]["community"] += [c] * 4
        tables["units"]["unit"] += ids
        for a, rater in enumerate(ids):
            for b, ratee in enumerate(ids):
                for d, dimension in enumerate(Dimension):
                    row = (c, "2026Q3", rater, ratee, dimension.code, base + a + 2 * b + d)
                    for column, value in zip(tables["ratings"], row, strict=True):
                        tables["ratings"][column].append(value)
        project = "P1" if same_ids else f"{c}-P1"
        tables["projects"]["community"].append(c)
        tables["projects"]["project"].append(project)
        tables["projects"]["responsible_units"].append(f"{ids[0]}; {ids[1]}")
        for h, answer in enumerate(["very_satisfied", "satisfied", "非常满意", "dissatisfied"]):
            tables["answers"]["community"].append(c)
            tables["answers"]["household"].append(f"H{h}")
            tables["answers"]["project"].append(project)
            tables["answers"]["answer"].append(answer)
    return tables


@pytest.mark.parametrize("same_ids", [True, False])
@pytest.mark.parametrize("kind", ["dict", "pandas", "arrow"])
def test_ids_repeated_across_communities_are_read_within_each(
    same_ids: bool,  # noqa: FBT001 - a parameter of the test
    kind: str,
) -> None:
    """E-1, E-4: unit, project and household ids that repeat across communities."""
    rules = default_policy().override({"evaluation.missing_component": "reweight"}).at(Q3.end)
    tables = shaped(_two_communities(same_ids=same_ids), kind)
    recorded = record_city(tables, quarter=Q3, policy=rules)
    assert recorded._arrays is not None
    with without_numpy():
        plain = evaluate_city(tables, quarter=Q3, policy=rules)
    assert evaluate_city(recorded, policy=rules) == plain
    assert evaluate_city(tables, quarter=Q3, policy=rules) == plain
    rows = plain.rows()
    assert [r["community"] for r in rows] == ["North"] * 4 + ["South"] * 4
    # Units without a project of their own are re-weighted; the others carry the survey.
    assert sum(r["public"] is not None for r in rows) == 4


def test_a_household_answering_twice_is_the_row_error_on_both_paths() -> None:
    """E-4: a repeated (household, project) is named at its row, with or without NumPy."""
    tables = _two_communities(same_ids=True)
    answers = tables["answers"]
    for column in answers:
        answers[column].append(answers[column][0])
    with pytest.raises(GovernanceError) as fast:
        evaluate_city(shaped(tables, "arrow"), quarter=Q3)
    with without_numpy(), pytest.raises(GovernanceError) as plain:
        evaluate_city(tables, quarter=Q3)
    assert (fast.value.field, fast.value.rule) == (plain.value.field, plain.value.rule)
    assert fast.value.field == "answers[row 8].household"


def test_past_the_overflow_bound_python_ints_decide(monkeypatch: pytest.MonkeyPatch) -> None:
    """E-5: with the int64 bounds made tiny, every community is scored in Python ints."""
    rules = default_policy().override({"evaluation.missing_component": "reweight"}).at(Q3.end)
    tables = shaped(_two_communities(same_ids=False), "arrow")
    expected = evaluate_city(tables, quarter=Q3, policy=rules)
    monkeypatch.setattr(city_vector, "_EXACT_FLOAT", 1)
    assert evaluate_city(tables, quarter=Q3, policy=rules) == expected
    monkeypatch.undo()
    monkeypatch.setattr(city_vector, "_BOUND", 1)
    assert evaluate_city(tables, quarter=Q3, policy=rules) == expected


def test_near_equal_finals_are_ranked_exactly() -> None:
    """E-6: two finals equal as floats but not as fractions are ordered by their exact value."""
    order = np.array([0, 1], np.int64)
    community = np.array([0, 0], np.int64)
    num = np.array([10**17 + 1, 10**17], np.int64)
    den = np.array([10**17, 10**17 - 1], np.int64)
    assert float(Fraction(int(num[0]), int(den[0]))) == float(Fraction(int(num[1]), int(den[1])))
    fixed = city_vector._exact_order(order, community, num, den, ["A", "B"])
    assert fixed.tolist() == [1, 0]


def test_a_recorded_city_is_scored_again_under_another_policy() -> None:
    """E-4, E-6: re-scoring the recorded arrays equals evaluating the tables afresh."""
    tables = shaped(_two_communities(same_ids=False), "arrow")
    first = default_policy().override({"evaluation.missing_component": "reweight"})
    recorded = record_city(tables, quarter=Q3, policy=first)
    assert isinstance(recorded, CityColumns)
    second = first.override(
        {"evaluation.survey.attribution": "all", "evaluation.grades.compare": "raw"}
    )
    assert evaluate_city(recorded, policy=second) == evaluate_city(
        tables, quarter=Q3, policy=second
    )
    with pytest.raises(GovernanceError) as raised:
        evaluate_city(recorded, quarter="2026Q2", policy=second)
    assert (raised.value.field, raised.value.rule) == ("quarter", "E-1")


def test_another_scale_needs_the_city_recorded_again() -> None:
    """E-2: scores checked against one scale are not scored under another."""
    tables = shaped(_two_communities(same_ids=False), "arrow")
    recorded = record_city(tables, quarter=Q3)
    finer = default_policy().override({"evaluation.scale": {"min": "0", "max": "100", "places": 3}})
    with pytest.raises(PolicyError) as raised:
        evaluate_city(recorded, policy=finer)
    assert (raised.value.field, raised.value.rule) == ("policy", "E-2")


def test_a_null_score_in_an_integer_column_is_unable_to_rate() -> None:
    """E-2: an empty cell of an Arrow integer column is "unable to rate", as an empty text."""
    tables = _two_communities(same_ids=False)
    tables["ratings"]["score"][1] = None
    as_text = _two_communities(same_ids=False)
    as_text["ratings"]["score"] = ["" if s is None else str(s) for s in tables["ratings"]["score"]]
    rules = default_policy().override({"evaluation.missing_component": "reweight"}).at(Q3.end)
    with_null = evaluate_city(shaped(tables, "arrow"), quarter=Q3, policy=rules)
    with without_numpy():
        assert with_null == evaluate_city(as_text, quarter=Q3, policy=rules)
