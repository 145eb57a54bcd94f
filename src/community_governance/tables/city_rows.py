"""A city's tables read row by row into checked integer columns (E-1..E-4; adapter).

``read_rows`` reads the tables of
[`record_city`][community_governance.evaluation.city.record_city] one row at a time, in
Python ints, and raises the first invalid row's error, naming the table, the row and the
column. Each score is checked by the one check every reader uses
([`on_scale`][community_governance.evaluation.ratings.on_scale]); an id, a quarter and an
answer by the readers' own helpers here, which the whole-column readers of
``city_arrays`` call too. It fills one ``CommunityRows`` per community, which
[`score_community`][community_governance.evaluation.city.score_community] scores.
"""

from __future__ import annotations

import numbers
from collections.abc import Container, Iterable, Mapping
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
from community_governance.evaluation.ratings import on_scale
from community_governance.frozen import FrozenMap
from community_governance.ids import as_id
from community_governance.numbers import as_score
from community_governance.policy.scales import ScoreRange
from community_governance.policy.schema import PolicySnapshot
from community_governance.vocabulary import Dimension

__all__ = [
    "INPUT_COLUMNS",
    "CommunityRows",
    "read_rows",
    "responsible_units",
    "whole_number",
]

_DIMENSIONS = tuple(Dimension)


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
        units = tuple(as_id(v, field=field, rule="E-4") for v in value.split(";") if v.strip())
    elif isinstance(value, Iterable):
        units = tuple(as_id(v, field=field, rule="E-4") for v in value)
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


@attrs.define
class CommunityRows:
    """One community's units, ratings in the scale's unit, and survey parts by unit.

    Filled row by row by the readers, then read only.
    """

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


def _listed(value: object, listed: Container[str], where: tuple[str, int, str], rule: str) -> str:
    """``value`` as the id it names among ``listed``, read as every route reads an id.

    Most values are listed as they are; another is cleaned as ``as_id`` cleans an id (so
    ``" U1 "`` names ``"U1"``), and one that is no id at all is refused here, naming its
    row. The caller decides what an id that is still not listed means.
    """
    if isinstance(value, str) and value in listed:
        return value
    try:
        return as_id(value, field=where[2], rule=rule)
    except GovernanceError as error:
        raise _located(error, *where) from None


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
    for row, (listed_as, quarter_text, rater_as, ratee_as, dimension, raw) in enumerate(rows):
        community = _listed(listed_as, known, ("ratings", row, "community"), "E-1")
        members = known.get(community)
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
        rater = _listed(rater_as, members, ("ratings", row, "rater"), "E-3")
        ratee = _listed(ratee_as, members, ("ratings", row, "ratee"), "E-3")
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
        columns = city[community].ratings.setdefault((rater, ratee), [None] * 6)
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
    for row, (listed_as, project, units) in enumerate(
        zip(projects["community"], projects["project"], projects["responsible_units"], strict=True)
    ):
        community = _listed(listed_as, city, ("projects", row, "community"), "E-1")
        entry = city.get(community)
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
    for row, (listed_as, household, project_as, answer) in enumerate(
        zip(
            answers["community"],
            answers["household"],
            answers["project"],
            answers["answer"],
            strict=True,
        )
    ):
        community = _listed(listed_as, city, ("answers", row, "community"), "E-1")
        entry = city.get(community)
        project = (
            _listed(project_as, entry.projects, ("answers", row, "project"), "E-4")
            if entry is not None
            else project_as
        )
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
