"""``community-governance announce``: the public announcement (公示) as a static site (R-1).

From a quarter-result document, with the ratings document for the units' names and the
survey document for the household sample's certificate; or the demo quarter. The site
needs the ``[notebook]`` extra for its charts (``--no-charts`` writes tables only).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from community_governance.cli.options import (
    load_document_file,
    messages_lang_option,
    named_policy,
    policy_option,
)

__all__ = ["announce"]


@click.command(
    "announce",
    help="Write the public announcement (公示) of a quarter as a static site, zh and en.",
)
@click.argument("result_path", metavar="RESULT.json", required=False)
@click.option(
    "-o",
    "--out",
    "out",
    type=click.Path(path_type=Path),
    required=True,
    help="A new folder for the site (index.html in Chinese, en/index.html in English).",
)
@click.option("--ratings", "ratings_path", help="The ratings document: the units' names.")
@click.option("--survey", "survey_path", help="The survey document: the sample certificate.")
@click.option(
    "--certificate",
    "certificate_path",
    help="The sample certificate (instead of --survey), with the frame's commitment if any.",
)
@click.option(
    "--ledger",
    "ledger_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The SQLite ledger the results were recorded in: its head and latest signed head.",
)
@click.option(
    "--on",
    "on",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="First day of the announcement (default: the day after the evaluation).",
)
@policy_option
@click.option("--demo", is_flag=True, help="Announce the demo community's quarter instead.")
@click.option("--charts/--no-charts", default=True, show_default=True, help="Draw the charts.")
@messages_lang_option
def announce(
    result_path: str | None,
    out: Path,
    ratings_path: str | None,
    survey_path: str | None,
    certificate_path: str | None,
    ledger_path: Path | None,
    on: dt.datetime | None,
    policy_name: str,
    demo: bool,
    charts: bool,
) -> None:
    """Write the announcement's site."""
    from community_governance.errors import ParseError
    from community_governance.notice import build_notice, write_site

    if demo == (result_path is not None):
        raise ParseError(
            "give either RESULT.json or --demo",
            field="RESULT.json",
            rule="R-1",
            zh="请给出 RESULT.json 或 --demo 二者之一",
        )
    if survey_path is not None and certificate_path is not None:
        raise ParseError(
            "give the certificate once: --survey or --certificate",
            field="--certificate",
            rule="R-1",
            zh="抽样证书只给一次：--survey 或 --certificate",
        )
    if out.exists():
        raise ParseError(
            "the output folder exists already", field=str(out), rule="R-1", zh="输出文件夹已存在"
        )
    head = _head(ledger_path) if ledger_path else None
    if demo:
        notice = _demo_notice(on, head)
    else:
        notice = build_notice(
            **_documents(result_path or "", ratings_path, survey_path, policy_name)
            | _certificate(certificate_path),
            at=on.date() if on else None,
            ledger_head=head,
        )
    if charts:
        _check_charts()
    write_site(notice, out, charts=charts)
    click.echo(f"{out / 'index.html'}  {out / 'en' / 'index.html'}")


def _documents(
    result_path: str, ratings_path: str | None, survey_path: str | None, policy_name: str
) -> dict[str, Any]:

    result_document = load_document_file(result_path, "quarter-result")
    result = result_document.to_domain()
    policy = named_policy(policy_name)
    rules = policy.at(result.evaluated_on)
    community = None
    if ratings_path is not None:
        community = load_document_file(ratings_path, "ratings").to_domain(rules).community
    from community_governance.evaluation.fieldwork import survey_return

    certificate = commitment = None
    # The survey's answers give the response; else the result may carry it (evaluate).
    response = result_document.survey_response()
    if survey_path is not None:
        document = load_document_file(survey_path, "survey")
        survey = document.to_domain(rules)
        certificate = survey.certificate
        commitment = document.certificate.frame_commitment()
        response = survey_return(survey)
    return {
        "result": result,
        "community": community,
        "certificate": certificate,
        "commitment": commitment,
        "response": response,
        "policy": policy,
    }


def _certificate(certificate_path: str | None) -> dict[str, Any]:
    """The certificate and its commitment, from a certificate document (``--certificate``)."""
    if certificate_path is None:
        return {}
    document = load_document_file(certificate_path, "certificate")
    return {"certificate": document.to_domain(), "commitment": document.frame_commitment()}


def _head(path: Path) -> Any:
    from community_governance.errors import read_in
    from community_governance.ledger.checkpoint import checked_head
    from community_governance.ledger.sqlite import SQLiteLedger
    from community_governance.notice import LedgerHead

    with SQLiteLedger(path, key=None) as ledger:
        seq, digest, signed = read_in(str(path), lambda: checked_head(ledger))
    return LedgerHead(seq, digest, signed=signed)


def _demo_notice(on: dt.datetime | None, head: Any) -> Any:
    from community_governance.demo import demo_commitment, demo_quarter, run_demo
    from community_governance.evaluation.fieldwork import survey_return
    from community_governance.notice import build_notice

    data = demo_quarter(127, "2026Q3")
    outcome = run_demo(data)
    return build_notice(
        outcome.result,
        community=data.community,
        certificate=data.survey.certificate,
        at=on.date() if on else outcome.announcement.announced_on,
        policy=data.policy,
        ledger_head=head,
        commitment=demo_commitment(data),
        response=survey_return(data.survey),
    )


def _check_charts() -> None:
    from community_governance.extras import require

    require(
        "matplotlib",
        needed_for=("the charts (or pass --no-charts)", "图表（或加 --no-charts）"),
        field="--charts",
        rule="R-1",
    )
