"""Exchanged documents: export, import, equal; JSON Schema; refusals (C-3, E-1..E-6, R-2)."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from community_governance.demo import demo_quarter, run_demo
from community_governance.errors import ParseError
from community_governance.policy.model import policy_from_document
from community_governance.rectification import (
    AnswerDemand,
    CorrectionDemand,
    Extend,
    SignOff,
    StartRectifying,
    Submit,
    Supervise,
    Verify,
    apply,
)
from community_governance.rectification.events import Event
from community_governance.schemas import (
    DOCUMENTS,
    CaseDoc,
    CertificateDoc,
    CommunityDoc,
    FrameDoc,
    MeetingDoc,
    PolicyDoc,
    QuarterResultDoc,
    RatingsDoc,
    SurveyDoc,
    json_schema,
    load_document,
)

DEMO = demo_quarter(127)
OUTCOME = run_demo(DEMO)
RULES = DEMO.policy.at(DEMO.quarter.end)


def _again(doc: object) -> object:
    """Export to JSON text and import it back as the same document type."""
    text = doc.model_dump_json()  # type: ignore[attr-defined]
    return type(doc).model_validate_json(text)  # type: ignore[attr-defined]


def test_community_frame_and_certificate_round_trip() -> None:
    """E-1, E-4: export -> import -> equal."""
    assert _again(CommunityDoc.from_domain(DEMO.community)).to_domain() == DEMO.community  # type: ignore[attr-defined]
    assert _again(FrameDoc.from_domain(DEMO.frame)).to_domain() == DEMO.frame  # type: ignore[attr-defined]
    certificate = DEMO.survey.certificate
    assert _again(CertificateDoc.from_domain(certificate)).to_domain() == certificate  # type: ignore[attr-defined]


def test_ratings_and_survey_round_trip_with_every_rule_rechecked() -> None:
    """E-2, E-3, E-4: ratings (with a correction) and the survey come back equal."""
    book = DEMO.ratings
    first = next(iter(book.current.values()))
    book = book.replace(first, reason="re-entered", policy=RULES)
    assert _again(RatingsDoc.from_domain(book)).to_domain(RULES) == book  # type: ignore[attr-defined]
    assert _again(SurveyDoc.from_domain(DEMO.survey)).to_domain(RULES) == DEMO.survey  # type: ignore[attr-defined]


def test_meeting_round_trip() -> None:
    """C-3: the closed meeting, replayed from its document, is the same meeting."""
    meeting = DEMO.meeting.meeting
    rules = DEMO.policy.at(meeting.held_on)
    assert _again(MeetingDoc.from_domain(meeting)).to_domain(rules) == meeting  # type: ignore[attr-defined]


def test_quarter_result_round_trip() -> None:
    """E-1..E-6: the whole result, explanations included, comes back equal."""
    result = OUTCOME.result
    assert _again(QuarterResultDoc.from_domain(result)).to_domain() == result  # type: ignore[attr-defined]


def test_case_round_trip_replays_the_history() -> None:
    """R-2, R-3: a case with supervision, demands, an extension and sign-offs comes back equal."""
    (case,) = OUTCOME.cases
    day = case.issued_on
    steps: list[Event] = [
        StartRectifying(),
        Supervise("party_organisation", "chen", "visit", "first visit"),
        CorrectionDemand("d1", "clinic", "label the fresh food"),
        AnswerDemand("d1", "labelled"),
        Extend(5, "supplier late", "chen"),
        Submit("done"),
        *(SignOff(level, "x") for level in case.required_levels),
        Verify("chen"),
    ]
    for i, event in enumerate(steps):
        case = apply(case, event, at=day + dt.timedelta(days=i))
    assert _again(CaseDoc.from_domain(case)).to_domain() == case  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_every_document_has_a_json_schema(name: str) -> None:
    """Every exchanged document exports a JSON Schema that names its fields."""
    schema = json_schema(name)
    assert schema["type"] == "object"
    assert "document" in schema["properties"]
    json.dumps(schema)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("{", "(document)"),
        ('{"households": ["a"], "strata": {}, "colour": "red"}', "colour"),
        ('{"households": [1.5]}', "households.0"),
    ],
)
def test_bad_documents_give_one_error_naming_the_field(text: str, field: str) -> None:
    """Malformed JSON, unknown fields and floats are refused with the field path."""
    with pytest.raises(ParseError) as caught:
        load_document("frame", text, source="frame.json")
    assert f"frame.json: {field}" in str(caught.value)


@given(
    st.integers(0, 40).flatmap(
        lambda places: st.decimals(min_value=0, max_value=100, places=places).map(str)
    )
)
def test_a_score_written_as_a_json_number_is_read_from_its_digits(digits: str) -> None:
    """E-2: a JSON number in a score is its exact digits, never a binary float's."""
    doc = RatingsDoc.from_domain(DEMO.ratings).model_dump(mode="json")
    doc["history"][0]["rating"]["scores"]["service_attitude"] = "@"
    text = json.dumps(doc).replace('"@"', digits)
    loaded = load_document("ratings", text, source="ratings.json")
    assert loaded.history[0].rating.scores["service_attitude"] == digits


def test_a_number_where_text_belongs_is_still_refused() -> None:
    """E-4: a number where an id belongs, or a true where a score belongs, names the field."""
    with pytest.raises(ParseError, match=r"households\.0"):
        load_document("frame", '{"households": [1.5]}', source="frame.json")
    doc = RatingsDoc.from_domain(DEMO.ratings).model_dump(mode="json")
    doc["history"][0]["rating"]["scores"]["service_attitude"] = True
    with pytest.raises(ParseError, match="scores"):
        load_document("ratings", json.dumps(doc), source="ratings.json")


def test_policy_round_trip_and_validation() -> None:
    """P, C-3: a policy exports and imports equal; JSON numbers exact; a Python float refused.

    A JSON number is read from its digits, never through a float.
    """
    policy = DEMO.policy.override({"consultation.approval.threshold": "2/3"})
    assert _again(PolicyDoc.from_domain(policy)).to_domain() == policy  # type: ignore[attr-defined]
    data = json.loads(PolicyDoc.from_domain(policy).model_dump_json())
    data["parameters"]["consultation.approval.threshold"]["values"][0]["value"] = 0.85
    read = load_document("policy", json.dumps(data), source="p.json").to_domain(source="p.json")
    assert read.at(dt.date(2026, 7, 1)).approval_threshold == Fraction(17, 20)
    plain = policy.to_document()
    plain["parameters"]["consultation.approval.threshold"]["values"][0]["value"] = 0.85
    with pytest.raises(TypeError, match=r"consultation\.approval\.threshold"):
        policy_from_document(plain, source="p")
