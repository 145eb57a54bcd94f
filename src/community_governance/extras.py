"""Optional dependencies, imported one way, refused with one message (all rules).

The core needs only attrs and pydantic. Everything else comes with an extra
(``pip install 'community-governance[NAME]'``), listed in ``EXTRAS`` by the module
it brings. [`require`][community_governance.extras.require] imports such a module or
raises [`MissingExtraError`][community_governance.errors.MissingExtraError], which names
what needed it, the extra and the command, in both languages;
[`optional`][community_governance.extras.optional] gives the module or ``None`` where a
feature steps aside without it (the Arrow fast path, the embedded font).
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Mapping
from types import ModuleType

from community_governance.errors import MissingExtraError

__all__ = ["EXTRAS", "installed", "optional", "require"]

#: The extra that brings each optional module (its top-level package).
EXTRAS: Mapping[str, str] = {
    "click": "cli",
    "rich": "cli",
    "openpyxl": "excel",
    "numpy": "fast",
    "pyarrow": "scale",
    "pandas": "scale",
    "distributed": "scale",
    "dask": "scale",
    "psycopg": "postgres",
    "segno": "field",
    "cryptography": "ledger",
    "gmalg": "ledger",
    "matplotlib": "notebook",
    "pylopdf_fonts_zh_cn": "notebook",
    "fontTools": "notebook",
}


def installed(module: str) -> bool:
    """Whether ``module`` can be imported, without importing it."""
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # a submodule of a package that is not there
        return False


def optional(module: str) -> ModuleType | None:
    """``module``, imported, or ``None`` where its extra is not installed."""
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def require(module: str, *, needed_for: tuple[str, str], field: str, rule: str) -> ModuleType:
    """``module``, imported; else one error naming the extra that brings it.

    ``needed_for`` says what needed it, in English and Chinese ("signed heads", "签名的账本头").

    Raises:
        MissingExtraError: the module is not installed.
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        top = module.partition(".")[0]
        extra = EXTRAS[top]
        command = f"pip install 'community-governance[{extra}]'"
        en, zh = needed_for
        raise MissingExtraError(
            f"{en} needs {top}, of the [{extra}] extra: {command}",
            field=field,
            rule=rule,
            zh=f"{zh}需要 {top}（[{extra}] 附加组件）：{command}",
        ) from None
