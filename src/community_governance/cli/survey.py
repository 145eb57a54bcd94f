"""``survey codes`` and ``survey reconcile``: the questionnaires in the field (E-4).

``codes`` gives every sampled and reserve household its questionnaire code, the list the
office keeps; ``reconcile`` compares two operators' independent entries of the returned
questionnaires, keyed by code, and writes the agreed answers, by household, only when the
two agree everywhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import click

from community_governance.cli import EXIT_OUTCOME, default_lang
from community_governance.cli.commitment import secret_option
from community_governance.cli.inputs import encoding_option
from community_governance.cli.options import lang_option, load_document_file
from community_governance.tables.text import Encoding

__all__ = ["survey"]


def _format(path: Path) -> Literal["csv", "xlsx"]:
    return "xlsx" if path.suffix.lower() == ".xlsx" else "csv"


@click.group(help="The survey in the field: questionnaire codes, double entry. 民意测评实地工作。")
def survey() -> None:
    """Group of the survey commands."""


@survey.command(
    "codes",
    help="Give each sampled and reserve household its questionnaire code. 生成问卷编号。",
)
@click.argument("certificate_path", metavar="CERTIFICATE.json")
@click.argument("frame_path", metavar="FRAME")
@secret_option()
@click.option(
    "--survey-id",
    default=None,
    help="The survey's id (default: COMMUNITY-QUARTER of the certificate's commitment).",
)
@click.option(
    "--reserve",
    type=click.IntRange(0, 10_000),
    default=20,
    show_default=True,
    help="How many reserve households, in draw order, get a code too.",
)
@click.option(
    "-o",
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The code list to write (.csv or .xlsx), which the office keeps.",
)
@encoding_option
@lang_option
def codes(
    certificate_path: str,
    frame_path: str,
    secret_file: Path,
    survey_id: str | None,
    reserve: int,
    out: Path,
    encoding: Encoding,
    lang: str | None,
) -> None:
    """Write the code list."""
    from community_governance.cli.commitment import secret_at
    from community_governance.folders import write_file
    from community_governance.tables.kinds import TABLES
    from community_governance.tables.write import write_table

    document = load_document_file(certificate_path, "certificate")
    survey_id, _ = _survey_of(document.frame_commitment(), survey_id)
    households, drawn, found = _coded(
        document, frame_path, secret_at(secret_file, create=False), survey_id, reserve, encoding
    )
    reserves = [h for h in households if h not in drawn]
    zh = (lang or default_lang()) == "zh"
    roles = ("抽中", "备选") if zh else ("sample", "reserve")
    rows = [
        {
            "code": found[household],
            "household": household,
            "role": roles[0] if household in drawn else roles[1],
            "order": str(order),
        }
        for order, household in enumerate(households, start=1)
    ]
    write_file(out, write_table(TABLES["codes"], rows, _format(out), lang="zh" if zh else "en"))
    said = (
        f"已为 {len(drawn)} 户抽中住户和 {len(reserves)} 户备选住户生成问卷编号：{out}"
        if zh
        else f"wrote the codes of {len(drawn)} sampled and {len(reserves)} "
        f"reserve households to {out}"
    )
    click.echo(said)


def _entries(path: str, encoding: Encoding) -> list[Any]:
    from community_governance.evaluation.fieldwork import Entry
    from community_governance.tables.files import load_table

    table = load_table(path, "entry", encoding=encoding)
    return [
        Entry(
            (row.cells.get("code") or "").strip().upper(),
            (row.cells.get("project") or "").strip(),
            (row.cells.get("answer") or "").strip(),
            row.where,
        )
        for row in table.rows
    ]


def _households(path: str, encoding: Encoding) -> dict[str, str]:
    from community_governance.tables.files import load_table

    table = load_table(path, "codes", encoding=encoding)
    return {
        (row.cells.get("code") or "").strip(): (row.cells.get("household") or "").strip()
        for row in table.rows
    }


@survey.command(
    "reconcile",
    help="Compare two independent entries of the questionnaires; write the agreed answers. "
    "双人录入比对。",
)
@click.argument("first_path", metavar="FIRST")
@click.argument("second_path", metavar="SECOND")
@click.option(
    "--codes",
    "codes_path",
    required=True,
    help="The code list (survey codes), which turns codes back into households.",
)
@click.option(
    "-o",
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The agreed answers (.csv or .xlsx), by household, as evaluate reads them.",
)
@encoding_option
@lang_option
def reconcile_command(
    first_path: str,
    second_path: str,
    codes_path: str,
    out: Path,
    encoding: Encoding,
    lang: str | None,
) -> None:
    """Reconcile two entries."""
    from community_governance.errors import ParseError, read_in
    from community_governance.evaluation.fieldwork import reconcile
    from community_governance.folders import write_file
    from community_governance.tables.kinds import TABLES
    from community_governance.tables.write import write_table

    zh = (lang or default_lang()) == "zh"
    first = _entries(first_path, encoding)
    second = _entries(second_path, encoding)
    result = read_in(first_path, lambda: reconcile(first, second))
    if result.agreed is None:
        for mismatch in result.mismatches:
            click.echo(mismatch.said("zh" if zh else "en"))
        count = len(result.mismatches)
        click.echo(
            f"两份录入有 {count} 处不一致；未写出结果，请核对问卷后修正录入"
            if zh
            else f"the two entries differ in {count} places; nothing written: check the "
            "questionnaires and correct the entries"
        )
        raise click.exceptions.Exit(EXIT_OUTCOME)
    households = _households(codes_path, encoding)
    rows = []
    for entry in result.agreed:
        household = households.get(entry.code)
        if household is None:
            raise ParseError(
                f"questionnaire {entry.code} is not in the code list",
                field=entry.where,
                rule="E-4",
                zh=f"问卷 {entry.code} 不在问卷编号清单中",
            )
        rows.append({"household": household, "project": entry.project, "answer": entry.answer})
    write_file(out, write_table(TABLES["survey"], rows, _format(out), lang="zh" if zh else "en"))
    returned = len({e.code for e in result.agreed})
    gone = len(result.not_returned)
    click.echo(
        f"两份录入一致：{returned} 份问卷的 {len(rows)} 条评价，{gone} 份未交回；已写入 {out}"
        if zh
        else f"the two entries agree: {len(rows)} answers from {returned} questionnaires, "
        f"{gone} not returned; written to {out}"
    )


@survey.command(
    "pack",
    help="Write the questionnaires to print (A4, HTML and PDF) and the reserve list. 打印问卷。",
)
@click.option(
    "--certificate",
    "certificate_path",
    required=True,
    help="The sample certificate (sample draw), with its commitment.",
)
@click.option(
    "--projects",
    "projects_path",
    required=True,
    help="The quarter's projects: a projects table (CSV or Excel) or a survey document.",
)
@click.option(
    "--frame", "frame_path", required=True, help="The frame drawn from (for the reserve)."
)
@secret_option(why=": the questionnaires' codes")
@click.option("--community-name", required=True, help="The community's name, as residents know it.")
@click.option("--contact", required=True, help="Whom to contact with an objection, and how.")
@click.option("--survey-id", default=None, help="Default: COMMUNITY-QUARTER of the commitment.")
@click.option(
    "--reserve", type=click.IntRange(0, 10_000), default=20, show_default=True,
    help="How many reserve households to list.",
)  # fmt: skip
@click.option(
    "--pack-lang",
    type=click.Choice(["zh", "both"]),
    default="zh",
    show_default=True,
    help="The questionnaires' language: Chinese, or Chinese and English.",
)
@click.option("--pdf/--no-pdf", default=True, show_default=True, help="Print the PDF too.")
@click.option(
    "-o",
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="A new folder for pack.html and pack.pdf.",
)
@click.option("--at", "on", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Policy date.")
@encoding_option
@lang_option
def pack(
    certificate_path: str,
    projects_path: str,
    frame_path: str,
    secret_file: Path,
    community_name: str,
    contact: str,
    survey_id: str | None,
    reserve: int,
    pack_lang: Literal["zh", "both"],
    pdf: bool,
    out: Path,
    on: Any,
    encoding: Encoding,
    lang: str | None,
) -> None:
    """Write the pack."""
    import datetime as dt

    from community_governance.cli.commitment import secret_at
    from community_governance.errors import ParseError
    from community_governance.folders import write_new_folder
    from community_governance.notice.questionnaire import Questionnaire, pack_html, print_pdf
    from community_governance.policy import default_policy

    document = load_document_file(certificate_path, "certificate")
    commitment = document.frame_commitment()
    survey_id, quarter = _survey_of(commitment, survey_id)
    households, drawn, found = _coded(
        document, frame_path, secret_at(secret_file, create=False), survey_id, reserve, encoding
    )
    projects = _projects(projects_path, encoding)
    if quarter is None and projects:
        quarter = str(projects[0].quarter)
    day = on.date() if on else dt.date.today()  # noqa: DTZ011 - a local date
    sheets = [Questionnaire(h, found[h]) for h in households]
    text = pack_html(
        [q for q in sheets if q.household in drawn],
        [q for q in sheets if q.household not in drawn],
        survey_id=survey_id,
        community_name=community_name,
        quarter=str(quarter),
        contact=contact,
        projects=projects,
        policy=default_policy().at(day),
        lang=pack_lang,
    )
    folder = write_new_folder(out, {"pack.html": text.encode("utf-8")}, rule="E-4")
    if pdf:
        try:
            print_pdf(folder / "pack.html", folder / "pack.pdf")
        except ParseError:
            (folder / "pack.html").unlink()
            folder.rmdir()
            raise
    zh = (lang or default_lang()) == "zh"
    files = "pack.html, pack.pdf" if pdf else "pack.html"
    click.echo(
        f"已写出 {len(drawn)} 份问卷和 {len(sheets) - len(drawn)} 户备选名单：{out}（{files}）"
        if zh
        else f"wrote {len(drawn)} questionnaires and a reserve list of "
        f"{len(sheets) - len(drawn)} households to {out} ({files})"
    )


def _survey_of(commitment: Any, survey_id: str | None) -> tuple[str, str | None]:
    from community_governance.errors import ParseError

    if survey_id is not None:
        return survey_id, None if commitment is None else commitment.quarter
    if commitment is None:
        raise ParseError(
            "the certificate has no commitment to name the survey: give --survey-id",
            field="--survey-id",
            rule="E-4",
            zh="抽样证书没有承诺，无法确定测评编号：请给出 --survey-id",
        )
    return f"{commitment.community}-{commitment.quarter}", commitment.quarter


def _coded(
    document: Any,
    frame_path: str,
    secret: bytes,
    survey_id: str,
    reserve: int,
    encoding: Encoding,
) -> tuple[list[str], set[str], dict[str, str]]:
    """The sample then the reserve, in draw order; the sample; each household's code."""
    from community_governance.cli.inputs import frame_input
    from community_governance.errors import ParseError, read_in
    from community_governance.evaluation import verify_sample
    from community_governance.evaluation.fieldwork import questionnaire_codes
    from community_governance.evaluation.sampling import sample_order

    certificate = document.to_domain()
    frame = frame_input(frame_path, encoding=encoding)
    checked = verify_sample(certificate, frame)
    if not checked.ok:
        raise ParseError(
            checked.problems[0], field=frame_path, rule="E-4", zh=checked.problems_zh[0]
        )
    drawn = set(certificate.sample)
    order = sample_order(frame, certificate.seed, version=certificate.version)
    reserves = [h for h in order if h not in drawn][:reserve]
    households = [*certificate.sample, *reserves]
    found = read_in(frame_path, lambda: questionnaire_codes(households, secret, survey_id))
    return households, drawn, found


def _projects(path: str, encoding: Encoding) -> list[Any]:
    """The quarter's projects: from a survey document, or from a projects table."""
    from community_governance.community import Project
    from community_governance.errors import read_in
    from community_governance.tables.files import is_json, load_table
    from community_governance.tables.inputs import projects_from_table
    from community_governance.tables.text import read_path

    data, source = read_path(path, rule="E-4")
    if is_json(data):
        document = load_document_file(path, "survey")
        return read_in(
            source,
            lambda: [
                Project(p.project_id, p.title, p.quarter, p.responsible_units)
                for p in document.projects
            ],
        )
    return list(projects_from_table(load_table(source, "projects", encoding=encoding, data=data)))
