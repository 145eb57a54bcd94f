"""Columns handed to pandas and Arrow (E-1; adapter).

A city's result is columns of Python values; a notebook wants a DataFrame, a Parquet
writer an Arrow table. The domain keeps its columns, and these adapters make the frames,
each with its extra.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from community_governance.extras import require

__all__ = ["arrow_table", "pandas_frame"]


def pandas_frame(columns: Mapping[str, Sequence[Any]]) -> Any:
    """A pandas DataFrame of ``columns`` (the ``[notebook]`` or ``[scale]`` extra)."""
    pd: Any = require("pandas", needed_for=("a DataFrame", "DataFrame"), field="pandas", rule="E-1")
    return pd.DataFrame({name: list(values) for name, values in columns.items()})


def arrow_table(columns: Mapping[str, Sequence[Any]]) -> Any:
    """A pyarrow table of ``columns`` (the ``[scale]`` extra); decimals stay decimals."""
    pa: Any = require(
        "pyarrow", needed_for=("an Arrow table", "Arrow 表"), field="pyarrow", rule="E-1"
    )
    return pa.table({name: list(values) for name, values in columns.items()})
