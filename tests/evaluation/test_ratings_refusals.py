"""Every refusal of a rating, a rating book and a quarter's evaluation, and the book's memory.

E-1, E-2, E-3: each error is checked for its class, ``field``, ``rule`` and the words that
tell a person what to do. A book keeps each rating's integer columns and score from when it
was recorded; evaluating or correcting it under another policy (other dimension weights,
another number of places) must give what a book recorded under that policy gives.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from fractions import Fraction

import pytest

from community_governance.community import Community, Quarter
from community_governance.errors import (
    DuplicateRatingError,
    EligibilityError,
    ExactnessError,
    ForeignSelfRatingError,
    GovernanceError,
    ParseError,
    PeerRatesItselfError,
    ScoreOutOfRangeError,
    UnknownLabelError,
    UnknownUnitError,
)
from community_governance.evaluation import (
    Rating,
    RatingBook,
    evaluate_quarter,
    rating_score,
)
from community_governance.evaluation.ratings import on_scale
from community_governance.explain import ExplanationBuilder, Text
from community_governance.policy import Policy, default_policy
from community_governance.vocabulary import Dimension
from tests.evaluation.known_quarter import COMMUNITY, Q3, rich_quarter, scores


def _service_weighing(service: str, each_other: str) -> dict[str, str]:
    """Dimension weights: service attitude's, and one weight for each of the five others."""
    return {d.code: service if d is Dimension.SERVICE_ATTITUDE else each_other for d in Dimension}


POLICY = default_policy()
RULES = POLICY.at(Q3.end)
ALL_80 = dict.fromkeys(Dimension, 80)


@pytest.mark.parametrize(
    ("arguments", "error", "field", "rule", "words"),
    [
        (("A", "A", "peer", ALL_80), PeerRatesItselfError, "rater", "E-3", "peer-rate itself"),
        (("A", "B", "self", ALL_80), ForeignSelfRatingError, "ratee", "E-3", "cannot self-rate"),
        (
            ("A", "B", "peer", dict.fromkeys(Dimension)),
            ParseError,
            "scores",
            "E-2",
            "at least one dimension",
        ),
        (("A", "B", "peer", [80] * 6), ParseError, "scores", "E-2", "a mapping"),
        (
            ("A", "B", "peer", {"service_attitude": 80.5}),
            ExactnessError,
            "scores.service_attitude",
            "E-2",
            "float",
        ),
        (
            ("A", "B", "peer", {"sense_of_humour": 80}),
            UnknownLabelError,
            None,
            "vocabulary",
            "sense_of_humour",
        ),
        (("A", "B", "neither", ALL_80), UnknownLabelError, None, "vocabulary", "neither"),
    ],
)
def test_a_bad_rating_is_refused_naming_its_field_and_rule(
    arguments: tuple[str, str, str, object],
    error: type[GovernanceError],
    field: str | None,
    rule: str,
    words: str,
) -> None:
    """E-2, E-3: a peer rating of oneself, a self-rating of another, nothing rated, bad scores."""
    rater, ratee, kind, given = arguments
    with pytest.raises(error, match=words) as raised:
        Rating(rater, ratee, Q3, kind, given)  # type: ignore[arg-type]
    assert raised.value.rule == rule
    if field is not None:
        assert raised.value.field == field


def test_scores_are_kept_in_dimension_order_with_unable_to_rate_as_none() -> None:
    """E-2: labels in either language; unable-to-rate kept as None, not as zero."""
    rating = Rating("A", "B", Q3, "peer", {"服务态度": "80", "task_completion": None})
    assert dict(rating.scores) == {
        Dimension.SERVICE_ATTITUDE: Decimal(80),
        Dimension.TASK_COMPLETION: None,
    }
    assert rating.rated == (Dimension.SERVICE_ATTITUDE,)
    assert rating.key == ("A", "B")


@pytest.mark.parametrize(
    ("rating", "error", "field", "rule", "words"),
    [
        (
            Rating("A", "B", Quarter(2026, 2), "peer", ALL_80),
            EligibilityError,
            "quarter",
            "E-1",
            "2026Q2",
        ),
        (Rating("Z", "B", Q3, "peer", ALL_80), UnknownUnitError, "rater", "E-3", "'Z'"),
        (Rating("A", "Z", Q3, "peer", ALL_80), UnknownUnitError, "ratee", "E-3", "'Z'"),
        (
            Rating("A", "B", Q3, "peer", {"service_attitude": 101}),
            ScoreOutOfRangeError,
            "scores.service_attitude",
            "E-2",
            "A's rating of B",
        ),
        (
            Rating("A", "B", Q3, "peer", {"service_attitude": "80.125"}),
            ScoreOutOfRangeError,
            "scores.service_attitude",
            "E-2",
            "A's rating of B",
        ),
    ],
)
def test_the_book_refuses_what_is_not_this_quarters_members_on_the_scale(
    rating: Rating, error: type[GovernanceError], field: str, rule: str, words: str
) -> None:
    """E-1, E-2, E-3: another quarter, a stranger, a score off the scale or too fine."""
    book = RatingBook(COMMUNITY, Q3)
    with pytest.raises(error, match=words) as raised:
        book.record(rating, RULES)
    assert (raised.value.field, raised.value.rule) == (field, rule)
    with pytest.raises(error):
        book.record_all([Rating("C", "D", Q3, "peer", ALL_80), rating], RULES)
    assert book.current == {}


