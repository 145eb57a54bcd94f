"""Self and peer ratings on six dimensions (E-2, E-3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from community_governance.community import Community, MemberUnit, Quarter
from community_governance.errors import (
    DuplicateRatingError,
    EligibilityError,
    ExactnessError,
    ForeignSelfRatingError,
    PeerRatesItselfError,
    ScoreOutOfRangeError,
    UnknownUnitError,
)
from community_governance.evaluation import Rating, RatingBook, rating_score
from community_governance.policy import default_policy
from community_governance.vocabulary import Component, Dimension
from tests.strategies import communities, dimension_scores, ratings_for

RULES = default_policy().at(dt.date(2026, 9, 30))
Q3 = Quarter(2026, 3)
UNITS = Community(
    "C-1",
    "Demo",
    [MemberUnit(f"U{i}", f"Unit {i}", "co_building_unit") for i in range(1, 4)],
)
ALL_80 = dict.fromkeys(Dimension, Decimal(80))


@given(dimension_scores())
def test_a_rating_score_lies_within_its_rated_dimensions(
    scores: dict[Dimension, Decimal | None],
) -> None:
    """E-2: the weighted mean lies between the lowest and highest rated dimension."""
    rating = Rating("U1", "U2", Q3, Component.PEER, scores)
    rated = [Fraction(v) for v in scores.values() if v is not None]
    assert min(rated) <= rating_score(rating, RULES) <= max(rated)


@given(dimension_scores(), st.sampled_from(list(Dimension)))
def test_unable_to_rate_is_left_out_not_counted_as_zero(
    scores: dict[Dimension, Decimal | None], dimension: Dimension
) -> None:
    """E-2: marking a dimension 'unable to rate' equals omitting it; it never counts as zero."""
    rated = {d: v for d, v in scores.items() if v is not None}
    with_none = Rating(
        "U1", "U2", Q3, "peer", {**rated, **dict.fromkeys(set(Dimension) - set(rated))}
    )
    assert rating_score(with_none, RULES) == rating_score(
        Rating("U1", "U2", Q3, "peer", rated), RULES
    )
    if scores.get(dimension) is None and rated:
        assert with_none.scores[dimension] is None


def test_equal_weights_make_the_rating_score_the_plain_mean() -> None:
    """E-2: with six equal weights, a full rating's score is the mean of its six scores."""
    scores = dict(zip(Dimension, ["90", "80", "70", "60", "85", "95"], strict=True))
    assert rating_score(Rating("U1", "U1", Q3, "self", scores), RULES) == Fraction(480, 6)


def test_each_eligibility_violation_raises_its_own_error() -> None:
    """E-3: peer-rating oneself, self-rating another, a double, an unknown unit, a bad score."""
    with pytest.raises(PeerRatesItselfError, match="cannot peer-rate itself"):
        Rating("U1", "U1", Q3, "peer", ALL_80)
    with pytest.raises(ForeignSelfRatingError, match="cannot self-rate"):
        Rating("U1", "U2", Q3, "self", ALL_80)
    with pytest.raises(ExactnessError, match=r"scores\.service_attitude"):
        Rating("U1", "U2", Q3, "peer", {Dimension.SERVICE_ATTITUDE: 80.0})
    book = RatingBook(UNITS, Q3).record(Rating("U1", "U2", Q3, "peer", ALL_80), RULES)
    with pytest.raises(DuplicateRatingError, match="replace"):
        book.record(Rating("U1", "U2", Q3, "peer", ALL_80), RULES)
    with pytest.raises(UnknownUnitError, match="U9"):
        book.record(Rating("U9", "U2", Q3, "peer", ALL_80), RULES)
    with pytest.raises(ScoreOutOfRangeError, match=r"scores\.task_completion"):
        book.record(Rating("U2", "U3", Q3, "peer", {Dimension.TASK_COMPLETION: "100.5"}), RULES)
    with pytest.raises(EligibilityError, match="2026Q2"):
        book.record(Rating("U2", "U3", "2026Q2", "peer", ALL_80), RULES)
    assert len(book.current) == 1
    assert len(book.history) == 1


def test_a_correction_replaces_and_keeps_the_original_in_history() -> None:
    """E-3: replace() needs a reason and an existing rating; the original stays in history."""
    first = Rating("U1", "U2", Q3, "peer", ALL_80)
    corrected = Rating("U1", "U2", Q3, "peer", dict.fromkeys(Dimension, Decimal(85)))
    book = RatingBook(UNITS, Q3).record(first, RULES)
    fixed = book.replace(corrected, reason="score sheet misread", policy=RULES)
    assert fixed.current[("U1", "U2")] is corrected
    assert fixed.history[-1].replaces is first
    assert fixed.history[-1].reason == "score sheet misread"
    assert book.current[("U1", "U2")] is first  # the old book is unchanged
    with pytest.raises(EligibilityError, match="reason"):
        book.replace(corrected, reason=" ", policy=RULES)
    with pytest.raises(EligibilityError, match="record it instead"):
        RatingBook(UNITS, Q3).replace(corrected, reason="x", policy=RULES)


@given(communities(), st.data())
def test_record_all_is_all_or_nothing(community: Community, data: st.DataObject) -> None:
    """E-3: recording a batch with one bad rating raises and keeps nothing of the batch."""
    ratings = data.draw(ratings_for(community, Q3))
    book = RatingBook(community, Q3).record_all(ratings, RULES)
    assert len(book.current) == len(ratings)
    if ratings:
        with pytest.raises(DuplicateRatingError):
            book.record_all([ratings[0]], RULES)
    assert len(book.current) == len(ratings)
    for unit in community.unit_ids:
        assert all(r.rater != unit for r in book.peer_ratings(unit))
