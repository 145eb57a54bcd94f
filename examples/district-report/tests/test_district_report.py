"""DR-1, the example's own rule, as a user of the installed package meets it."""

from __future__ import annotations

import subprocess
import sys

import pytest
from district_report import DR_1, RULE_SET, report_to_district

from community_governance.demo import demo_quarter, run_demo
from community_governance.evaluation import QuarterHistory, QuarterResult
from community_governance.policy import default_policy
from community_governance.rules import all_rules, extend, find_rule, installed_rule_sets


def _result(quarter: str) -> QuarterResult:
    return run_demo(demo_quarter(127, quarter)).result


Q1, Q2, Q3 = _result("2026Q1"), _result("2026Q2"), _result("2026Q3")
POLICY = extend(default_policy())


def test_the_rule_set_is_installed_through_its_entry_point() -> None:
    """DR-1: the library finds the rule set, and a policy gains its dated parameters."""
    assert RULE_SET in installed_rule_sets()
    assert find_rule("DR-1") == DR_1
    assert all_rules()[-1] == DR_1
    assert POLICY.parameters["local.district_report.threshold"].rule == "DR-1"
    assert "rules:district-report" in POLICY.lineage[-1]


def test_a_unit_below_the_threshold_two_quarters_running_is_reported() -> None:
    """DR-1: market is at 42.93 in 2026Q2 and 2026Q3: reported, explained in both languages."""
    report = report_to_district(QuarterHistory.of([Q2, Q3]), "market", policy=POLICY)
    assert report.reported
    explanation = report.explanation
    assert explanation.rules == ("DR-1",)
    assert [p.name for p in explanation.parameters] == [
        "local.district_report.threshold",
        "local.district_report.quarters",
    ]
    assert explanation.outcome.zh == "market 报区里"
    assert explanation.outcome.en == "market is reported to the district"
    assert [s.value for s in explanation.steps] == ["42.93", "42.93"]
    assert "低于 60" in explanation.to_text("zh")


@pytest.mark.parametrize(
    ("results", "unit"),
    [
        ([Q3], "market"),  # one quarter only
        ([Q1, Q3], "market"),  # a gap breaks the run
        ([Q2, Q3], "weisheng"),  # never below
    ],
)
def test_no_run_of_two_quarters_below_is_no_report(results: list[QuarterResult], unit: str) -> None:
    """DR-1: one quarter, a gap, or a unit above the threshold is not reported."""
    assert not report_to_district(QuarterHistory.of(results), unit, policy=POLICY).reported


def test_a_policy_file_changes_the_threshold_and_the_run() -> None:
    """DR-1: the parameters are policy: a district's file lowers the threshold to 40."""
    lowered = POLICY.override(
        {"local.district_report.threshold": {"value": "40", "valid_from": "2021-01-21"}}
    )
    history = QuarterHistory.of([Q1, Q2, Q3])
    assert not report_to_district(history, "market", policy=lowered).reported
    longer = POLICY.override(
        {"local.district_report.quarters": {"value": 3, "valid_from": "2021-01-21"}}
    )
    assert report_to_district(history, "market", policy=longer).reported
    assert len(report_to_district(history, "market", policy=longer).explanation.steps) == 3


def test_the_command_line_lists_the_rule_and_explains_it() -> None:
    """DR-1 appears in ``community-governance rules`` with its parameters."""
    done = subprocess.run(
        [sys.executable, "-m", "community_governance", "rules", "--lang", "zh"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "DR-1   连续若干个季度最终成绩低于分数线的成员单位，报区里。" in done.stdout
    assert "local.district_report.quarters; local.district_report.threshold" in done.stdout
