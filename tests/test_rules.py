"""The rule table and its extension by installed rule sets (P, M, C, E, R, S)."""

from __future__ import annotations

import datetime as dt
import json
from importlib.metadata import EntryPoint
from typing import Any

import pytest
from hypothesis import given, strategies as st

from community_governance import rules
from community_governance.errors import PolicyError
from community_governance.policy import default_policy
from community_governance.rules import SHIPPED, Rule, RuleSet, extend, is_rule_id
from tests.cli.shell import run

LOCAL = Rule("DR-1", "低于分数线报区里。", "Reported below the threshold.", "notice 12")
PARAMETER = {
    "rule": "DR-1",
    "note": {"zh": "分数线", "en": "threshold"},
    "values": [{"valid_from": dt.date(2021, 1, 21), "value": "60"}],
}


@given(st.from_regex(r"[A-Z][A-Z0-9]{0,3}-[1-9][0-9]{0,2}", fullmatch=True))
def test_any_id_of_letters_a_hyphen_and_a_number_names_a_rule(rule_id: str) -> None:
    """P-1: a rule ID is its group's letters, a hyphen and a number; the group is the prefix."""
    rule = Rule(rule_id, "中", "en", "source")
    assert rule.group == rule_id.rpartition("-")[0]
    assert rule.title("zh") == "中"
    assert rule.title("en") == "en"


@pytest.mark.parametrize("rule_id", ["E5", "e-5", "E-0", "E-", "-5", "E-5x", "E 5", "E-12345"])
def test_a_malformed_rule_id_is_refused(rule_id: str) -> None:
    """P-1: an ID that is not letters, a hyphen and a number is refused, naming it."""
    with pytest.raises(PolicyError, match="not a rule ID") as raised:
        Rule(rule_id, "中", "en", "source")
    assert (raised.value.field, raised.value.rule) == ("id", "policy")


@pytest.mark.parametrize(
    ("zh", "en", "source"), [(" ", "en", "s"), ("中", "", "s"), ("中", "en", "")]
)
def test_a_rule_needs_both_languages_and_its_source(zh: str, en: str, source: str) -> None:
    """P-1: a rule without its Chinese, its English or its source is refused."""
    with pytest.raises(PolicyError, match="Chinese and English, and its source"):
        Rule("DR-1", zh, en, source)


def test_a_rule_set_s_parameters_are_local_and_cite_its_rules() -> None:
    """P-1: a set needs a rule, no ID twice, and local. parameters citing its own rules."""
    assert RuleSet("s", (LOCAL,), {"local.x": PARAMETER}).parameters["local.x"]["rule"] == "DR-1"
    for rules_given, parameters in (
        ((), {}),
        ((LOCAL, LOCAL), {}),
        ((LOCAL,), {"evaluation.weights": PARAMETER}),
        ((LOCAL,), {"local.x": {**PARAMETER, "rule": "E-5"}}),
    ):
        with pytest.raises(PolicyError, match="rule set 's'"):
            RuleSet("s", rules_given, parameters)


def test_extend_adds_what_a_policy_lacks_and_keeps_what_it_has() -> None:
    """P-1: a set's parameters join the policy, unless the policy already defines them."""
    rule_set = RuleSet("s", (LOCAL,), {"local.x": PARAMETER})
    extended = extend(default_policy(), (rule_set,))
    assert extended.at(dt.date(2026, 7, 1)).value("local.x") == "60"
    assert extended.lineage[-1] == "rules:s:local.x"
    own = {**PARAMETER, "values": [{"valid_from": dt.date(2021, 1, 21), "value": "50"}]}
    already = extend(default_policy(), (RuleSet("t", (LOCAL,), {"local.x": own}),))
    assert extend(already, (rule_set,)).at(dt.date(2026, 7, 1)).value("local.x") == "50"
    assert extend(default_policy(), ()) == default_policy()


def test_a_local_parameter_is_read_and_cited_like_the_librarys() -> None:
    """P-1: a traced snapshot records a local. read; an unknown one names the policy."""
    from community_governance.explain import ExplanationBuilder, Text  # noqa: PLC0415

    policy = extend(default_policy(), (RuleSet("s", (LOCAL,), {"local.x": PARAMETER}),))
    builder = ExplanationBuilder(Text("中", "en"))
    snapshot = policy.at(dt.date(2026, 7, 1)).traced(builder)
    assert snapshot.value("local.x") == "60"
    assert [p.name for p in builder.parameters] == ["local.x"]
    assert builder.rules == ["DR-1"]
    with pytest.raises(PolicyError, match=r"no parameter 'local\.y'"):
        snapshot.value("local.y")


