"""The quarter-result document, format 2: numbers as numbers, exact values as num/den (E-1..E-6).

Any quarter's result written in format 2 reads back equal (the survey's interval computed
again from the exact values); format 1 files read as format 2; every number is a JSON
number to the policy's places, never text, an exponent or 40 digits; and a result edited by
hand so that it says one thing and explains another is refused naming the field and rule.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from community_governance.cli import EXIT_BAD_INPUT, main
from community_governance.demo import demo_quarter, run_demo
from community_governance.errors import GovernanceError, ParseError
from community_governance.evaluation import evaluate_quarter
from community_governance.numbers import exact_json
from community_governance.schemas import QuarterResultDoc, load_document
from community_governance.schemas.legacy import QuarterResultDocV1
from tests.schemas.documents import json_leaves
from tests.strategies import Q3, quarter_cases

DEMO = demo_quarter(127)
RESULT = run_demo(DEMO).result
TEXT = QuarterResultDoc.from_domain(RESULT, 2).to_json()


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(quarter_cases())
def test_any_result_reads_back_equal_in_format_2(quarter: Any) -> None:
    """E-1..E-6: written, read and written again: the same text and the same result."""
    community, book, survey, policy = quarter
    try:
        result = evaluate_quarter(community, Q3, book, survey, policy=policy)
    except GovernanceError:
        return  # a quarter the rules refuse has no result to write
    places = policy.rounding_places  # a snapshot on the quarter's end
    text = QuarterResultDoc.from_domain(result, places).to_json()
    again = load_document("quarter-result", text).to_domain()
    assert again == result
    assert again.survey_precision == result.survey_precision
    assert QuarterResultDoc.from_domain(again, places).to_json() == text


def test_format_1_reads_as_format_2() -> None:
    """E-1..E-6: a format-1 file (exact values as text) gives the format-2 document."""
    older = QuarterResultDocV1.from_domain(RESULT).model_dump_json(indent=2)
    assert '"exact": "153341/1650"' in older
    assert load_document("quarter-result", older).to_json() == TEXT


def test_every_number_is_a_json_number_to_the_policys_places() -> None:
    """E-4, E-5: no number as text, no exponent, nothing past two places but num and den."""
    assert not re.search(r"\d[eE][+-]?\d", TEXT)
    data = json.loads(TEXT, parse_float=Decimal)
    assert (data["document"], data["format"], data["places"]) == ("quarter-result", 2, 2)
    leaves = json_leaves(data)
    for path, value in leaves:
        if isinstance(value, str) and ".explanation." not in path:
            # Texts are ids, codes and dates, never a number (an explanation is its own
            # document, explanation/1, whose values are rendered for people).
            assert not re.fullmatch(r"-?\d+(\.\d+)?(/\d+)?", value), path
        if isinstance(value, Decimal):
            assert -value.as_tuple().exponent <= 2, path  # type: ignore[operator]
    card = data["scorecards"][0]
    assert card["final"]["reported"] == Decimal("92.93")
    assert card["final"]["exact"] == {"reported": Decimal("92.93"), "num": 153341, "den": 1650}
    assert card["self_dimensions"]["service_attitude"] == 97
    precision = data["survey_precision"]
    assert precision["variance"] == {"reported": Decimal("10.46"), "num": 8632, "den": 825}
    assert (precision["margin"], precision["low"], precision["high"]) == (
        Decimal("0.62"),
        Decimal("80.34"),
        Decimal("81.58"),
    )


@given(
    st.integers(0, 30).flatmap(
        lambda places: st.decimals(allow_nan=False, allow_infinity=False, places=places)
    )
    | st.decimals(allow_nan=False, allow_infinity=False)
)
def test_exact_json_writes_decimals_digit_for_digit(value: Decimal) -> None:
    """E-5: any finite decimal is written without an exponent and reads back equal."""
    text = exact_json({"x": value, "xs": [value, None, True, "t"]})
    assert "e" not in text.lower().replace("true", "")
    data = json.loads(text, parse_float=Decimal)
    assert data["x"] == value
    assert data["xs"][1:] == [None, True, "t"]


def _edited(path: list[str | int], value: object, text: str = TEXT) -> str:
    data = json.loads(text, parse_float=Decimal)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return exact_json(data)


TAMPERED = [
    (["scorecards", 0, "rank"], -7, "scorecards[0].rank", "E-6"),
    (["scorecards", 0, "rank"], 99, "scorecards[0].rank", "E-6"),
    (
        ["scorecards", 0, "final", "weights", "self"],
        {"reported": Decimal("7.00"), "num": 7, "den": 1},
        "scorecards[0].final.weights",
        "E-5",
    ),
    (
        ["scorecards", 0, "final", "reported"],
        Decimal("10.00"),
        "scorecards[0].final.reported",
        "E-5",
    ),
    (
        ["scorecards", 0, "final", "exact"],
        {"reported": Decimal("93.00"), "num": 93, "den": 1},
        "scorecards[0].final.exact",
        "E-5",
    ),
    (["awards", 0, "reported"], Decimal("99.00"), "awards[0]", "E-6"),
    (["awards", 0, "unit_id"], "nobody", "awards[0]", "E-6"),
    (["survey_precision", "margin"], Decimal("5.00"), "survey_precision.margin", "E-4"),
    (["survey_precision", "n"], 5000, "survey_precision.n", "E-4"),
    (
        ["survey_precision", "variance"],
        {"reported": Decimal("-1.00"), "num": -1, "den": 1},
        "survey_precision.variance",
        "E-4",
    ),
]


@pytest.mark.parametrize(
    ("path", "value", "field", "rule"), TAMPERED, ids=[t[2] + "-" + str(t[1])[:8] for t in TAMPERED]
)
def test_a_result_that_contradicts_itself_is_refused(
    path: list[str | int], value: object, field: str, rule: str
) -> None:
    """E-4, E-5, E-6: an edited rank, weight, score, award or interval names its field."""
    with pytest.raises(ParseError) as refused:
        load_document("quarter-result", _edited(path, value), source="result.json")
    assert (refused.value.field, refused.value.rule) == (f"result.json: {field}", rule)


@pytest.mark.parametrize(
    "exact",
    [
        {"reported": Decimal("47.00"), "num": 94, "den": 2},  # not in lowest terms
        {"reported": Decimal("94.00"), "num": 94, "den": 0},
        {"reported": Decimal("12.00"), "num": 94, "den": 1},  # reported is not the value
        {"reported": "abc", "num": 94, "den": 1},
    ],
    ids=["not-lowest-terms", "zero-denominator", "misreported", "text"],
)
def test_an_exact_number_must_be_a_fraction_in_lowest_terms(exact: dict[str, object]) -> None:
    """E-5: num/den in lowest terms with a positive denominator, reported as its value."""
    text = _edited(["scorecards", 0, "peer_dimensions", "execution_ability"], exact)
    with pytest.raises(ParseError) as refused:
        load_document("quarter-result", text, source="result.json")
    assert str(refused.value.field).startswith("result.json: scorecards.0.peer_dimensions")


@pytest.mark.parametrize("form", [1, 2])
@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (("rank", -7), "scorecards[0].rank"),
        (("weights", "7"), "scorecards[0].final.weights"),
        (("reported", "10.00"), "scorecards[0].final.reported"),
    ],
    ids=["rank", "weights", "reported"],
)
def test_explain_refuses_an_edited_result_in_one_line(
    form: int,
    edit: tuple[str, str | int],
    field: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """E-5, E-6: rank -7, weights summing to 7, a reported score not the exact one: exit 2."""
    what, value = edit
    if form == 1:
        data = json.loads(QuarterResultDocV1.from_domain(RESULT).model_dump_json())
        card = data["scorecards"][0]
        if what == "rank":
            card["rank"] = value
        elif what == "weights":
            card["final"]["weights"]["self"] = value
        else:
            card["final"]["reported"] = value
        text = json.dumps(data)
    else:
        path: list[str | int] = ["scorecards", 0, "rank"]
        new: object = value
        if what == "weights":
            path = ["scorecards", 0, "final", "weights", "self"]
            new = {"reported": Decimal("7.00"), "num": 7, "den": 1}
        elif what == "reported":
            path, new = ["scorecards", 0, "final", "reported"], Decimal(str(value))
        text = _edited(path, new)
    (tmp_path / "result.json").write_text(text, encoding="utf-8")
    code = main(["explain", str(tmp_path / "result.json"), RESULT.scorecards[0].unit_id])
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT
    assert err.count("\n") == 1
    assert f"result.json: {field}" in err


@pytest.mark.parametrize("digits", [250, 1_000_000])
def test_a_reported_number_of_too_many_digits_is_refused_at_once(digits: int) -> None:
    """E-5: a reported score of a million decimals is refused, not rounded for minutes."""
    data = json.loads(TEXT, parse_float=Decimal)
    data["scorecards"][0]["final"]["reported"] = "@"
    text = exact_json(data).replace('"@"', "92." + "9" * digits)
    with pytest.raises(ParseError) as refused:
        load_document("quarter-result", text, source="result.json")
    assert str(refused.value.field).startswith("result.json: scorecards.0.final.reported")
    assert "at most" in refused.value.message
