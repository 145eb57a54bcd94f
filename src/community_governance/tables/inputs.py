"""A quarter's inputs built from tables, every refusal at its row (E-1..E-4).

Each row is read on its own first (ids, numbers, labels): every bad row is listed, up to
``MAX_LISTED``. The rows are then handed to the domain in one all-or-nothing batch
(``RatingBook.record_all``, ``Survey.respond_all``), which stays the authority on the rules;
when it refuses, the row it refused is found by bisecting the batch (the batch is in row
order, so the first prefix it refuses ends at that row), listed, set aside, and the rest
tried again, so that several refusals are listed at once. Reading is ``O(n log n)`` at worst
and linear when the table is right.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from community_governance.community import Community, MemberUnit, Project, Quarter
from community_governance.consultation.meeting import Meeting
from community_governance.consultation.meeting_events import ChangeVote, Vote
from community_governance.errors import GovernanceError, ParseError
from community_governance.evaluation.ratings import Rating, RatingBook
from community_governance.evaluation.sampling import SampleCertificate, SamplingFrame
from community_governance.evaluation.survey import Survey, SurveyResponse
from community_governance.ids import clean_id
from community_governance.policy.schema import PolicySnapshot
from community_governance.tables.kinds import TABLES, split_list
from community_governance.tables.read import MAX_LISTED, Row, Table, TableError, place_zh
from community_governance.vocabulary import Choice, Component, Dimension

__all__ = [
    "ballots_into",
    "frame_from_table",
    "projects_from_table",
    "quarter_of",
    "ratings_from_table",
    "survey_from_tables",
    "units_from_table",
]

T = TypeVar("T")
R = TypeVar("R")


def _line(row: Row, error: GovernanceError, column: str | None = None) -> Line:
    """One line for a refused row, in English and Chinese: its place, the words, the rule.

    A label that matches no member of a vocabulary is blamed on the row's table's rule.
    """
    place = row.where
    if column is not None:
        place = row.at(column)
    elif error.field:
        for code in row.places:
            if code in error.field.split(".")[-1] or error.field.endswith(code):
                place = row.at(code)
                break
    return (
        f"{place}: {error.message} [{error.rule}]",
        f"{place_zh(place)}：{error.message_in('zh')} [{error.rule}]",
    )


def _vocabulary(error: GovernanceError, rule: str) -> GovernanceError:
    """``error``, its rule the table's when it is only a vocabulary's."""
    if error.rule == "vocabulary":
        return ParseError(error.message, field=error.field, rule=rule, zh=error.zh)
    return error


#: A problem's line in English and in Chinese.
Line = tuple[str, str]

#: Problems found, by the position of their row (so that they are listed in row order).
Problems = list[tuple[int, Line]]


def _each(table: Table, read: Callable[[Row], T]) -> tuple[list[tuple[int, Row, T]], Problems]:
    """``read`` of every row: what was read, by row position, and every refusal."""
    done: list[tuple[int, Row, T]] = []
    problems: Problems = []
    for position, row in enumerate(table.rows):
        try:
            done.append((position, row, read(row)))
        except GovernanceError as error:
            problems.append((position, _line(row, _vocabulary(error, table.rule))))
    return done, problems


def _finish(table: Table, problems: Problems, rule: str) -> None:
    """Raise every problem, in row order, if there is any."""
    if problems:
        lines = [line for _, line in sorted(problems)]
        raise TableError.of(lines, field=table.source, rule=rule)


def _batch(
    table: Table,
    read: tuple[list[tuple[int, Row, T]], Problems],
    apply: Callable[[list[T]], R],
    rule: str,
) -> R:
    """``apply`` of the rows read, at once; its refusals located by bisection.

    They are listed with the rows' own problems, in row order.
    """
    kept, found = read
    kept = list(kept)
    problems = list(found)
    while kept:
        try:
            result = apply([item for _, _, item in kept])
        except GovernanceError as error:
            low, high = 1, len(kept)
            while low < high:
                middle = (low + high) // 2
                try:
                    apply([item for _, _, item in kept[:middle]])
                except GovernanceError:
                    high = middle
                else:
                    low = middle + 1
            position, row, _ = kept.pop(low - 1)
            problems.append((position, _line(row, error)))
            if len(problems) > MAX_LISTED:
                break
            continue
        _finish(table, problems, rule)
        return result
    _finish(table, problems, rule)
    return apply([])


def _one(table: Table, column: str, rule: str) -> str:
    """The value every row gives in ``column`` (a community's id, a quarter)."""
    values = {row.cells.get(column) for row in table.rows}
    if len(values) != 1 or None in values:
        shown = ", ".join(sorted(repr(v) for v in values))
        raise TableError(
            [f"{table.source}: each row names one {column}; found {shown or 'none'} [{rule}]"],
            field=table.source,
            rule=rule,
            zh=[f"{table.source}：每行须写同一个 {column}；实有 {shown or '无'} [{rule}]"],
        )
    return str(values.pop())


def _required(row: Row, column: str, rule: str) -> str:
    value = row.cells.get(column)
    if value is None:
        raise ParseError("this cell is empty", field=column, rule=rule, zh="此单元格为空")
    return value


_YES = {"是": True, "否": False, "true": True, "false": False, "yes": True, "no": False}


def _yes(text: str | None, column: str, rule: str) -> bool:
    """A yes-or-no cell (是/否, true/false, yes/no, 1/0); empty is no."""
    if text is None:
        return False
    found = _YES.get(text.casefold(), {"1": True, "0": False}.get(text))
    if found is None:
        raise ParseError(
            f"{text!r} is not yes or no (是/否)",
            field=column,
            rule=rule,
            zh=f"{text!r} 不是“是”或“否”",
        )
    return found


def _id(row: Row, column: str, rule: str) -> str:
    return clean_id(_required(row, column, rule), field=column, rule=rule)


def units_from_table(table: Table) -> Community:
    """The community and its member units from a ``units`` table (E-1, C-3)."""
    rule = TABLES["units"].rule

    def unit(row: Row) -> MemberUnit:
        return MemberUnit(
            _id(row, "unit_id", rule),
            _required(row, "name", rule),
            _required(row, "kind", rule),
            split_list(row.cells.get("responsibilities")),
            split_list(row.cells.get("business_lines")),
            split_list(row.cells.get("compounds")),
            credit_code=row.cells.get("credit_code"),
        )

    units = _each(table, unit)
    households = {row.cells.get("households") for row in table.rows} - {None}
    count = _households(table, households, rule)
    return _batch(
        table,
        units,
        lambda chosen: Community(
            clean_id(_one(table, "community_id", rule), field="community_id", rule=rule),
            _one(table, "community_name", rule),
            chosen,
            household_count=count,
        ),
        rule,
    )


def _households(table: Table, values: set[str | None], rule: str) -> int:
    if not values:
        return 0
    text = str(next(iter(values)))
    if len(values) != 1 or not text.isdecimal() or len(text) > 9:  # noqa: PLR2004
        given = ", ".join(sorted(map(str, values)))
        raise TableError(
            [
                (
                    f"{table.source}, households (住户数): the community's household count "
                    f"is one whole number, not {given} [{rule}]"
                )
            ],
            field=table.source,
            rule=rule,
            zh=[f"{table.source}，住户数：社区的住户数须为同一个整数，而不是 {given} [{rule}]"],
        )
    return int(text)


def quarter_of(table: Table) -> Quarter:
    """The quarter a ``ratings`` table is for (every row names the same one, E-1)."""
    return Quarter.parse(_one(table, "quarter", TABLES["ratings"].rule))


def ratings_from_table(table: Table, community: Community, policy: PolicySnapshot) -> RatingBook:
    """A quarter's rating book from a ``ratings`` table (E-2, E-3).

    A row whose ``kind`` is empty is a self-rating when the rater rates itself, else a peer
    rating; an empty dimension cell is "unable to rate".
    """
    rule = TABLES["ratings"].rule
    quarter = quarter_of(table)

    def rating(row: Row) -> Rating:
        rater, ratee = _id(row, "rater", rule), _id(row, "ratee", rule)
        given = row.cells.get("kind")
        kind = (
            Component.from_label(given)
            if given
            else (Component.SELF if rater == ratee else Component.PEER)
        )
        return Rating(
            rater, ratee, quarter, kind, {d.code: row.cells.get(d.code) for d in Dimension}
        )

    ratings = _each(table, rating)
    book = RatingBook(community, quarter)
    return _batch(table, ratings, lambda chosen: book.record_all(chosen, policy), rule)


def frame_from_table(table: Table) -> SamplingFrame:
    """A sampling frame from a ``frame`` table (E-4): households, and strata if given."""
    rule = TABLES["frame"].rule
    rows, problems = _each(
        table, lambda row: (_id(row, "household", rule), row.cells.get("stratum"))
    )
    seen: dict[str, Row] = {}
    for position, row, (household, _) in rows:
        first = seen.setdefault(household, row)
        if first is not row:
            problems.append(
                (
                    position,
                    (
                        (
                            f"{row.where}: household {household!r} is listed again "
                            f"(first at {first.where}) [{rule}]"
                        ),
                        (
                            f"{place_zh(row.where)}：住户 {household!r} 重复列出"
                            f"（首次见于 {place_zh(first.where)}）[{rule}]"
                        ),
                    ),
                )
            )
    _finish(table, problems, rule)
    strata = {h: s for _, _, (h, s) in rows if s is not None}
    return _batch(
        table,
        (rows, []),
        lambda chosen: SamplingFrame([h for h, _ in chosen], strata if strata else {}),
        rule,
    )


def projects_from_table(table: Table) -> tuple[Project, ...]:
    """The quarter's projects from a ``projects`` table (E-4)."""
    rule = TABLES["projects"].rule
    projects, problems = _each(
        table,
        lambda row: Project(
            _id(row, "project_id", rule),
            _required(row, "title", rule),
            _required(row, "quarter", rule),
            tuple(
                clean_id(u, field="responsible_units", rule=rule)
                for u in split_list(row.cells.get("responsible_units"))
            ),
        ),
    )
    _finish(table, problems, rule)
    return tuple(project for _, _, project in projects)


def survey_from_tables(
    projects: Table, answers: Table, certificate: SampleCertificate, policy: PolicySnapshot
) -> Survey:
    """A quarter's survey from its ``projects`` and ``survey`` tables and the certificate."""
    rule = TABLES["survey"].rule
    listed = projects_from_table(projects)
    survey = Survey(_one(projects, "quarter", TABLES["projects"].rule), certificate, listed)
    responses = _each(
        answers,
        lambda row: SurveyResponse(
            _id(row, "household", rule), _id(row, "project", rule), _required(row, "answer", rule)
        ),
    )
    return _batch(answers, responses, lambda chosen: survey.respond_all(chosen, policy), rule)


def ballots_into(meeting: Meeting, table: Table) -> Meeting:
    """``meeting`` with the ballots of a ``ballots`` table cast, in row order (C-3).

    A ballot also marks its voter present. The choice is a code or a label (同意, agree); a
    row whose ``change`` is yes (是, true, 1) changes an earlier ballot instead of casting one.
    """
    rule = TABLES["ballots"].rule
    read = _each(
        table,
        lambda row: (
            _id(row, "representative", rule),
            _id(row, "proposal", rule),
            Choice.from_label(_required(row, "choice", rule)),
            _yes(row.cells.get("change"), "change", rule),
        ),
    )

    def cast(ballots: list[tuple[str, str, Choice, bool]]) -> Meeting:
        return meeting.record_all(
            (ChangeVote if change else Vote)(person, proposal, choice)
            for person, proposal, choice, change in ballots
        )

    return _batch(table, read, cast, rule)
