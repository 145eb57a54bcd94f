"""A city from columns equals evaluate_quarter community by community (E-1..E-6).

The tables are built from the same random quarters the integer core is tested on; the
result of ``evaluate_city`` must equal, unit by unit, what ``evaluate_quarter`` gives
each community: exact components, exact final, reported final, grade and rank.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from community_governance.errors import GovernanceError
from community_governance.evaluation import evaluate_city, evaluate_quarter
from community_governance.numbers import format_fraction
from community_governance.vocabulary import Dimension
from tests.evaluation.cities import city_tables, renamed
from tests.strategies import Q3, quarter_cases


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(quarter_cases(), min_size=1, max_size=3), st.data())
def test_a_city_is_its_communities_evaluated_one_by_one(quarters_: list[Any], data: Any) -> None:
    """E-1..E-6: evaluate_city equals evaluate_quarter for every community, unit by unit."""
    policy = quarters_[0][3]
    parts = [renamed(q, f"C{i}") for i, q in enumerate(quarters_)]
    expected: list[dict[str, Any]] = []
    explained: dict[tuple[str, str], Any] = {}
    failure: GovernanceError | None = None
    try:
        for community, book, survey, _ in parts:
            result = evaluate_quarter(community, Q3, book, survey, policy=policy)
            for card in result.scorecards:
                explained[community.community_id, card.unit_id] = card  # explained when drawn
                components = [card.self_score, card.peer_mean, card.public_mean]
                expected.append(
                    {
                        "community": community.community_id,
                        "unit": card.unit_id,
                        "self": None if components[0] is None else format_fraction(components[0]),
                        "peer": None if components[1] is None else format_fraction(components[1]),
                        "public": None if components[2] is None else format_fraction(components[2]),
                        "exact_numerator": card.final.exact.numerator,
                        "exact_denominator": card.final.exact.denominator,
                        "final": card.final.reported,
                        "grade": card.grade.code,
                        "rank": card.rank,
                    }
                )
    except GovernanceError as error:
        failure = error
    if failure is not None:
        with pytest.raises(type(failure)) as raised:
            evaluate_city(city_tables([p[:3] for p in parts]), quarter=Q3, policy=policy)
        assert raised.value.rule == failure.rule
        return
    tables = city_tables([p[:3] for p in parts])
    kind = data.draw(st.sampled_from(["dict", "pandas", "arrow"]))
    if kind == "pandas":
        tables = {name: pd.DataFrame(columns) for name, columns in tables.items()}
    elif kind == "arrow":
        tables = {name: pa.table(columns) for name, columns in tables.items()}
    city = evaluate_city(tables, quarter=Q3, policy=policy)
    assert city.rows() == expected
    assert all(isinstance(value, Decimal) for value in city.columns["final"])
    community, unit = data.draw(st.sampled_from(sorted(explained)))
    said = explained[community, unit].explanation
    got = city.explain(community, unit)
    assert (got.title, got.outcome, got.steps, got.inputs, got.flags) == (
        said.title,
        said.outcome,
        said.steps,
        said.inputs,
        said.flags,
    )

    # A city's tables carry answers, not a sample certificate: the survey's own parameters
    # (its size, its small-frame rule, its z) are cited where the quarter's survey reads them.
    def cited(explanation: Any) -> set[str]:
        return {
            p.name for p in explanation.parameters if not p.name.startswith("evaluation.survey")
        }

    assert cited(got) == cited(said)


def test_bad_rows_name_the_table_row_and_column() -> None:
    """E-1..E-4: an unknown unit, a float score, a duplicate and a bad answer are located."""
    units = {"community": ["C", "C"], "unit": ["A", "B"]}
    good = {
        "community": ["C", "C"],
        "quarter": ["2026Q3", "2026Q3"],
        "rater": ["A", "B"],
        "ratee": ["B", "A"],
        "dimension": ["service_attitude", "服务态度"],
        "score": ["90", "80.5"],
    }

    def refused(column: str, value: object, row: int = 1) -> GovernanceError:
        ratings: dict[str, list[object]] = {k: list(v) for k, v in good.items()}
        ratings[column][row] = value
        with pytest.raises(GovernanceError) as raised:
            evaluate_city({"units": units, "ratings": ratings}, quarter="2026Q3")
        return raised.value

    assert refused("rater", "Z").field == "ratings[row 1].rater"
    floated = refused("score", 80.5)
    assert (floated.field, floated.rule) == ("ratings[row 1].score", "E-2")
    assert isinstance(floated, TypeError)
    assert refused("score", "100.001").field == "ratings[row 1].score"
    assert refused("dimension", "smell").field == "ratings[row 1].dimension"
    assert refused("quarter", "2026Q2").rule == "E-1"
    twice = dict(good, rater=["A", "A"], ratee=["B", "B"], dimension=["service_attitude"] * 2)
    with pytest.raises(GovernanceError, match="already rated") as raised:
        evaluate_city({"units": units, "ratings": twice}, quarter="2026Q3")
    assert raised.value.field == "ratings[row 1].dimension"
    with pytest.raises(GovernanceError) as raised:
        evaluate_city(
            {
                "units": units,
                "ratings": good,
                "projects": {"community": ["C"], "project": ["P"], "responsible_units": ["A"]},
                "answers": {
                    "community": ["C"],
                    "household": ["h"],
                    "project": ["P"],
                    "answer": ["meh"],
                },
            },
            quarter="2026Q3",
            policy=None,
        )
    assert (raised.value.field, raised.value.rule) == ("answers[row 0].answer", "E-4")


def test_a_city_is_independent_of_row_order_and_of_other_communities() -> None:
    """E-1: shuffling rows, or evaluating one community alone, changes nothing for it."""
    units = {"community": ["C", "C", "D", "D"], "unit": ["A", "B", "A", "B"]}
    rows = [
        (c, "2026Q3", r, e, d.code, s)
        for c, s in (("C", "91"), ("D", "70"))
        for r, e in (("A", "A"), ("A", "B"), ("B", "A"), ("B", "B"))
        for d in Dimension
    ]
    names = ("community", "quarter", "rater", "ratee", "dimension", "score")
    policy = "reweight"
    from community_governance.policy import default_policy  # noqa: PLC0415

    rules = default_policy().override({"evaluation.missing_component": policy}).at(Q3.end)
    forward = {n: [row[i] for row in rows] for i, n in enumerate(names)}
    backward = {n: [row[i] for row in reversed(rows)] for i, n in enumerate(names)}
    one = evaluate_city({"units": units, "ratings": forward}, quarter=Q3, policy=rules)
    two = evaluate_city({"units": units, "ratings": backward}, quarter=Q3, policy=rules)
    assert one == two
    alone = evaluate_city(
        {
            "units": {"community": ["C", "C"], "unit": ["A", "B"]},
            "ratings": {n: [row[i] for row in rows if row[0] == "C"] for i, n in enumerate(names)},
        },
        quarter=Q3,
        policy=rules,
    )
    assert alone.rows() == [r for r in one.rows() if r["community"] == "C"]
    assert {r["final"] for r in alone.rows()} == {Decimal("91.00")}
