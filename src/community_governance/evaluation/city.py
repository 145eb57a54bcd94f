"""Many communities at once, from columns: ``evaluate_city`` (E-1..E-6).

A city's quarter arrives as tables, one row per fact: member units, ratings in long form
(one row per rater, ratee and dimension), projects with their responsible units, and
survey answers. ``evaluate_city`` validates every row (each error names the table, the
row and the column), keeps scores as integers in the scale's smallest unit, and scores
every unit with the same integer core as
[`evaluate_quarter`][community_governance.evaluation.quarter.evaluate_quarter], so a
community evaluated here gets exactly the result it gets there.

Every rule is per community, so one community's rows never need another's: a caller may
split the tables by community and evaluate the parts anywhere.

Tables are pyarrow tables, pandas DataFrames, or plain mappings of column name to values.

One room for one concept, a city's tables: the readers of the four tables and the scorer
share the row-location of errors and the per-community structure they fill.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

from community_governance.community import Quarter
from community_governance.errors import (
    DuplicateRatingError,
    DuplicateResponseError,
    EligibilityError,
    GovernanceError,
    InvalidAnswerError,
    ParseError,
    UnknownProjectError,
    UnknownUnitError,
)
from community_governance.evaluation.columns import Ratio, int_weights, on_scale, unit_final
from community_governance.evaluation.grading import rank
from community_governance.frozen import FrozenMap
from community_governance.numbers import as_score, format_fraction, round_ratio
from community_governance.policy.loader import resolve
from community_governance.policy.model import Policy
from community_governance.policy.schema import PolicySnapshot
from community_governance.policy.values import ScoreRange
from community_governance.vocabulary import Component, Dimension, GradeBasis, SurveyAttribution

__all__ = ["INPUT_COLUMNS", "OUTPUT_COLUMNS", "CityResult", "evaluate_city"]

#: The columns each input table must have.
INPUT_COLUMNS: Mapping[str, tuple[str, ...]] = FrozenMap(
    {
        "units": ("community", "unit"),
        "ratings": ("community", "quarter", "rater", "ratee", "dimension", "score"),
        "projects": ("community", "project", "responsible_units"),
        "answers": ("community", "household", "project", "answer"),
    }
)

#: The columns of the result, one row per unit.
OUTPUT_COLUMNS = (
    "community",
    "unit",
    "self",
    "peer",
    "public",
    "exact_numerator",
    "exact_denominator",
    "final",
    "grade",
    "rank",
)

_DIMENSIONS = tuple(Dimension)


def _columns(tables: Mapping[str, Any], name: str, *, required: bool) -> dict[str, list[Any]]:
    """A table as plain column lists, whatever it came as."""
    table = tables.get(name)
    wanted = INPUT_COLUMNS[name]
    if table is None:
        if required:
            raise ParseError(f"the {name} table is missing", field=name, rule="E-1")
        return {column: [] for column in wanted}
    if hasattr(table, "to_pydict"):  # pyarrow
        data = {str(k): list(v) for k, v in table.to_pydict().items()}
    elif hasattr(table, "to_dict") and hasattr(table, "columns"):  # pandas
        data = {str(c): table[c].tolist() for c in table.columns}
    elif isinstance(table, Mapping):
        data = {str(k): list(v) for k, v in table.items()}
    else:
        raise ParseError(
            f"the {name} table is a {type(table).__name__}; expected a pyarrow table, a pandas "
            "DataFrame or a mapping of columns",
            field=name,
            rule="E-1",
        )
    missing = [c for c in wanted if c not in data]
    if missing:
        raise ParseError(f"missing column(s) {missing}", field=f"{name}.{missing[0]}", rule="E-1")
    lengths = {len(data[c]) for c in wanted}
    if len(lengths) > 1:
        raise ParseError("columns of different lengths", field=name, rule="E-1")
    return data


def _where(table: str, row: int, column: str) -> str:
    return f"{table}[row {row}].{column}"


def _located(error: GovernanceError, table: str, row: int, column: str) -> GovernanceError:
    return type(error)(error.message, field=_where(table, row, column), rule=error.rule)


def _responsible(value: object, row: int) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(";") if v.strip())
    if isinstance(value, Iterable):
        return tuple(str(v) for v in value)
    raise ParseError(
        "responsible units are a list or text separated by ';'",
        field=_where("projects", row, "responsible_units"),
        rule="E-4",
    )


@attrs.frozen
class _Community:
    units: list[str] = attrs.field(factory=list)
    ratings: dict[tuple[str, str], list[int | None]] = attrs.field(factory=dict)
    projects: dict[str, tuple[str, ...]] = attrs.field(factory=dict)
    answers: dict[str, list[Fraction]] = attrs.field(factory=dict)
    answered: set[tuple[str, str]] = attrs.field(factory=set)


def _read_units(data: Mapping[str, list[Any]], city: dict[str, _Community]) -> None:
    for row, (community, unit) in enumerate(zip(data["community"], data["unit"], strict=True)):
        entry = city.setdefault(str(community), _Community())
        if unit in entry.units:
            raise ParseError(
                f"unit {unit!r} is listed twice", field=_where("units", row, "unit"), rule="E-1"
            )
        entry.units.append(str(unit))


def _read_ratings(
    data: Mapping[str, list[Any]],
    city: dict[str, _Community],
    quarter: Quarter,
    snapshot: PolicySnapshot,
) -> None:
    scale = snapshot.score_range
    known = {str(c): set(entry.units) for c, entry in city.items()}
    rows = zip(
        data["community"],
        data["quarter"],
        data["rater"],
        data["ratee"],
        data["dimension"],
        data["score"],
        strict=True,
    )
    for row, (community, quarter_text, rater, ratee, dimension, raw) in enumerate(rows):
        members = known.get(str(community))
        if members is None:
            raise UnknownUnitError(
                f"community {community!r} has no units table rows",
                field=_where("ratings", row, "community"),
                rule="E-1",
            )
        if str(quarter_text) != str(quarter):
            raise EligibilityError(
                f"a rating for {quarter_text} in the evaluation of {quarter}",
                field=_where("ratings", row, "quarter"),
                rule="E-1",
            )
        for column, who in (("rater", rater), ("ratee", ratee)):
            if who not in members:
                raise UnknownUnitError(
                    f"{who!r} is not a member unit of {community}",
                    field=_where("ratings", row, column),
                    rule="E-3",
                )
        try:
            index = _DIMENSIONS.index(Dimension.from_label(str(dimension)))
        except GovernanceError as error:
            raise _located(error, "ratings", row, "dimension") from None
        try:
            score = None if raw is None or raw == "" else as_score(raw, field="score", rule="E-2")
        except GovernanceError as error:
            raise _located(error, "ratings", row, "score") from None
        columns = city[str(community)].ratings.setdefault((rater, ratee), [None] * 6)
        if score is not None:
            _store(columns, index, score, scale, row=row, who=f"{rater} already rated {ratee}")
    for community, entry in city.items():
        for (rater, ratee), columns in entry.ratings.items():
            if all(value is None for value in columns):
                raise ParseError(
                    f"{rater}'s rating of {ratee} in {community} scores no dimension",
                    field="ratings.score",
                    rule="E-2",
                )


def _store(
    columns: list[int | None], index: int, score: Decimal, scale: ScoreRange, *, row: int, who: str
) -> None:
    """Check one score against the scale and keep it in the scale's smallest unit (E-2)."""
    units = on_scale(score, scale, field=_where("ratings", row, "score"))
    if columns[index] is not None:
        raise DuplicateRatingError(
            f"{who} on {_DIMENSIONS[index].code}",
            field=_where("ratings", row, "dimension"),
            rule="E-3",
        )
    columns[index] = units


