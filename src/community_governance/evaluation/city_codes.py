"""Columns as integer codes: ids looked up once, over whole columns (E-1..E-4).

The readers of ``city_arrays.py`` turn every id column into integer codes here: by
pyarrow's hash lookups where it is installed (a column of Python values is converted to
Arrow once), by a dictionary otherwise. Distinct values are converted once, by the row
readers' own functions, so a value means here what it means to them. Whatever these
lookups do not cover declines (``Declined``), and the row readers decide.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from community_governance.errors import GovernanceError
from community_governance.extras import optional

__all__ = [
    "Declined",
    "Ints",
    "Keyed",
    "arrow",
    "arrow_tables",
    "as_arrow",
    "column_of",
    "factorize",
    "is_arrow",
    "mapped",
    "positions",
    "texts",
    "unique",
]

Ints = npt.NDArray[np.int64]

#: A duplicate check by counting needs a table this much larger than the rows at most.
_DENSE_FACTOR = 8


class Declined(Exception):  # noqa: N818 - a signal, not an error a caller sees
    """The fast path does not decide this input; the Python-int readers do."""


def is_arrow(column: object) -> bool:
    """Whether ``column`` is a pyarrow object (an array, a chunked array or a table)."""
    return type(column).__module__.startswith("pyarrow")


def arrow() -> tuple[Any, Any] | None:
    """Pyarrow and its compute module, where installed (the ``[scale]`` extra)."""
    pa, pc = optional("pyarrow"), optional("pyarrow.compute")
    return None if pa is None or pc is None else (pa, pc)


def as_arrow(column: Any) -> Any:
    """A column as one Arrow array (pyarrow present); values Arrow cannot type decline."""
    pa, _ = arrow() or (None, None)
    if pa is None:
        raise Declined
    if is_arrow(column):
        if isinstance(column, pa.ChunkedArray):
            if column.num_chunks == 1:
                return column.chunk(0)
            if pa.types.is_dictionary(column.type):
                column = column.unify_dictionaries()
            return column.combine_chunks()
        return column
    values = column.tolist() if hasattr(column, "tolist") else list(column)
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        raise Declined from None


def arrow_tables(tables: Mapping[str, Any]) -> Mapping[str, Any]:
    """Mappings of columns and DataFrames as Arrow columns, each converted once.

    A column Arrow cannot give one type (text mixed with numbers, say) stays as it is,
    and is read value by value.
    """
    loaded = arrow()
    if loaded is None:
        return tables
    pa, _ = loaded
    converted: dict[str, Any] = {}
    for name, table in tables.items():
        if is_arrow(table) or table is None:
            converted[name] = table
            continue
        columns = table.columns if hasattr(table, "columns") and hasattr(table, "dtypes") else table
        if not isinstance(columns, Mapping) and not hasattr(table, "dtypes"):
            converted[name] = table
            continue
        out: dict[str, Any] = {}
        for column in columns:
            values = table[column]
            try:
                out[str(column)] = pa.array(
                    values.tolist() if hasattr(values, "tolist") else list(values)
                )
            except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError, TypeError):
                out[str(column)] = values
        converted[name] = out
    return converted


def column_of(tables: Mapping[str, Any], table: str, name: str) -> Any:
    """One column of one table; a missing table or column declines (the row readers say)."""
    data = tables.get(table)
    if data is None:
        raise Declined
    try:
        column = data[name]
    except (KeyError, TypeError, IndexError):
        raise Declined from None
    return column


def factorize(
    column: Any, *, typed: bool = False, nullable: bool = False
) -> tuple[Ints, list[Any]]:
    """Integer codes of a column's values and the distinct values, in order of appearance.

    ``typed`` keeps values of different types apart (``1`` and ``"1"``, ``1`` and ``True``)
    where the column is plain Python values; ``nullable`` lets a null be one more value,
    ``None``.

    Raises:
        Declined: the column has nulls and may not (the row readers decide what they mean).
    """
    loaded = arrow()
    if loaded is not None and (is_arrow(column) or not typed):
        pa, pc = loaded
        array = as_arrow(column)
        if array.null_count and not nullable:
            raise Declined
        encoded = array if pa.types.is_dictionary(array.type) else pc.dictionary_encode(array)
        uniques = encoded.dictionary.to_pylist()
        indices = encoded.indices
        if indices.null_count:
            indices = pc.fill_null(indices, len(uniques))
            uniques.append(None)
        codes = indices.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
        return codes, uniques
    values = column.tolist() if hasattr(column, "tolist") else list(column)
    seen: dict[Any, int] = {}
    if typed:
        keys = [(type(v), v) for v in values]
        codes = np.fromiter((seen.setdefault(k, len(seen)) for k in keys), np.int64, len(keys))
        return codes, [value for _, value in seen]
    try:
        codes = np.fromiter((seen.setdefault(v, len(seen)) for v in values), np.int64, len(values))
    except TypeError:  # unhashable values
        raise Declined from None
    return codes, list(seen)


def positions(column: Any, values: Sequence[str]) -> Ints | None:
    """Each row's position in ``values`` by one hash lookup, or ``None``.

    ``None`` where some row is not exactly one of ``values``, or where Arrow cannot give
    the column one type (text mixed with numbers): the general reading decides.
    """
    loaded = arrow()
    if loaded is None:
        return None
    pa, pc = loaded
    try:
        array = as_arrow(column)
    except Declined:
        return None
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        return None
    found = pc.index_in(array, value_set=pa.array(values, pa.string()))
    if found.null_count:
        return None
    positions: Ints = found.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
    return positions


def texts(uniques: Sequence[Any]) -> list[str]:
    """Distinct id values as text; anything but text goes to the row readers."""
    if not all(isinstance(u, str) for u in uniques):
        raise Declined
    return list(uniques)


def mapped(uniques: Sequence[Any], convert: Callable[[Any], int]) -> Ints:
    """Each distinct value converted once by the row readers' own function."""
    try:
        return np.fromiter((convert(u) for u in uniques), np.int64, len(uniques))
    except (GovernanceError, KeyError):
        raise Declined from None


