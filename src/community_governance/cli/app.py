"""Commands of the ``community-governance`` command line (adapter over the domain).

``policy show`` (the default job), ``policy list``, ``policy validate`` and
``policy diff`` (P, all rules).
"""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path

import click

from community_governance.cli import EXIT_OUTCOME, default_lang
from community_governance.policy import (
    DEFAULT_POLICY,
    Policy,
    available_policies,
    diff,
    load_policy,
)
from community_governance.vocabulary import Lang

__all__ = ["cli"]

_LANG = click.Choice(["zh", "en"])
_FORMAT = click.Choice(["table", "json"])


def _policy(name: str) -> Policy:
    return load_policy(Path(name) if name.endswith(".toml") else name)


def _echo_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group(help="The 127 community-governance mechanism. 127党建引领社区治理机制。")
@click.version_option(package_name="community-governance")
def cli() -> None:
    """Group of all commands."""


@cli.group(help="Read, check and compare policies. 查看、校验、比较政策参数。")
def policy() -> None:
    """Group of the policy commands."""


@policy.command("show", help="List every parameter with its value, rule, dates and note.")
@click.argument("name", default=DEFAULT_POLICY)
@click.option("--at", "on", type=click.DateTime(["%Y-%m-%d"]), help="Only the values on this date.")
@click.option("--format", "fmt", type=_FORMAT, default="table", show_default=True)
@click.option("--lang", type=_LANG, default=None, help="zh or en (default: from the locale).")
def policy_show(name: str, on: dt.datetime | None, fmt: str, lang: Lang | None) -> None:
    """Show a policy (a shipped or installed id, or a .toml file)."""
    loaded = _policy(name)
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
@click.option("--lang", type=_LANG, default=None)
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
@click.option("--format", "fmt", type=_FORMAT, default="table", show_default=True)
@click.option("--lang", type=_LANG, default=None)
@click.option("--fail-on-change", is_flag=True, help="Exit 1 when the policies differ.")
def policy_diff(before: str, after: str, fmt: str, lang: Lang | None, fail_on_change: bool) -> None:  # noqa: FBT001
    """Compare two policies."""
    changes = diff(_policy(before), _policy(after))
    if fmt == "json":
        _echo_json(changes.as_overrides())
    else:
        click.echo(changes.to_text(lang or default_lang()))
    if fail_on_change and changes:
        raise click.exceptions.Exit(EXIT_OUTCOME)


@cli.command("catalogue", help="List the service catalogue (S-1..S-7), with installed extensions.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table")
@click.option("--lang", type=_LANG, default=None)
@click.option("--builtin", is_flag=True, help="Only the built-in catalogue, without extensions.")
@click.option(
    "--extension",
    "extensions",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="An extension file.",
)
def catalogue(fmt: str, lang: Lang | None, builtin: bool, extensions: tuple[str, ...]) -> None:  # noqa: FBT001
    """Show the service catalogue."""
    from community_governance.services import load_catalogue  # noqa: PLC0415

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


_DEMO_HEAD = {
    "zh": {
        "concerns": "居民反映的问题（会前30天）",
        "category": "类别",
        "count": "件数",
        "change": "较上期",
        "meeting": "组团议事会议表决",
        "proposal": "拟推动项目",
        "agree": "同意",
        "share": "同意比例",
        "result": "结果",
        "executor": "承办",
        "yes": "通过",
        "no": "未通过",
        "evaluation": "季度考评",
        "rank": "名次",
        "unit": "单位",
        "self": "自评",
        "peer": "互评均分",
        "public": "民意测评",
        "final": "最终成绩",
        "grade": "等级",
        "survey": "民意测评抽样",
        "cases": "限期整改",
        "deadline": "期限",
        "balance": "1:2:7 投入结构（工时）",
        "pillar": "板块",
        "portion": "占比",
        "target": "目标",
    },
    "en": {
        "concerns": "Residents' concerns (30 days before the meeting)",
        "category": "category",
        "count": "count",
        "change": "change",
        "meeting": "Deliberation meeting",
        "proposal": "proposal",
        "agree": "agree",
        "share": "share",
        "result": "result",
        "executor": "carried out by",
        "yes": "approved",
        "no": "rejected",
        "evaluation": "Quarterly evaluation",
        "rank": "rank",
        "unit": "unit",
        "self": "self",
        "peer": "peers",
        "public": "survey",
        "final": "final",
        "grade": "grade",
        "survey": "Household survey",
        "cases": "Rectification",
        "deadline": "deadline",
        "balance": "The 1:2:7 balance (hours)",
        "pillar": "pillar",
        "portion": "share",
        "target": "target",
    },
}


