"""``evaluate``, ``explain`` and ``template``: a quarter's files in, its results out (E-1..E-6).

The quarter's inputs may be JSON documents or tables (CSV, Excel, JSON rows; see
``community_governance.tables``); results come as a table, a JSON document, CSV or a
workbook. ``template`` writes the tables to fill in.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from community_governance.cli import default_lang
from community_governance.cli.inputs import encoding_option
from community_governance.cli.options import (
    format_option,
    lang_option,
    load_document_file,
    named_policy,
    policy_option,
)
from community_governance.cli.spreadsheet import emit, listing_options
from community_governance.cli.usage import UsageError
from community_governance.schemas.explanation import explanation_json
from community_governance.tables.text import Encoding
from community_governance.vocabulary import Lang

__all__ = ["evaluate", "explain", "template_command"]


@click.command(
    "template",
    help="Write a fill-in template of a table, with an example row and drop-down lists. "
    "写出填报模板（含示例行与下拉列表）。",
)
@click.argument(
    "kind",
    type=click.Choice(["ratings", "survey", "entry", "frame", "ballots", "projects", "units"]),
)
@format_option(("xlsx", "csv", "json"), "xlsx (drop-down lists), csv or json (rows).")
@lang_option
@click.option(
    "--units",
    default=None,
    help="A units table (or ratings document): its unit ids fill the drop-down lists.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The file to write (default: KIND.FORMAT in the current folder; - for standard output).",
)
@policy_option
def template_command(
    kind: str, fmt: str, lang: Lang | None, units: str | None, out: Path | None, policy_name: str
) -> None:
    """Write a template."""
    from typing import Literal, cast

    from community_governance.tables.templates import template

    rules = named_policy(policy_name).at(dt.date.today())  # noqa: DTZ011 - a local date
    unit_ids: tuple[str, ...] = ()
    if units is not None:
        from community_governance.cli.inputs import unit_ids_of

        unit_ids = unit_ids_of(units)
    language = lang or default_lang()
    content = template(
        kind,
        cast("Literal['csv', 'xlsx', 'json']", fmt),
        rules,
        lang=language,
        unit_ids=unit_ids,
    )
    target = out if out is not None else Path(f"{kind}.{fmt}")
    if str(target) == "-":
        if fmt == "xlsx":
            raise UsageError(
                "a workbook is written to a file: give --out KIND.xlsx",
                zh="工作簿须写入文件：请给出 --out KIND.xlsx",
            )
        click.echo(content.decode("utf-8-sig"), nl=False)
        return
    if target.exists():
        from community_governance.errors import ParseError

        raise ParseError(
            "the file exists already; give another --out",
            field=str(target),
            rule=kind,
            zh="文件已存在；请另给 --out",
        )
    emit(content, target, binary=True)
    click.echo(str(target))


@click.command(
    "evaluate",
    help="Evaluate a quarter from ratings and survey files (E-1..E-6): JSON documents, "
    "CSV (UTF-8, BOM or GBK) or Excel tables.",
)
@click.argument("ratings_path", metavar="RATINGS")
@click.argument("survey_path", metavar="SURVEY")
@click.option(
    "--units",
    default=None,
    help="The member units' table, for a ratings table (default: the workbook's units sheet, "
    "or units.csv/units.xlsx beside the ratings).",
)
@click.option(
    "--projects",
    default=None,
    help="The projects' table, for a survey answers table (default: the workbook's projects "
    "sheet, or projects.csv/projects.xlsx beside the answers).",
)
@click.option(
    "--certificate",
    default=None,
    help="The sample certificate (JSON), for a survey answers table "
    "(default: certificate.json beside the answers).",
)
@click.option(
    "--frame",
    "frame_path",
    default=None,
    help="The sampling frame (a frame document or table): the survey's certificate must "
    "verify against it, or nothing is evaluated (E-4).",
)
@encoding_option
@click.option(
    "--on", "on", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Evaluation date."
)
@policy_option
@listing_options("the result document")
@lang_option
def evaluate(
    ratings_path: str,
    survey_path: str,
    units: str | None,
    projects: str | None,
    certificate: str | None,
    frame_path: str | None,
    encoding: Encoding,
    on: dt.datetime | None,
    policy_name: str,
    fmt: str,
    excel: bool,
    out: Path | None,
    lang: Lang | None,
) -> None:
    """Evaluate a quarter."""
    from community_governance.cli.inputs import (
        frame_input,
        policy_day,
        ratings_input,
        ratings_quarter,
        survey_input,
    )
    from community_governance.errors import read_in
    from community_governance.evaluation import check_drawn, evaluate_quarter
    from community_governance.evaluation.fieldwork import survey_return
    from community_governance.schemas import QuarterResultDoc

    quarter, data, source = ratings_quarter(ratings_path, encoding)
    day = policy_day(on, quarter)
    loaded = named_policy(policy_name)
    rules = loaded.at(day)
    book = ratings_input(data, source, rules, units=units, encoding=encoding)
    survey = survey_input(
        survey_path, rules, projects=projects, certificate=certificate, encoding=encoding
    )
    if frame_path is not None:
        frame = frame_input(frame_path, encoding=encoding)
        read_in(frame_path, lambda: check_drawn(survey.certificate, frame))
    result = evaluate_quarter(book.community, quarter, book, survey, policy=loaded, at=day)
    language = lang or default_lang()
    if fmt == "json":
        response = survey_return(survey)
        document = QuarterResultDoc.from_domain(result, rules.rounding_places, response)
        emit(document.to_json(), out)
    elif fmt in ("csv", "xlsx"):
        from community_governance.cli.spreadsheet import write_result

        write_result(result, fmt=fmt, lang=language, excel=excel, out=out)
    else:
        emit(
            "".join(
                f"{card.rank:>3}  {card.unit_id:<20} {card.final.reported:>7}  "
                f"{card.grade.label(language)}\n"
                for card in result.scorecards
            ),
            out,
        )


@click.command("explain", help="Explain one unit's score from a quarter-result document.")
@click.argument("result_path", metavar="RESULT.json")
@click.argument("unit")
@lang_option
@format_option(
    ("table", "json", "text"), "table for people (text is its former name), json for programs."
)
@click.option(
    "--history",
    "history",
    multiple=True,
    metavar="RESULT.json",
    help="An earlier quarter's result of the same community (repeat it): the rules of "
    "installed packages that look back are explained too.",
)
@click.option(
    "--policy",
    "policy_name",
    default=None,
    help="The installed policy or .toml file those rules read (default: the shipped).",
)
def explain(
    result_path: str,
    unit: str,
    lang: Lang | None,
    fmt: str,
    history: tuple[str, ...],
    policy_name: str | None,
) -> None:
    """Explain a scorecard, and what installed rule sets decide for the unit."""
    from community_governance.errors import UnknownUnitError

    result = load_document_file(result_path, "quarter-result").to_domain()
    try:
        card = result.scorecard(unit)
    except KeyError:
        raise UnknownUnitError(
            f"{unit!r} is not in the result", field="unit", rule="E-1", zh=f"{unit!r} 不在此结果中"
        ) from None
    explanations = [card.explanation]
    if history:
        explanations += _local_decisions(result, history, unit, policy_name)
    if fmt == "json":
        if history:
            click.echo("[" + ",\n".join(explanation_json(e) for e in explanations) + "]")
        else:
            click.echo(explanation_json(card.explanation))
    else:
        click.echo("\n\n".join(e.to_text(lang or default_lang()) for e in explanations))


def _local_decisions(
    result: Any, history: tuple[str, ...], unit: str, policy_name: str | None
) -> list[Any]:
    """What every installed rule set decides for ``unit`` over the community's history."""
    from community_governance.evaluation import QuarterHistory
    from community_governance.policy import default_policy
    from community_governance.rules import extend, installed_rule_sets

    earlier = [load_document_file(path, "quarter-result").to_domain() for path in history]
    quarters = QuarterHistory.of([*earlier, result])
    policy = extend(named_policy(policy_name) if policy_name else default_policy())
    decided = (
        s.explain_unit(quarters, policy, unit)
        for s in installed_rule_sets()
        if s.explain_unit is not None
    )
    return [explanation for explanation in decided if explanation is not None]
