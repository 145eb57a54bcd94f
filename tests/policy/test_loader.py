"""Loading policies: the shipped file, local files, installed packages (P, all rules)."""

from __future__ import annotations

import datetime as dt
import importlib
import re
import textwrap
from fractions import Fraction
from pathlib import Path

import pytest

from community_governance.errors import PolicyDateError, PolicyDateWarning, PolicyError
from community_governance.policy import (
    ENTRY_POINT_GROUP,
    SPECS,
    available_policies,
    default_policy,
    load_policy,
    policy_at,
    read_policy_text,
)
from community_governance.vocabulary import ApprovalBase, Component, Grade, Pillar

SPEC_RULES = re.compile(r"^[PMCERS]-\d+$")
PILOT = dt.date(2026, 7, 1)


def test_the_shipped_policy_holds_the_numbers_of_the_mechanism() -> None:
    """P-1, C-3, E-4, E-5, E-6: the article's numbers, exactly, and the spec's defaults."""
    s = policy_at(PILOT)
    assert s.pillar_target == {
        Pillar.MANAGEMENT: Fraction(1, 10),
        Pillar.CONSULTATION: Fraction(2, 10),
        Pillar.SERVICE: Fraction(7, 10),
    }
    assert s.approval_threshold == Fraction(85, 100)
    assert s.approval_base is ApprovalBase.ENTITLED
    assert s.approval_inclusive is True
    assert s.quorum == 0
    assert s.component_weights == {
        Component.SELF: Fraction(1, 10),
        Component.PEER: Fraction(4, 10),
        Component.PUBLIC: Fraction(5, 10),
    }
    assert set(s.dimension_weights.values()) == {Fraction(1, 6)}
    assert s.survey_size == 100
    assert [(b.grade, b.minimum) for b in s.grade_bands] == [
        (Grade.EXCELLENT, Fraction(90)),
        (Grade.GOOD, Fraction(80)),
        (Grade.QUALIFIED, Fraction(60)),
        (Grade.FAILED, Fraction(0)),
    ]
    assert [lv.zh for lv in s.survey_answer_scale.levels] == [
        "非常满意",
        "满意",
        "基本满意",
        "不满意",
        "非常不满意",
    ]
    assert s.rounding_places == 2
    assert s.deadline_days == 30


def test_every_parameter_is_dated_cited_and_noted_in_both_languages() -> None:
    """Every value carries valid_from, a rule ID of the spec and a one-line note in zh and en."""
    policy = default_policy()
    assert set(policy.parameters) == set(SPECS)
    for parameter in policy.parameters.values():
        assert SPEC_RULES.match(parameter.rule)
        assert parameter.rule == SPECS[parameter.name].rule
        assert parameter.note.zh
        assert parameter.note.en
        assert "\n" not in parameter.note.zh + parameter.note.en
        assert parameter.windows[0].valid_from == dt.date(2021, 1, 21)


def test_a_date_before_every_window_raises_in_strict_mode_and_warns_in_lenient() -> None:
    """policy_at outside every window: strict raises; lenient warns and uses the nearest."""
    early = dt.date(2020, 1, 1)
    with pytest.raises(PolicyDateError, match="2020-01-01"):
        policy_at(early)
    with pytest.warns(PolicyDateWarning):
        snapshot = policy_at(early, strict=False)
    assert snapshot.approval_threshold == Fraction(17, 20)


def test_a_datetime_is_not_a_date() -> None:
    """Policies are looked up by calendar date; a datetime is refused."""
    with pytest.raises(PolicyDateError, match="date"):
        default_policy().at(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))