def _read_survey(
    projects: Mapping[str, list[Any]],
    answers: Mapping[str, list[Any]],
    city: dict[str, _Community],
    snapshot: PolicySnapshot,
) -> None:
    for row, (community, project, units) in enumerate(
        zip(projects["community"], projects["project"], projects["responsible_units"], strict=True)
    ):
        entry = city.get(str(community))
        responsible = _responsible(units, row)
        stray = [u for u in responsible if entry is None or u not in entry.units]
        if entry is None or stray:
            raise UnknownUnitError(
                f"{stray} are not member units of {community}",
                field=_where("projects", row, "responsible_units"),
                rule="E-4",
            )
        entry.projects[str(project)] = responsible
    scale = snapshot.survey_answer_scale
    for row, (community, household, project, answer) in enumerate(
        zip(
            answers["community"],
            answers["household"],
            answers["project"],
            answers["answer"],
            strict=True,
        )
    ):
        entry = city.get(str(community))
        if entry is None or str(project) not in entry.projects:
            raise UnknownProjectError(
                f"project {project!r} is not a project of {community}",
                field=_where("answers", row, "project"),
                rule="E-4",
            )
        key = (str(household), str(project))
        if key in entry.answered:
            raise DuplicateResponseError(
                f"household {household!r} already answered about {project!r}",
                field=_where("answers", row, "household"),
                rule="E-4",
            )
        try:
            level = scale.level(str(answer))
        except GovernanceError as error:
            raise InvalidAnswerError(
                error.message, field=_where("answers", row, "answer"), rule="E-4"
            ) from None
        entry.answered.add(key)
        entry.answers.setdefault(str(project), []).append(level.score)


def _public(entry: _Community, unit: str, snapshot: PolicySnapshot) -> Ratio | None:
    if snapshot.survey_attribution is SurveyAttribution.ALL:
        scores = [s for values in entry.answers.values() for s in values]
    else:
        scores = [
            s
            for project, values in entry.answers.items()
            if unit in entry.projects[project]
            for s in values
        ]
    if not scores:
        return None
    total = sum(scores, Fraction(0))
    return total.numerator, total.denominator * len(scores)