class Keyed:
    """Entries known by (community code, name): units, or projects, as row indices."""

    def __init__(self, community: Ints, names: list[str]) -> None:
        self.community = community
        self.names = names
        self.count = len(names)
        self.name_index: dict[str, int] = {}
        codes = np.fromiter(
            (self.name_index.setdefault(n, len(self.name_index)) for n in names),
            np.int64,
            len(names),
        )
        self._unique_names = len(self.name_index) == self.count
        self._by_name = np.empty(len(self.name_index), np.int64)
        self._by_name[codes] = np.arange(self.count)
        self._keys = community * max(len(self.name_index), 1) + codes
        self._sorted = np.argsort(self._keys, kind="stable")
        # Each entry's place among its community's entries, in table order.
        by_community = np.argsort(community, kind="stable")
        ordered = community[by_community]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if self.count else ordered
        sizes = np.diff(np.r_[starts, self.count])
        self.local = np.empty(self.count, np.int64)
        self.local[by_community] = np.arange(self.count) - np.repeat(starts, sizes)

    def find(self, column: Any, community: Ints) -> Ints:
        """A column of names, read within each row's community, as entry indices.

        Raises:
            Declined: a name that is not an entry of the row's community.
        """
        if self._unique_names:
            found = positions(column, self.names)
            if found is not None:
                if not np.array_equal(self.community[found], community):
                    raise Declined
                return found
        codes, uniques = factorize(column)
        return self.resolve(mapped(texts(uniques), self.name_index.__getitem__)[codes], community)

    def resolve(self, names: Ints, community: Ints) -> Ints:
        """Name codes (of ``name_index``), read within each row's community, as indices.

        Raises:
            Declined: a name that is not an entry of the row's community.
        """
        if self._unique_names:
            found = self._by_name[names]
            if not np.array_equal(self.community[found], community):
                raise Declined
            return found
        keys = community * max(len(self.name_index), 1) + names
        at = np.minimum(np.searchsorted(self._keys, keys, sorter=self._sorted), self.count - 1)
        found = self._sorted[at]
        if not np.array_equal(self._keys[found], keys):
            raise Declined
        return found


def unique(keys: Ints, domain: int) -> bool:
    """Whether ``keys`` (in ``range(domain)``, or unbounded if -1) has no repeats.

    Linear time: by counting where the domain is small, by hashing (pyarrow) otherwise.
    """
    if not len(keys):
        return True
    if 0 <= domain <= _DENSE_FACTOR * len(keys) + 2**20:
        return int(np.bincount(keys, minlength=domain).max()) <= 1
    loaded = arrow()
    if loaded is not None:
        pa, pc = loaded
        return int(pc.count_distinct(pa.array(keys)).as_py()) == len(keys)
    return len(np.unique(keys)) == len(keys)
