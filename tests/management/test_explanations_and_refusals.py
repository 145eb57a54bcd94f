"""Known answers, exact boundaries and every refusal of the 1:2:7 balance and the access system.

Golden explanations pin what a person reads (P-1, P-2, M-1, M-3, M-5); the filters, the
tolerance and the funding test are checked at their exact boundaries; each refusal is checked
for its class, ``field`` and ``rule``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from community_governance.errors import (
    EligibilityError,
    ExactnessError,
    GovernanceError,
    ParseError,
)
from community_governance.management import (
    AccessRegister,
    AccessRequest,
    EffortRecord,
    Matter,
    admit_matter,
    allocation,
    allocation_by,
    propose_hand_back,
)
from community_governance.policy import default_policy
from community_governance.vocabulary import Measure, Pillar

POLICY = default_policy()
RULES = POLICY.at(dt.date(2026, 7, 1))
DAY = dt.date(2026, 7, 1)


def _request(**changes: object) -> AccessRequest:
    fields: dict[str, object] = {
        "request_id": "r1",
        "department": "civil affairs",
        "matter_id": "census-help",
        "title": "Census help",
        "requested_on": dt.date(2026, 3, 1),
        "authority": "may ask",
        "funding": "300",
        "cost": "300",
        "workload_hours": 10,
    }
    fields.update(changes)
    return AccessRequest(**fields)  # type: ignore[arg-type]


def _efforts(
    *amounts: tuple[str, object], on: dt.date = DAY, where: str = "c"
) -> list[EffortRecord]:
    return [
        EffortRecord(f"{where}{i}", where, on, pillar, "hours", amount)
        for i, (pillar, amount) in enumerate(amounts)
    ]


ADMITTED_EN = """\
Access: Census help
Outcome: admitted
Rules applied: M-3
Inputs:
  department = civil affairs
  funding = 300
  cost = 300
Steps:
  1. authority follows responsibility = true [M-3]
  2. funding follows the matter = true [M-3]
  3. on the approved access list = true [M-3]"""

REFUSED_ZH = """\
事务准入：Fines
结论: 不予准入：未同时下放相应权限（权随责走）；经费 100 元不足以覆盖成本 500 元（费随事转）；\
事项 parking-fines 不在准入清单内
适用规则: M-3
关键输入:
  department = health
  funding = 100
  cost = 500
