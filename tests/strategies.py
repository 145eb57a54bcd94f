"""One home for the Hypothesis strategies of every domain type."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import strategies as st

from community_governance.community import Community, MemberUnit, Quarter
from community_governance.evaluation import Rating, SamplingFrame
from community_governance.policy import SPECS, default_policy
from community_governance.vocabulary import BilingualEnum, Component, Dimension, OrganisationKind

#: Exact rationals of modest size.
fractions = st.fractions(max_denominator=10_000).filter(lambda f: abs(f) < 10**6)
#: Shares in [0, 1].
shares = st.fractions(min_value=0, max_value=1, max_denominator=1000)
#: Scores as Decimals with up to four places, within 0..100.
scores = st.decimals(min_value=0, max_value=100, places=4, allow_nan=False, allow_infinity=False)
#: Floats that are finite; every one must be refused where an exact value belongs.
floats = st.floats(allow_nan=True, allow_infinity=True)
#: Dates in the policy's era.
dates = st.dates(min_value=dt.date(2021, 1, 21), max_value=dt.date(2040, 12, 31))


def members(enum: type[BilingualEnum]) -> st.SearchStrategy[Any]:
    """Any member of a bilingual enum."""
    return st.sampled_from(list(enum))


@st.composite
def weights(draw: st.DrawFn, n: int) -> list[Fraction]:
    """``n`` non-negative exact weights summing to exactly 1."""
    parts = draw(st.lists(st.integers(0, 20), min_size=n, max_size=n).filter(any))
    total = sum(parts)
    return [Fraction(p, total) for p in parts]


def decimal_text(value: Decimal) -> str:
    """The plain (non-exponent) text of a Decimal."""
    return f"{value:f}"


#: Names of the parameters the library knows.
parameter_names = st.sampled_from(sorted(SPECS))


@st.composite
def valid_overrides(draw: st.DrawFn) -> dict[str, Any]:
    """A mapping of plain-value overrides that the default policy accepts."""
    out: dict[str, Any] = {}
    if draw(st.booleans()):
        threshold = draw(st.fractions(min_value=0, max_value=1, max_denominator=100).filter(bool))
        out["consultation.approval.threshold"] = f"{threshold.numerator}/{threshold.denominator}"
    if draw(st.booleans()):
        w = draw(weights(3))
        out["evaluation.weights"] = {
            "self": str(w[0]),
            "peer": str(w[1]),
            "public": str(w[2]),
        }
    if draw(st.booleans()):
        out["rectification.deadline_days"] = draw(st.integers(0, 365))
    if draw(st.booleans()):
        out["evaluation.survey.size"] = draw(st.integers(1, 1000))
    if draw(st.booleans()):
        start = draw(dates)
        out["rounding.places"] = {
            "valid_from": start.isoformat(),
            "value": draw(st.integers(0, 4)),
        }
    if draw(st.booleans()):
        out["local.subsidy_per_household"] = {
            "rule": "LOCAL-1",
            "note": "a municipality's own parameter",
            "values": [{"valid_from": "2024-01-01", "value": draw(st.integers(0, 500))}],
        }
    return out


def policy_document() -> dict[str, Any]:
    """A fresh, mutable copy of the shipped policy as plain data."""
    return default_policy().to_document()


# -- community and evaluation --------------------------------------------------------------------

quarters = st.builds(Quarter, st.integers(2021, 2040), st.integers(1, 4))
#: Household ids as a municipal system might issue them.
household_ids = st.from_regex(r"[A-Z]{1,2}-[0-9]{1,4}", fullmatch=True)
#: Scores on the default 0..100 scale, as Decimals with up to two places.
scale_scores = st.decimals(
    min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False
)


@st.composite
def communities(draw: st.DrawFn, min_units: int = 2, max_units: int = 8) -> Community:
    """A community with a few member units of assorted kinds."""
    n = draw(st.integers(min_units, max_units))
    kinds = draw(st.lists(st.sampled_from(list(OrganisationKind)), min_size=n, max_size=n))
    units = [MemberUnit(f"U{i:02d}", f"Unit {i}", kind) for i, kind in enumerate(kinds)]
    return Community("C-1", "Test community", units, household_count=draw(st.integers(0, 5000)))


@st.composite
def dimension_scores(draw: st.DrawFn) -> dict[Dimension, Decimal | None]:
    """Scores on each dimension, some "unable to rate", at least one rated."""
    scores: dict[Dimension, Decimal | None] = {
        d: draw(st.one_of(st.none(), scale_scores)) for d in Dimension
    }
    if all(v is None for v in scores.values()):
        scores[draw(st.sampled_from(list(Dimension)))] = draw(scale_scores)
    return scores


@st.composite
def ratings_for(draw: st.DrawFn, community: Community, quarter: Quarter) -> list[Rating]:
    """Some self and peer ratings among the community's units, each (rater, ratee) once."""
    ids = community.unit_ids
    pairs = draw(
        st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), unique=True, max_size=40)
    )
    return [
        Rating(
            a, b, quarter, Component.SELF if a == b else Component.PEER, draw(dimension_scores())
        )
        for a, b in pairs
    ]


