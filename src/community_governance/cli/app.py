"""Commands of the ``community-governance`` command line (adapter over the domain).

``policy show`` (the default job), ``policy list``, ``policy validate`` and
``policy diff`` (P, all rules).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from community_governance.cli import EXIT_OUTCOME, default_lang
from community_governance.cli.commitment import secret_option
from community_governance.cli.inputs import encoding_option
from community_governance.cli.options import (
    format_option,
    lang_option,
    load_document_file,
    messages_lang_option,
    named_policy,
    policy_option,
)
from community_governance.cli.spreadsheet import emit, listing_options, write_rows
from community_governance.numbers import exact_json, json_number
from community_governance.policy import (
    DEFAULT_POLICY,
    PolicySnapshot,
    available_policies,
    default_policy,
    diff,
    load_policy,
)
from community_governance.tables.text import Encoding
from community_governance.vocabulary import Lang

if TYPE_CHECKING:
    from community_governance.evaluation import SampleCertificate, SamplingFrame
    from community_governance.evaluation.commitment import FrameCommitment

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
    from community_governance.cli.quarter import evaluate, explain, template_command
    from community_governance.cli.survey import survey

    cli.add_command(evaluate)
    cli.add_command(explain)
    cli.add_command(template_command)
    cli.add_command(case)
    cli.add_command(city)
    cli.add_command(meeting)
    cli.add_command(announce)
    cli.add_command(ledger)
    cli.add_command(survey)


_register_city()


@cli.group(help="Read, check and compare policies. 查看、校验、比较政策参数。")
def policy() -> None:
    """Group of the policy commands."""


@policy.command("show", help="List every parameter with its value, rule, dates and note.")
@click.argument("name", default=DEFAULT_POLICY)
@click.option("--at", "on", type=click.DateTime(["%Y-%m-%d"]), help="Only the values on this date.")
@listing_options()
@lang_option
def policy_show(
    name: str, on: dt.datetime | None, fmt: str, excel: bool, out: Path | None, lang: Lang | None
) -> None:
    """Show a policy (a shipped or installed id, or a .toml file)."""
    loaded = named_policy(name)
    lang = lang or default_lang()
    if fmt in ("csv", "xlsx"):
        from community_governance.cli.listings import POLICY_COLUMNS, policy_rows

        rows = policy_rows(loaded, lang, on.date() if on else None)
        sheet = ("政策参数", "parameters")
        write_rows(POLICY_COLUMNS, rows, fmt=fmt, lang=lang, sheet=sheet, excel=excel, out=out)
        return
    if on is not None:
        snapshot = loaded.at(on.date())
        if fmt == "json":

            def typed(name: str) -> object:
                # The value the snapshot holds, written by its kind, exact numbers as numbers.
                value = snapshot.local[name] if name in snapshot.local else snapshot.value(name)
                return loaded.parameters[name].kind.dump(value, json_number)

            shown = {
                use.name: {
                    "value": typed(use.name),
                    "rule": use.rule,
                    "valid_from": use.valid_from,
                }
                for use in snapshot.uses.values()
            }
            click.echo(exact_json(shown))
        else:
            for use in snapshot.uses.values():
                click.echo(f"{use.name} = {use.value}  [{use.rule}, {use.valid_from}]")
        return
    if fmt == "json":
        click.echo(loaded.to_json())
    else:
        click.echo(loaded.to_text(lang))


@policy.command("list", help="List the ids of the shipped and installed policies.")
@messages_lang_option
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
@listing_options()
@lang_option
@click.option("--fail-on-change", is_flag=True, help="Exit 1 when the policies differ.")
def policy_diff(
    before: str,
    after: str,
    fmt: str,
    excel: bool,
    out: Path | None,
    lang: Lang | None,
    fail_on_change: bool,
) -> None:
    """Compare two policies."""
    changes = diff(named_policy(before), named_policy(after))
    if fmt in ("csv", "xlsx"):
        from community_governance.cli.listings import DIFF_COLUMNS, diff_rows

        language = lang or default_lang()
        rows = diff_rows(changes, language)
        sheet = ("政策差异", "changes")
        write_rows(DIFF_COLUMNS, rows, fmt=fmt, lang=language, sheet=sheet, excel=excel, out=out)
    elif fmt == "json":
        click.echo(exact_json(changes.as_overrides(numbers=True)))
    else:
        click.echo(changes.to_text(lang or default_lang()))
    if fail_on_change and changes:
        raise click.exceptions.Exit(EXIT_OUTCOME)


@cli.command("catalogue", help="List the service catalogue (S-1..S-7), with installed extensions.")
@listing_options(markdown="documents")
@lang_option
@click.option("--builtin", is_flag=True, help="Only the built-in catalogue, without extensions.")
@click.option(
    "--extension",
    "extensions",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="An extension file.",
)
def catalogue(
    fmt: str,
    excel: bool,
    out: Path | None,
    lang: Lang | None,
    builtin: bool,
    extensions: tuple[str, ...],
) -> None:
    """Show the service catalogue."""
    from community_governance.services import load_catalogue

    shown = load_catalogue(installed=not builtin, files=extensions)
    language = lang or default_lang()
    if fmt in ("csv", "xlsx"):
        from community_governance.cli.listings import CATALOGUE_COLUMNS, catalogue_rows

        rows = catalogue_rows(shown, language)
        sheet = ("服务目录", "catalogue")
        write_rows(
            CATALOGUE_COLUMNS, rows, fmt=fmt, lang=language, sheet=sheet, excel=excel, out=out
        )
    elif fmt == "json":
        click.echo(shown.to_json())
    elif fmt == "markdown":
        click.echo(shown.to_markdown(language), nl=False)
    else:
        for entry in shown.entries.values():
            indent = "  " if entry.parent else ""
            click.echo(f"{entry.rule}  {indent}{entry.entry_id}  {entry.name(language)}")


@cli.command(
    "rules", help="List the rules, the mechanism's and installed packages', with their parameters."
)
@listing_options()
@lang_option
@click.option(
    "--policy",
    "policy_name",
    default=None,
    help="Read the parameters from this installed policy or .toml file (default: the shipped).",
)
def rules(
    fmt: str, excel: bool, out: Path | None, lang: Lang | None, policy_name: str | None
) -> None:
    """Show the rules: id, statement, parameters, where implemented."""
    from community_governance.cli.listings import RULE_COLUMNS, rule_rows
    from community_governance.rules import extend

    language = lang or default_lang()
    policy = extend(named_policy(policy_name) if policy_name else default_policy())
    rows = rule_rows(policy, language)
    if fmt in ("csv", "xlsx"):
        write_rows(
            RULE_COLUMNS,
            rows,
            fmt=fmt,
            lang=language,
            sheet=("规则", "rules"),
            excel=excel,
            out=out,
        )
        return
    if fmt == "json":
        emit(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", out)
        return
    labels = ("参数", "实现") if language == "zh" else ("parameters", "implemented by")
    lines = []
    for row in rows:
        lines.append(f"{row['rule']:<6} {row['title']}")
        for label, key in zip(labels, ("parameters", "implemented_by"), strict=True):
            if row[key]:
                lines.append(f"       {label}: {row[key]}")
    emit("\n".join(lines) + "\n", out)


@cli.command("demo", help="Run a whole quarter on the demo community and show the results.")
@click.option("--seed", type=int, default=127, show_default=True, help="Seed of the demo data.")
@click.option("--quarter", default="2026Q3", show_default=True, help="The quarter, such as 2026Q3.")
@lang_option
@listing_options()
@click.option(
    "--export",
    "export",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the quarter's documents (ratings, frame, certificate, survey, result, "
    "meeting, announcement) into this new folder: example files to start from.",
)
def demo(
    seed: int,
    quarter: str,
    lang: Lang | None,
    fmt: str,
    excel: bool,
    out: Path | None,
    export: Path | None,
) -> None:
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
    if fmt in ("csv", "xlsx"):
        from community_governance.cli.spreadsheet import write_result

        language = lang or default_lang()
        write_result(outcome.result, fmt=fmt, lang=language, excel=excel, out=out)
        return
    if fmt == "json":
        places = data.policy.at(data.quarter.end).rounding_places
        _echo_json(demo_summary(outcome, places))
        return
    show_demo(console, data, outcome, lang or default_lang())


def _rules(policy_name: str, on: dt.date) -> PolicySnapshot:
    return named_policy(policy_name).at(on)


@cli.command("schema", help="Print the JSON Schema of an exchanged document (or list them).")
@messages_lang_option
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
        raise ParseError(
            f"unknown document {name!r}; known: {', '.join(DOCUMENTS)}",
            field="name",
            zh=f"未知的文档 {name!r}；已知文档：{', '.join(DOCUMENTS)}",
        )
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

        click.echo(TallyDoc.from_domain(result).to_json(), nl=False)
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
@messages_lang_option
@click.argument("frame_path", metavar="FRAME")
@click.option("--seed", required=True, help="The public seed, as announced (text: 007 stays 007).")
@click.option(
    "--seed-source",
    default=None,
    help="How the seed was produced (required without --commitment, which declares it).",
)
@click.option(
    "--commitment",
    "commitment_path",
    default=None,
    help="The frame's commitment (sample commit): the frame must be the one committed to, "
    "and the certificate carries the commitment.",
)
@secret_option(required=False, why=", with --commitment")
@click.option(
    "--stratified", is_flag=True, help="Draw within the frame's strata, in proportion (E-4)."
)
@click.option("--at", "on", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Policy date.")
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the certificate to this new file (default: standard output).",
)
@policy_option
@encoding_option
def sample_draw(
    frame_path: str,
    seed: str,
    seed_source: str | None,
    commitment_path: str | None,
    secret_file: Path | None,
    stratified: bool,
    on: dt.datetime | None,
    out: Path | None,
    policy_name: str,
    encoding: Encoding,
) -> None:
    """Draw a sample, from a committed frame if there is a commitment."""
    from community_governance.cli.inputs import frame_input
    from community_governance.errors import ParseError, read_in
    from community_governance.evaluation import draw_sample
    from community_governance.schemas import CertificateDoc

    if (commitment_path is None) != (secret_file is None):
        raise ParseError(
            "--commitment and --secret-file go together",
            field="--commitment" if commitment_path is None else "--secret-file",
            rule="E-4",
            zh="--commitment 与 --secret-file 须同时给出",
        )
    if commitment_path is None and not seed_source:
        raise ParseError(
            "say how the seed was produced: --seed-source, or --commitment, which declares it",
            field="--seed-source",
            rule="E-4",
            zh="请说明种子如何产生：--seed-source，或用 --commitment（其中已事先声明）",
        )
    rules = _rules(policy_name, on.date() if on else dt.date.today())  # noqa: DTZ011 - a local date
    frame = frame_input(frame_path, encoding=encoding)
    commitment = None
    if commitment_path is not None and secret_file is not None:
        commitment = _committed_frame(commitment_path, secret_file, frame, frame_path)
        seed_source = seed_source or commitment.seed_source.said("zh")
    # The seed is text, hashed exactly as announced: "007" stays "007" (E-4).
    from community_governance.cli.progress import LARGE_FRAME, working

    source = str(seed_source)
    with working(f"抽样 / drawing from {len(frame):,} households", large=len(frame) >= LARGE_FRAME):
        # A refusal of the frame's households names the file they came from.
        certificate = read_in(
            frame_path,
            lambda: draw_sample(frame, seed, rules, seed_source=source, stratified=stratified),
        )
    emit(CertificateDoc.from_domain(certificate, commitment).to_json(), out)


def _committed_frame(
    commitment_path: str, secret_file: Path, frame: SamplingFrame, frame_path: str
) -> FrameCommitment:
    """The commitment at ``commitment_path``, if ``frame`` is the frame it commits to.

    Raises:
        ParseError: another frame, named by its file, with both roots.
    """
    from community_governance.cli.commitment import read_commitment, secret_at
    from community_governance.errors import ParseError
    from community_governance.evaluation.commitment import frame_mismatch

    commitment: FrameCommitment = read_commitment(commitment_path)
    mismatch = frame_mismatch(commitment, frame, secret_at(secret_file, create=False))
    if mismatch is not None:
        # A frame changed after the commitment is refused before anything is drawn.
        english, chinese = mismatch
        raise ParseError(english, field=frame_path, rule="E-4", zh=chinese)
    return commitment


@sample.command(
    "verify",
    help="Re-check a certificate against its frame, and its commitment; exit 1 if either fails.",
)
@click.argument("certificate_path", metavar="CERTIFICATE.json")
@click.argument("frame_path", metavar="FRAME")
@secret_option(required=False, why=": checks the frame against the commitment")
@policy_option
@encoding_option
@lang_option
def sample_verify(
    certificate_path: str,
    frame_path: str,
    secret_file: Path | None,
    policy_name: str,
    encoding: Encoding,
    lang: Lang | None,
) -> None:
    """Verify a sample, and its commitment if it carries one."""
    from community_governance.cli.commitment import secret_at
    from community_governance.cli.inputs import frame_input
    from community_governance.evaluation import verify_sample
    from community_governance.evaluation.commitment import check_commitment

    document = load_document_file(certificate_path, "certificate")
    certificate = document.to_domain()
    # Verifying reads no parameter; a --policy that names no policy is still refused.
    _rules(policy_name, dt.date.today())  # noqa: DTZ011 - a local date
    frame = frame_input(frame_path, encoding=encoding)
    outcome = verify_sample(certificate, frame)
    zh = (lang or default_lang()) == "zh"
    if outcome.ok:
        # The first line is what it has always been, for scripts that read it.
        lines = ["一致" if zh else "ok"]
    else:
        lines = list(outcome.problems_zh if zh else outcome.problems)
    commitment = document.frame_commitment()
    held = outcome.ok
    if commitment is None:
        lines.append(
            "无承诺：没有记录表明抽样框在种子产生之前已固定"
            if zh
            else "no commitment: nothing shows that the frame was fixed before the seed"
        )
    else:
        secret = None if secret_file is None else secret_at(secret_file, create=False)
        checked = check_commitment(commitment, frame=frame, secret=secret)
        lines += checked.lines("zh" if zh else "en")
        held = held and checked.ok
    click.echo("\n".join(lines))
    if not held:
        raise click.exceptions.Exit(EXIT_OUTCOME)


def _register_commitment() -> None:
    from community_governance.cli.commitment import check, commit, prove

    sample.add_command(commit)
    sample.add_command(prove)
    sample.add_command(check)


_register_commitment()


@sample.command(
    "replace",
    help="Replace sampled households that did not answer by the next reserve households, "
    "in draw order; write the new certificate. 替换未作答的住户。",
)
@click.argument("certificate_path", metavar="CERTIFICATE.json")
@click.argument("frame_path", metavar="FRAME")
@click.option(
    "--household",
    "households",
    multiple=True,
    required=True,
    help="A sampled household that did not answer (repeat for several, in the order met).",
)
@click.option(
    "-o",
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The new certificate (a new file; the old one is kept).",
)
@encoding_option
@lang_option
def sample_replace(
    certificate_path: str,
    frame_path: str,
    households: tuple[str, ...],
    out: Path,
    encoding: Encoding,
    lang: Lang | None,
) -> None:
    """Record replacements in the certificate."""
    from community_governance.cli.inputs import frame_input
    from community_governance.errors import read_in
    from community_governance.folders import write_file
    from community_governance.schemas import CertificateDoc

    document = load_document_file(certificate_path, "certificate")
    certificate = document.to_domain()
    frame = frame_input(frame_path, encoding=encoding)
    before = len(certificate.replacements)

    def replaced(chosen: SampleCertificate) -> SampleCertificate:
        for household in households:
            chosen = chosen.replace(household, frame)
        return chosen

    certificate = read_in(certificate_path, lambda: replaced(certificate))
    text = CertificateDoc.from_domain(certificate, document.frame_commitment()).to_json()
    write_file(out, text.encode("utf-8"))
    zh = (lang or default_lang()) == "zh"
    for old, new in certificate.replacements[before:]:
        said = f"{old} → {new}（由备选住户替换）" if zh else f"{old} → {new} (from the reserve)"
        click.echo(said)
