"""Ids of a quarter's inputs and the community evaluated (E-1, E-2): one check, named.

A rating's rater and ratee are ids like any other: cleaned on construction (composed
form, no outer spaces), refused with their field and rule when they hide a character or
are not text. The evaluation refuses a community of no units, and unit ids that look
alike, as the policy's ``input.ids.lookalikes`` says.
"""

from __future__ import annotations

import warnings

import attrs
import pytest

from community_governance.community import Community, MemberUnit
from community_governance.errors import EligibilityError, ParseError
from community_governance.evaluation import (
    Rating,
    RatingBook,
    SamplingFrame,
    SurveyResponse,
    draw_sample,
    evaluate_quarter,
)
from community_governance.evaluation.unit_scoring import check_inputs
from community_governance.ids import LookalikeWarning
from community_governance.policy import default_policy
from community_governance.vocabulary import Dimension
from tests.evaluation.known_quarter import Q3, RULES

SCORES = dict.fromkeys(Dimension, "90")


@pytest.mark.parametrize("field", ["rater", "ratee"])
@pytest.mark.parametrize("bad", ["", "  ", "A\u200b", "A\nB", 7])
def test_a_rating_s_ids_are_refused_naming_the_field(field: str, bad: object) -> None:
    """E-2: empty, hidden characters, not text: ParseError naming rater or ratee, E-2."""
    ids = {"rater": "A", "ratee": "B"} | {field: bad}
    with pytest.raises(ParseError) as refused:
        Rating(ids["rater"], ids["ratee"], Q3, "peer", SCORES)
    assert (refused.value.field, refused.value.rule) == (field, "E-2")


def test_a_rating_s_ids_are_read_composed_and_trimmed() -> None:
    """E-2: "Cafe" with a combining accent is the composed id; outer spaces are dropped."""
    rating = Rating(" Cafe\u0301 ", "B ", Q3, "peer", SCORES)
    assert (rating.rater, rating.ratee) == ("Caf\u00e9", "B")


def test_a_community_of_no_units_is_not_evaluated() -> None:
    """E-1: no member units: an EligibilityError naming community.units, nothing scored."""
    community = Community("c1", "c1", [])
    with pytest.raises(EligibilityError) as refused:
        evaluate_quarter(community, Q3, RatingBook(community, Q3), None)
    assert (refused.value.field, refused.value.rule) == ("community.units", "E-1")
    assert "c1" in refused.value.message
    assert "c1" in refused.value.message_in("zh")


#: Unit A, and a unit whose id is a Cyrillic A.
TWINS = Community("c1", "c1", [MemberUnit(u, u, "co_building_unit") for u in ("A", "\u0410")])


def test_look_alike_unit_ids_are_refused_as_the_policy_says() -> None:
    """E-1: under the default policy (error), the evaluation refuses before scoring."""
    with pytest.raises(ParseError, match="look alike") as refused:
        evaluate_quarter(TWINS, Q3, RatingBook(TWINS, Q3), None)
    assert (refused.value.field, refused.value.rule) == ("community.units", "E-1")


def test_look_alike_unit_ids_are_warned_about_where_the_policy_says_warn() -> None:
    """E-1: under warn, the inputs pass their check with a warning naming the field."""
    warn = default_policy().override({"input.ids.lookalikes": "warn"}).at(Q3.end)
    with pytest.warns(LookalikeWarning, match=r"community\.units.*\[E-1\]"):
        check_inputs(TWINS, Q3, RatingBook(TWINS, Q3), None, Q3.end, snapshot=warn)
    plain = Community("c1", "c1", [MemberUnit(u, u, "co_building_unit") for u in ("A", "B")])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_inputs(plain, Q3, RatingBook(plain, Q3), None, Q3.end, snapshot=warn)


@pytest.mark.parametrize(("field", "bad"), [("household", "H\u200b1"), ("project", "P\n1")])
def test_a_survey_answer_s_ids_are_refused_naming_the_field(field: str, bad: str) -> None:
    """E-4: an answer's household and project are ids, refused with their field and E-4."""
    ids = {"household": "H1", "project": "P1"} | {field: bad}
    with pytest.raises(ParseError) as refused:
        SurveyResponse(ids["household"], ids["project"], "satisfied")
    assert (refused.value.field, refused.value.rule) == (field, "E-4")


def test_a_certificate_s_sample_and_replacements_are_ids() -> None:
    """E-4: a sampled household hiding a character is refused, naming certificate.sample."""
    drawn = draw_sample(SamplingFrame(["H1", "H2", "H3"]), 1, RULES, seed_source="dice")
    with pytest.raises(ParseError) as refused:
        attrs.evolve(drawn, sample=("H1", "H\u200b2"))
    assert (refused.value.field, refused.value.rule) == ("certificate.sample", "E-4")
    with pytest.raises(ParseError) as pair:
        attrs.evolve(drawn, replacements=[("H1", "H\x002")])
    assert (pair.value.field, pair.value.rule) == ("replacements", "E-4")
    assert attrs.evolve(drawn, sample=(" H1 ", "H2", "H3")).sample == ("H1", "H2", "H3")


LOOKALIKE_FRAME = SamplingFrame(["A12", "\u041012", "B7"])


def test_a_frame_of_look_alikes_is_not_drawn_from() -> None:
    """E-4: under the default policy the draw refuses, naming frame.households and E-4."""
    with pytest.raises(ParseError, match="look alike") as refused:
        draw_sample(LOOKALIKE_FRAME, 1, RULES, seed_source="dice")
    assert (refused.value.field, refused.value.rule) == ("frame.households", "E-4")


def test_a_draw_warned_about_look_alikes_cites_the_parameter() -> None:
    """E-4: under warn the draw goes on, citing input.ids.lookalikes.

    A frame of plain ids never reads the parameter, so its draw does not cite it.
    """
    warn = default_policy().override({"input.ids.lookalikes": "warn"}).at(Q3.end)
    with pytest.warns(LookalikeWarning, match=r"frame\.households.*\[E-4\]"):
        drawn = draw_sample(LOOKALIKE_FRAME, 1, warn, seed_source="dice")
    assert drawn.explanation is not None
    assert "input.ids.lookalikes" in {p.name for p in drawn.explanation.parameters}
    plain = draw_sample(SamplingFrame(["A12", "B7"]), 1, warn, seed_source="dice")
    assert plain.explanation is not None
    assert "input.ids.lookalikes" not in {p.name for p in plain.explanation.parameters}
