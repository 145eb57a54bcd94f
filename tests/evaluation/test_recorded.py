"""What books and surveys keep at recording equals what the rules compute afresh (E-2..E-4).

A rating book keeps each rating's score under the dimension weights it was recorded with,
and a survey counts its answers by project and code as they are recorded; per-dimension
peer means are computed when read. Each must equal the value computed from the inputs, through
records, corrections and replacements, and under a policy with other weights.
"""

from __future__ import annotations

import copy
import pickle
from collections import Counter
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from community_governance import default_policy
from community_governance.evaluation import Rating, RatingBook, evaluate_quarter
from community_governance.evaluation.kernel import int_weights, rating_ratio
from community_governance.frozen import FrozenMap, LazyMap
from community_governance.policy.schema import PolicySnapshot
from community_governance.vocabulary import Component, Dimension
from tests.strategies import Q3, quarter_cases

_DIMENSIONS = tuple(Dimension)


def _afresh(book: RatingBook, weights: tuple[int, ...], unit: int) -> dict[Any, Any]:
    columns = book.units(2)
    return {key: rating_ratio(columns[key], weights, unit) for key in book.current}


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(quarter_cases(), st.data())
def test_kept_rating_scores_equal_scores_computed_afresh(quarter: Any, data: Any) -> None:
    """E-2: the kept scores are the rules' scores, also after a correction."""
    _, book, _, policy = quarter
    snapshot = policy if isinstance(policy, PolicySnapshot) else policy.at(Q3.end)
    weights = int_weights(snapshot.dimension_weights, _DIMENSIONS)
    kept = book.recorded_ratios(snapshot.score_range, weights)
    assert kept is not None
    assert dict(kept) == _afresh(book, weights, snapshot.score_range.unit)
    if not book.current:
        return
    rating = data.draw(st.sampled_from(sorted(book.current.values(), key=lambda r: r.key)))
    corrected = Rating(
        rating.rater,
        rating.ratee,
        Q3,
        rating.kind,
        dict.fromkeys(Dimension, data.draw(st.sampled_from(["60", "75.5", "100"]))),
    )
    fixed = book.replace(corrected, reason="typo", policy=policy)
    kept = fixed.recorded_ratios(snapshot.score_range, weights)
    assert kept is not None
    assert dict(kept) == _afresh(fixed, weights, snapshot.score_range.unit)
    other = tuple(w + 1 for w in weights)
    assert fixed.recorded_ratios(snapshot.score_range, other) is None


def test_other_weights_at_evaluation_give_the_rules_result() -> None:
    """E-2: a book recorded under one set of weights, evaluated under another."""
    from community_governance.demo import demo_quarter  # noqa: PLC0415

    demo = demo_quarter()
    halves = {Dimension.SERVICE_ATTITUDE, Dimension.PUBLIC_SATISFACTION}
    weights = {d.code: "1/2" if d in halves else "0" for d in Dimension}
    tilted = default_policy().override({"evaluation.dimension_weights": weights})
    result = evaluate_quarter(demo.community, Q3, demo.ratings, demo.survey, policy=tilted)
    for card in result.scorecards:
        own = demo.ratings.self_rating(card.unit_id)
        if own is None:
            continue
        scores = [
            own.scores.get(d) for d in (Dimension.SERVICE_ATTITUDE, Dimension.PUBLIC_SATISFACTION)
        ]
        rated = [Fraction(s) for s in scores if s is not None]
        assert card.final.components[Component.SELF] == sum(rated) / len(rated)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(quarter_cases())
def test_answer_counts_are_the_recorded_answers_counted(quarter: Any) -> None:
    """E-4: a survey's counts by project and code are its responses counted, kept on copy."""
    survey = quarter[2]
    if survey is None:
        return
    expected: dict[str, Counter[str]] = {}
    for response in survey.responses:
        expected.setdefault(response.project, Counter())[response.answer] += 1
    assert {p: dict(c) for p, c in survey.answer_counts.items()} == {
        p: dict(c) for p, c in expected.items()
    }
    assert pickle.loads(pickle.dumps(survey)).answer_counts == survey.answer_counts  # noqa: S301
    assert copy.deepcopy(survey).answer_counts == survey.answer_counts


def test_a_lazy_map_is_computed_once_and_cannot_be_changed() -> None:
    """E-2: per-dimension means computed when read, once, read-only, pickled as a FrozenMap."""
    calls: list[int] = []

    def compute() -> dict[str, int]:
        calls.append(1)
        return {"a": 1, "b": 2}

    lazy: LazyMap[str, int] = LazyMap(compute)
    assert calls == []
    assert lazy["a"] == 1
    assert lazy == {"a": 1, "b": 2}
    assert dict(lazy) == {"a": 1, "b": 2}
    assert len(calls) == 1
    with pytest.raises(AttributeError):
        lazy.extra = 1
    restored = pickle.loads(pickle.dumps(lazy))  # noqa: S301 - the test's own object
    assert isinstance(restored, FrozenMap)
    assert restored == lazy


def test_frozen_map_views_do_not_change_it() -> None:
    """E-2: the views a FrozenMap hands out are read-only."""
    frozen = FrozenMap({"a": 1})
    with pytest.raises(TypeError):
        frozen.items().mapping["b"] = 2  # type: ignore[attr-defined]
    assert dict(frozen.items()) == {"a": 1}
    assert list(frozen.keys()) == ["a"]
    assert list(frozen.values()) == [1]
    assert frozen.get("z", 0) == 0
