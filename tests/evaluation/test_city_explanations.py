"""A city's explanations, asked for unit by unit, on either path (E-1..E-6)."""

from __future__ import annotations

import pytest

from community_governance.errors import UnknownUnitError
from community_governance.evaluation import evaluate_city, record_city
from community_governance.evaluation.city import CityResult
from tests.evaluation.cities import REWEIGHT, small_city, without_numpy
from tests.evaluation.known_quarter import Q3


def _surveyed_city() -> dict[str, dict[str, list[object]]]:
    """The small city with a survey: one answer for C.B's project, two for C.A's."""
    tables = small_city()
    tables["projects"] = {
        "community": ["C", "C", "D"],
        "project": ["PA", "PB", "PD"],
        "responsible_units": ["A", "B", "A"],
    }
    tables["answers"] = {
        "community": ["C", "C", "C"],
        "household": ["H1", "H2", "H3"],
        "project": ["PA", "PA", "PB"],
        "answer": ["very_satisfied", "satisfied", "satisfied"],
    }
    return tables


def test_both_paths_explain_a_unit_alike_and_cite_z_from_one_answer() -> None:
    """E-4, E-5: rows and columns give one explanation; B's one answer is enough to cite z."""
    tables = _surveyed_city()
    fast = evaluate_city(tables, quarter="2026Q3", policy=REWEIGHT)
    with without_numpy():
        slow = evaluate_city(tables, quarter="2026Q3", policy=REWEIGHT)
        assert record_city(tables, quarter="2026Q3", policy=REWEIGHT).read_by == "rows"
    for community, unit in (("C", "A"), ("C", "B"), ("D", "A")):
        explained = fast.explain(community, unit)
        assert explained == slow.explain(community, unit)
        cited = {p.name for p in explained.parameters}
        assert ("evaluation.survey.z" in cited) is (community == "C"), (community, unit)
        assert "evaluation.survey.answer_scale" in cited  # both communities have projects
    b = fast.explain("C", "B")
    assert "mean of 1 survey answers" in b.to_text("en")
    row = next(r for r in fast.rows() if (r["community"], r["unit"]) == ("C", "B"))
    assert b.outcome.en.startswith(f"{row['final']}, ")


@pytest.mark.parametrize(("community", "unit"), [("C", "Z"), ("Z", "A"), ("D", "B")])
def test_a_unit_not_in_the_city_is_named(community: str, unit: str) -> None:
    """E-1: asking for a unit the city does not have names it, with the field and the rule."""
    city = evaluate_city(small_city(), quarter="2026Q3", policy=REWEIGHT)
    with pytest.raises(UnknownUnitError, match=f"no unit '{unit}' of '{community}'") as raised:
        city.explain(community, unit)
    assert (raised.value.field, raised.value.rule) == ("unit", "E-1")
    bare = CityResult(city.scored)  # a result made without its recorded rows
    with pytest.raises(UnknownUnitError) as raised:
        bare.explain("C", "A")
    assert (raised.value.field, raised.value.rule) == ("unit", "E-1")


@pytest.mark.parametrize("numpy", [True, False])
def test_a_recorded_city_names_a_community_it_does_not_hold(numpy: bool) -> None:  # noqa: FBT001
    """E-1: the rows of a community the city does not hold are refused, naming it."""
    if numpy:
        recorded = record_city(small_city(), quarter="2026Q3", policy=REWEIGHT)
    else:
        with without_numpy():
            recorded = record_city(small_city(), quarter="2026Q3", policy=REWEIGHT)
    with pytest.raises(UnknownUnitError, match="no community 'Z' in the city") as raised:
        recorded.inputs("Z", REWEIGHT.at(Q3.end))
    assert (raised.value.field, raised.value.rule) == ("community", "E-1")
    rows, public, counts, surveyed = recorded.inputs("C", REWEIGHT.at(Q3.end))
    assert rows.units == ["A", "B"]
    assert (dict(public), dict(counts), surveyed) == (
        {"A": (180, 2), "B": (180, 2)},
        {"A": 2, "B": 2},
        True,
    )
