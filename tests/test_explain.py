"""Explanations: text in both languages, versioned JSON, HTML."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction

import pytest
from hypothesis import given

from community_governance.errors import ParseError
from community_governance.explain import Explanation, ExplanationBuilder, Text
from community_governance.policy import default_policy
from community_governance.schemas.explanation import SCHEMA, explanation_json, read_explanation
from tests.strategies import explanations


@given(explanations())
def test_json_round_trips(explanation: Explanation) -> None:
    """The JSON form reads back into an equal explanation and carries its schema tag."""
    data = json.loads(explanation_json(explanation))
    assert data["schema"] == SCHEMA
    assert read_explanation(data) == explanation


@given(explanations())
def test_text_renders_every_part_in_both_languages(explanation: Explanation) -> None:
    """Text rendering shows rules, parameters and steps, with labels in the chosen language."""
    zh, en = explanation.to_text("zh"), explanation.to_text("en")
    assert "适用规则" in zh
    assert "Rules applied" in en
    for use in explanation.parameters:
        assert use.name in zh
        assert use.name in en
    for step in explanation.steps:
        assert step.text.zh in zh
        assert step.text.en in en
    html = explanation._repr_html_()
    assert html.startswith('<div class="cg-explanation">')
    assert "<script" not in html


def test_builder_records_rules_from_parameters_and_steps() -> None:
    """Rule IDs come from the parameters read and the steps taken, each once, in order."""
    snapshot = default_policy().at(dt.date(2026, 7, 1))
    builder = ExplanationBuilder(Text("标题", "title"))
    traced = snapshot.traced(builder)
    traced.component_weights, traced.value("evaluation.weights")
    builder.step("加权", "weighted", Fraction(431, 5), rule="E-5")
    builder.step("修约", "rounded", Fraction(431, 5), rule="E-6")
    explanation = builder.build(Text("完成", "done"))
    assert explanation.rules == ("E-5", "E-6")
    assert len(explanation.parameters) == 1
    assert explanation.parameters[0].valid_from == dt.date(2021, 1, 21)
    assert explanation.steps[0].value == "86.2"


def test_an_explanation_of_another_schema_is_refused() -> None:
    """Reading JSON of an unknown schema version fails with a ParseError naming 'schema'."""
    with pytest.raises(ParseError, match="schema"):
        read_explanation({"schema": "community-governance/explanation/999"})
    with pytest.raises(ParseError, match="malformed"):
        read_explanation({"schema": SCHEMA})