@cli.command("demo", help="Run a whole quarter on the demo community and show the results.")
@click.option("--seed", type=int, default=127, show_default=True, help="Seed of the demo data.")
@click.option("--quarter", default="2026Q3", show_default=True)
@click.option("--lang", type=_LANG, default=None, help="zh or en (default: from the locale).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def demo(seed: int, quarter: str, lang: Lang | None, fmt: str) -> None:
    """Concerns, meeting, routing, evaluation, rectification and 1:2:7, for one quarter."""
    from rich.console import Console  # noqa: PLC0415 - the [cli] extra
    from rich.table import Table  # noqa: PLC0415

    from community_governance.demo import demo_quarter, run_demo  # noqa: PLC0415
    from community_governance.numbers import format_percent, round_exact  # noqa: PLC0415

    language = lang or default_lang()
    head = _DEMO_HEAD[language]
    console = Console(highlight=False)
    with console.status("…", spinner="dots"):
        data = demo_quarter(seed, quarter)
        outcome = run_demo(data)
    result = outcome.result
    if fmt == "json":
        _echo_json(
            {
                "quarter": str(result.quarter),
                "scorecards": [{**{k: str(v) for k, v in row.items()}} for row in result.rows()],
                "awards": [a.unit_id for a in result.awards],
                "rectification": [c.case_id for c in outcome.cases],
                "balance": {p.code: str(s) for p, s in outcome.balance.shares.items()},
            }
        )
        return

    def show(value: Fraction | None) -> str:
        return "-" if value is None else str(round_exact(value))

    title = f"{data.community.name} · {result.quarter}"
    console.rule(title)
    table = Table(title=head["concerns"])
    for column in ("category", "count", "change"):
        table.add_column(head[column])
    for row in outcome.concerns.counts:
        table.add_row(row.category.label(language), str(row.count), f"{row.change:+d}")
    console.print(table)

    table = Table(title=head["meeting"])
    for column in ("proposal", "agree", "share", "result", "executor"):
        table.add_column(head[column])
    executors = {a.proposal_id: ", ".join(a.assignees) for a in data.assignments}
    for proposal in data.meeting.meeting.agenda:
        t = data.meeting.tallies[proposal.proposal_id]
        table.add_row(
            proposal.title,
            f"{t.agree}/{t.base_count}",
            format_percent(t.share) if t.share is not None else "-",
            head["yes"] if t.approved else head["no"],
            executors.get(proposal.proposal_id, "-"),
        )
    console.print(table)

    table = Table(title=head["evaluation"])
    for column in ("rank", "unit", "self", "peer", "public", "final", "grade"):
        table.add_column(
            head[column], justify="right" if column not in ("unit", "grade") else "left"
        )
    for card in result.scorecards:
        table.add_row(
            str(card.rank),
            data.community.unit(card.unit_id).name,
            show(card.self_score),
            show(card.peer_mean),
            show(card.public_mean),
            str(card.final.reported),
            card.grade.label(language),
        )
    console.print(table)
    precision = result.survey_precision
    certificate = data.survey.certificate
    if precision is not None:
        shown = precision.rounded(2)
        console.print(
            f"{head['survey']}: n={precision.n}/{certificate.frame_size}, "
            f"{shown['mean']} ± {shown['margin']} (95%), seed {certificate.seed}, "
            f"frame {certificate.frame_digest[:12]}…, {len(certificate.replacements)} replaced"
        )
    for case in outcome.cases:
        console.print(
            f"{head['cases']}: {data.community.unit(case.unit_id).name} — "
            f"{head['deadline']} {case.deadline}"
        )

    table = Table(title=head["balance"])
    for column in ("pillar", "portion", "target"):
        table.add_column(head[column])
    for pillar, share in outcome.balance.shares.items():
        table.add_row(
            pillar.label(language),
            format_percent(share),
            format_percent(outcome.balance.targets[pillar]),
        )
    console.print(table)
    console.print(outcome.balance.explanation.outcome(language))
