"""A city's id columns checked as every other route checks ids (E-1, E-3, E-4).

Objects, documents, CSV and workbooks build domain objects whose id fields convert with
[`as_id`][community_governance.ids.as_id], and a community's units are checked for
look-alikes under the policy's ``input.ids.lookalikes``. A city's tables (Arrow, Parquet,
pandas, mappings) are read column by column without building those objects, so the same
two checks are applied here, before either city reader runs: each distinct id of a column
is cleaned once (NFC, outer spaces trimmed), an id holding a control, format or invisible
character is refused naming its first row, and an id that cleaning changes is replaced in
its column by its clean form, as the other routes store it.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

from community_governance.errors import GovernanceError
from community_governance.ids import as_id, check_lookalikes
from community_governance.policy.schema import PolicySnapshot

__all__ = ["ID_COLUMNS", "checked_ids"]

#: The id columns of a city's tables that name something new, with the rule each is read
#: under. The others (a rating's community, rater and ratee; a project's or an answer's
#: community; an answer's project) must name what these list: the row readers clean a
#: value that is not listed as it is, and refuse it if it is no id.
ID_COLUMNS: Mapping[str, Mapping[str, str]] = {
    "units": {"community": "E-1", "unit": "E-1"},
    "projects": {"project": "E-4"},
    "answers": {"household": "E-4"},
}


def _column(table: Any, name: str) -> Any:
    """A column of a pyarrow table, a DataFrame or a mapping; ``None`` if it has none."""
    try:
        return table[name]
    except (KeyError, TypeError, IndexError):
        return None


def _values(column: Any) -> list[Any]:
    """A column's values as a list: Arrow, pandas or a sequence."""
    for method in ("to_pylist", "tolist"):
        if hasattr(column, method):
            return list(getattr(column, method)())
    return list(column)


#: An id ``as_id`` gives back unchanged whatever the policy: printable ASCII without outer
#: spaces. Nearly every id of a city is one, so only the others are cleaned one by one.
_PLAIN = r"^[!-~](?:[ -~]*[!-~])?$"


def _plain(value: object) -> bool:
    return (
        isinstance(value, str)
        and value.isascii()
        and value.isprintable()
        and value == value.strip()
        and value != ""
    )


def _unplain(column: Any) -> list[Any]:
    """The distinct values of ``column`` that are not plain ids (see ``_PLAIN``).

    An Arrow column of text is matched in one vectorised pass over its distinct values;
    any other column value by value. Both give the same values (as a set).
    """
    pa: Any = sys.modules.get("pyarrow")  # loaded already wherever a column is Arrow
    arrow = pa is not None and isinstance(column, pa.Array | pa.ChunkedArray)
    if arrow and (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        import pyarrow.compute as pc  # noqa: PLC0415 - pyarrow is loaded: the column is Arrow

        distinct = column.unique()
        plain = pc.fill_null(pc.match_substring_regex(distinct, _PLAIN), fill_value=False)
        return list(distinct.filter(pc.invert(plain)).to_pylist())
    return [value for value in dict.fromkeys(_values(column)) if not _plain(value)]


def _cleaned(table: str, name: str, rule: str, column: Any) -> dict[str, str]:
    """Each distinct text id of ``column`` that cleaning changes, mapped to its clean form.

    Raises:
        GovernanceError: the first id refused, naming the first row that holds it.
    """
    changed: dict[str, str] = {}
    for value in _unplain(column):
        if not isinstance(value, str):
            continue  # not text: the readers refuse or convert it as they always have
        try:
            clean = as_id(value, field=name, rule=rule)
        except GovernanceError as error:
            row = _values(column).index(value)
            raise error.moved(f"{table}[row {row}].{name}") from None
        if clean != value:
            changed[value] = clean
    return changed


def checked_ids(tables: Mapping[str, Any], snapshot: PolicySnapshot) -> Mapping[str, Any]:
    """``tables`` with every id checked and cleaned, and units checked for look-alikes.

    Each community's units are checked under the policy's ``input.ids.lookalikes``, as a
    community of objects is (E-1, E-3, E-4). Tables whose ids are clean already are given
    back as they are; a table with an id to clean is given back as a mapping of columns.

    Raises:
        GovernanceError: an id refused, naming the table, the row and the column; or
            look-alike unit ids in a community where the policy refuses them.
    """
    out = dict(tables)
    for table, columns in ID_COLUMNS.items():
        data = tables.get(table)
        if data is None:
            continue
        rewrites = {}
        for name, rule in columns.items():
            column = _column(data, name)
            if column is not None:
                changed = _cleaned(table, name, rule, column)
                if changed:
                    rewrites[name] = [changed.get(v, v) for v in _values(column)]
        if rewrites:
            names = data.column_names if hasattr(data, "column_names") else list(data)
            out[table] = {n: rewrites.get(n) or _values(_column(data, n)) for n in names}
    _check_lookalikes(out.get("units"), snapshot)
    return out


def _check_lookalikes(units: Any, snapshot: PolicySnapshot) -> None:
    """Look-alike unit ids within a community, as a community of objects is checked (E-1)."""
    if units is None:
        return
    names, communities = _column(units, "unit"), _column(units, "community")
    if names is None or communities is None:
        return  # a missing column: the readers say so
    if not any(isinstance(v, str) and not v.isascii() for v in _unplain(names)):
        return  # ASCII ids hold no look-alike letters, and every plain id is ASCII
    by_community: dict[str, list[str]] = {}
    # Columns of different lengths are refused by the readers, which name the table.
    for community, unit in zip(_values(communities), _values(names), strict=False):
        if isinstance(unit, str):
            by_community.setdefault(str(community), []).append(unit)
    for community, ids in by_community.items():
        check_lookalikes(
            ids,
            field=f"units[community {community}].unit",
            rule="E-1",
            on_lookalike=lambda: snapshot.id_lookalikes,
        )
