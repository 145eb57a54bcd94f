"""Policies as values: validation, overrides with lineage, diff, round trips (P, all rules)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, strategies as st

from community_governance import as_fraction
from community_governance.errors import (
    ExactnessError,
    PolicyDateError,
    PolicyDateWarning,
    PolicyError,
)
from community_governance.policy import (
    SPECS,
    Policy,
    default_policy,
    diff,
    policy_from_document,
)
from tests.strategies import dates, invalid_documents, valid_overrides

BASE = default_policy()


@given(valid_overrides())
def test_overrides_never_change_the_base_policy(overrides: dict[str, Any]) -> None:
    """An override gives a new policy; the base's parameters and document are untouched."""
    before = json.dumps(BASE.to_document(), sort_keys=True)
    changed = BASE.override(overrides)
    assert json.dumps(BASE.to_document(), sort_keys=True) == before
    assert changed.lineage[:-1] == BASE.lineage
    assert set(diff(BASE, changed).names()) <= set(overrides)


@given(valid_overrides())
def test_an_override_followed_by_its_inverse_gives_an_equal_policy(
    overrides: dict[str, Any],
) -> None:
    """override(o) then override(diff(changed, base)) gives back a policy equal to the base."""
    changed = BASE.override(overrides)
    inverse = diff(changed, BASE).as_overrides()
    assert changed.override(inverse) == BASE
    assert not diff(changed.override(inverse), BASE)


@given(valid_overrides())
def test_diff_lists_exactly_what_changed(overrides: dict[str, Any]) -> None:
    """diff(p, p) is empty; diff(a, b) turned into overrides rebuilds b from a."""
    changed = BASE.override(overrides)
    assert not diff(changed, changed)
    assert BASE.override(diff(BASE, changed).as_overrides()) == changed


@given(valid_overrides())
def test_a_policy_document_round_trips(overrides: dict[str, Any]) -> None:
    """Export to plain data (and JSON, its numbers read exactly) and import: an equal policy."""
    policy = BASE.override(overrides)
    document = json.loads(policy.to_json(), parse_float=Decimal)
    assert policy_from_document(document) == policy


@given(dates, st.integers(0, 4))
def test_a_dated_override_applies_from_its_date_only(start: dt.date, places: int) -> None:
    """A dated override is spliced in: the old value before its valid_from, the new from it."""
    changed = BASE.override({"rounding.places": {"valid_from": start, "value": places}})
    assert changed.at(start).rounding_places == places
    before = start - dt.timedelta(days=1)
    if before >= BASE.first_date:
        assert changed.at(before).rounding_places == 2
    assert changed.at(start).use("rounding.places").valid_from == start


def test_a_bounded_override_restores_the_old_value_after_it() -> None:
    """A window with valid_until cuts the old window in two around it."""
    changed = BASE.override(
        {
            "evaluation.survey.size": {
                "valid_from": "2024-01-01",
                "valid_until": "2024-12-31",
                "value": 150,
                "note": "a one-year pilot of larger samples",
            }
        }
    )
    sizes = [changed.at(dt.date(y, 6, 1)).survey_size for y in (2023, 2024, 2025)]
    assert sizes == [100, 150, 100]
    assert len(changed.parameter("evaluation.survey.size").windows) == 3


def test_local_parameters_are_carried_and_removable() -> None:
    """A municipality's local. parameters carry their own rule, note and dates."""
    changed = BASE.override(
        {
            "local.subsidy_yuan": {
                "rule": "LOCAL-7",
                "note": {"zh": "每户补贴", "en": "subsidy per household"},
                "values": [{"valid_from": "2025-01-01", "value": "12.50"}],
            }
        }
    )
    assert changed.at(dt.date(2025, 2, 1)).local["local.subsidy_yuan"] == "12.50"
    assert "local.subsidy_yuan" not in changed.at(dt.date(2024, 12, 31)).local
    assert changed.override({"local.subsidy_yuan": None}) == BASE
    with pytest.raises(PolicyError, match="only an existing local"):
        BASE.override({"evaluation.survey.size": None})


def test_a_float_override_is_a_type_error() -> None:
    """A float threshold in an override raises (PolicyError and ExactnessError are distinct)."""
    with pytest.raises(PolicyError, match=r"overrides\[consultation.approval.threshold\]"):
        BASE.override({"consultation.approval.threshold": 0.85})
    with pytest.raises(ExactnessError, match=r"consultation\.approval\.threshold"):
        as_fraction(0.85, field="consultation.approval.threshold")


def test_the_listing_shows_every_parameter_in_both_languages() -> None:
    """Introspection: every parameter with value, rule, validity and note, in zh and en."""
    rows = BASE.rows()
    assert {r.name for r in rows} == set(SPECS)
    zh, en = BASE.to_text("zh"), BASE.to_text("en")
    for row in rows:
        assert row.name in zh
        assert row.name in en
        assert row.note.zh in zh
        assert row.note.en in en
    assert "consultation.approval.threshold = 0.85" in en


# -- generated invalid documents ---------------------------------------------------------------


@given(invalid_documents())
def test_every_generated_invalid_document_is_rejected_naming_the_field(
    case: tuple[dict[str, Any], str],
) -> None:
    """Invalid documents (weights, thresholds, keys, bands, deadlines, rules) name the field."""
    document, field = case
    with pytest.raises(PolicyError) as caught:
        policy_from_document(document, source="city.toml")
    error = caught.value
    assert error.field is not None
    assert error.field.startswith("city.toml: ")
    assert field in error.field


def test_cross_parameter_checks_run_on_every_date() -> None:
    """A survey answer worth more than the scale's maximum is refused at load (E-4, E-2)."""
    scale = BASE.parameter("evaluation.survey.answer_scale").to_document()["values"][0]["value"]
    scale["levels"][0]["score"] = "101"
    with pytest.raises(PolicyError, match="outside the evaluation scale"):
        BASE.override(
            {"evaluation.survey.answer_scale": {"valid_from": "2030-01-01", "value": scale}}
        )
    with pytest.raises(PolicyError, match="both an award and a rectification"):
        BASE.override({"evaluation.awards.grades": ["excellent", "failed"]})


def test_policies_compare_by_parameters_not_provenance() -> None:
    """Two policies with equal parameters are equal whatever their id or lineage."""
    renamed = BASE.override({}, policy_id="copy")
    assert renamed == BASE
    assert renamed.policy_id == "copy"
    assert isinstance(renamed, Policy)


def test_a_date_before_the_policy_names_the_policy_not_a_parameter() -> None:
    """A date before any parameter is valid blames the date, with the policy's first day."""
    before = BASE.first_date - dt.timedelta(days=1)
    with pytest.raises(PolicyDateError) as raised:
        BASE.at(before)
    assert (raised.value.field, raised.value.rule) == ("at", "policy")
    assert str(before) in raised.value.message
    assert str(BASE.first_date) in raised.value.message
    with pytest.warns(PolicyDateWarning):
        assert BASE.at(before, strict=False).on == before
