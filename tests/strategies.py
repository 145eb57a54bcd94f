"""One home for the Hypothesis strategies of every domain type."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import strategies as st

from community_governance.community import Community, MemberUnit, Project, Quarter
from community_governance.consultation import tally
from community_governance.errors import ParseError
from community_governance.evaluation import (
    Rating,
    RatingBook,
    SamplingFrame,
    Survey,
    SurveyResponse,
    draw_sample,
)
from community_governance.explain import Explanation, ExplanationBuilder, Text
from community_governance.ids import clean_id
from community_governance.policy import (
    SPECS,
    default_policy,
)
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


Q3 = Quarter.parse("2026Q3")


BASE = default_policy()


ANSWERS = ["very_satisfied", "satisfied", "basically_satisfied", "dissatisfied"]


#: Policy variants: peer aggregation, trimming threshold, missing components, rounding.
VARIANTS = [
    BASE.override(
        {
            "evaluation.peer.aggregation": aggregation,
            "evaluation.peer.trim_min_raters": trim,
            "evaluation.peer.min_raters": min_raters,
            "evaluation.missing_component": missing,
            "rounding.mode": mode,
            "rounding.places": places,
        }
    ).at(Q3.end)
    for aggregation, trim, min_raters, missing, mode, places in itertools.product(
        ["mean", "trimmed"], [3, 4], [1, 2], ["error", "reweight"], ["half_up", "half_even"], [0, 2]
    )
]


#: Scores that make rounding ties likely, beside arbitrary ones in hundredths.
TIE_SCORES = [Decimal(v) for v in ("0", "0.5", "1", "12.5", "50", "62.25", "99.5", "100")] + [
    Decimal(n).scaleb(-2) for n in range(0, 10001, 137)
]


@st.composite
def quarter_cases(draw: st.DrawFn) -> tuple[Community, RatingBook, Survey | None, Any]:
    """A random quarter: units, ratings (some dimensions unable to rate), maybe a survey."""
    n = draw(st.integers(1, 40) if draw(st.booleans()) else st.integers(1, 6))
    ids = [f"U{i:02d}" for i in range(n)]
    community = Community("C-1", "c", [MemberUnit(u, u, "co_building_unit") for u in ids])
    # Mostly quarters that evaluate; the rules' error cases too.
    reweighting = [v for v in VARIANTS if v.missing_component.code == "reweight"]
    policy = draw(st.sampled_from(reweighting if draw(st.integers(0, 3)) else VARIANTS))
    pairs = [(a, b) for a in ids for b in ids]
    rnd = draw(st.randoms(use_true_random=False))
    full = draw(st.integers(0, 3)) > 0  # mostly a full peer matrix, as communities rate
    size = rnd.randint(min(len(pairs), 150) // 2, min(len(pairs), 150))
    chosen = pairs if full and n <= 20 else rnd.sample(pairs, size)
    unable = draw(st.sampled_from([0.0, 0.1, 0.5]))
    ratings = []
    for rater, ratee in sorted(chosen):
        dims = {d: None if rnd.random() < unable else rnd.choice(TIE_SCORES) for d in Dimension}
        if all(v is None for v in dims.values()):
            dims[Dimension.SERVICE_ATTITUDE] = rnd.choice(TIE_SCORES)
        kind = Component.SELF if rater == ratee else Component.PEER
        ratings.append(Rating(rater, ratee, Q3, kind, dims))
    book = RatingBook(community, Q3).record_all(ratings, policy)
    survey = None
    if draw(st.integers(0, 3)):
        frame = SamplingFrame([f"H-{i}" for i in range(30)])
        certificate = draw_sample(
            frame,
            draw(st.text("0123456789", min_size=1, max_size=6)),
            BASE.override({"evaluation.survey.size": 10}).at(Q3.end),
            seed_source="test",
        )
        projects = [
            Project(f"P{k}", f"p{k}", Q3, rnd.sample(ids, rnd.randint(1, n)))
            for k in range(draw(st.integers(1, 3)))
        ]
        responses = [
            SurveyResponse(h, p.project_id, rnd.choice(ANSWERS))
            for h in certificate.sample
            for p in projects
            if rnd.random() < 0.8
        ]
        survey = Survey(Q3, certificate, projects).respond_all(responses, policy)
    return community, book, survey, policy


#: Vote counts of a meeting.
vote_counts = st.integers(0, 60)


@st.composite
def tallies(draw: st.DrawFn) -> Any:
    """A tally of any counts under any exact threshold."""
    agree, disagree, abstain, away = (draw(vote_counts) for _ in range(4))
    threshold = draw(st.fractions(min_value=0, max_value=1, max_denominator=60).filter(bool))
    present = agree + disagree + abstain
    return tally(
        entitled=max(present + away, 1),
        present=present,
        agree=agree,
        disagree=disagree,
        abstain=abstain,
        threshold=threshold,
        policy=default_policy(),
        at=dt.date(2026, 7, 1),
    )


@st.composite
def invalid_documents(draw: st.DrawFn) -> tuple[dict[str, Any], str]:  # noqa: PLR0911 - a branch per breakage
    """A policy document broken in one way, with the field the error must name."""
    doc = copy.deepcopy(policy_document())
    weights = draw(
        st.sampled_from(["evaluation.weights", "pillars.target", "evaluation.dimension_weights"])
    )
    how = draw(
        st.sampled_from(
            [
                "weights",
                "threshold",
                "unknown_top",
                "unknown_parameter",
                "unknown_value_key",
                "bands",
                "deadline",
                "no_rule",
                "float",
                "missing",
                "overlap",
                "bad_rule",
            ]
        )
    )
    if how == "weights":
        table = first_window(doc, weights)["value"]
        key = draw(st.sampled_from(sorted(table)))
        table[key] = str(Fraction(table[key]) + draw(st.fractions(0, 1).filter(bool)))
        return doc, f"parameters[{weights}].values[0].value"
    if how == "threshold":
        bad = draw(
            st.one_of(
                st.fractions(max_value=0),
                st.fractions(min_value=1).filter(lambda f: f > 1),
            )
        )
        first_window(doc, "consultation.approval.threshold")["value"] = (
            f"{bad.numerator}/{bad.denominator}"
        )
        return doc, "parameters[consultation.approval.threshold].values[0].value"
    if how == "unknown_top":
        doc[draw(st.sampled_from(["paramters", "extra", "Policy"]))] = {}
        return doc, "(top level)"
    if how == "unknown_parameter":
        doc["parameters"]["consultation.approval.treshold"] = policy_parameter(
            doc, "consultation.quorum"
        )
        return doc, "parameters[consultation.approval.treshold]"
    if how == "unknown_value_key":
        first_window(doc, "evaluation.survey.size")["valid_form"] = "2021-01-01"
        return doc, "parameters[evaluation.survey.size].values[0]"
    if how == "bands":
        bands = first_window(doc, "evaluation.grades.bands")["value"]
        i = draw(st.integers(0, len(bands) - 2))
        bands[i + 1]["min"] = bands[i]["min"]
        return doc, "parameters[evaluation.grades.bands].values[0].value"
    if how == "deadline":
        first_window(doc, "rectification.deadline_days")["value"] = draw(st.integers(max_value=-1))
        return doc, "parameters[rectification.deadline_days].values[0].value"
    if how == "no_rule":
        name = draw(st.sampled_from(sorted(SPECS)))
        del policy_parameter(doc, name)["rule"]
        return doc, f"parameters[{name}].rule"
    if how == "float":
        first_window(doc, "consultation.quorum")["value"] = draw(st.floats(0, 1))
        return doc, "parameters[consultation.quorum].values[0].value"
    if how == "missing":
        name = draw(st.sampled_from(sorted(SPECS)))
        del doc["parameters"][name]
        return doc, "parameters"
    if how == "overlap":
        param = policy_parameter(doc, "rounding.places")
        param["values"].append({"valid_from": "2024-01-01", "value": 3})
        return doc, "parameters[rounding.places].values"
    name = draw(st.sampled_from(sorted(SPECS)))
    policy_parameter(doc, name)["rule"] = draw(st.sampled_from(["X-1", "", "E-99"]))
    return doc, f"parameters[{name}].rule"


#: Short non-empty text, as a label or a step.
short_texts = st.text(min_size=1, max_size=20)


def _is_clean(text: str) -> bool:
    try:
        return clean_id(text, field="id") == text
    except ParseError:
        return False


#: Any id every route accepts as written: composed, without outer spaces or hidden characters.
clean_ids = st.text(min_size=1, max_size=12).filter(_is_clean)


@st.composite
def explanations(draw: st.DrawFn) -> Explanation:
    """Explanations built through the builder, as rules build them."""
    builder = ExplanationBuilder(Text(draw(short_texts), draw(short_texts)))
    snapshot = default_policy().at(draw(st.dates(dt.date(2021, 1, 21), dt.date(2030, 1, 1))))
    traced = snapshot.traced(builder)
    for name in draw(st.lists(st.sampled_from(sorted(snapshot.uses)), max_size=4)):
        traced.value(name)
    for name, value in draw(st.lists(st.tuples(short_texts, st.fractions()), max_size=3)):
        builder.input(name, value)
    for zh, en, value in draw(
        st.lists(st.tuples(short_texts, short_texts, st.fractions()), max_size=4)
    ):
        builder.step(zh, en, value, rule=draw(st.sampled_from([None, "E-5", "C-3"])))
    if draw(st.booleans()):
        builder.flag("reweighted")
    return builder.build(Text(draw(short_texts), draw(short_texts)))


def policy_parameter(doc: dict[str, Any], name: str) -> dict[str, Any]:
    """Parameter ``name``'s table in a policy document."""
    parameter: dict[str, Any] = doc["parameters"][name]
    return parameter


def first_window(doc: dict[str, Any], name: str) -> dict[str, Any]:
    """The first dated value of parameter ``name`` in a policy document."""
    value: dict[str, Any] = policy_parameter(doc, name)["values"][0]
    return value
