"""Optional dependencies: one way in, one message naming the extra (all rules)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import community_governance
from community_governance.errors import GovernanceError, MissingExtraError
from community_governance.extras import EXTRAS, installed, optional, require

SOURCE = Path(community_governance.__file__).parent


def test_a_missing_extra_is_one_line_naming_the_extra_and_the_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The refusal names what needed the module, the extra and the pip command, in both."""
    monkeypatch.setattr(
        "community_governance.extras.EXTRAS", {**EXTRAS, "no_such_module_here": "ghost"}
    )
    with pytest.raises(MissingExtraError) as raised:
        require(
            "no_such_module_here.sub",
            needed_for=("ghost hunting", "捉鬼"),
            field="f",
            rule="E-1",
        )
    error = raised.value
    assert isinstance(error, GovernanceError)
    assert isinstance(error, ImportError)
    assert error.said("en") == (
        "f: ghost hunting needs no_such_module_here, of the [ghost] extra: "
        "pip install 'community-governance[ghost]' [E-1]"
    )
    assert error.said("zh") == (
        "f: 捉鬼需要 no_such_module_here（[ghost] 附加组件）："
        "pip install 'community-governance[ghost]' [E-1]"
    )


def test_installed_and_optional_agree_with_what_is_there() -> None:
    """An installed module is found and imported; an absent one is neither, with no error."""
    assert installed("attrs")
    assert optional("attrs") is not None
    assert not installed("no_such_module_here")
    assert not installed("no_such_module_here.sub")
    assert optional("no_such_module_here") is None
    assert require("attrs", needed_for=("x", "x"), field="f", rule="E-1").__name__ == "attrs"


def test_every_extra_named_is_an_extra_of_the_package() -> None:
    """Each module's extra is declared in pyproject.toml, so the command it prints works."""
    import tomllib  # noqa: PLC0415

    declared = tomllib.loads((SOURCE.parents[1] / "pyproject.toml").read_text("utf-8"))
    extras = set(declared["project"]["optional-dependencies"])
    assert set(EXTRAS.values()) <= extras


def test_no_module_imports_an_optional_dependency_its_own_way() -> None:
    """Outside ``extras`` (and the stdlib-only verifier), no ``try: import`` of an extra."""
    checked = [
        path
        for path in sorted(SOURCE.rglob("*.py"))
        if path.name not in {"extras.py", "_lazy.py"} and not path.match("ledger/verify.py")
    ]
    offenders = [
        f"{path.relative_to(SOURCE)}:{node.lineno}"
        for path in checked
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Try)
        and any(
            isinstance(h.type, ast.Name) and h.type.id in {"ImportError", "ModuleNotFoundError"}
            for h in node.handlers
        )
    ]
    assert offenders == []
