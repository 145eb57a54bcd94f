"""A city scored on either path: the NumPy accelerator and Python ints agree (E-2..E-6).

Ties rounded as the policy says, negative and huge finals, bands starting at fractions,
ranks of near-equal finals, the evaluation date choosing the policy: each case worked out by
hand, on the column path and on the row path alike.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from community_governance.errors import (
    EligibilityError,
    GovernanceError,
    MissingComponentError,
    ScoreOutOfRangeError,
)
from community_governance.evaluation import evaluate_city, record_city
from community_governance.policy import default_policy
from tests.evaluation.cities import (
    REWEIGHT,
    ROWS,
    SIGNED,
    ZERO_WEIGHT,
    both_paths,
    edge_city,
    evaluated,
    full_city,
    ranked_city,
    shaped,
    small_city,
    two_units,
    without_numpy,
)


def test_a_missing_component_names_the_community_and_unit() -> None:
    """E-5: under the shipped ``error`` rule, C's A (no self-rating) is named with its city."""
    tables = small_city()
    for given in (tables, shaped(tables, "arrow")):
        with pytest.raises(MissingComponentError, match="unit A has no self-rating") as raised:
            evaluate_city(given, quarter="2026Q3", policy=default_policy())
        assert (raised.value.field, raised.value.rule) == ("C: A.self", "E-5")
    with without_numpy(), pytest.raises(MissingComponentError) as plain:
        evaluate_city(tables, quarter="2026Q3", policy=default_policy())
    assert (plain.value.field, plain.value.rule) == ("C: A.self", "E-5")


def test_the_small_city_is_the_same_without_numpy() -> None:
    """E-1..E-6: the row readers and Python ints give the known rows too."""
    for rows in both_paths(small_city(), REWEIGHT):
        assert [tuple(row.values()) for row in rows] == ROWS


def test_attribution_to_all_counts_a_projects_answers_for_every_unit() -> None:
    """E-4: with P run by A alone, B has no public mean, unless every answer counts for all."""
    tables = small_city()
    tables["projects"]["responsible_units"] = [["A"]]  # a list, as an Arrow list column gives
    everyone = REWEIGHT.override({"evaluation.survey.attribution": "all"})
    for rows in both_paths(tables, REWEIGHT):
        assert [(r["community"], r["unit"], r["public"]) for r in rows][:2] == [
            ("C", "B", None),
            ("C", "A", "90"),
        ]
    for rows in both_paths(tables, everyone):
        assert [(r["community"], r["unit"], r["public"]) for r in rows] == [
            ("C", "B", "90"),
            ("C", "A", "90"),
            ("D", "A", None),
        ]


def test_scores_past_the_int64_bound_are_scored_exactly() -> None:
    """E-2, E-5: past int64 in the scale's unit, a city is scored in Python ints, exactly.

    On a (strange) scale up to 10**19, a score of 5 x 10**18 is 5 x 10**20 hundredths.
    """
    huge = REWEIGHT.override(
        {"evaluation.scale": {"min": "0", "max": "10000000000000000000", "places": 2}}
    )
    tables: dict[str, Any] = {name: small_city()[name] for name in ("units", "ratings")}
    tables["ratings"]["score"] = [5 * 10**18, 4 * 10**18, 3 * 10**18]
    result = evaluate_city(shaped(tables, "arrow"), quarter="2026Q3", policy=huge)
    assert [(r["unit"], r["exact_numerator"], str(r["final"])) for r in result.rows()] == [
        ("B", 5 * 10**18, "5000000000000000000.00"),
        ("A", 4 * 10**18, "4000000000000000000.00"),
        ("A", 3 * 10**18, "3000000000000000000.00"),
    ]


def test_communities_come_in_order_when_some_are_scored_apart() -> None:
    """E-6: D complete (scored on whole columns), C not (scored row by row): C still first."""
    tables = small_city()
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
    for rows in both_paths(tables, REWEIGHT):
        assert [(r["community"], r["unit"], r["rank"]) for r in rows] == [
            ("C", "B", 1),
            ("C", "A", 2),
            ("D", "A", 1),
            ("D", "B", 2),
        ]


def test_communities_come_in_order_of_their_names_not_of_their_rows() -> None:
    """E-6: D's units listed before C's: the result still lists C first, on both paths."""
    tables = small_city()
    tables["units"] = {"community": ["D", "C", "C"], "unit": ["A", "A", "B"]}
    for rows in both_paths(tables, REWEIGHT):
        assert [(r["community"], r["unit"]) for r in rows] == [("C", "B"), ("C", "A"), ("D", "A")]