def test_a_policy_may_cite_shipped_installed_and_local_rules_only() -> None:
    """P-1: the policy's rule IDs come from the table, an installed set, or LOCAL-…."""
    assert all(is_rule_id(r.id) for r in SHIPPED)
    assert is_rule_id("LOCAL-7")
    assert not is_rule_id("E-7")
    assert not is_rule_id("ZZ-1")
    with pytest.raises(PolicyError, match="'ZZ-1' is not a rule") as raised:
        default_policy().override({"local.z": {**PARAMETER, "rule": "ZZ-1"}})
    assert raised.value.rule == "policy"


class _Points:
    def __init__(self, *points: EntryPoint) -> None:
        self.points = points

    def __call__(self, *, group: str) -> tuple[EntryPoint, ...]:
        assert group == rules.ENTRY_POINT_GROUP
        return self.points


def _installed(monkeypatch: pytest.MonkeyPatch, target: str) -> None:
    point = EntryPoint("mine", target, rules.ENTRY_POINT_GROUP)
    monkeypatch.setattr("importlib.metadata.entry_points", _Points(point))
    rules.installed_rule_sets.cache_clear()
    monkeypatch.setattr(rules, "installed_rule_sets", rules.installed_rule_sets)


#: Targets of entry points for the tests below (module-level, as entry points load them).
GOOD = RuleSet("mine", (LOCAL,), {"local.x": PARAMETER})
CLASH = RuleSet("mine", (Rule("E-5", "中", "en", "s"),))
NOT_A_SET: Any = {"rules": ()}


def test_an_installed_rule_set_joins_the_table_and_the_policy_ids(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """P-1: a set named by an entry point (or by a function returning one) is found."""
    try:
        _installed(monkeypatch, "tests.test_rules:GOOD")
        assert rules.installed_rule_sets() == (GOOD,)
        assert rules.all_rules()[-1] == LOCAL
        assert rules.find_rule("DR-1") == LOCAL
        assert is_rule_id("DR-1")
        _installed(monkeypatch, "tests.test_rules:_good")
        assert rules.installed_rule_sets() == (GOOD,)
    finally:
        rules.installed_rule_sets.cache_clear()


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("tests.test_rules:CLASH", "E-5 already exist"),
        ("tests.test_rules:NOT_A_SET", "not a RuleSet"),
    ],
)
def test_an_entry_point_that_is_not_a_good_rule_set_is_named(
    monkeypatch: pytest.MonkeyPatch, target: str, words: str
) -> None:
    """P-1: a set reusing a rule ID, or an object that is no set, names its entry point."""
    try:
        _installed(monkeypatch, target)
        with pytest.raises(PolicyError, match=words) as raised:
            rules.installed_rule_sets()
        assert raised.value.field == "entry-points[community_governance.rules].mine"
    finally:
        rules.installed_rule_sets.cache_clear()


def _good() -> RuleSet:
    return GOOD


def test_the_rules_command_lists_every_rule_in_both_languages(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """P-1..S-7: ``rules`` shows each rule, its parameters and where it is implemented."""
    code, out, _ = run(capsys, "rules")
    assert code == 0
    assert out.startswith("P-1    Governance effort is divided 10% management")
    assert (
        "       parameters: evaluation.missing_component; evaluation.peer.trim_min_raters;" in out
    )
    assert "       implemented by: community_governance.evaluation.scoring.final_score" in out
    code, out, _ = run(capsys, "rules", "--lang", "zh")
    assert "E-5    最终成绩 = 10% 自评分 + 40% 互评均分 + 50% 民意测评均分。" in out
    assert "       实现: community_governance.evaluation.scoring.final_score" in out
    code, out, _ = run(capsys, "rules", "--format", "json")
    listed = json.loads(out)
    assert [row["rule"] for row in listed] == [r.id for r in SHIPPED]
    assert listed[16]["parameters"].startswith("evaluation.missing_component")
    code, out, _ = run(capsys, "rules", "--format", "csv", "--lang", "zh")
    assert out.splitlines()[0] == "规则,内容,参数,实现,出处"
