"""DR-1: a unit below the threshold in consecutive quarters is reported to the district.

A municipality's own rule, built on ``community_governance`` through its public extension
points only: a ``RuleSet`` (the rule, its dated parameters, and what it decides for a unit),
published under the entry-point group ``community_governance.rules``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from community_governance.evaluation import QuarterHistory
from community_governance.explain import Explanation, ExplanationBuilder, Text
from community_governance.numbers import as_count, as_score
from community_governance.policy import Policy, PolicySnapshot, resolve
from community_governance.rules import Rule, RuleSet

__all__ = ["DR_1", "RULE_SET", "DistrictReport", "report_to_district"]

DR_1 = Rule(
    "DR-1",
    "连续若干个季度最终成绩低于分数线的成员单位，报区里。",
    "A member unit whose final score is below the threshold in consecutive quarters is "
    "reported to the district.",
    "Siming district notice No. 12 (example), article 3",
    ("district_report.report_to_district",),
)

THRESHOLD = "local.district_report.threshold"
QUARTERS = "local.district_report.quarters"

_NOTICE = "Siming district notice No. 12 (example), article 3"
PARAMETERS = {
    THRESHOLD: {
        "rule": "DR-1",
        "note": {"zh": "报区里的分数线（最终成绩低于此分）", "en": "Reported below this final"},
        "reference": _NOTICE,
        "values": [{"valid_from": dt.date(2021, 1, 21), "value": "60"}],
    },
    QUARTERS: {
        "rule": "DR-1",
        "note": {"zh": "须连续低于分数线的季度数", "en": "Consecutive quarters below it"},
        "reference": _NOTICE,
        "values": [{"valid_from": dt.date(2021, 1, 21), "value": 2}],
    },
}


@attrs.frozen
class DistrictReport:
    """Whether a unit is reported to the district for a quarter, and why (DR-1)."""

    unit_id: str
    quarter: str
    reported: bool
    explanation: Explanation


def report_to_district(
    history: QuarterHistory,
    unit_id: str,
    *,
    quarter: str | None = None,
    policy: Policy | PolicySnapshot | None = None,
    at: dt.date | None = None,
) -> DistrictReport:
    """DR-1 for ``unit_id`` in ``quarter`` (default: the latest quarter of ``history``).

    ``at`` defaults to the day the quarter's result was evaluated, and the policy is read
    on it. A quarter missing from the history breaks a run: nobody is reported across a gap.
    """
    ending = history.result(quarter) if quarter else history.results[-1]
    if ending is None:
        raise ValueError(f"the history holds no result for {quarter}")
    builder = ExplanationBuilder(
        Text(f"报区里：{unit_id}（{ending.quarter}）", f"Report to the district: {unit_id}")
    )
    builder.rule("DR-1")
    p = resolve(policy, at or ending.evaluated_on, builder)
    threshold = as_score(p.value(THRESHOLD), field=THRESHOLD, rule="DR-1")
    count = as_count(p.value(QUARTERS), field=QUARTERS, rule="DR-1")
    run = history.consecutive(count, ending=ending.quarter)
    finals: list[tuple[str, Decimal]] = []
    for result in run or ():
        card = next((c for c in result.scorecards if c.unit_id == unit_id), None)
        if card is not None:
            finals.append((str(result.quarter), card.final.reported))
    for quarter_name, final in finals:
        below = final < threshold
        builder.step(
            f"{quarter_name} 最终成绩 {final}，{'低于' if below else '不低于'} {threshold}",
            f"{quarter_name}: final {final} is {'below' if below else 'not below'} {threshold}",
            final,
            rule="DR-1",
        )
    reported = len(finals) == count and all(final < threshold for _, final in finals)
    if run is None:
        builder.step(
            f"历史中没有连续 {count} 个季度的结果",
            f"the history does not hold {count} consecutive quarters",
            rule="DR-1",
        )
    outcome = (
        Text(f"{unit_id} 报区里", f"{unit_id} is reported to the district")
        if reported
        else Text(f"{unit_id} 不报区里", f"{unit_id} is not reported to the district")
    )
    return DistrictReport(unit_id, str(ending.quarter), reported, builder.build(outcome))


def _explain_unit(history: QuarterHistory, policy: Policy, unit_id: str) -> Explanation:
    return report_to_district(history, unit_id, policy=policy).explanation


#: What this package adds to the library (entry point ``community_governance.rules``).
RULE_SET = RuleSet("district-report", (DR_1,), PARAMETERS, explain_unit=_explain_unit)