def test_both_paths_fill_the_same_scored_table_of_whole_numbers() -> None:
    """E-5: missing components are 0/0 and every count a Python int, on either path."""
    fast = evaluate_city(small_city(), quarter="2026Q3", policy=REWEIGHT).scored
    with without_numpy():
        plain = evaluate_city(small_city(), quarter="2026Q3", policy=REWEIGHT).scored
    assert plain == fast
    numerators, denominators = plain.component_numerators[0], plain.component_denominators[0]
    assert (numerators[:2], denominators[:2]) == ([0, 0], [0, 0])  # C's units: no self-rating
    assert Fraction(numerators[2], denominators[2]) == 70
    for scored in (fast, plain):
        for column in (scored.numerator, scored.denominator, scored.reported, scored.rank):
            assert {type(value) for value in column} == {int}


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
    tables = edge_city(self_score, ["满意"])
    finals = {}
    for mode in ("half_up", "half_even"):
        policy = REWEIGHT.override({"rounding.mode": mode})
        result = evaluated(tables, policy, numpy=numpy)
        row = next(r for r in result.rows() if r["unit"] == "A")
        assert (row["exact_numerator"], row["exact_denominator"]) == exact
        finals[mode] = row["final"]
    assert finals == {"half_up": Decimal(half_up), "half_even": Decimal(half_even)}


def test_a_negative_final_is_rounded_by_its_size_on_either_path() -> None:
    """E-5: on a scale from -100, A's final -5.005 - 36 + 10 = -31.005 rounds to -31.01."""
    tables = edge_city("-50.05", ["非常不满意"])
    tables["ratings"]["score"] = ["-50.05", "-90", "90", "90"]
    for mode, final in (("half_up", "-31.01"), ("half_even", "-31.00")):
        policy = SIGNED.override({"rounding.mode": mode})
        for rows in both_paths(tables, policy):
            row = next(r for r in rows if r["unit"] == "A")
            assert (row["exact_numerator"], row["exact_denominator"]) == (-6201, 200)
            assert (row["final"], row["grade"]) == (Decimal(final), "failed")


@pytest.mark.parametrize("numpy", [True, False])
def test_grades_compare_the_exact_score_when_the_policy_says(numpy: bool) -> None:  # noqa: FBT001
    """E-6: A's final is 0.1 x 89.95 + 0.4 x 90 + 0.5 x 90 = 89.995, reported 90.00."""
    tables = edge_city("89.95", ["非常满意", "满意"])
    grades = {}
    for basis in ("rounded", "raw"):
        policy = REWEIGHT.override({"evaluation.grades.compare": basis})
        result = evaluated(tables, policy, numpy=numpy)
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
    tables = small_city()
    tables["units"] = {"community": ["D", "C", "C"], "unit": ["A", "A", "B"]}
    tables["ratings"]["score"] = ["9000000000000", "8050000000000", "7000000000000"]
    fast = evaluate_city(tables, quarter="2026Q3", policy=wide).rows()
    with without_numpy():
        plain = evaluate_city(tables, quarter="2026Q3", policy=wide).rows()
    assert fast == plain
    assert [(r["community"], r["unit"]) for r in fast] == [("C", "B"), ("C", "A"), ("D", "A")]


def test_attribution_to_all_keeps_each_communitys_answers_to_itself() -> None:
    """E-4: every answer counts for every unit of its own community, not of another."""
    everyone = REWEIGHT.override({"evaluation.survey.attribution": "all"})
    tables = small_city()
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
    for rows in both_paths(tables, everyone):
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
    tables = edge_city("80", ["满意"])
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
    for rows in both_paths(tables, SIGNED):
        row = next(r for r in rows if r["unit"] == "A")
        # 0.1 x 35 + 0.4 x 90 + 0.5 x 80 = 79.5
        assert (row["self"], row["final"], row["grade"]) == ("35", Decimal("79.50"), "qualified")


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
    tables = edge_city("80", ["满意"])
    ratings = tables["ratings"]
    ratings["dimension"] = (
        ["service_attitude"] * 4
        if every
        else ["task_completion", "service_attitude", "task_completion", "task_completion"]
    )
    with pytest.raises(ScoreOutOfRangeError) as refused:
        evaluated(tables, ZERO_WEIGHT, numpy=numpy)
    assert refused.value.rule == "E-2"
    assert "scores only dimensions of weight zero" in refused.value.message


@pytest.mark.parametrize("aggregation", ["mean", "trimmed"])
def test_complete_ratings_give_the_same_peers_on_either_path(aggregation: str) -> None:
    """E-3, E-5: every rating complete, peers averaged or trimmed, on both paths.

    D's peers are A, B and C, rating it 90, 91 and 92: mean 91; trimmed (one each way, from
    three raters) 91 too; C's peers 80, 81, 83: mean 244/3, trimmed 81.
    """
    policy = REWEIGHT.override(
        {"evaluation.peer.aggregation": aggregation, "evaluation.peer.trim_min_raters": 3}
    )
    fast, plain = both_paths(full_city(), policy)
    assert fast == plain
    peers = {r["unit"]: r["peer"] for r in fast}
    assert peers["D"] == "91"
    assert peers["C"] == ("244/3" if aggregation == "mean" else "81")
    assert {r["unit"]: r["self"] for r in fast} == {"A": "60", "B": "71", "C": "82", "D": "93"}


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
    tables = two_units(high, ["90"] * 6)
    fast, plain = both_paths(tables, wide)
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
    tables = two_units(["80.000001", "80.000002", "80.000003", "80", "80", "80"], ["90"] * 6)
    with monkeypatch.context() as patched:
        patched.setattr(city_vector, "_finish", never)
        fast, plain = both_paths(tables, fine)
    assert fast == plain
    row = next(r for r in fast if r["unit"] == "A")
    assert row["self"] == "80.000001"


