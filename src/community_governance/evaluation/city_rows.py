"""A city's communities as rows of Python ints, and the scored units of a city (E-1..E-6).

The row readers here (``read_rows``) read the tables of
[`record_city`][community_governance.evaluation.city.record_city] one row at a time, in
Python ints, and raise the first invalid row's error, naming the table, the row and the
column. They fill one ``CommunityRows`` per community; ``score_community`` scores it with the same
per-unit integer code as ``evaluate_quarter``
([`unit_final`][community_governance.evaluation.columns.unit_final]) and appends the
units to a ``Scored`` table. The NumPy path of ``city_vector.py`` fills the same table
from int64 columns, and hands the communities it does not score itself to
``score_community``.
"""

from __future__ import annotations

import math
import numbers
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
from community_governance.evaluation.columns import on_scale, unit_final
from community_governance.evaluation.grading import grade_at, grade_basis, rank
from community_governance.evaluation.kernel import Ratio, int_weights, public_mean
from community_governance.frozen import FrozenMap
from community_governance.numbers import as_score, round_ratio
from community_governance.policy.scales import ScoreRange
from community_governance.policy.schema import PolicySnapshot
from community_governance.vocabulary import Component, Dimension, SurveyAttribution

__all__ = [
    "INPUT_COLUMNS",
    "CommunityRows",
    "Scored",
    "public_parts",
    "read_rows",
    "responsible_units",
    "score_community",
    "whole_number",
]

_DIMENSIONS = tuple(Dimension)
_COMPONENTS = (Component.SELF, Component.PEER, Component.PUBLIC)


def whole_number(value: object) -> object:
    """``value``, a NumPy or pandas integer as the Python int it is (a boolean stays one)."""
    if isinstance(value, bool):
        return value
    return int(value) if isinstance(value, numbers.Integral) else value


def responsible_units(value: object, row: int) -> tuple[str, ...]:
    """A project's responsible units: a list, or text separated by ``;`` (E-4).

    Raises:
        ParseError: neither, or no unit at all (a project's answers must count for someone).
    """
    field = f"projects[row {row}].responsible_units"
    if isinstance(value, str):
        units = tuple(v.strip() for v in value.split(";") if v.strip())
    elif isinstance(value, Iterable):
        units = tuple(str(v) for v in value)
    else:
        raise ParseError(
            "responsible units are a list or text separated by ';'",
            field=field,
            rule="E-4",
            zh="责任单位须为列表，或以“;”分隔的文本",
        )
    if not units:
        raise ParseError(
            "the project names no responsible unit",
            field=field,
            rule="E-4",
            zh="项目未写明责任单位",
        )
    return units


@attrs.frozen
class CommunityRows:
    """One community's units, ratings in the scale's unit, and survey parts by unit."""

    units: list[str] = attrs.field(factory=list)
    ratings: dict[tuple[str, str], list[int | None]] = attrs.field(factory=dict)
    projects: dict[str, tuple[str, ...]] = attrs.field(factory=dict)
    answers: dict[str, list[Fraction]] = attrs.field(factory=dict)
    answered: set[tuple[str, str]] = attrs.field(factory=set)


#: The columns each input table must have.
INPUT_COLUMNS: Mapping[str, tuple[str, ...]] = FrozenMap(
    {
        "units": ("community", "unit"),
        "ratings": ("community", "quarter", "rater", "ratee", "dimension", "score"),
        "projects": ("community", "project", "responsible_units"),
        "answers": ("community", "household", "project", "answer"),
    }
)


@attrs.frozen
class Scored:
    """Scored units as columns of Python ints and text, in the order of the result.

    Components are (numerator, denominator) columns with denominator 0 where missing; the
    exact final is in lowest terms; ``reported`` is the rounded final in units of
    ``10**-places``.
    """

    places: int
    community: list[str] = attrs.field(factory=list)
    unit: list[str] = attrs.field(factory=list)
    component_numerators: tuple[list[int], ...] = attrs.field(factory=lambda: ([], [], []))
    component_denominators: tuple[list[int], ...] = attrs.field(factory=lambda: ([], [], []))
    numerator: list[int] = attrs.field(factory=list)
    denominator: list[int] = attrs.field(factory=list)
    reported: list[int] = attrs.field(factory=list)
    grade: list[str] = attrs.field(factory=list)
    rank: list[int] = attrs.field(factory=list)

    @classmethod
    def empty(cls, places: int) -> Scored:
        """No units yet."""
        return cls(places)

    def merged(self, other: Scored) -> Scored:
        """Both tables' units, communities in order; each community comes from one table."""
        count = len(self.unit)
        communities = self.community + other.community
        order = sorted(range(len(communities)), key=communities.__getitem__)

        def pick(mine: list[Any], theirs: list[Any]) -> list[Any]:
            return [mine[i] if i < count else theirs[i - count] for i in order]

        return Scored(
            self.places,
            pick(self.community, other.community),
            pick(self.unit, other.unit),
            tuple(
                pick(a, b)
                for a, b in zip(self.component_numerators, other.component_numerators, strict=True)
            ),
            tuple(
                pick(a, b)
                for a, b in zip(
                    self.component_denominators, other.component_denominators, strict=True
                )
            ),
            pick(self.numerator, other.numerator),
            pick(self.denominator, other.denominator),
            pick(self.reported, other.reported),
            pick(self.grade, other.grade),
            pick(self.rank, other.rank),
        )


