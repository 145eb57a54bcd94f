"""The integer core of the evaluation against the Fraction reference (E-2..E-6).

``evaluate_quarter`` keeps recorded ratings as integers in the scale's smallest unit and
sums them over common denominators; ``tests/evaluation/reference.py`` is the Fraction
implementation it replaced. On random quarters — 1 to 40 units, plain and trimmed peer
means, re-weighting, "unable to rate", missing components, every rounding mode and
rounding ties — both give the same result, explanations included, or the same error.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from community_governance.community import Community, MemberUnit
from community_governance.errors import GovernanceError
from community_governance.evaluation import (
    Rating,
    RatingBook,
    evaluate_quarter,
)
from community_governance.evaluation.kernel import combine, int_weights, peer_mean
from community_governance.evaluation.scoring import UnitRules, grade_at
from community_governance.numbers import round_exact, round_ratio
from community_governance.policy.schema import PolicySnapshot
from community_governance.vocabulary import Component, Dimension
from tests.evaluation.reference import reference_evaluate_quarter
from tests.strategies import BASE, Q3, VARIANTS, quarter_cases


def _outcome(evaluate: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return evaluate(*args, **kwargs)
    except GovernanceError as error:
        return (type(error), error.field, error.rule, error.message)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(quarter_cases())
def test_the_integer_core_equals_the_fraction_reference(quarter: Any) -> None:
    """E-2..E-6: same finals, components, grades, ranks, awards, orders, errors, explanations."""
    community, book, survey, policy = quarter
    ours = _outcome(evaluate_quarter, community, Q3, book, survey, policy=policy)
    theirs = _outcome(reference_evaluate_quarter, community, Q3, book, survey, policy=policy)
    if isinstance(theirs, tuple):
        assert ours == theirs
        return
    assert ours == theirs  # every field, the deferred explanations and precisions included
    for mine, reference in zip(ours.scorecards, theirs.scorecards, strict=True):
        assert mine.final.exact == reference.final.exact
        assert str(mine.final.reported) == str(reference.final.reported)
        assert dict(mine.final.components) == dict(reference.final.components)
        assert dict(mine.final.weights) == dict(reference.final.weights)
        assert mine.final.reweighted is reference.final.reweighted
        assert dict(mine.peer_dimensions) == dict(reference.peer_dimensions)
        assert (mine.grade, mine.rank) == (reference.grade, reference.rank)
        assert mine.explanation == reference.explanation
        assert mine.final.explanation == reference.explanation
        assert mine.survey_precision == reference.survey_precision


@pytest.mark.parametrize("mode", ["half_up", "half_even"])
def test_a_constructed_rounding_tie_is_rounded_once_as_the_policy_says(mode: str) -> None:
    """E-5: self 62.5 everywhere, places 0: the exact 62.5 rounds to 63 (half up) or 62."""
    community = Community("C-1", "c", [MemberUnit("A", "A", "co_building_unit")])
    policy = BASE.override(
        {
            "rounding.places": 0,
            "rounding.mode": mode,
            "evaluation.missing_component": "reweight",
        }
    ).at(Q3.end)
    rating = Rating("A", "A", Q3, "self", dict.fromkeys(Dimension, "62.5"))
    book = RatingBook(community, Q3).record(rating, policy)
    card = evaluate_quarter(community, Q3, book, None, policy=policy).scorecards[0]
    assert card.final.exact == Decimal("62.5")
    assert card.final.reported == Decimal("63" if mode == "half_up" else "62")
    reference = reference_evaluate_quarter(community, Q3, book, None, policy=policy)
    assert card.final.reported == reference.scorecards[0].final.reported
    assert card.explanation == reference.scorecards[0].explanation


@given(st.integers(-(10**12), 10**12), st.integers(1, 10**6), st.integers(0, 4))
def test_rounding_a_ratio_is_rounding_its_fraction(
    numerator: int, denominator: int, places: int
) -> None:
    """E-5: round_ratio on an unreduced ratio equals round_exact on the fraction, both modes."""
    from fractions import Fraction  # noqa: PLC0415

    for mode in ("half_up", "half_even"):
        from community_governance.numbers import RoundingMode  # noqa: PLC0415

        m = RoundingMode.coerce(mode)
        assert round_ratio(numerator * 3, denominator * 3, places, m) == round_exact(
            Fraction(numerator, denominator), places, m
        )


def test_integer_weights_peer_parts_and_totals_are_exact() -> None:
    """E-2, E-5: 1/6 each becomes 1 each; 10/40/50 becomes 1, 4, 5; the trimmed mean drops two."""
    rules = BASE.at(Q3.end)
    assert int_weights(rules.dimension_weights, tuple(Dimension)) == (1, 1, 1, 1, 1, 1)
    assert int_weights(rules.component_weights, tuple(Component)) == (1, 4, 5)
    assert peer_mean([(80, 1), (85, 1), (78, 1), (87, 1)], trim=True) == (165, 2)
    combined = combine(
        {"self": (90, 1), "peer": (165, 2), "public": (442, 5)},
        {"self": Fraction(1, 10), "peer": Fraction(4, 10), "public": Fraction(5, 10)},
        reweight=False,
    )
    assert combined is not None
    assert (combined.numerator, combined.denominator, combined.missing) == (8620, 100, ())


_PARTS = st.one_of(st.none(), st.tuples(st.integers(0, 10**6), st.integers(1, 10**4)))


@given(
    weights=st.fixed_dictionaries(
        {c: st.fractions(min_value=0, max_value=1, max_denominator=40) for c in Component}
    ),
    parts=st.fixed_dictionaries(dict.fromkeys(Component, _PARTS)),
    reweight=st.booleans(),
)
def test_combining_with_integer_weights_given_is_combining_without(
    *, weights: dict[Component, Fraction], parts: dict[Component, Any], reweight: bool
) -> None:
    """E-5: the integer weights a snapshot's ``UnitRules`` keep give what the weights give."""
    given_weights = combine(
        parts, weights, reweight=reweight, integer=int_weights(weights, tuple(weights))
    )
    assert given_weights == combine(parts, weights, reweight=reweight)


