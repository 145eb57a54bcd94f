"""One export table per package, loaded on first use (PEP 562; all rules).

A package's ``__init__`` lists what it exports once, as the imports of its
``if TYPE_CHECKING:`` block, each written ``from home import name as name`` so that type
checkers see an explicit re-export. At run time that block does not execute: the
package's one line ``__getattr__, __dir__ = lazy_exports(__name__, __file__)`` reads the
same block from the source when a name is first asked for, and ``__all__`` is derived from
it. So ``import community_governance`` loads nothing it does not need, and
``from community_governance.evaluation import draw_sample`` loads the sampler and what it
imports, not the whole evaluation.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Any

__all__ = ["exports_of", "lazy_exports"]


def exports_of(package: str, source_file: str) -> dict[str, tuple[str, str]]:
    """Each name ``package`` exports -> (home module, name there), read from its source.

    The names are the imports of the module-level ``if TYPE_CHECKING:`` block.
    """
    import ast  # noqa: PLC0415 - only when a name is first asked for

    with open(source_file, encoding="utf-8") as handle:  # noqa: PTH123 - a module's own file
        tree = ast.parse(handle.read(), source_file)
    table: dict[str, tuple[str, str]] = {}
    for node in tree.body:
        if not (isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"):
            continue
        for statement in node.body:
            if isinstance(statement, ast.ImportFrom) and statement.module is not None:
                home = statement.module if statement.level == 0 else package
                for alias in statement.names:
                    table[alias.asname or alias.name] = (home, alias.name)
    return table


def _load(package: str, home: str, name: str) -> Any:
    if home == package:  # ``from package import part as part``: a subpackage or module
        return importlib.import_module(f"{package}.{name}")
    return getattr(importlib.import_module(home), name)


def lazy_exports(
    package: str, source_file: str
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package``, exporting its ``TYPE_CHECKING`` block.

    ``__all__`` is answered from the same table. A name that is not exported but is a
    submodule of the package is imported as a submodule, as Python's own import would.
    """
    table: dict[str, tuple[str, str]] = {}

    def exports() -> dict[str, tuple[str, str]]:
        if not table:
            table.update(exports_of(package, source_file))
        return table

    def __getattr__(name: str) -> Any:  # noqa: N807 - a module's __getattr__ (PEP 562)
        if name == "__all__":
            value: Any = sorted(exports())
        elif name in exports():
            value = _load(package, *exports()[name])
        elif name.startswith("__"):
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        else:
            try:
                value = importlib.import_module(f"{package}.{name}")
            except ModuleNotFoundError as error:
                if error.name != f"{package}.{name}":
                    raise
                raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:  # noqa: N807 - a module's __dir__ (PEP 562)
        return sorted({*vars(sys.modules[package]), *exports()})

    return __getattr__, __dir__
