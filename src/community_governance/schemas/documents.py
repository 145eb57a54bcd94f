"""Deprecated: the document models moved to one module per part (all rules).

``community_governance.schemas.documents`` keeps working for one minor version;
each name warns on use and names its new home. Import from
``community_governance.schemas`` instead.
"""

from __future__ import annotations

import importlib
from typing import Any

from community_governance.deprecation import warn_moved

_HOMES = ("community", "evaluation", "consultation", "rectification", "policy", "registry")

__all__: list[str] = []  # nothing new is imported from here


def __getattr__(name: str) -> Any:
    for home in _HOMES:
        module = importlib.import_module(f"community_governance.schemas.{home}")
        if name in getattr(module, "__all__", ()):
            warn_moved(f"{__name__}.{name}", f"community_governance.schemas.{home}.{name}")
            return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