def test_a_file_that_extends_the_shipped_policy(tmp_path: Path) -> None:
    """A municipality's file lists only what differs; the rest comes from its base."""
    path = tmp_path / "siming.toml"
    path.write_text(
        textwrap.dedent(
            """
            [policy]
            id = "siming"
            extends = "xiamen-127"
            title = { zh = "思明区", en = "Siming district" }
            source = "Siming district notice (example)"
            format = 1

            [parameters."consultation.approval.threshold"]
            values = [
              { valid_from = 2021-01-21, valid_until = 2025-12-31, value = "85%" },
              { valid_from = 2026-01-01, value = 0.80 },
            ]
            """
        ),
        encoding="utf-8",
    )
    policy = load_policy(path)
    assert policy.policy_id == "siming"
    assert policy.at(dt.date(2025, 12, 31)).approval_threshold == Fraction(17, 20)
    assert policy.at(dt.date(2026, 1, 1)).approval_threshold == Fraction(4, 5)
    assert policy.lineage == ("file:xiamen-127.toml", f"file:{path}")
    assert policy.parameter("consultation.approval.threshold").rule == "C-3"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("not = [toml", "broken.toml"),
        ('[policy]\nid="x"\nextends=3\n', "policy.extends"),
        ('[policy]\nid="x"\nextends="nowhere"\n', "policy"),
    ],
)
def test_unreadable_policy_text_names_the_file(text: str, field: str) -> None:
    """Invalid TOML or a bad 'extends' raises PolicyError naming where."""
    with pytest.raises(PolicyError) as caught:
        read_policy_text(text, source="broken.toml")
    assert field in str(caught.value)


def test_a_missing_file_and_an_unknown_id_are_clear_errors(tmp_path: Path) -> None:
    """Loading a file that is not there, or an id nobody provides, names it."""
    with pytest.raises(PolicyError, match=r"absent\.toml"):
        load_policy(tmp_path / "absent.toml")
    with pytest.raises(PolicyError, match=r"available: xiamen-127"):
        load_policy("atlantis")


@pytest.fixture
def installed_policy_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A tiny installed package contributing a policy through the entry-point group."""
    package = tmp_path / "site"
    package.mkdir()
    (package / "cg_test_policies.py").write_text(
        textwrap.dedent(
            """
            from pathlib import Path
            from community_governance.policy import default_policy

            def huli():
                return default_policy().override(
                    {"rectification.deadline_days": 20}, policy_id="huli"
                )

            FILE = Path(__file__).with_name("jimei.toml")
            NOT_A_POLICY = 42
            """
        ),
        encoding="utf-8",
    )
    (package / "jimei.toml").write_text(
        '[policy]\nid = "jimei"\nextends = "xiamen-127"\ntitle = "Jimei"\n'
        'source = "example"\nformat = 1\n\n[parameters."evaluation.survey.size"]\n'
        "values = [{ valid_from = 2021-01-21, value = 120 }]\n",
        encoding="utf-8",
    )
    dist = package / "cg_test_policies-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: cg-test-policies\nVersion: 1.0\n", encoding="utf-8"
    )
    (dist / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\n"
        "huli = cg_test_policies:huli\n"
        "jimei = cg_test_policies:FILE\n"
        "broken = cg_test_policies:NOT_A_POLICY\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(package))
    importlib.invalidate_caches()
    return str(package)


@pytest.mark.usefixtures("installed_policy_package")
def test_installed_packages_contribute_policies() -> None:
    """Entry points in community_governance.policies are listed and load (callable or path)."""
    assert {"huli", "jimei", "xiamen-127"} <= set(available_policies())
    huli = load_policy("huli")
    assert huli.at(PILOT).deadline_days == 20
    assert huli.policy_id == "huli"
    assert load_policy("jimei").at(PILOT).survey_size == 120
    with pytest.raises(PolicyError, match="broken"):
        load_policy("broken")


def test_a_second_file_overrides_a_policy_in_hand(tmp_path: Path) -> None:
    """A file without 'extends' applies onto a policy passed as base; a mismatch is refused."""
    base = default_policy().override({"rectification.deadline_days": 45}, policy_id="in-hand")
    path = tmp_path / "more.toml"
    path.write_text(
        '[policy]\nid = "more"\ntitle = "More"\nsource = "example"\nformat = 1\n'
        '[parameters."evaluation.survey.size"]\n'
        "values = [{ valid_from = 2021-01-21, value = 80 }]\n",
        encoding="utf-8",
    )
    combined = load_policy(path, base=base)
    snapshot = combined.at(PILOT)
    assert (snapshot.deadline_days, snapshot.survey_size) == (45, 80)
    assert combined.lineage[-1] == f"file:{path}"
    wrong = tmp_path / "wrong.toml"
    wrong.write_text(
        path.read_text(encoding="utf-8").replace('id = "more"', 'id = "more"\nextends = "x"'),
        encoding="utf-8",
    )
    with pytest.raises(PolicyError, match="applied to 'in-hand'"):
        load_policy(wrong, base=base)