def test_a_second_rating_is_refused_and_a_correction_needs_a_reason_and_a_first() -> None:
    """E-3: duplicates are refused; a replacement names its reason and has something to replace."""
    book = RatingBook(COMMUNITY, Q3).record(Rating("A", "B", Q3, "peer", ALL_80), RULES)
    again = Rating("A", "B", Q3, "peer", dict.fromkeys(Dimension, 70))
    with pytest.raises(DuplicateRatingError, match="states a reason") as duplicate:
        book.record(again, RULES)
    assert (duplicate.value.field, duplicate.value.rule) == ("rating", "E-3")
    for reason in ("", "  ", None):
        with pytest.raises(EligibilityError, match="needs a reason") as blank:
            book.replace(again, reason=reason, policy=RULES)  # type: ignore[arg-type]
        assert (blank.value.field, blank.value.rule) == ("reason", "E-3")
    first = Rating("B", "A", Q3, "peer", ALL_80)
    with pytest.raises(EligibilityError, match="record it instead") as nothing:
        book.replace(first, reason="typo", policy=RULES)
    assert (nothing.value.field, nothing.value.rule) == ("rating", "E-3")
    corrected = book.replace(again, reason="typo", policy=RULES)
    assert corrected.current[("A", "B")] is again
    assert corrected.history[-1].replaces == Rating("A", "B", Q3, "peer", ALL_80)
    assert corrected.history[-1].reason == "typo"
    assert corrected.peer_ratings("B") == (again,)
    assert corrected.self_rating("B") is None


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"at": dt.date(2026, 9, 29)}, "at", r"after it ends \(2026-09-30\), not on 2026-09-29"),
        ({"quarter": Quarter(2026, 4)}, "quarter", "ratings and survey must be for 2026Q4"),
        ({"community": "elsewhere"}, "ratings.community", "the ratings are of community lianhua"),
    ],
)
def test_an_evaluation_refuses_an_early_date_or_inputs_of_another_quarter_or_community(
    change: dict[str, object], field: str, words: str
) -> None:
    """E-1: evaluated after the quarter ends, on its own quarter's and community's inputs."""
    book = RatingBook(COMMUNITY, Q3).record(Rating("A", "B", Q3, "peer", ALL_80), RULES)
    community = COMMUNITY
    if "community" in change:
        community = Community("elsewhere", "Elsewhere", list(COMMUNITY.units))
    quarter = change.get("quarter", Q3)
    at = change.get("at", dt.date(2027, 1, 5))
    with pytest.raises(EligibilityError, match=words) as raised:
        evaluate_quarter(community, quarter, book, None, policy=POLICY, at=at)  # type: ignore[arg-type]
    assert (raised.value.field, raised.value.rule) == (field, "E-1")


def _book(policy: object) -> RatingBook:
    return RatingBook(COMMUNITY, Q3).record_all(
        [
            Rating(a, b, Q3, "self" if a == b else "peer", scores(a, b))
            for a, b in itertools.product("ABCD", repeat=2)
        ],
        policy,  # type: ignore[arg-type]
    )


SKEWED_POLICY = POLICY.override({"evaluation.dimension_weights": _service_weighing("1/2", "1/10")})
SKEWED = SKEWED_POLICY.at(Q3.end)
FINER_POLICY = POLICY.override({"evaluation.scale": {"min": "0", "max": "100", "places": 3}})
FINER = FINER_POLICY.at(Q3.end)