def test_a_city_without_ratings_is_refused_alike_on_either_path() -> None:
    """E-5: no rating at all: every unit lacks its own and its peers' parts, on both paths."""
    tables = small_city()
    tables["ratings"] = {key: [] for key in tables["ratings"]}
    outcomes = []
    for numpy in (True, False):
        with pytest.raises(GovernanceError) as refused:
            evaluated(tables, REWEIGHT, numpy=numpy)
        outcomes.append((type(refused.value), refused.value.field, refused.value.rule))
    assert outcomes[0] == outcomes[1]


def test_a_city_of_no_units_scores_nothing_on_either_path() -> None:
    """E-1: empty tables are an empty result, not an error, on both paths."""
    tables: dict[str, dict[str, list[Any]]] = {
        name: {column: [] for column in columns} for name, columns in small_city().items()
    }
    for rows in both_paths(tables, REWEIGHT):
        assert rows == []


def test_a_city_is_evaluated_on_or_after_its_quarters_end() -> None:
    """E-1: an evaluation dated inside the quarter is refused, whether tables or recorded."""
    early = dt.date(2026, 9, 29)
    recorded = record_city(small_city(), quarter="2026Q3", policy=REWEIGHT)
    for run in (
        lambda: evaluate_city(small_city(), quarter="2026Q3", policy=REWEIGHT, at=early),
        lambda: evaluate_city(recorded, policy=REWEIGHT, at=early),
        lambda: record_city(small_city(), quarter="2026Q3", policy=REWEIGHT, at=early),
    ):
        with pytest.raises(EligibilityError) as refused:
            run()
        assert (refused.value.field, refused.value.rule) == ("at", "E-1")
        assert refused.value.message == (
            "2026Q3 is evaluated after it ends (2026-09-30), not on 2026-09-29"
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
    recorded = record_city(small_city(), quarter="2026Q3", policy=changed, at=later)

    def final_of_a(rows: list[dict[str, Any]]) -> Decimal:
        final: Decimal = next(r["final"] for r in rows if (r["community"], r["unit"]) == ("C", "A"))
        return final

    assert final_of_a(evaluate_city(small_city(), quarter="2026Q3", policy=changed).rows()) == (
        Decimal("85.78")
    )
    for rows in (
        evaluate_city(small_city(), quarter="2026Q3", policy=changed, at=later).rows(),
        evaluate_city(recorded, policy=changed, at=later).rows(),
    ):
        assert final_of_a(rows) == Decimal("85.25")


def test_a_regular_city_fills_whole_numbers_on_the_column_path() -> None:
    """E-5: every unit regular, so the column path scores it: its counts are Python ints."""
    fast = evaluate_city(full_city(), quarter="2026Q3", policy=REWEIGHT).scored
    with without_numpy():
        plain = evaluate_city(full_city(), quarter="2026Q3", policy=REWEIGHT).scored
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
    result = evaluated(edge_city("89.95", ["非常满意", "满意"]), policy, numpy=numpy)
    assert {r["unit"]: r["grade"] for r in result.rows()} == {"A": "excellent", "B": "excellent"}


@pytest.mark.parametrize("basis", ["rounded", "raw"])
@pytest.mark.parametrize("numpy", [True, False])
def test_ties_share_a_rank_and_come_in_name_order(numpy: bool, basis: str) -> None:  # noqa: FBT001
    """E-6: A and B tie at 0.5 x 90 + 0.5 x 80 = 85, C and D at 82.5, then E at 75."""
    policy = REWEIGHT.override({"evaluation.grades.compare": basis})
    rows = evaluated(ranked_city(), policy, numpy=numpy).rows()
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
    tables = two_units(["90.000001"] + ["90"] * 5, ["90"] * 6)
    tables["units"] = {"community": ["G", "G"], "unit": ["B", "A"]}
    rows = evaluated(tables, policy, numpy=numpy).rows()
    assert [(r["unit"], r["rank"]) for r in rows] == [("A", 1), ("B", 2)]
    exact = {r["unit"]: Fraction(r["exact_numerator"], r["exact_denominator"]) for r in rows}
    assert exact["A"] - exact["B"] == Fraction(1, 12_000_000)
