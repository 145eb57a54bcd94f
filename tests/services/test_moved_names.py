"""The services' old module keeps working for one minor version, with a warning (S-2..S-7)."""

from __future__ import annotations

import importlib

import pytest

from community_governance import services


def test_old_imports_warn_and_give_the_same_objects() -> None:
    """S-4, S-7: services.records.X warns, names the new home and is services.X."""
    records = importlib.import_module("community_governance.services.records")
    with pytest.warns(
        DeprecationWarning, match=r"community_governance\.services\.micro_governance"
    ):
        assert records.MicroWish is services.MicroWish
    with pytest.warns(DeprecationWarning, match=r"services\.volunteers\.volunteer_effort"):
        assert records.volunteer_effort is services.volunteer_effort
    with pytest.raises(AttributeError):
        _ = records.NoSuchName