@pytest.mark.parametrize(
    "later_policy", [SKEWED_POLICY, FINER_POLICY], ids=["other-weights", "other-places"]
)
def test_a_book_read_under_another_policy_is_read_afresh(later_policy: Policy) -> None:
    """E-2: kept columns and scores are used only under the policy they were kept for."""
    later = later_policy.at(Q3.end)
    kept = _book(RULES)
    fresh = _book(later)
    assert kept.units(3) == fresh.units(3)
    for key, rating in kept.current.items():
        assert rating_score(rating, later) == rating_score(fresh.current[key], later)
    again = Rating("A", "D", Q3, "peer", {**scores("A", "D"), Dimension.SERVICE_ATTITUDE: 90})
    corrected_kept = kept.replace(again, reason="recount", policy=later)
    corrected_fresh = fresh.replace(again, reason="recount", policy=later)
    assert corrected_kept.current == corrected_fresh.current
    assert corrected_kept.units(3) == corrected_fresh.units(3)
    assert corrected_kept.history[-1].rating is again
    # What the corrected book gives in an evaluation under the later policy, where both
    # books now keep columns and scores for it.
    lenient = later_policy.override({"evaluation.missing_component": "reweight"}).at(Q3.end)
    for corrected in (corrected_kept, corrected_fresh):
        result = evaluate_quarter(COMMUNITY, Q3, corrected, None, policy=lenient, at=Q3.end)
        assert (
            result.rows()
            == evaluate_quarter(
                COMMUNITY,
                Q3,
                _book(lenient).replace(again, reason="recount", policy=lenient),
                None,
                policy=lenient,
                at=Q3.end,
            ).rows()
        )
    late = Rating("A", "B", Q3, "peer", ALL_80)
    emptied = (
        RatingBook(COMMUNITY, Q3)
        .record(late, RULES)
        .record(
            Rating("B", "A", Q3, "peer", ALL_80),
            later,
        )
    )
    assert emptied.units(3)[("A", "B")] == (80_000,) * 6


def test_the_quarter_is_the_same_whichever_policy_recorded_the_book() -> None:
    """E-2, E-5: under skewed weights, a book recorded under either gives the known answer."""
    # D's peers: A 51.6; B, without task completion, 47/0.9 = 470/9; C 48.6: mean 6859/135.
    # Final: 0.1 x 51.6 + 0.4 x 6859/135 + 0.5 x 60 = 37451/675.
    for recorded_under in (RULES, SKEWED):
        result = rich_quarter(SKEWED, recorded_under=recorded_under)
        d = result.scorecard("D")
        assert d.peer_mean == Fraction(6859, 135)
        assert d.final.exact == Fraction(37451, 675)
        assert [row["final"] for row in result.rows()] == [
            row["final"] for row in rich_quarter(SKEWED).rows()
        ]


def test_units_of_a_finer_scale_are_scaled_exactly() -> None:
    """E-2: 80.5 is 805 tenths or 80,500 thousandths; 80.125 does not fit one place."""
    one_place = POLICY.override({"evaluation.scale": {"min": "0", "max": "100", "places": 1}})
    book = RatingBook(COMMUNITY, Q3).record(
        Rating("A", "B", Q3, "peer", {"service_attitude": "80.5"}), one_place, at=Q3.end
    )
    assert book.units(1)[("A", "B")] == (805, None, None, None, None, None)
    assert book.units(3)[("A", "B")] == (80_500, None, None, None, None, None)
    assert book.recorded_units(one_place.at(Q3.end).score_range) is not None
    assert book.recorded_units(RULES.score_range) is None
    with pytest.raises(ScoreOutOfRangeError, match=r"A.s rating of B: score 80\.5") as finer:
        book.units(0)
    assert (finer.value.field, finer.value.rule) == ("scores.service_attitude", "E-2")


def test_a_rating_of_only_weightless_dimensions_is_refused_naming_rater_and_ratee() -> None:
    """E-2: with service attitude weighing nothing, a rating of it alone has no score."""
    weightless = POLICY.override(
        {
            "evaluation.dimension_weights": _service_weighing("0", "1/5"),
            "evaluation.missing_component": "reweight",
        }
    ).at(Q3.end)
    only = Rating("A", "B", Q3, "peer", {"service_attitude": 80})
    with pytest.raises(ScoreOutOfRangeError, match="A's rating of B scores only") as raised:
        rating_score(only, weightless)
    assert (raised.value.field, raised.value.rule) == ("scores", "E-2")
    selves = [Rating(u, u, Q3, "self", {"professional_level": 80}) for u in "ABCD"]
    book = RatingBook(COMMUNITY, Q3).record_all([only, *selves], weightless)
    with pytest.raises(ScoreOutOfRangeError, match="A's rating of B scores only") as evaluated:
        evaluate_quarter(COMMUNITY, Q3, book, None, policy=weightless, at=Q3.end)
    assert (evaluated.value.field, evaluated.value.rule) == ("scores", "E-2")
    own = Rating("A", "A", Q3, "self", {"service_attitude": 80})
    peers = [Rating(u, "A", Q3, "peer", {"professional_level": 80}) for u in "BCD"]
    alone = RatingBook(COMMUNITY, Q3).record_all([own, *peers], weightless)
    with pytest.raises(ScoreOutOfRangeError, match="A's rating of A scores only") as itself:
        evaluate_quarter(COMMUNITY, Q3, alone, None, policy=weightless, at=Q3.end)
    assert (itself.value.field, itself.value.rule) == ("scores", "E-2")