@st.composite
def frames(
    draw: st.DrawFn, min_size: int = 1, max_size: int = 60, *, strata: bool = False
) -> SamplingFrame:
    """A sampling frame of unique household ids, optionally with strata (compounds)."""
    ids = draw(st.lists(household_ids, min_size=min_size, max_size=max_size, unique=True))
    if not strata:
        return SamplingFrame(ids)
    names = draw(
        st.lists(
            st.sampled_from(["north", "south", "east", "west"]),
            min_size=len(ids),
            max_size=len(ids),
        )
    )
    return SamplingFrame(ids, dict(zip(ids, names, strict=True)))


#: Seeds: integers or text, as a meeting might publish them.
seeds = st.one_of(
    st.integers(0, 10**12), st.text(alphabet="0123456789abcdef", min_size=1, max_size=16)
)


# -- documents from their JSON Schemas ---------------------------------------------------------

_JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=False), st.text(max_size=6)
)


def from_json_schema(schema: dict[str, Any], *, malformed: bool = True) -> st.SearchStrategy[Any]:
    """Values for the JSON-Schema subset pydantic emits, valid or (sometimes) malformed.

    Handles objects with properties, required and $defs references, anyOf,
    arrays and tuples (prefixItems), enums, consts, strings (with date format),
    integers, booleans and null. With ``malformed``, values also drop required
    fields, add unknown ones and put a wrong type anywhere.
    """
    definitions = schema.get("$defs", {})

    def build(node: dict[str, Any]) -> st.SearchStrategy[Any]:  # noqa: PLR0911, PLR0912 - per kind
        if "$ref" in node:
            return st.deferred(lambda: build(definitions[node["$ref"].split("/")[-1]]))
        if "anyOf" in node:
            return st.one_of([build(option) for option in node["anyOf"]])
        if "const" in node:
            return st.just(node["const"])
        if "enum" in node:
            return st.sampled_from(node["enum"])
        kind = node.get("type")
        if kind == "object":
            properties = {k: build(v) for k, v in node.get("properties", {}).items()}
            required = set(node.get("required", ()))
            if not properties:
                values = (
                    build(node["additionalProperties"])
                    if isinstance(node.get("additionalProperties"), dict)
                    else _JSON_SCALARS
                )
                return st.dictionaries(st.text(max_size=5), values, max_size=3)
            optional = {k: v for k, v in properties.items() if k not in required}
            return st.fixed_dictionaries({k: properties[k] for k in required}, optional=optional)
        if kind == "array":
            if "prefixItems" in node:
                return st.tuples(*(build(item) for item in node["prefixItems"])).map(list)
            return st.lists(build(node.get("items", {})), max_size=3)
        if kind == "string":
            if node.get("format") == "date":
                return st.dates().map(lambda d: d.isoformat())
            return st.text(max_size=8)
        if kind == "integer":
            return st.integers(-3, 200)
        if kind == "boolean":
            return st.booleans()
        if kind == "null":
            return st.none()
        return _JSON_SCALARS

    valid = build(schema)
    if not malformed:
        return valid

    @st.composite
    def broken(draw: st.DrawFn) -> Any:
        value = draw(valid)
        if not isinstance(value, dict) or not value:
            return draw(_JSON_SCALARS)
        key = draw(st.sampled_from(sorted(value)))
        how = draw(st.sampled_from(["drop", "extra", "retype"]))
        if how == "drop":
            del value[key]
        elif how == "extra":
            value["unexpected"] = draw(_JSON_SCALARS)
        else:
            value[key] = draw(_JSON_SCALARS)
        return value

    return st.one_of(valid, broken())
