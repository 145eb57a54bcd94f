"""An explanation's JSON form, ``community-governance/explanation/1`` (every rule's trace).

An [`Explanation`][community_governance.explain.Explanation] travels as a plain JSON
object tagged with ``SCHEMA``: title and outcome in both languages, the rule IDs, the
parameters read with the day their value took effect, the inputs and the ordered steps.
Values stay canonical text (``"1/3"``, ``"86.20"``), so the form reads back into an equal
explanation. Every document that carries an explanation (a quarter result, a tally, a
meeting) writes and reads it with these two functions.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import attrs

from community_governance.errors import ParseError
from community_governance.explain import Explanation, ParameterUse, Step, Text

__all__ = ["SCHEMA", "explanation_dict", "explanation_json", "read_explanation"]

#: The identifier and version of the JSON form; bumped on incompatible change.
SCHEMA = "community-governance/explanation/1"


def explanation_dict(explanation: Explanation) -> dict[str, Any]:
    """The JSON form of ``explanation``, tagged with ``SCHEMA``."""
    return {
        "schema": SCHEMA,
        "title": attrs.asdict(explanation.title),
        "outcome": attrs.asdict(explanation.outcome),
        "rules": list(explanation.rules),
        "parameters": [
            {
                "name": p.name,
                "value": p.value,
                "valid_from": p.valid_from.isoformat(),
                "rule": p.rule,
            }
            for p in explanation.parameters
        ],
        "inputs": [{"name": name, "value": value} for name, value in explanation.inputs],
        "steps": [
            {"zh": s.text.zh, "en": s.text.en, "value": s.value, "rule": s.rule}
            for s in explanation.steps
        ],
        "flags": list(explanation.flags),
    }


def explanation_json(explanation: Explanation, *, indent: int | None = 2) -> str:
    """The JSON form as text; Chinese is written as it is, not escaped."""
    return json.dumps(explanation_dict(explanation), ensure_ascii=False, indent=indent)


def read_explanation(data: Mapping[str, Any]) -> Explanation:
    """Read the JSON form back into an equal explanation.

    Raises:
        ParseError: the schema tag is missing or of another version, or a field is
            malformed.
    """
    if data.get("schema") != SCHEMA:
        raise ParseError(
            f"expected schema {SCHEMA!r}, got {data.get('schema')!r}",
            field="schema",
            rule="explain",
            zh=f"应为 {SCHEMA!r} 格式，实为 {data.get('schema')!r}",
        )
    try:
        return Explanation(
            title=Text(**data["title"]),
            outcome=Text(**data["outcome"]),
            rules=tuple(data["rules"]),
            parameters=tuple(
                ParameterUse(
                    name=p["name"],
                    value=p["value"],
                    valid_from=dt.date.fromisoformat(p["valid_from"]),
                    rule=p["rule"],
                )
                for p in data["parameters"]
            ),
            inputs=tuple((i["name"], i["value"]) for i in data["inputs"]),
            steps=tuple(Step(Text(s["zh"], s["en"]), s["value"], s["rule"]) for s in data["steps"]),
            flags=tuple(data["flags"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ParseError(
            f"malformed explanation: {error}", field="explanation", zh=f"说明格式有误：{error}"
        ) from error
