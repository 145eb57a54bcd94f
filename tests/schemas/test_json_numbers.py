"""Real JSON numbers in written documents: tallies, meetings, ratings, policies (C-3, E-2, P-1).

A document written for a person or a program (``to_json``) holds every exact number as a
JSON number, digit for digit, or as ``{"reported", "num", "den"}`` where it is a fraction
such as a vote share; it reads back to the same document, and so does the text spelling
the ledger keeps in its records. A share object that does not say what it holds is refused,
naming its field.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings

from community_governance.cli import EXIT_BAD_INPUT, main
from community_governance.consultation import tally
from community_governance.demo import demo_quarter
from community_governance.errors import GovernanceError, ParseError
from community_governance.policy import default_policy
from community_governance.schemas import (
    ClosedMeetingDoc,
    RatingsDoc,
    TallyDoc,
    json_schema,
    load_document,
)
from tests.schemas.documents import json_leaves as _leaves
from tests.strategies import quarter_cases, tallies, valid_overrides

DEMO = demo_quarter(127)
DAY = dt.date(2026, 7, 1)
NUMBER_TEXT = re.compile(r"-?\d+(\.\d+)?(/\d+)?")


def _numbers_as_text(text: str, *, keep: tuple[str, ...] = ()) -> list[str]:
    """Paths of text that spells a number, outside explanations (rendered for people)."""
    data = json.loads(text, parse_float=Decimal)
    return [
        path
        for path, value in _leaves(data)
        if isinstance(value, str)
        and NUMBER_TEXT.fullmatch(value)
        and ".explanation." not in path
        and not path.endswith(keep)
    ]


@given(tallies())
def test_any_tally_is_written_with_numbers_and_reads_back_equal(t: Any) -> None:
    """C-3: share and threshold as {reported, num, den}; text or objects read the same."""
    document = TallyDoc.from_domain(t)
    text = document.to_json()
    assert _numbers_as_text(text) == []
    data = json.loads(text, parse_float=Decimal)
    threshold = data["threshold"]
    assert Fraction(threshold["num"], threshold["den"]) == t.threshold
    assert abs(Fraction(threshold["reported"]) - t.threshold) <= Fraction(1, 2 * 10**10)
    again = load_document("tally", text)
    assert again == document
    assert again.to_domain() == t
    # The ledger's text spelling reads to the same document.
    assert load_document("tally", document.model_dump_json()) == document


def test_a_share_is_reported_as_its_own_decimal_or_to_ten_places() -> None:
    """C-3: 17/20 is 0.85; 2/3 is 0.6666666667, with the exact fraction beside it."""
    data = json.loads(
        TallyDoc.from_domain(
            tally(entitled=3, present=3, agree=2, disagree=1, abstain=0, threshold="17/20", at=DAY)
        ).to_json(),
        parse_float=Decimal,
    )
    assert data["share"] == {"reported": Decimal("0.6666666667"), "num": 2, "den": 3}
    assert data["threshold"] == {"reported": Decimal("0.85"), "num": 17, "den": 20}


def test_a_closed_meeting_is_written_with_numbers_and_the_ledger_keeps_text() -> None:
    """C-3: the closed-meeting document reads back equal; its ledger form is unchanged."""
    document = ClosedMeetingDoc.from_domain(DEMO.meeting)
    text = document.to_json()
    assert _numbers_as_text(text) == []
    assert load_document("closed-meeting", text) == document
    ledger_form = document.model_dump(mode="json")
    first = next(iter(ledger_form["tallies"].values()))
    assert isinstance(first["threshold"], str)
    assert load_document("closed-meeting", json.dumps(ledger_form)) == document


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(quarter_cases())
def test_any_ratings_are_written_as_numbers_and_read_back_equal(quarter: Any) -> None:
    """E-2, E-3: every score a JSON number, digit for digit; the same book read back."""
    _, book, _, _ = quarter
    document = RatingsDoc.from_domain(book)
    text = document.to_json()
    assert _numbers_as_text(text) == []
    data = json.loads(text, parse_float=Decimal)
    written = [s for e in data["history"] for s in e["rating"]["scores"].values() if s is not None]
    held = [s for e in document.history for s in e.rating.scores.values() if s is not None]
    assert [str(s) for s in written] == held  # digit for digit, trailing zeros kept
    assert load_document("ratings", text) == document


@given(valid_overrides())
def test_any_policy_is_written_with_numbers_and_reads_back_equal(overrides: Any) -> None:
    """P-1: exact values with a decimal are JSON numbers; 1/3 stays text; read back equal."""
    policy = default_policy().override(overrides)
    text = policy.to_json()
    data = json.loads(text, parse_float=Decimal)
    for path, value in _leaves(data["parameters"]):
        if isinstance(value, str) and NUMBER_TEXT.fullmatch(value):
            # Only a value without a finite decimal is text, as a policy file writes it.
            assert "/" in value, path
    assert load_document("policy", text).to_domain() == policy


def test_policy_weights_and_threshold_are_numbers() -> None:
    """P-1, E-5, C-3: the shipped weights 0.1/0.4/0.5 and the threshold 0.85 as numbers."""
    data = json.loads(default_policy().to_json(), parse_float=Decimal)
    weights = data["parameters"]["evaluation.weights"]["values"][0]["value"]
    assert weights == {"self": Decimal("0.1"), "peer": Decimal("0.4"), "public": Decimal("0.5")}
    threshold = data["parameters"]["consultation.approval.threshold"]["values"][0]["value"]
    assert threshold == Decimal("0.85")


@pytest.mark.parametrize(
    ("share", "message"),
    [
        ({"reported": 0.85, "num": 34, "den": 40}, "34/40 is not a fraction in lowest terms"),
        ({"reported": 0.95, "num": 17, "den": 20}, "0.95 is not 17/20 rounded"),
        ({"reported": 0, "num": 0, "den": 0}, "0/0 is not a fraction in lowest terms"),
        ({"reported": "abc", "num": 17, "den": 20}, "reported 'abc' is not a number"),
        ({"reported": 0.85, "num": 17}, "den: Field required"),
        ({"reported": 0.85, "num": 17, "den": 20, "x": 1}, "x: Extra inputs are not permitted"),
        ({"reported": 0.85, "num": "17", "den": 20}, "num: Input should be a valid integer"),
    ],
)
def test_a_share_object_that_contradicts_itself_is_refused(share: Any, message: str) -> None:
    """C-3: a share object is in lowest terms and reports its own value, or is refused."""
    document = json.loads(TallyDoc.from_domain(DEMO.meeting.tallies["bins-ab"]).to_json())
    document["share"] = share
    with pytest.raises(ParseError) as caught:
        load_document("tally", json.dumps(document), source="tally.json")
    assert caught.value.field == "tally.json: share"
    assert message in caught.value.message
    assert caught.value.rule == "tally"


def test_the_command_line_writes_numbers(capsys: pytest.CaptureFixture[str], tmp_path: Any) -> None:
    """C-3, P-1: tally, meeting tally, policy show --at and policy diff as JSON numbers."""
    assert main(["tally", "--entitled", "20", "--agree", "17", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out, parse_float=Decimal)
    assert shown["share"] == {"reported": Decimal("0.85"), "num": 17, "den": 20}
    meeting = tmp_path / "meeting.json"
    meeting.write_text(ClosedMeetingDoc.from_domain(DEMO.meeting).meeting.to_json())
    assert main(["meeting", "tally", str(meeting), "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out, parse_float=Decimal)
    assert all(isinstance(t["threshold"]["reported"], Decimal) for t in listed)
    assert main(["policy", "show", "--at", "2025-01-01", "--format", "json"]) == 0
    at = json.loads(capsys.readouterr().out, parse_float=Decimal)
    assert at["consultation.approval.threshold"]["value"] == Decimal("0.85")
    assert at["evaluation.weights"]["value"]["public"] == Decimal("0.5")
    changed = tmp_path / "changed.toml"
    changed.write_text(
        '[policy]\nid = "local"\nextends = "xiamen-127"\ntitle = "Local"\nsource = "x"\n'
        'format = 1\n[parameters."consultation.approval.threshold"]\n'
        'rule = "C-3"\nnote = "n"\nvalues = [{ valid_from = 2021-01-21, value = "9/10" }]\n',
        encoding="utf-8",
    )
    assert main(["policy", "diff", "xiamen-127", str(changed), "--format", "json"]) == 0
    diff = json.loads(capsys.readouterr().out, parse_float=Decimal)
    values = diff["consultation.approval.threshold"]["values"]
    assert values[0]["value"] == Decimal("0.9")


def test_a_refused_share_is_one_line_at_the_shell(
    capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    """C-3: a closed meeting with a forged share object: one line, exit 2, its field named."""
    data = json.loads(ClosedMeetingDoc.from_domain(DEMO.meeting).to_json())
    data["tallies"]["bins-ab"]["share"]["num"] = 3
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(data), encoding="utf-8")
    ledger, key = str(tmp_path / "ledger.db"), str(tmp_path / "ledger.key")
    assert main(["ledger", "init", ledger, "--key-file", key]) == 0
    capsys.readouterr()
    assert main(["ledger", "append", ledger, str(forged), "--key-file", key]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert f"{forged}: tallies.bins-ab.share" in err
    assert "is not 3/1 rounded" in err


def test_an_exact_number_is_never_a_float() -> None:
    """exact: a float given as a share where the document is built in Python is refused."""
    with pytest.raises((GovernanceError, ValueError)):
        TallyDoc.model_validate(
            {**TallyDoc.from_domain(DEMO.meeting.tallies["bins-ab"]).model_dump(), "share": 0.85}
        )


def _violations(data: Any, schema: dict[str, Any]) -> list[str]:
    """Every place where ``data`` breaks ``schema``, as ``path: message`` (none: it holds)."""
    validator = jsonschema.validators.validator_for(schema)(schema)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]


@pytest.mark.parametrize(
    "name",
    [
        "announcement.json",
        "certificate.json",
        "frame.json",
        "meeting.json",
        "ratings.json",
        "result.json",
        "survey.json",
    ],
)
def test_every_written_document_holds_to_its_published_schema(exported: Path, name: str) -> None:
    """E-1..E-6, C-3, R-1: each file of demo --export validates against `schema NAME`."""
    data = json.loads((exported / name).read_text(encoding="utf-8"))
    assert _violations(data, json_schema(data["document"])) == []


def test_a_tally_and_a_policy_hold_to_their_published_schemas() -> None:
    """C-3, P-1: a tally written with its share as an object; the policy with its numbers."""
    tally_doc = TallyDoc.from_domain(DEMO.meeting.tallies["bins-ab"])
    assert _violations(json.loads(tally_doc.to_json()), json_schema("tally")) == []
    policy = json.loads(default_policy().to_json())
    assert _violations({"document": "policy", **policy}, json_schema("policy")) == []
