"""The policy commands of the command line: output, exit codes, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from community_governance.cli import EXIT_BAD_INPUT, EXIT_OK, EXIT_OUTCOME, default_lang
from tests.cli.shell import run

HEADER = '[policy]\nid="x"\nextends="xiamen-127"\ntitle="t"\nsource="s"\nformat=1\n'


def test_policy_show_lists_every_parameter_in_english_and_chinese(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """C-3, E-5: 'policy show' prints the threshold and the weights with their rules."""
    code, out, _ = run(capsys, "policy", "show", "--lang", "en")
    assert code == EXIT_OK
    assert "consultation.approval.threshold = 0.85" in out
    assert "[E-5]" in out
    code, out, _ = run(capsys, "policy", "show", "--lang", "zh")
    assert code == EXIT_OK
    assert "政策: xiamen-127" in out


def test_policy_show_at_a_date_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    """'policy show --at DATE --format json' gives each value with its rule and start date."""
    code, out, _ = run(capsys, "policy", "show", "--at", "2026-07-01", "--format", "json")
    assert code == EXIT_OK
    data = json.loads(out)
    assert data["evaluation.survey.size"] == {
        "value": 100,
        "rule": "E-4",
        "valid_from": "2021-01-21",
    }


def test_policy_list_and_diff(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """'policy diff' of a policy with itself is empty; with a changed file it lists the change."""
    assert run(capsys, "policy", "list")[1].split() == ["xiamen-127"]
    code, out, _ = run(capsys, "policy", "diff", "xiamen-127", "xiamen-127", "--fail-on-change")
    assert (code, out.strip()) == (EXIT_OK, "no changes")
    local = tmp_path / "local.toml"
    local.write_text(
        '[policy]\nid = "local"\nextends = "xiamen-127"\ntitle = "Local"\nsource = "x"\n'
        'format = 1\n[parameters."consultation.approval.threshold"]\n'
        'values = [{ valid_from = 2021-01-21, value = "2/3" }]\n',
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "policy", "diff", "xiamen-127", str(local), "--fail-on-change")
    assert code == EXIT_OUTCOME
    assert "consultation.approval.threshold" in out
    assert "2/3" in out
    assert run(capsys, "policy", "validate", str(local))[0] == EXIT_OK


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (None, "cannot read the file"),
        ("[policy\n", "not valid TOML"),
        (
            HEADER + '[parameters."consultation.approval.threshold"]\n'
            'values=[{valid_from=2021-01-21, value="1.5"}]\n',
            "consultation.approval.threshold].values[0].value",
        ),
        (
            HEADER + '[parameters."evaluation.bogus"]\nrule="E-5"\n',
            "unknown parameter 'evaluation.bogus'",
        ),
    ],
)
def test_bad_policy_files_give_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str | None, needle: str
) -> None:
    """A missing, malformed or invalid policy file: exit 2 and one line naming file and field."""
    path = tmp_path / "city.toml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "policy", "show", str(path))
    assert code == EXIT_BAD_INPUT
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("community-governance: error: ")
    assert needle in err
    assert "city.toml" in err
    assert "Traceback" not in err


def test_unknown_options_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    """Usage errors exit 2 with one line."""
    code, _, err = run(capsys, "policy", "show", "--format", "yaml")
    assert code == EXIT_BAD_INPUT
    assert "yaml" in err


def test_the_language_follows_the_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """--lang defaults to Chinese under a zh locale, English otherwise."""
    for variable in ("COMMUNITY_GOVERNANCE_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    assert default_lang() == "en"
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert default_lang() == "zh"
    monkeypatch.setenv("COMMUNITY_GOVERNANCE_LANG", "en")
    assert default_lang() == "en"


def test_catalogue_command(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """S-1..S-7: the catalogue lists every service as a table or JSON; bad files exit 2."""
    code, out, _ = run(capsys, "catalogue", "--builtin", "--lang", "zh")
    assert code == EXIT_OK
    assert "S-7  volunteer  契约式志愿服务" in out
    code, out, _ = run(capsys, "catalogue", "--builtin", "--format", "json")
    assert len(json.loads(out)) == 30
    bad = tmp_path / "bad.toml"
    bad.write_text("[[service]]\nid = 'x'\ncategory = 'nine'\n", encoding="utf-8")
    code, out, err = run(capsys, "catalogue", "--builtin", "--extension", str(bad))
    assert code == EXIT_BAD_INPUT
    assert "bad.toml" in err
    assert err.count("\n") == 1


def test_demo_command(capsys: pytest.CaptureFixture[str]) -> None:
    """E-1..E-6, C-3, P-2: the demo shows the meeting, the evaluation, rectification and 1:2:7."""
    code, out, _ = run(capsys, "demo", "--lang", "en")
    assert code == EXIT_OK
    for heading in ("Deliberation meeting", "Quarterly evaluation", "Rectification", "1:2:7"):
        assert heading in out
    code, out, _ = run(capsys, "demo", "--lang", "zh")
    assert "季度考评" in out
    assert "不合格" in out
    code, out, _ = run(capsys, "demo", "--format", "json", "--seed", "5")
    assert json.loads(out)["quarter"] == "2026Q3"
    assert run(capsys, "demo", "--quarter", "2026Q9")[0] == EXIT_BAD_INPUT