@attrs.frozen
class CityResult:
    """The per-unit results of a city, as columns (``OUTPUT_COLUMNS``), in rank order.

    ``self``, ``peer`` and ``public`` are the exact components as canonical text (``None``
    where missing); ``exact_numerator`` / ``exact_denominator`` the exact final score in
    lowest terms; ``final`` the reported score (a ``Decimal``, rounded once).
    """

    columns: Mapping[str, tuple[Any, ...]]

    def __len__(self) -> int:
        return len(self.columns["unit"])

    def rows(self) -> list[dict[str, Any]]:
        """One mapping per unit."""
        return [
            dict(zip(self.columns, values, strict=True))
            for values in zip(*self.columns.values(), strict=True)
        ]

    def to_pandas(self) -> Any:
        """A pandas DataFrame (the ``[notebook]`` or ``[scale]`` extra)."""
        import pandas as pd  # noqa: PLC0415 - an optional extra

        return pd.DataFrame({name: list(values) for name, values in self.columns.items()})

    def to_arrow(self) -> Any:
        """A pyarrow table (the ``[scale]`` extra); ``final`` as a decimal column."""
        import pyarrow as pa  # noqa: PLC0415 - an optional extra

        return pa.table({name: list(values) for name, values in self.columns.items()})


def evaluate_city(
    tables: Mapping[str, Any],
    *,
    quarter: Quarter | str,
    policy: Policy | PolicySnapshot | None = None,
    at: dt.date | None = None,
) -> CityResult:
    """Evaluate every unit of every community in ``tables`` for ``quarter`` (E-1..E-6).

    Args:
        tables: ``units``, ``ratings`` and, for the survey, ``projects`` and ``answers``
            (see ``INPUT_COLUMNS``); each a pyarrow table, a pandas DataFrame or a
            mapping of columns.
        quarter: the quarter evaluated; every rating row must be for it.
        policy: the policy, or a snapshot of it; default the shipped one.
        at: the evaluation date; default the quarter's last day.

    Raises:
        GovernanceError: the first invalid row, naming the table, the row and the column,
            or a unit's rule error (a missing component the policy does not re-weight).
    """
    quarter = quarter if isinstance(quarter, Quarter) else Quarter.parse(quarter)
    on = at or quarter.end
    if on < quarter.end:
        raise EligibilityError(
            f"{quarter} is evaluated after it ends ({quarter.end}), not on {on}",
            field="at",
            rule="E-1",
        )
    snapshot = resolve(policy, on)
    city: dict[str, _Community] = {}
    _read_units(_columns(tables, "units", required=True), city)
    _read_ratings(_columns(tables, "ratings", required=True), city, quarter, snapshot)
    _read_survey(
        _columns(tables, "projects", required=False),
        _columns(tables, "answers", required=False),
        city,
        snapshot,
    )
    out: dict[str, list[Any]] = {name: [] for name in OUTPUT_COLUMNS}
    for community in sorted(city):
        _score_community(community, city[community], snapshot, out)
    return CityResult(FrozenMap({name: tuple(values) for name, values in out.items()}))


def _score_community(
    community: str, entry: _Community, p: PolicySnapshot, out: dict[str, list[Any]]
) -> None:
    dims = int_weights(p.dimension_weights, _DIMENSIONS)
    peers: dict[str, list[tuple[str, Sequence[int | None]]]] = {u: [] for u in entry.units}
    for (rater, ratee), columns in sorted(entry.ratings.items()):
        if rater != ratee:
            peers[ratee].append((rater, columns))
    finals = {}
    for unit in entry.units:
        own = entry.ratings.get((unit, unit))
        try:
            finals[unit] = unit_final(
                unit,
                own=own,
                peers=peers[unit],
                public=_public(entry, unit, p),
                policy=p,
                dimension_weights=dims,
            )
        except GovernanceError as error:
            raise type(error)(
                error.message, field=f"{community}: {error.field}", rule=error.rule
            ) from None
    reported = {
        u: round_ratio(f.numerator, f.denominator, p.rounding_places, p.rounding_mode)
        for u, f in finals.items()
    }
    rounded = p.grade_basis is GradeBasis.ROUNDED
    basis = {u: Fraction(reported[u]) if rounded else f.exact for u, f in finals.items()}
    ranks = rank(basis)
    bands = p.grade_bands
    for unit in sorted(entry.units, key=lambda u: (ranks[u], u)):
        final = finals[unit]
        divisor = math.gcd(final.numerator, final.denominator)
        grade = next(b.grade for b in bands if basis[unit] >= b.minimum)
        components = {c: final.component(c) for c in Component}
        out["community"].append(community)
        out["unit"].append(unit)
        for name, component in (
            ("self", Component.SELF),
            ("peer", Component.PEER),
            ("public", Component.PUBLIC),
        ):
            value = components[component]
            out[name].append(None if value is None else format_fraction(value))
        out["exact_numerator"].append(final.numerator // divisor)
        out["exact_denominator"].append(final.denominator // divisor)
        out["final"].append(reported[unit])
        out["grade"].append(grade.code)
        out["rank"].append(ranks[unit])