@given(st.sampled_from(VARIANTS))
def test_unit_rules_hold_the_snapshots_values(snapshot: PolicySnapshot) -> None:
    """E-3, E-5, E-6: what scoring reads once per snapshot is what the snapshot says."""
    rules = UnitRules.of(snapshot)
    assert rules.snapshot is snapshot
    for name in (
        "peer_min_raters",
        "peer_aggregation",
        "trim_min_raters",
        "missing_component",
        "component_weights",
        "rounding_places",
        "rounding_mode",
        "grade_basis",
    ):
        assert getattr(rules, name) == getattr(snapshot, name), name
    assert rules.grade_bands == tuple(snapshot.grade_bands)
    assert rules.band_minimums == tuple(band.minimum for band in snapshot.grade_bands)
    assert rules.component_integers == int_weights(snapshot.component_weights, tuple(Component))
    for band in snapshot.grade_bands:
        assert grade_at(band.minimum, rules) == grade_at(band.minimum, snapshot) == band.grade


@given(
    st.lists(st.fractions(min_value=0, max_value=100, max_denominator=12), min_size=1, max_size=60),
    st.integers(0, 500),
)
def test_precision_from_integer_moments_is_the_textbook_formula(
    scores: list[Any], extra: int
) -> None:
    """E-4: mean and s² from n, Σx and Σx² equal the mean and Σ(x - mean)²/(n - 1)."""
    from fractions import Fraction  # noqa: PLC0415

    from community_governance.evaluation import precision  # noqa: PLC0415

    result = precision(scores, len(scores) + extra, Fraction("1.959964"))
    mean = sum(scores, Fraction(0)) / len(scores)
    assert result.mean == mean
    if len(scores) > 1:
        expected = sum(((s - mean) ** 2 for s in scores), Fraction(0)) / (len(scores) - 1)
        assert result.variance == expected
    else:
        assert result.variance is None