步骤:
  1. 权随责走：是否同时下放权限 = 否 [M-3]
  2. 费随事转：经费是否覆盖成本 = 否 [M-3]
  3. 是否在准入清单内 = 否 [M-3]"""

REFUSED_EN_OUTCOME = (
    "refused: no authority comes with it; funding 100 does not cover the cost 500; "
    "parking-fines is not on the approved list"
)


def test_admit_matter_explains_itself_in_both_languages() -> None:
    """M-3: the golden explanation of an admission and of a refusal on all three conditions."""
    admitted = admit_matter(_request(), {"census-help"})
    assert admitted.explanation.to_text("en") == ADMITTED_EN
    assert admitted.explanation.outcome.zh == "准予进入社区"
    assert [step.text.zh for step in admitted.explanation.steps] == [
        "权随责走：是否同时下放权限",
        "费随事转：经费是否覆盖成本",
        "是否在准入清单内",
    ]
    bad = _request(
        request_id="r2",
        department="health",
        matter_id="parking-fines",
        title="Fines",
        authority="  ",
        funding="100",
        cost="500",
    )
    refused = admit_matter(bad, {"census-help"})
    assert refused.explanation.to_text("zh") == REFUSED_ZH
    assert refused.explanation.outcome.en == REFUSED_EN_OUTCOME
    assert [step.text.en for step in refused.explanation.steps] == [
        "authority follows responsibility",
        "funding follows the matter",
        "on the approved access list",
    ]
    assert refused.request is bad
    assert [text.zh for text in refused.unmet] == [
        "未同时下放相应权限（权随责走）",
        "经费 100 元不足以覆盖成本 500 元（费随事转）",
        "事项 parking-fines 不在准入清单内",
    ]


@pytest.mark.parametrize(
    ("funding", "cost", "funded"),
    [
        ("0.5", "0.5", "true"),
        ("1", "1", "true"),
        ("0.49", "0.5", "false"),
        ("0", "0", "true"),
        ("0", "0.01", "false"),
        ("1000", "0", "true"),
    ],
)
def test_funding_covers_the_cost_exactly_at_the_boundary(
    funding: str, cost: str, funded: str
) -> None:
    """M-3: funding equal to the cost is enough (费随事转), below one yuan too; a cent less not."""
    decision = admit_matter(_request(funding=funding, cost=cost), {"census-help"})
    assert decision.admitted is (funded == "true")
    assert decision.explanation.steps[1].value == funded


@pytest.mark.parametrize(
    ("changes", "error", "field"),
    [
        ({"funding": "-1"}, ParseError, "funding"),
        ({"cost": 1.5}, ExactnessError, "funding"),
        ({"workload_hours": -1}, ParseError, "workload_hours"),
        ({"workload_hours": "many"}, ExactnessError, "workload_hours"),
    ],
)
def test_a_bad_request_names_its_field_and_rule(
    changes: dict[str, object], error: type[GovernanceError], field: str
) -> None:
    """M-3: negative or inexact money and hours are refused, naming the field and M-3."""
    with pytest.raises(error) as raised:
        _request(**changes)
    assert (raised.value.field, raised.value.rule) == (field, "M-3")


def test_the_register_refuses_a_refusal_and_a_second_registration() -> None:
    """M-3: each refusal of the register names the decision and M-3; the register is unchanged."""
    register = AccessRegister("c")
    refused = admit_matter(_request(authority=None), {"census-help"})
    with pytest.raises(EligibilityError) as raised:
        register.register(refused)
    assert (raised.value.field, raised.value.rule) == ("decision", "M-3")
    admitted = admit_matter(_request(), {"census-help"})
    once = register.register(admitted)
    with pytest.raises(EligibilityError, match="already registered") as again:
        once.register(admit_matter(_request(title="Same id"), {"census-help"}))
    assert (again.value.field, again.value.rule) == ("decision", "M-3")
    assert once.admitted == (admitted,)
    assert register.admitted == ()


def test_the_burden_counts_both_ends_of_the_period() -> None:
    """M-3: matters requested on the first and the last day count; a day outside does not."""
    register = AccessRegister("c")
    days = [dt.date(2026, 3, 31), dt.date(2026, 4, 1), dt.date(2026, 6, 30), dt.date(2026, 7, 1)]
    for number, (day, money, hours) in enumerate(
        zip(days, (1, 10, 20, 1000), (1, 2, 5, 100), strict=True)
    ):
        request = _request(
            request_id=f"g{number}", requested_on=day, funding=money, cost=0, workload_hours=hours
        )
        register = register.register(admit_matter(request, {"census-help"}))
    report = register.burden(dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert (report.start, report.end) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert (report.matters, report.workload_hours, report.funding) == (2, 7, Decimal(30))
    assert report.funding_per_matter == Fraction(15)
    empty = register.burden(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert (empty.matters, empty.workload_hours, empty.funding) == (0, 0, Decimal(0))
    assert empty.funding_per_matter is None
    assert type(empty.funding) is Decimal


HAND_BACK_ZH = """\
事项：Courtyard rota
结论: 建议逐步交还居民和社区组织
适用规则: M-1, M-5
关键输入:
  handled_by = party_organisation
步骤:
  1. 居民和社区组织能否自行解决 = 是 [M-1]
  2. 法律法规是否另有规定 = 否 [M-1]
  3. 是否已由自治组织承担 = 否 [M-5]"""

KEEP_EN = """\
Matter: Household registration
Outcome: keep it where it is
Rules applied: M-1, M-5
Inputs:
  handled_by = owners_committee