def score_community(
    community: str,
    entry: CommunityRows,
    public: Mapping[str, Ratio],
    p: PolicySnapshot,
    out: Scored,
) -> None:
    """Score one community's units (E-2..E-6) and append them to ``out`` in rank order.

    ``public`` holds each unit's survey part as (sum, count·unit), where it has one.

    Raises:
        GovernanceError: a unit's rule error (a missing component the policy does not
            re-weight), its field prefixed with the community.
    """
    dims = int_weights(p.dimension_weights, _DIMENSIONS)
    peers: dict[str, list[tuple[str, Sequence[int | None]]]] = {u: [] for u in entry.units}
    for (rater, ratee), columns in sorted(entry.ratings.items()):
        if rater != ratee:
            peers[ratee].append((rater, columns))
    finals = {}
    for unit in entry.units:
        try:
            finals[unit] = unit_final(
                unit,
                own=entry.ratings.get((unit, unit)),
                peers=peers[unit],
                public=public.get(unit),
                policy=p,
                dimension_weights=dims,
            )
        except GovernanceError as error:
            raise error.moved(f"{community}: {error.field}") from None
    reported = {
        u: round_ratio(f.numerator, f.denominator, p.rounding_places, p.rounding_mode)
        for u, f in finals.items()
    }
    basis = {u: grade_basis(f.exact, reported[u], p) for u, f in finals.items()}
    ranks = rank(basis)
    for unit in sorted(entry.units, key=lambda u: (ranks[u], u)):
        final = finals[unit]
        divisor = math.gcd(final.numerator, final.denominator)
        out.community.append(community)
        out.unit.append(unit)
        for index, component in enumerate(_COMPONENTS):
            ratio = final.components[component]
            out.component_numerators[index].append(0 if ratio is None else ratio[0])
            out.component_denominators[index].append(0 if ratio is None else ratio[1])
        out.numerator.append(final.numerator // divisor)
        out.denominator.append(final.denominator // divisor)
        out.reported.append(int(reported[unit].scaleb(p.rounding_places)))
        out.grade.append(grade_at(basis[unit], p).code)
        out.rank.append(ranks[unit])


def _columns(tables: Mapping[str, Any], name: str, *, required: bool) -> dict[str, list[Any]]:
    """A table as plain column lists, whatever it came as."""
    table = tables.get(name)
    wanted = INPUT_COLUMNS[name]
    if table is None:
        if required:
            raise ParseError(
                f"the {name} table is missing", field=name, rule="E-1", zh=f"缺少 {name} 表"
            )
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
            zh=(
                f"{name} 表的类型是 {type(table).__name__}；"
                "应为 pyarrow 表、pandas DataFrame 或由列组成的映射"
            ),
        )
    missing = [c for c in wanted if c not in data]
    if missing:
        raise ParseError(
            f"missing column(s) {missing}",
            field=f"{name}.{missing[0]}",
            rule="E-1",
            zh=f"缺少列：{missing}",
        )
    lengths = {len(data[c]) for c in wanted}
    if len(lengths) > 1:
        raise ParseError("columns of different lengths", field=name, rule="E-1", zh="各列长度不一")
    return data


def _where(table: str, row: int, column: str) -> str:
    return f"{table}[row {row}].{column}"


def _located(error: GovernanceError, table: str, row: int, column: str) -> GovernanceError:
    return error.moved(_where(table, row, column))


def _read_units(data: Mapping[str, list[Any]], city: dict[str, CommunityRows]) -> None:
    for row, (community, unit) in enumerate(zip(data["community"], data["unit"], strict=True)):
        entry = city.setdefault(str(community), CommunityRows())
        if unit in entry.units:
            raise ParseError(
                f"unit {unit!r} is listed twice",
                field=_where("units", row, "unit"),
                rule="E-1",
                zh=f"单位 {unit!r} 被列出两次",
            )
        entry.units.append(str(unit))


def _read_ratings(
    data: Mapping[str, list[Any]],
    city: dict[str, CommunityRows],
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
                zh=f"社区 {community!r} 在单位表中没有任何行",
            )
        if str(quarter_text) != str(quarter):
            raise EligibilityError(
                f"a rating for {quarter_text} in the evaluation of {quarter}",
                field=_where("ratings", row, "quarter"),
                rule="E-1",
                zh=f"在 {quarter} 的考评中出现了 {quarter_text} 的评分",
            )
        for column, who in (("rater", rater), ("ratee", ratee)):
            if who not in members:
                raise UnknownUnitError(
                    f"{who!r} is not a member unit of {community}",
                    field=_where("ratings", row, column),
                    rule="E-3",
                    zh=f"{who!r} 不是 {community} 的成员单位",
                )
        try:
            index = _DIMENSIONS.index(Dimension.from_label(str(dimension)))
        except GovernanceError as error:
            raise _located(error, "ratings", row, "dimension") from None
        # A NumPy or pandas integer is as exact as a Python int.
        given = whole_number(raw)
        try:
            score = (
                None if given is None or given == "" else as_score(given, field="score", rule="E-2")
            )
        except GovernanceError as error:
            raise _located(error, "ratings", row, "score") from None
        columns = city[str(community)].ratings.setdefault((rater, ratee), [None] * 6)
        if score is not None:
            _store(columns, index, score, scale, row=row, who=(rater, ratee))
    for community, entry in city.items():
        for (rater, ratee), columns in entry.ratings.items():
            if all(value is None for value in columns):
                raise ParseError(
                    f"{rater}'s rating of {ratee} in {community} scores no dimension",
                    field="ratings.score",
                    rule="E-2",
                    zh=f"{community} 中 {rater} 对 {ratee} 的评分没有给任何维度打分",
                )


def _store(
    columns: list[int | None],
    index: int,
    score: Decimal,
    scale: ScoreRange,
    *,
    row: int,
    who: tuple[str, str],
) -> None:
    """Check one score against the scale and keep it in the scale's smallest unit (E-2)."""
    units = on_scale(score, scale, field=_where("ratings", row, "score"))
    if columns[index] is not None:
        raise DuplicateRatingError(
            f"{who[0]} already rated {who[1]} on {_DIMENSIONS[index].code}",
            field=_where("ratings", row, "dimension"),
            rule="E-3",
            zh=f"{who[0]} 已就 {_DIMENSIONS[index].code} 评过 {who[1]}",
        )
    columns[index] = units


def _read_survey(
    projects: Mapping[str, list[Any]],
    answers: Mapping[str, list[Any]],
    city: dict[str, CommunityRows],
    snapshot: PolicySnapshot,
) -> None:
    for row, (community, project, units) in enumerate(
        zip(projects["community"], projects["project"], projects["responsible_units"], strict=True)
    ):
        entry = city.get(str(community))
        responsible = responsible_units(units, row)
        stray = [u for u in responsible if entry is None or u not in entry.units]
        if entry is None or stray:
            raise UnknownUnitError(
                f"{stray} are not member units of {community}",
                field=_where("projects", row, "responsible_units"),
                rule="E-4",
                zh=f"{stray} 不是 {community} 的成员单位",
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
                zh=f"项目 {project!r} 不是 {community} 的项目",
            )
        key = (str(household), str(project))
        if key in entry.answered:
            raise DuplicateResponseError(
                f"household {household!r} already answered about {project!r}",
                field=_where("answers", row, "household"),
                rule="E-4",
                zh=f"住户 {household!r} 已就 {project!r} 作答",
            )
        try:
            level = scale.level(str(answer))
        except GovernanceError as error:
            raise InvalidAnswerError(
                error.message, field=_where("answers", row, "answer"), rule="E-4", zh=error.zh
            ) from None
        entry.answered.add(key)
        entry.answers.setdefault(str(project), []).append(level.score)


def public_parts(entry: CommunityRows, snapshot: PolicySnapshot) -> dict[str, Ratio]:
    """Each unit's survey part: the answers that count for it, as (sum, count·unit)."""
    public: dict[str, Ratio] = {}
    for unit in entry.units:
        if snapshot.survey_attribution is SurveyAttribution.ALL:
            scores = [s for values in entry.answers.values() for s in values]
        else:
            scores = [
                s
                for project, values in entry.answers.items()
                if unit in entry.projects[project]
                for s in values
            ]
        if scores:
            total = sum(scores, Fraction(0))
            public[unit] = public_mean(total.numerator, len(scores), total.denominator)
    return public


def read_rows(
    tables: Mapping[str, Any], quarter: Quarter, snapshot: PolicySnapshot
) -> dict[str, CommunityRows]:
    """Every table read row by row (E-1..E-4): the first invalid row raises its error.

    Raises:
        GovernanceError: the first invalid row, naming the table, the row and the column.
    """
    city: dict[str, CommunityRows] = {}
    _read_units(_columns(tables, "units", required=True), city)
    _read_ratings(_columns(tables, "ratings", required=True), city, quarter, snapshot)
    _read_survey(
        _columns(tables, "projects", required=False),
        _columns(tables, "answers", required=False),
        city,
        snapshot,
    )
    return city
