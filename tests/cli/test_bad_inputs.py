"""Bad inputs at the shell: one line naming the file or field and the rule, exit 2, no traceback.

Each row is a failure an adversarial pass found, written as a real file where a file is read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from community_governance.cli import EXIT_BAD_INPUT, main
from community_governance.numbers import MAX_DIGITS

HEAD = '[policy]\nid = "{id}"\ntitle = "t"\nsource = "s"\nformat = 1\nextends = "{parent}"\n'


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


def test_a_policy_that_extends_itself(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """P-1: a policy file that extends itself, directly or through another, names the cycle."""
    (tmp_path / "self.toml").write_text(HEAD.format(id="x", parent=tmp_path / "self.toml"))
    (tmp_path / "a.toml").write_text(HEAD.format(id="a", parent=tmp_path / "b.toml"))
    (tmp_path / "b.toml").write_text(HEAD.format(id="b", parent=tmp_path / "a.toml"))
    for name in ("self.toml", "a.toml"):
        code, err = _run(capsys, "policy", "validate", str(tmp_path / name))
        assert code == EXIT_BAD_INPUT
        assert "extends itself" in err
        assert "policy.extends" in err
        assert err.count("\n") == 1
        assert "Traceback" not in err


def test_a_policy_nested_100k_deep(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """P-1: TOML arrays nested 100,000 deep are refused in one line, not a RecursionError."""
    path = tmp_path / "deep.toml"
    path.write_text(
        HEAD.format(id="d", parent="xiamen-127")
        + '[parameters."local.x"]\nrule = "LOCAL-1"\nnote = "n"\n'
        + "values = [{valid_from = 2021-01-21, value = "
        + "[" * 100_000
        + "]" * 100_000
        + "}]\n"
    )
    code, err = _run(capsys, "policy", "validate", str(path))
    assert code == EXIT_BAD_INPUT
    assert "nested too deeply" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize("digits", [MAX_DIGITS + 10, 5_000, 1_000_000])
def test_an_exact_number_of_too_many_digits(
    capsys: pytest.CaptureFixture[str], digits: int
) -> None:
    """C-3: a threshold of thousands of digits is refused at once, naming the field and rule."""
    code, err = _run(
        capsys, "tally", "--entitled", "20", "--agree", "17", "--threshold", "0." + "9" * digits
    )
    assert code == EXIT_BAD_INPUT
    assert "threshold" in err
    assert "[C-3]" in err
    assert f"at most {MAX_DIGITS} digits" in err
    assert err.count("\n") == 1
