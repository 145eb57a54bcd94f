"""The shipped policy's parsed form equals its TOML file (P, all rules).

``community_governance/policy/shipped.py`` holds each shipped policy file already parsed,
so that loading the default policy needs no TOML parser. This test keeps it equal to the
TOML; ``python tests/policy/test_shipped.py`` rewrites it after the TOML changes.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from community_governance.policy import default_policy, read_policy_text
from community_governance.policy.loader import shipped_text
from community_governance.policy.shipped import SHIPPED

TARGET = Path(__file__).resolve().parents[2] / "src/community_governance/policy/shipped.py"


def _literal(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, Decimal):
        return f"Decimal({str(value)!r})"
    if isinstance(value, dt.date):
        return f"dt.date({value.year}, {value.month}, {value.day})"
    return repr(value)


def render() -> str:
    """The module's text, from the shipped TOML files."""
    names = sorted(SHIPPED) or ["xiamen-127"]
    body = ", ".join(
        f"{name!r}: {_literal(tomllib.loads(shipped_text(name), parse_float=Decimal))}"
        for name in names
    )
    decimal = "from decimal import Decimal\n" if "Decimal(" in body else ""
    return (
        '"""The shipped policies, parsed from ``data/*.toml`` (generated; P, all rules).\n\n'
        "Do not edit: ``python tests/policy/test_shipped.py`` rewrites this file from the TOML,\n"
        "and a test keeps the two equal. Loading the default policy from here needs no TOML\n"
        'parser and no file read.\n"""\n\n'
        f"import datetime as dt\n{decimal}from typing import Any\n\n"
        "#: Each shipped policy document, by id, exactly as its TOML file reads.\n"
        f"SHIPPED: dict[str, dict[str, Any]] = {{{body}}}\n"
    )


def test_the_parsed_form_equals_the_toml_file() -> None:
    """P-1: every shipped policy's parsed form is its TOML file, value for value."""
    for name, document in SHIPPED.items():
        assert document == tomllib.loads(shipped_text(name), parse_float=Decimal)
        assert default_policy() == read_policy_text(shipped_text(name), source=f"{name}.toml")


if __name__ == "__main__":
    TARGET.write_text(render(), encoding="utf-8")
    subprocess.run([sys.executable, "-m", "ruff", "format", str(TARGET)], check=True)  # noqa: S603
    sys.stdout.write(f"wrote {TARGET}\n")
