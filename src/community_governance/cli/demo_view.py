"""How ``community-governance demo`` shows a quarter: rich tables in Chinese or English.

Every label is a bilingual [`Text`][community_governance.explain.Text] or a vocabulary
member, so the Chinese and English screens say the same thing (C-2..C-4, E-1..E-6, R-1,
P-2).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from community_governance.demo import demo_commitment
from community_governance.evaluation.fieldwork import survey_return
from community_governance.explain import Text
from community_governance.numbers import format_fraction, format_percent, round_exact
from community_governance.vocabulary import Lang

if TYPE_CHECKING:
    from rich.console import Console

    from community_governance.demo import DemoOutcome, DemoQuarter

__all__ = ["LABELS", "demo_summary", "show_demo"]

#: The demo screen's labels, each in both languages.
LABELS: dict[str, Text] = {
    "concerns": Text(
        "居民反映的问题（会前30天）", "Residents' concerns (30 days before the meeting)"
    ),
    "category": Text("类别", "category"),
    "count": Text("件数", "count"),
    "change": Text("较上期", "change"),
    "meeting": Text("组团议事会议表决", "Deliberation meeting"),
    "proposal": Text("拟推动项目", "proposal"),
    "agree": Text("同意", "agree"),
    "share": Text("同意比例", "share"),
    "result": Text("结果", "result"),
    "executor": Text("承办", "carried out by"),
    "yes": Text("通过", "approved"),
    "no": Text("未通过", "rejected"),
    "evaluation": Text("季度考评", "Quarterly evaluation"),
    "rank": Text("名次", "rank"),
    "unit": Text("单位", "unit"),
    "self": Text("自评", "self"),
    "peer": Text("互评均分", "peers"),
    "public": Text("民意测评", "survey"),
    "final": Text("最终成绩", "final"),
    "grade": Text("等级", "grade"),
    "survey": Text("民意测评抽样", "Household survey"),
    "seed": Text("随机种子", "seed"),
    "frame": Text("抽样框摘要", "frame"),
    "replaced": Text("户替换", "replaced"),
    "response": Text("回收情况", "Response"),
    "commitment": Text("抽样框承诺", "Frame commitment"),
    "recorded": Text("记入账本于", "recorded at"),
    "cases": Text("限期整改", "Rectification"),
    "deadline": Text("期限", "deadline"),
    "balance": Text("1:2:7 投入结构（工时）", "The 1:2:7 balance (hours)"),
    "pillar": Text("板块", "pillar"),
    "portion": Text("占比", "share"),
    "target": Text("目标", "target"),
}


def demo_summary(outcome: DemoOutcome, places: int = 2) -> dict[str, object]:
    """The demo quarter as JSON-ready data, every value of its own JSON type.

    Ranks and counts are integers, flags booleans, a missing component ``null``; the
    components and shares are numbers to ``places`` (the policy's ``rounding.places``; the
    final score as reported),
    and their exact values are given beside them as ``"num/den"`` text under ``exact``.
    """
    result = outcome.result
    return {
        "quarter": str(result.quarter),
        "scorecards": [_json_row(row, places) for row in result.rows()],
        "awards": [a.unit_id for a in result.awards],
        "rectification": [c.case_id for c in outcome.cases],
        "balance": {p.code: _number(s, places) for p, s in outcome.balance.shares.items()},
        "balance_exact": {p.code: format_fraction(s) for p, s in outcome.balance.shares.items()},
    }


def _number(value: Fraction | Decimal, places: int) -> float | int:
    """A JSON number of ``value`` to ``places`` (one rounding, half-up, for display).

    The number is written from a decimal of at most fifteen significant digits, which a
    binary double keeps exactly as written.
    """
    shown = value if isinstance(value, Decimal) else round_exact(value, places)
    return int(shown) if shown == shown.to_integral_value() else float(shown)


def _json_row(row: dict[str, object], places: int) -> dict[str, object]:
    shown: dict[str, object] = {}
    exact: dict[str, str | None] = {}
    for key, value in row.items():
        if isinstance(value, Fraction):
            shown[key] = _number(value, places)
            exact[key] = format_fraction(value)
        elif isinstance(value, Decimal):
            shown[key] = _number(value, places)
        else:
            shown[key] = value
            if key in ("self", "peer", "public") and value is None:
                exact[key] = None
    shown["exact"] = exact
    return shown


def _shown(value: Fraction | None) -> str:
    return "-" if value is None else str(round_exact(value))


def show_demo(console: Console, data: DemoQuarter, outcome: DemoOutcome, lang: Lang) -> None:
    """Print the quarter as tables, every label in ``lang``."""
    from rich.table import Table

    def head(key: str) -> str:
        return LABELS[key](lang)

    def table(title: str, *columns: str, right: tuple[str, ...] = ()) -> Table:
        made = Table(title=head(title))
        for column in columns:
            made.add_column(head(column), justify="right" if column in right else "left")
        return made

    result = outcome.result
    console.rule(f"{data.community.name} · {result.quarter}")
    shown = table("concerns", "category", "count", "change")
    for row in outcome.concerns.counts:
        shown.add_row(row.category.label(lang), str(row.count), f"{row.change:+d}")
    console.print(shown)

    shown = table("meeting", "proposal", "agree", "share", "result", "executor")
    executors = {a.proposal_id: ", ".join(a.assignees) for a in data.assignments}
    for proposal in data.meeting.meeting.agenda:
        t = data.meeting.tallies[proposal.proposal_id]
        shown.add_row(
            proposal.title,
            f"{t.agree}/{t.base_count}",
            format_percent(t.share) if t.share is not None else "-",
            head("yes") if t.approved else head("no"),
            executors.get(proposal.proposal_id, "-"),
        )
    console.print(shown)

    numbers = ("rank", "self", "peer", "public", "final")
    shown = table(
        "evaluation", "rank", "unit", "self", "peer", "public", "final", "grade", right=numbers
    )
    for card in result.scorecards:
        shown.add_row(
            str(card.rank),
            data.community.unit(card.unit_id).name,
            _shown(card.self_score),
            _shown(card.peer_mean),
            _shown(card.public_mean),
            str(card.final.reported),
            card.grade.label(lang),
        )
    console.print(shown)
    precision = result.survey_precision
    certificate = data.survey.certificate
    if precision is not None:
        rounded = precision.rounded(2)
        console.print(
            f"{head('survey')}: n={precision.n}/{certificate.frame_size}, "
            f"{rounded['mean']} ± {rounded['margin']} (95%), {head('seed')} {certificate.seed}, "
            f"{head('frame')} {certificate.frame_digest[:12]}…, "
            f"{len(certificate.replacements)} {head('replaced')}"
        )
    console.print(f"{head('response')}: {survey_return(data.survey).said(lang)}")
    commitment = demo_commitment(data)
    recorded = commitment.recorded or {}
    console.print(
        f"{head('commitment')}: {commitment.root[:12]}…, {commitment.seed_source.said(lang)}; "
        f"{head('recorded')} {recorded.get('at', '-')}"
    )
    for case in outcome.cases:
        console.print(
            f"{head('cases')}: {data.community.unit(case.unit_id).name} — "
            f"{head('deadline')} {case.deadline}"
        )

    shown = table("balance", "pillar", "portion", "target")
    for pillar, share in outcome.balance.shares.items():
        shown.add_row(
            pillar.label(lang),
            format_percent(share),
            format_percent(outcome.balance.targets[pillar]),
        )
    console.print(shown)
    console.print(outcome.balance.explanation.outcome(lang))
