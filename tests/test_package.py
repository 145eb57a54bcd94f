"""The package facade: a sorted, complete, lazily loaded public API."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import community_governance as cg
from community_governance._lazy import exports_of

PACKAGES = sorted(
    ".".join(init.relative_to(Path(cg.__file__).parents[1]).parent.parts)
    for init in Path(cg.__file__).parent.rglob("__init__.py")
    if init.parent.name != "cli"
)


def test_all_is_sorted_and_every_name_resolves() -> None:
    """__all__ is sorted, and every listed name is importable from the package."""
    assert cg.__all__ == sorted(cg.__all__)
    for name in cg.__all__:
        assert getattr(cg, name) is not None
    assert set(dir(cg)) >= set(cg.__all__)
    assert {"errors", "vocabulary", "workflow", "evaluate_quarter"} <= set(cg.__all__)


def test_the_facade_is_verbs_with_their_types_and_namespaces() -> None:
    """The facade: verbs with the types they return; errors and vocabulary as namespaces."""
    import importlib  # noqa: PLC0415

    for verb, returned in (
        ("evaluate_quarter", "QuarterResult"),
        ("tally", "Tally"),
        ("allocation", "Allocation"),
        ("draw_sample", "SampleCertificate"),
        ("announce", "Announcement"),
        ("due_actions", "DueActions"),
        ("route", "Assignment"),
    ):
        assert verb in cg.__all__
        assert returned in cg.__all__
    for lower in ("grade_of", "precision", "sample_order", "rank", "resolve"):
        assert lower in cg.__all__
    assert cg.errors is importlib.import_module("community_governance.errors")
    assert cg.vocabulary.Dimension.SERVICE_ATTITUDE.zh == "服务态度"
    assert not {n for n in cg.__all__ if n.endswith("Error")} - {"GovernanceError"}
    assert "apply" not in cg.__all__
    assert "diff" not in cg.__all__


@pytest.mark.parametrize("name", ["apply", "diff", "PolicyError", "Dimension", "deprecation"])
def test_names_that_live_in_their_part_are_not_on_the_facade(name: str) -> None:
    """The facade exports the verbs and their types; the rest is reached through its part."""
    with pytest.raises(AttributeError, match=name):
        getattr(cg, name)


@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_exports_its_one_table_and_every_name_resolves(package: str) -> None:
    """A package's ``__all__`` is its ``TYPE_CHECKING`` table, and every name in it loads."""
    module = importlib.import_module(package)
    table = exports_of(package, str(module.__file__))
    assert table
    assert module.__all__ == sorted(table)
    for name, (home, original) in table.items():
        value = getattr(module, name)
        if home == package:
            assert value is importlib.import_module(f"{package}.{original}")
        else:
            assert value is getattr(importlib.import_module(home), original)
    assert set(module.__all__) <= set(dir(module))


def test_no_module_of_the_package_still_speaks_of_deprecated_names() -> None:
    """Nothing was released before 0.1.0, so no name is kept for an old spelling."""
    source = Path(cg.__file__).parent
    said = [p for p in source.rglob("*.py") if "deprecat" in p.read_text(encoding="utf-8").lower()]
    assert said == []


def test_an_unknown_attribute_is_an_attribute_error() -> None:
    """The lazy facade raises AttributeError for names it does not export."""
    with pytest.raises(AttributeError, match="not_a_name"):
        _ = cg.not_a_name


def _loaded(imports: str, modules: tuple[str, ...]) -> str:
    """Which of ``modules`` a fresh interpreter has loaded after ``import`` of ``imports``."""
    code = (
        f"import sys, {imports}; "
        f"print(','.join(sorted(m for m in {modules!r} if m in sys.modules)))"
    )
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.strip()


def test_importing_the_package_loads_no_optional_extra() -> None:
    """Importing the package pulls in neither pydantic, click nor the policy layer."""
    modules = ("pydantic", "click", "tomllib", "community_governance.policy")
    assert _loaded("community_governance", modules) == ""


def test_the_core_install_loads_no_scale_module() -> None:
    """The package, its evaluation and province layers load no Dask, pyarrow or NumPy."""
    imports = "community_governance, community_governance.evaluation, community_governance.province"
    assert _loaded(imports, ("dask", "distributed", "pyarrow", "numpy", "pandas")) == ""


def test_the_version_is_a_release_and_the_changelog_has_its_section() -> None:
    """The package's metadata carries a release version, and CHANGELOG.md its section."""
    from importlib.metadata import version  # noqa: PLC0415

    assert version("community-governance") == cg.__version__
    major, minor, patch = (int(part) for part in cg.__version__.split("."))
    assert (major, minor, patch) >= (0, 1, 0)
    changelog = (Path(cg.__file__).parents[2] / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"\n## {cg.__version__} — " in changelog


def test_news_fragments_build_into_the_changelog(tmp_path: Path) -> None:
    """``towncrier build`` gathers a fragment of changelog.d/ under its type, by the config."""
    root = Path(cg.__file__).parents[2]
    for name in ("pyproject.toml", "CHANGELOG.md"):
        (tmp_path / name).write_bytes((root / name).read_bytes())
    (tmp_path / "changelog.d").mkdir()
    (tmp_path / "changelog.d" / "+sample.fixed.md").write_text(
        "A sample fix, said for users.\n", encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, "-m", "towncrier", "build", "--yes", "--version", "9.9.9"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    changelog = (tmp_path / "CHANGELOG.md").read_text(encoding="utf-8")
    section = changelog.split("<!-- towncrier release notes start -->", 1)[1]
    assert section.lstrip().startswith("## 9.9.9 — ")
    assert "### Fixed\n\n- A sample fix, said for users." in section
    assert section.index("## 9.9.9") < section.index("## 0.1.0")
    assert not (tmp_path / "changelog.d" / "+sample.fixed.md").exists()
