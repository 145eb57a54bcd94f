"""The final score: 10% self + 40% peers + 50% survey, exact, rounded once (E-5)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import example, given, strategies as st

from community_governance.errors import ExactnessError, MissingComponentError, ScoreOutOfRangeError
from community_governance.evaluation import final_score, peer_mean
from community_governance.numbers import RoundingMode, round_exact
from community_governance.policy import default_policy
from community_governance.vocabulary import Component
from tests.strategies import scale_scores

POLICY = default_policy()
RULES = POLICY.at(dt.date(2026, 9, 30))
components = st.tuples(
    scale_scores,
    st.lists(scale_scores, min_size=1, max_size=12),
    st.lists(scale_scores, min_size=1, max_size=30),
)


def test_the_worked_example() -> None:
    """E-5: self 90; peers 80, 85, 78, 87; survey mean 88.4 -> 86.20."""
    result = final_score(
        self_score="90", peer_scores=["80", "85", "78", "87"], public_scores=["88.4"], policy=RULES
    )
    assert result.components == {
        Component.SELF: 90,
        Component.PEER: Fraction(165, 2),
        Component.PUBLIC: Fraction(442, 5),
    }
    assert result.exact == Fraction(431, 5)
    assert result.reported == Decimal("86.20")
    assert str(result.reported) == "86.20"
    assert result.explanation.rules[0] == "E-5"
    # Every parameter read is cited, in the order read (the scale check included).
    assert [p.name for p in result.explanation.parameters] == [
        "evaluation.scale",
        "evaluation.peer.min_raters",
        "evaluation.peer.aggregation",
        "evaluation.weights",
        "rounding.places",
        "rounding.mode",
    ]


def test_the_weights_are_exactly_ten_forty_fifty() -> None:
    """E-5: weights are exactly 10/40/50 (not 0.1 as a float)."""
    assert RULES.component_weights == {
        Component.SELF: Fraction(1, 10),
        Component.PEER: Fraction(2, 5),
        Component.PUBLIC: Fraction(1, 2),
    }


@given(components)
def test_the_final_lies_between_the_smallest_and_largest_component(
    values: tuple[Decimal, list[Decimal], list[Decimal]],
) -> None:
    """E-5: the exact final is a convex combination of the three component means."""
    own, peers, public = values
    result = final_score(self_score=own, peer_scores=peers, public_scores=public, policy=RULES)
    means = [v for v in result.components.values() if v is not None]
    assert min(means) <= result.exact <= max(means)


@given(components, st.sampled_from(["self", "peer", "public"]), scale_scores)
def test_raising_a_component_never_lowers_the_final(
    values: tuple[Decimal, list[Decimal], list[Decimal]], which: str, bump: Decimal
) -> None:
    """E-5: monotone: raising any single score never lowers the final."""
    own, peers, public = values
    base = final_score(self_score=own, peer_scores=peers, public_scores=public, policy=RULES)
    if which == "self":
        own = max(own, bump)
    elif which == "peer":
        peers = [max(peers[0], bump), *peers[1:]]
    else:
        public = [max(public[0], bump), *public[1:]]
    raised = final_score(self_score=own, peer_scores=peers, public_scores=public, policy=RULES)
    assert raised.exact >= base.exact
    assert raised.reported >= base.reported


@given(components, st.randoms())
def test_peers_and_survey_answers_are_permutation_invariant(
    values: tuple[Decimal, list[Decimal], list[Decimal]], rnd: random.Random
) -> None:
    """E-5: the order of peer ratings and survey answers does not matter."""
    own, peers, public = values
    shuffled_peers, shuffled_public = list(peers), list(public)
    rnd.shuffle(shuffled_peers)
    rnd.shuffle(shuffled_public)
    a = final_score(self_score=own, peer_scores=peers, public_scores=public, policy=RULES)
    b = final_score(
        self_score=own, peer_scores=shuffled_peers, public_scores=shuffled_public, policy=RULES
    )
    assert (a.exact, a.reported) == (b.exact, b.reported)


@given(components)
def test_decimals_and_their_text_give_identical_results(
    values: tuple[Decimal, list[Decimal], list[Decimal]],
) -> None:
    """E-5: Decimal inputs and their string forms are the same exact numbers."""
    own, peers, public = values
    as_text = final_score(
        self_score=f"{own:f}",
        peer_scores=[f"{p:f}" for p in peers],
        public_scores=[f"{p:f}" for p in public],
        policy=RULES,
    )
    as_decimal = final_score(self_score=own, peer_scores=peers, public_scores=public, policy=RULES)
    assert as_text == as_decimal  # explanation included


@given(components, st.sampled_from(list(RoundingMode)))
@example(  # rounding the peer mean 84.335 first would report 83.99; rounding once gives 83.98
    (Decimal(80), [Decimal("84.33"), Decimal("84.34")], [Decimal("84.5")]),
    RoundingMode.HALF_UP,
)
def test_exactly_one_rounding_step(
    values: tuple[Decimal, list[Decimal], list[Decimal]], mode: RoundingMode
) -> None:
    """E-5: the reported score is the exact weighted sum rounded once; nothing before is rounded."""
    own, peers, public = values
    rules = POLICY.override({"rounding.mode": mode.code}).at(dt.date(2026, 9, 30))
    result = final_score(self_score=own, peer_scores=peers, public_scores=public, policy=rules)
    oracle = (
        Fraction(1, 10) * Fraction(own)
        + Fraction(2, 5) * sum(map(Fraction, peers), Fraction(0)) / len(peers)
        + Fraction(1, 2) * sum(map(Fraction, public), Fraction(0)) / len(public)
    )
    assert result.exact == oracle
    assert result.reported == round_exact(oracle, 2, mode)
    if (own, peers, public) == (
        Decimal(80),
        [Decimal("84.33"), Decimal("84.34")],
        [Decimal("84.5")],
    ):
        assert result.reported == Decimal("83.98")
    assert [s.text.en for s in result.explanation.steps].count("the one rounding step") == 1


def test_a_float_score_is_refused() -> None:
    """E-5: a float where a score belongs is a TypeError naming the field."""
    with pytest.raises(ExactnessError, match=r"peer_scores\[1\]"):
        final_score(self_score="90", peer_scores=["80", 85.0], public_scores=["88"], policy=RULES)  # type: ignore[list-item]
    with pytest.raises(ScoreOutOfRangeError, match="public_scores"):
        final_score(self_score="90", peer_scores=["80"], public_scores=["101"], policy=RULES)


def test_trimmed_mean_drops_one_highest_and_one_lowest_with_enough_raters() -> None:
    """E-5: trimmed mean only with at least trim_min_raters ratings; below it, the plain mean."""
    trimmed = POLICY.override(
        {"evaluation.peer.aggregation": "trimmed", "evaluation.peer.trim_min_raters": 5}
    ).at(dt.date(2026, 9, 30))
    assert peer_mean(["50", "80", "85", "78", "100"], trimmed) == Fraction(243, 3)
    assert peer_mean(["50", "80", "85", "100"], trimmed) == Fraction(315, 4)


def test_a_missing_component_raises_unless_the_policy_reweights() -> None:
    """E-5: no survey answers is an error by default; re-weighting is flagged in the explanation."""
    with pytest.raises(MissingComponentError, match="public-opinion survey") as caught:
        final_score(self_score="90", peer_scores=["80"], public_scores=[], policy=RULES, unit="U7")
    assert caught.value.field == "U7.public"
    reweighting = POLICY.override({"evaluation.missing_component": "reweight"}).at(
        dt.date(2026, 9, 30)
    )
    result = final_score(self_score="90", peer_scores=["80"], public_scores=[], policy=reweighting)
    assert result.reweighted
    assert "reweighted" in result.explanation.flags
    assert result.weights == {
        Component.SELF: Fraction(1, 5),
        Component.PEER: Fraction(4, 5),
        Component.PUBLIC: 0,
    }
    assert result.exact == Fraction(82)
    with pytest.raises(MissingComponentError):
        final_score(self_score=None, peer_scores=[], public_scores=[], policy=reweighting)
