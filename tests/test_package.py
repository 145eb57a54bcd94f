"""The package facade: a sorted, complete, lazily loaded public API."""

from __future__ import annotations

import subprocess
import sys

import pytest

import community_governance as cg


def test_all_is_sorted_and_every_name_resolves() -> None:
    """__all__ is sorted, and every listed name is importable from the package."""
    names = [n for n in cg.__all__ if n != "__version__"]
    assert names == sorted(names)
    for name in cg.__all__:
        assert getattr(cg, name) is not None
    assert set(cg._EXPORTS) | cg._NAMESPACES == set(names)
    assert set(dir(cg)) >= set(cg.__all__)


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


@pytest.mark.parametrize(
    ("name", "home"),
    [
        ("apply", "community_governance.workflow"),
        ("diff", "community_governance.policy"),
        ("PolicyError", "community_governance.errors"),
        ("Dimension", "community_governance.vocabulary"),
    ],
)
def test_names_the_facade_no_longer_exports_warn_and_still_work(name: str, home: str) -> None:
    """Names moved out of the facade keep working for one minor version, with a warning."""
    import importlib  # noqa: PLC0415

    with pytest.warns(DeprecationWarning, match=home.replace(".", r"\.")):
        value = getattr(cg, name)
    assert value is getattr(importlib.import_module(home), name)


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