Steps:
  1. residents can settle it = false [M-1]
  2. reserved by law = 户口登记条例 [M-1]
  3. already self-governed = true [M-5]"""


def test_a_hand_back_explains_itself_in_both_languages() -> None:
    """M-1, M-5: the golden explanation of a proposal and of keeping a matter where it is."""
    proposed = propose_hand_back(
        Matter("m1", "Courtyard rota", "社区党组织", residents_can_settle=True)
    )
    assert (proposed.matter_id, proposed.propose) == ("m1", True)
    assert proposed.explanation.to_text("zh") == HAND_BACK_ZH
    assert proposed.explanation.outcome.en == "propose handing it back to residents"
    kept = propose_hand_back(Matter("m2", "Household registration", "业委会", "户口登记条例"))
    assert (kept.matter_id, kept.propose) == ("m2", False)
    assert kept.explanation.to_text("en") == KEEP_EN
    assert kept.explanation.outcome.zh == "维持现状"
    assert [step.text.zh for step in kept.explanation.steps] == [
        "居民和社区组织能否自行解决",
        "法律法规是否另有规定",
        "是否已由自治组织承担",
    ]


OFF_TARGET_ZH = """\
1:2:7 投入结构
结论: 偏离 1:2:7：一分管理、七分服务
适用规则: P-1, P-2
读取的参数:
  pillars.target = {management: 0.1, consultation: 0.2, service: 0.7} (P-1, 生效于 2021-01-21)
  pillars.tolerance = 0.05 (P-2, 生效于 2021-01-21)
关键输入:
  measure = hours
  records = 3
  community = c
步骤:
  1. 一分管理：占比 30%，目标 10% = 0.3 [P-2]
  2. 两分协商：占比 20%，目标 20% = 0.2 [P-2]
  3. 七分服务：占比 50%，目标 70% = 0.5 [P-2]"""

ON_TARGET_EN = """\
The 1:2:7 balance
Outcome: on target for 1:2:7
Rules applied: P-1, P-2
Parameters read:
  pillars.target = {management: 0.1, consultation: 0.2, service: 0.7} (P-1, from 2021-01-21)
  pillars.tolerance = 0.05 (P-2, from 2021-01-21)
Inputs:
  measure = hours
  records = 3
Steps:
  1. management: share 12%, target 10% = 0.12 [P-2]
  2. consultation: share 18%, target 20% = 0.18 [P-2]
  3. service: share 70%, target 70% = 0.7 [P-2]"""


def test_the_allocation_explains_itself_and_reports_every_field() -> None:
    """P-1, P-2: golden explanations on and off target, and every field of the result."""
    off = allocation(
        _efforts(("management", 30), ("consultation", 20), ("service", 50)),
        RULES,
        community_id="c",
    )
    assert off.explanation.to_text("zh") == OFF_TARGET_ZH
    assert off.explanation.outcome.en == "off the 1:2:7 target: management, service"
    assert off.measure is Measure.HOURS
    assert off.records == 3
    assert off.totals == {
        Pillar.MANAGEMENT: Decimal(30),
        Pillar.CONSULTATION: Decimal(20),
        Pillar.SERVICE: Decimal(50),
    }
    assert off.targets == {
        Pillar.MANAGEMENT: Fraction(1, 10),
        Pillar.CONSULTATION: Fraction(1, 5),
        Pillar.SERVICE: Fraction(7, 10),
    }
    assert off.deviations == {
        Pillar.MANAGEMENT: Fraction(1, 5),
        Pillar.CONSULTATION: Fraction(0),
        Pillar.SERVICE: Fraction(-1, 5),
    }
    assert off.on_target == {
        Pillar.MANAGEMENT: False,
        Pillar.CONSULTATION: True,
        Pillar.SERVICE: False,
    }
    on = allocation(_efforts(("management", 12), ("consultation", 18), ("service", 70)), RULES)
    assert on.explanation.to_text("en") == ON_TARGET_EN
    assert on.explanation.outcome.zh == "符合 1:2:7"
    assert on.explanation.steps[0].text.en == "management: share 12%, target 10%"


@pytest.mark.parametrize(
    ("management", "consultation", "verdict"),
    [(15, 15, "on"), (Decimal("15.01"), Decimal("14.99"), "off"), (5, 25, "on")],
)
def test_a_share_exactly_the_tolerance_away_is_on_target(
    management: object, consultation: object, verdict: str
) -> None:
    """P-2: |share - target| equal to ``pillars.tolerance`` (5 points) is on target; more is not."""
    result = allocation(
        _efforts(("management", management), ("consultation", consultation), ("service", 70)),
        RULES,
    )
    assert result.balanced is (verdict == "on")
    assert result.on_target[Pillar.MANAGEMENT] is (verdict == "on")


def test_the_community_period_and_measure_filters_each_hold() -> None:
    """P-2: only the community's records, on or between the ends, of the measure, are counted."""
    start, end = dt.date(2026, 7, 1), dt.date(2026, 9, 30)
    inside = [
        *_efforts(("management", 1), on=start),
        *_efforts(("service", 3), on=end),
    ]
    outside = [
        *_efforts(("consultation", 100), on=start - dt.timedelta(days=1)),
        *_efforts(("consultation", 200), on=end + dt.timedelta(days=1)),
        *_efforts(("consultation", 400), on=start, where="elsewhere"),
        EffortRecord("b", "c", start, "consultation", "budget", 800),
    ]
    result = allocation(
        [*outside, *inside], RULES, community_id="c", start=start, end=end, at=start
    )
    assert result.records == 2
    assert result.totals == {
        Pillar.MANAGEMENT: Decimal(1),
        Pillar.CONSULTATION: Decimal(0),
        Pillar.SERVICE: Decimal(3),
    }
    budget = allocation([*outside, *inside], RULES, measure="budget")
    assert (budget.measure, budget.records) == (Measure.BUDGET, 1)
    assert budget.totals[Pillar.CONSULTATION] == Decimal(800)