def test_a_score_checked_on_the_scale_names_whose_it_is_when_told() -> None:
    """E-2: out of the scale, or finer than its places; with or without the rating named."""
    with pytest.raises(ScoreOutOfRangeError) as bare:
        on_scale(Decimal(101), RULES.score_range, field="score")
    assert str(bare.value) == "score: 101 is outside the scale 0..100 [E-2]"
    assert bare.value.said("zh") == "score: 101 超出量表范围 0..100 [E-2]"
    with pytest.raises(ScoreOutOfRangeError) as named:
        on_scale(Decimal("80.125"), RULES.score_range, field="s", who=("A", "B"))
    assert str(named.value) == (
        "s: A's rating of B: score 80.125 has more decimal places than the scale's 2 [E-2]"
    )
    assert (
        named.value.said("zh") == "s: A 对 B 的评分：分数 80.125 的小数位多于量表规定的 2 位 [E-2]"
    )


def test_the_book_reads_the_policy_on_the_day_given() -> None:
    """E-2: a scale of three places from 1 October accepts 80.125 on that day, not before."""
    finer_from_october = POLICY.override(
        {
            "evaluation.scale": {
                "value": {"min": "0", "max": "100", "places": 3},
                "valid_from": "2026-10-01",
            }
        }
    )
    fine = Rating("A", "B", Q3, "peer", {"service_attitude": "80.125"})
    october = dt.date(2026, 10, 1)
    book = RatingBook(COMMUNITY, Q3)
    with pytest.raises(ScoreOutOfRangeError, match="more decimal places"):
        book.record(fine, finer_from_october)
    with pytest.raises(ScoreOutOfRangeError):
        book.record_all([fine], finer_from_october)
    recorded = book.record(fine, finer_from_october, at=october)
    assert recorded.units(3)[("A", "B")][0] == 80_125
    assert book.record_all([fine], finer_from_october, at=october).current == recorded.current
    coarse = book.record(Rating("A", "B", Q3, "peer", {"service_attitude": "80"}), RULES)
    with pytest.raises(ScoreOutOfRangeError):
        coarse.replace(fine, reason="finer", policy=finer_from_october)
    assert (
        coarse.replace(fine, reason="finer", policy=finer_from_october, at=october).current[
            ("A", "B")
        ]
        is fine
    )
    assert coarse.replace(fine, reason="finer", policy=FINER).current[("A", "B")] is fine


def test_a_ratings_score_reads_the_weights_on_the_day_and_says_so() -> None:
    """E-2: weights that change on 1 October are read on the day given, and recorded."""
    skewed_from_october = POLICY.override(
        {
            "evaluation.dimension_weights": {
                "value": _service_weighing("1/2", "1/10"),
                "valid_from": "2026-10-01",
            }
        }
    )
    rating = Rating("A", "B", Q3, "peer", {"service_attitude": 90, "task_completion": 60})
    assert rating_score(rating, skewed_from_october, at=Q3.end) == 75
    builder = ExplanationBuilder(Text("t", "t"))
    # (1/2 x 90 + 1/10 x 60) / (6/10) = 85
    assert rating_score(rating, skewed_from_october, at=dt.date(2026, 10, 1), builder=builder) == 85
    assert [(p.name, p.valid_from) for p in builder.parameters] == [
        ("evaluation.dimension_weights", dt.date(2026, 10, 1))
    ]


def test_a_single_dimension_weighing_everything_scores_a_full_rating() -> None:
    """E-2: with service attitude the only weight, a fully rated rating scores its service."""
    only_service = POLICY.override(
        {
            "evaluation.dimension_weights": _service_weighing("1", "0"),
            "evaluation.missing_component": "reweight",
        }
    ).at(Q3.end)
    full = Rating(
        "A", "B", Q3, "peer", {**dict.fromkeys(Dimension, 50), Dimension.SERVICE_ATTITUDE: 90}
    )
    assert rating_score(full, only_service) == 90
    book = RatingBook(COMMUNITY, Q3).record(full, only_service)
    selves = [Rating(u, u, Q3, "self", ALL_80) for u in "ABCD"]
    result = evaluate_quarter(
        COMMUNITY, Q3, book.record_all(selves, only_service), None, policy=only_service, at=Q3.end
    )
    assert result.scorecard("B").peer_mean == 90
