"""Generated files are current, and the rule table they come from holds (P, all rules).

``tools/generate.py`` writes ``policy/shipped.py`` (the shipped policy already parsed), the
docs' rule lists and the rule reference from their sources; ``--check`` names any file that
is not current.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from community_governance.policy import SPECS, default_policy, read_policy_text
from community_governance.policy.loader import shipped_text
from community_governance.policy.shipped import SHIPPED as SHIPPED_POLICIES
from community_governance.rules import GROUPS, SHIPPED, implementation

ROOT = Path(__file__).resolve().parent.parent


def test_every_generated_file_is_current() -> None:
    """P-1: ``tools/generate.py --check`` finds nothing to rewrite."""
    done = subprocess.run(  # noqa: S603 - the project's own tool, by this interpreter
        [sys.executable, str(ROOT / "tools" / "generate.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_parsed_policy_equals_the_toml_file() -> None:
    """P-1: every shipped policy's parsed form is its TOML file, value for value."""
    for name, document in SHIPPED_POLICIES.items():
        assert document == tomllib.loads(shipped_text(name), parse_float=Decimal)
        assert default_policy() == read_policy_text(shipped_text(name), source=f"{name}.toml")


def test_the_rule_table_lists_the_mechanism_in_order() -> None:
    """P-1..S-7: 28 rules, by part in the article's order, numbered from 1 without a gap."""
    assert len(SHIPPED) == 28
    groups = list(dict.fromkeys(r.group for r in SHIPPED))
    assert groups == list(GROUPS) == ["P", "M", "C", "E", "R", "S"]
    for group in groups:
        numbers = [int(r.id.rpartition("-")[2]) for r in SHIPPED if r.group == group]
        assert numbers == list(range(1, len(numbers) + 1))
    assert all("127党建引领社区治理机制探索" in r.source for r in SHIPPED)


@pytest.mark.parametrize("rule", SHIPPED, ids=lambda r: r.id)
def test_each_rule_is_implemented_where_it_says_and_cited_there(rule: object) -> None:
    """Every rule's implementations exist, and their module cites the rule's ID."""
    from community_governance.rules import Rule  # noqa: PLC0415

    assert isinstance(rule, Rule)
    assert rule.implemented_by
    for path in rule.implemented_by:
        assert implementation(path) is not None
        module = importlib.import_module(path.rpartition(".")[0])
        assert rule.id in Path(str(module.__file__)).read_text(encoding="utf-8")


def test_every_parameter_cites_a_rule_of_the_table() -> None:
    """Each policy parameter the library reads implements a rule of the table."""
    ids = {r.id for r in SHIPPED}
    assert {spec.rule for spec in SPECS.values()} <= ids
    assert {p.rule for p in default_policy().parameters.values()} <= ids


def test_the_rule_reference_names_a_test_for_every_rule() -> None:
    """The generated reference lists every rule with at least one test naming it."""
    page = (ROOT / "docs" / "en" / "rules.md").read_text(encoding="utf-8")
    rows = [line for line in page.splitlines() if line[:4] in {f"| {g}-" for g in GROUPS}]
    assert [row.split(" | ")[0][2:] for row in rows] == [r.id for r in SHIPPED]
    for row in rows:
        assert " | 0: " not in row, row
