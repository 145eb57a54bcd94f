"""Commands of the ``community-governance`` command line (adapter over the domain).

``policy show`` (the default job), ``policy list``, ``policy validate`` and
``policy diff`` (P, all rules).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from community_governance.cli import EXIT_OUTCOME, default_lang
from community_governance.cli.inputs import encoding_option
from community_governance.cli.options import (
    format_option,
    lang_option,
    load_document_file,
    named_policy,
    policy_option,
)
from community_governance.policy import (
    DEFAULT_POLICY,
    PolicySnapshot,
    available_policies,
    diff,
    load_policy,
)
from community_governance.tables.read import Encoding
from community_governance.vocabulary import Lang

__all__ = ["cli"]


def _echo_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group(
    help="The 127 community-governance mechanism. 127党建引领社区治理机制。",
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(package_name="community-governance")
def cli() -> None:
    """Group of all commands."""


def _register_city() -> None:
    from community_governance.cli.announce import announce
    from community_governance.cli.case import case
    from community_governance.cli.city import city
    from community_governance.cli.ledger import ledger
    from community_governance.cli.meeting import meeting

    cli.add_command(case)
    cli.add_command(city)
    cli.add_command(meeting)
    cli.add_command(announce)
    cli.add_command(ledger)


_register_city()


@cli.group(help="Read, check and compare policies. 查看、校验、比较政策参数。")
def policy() -> None:
    """Group of the policy commands."""


@policy.command("show", help="List every parameter with its value, rule, dates and note.")
@click.argument("name", default=DEFAULT_POLICY)
@click.option("--at", "on", type=click.DateTime(["%Y-%m-%d"]), help="Only the values on this date.")
@format_option(("table", "json"), "table for people, json for programs.")
@lang_option
def policy_show(name: str, on: dt.datetime | None, fmt: str, lang: Lang | None) -> None:
    """Show a policy (a shipped or installed id, or a .toml file)."""
    loaded = named_policy(name)
    lang = lang or default_lang()
    if on is not None:
        snapshot = loaded.at(on.date())
        if fmt == "json":
            _echo_json(
                {
                    use.name: {
                        "value": use.value,
                        "rule": use.rule,
                        "valid_from": str(use.valid_from),
                    }
                    for use in snapshot.uses.values()
                }
            )
        else:
            for use in snapshot.uses.values():
                click.echo(f"{use.name} = {use.value}  [{use.rule}, {use.valid_from}]")
        return
    if fmt == "json":
        click.echo(loaded.to_json())
    else:
        click.echo(loaded.to_text(lang))


@policy.command("list", help="List the ids of the shipped and installed policies.")
def policy_list() -> None:
    """List available policy ids."""
    for name in available_policies():
        click.echo(name)


@policy.command("validate", help="Check a policy file; exit 2 with the field and rule if invalid.")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@lang_option
def policy_validate(path: Path, lang: Lang | None) -> None:
    """Validate a policy file."""
    loaded = load_policy(path)
    if (lang or default_lang()) == "zh":
        click.echo(f"{path}: 有效（{len(loaded.parameters)} 个参数）")
    else:
        click.echo(f"{path}: valid ({len(loaded.parameters)} parameters)")


@policy.command("diff", help="List the parameters that differ between two policies.")
@click.argument("before")
@click.argument("after")
@format_option(("table", "json"), "table for people, json for programs.")
@lang_option
@click.option("--fail-on-change", is_flag=True, help="Exit 1 when the policies differ.")
def policy_diff(before: str, after: str, fmt: str, lang: Lang | None, fail_on_change: bool) -> None:
    """Compare two policies."""
    changes = diff(named_policy(before), named_policy(after))
    if fmt == "json":
        _echo_json(changes.as_overrides())
    else:
        click.echo(changes.to_text(lang or default_lang()))
    if fail_on_change and changes:
        raise click.exceptions.Exit(EXIT_OUTCOME)


@cli.command("catalogue", help="List the service catalogue (S-1..S-7), with installed extensions.")
@format_option(
    ("table", "json", "markdown"), "table for people, json for programs, markdown for documents."
)
@lang_option
@click.option("--builtin", is_flag=True, help="Only the built-in catalogue, without extensions.")
@click.option(
    "--extension",
    "extensions",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="An extension file.",
)
def catalogue(fmt: str, lang: Lang | None, builtin: bool, extensions: tuple[str, ...]) -> None:
    """Show the service catalogue."""
    from community_governance.services import load_catalogue

    shown = load_catalogue(installed=not builtin, files=extensions)
    language = lang or default_lang()
    if fmt == "json":
        click.echo(shown.to_json())
    elif fmt == "markdown":
        click.echo(shown.to_markdown(language), nl=False)
    else:
        for entry in shown.entries.values():
            indent = "  " if entry.parent else ""
            click.echo(f"{entry.rule}  {indent}{entry.entry_id}  {entry.name(language)}")


@cli.command("demo", help="Run a whole quarter on the demo community and show the results.")
@click.option("--seed", type=int, default=127, show_default=True, help="Seed of the demo data.")
@click.option("--quarter", default="2026Q3", show_default=True, help="The quarter, such as 2026Q3.")
@lang_option
@format_option(("table", "json"), "table for people, json for programs.")
@click.option(
    "--export",
    "export",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the quarter's documents (ratings, frame, certificate, survey, result, "
    "meeting, announcement) into this new folder: example files to start from.",
)
def demo(seed: int, quarter: str, lang: Lang | None, fmt: str, export: Path | None) -> None:
    """Concerns, meeting, routing, evaluation, rectification and 1:2:7, for one quarter."""
    from rich.console import Console

    from community_governance.cli.demo_view import demo_summary, show_demo
    from community_governance.demo import demo_quarter, run_demo

    console = Console(highlight=False)
    with console.status("…", spinner="dots"):
        data = demo_quarter(seed, quarter)
        outcome = run_demo(data)
    if export is not None:
        from community_governance.folders import write_new_folder
        from community_governance.schemas.examples import EXAMPLES, example_documents

        write_new_folder(export, example_documents(data, outcome), rule="demo")
        language = lang or default_lang()
        for name, (zh, en) in EXAMPLES.items():
            click.echo(f"{export / name}  {zh if language == 'zh' else en}")
        return
    if fmt == "json":
        places = data.policy.at(data.quarter.end).rounding_places
        _echo_json(demo_summary(outcome, places))
        return
    show_demo(console, data, outcome, lang or default_lang())


@cli.command(
    "template",
    help="Write a fill-in template of a table, with an example row and drop-down lists. "
    "写出填报模板（含示例行与下拉列表）。",
)
@click.argument(
    "kind", type=click.Choice(["ratings", "survey", "frame", "ballots", "projects", "units"])
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

        unit_ids = unit_ids_of(units, rules)
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
            raise click.UsageError("a workbook is written to a file: give --out KIND.xlsx")
        click.echo(content.decode("utf-8-sig"), nl=False)
        return
    if target.exists():
        from community_governance.errors import ParseError

        raise ParseError(
            "the file exists already; give another --out", field=str(target), rule=kind
        )
    _emit(content, target, binary=True)
    click.echo(str(target))


def _rules(policy_name: str, on: dt.date) -> PolicySnapshot:
    return named_policy(policy_name).at(on)


@cli.command("schema", help="Print the JSON Schema of an exchanged document (or list them).")
@click.argument("name", required=False)
def schema(name: str | None) -> None:
    """JSON Schema of the documents."""
    from community_governance.errors import ParseError
    from community_governance.schemas import DOCUMENTS, json_schema

    if name is None:
        for known in DOCUMENTS:
            click.echo(known)
        return
    if name not in DOCUMENTS:
        raise ParseError(f"unknown document {name!r}; known: {', '.join(DOCUMENTS)}", field="name")
    _echo_json(json_schema(name))


@cli.command("tally", help="Decide a proposal from its vote counts (C-3), exactly.")
@click.option("--entitled", type=int, required=True, help="Representatives entitled to vote (C-3).")
@click.option("--present", type=int, default=None, help="Default: everyone entitled.")
@click.option("--agree", type=int, required=True, help="Votes in favour.")
@click.option("--disagree", type=int, default=0, help="Votes against.")
@click.option("--abstain", type=int, default=0, help="Abstentions.")
@click.option(
    "--threshold", default=None, help="Exact threshold, e.g. 85% or 17/20 (default: policy)."
)
@click.option("--at", "on", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Policy date.")
@policy_option
@format_option(("table", "json"), "table for people, json for programs.")
@lang_option
@click.option("--fail-on-reject", is_flag=True, help="Exit 1 when the proposal is rejected.")
def tally_command(
    entitled: int,
    present: int | None,
    agree: int,
    disagree: int,
    abstain: int,
    threshold: str | None,
    on: dt.datetime | None,
    policy_name: str,
    fmt: str,
    lang: Lang | None,
    fail_on_reject: bool,
) -> None:
    """Tally one vote."""
    from community_governance.consultation import tally

    rules = _rules(policy_name, on.date() if on else dt.date.today())  # noqa: DTZ011 - a local date
    result = tally(
        entitled=entitled,
        present=entitled if present is None else present,
        agree=agree,
        disagree=disagree,
        abstain=abstain,
        policy=rules,
        threshold=threshold,
    )
    if fmt == "json":
        from community_governance.schemas import TallyDoc

        _echo_json(TallyDoc.from_domain(result).model_dump(mode="json"))
    else:
        click.echo(result.explanation.to_text(lang or default_lang()))
    if fail_on_reject and not result.approved:
        raise click.exceptions.Exit(EXIT_OUTCOME)


@cli.group(help="Draw and verify household samples (E-4).")
def sample() -> None:
    """Group of the sampling commands."""


@sample.command(
    "draw", help="Draw the survey sample from a frame (JSON, CSV or Excel); print the certificate."
)
@click.argument("frame_path", metavar="FRAME")
@click.option("--seed", required=True, help="The public seed, as announced (text: 007 stays 007).")
@click.option("--seed-source", required=True, help="How the seed was produced.")
@click.option(
    "--stratified", is_flag=True, help="Draw within the frame's strata, in proportion (E-4)."
)
@click.option("--at", "on", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Policy date.")
@policy_option
@encoding_option
def sample_draw(
    frame_path: str,
    seed: str,
    seed_source: str,
    stratified: bool,
    on: dt.datetime | None,
    policy_name: str,
    encoding: Encoding,
) -> None:
    """Draw a sample."""
    from community_governance.cli.inputs import frame_input
    from community_governance.evaluation import draw_sample
    from community_governance.schemas import CertificateDoc

    rules = _rules(policy_name, on.date() if on else dt.date.today())  # noqa: DTZ011 - a local date
    frame = frame_input(frame_path, rules, encoding=encoding)
    # The seed is text, hashed exactly as announced: "007" stays "007" (E-4).
    from community_governance.cli.progress import LARGE_FRAME, working

    with working(f"抽样 / drawing from {len(frame):,} households", large=len(frame) >= LARGE_FRAME):
        certificate = draw_sample(
            frame, seed, rules, seed_source=seed_source, stratified=stratified
        )
    click.echo(CertificateDoc.from_domain(certificate).model_dump_json(indent=2))


@sample.command(
    "verify", help="Re-check a certificate against its frame; exit 1 if it does not match."
)
@click.argument("certificate_path", metavar="CERTIFICATE.json")
@click.argument("frame_path", metavar="FRAME")
@policy_option
@encoding_option
def sample_verify(
    certificate_path: str, frame_path: str, policy_name: str, encoding: Encoding
) -> None:
    """Verify a sample."""
    from community_governance.cli.inputs import frame_input
    from community_governance.evaluation import verify_sample

    certificate = load_document_file(certificate_path, "certificate").to_domain()
    rules = _rules(policy_name, dt.date.today())  # noqa: DTZ011 - a local date
    frame = frame_input(frame_path, rules, encoding=encoding)
    outcome = verify_sample(certificate, frame)
    click.echo("ok" if outcome.ok else "\n".join(outcome.problems))
    if not outcome.ok:
        raise click.exceptions.Exit(EXIT_OUTCOME)


@cli.command(
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
@encoding_option
@click.option(
    "--on", "on", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Evaluation date."
)
@policy_option
@format_option(
    ("table", "json", "csv", "xlsx"),
    "table for people, json for the result document, csv or xlsx for spreadsheets.",
)
@click.option(
    "--excel",
    is_flag=True,
    help="With --format csv: start with a byte-order mark, so Excel reads Chinese as UTF-8.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the result to this file instead of standard output (needed for xlsx).",
)
@lang_option
def evaluate(
    ratings_path: str,
    survey_path: str,
    units: str | None,
    projects: str | None,
    certificate: str | None,
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
        policy_day,
        ratings_input,
        ratings_quarter,
        survey_input,
    )
    from community_governance.evaluation import evaluate_quarter
    from community_governance.schemas import QuarterResultDoc

    quarter, data, source = ratings_quarter(ratings_path, encoding)
    day = policy_day(on, quarter)
    loaded = named_policy(policy_name)
    rules = loaded.at(day)
    book = ratings_input(data, source, rules, units=units, encoding=encoding)
    survey = survey_input(
        survey_path, rules, projects=projects, certificate=certificate, encoding=encoding
    )
    result = evaluate_quarter(book.community, quarter, book, survey, policy=loaded, at=day)
    language = lang or default_lang()
    if fmt == "json":
        _emit(QuarterResultDoc.from_domain(result).model_dump_json(indent=2) + "\n", out)
    elif fmt in ("csv", "xlsx"):
        from community_governance.cli.spreadsheet import result_csv, result_xlsx

        if fmt == "xlsx":
            _emit(result_xlsx(result, language), out, binary=True)
        else:
            _emit(result_csv(result, language, excel=excel), out)
    else:
        _emit(
            "".join(
                f"{card.rank:>3}  {card.unit_id:<20} {card.final.reported:>7}  "
                f"{card.grade.label(language)}\n"
                for card in result.scorecards
            ),
            out,
        )


def _emit(content: str | bytes, out: Path | None, *, binary: bool = False) -> None:
    """``content`` to ``out``, or to standard output (a workbook only to a file)."""
    if out is not None:
        from community_governance.folders import write_file

        write_file(out, content.encode() if isinstance(content, str) else content)
    elif binary:
        raise click.UsageError("a workbook is written to a file: give --out RESULT.xlsx")
    else:
        click.echo(content, nl=False)


@cli.command("explain", help="Explain one unit's score from a quarter-result document.")
@click.argument("result_path", metavar="RESULT.json")
@click.argument("unit")
@lang_option
@format_option(
    ("table", "json", "text"), "table for people (text is its former name), json for programs."
)
def explain(result_path: str, unit: str, lang: Lang | None, fmt: str) -> None:
    """Explain a scorecard."""
    from community_governance.errors import UnknownUnitError

    result = load_document_file(result_path, "quarter-result").to_domain()
    try:
        card = result.scorecard(unit)
    except KeyError:
        raise UnknownUnitError(f"{unit!r} is not in the result", field="unit", rule="E-1") from None
    if fmt == "json":
        click.echo(card.explanation.to_json())
    else:
        click.echo(card.explanation.to_text(lang or default_lang()))
