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
    assert set(cg._EXPORTS) == set(names)
    assert set(dir(cg)) >= set(cg.__all__)


def test_an_unknown_attribute_is_an_attribute_error() -> None:
    """The lazy facade raises AttributeError for names it does not export."""
    with pytest.raises(AttributeError, match="not_a_name"):
        _ = cg.not_a_name


def test_importing_the_package_loads_no_optional_extra() -> None:
    """Importing the package pulls in neither pydantic, click nor the policy layer."""
    code = (
        "import sys, community_governance; "
        "print(','.join(sorted(m for m in ('pydantic', 'click', 'tomllib', "
        "'community_governance.policy') if m in sys.modules)))"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.strip()
    assert out == ""
