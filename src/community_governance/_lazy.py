"""Lazy re-exports for the package and its parts (PEP 562; all rules).

A part's ``__init__`` names what it exports and where each name lives; nothing is
imported until a name is first used, so ``from community_governance.evaluation import
draw_sample`` loads the sampler and what it needs, not the whole evaluation.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, exports: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package``, which re-exports ``exports``.

    ``exports`` maps each public name to the module that defines it. A name that is not
    exported but is a submodule of the package is imported as a submodule.
    """

    def __getattr__(name: str) -> Any:  # noqa: N807 - a module's __getattr__ (PEP 562)
        home = exports.get(name)
        if home is None:
            try:
                return importlib.import_module(f"{package}.{name}")
            except ModuleNotFoundError:
                raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(home), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:  # noqa: N807 - a module's __dir__ (PEP 562)
        return sorted({*vars(sys.modules[package]), *exports})

    return __getattr__, __dir__