def test_the_policy_is_read_on_at_or_else_on_the_end() -> None:
    """P-2: with a tolerance that narrows on 2026-08-01, ``at`` and then ``end`` pick the date."""
    narrower = POLICY.override({"pillars.tolerance": {"value": "1%", "valid_from": "2026-08-01"}})
    records = _efforts(("management", 13), ("consultation", 17), ("service", 70))
    july, september = dt.date(2026, 7, 31), dt.date(2026, 9, 30)
    assert allocation(records, narrower, end=july).balanced
    assert not allocation(records, narrower, end=september).balanced
    assert allocation(records, narrower, end=september, at=july).balanced
    per, overall = allocation_by(records, narrower, end=july)
    assert per["c"].balanced
    assert overall.balanced
    per, overall = allocation_by(records, narrower, end=september)
    assert not per["c"].balanced
    assert not overall.balanced


def test_nothing_to_allocate_names_the_records_and_p_2() -> None:
    """P-2: no matching record, or only zeros, is refused naming ``records`` and P-2."""
    for records in ([], _efforts(("service", 0))):
        with pytest.raises(ParseError, match="nothing to allocate") as raised:
            allocation(records, RULES)
        assert (raised.value.field, raised.value.rule) == ("records", "P-2")
    with pytest.raises(ParseError) as negative:
        EffortRecord("r", "c", DAY, "service", "hours", -1)
    assert (negative.value.field, negative.value.rule) == ("effort.amount", "P-2")


def test_allocation_by_groups_filters_and_skips_empty_groups() -> None:
    """P-2: one allocation per key over the period and measure; groups with nothing are left out."""
    start, end = dt.date(2026, 7, 1), dt.date(2026, 9, 30)
    records = [
        *_efforts(("management", 1), ("service", 9), on=start, where="north"),
        *_efforts(("service", 5), on=end + dt.timedelta(days=1), where="south"),
        *_efforts(("consultation", 2), on=start - dt.timedelta(days=1), where="north"),
        EffortRecord("b", "east", start, "service", "budget", 50),
    ]
    per, overall = allocation_by(records, RULES, start=start, end=end)
    assert list(per) == ["north"]
    assert per["north"].totals[Pillar.SERVICE] == Decimal(9)
    assert per["north"].records == 2
    assert overall.records == 2
    assert overall.totals[Pillar.CONSULTATION] == Decimal(0)
    by_budget, overall_budget = allocation_by(records, RULES, measure="budget", start=start)
    assert list(by_budget) == ["east"]
    assert overall_budget.measure is Measure.BUDGET
    by_day, _ = allocation_by(records, RULES, key=lambda r: r.on.isoformat())
    assert sorted(by_day) == ["2026-06-30", "2026-07-01", "2026-10-01"]
