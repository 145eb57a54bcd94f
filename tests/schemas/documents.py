"""Walking documents for the tests: every leaf of a JSON value with its path (all rules)."""

from __future__ import annotations

from typing import Any


def json_leaves(value: Any, path: str = "") -> list[tuple[str, Any]]:
    """Every leaf of a document with its path."""
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in json_leaves(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [leaf for i, v in enumerate(value) for leaf in json_leaves(v, f"{path}[{i}]")]
    return [(path, value)]
