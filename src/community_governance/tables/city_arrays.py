"""A city's tables read over whole columns into integer arrays, at NumPy speed (E-1..E-4).

[`record_city`][community_governance.evaluation.city.record_city] reads here when NumPy is
installed (the ``[fast]`` extra); this module is an adapter, like the row readers of
``city_rows``. Ids become integer codes once (by pyarrow's hash lookups where it is
installed, by a dictionary otherwise; distinct values are converted once, by the row
readers' own functions, so a value means here what it means to them), every check of the
row readers is made over whole columns, and what is kept is what scoring needs:

* the ratings as a dense (ratee, rater's place in the community, dimension) array of
  scores in the scale's smallest unit, with markers for "no rating" and "unable to rate";
* the survey as each project's sum of answer scores and count, and the (project,
  responsible unit) pairs.

Nothing here decides differently from the row readers: wherever a column holds anything
the whole-column checks do not cover (an invalid row above all), reading declines
(``Declined``) and the row readers decide, naming the first invalid row exactly as they
always do.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence, Sized
from fractions import Fraction
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from community_governance.community import Quarter
from community_governance.errors import GovernanceError
from community_governance.evaluation.ratings import on_scale
from community_governance.extras import optional
from community_governance.ids import as_id
from community_governance.numbers import as_score
from community_governance.policy.schema import PolicySnapshot
from community_governance.tables.city_rows import responsible_units, whole_number
from community_governance.vocabulary import (
    Dimension,
)

__all__ = [
    "AnswerColumns",
    "Declined",
    "Keyed",
    "RatingColumns",
    "Recorded",
    "UnitColumns",
    "record_arrays",
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


#: Every intermediate integer stays below this; past it the Python-int readers decide.
_BOUND = 2**62
_DIMENSIONS = tuple(Dimension)
_NO_ROW = -2
_UNRATED = -1


class UnitColumns:
    """The units table: every unit's index, community and place in its community."""

    def __init__(self, tables: Mapping[str, Any]) -> None:
        community_codes, communities = factorize(column_of(tables, "units", "community"))
        unit_codes, names = factorize(column_of(tables, "units", "unit"))
        self.communities = texts(communities)
        unit_names = texts(names)
        count = len(unit_codes)
        if len(community_codes) != count:
            raise Declined
        if len(np.unique(community_codes * len(unit_names) + unit_codes)) != count:
            raise Declined  # a unit listed twice: the row reader names the row
        order = sorted(range(len(self.communities)), key=self.communities.__getitem__)
        self.community_rank = np.empty(len(order), np.int64)
        self.community_rank[order] = np.arange(len(order))
        # Units renumbered so that each community's units are contiguous, in table order.
        placed = np.lexsort((np.arange(count), self.community_rank[community_codes]))
        self.community = community_codes[placed]
        self.names = [unit_names[int(c)] for c in unit_codes[placed]]
        self.count = count
        starts = np.flatnonzero(np.r_[True, self.community[1:] != self.community[:-1]])
        sizes = np.diff(np.r_[starts, count])
        self.local = np.arange(count) - np.repeat(starts, sizes)
        self.widest = int(sizes.max())  # sizes is [0] when there are no units
        self.community_index = {name: code for code, name in enumerate(self.communities)}
        self.keyed = Keyed(self.community, self.names)

    def communities_of(self, column: Any) -> Ints:
        """A column of community ids as the units table's community codes."""
        found = positions(column, self.communities)
        if found is not None:
            return found
        codes, uniques = factorize(column)
        return mapped(texts(uniques), self.community_index.__getitem__)[codes]


def _score_units(column: Any, snapshot: PolicySnapshot) -> Ints:
    """Scores in the scale's smallest unit, ``_UNRATED`` for an empty cell (E-2)."""
    scale = snapshot.score_range
    if is_arrow(column):
        import pyarrow as pa  # noqa: PLC0415
        import pyarrow.compute as pc  # noqa: PLC0415

        if pa.types.is_integer(column.type):
            if not column.null_count:
                return _integer_scores(column.to_numpy().astype(np.int64, copy=False), snapshot)
            valid = column.is_valid().to_numpy(zero_copy_only=False)
            filled = pc.fill_null(column, 0).to_numpy().astype(np.int64, copy=False)
            scores = _integer_scores(filled[valid], snapshot)
            out = np.full(len(filled), _UNRATED, np.int64)
            out[valid] = scores
            return out
    elif getattr(getattr(column, "dtype", None), "kind", "") in "iu" and hasattr(column, "dtype"):
        return _integer_scores(np.asarray(column, dtype=np.int64), snapshot)

    def convert(raw: Any) -> int:
        if raw is None or raw == "":
            return _UNRATED
        # A NumPy or pandas integer is as exact as a Python int.
        return on_scale(
            as_score(whole_number(raw), field="score", rule="E-2"), scale, field="score"
        )

    codes, uniques = factorize(column, typed=True, nullable=True)
    return mapped(uniques, convert)[codes]


def _integer_scores(values: Ints, snapshot: PolicySnapshot) -> Ints:
    scale = snapshot.score_range
    if len(values) and not (
        Fraction(int(values.min())) in scale and Fraction(int(values.max())) in scale
    ):
        raise Declined
    if len(values) and int(values.max()) * scale.unit >= _BOUND:
        raise Declined
    return values * scale.unit


class RatingColumns:
    """The ratings as a dense (ratee, rater's place, dimension) array of scale units."""

    def __init__(
        self, tables: Mapping[str, Any], units: UnitColumns, quarter: Quarter, p: PolicySnapshot
    ) -> None:
        quarter_column = column_of(tables, "ratings", "quarter")
        if is_arrow(quarter_column):
            import pyarrow.compute as pc  # noqa: PLC0415

            if len(quarter_column) and (
                quarter_column.null_count
                or not pc.all(pc.equal(quarter_column, str(quarter))).as_py()
            ):
                raise Declined
        else:
            _, seen = factorize(quarter_column, typed=True)
            if any(str(q) != str(quarter) for q in seen):
                raise Declined
        community = units.communities_of(column_of(tables, "ratings", "community"))
        rater = units.keyed.find(column_of(tables, "ratings", "rater"), community)
        ratee = units.keyed.find(column_of(tables, "ratings", "ratee"), community)
        dimensions = column_of(tables, "ratings", "dimension")
        dim = positions(dimensions, [d.code for d in _DIMENSIONS])
        if dim is None:
            codes, labels = factorize(dimensions, typed=True)

            def dimension(label: Any) -> int:
                return _DIMENSIONS.index(Dimension.from_label(str(label)))

            dim = mapped(labels, dimension)[codes]
        score = _score_units(column_of(tables, "ratings", "score"), p)
        size = units.count * units.widest * len(_DIMENSIONS)
        flat = (ratee * units.widest + units.local[rater]) * len(_DIMENSIONS) + dim
        if not unique(flat, size):
            raise Declined  # a dimension rated twice: the row reader names the row
        # Kept as float64, whose integers are exact below 2**53 (the scale's bound is far
        # below): the dimension sums are then one BLAS product.
        dense = np.full(size, _NO_ROW, np.float64)
        dense[flat] = score
        self.scores: npt.NDArray[np.float64] = dense.reshape(
            units.count, units.widest, len(_DIMENSIONS)
        )
        scored = self.scores >= 0
        rows = (self.scores != _NO_ROW).any(axis=2)
        self.rated: npt.NDArray[np.bool_] = np.asarray(scored.any(axis=2))
        #: Whether every rating scores every dimension (no "unable to rate").
        self.complete = not bool((self.rated & ~scored.all(axis=2)).any())
        if bool((rows & ~self.rated).any()):
            raise Declined  # a rating that scores no dimension


class AnswerColumns:
    """Each project's sum of answer scores and count, and who answers for it (E-4)."""

    def __init__(self, tables: Mapping[str, Any], units: UnitColumns, p: PolicySnapshot) -> None:
        scale = p.survey_answer_scale
        #: Answer scores are kept as integers in units of 1/unit.
        self.unit = math.lcm(*(level.score.denominator for level in scale.levels))
        self.project_community = np.zeros(0, np.int64)
        self.total = np.zeros(0, np.int64)
        self.count = np.zeros(0, np.int64)
        self.pair_project = np.zeros(0, np.int64)
        self.pair_unit = np.zeros(0, np.int64)
        if tables.get("answers") is None and tables.get("projects") is None:
            return
        projects, self.pair_project, self.pair_unit = _projects(tables, units)
        self.project_community = projects.community
        self.total = np.zeros(projects.count, np.int64)
        self.count = np.zeros(projects.count, np.int64)
        if tables.get("answers") is None or not len(column_of(tables, "answers", "community")):
            return
        community = units.communities_of(column_of(tables, "answers", "community"))
        project = projects.find(column_of(tables, "answers", "project"), community)
        household, _ = factorize(column_of(tables, "answers", "household"))
        if not _answered_once(household, project, projects):
            raise Declined  # a household answered twice about a project

        def score(answer: Any) -> int:
            return int(scale.level(str(answer)).score * self.unit)

        levels = [level.code for level in scale.levels]
        answer_column = column_of(tables, "answers", "answer")
        level_of = positions(answer_column, levels)
        if level_of is None:
            answer_codes, answer_texts = factorize(answer_column, typed=True)
            points = mapped(answer_texts, score)[answer_codes]
        else:
            points = mapped(levels, score)[level_of]
        if int(np.abs(points).max()) * len(points) >= 2**53:  # float64 bincount stays exact
            raise Declined
        self.total = np.bincount(project, weights=points, minlength=projects.count).astype(np.int64)
        self.count = np.bincount(project, minlength=projects.count).astype(np.int64)


def _answered_once(household: Ints, project: Ints, projects: Keyed) -> bool:
    """Whether no household answered twice about one project, in linear time.

    Counted first over (household, the project's place in its community), a small table;
    only where that finds a repeat (a true one, or the same household id in two
    communities) are the exact pairs hashed.
    """
    place = projects.local
    width = int(place.max()) + 1 if len(place) else 1
    if unique(household * width + place[project], (int(household.max()) + 1) * width):
        return True
    return unique(household * max(projects.count, 1) + project, -1)


def _projects(tables: Mapping[str, Any], units: UnitColumns) -> tuple[Keyed, Ints, Ints]:
    """The projects as entries of their community, and (project, responsible unit) pairs."""
    columns = [
        column_of(tables, "projects", name)
        for name in ("community", "project", "responsible_units")
    ]
    loaded = arrow()
    if loaded is None:
        return _projects_by_rows(columns, units)
    community = units.communities_of(columns[0])
    name_codes, names = factorize(columns[1])
    project_names = texts(names)
    if not unique(community * max(len(project_names), 1) + name_codes, -1):
        return _projects_by_rows(columns, units)  # a project listed again replaces its units
    pa, pc = loaded
    listed = as_arrow(columns[2])
    if pa.types.is_string(listed.type) or pa.types.is_large_string(listed.type):
        listed = pc.split_pattern(listed, ";")
        strip = True
    elif (pa.types.is_list(listed.type) or pa.types.is_large_list(listed.type)) and (
        pa.types.is_string(listed.type.value_type)
    ):
        strip = False
    else:
        return _projects_by_rows(columns, units)
    if listed.null_count:
        return _projects_by_rows(columns, units)
    parent = pc.list_parent_indices(listed).to_numpy().astype(np.int64)
    token_codes, tokens = factorize(pc.list_flatten(listed))
    # The row readers' own reading of a token: an id cleaned as every route cleans one, and
    # dropped when empty in text; a token refused as an id is left to the row readers.
    read: list[str] = []
    for token in tokens:
        cleaned = _token(token, strip=strip)
        if cleaned is None:
            raise Declined
        read.append(cleaned)
    token_unit = np.array([units.keyed.name_index.get(t, -1) for t in read], np.int64)
    kept = np.array([t != "" for t in read], bool)[token_codes]
    owner_names = token_unit[token_codes][kept]
    if bool((owner_names < 0).any()):
        raise Declined
    pair_project = parent[kept]
    if bool((np.bincount(pair_project, minlength=len(community)) == 0).any()):
        raise Declined  # a project without responsible units: the row readers name the row
    owner = units.keyed.resolve(owner_names, community[pair_project])
    pairs = np.unique(pair_project * max(units.count, 1) + owner)
    keyed = Keyed(community, project_names_in_rows(project_names, name_codes))
    return keyed, pairs // max(units.count, 1), pairs % max(units.count, 1)


def _token(token: Any, *, strip: bool) -> str | None:
    """A responsible unit's id as ``responsible_units`` reads it; ``None`` if refused."""
    if strip and isinstance(token, str) and not token.strip():
        return ""
    try:
        return as_id(token, field="responsible_units", rule="E-4")
    except GovernanceError:
        return None


def project_names_in_rows(names: Sequence[str], codes: Ints) -> list[str]:
    """Each row's name, from the distinct names and the rows' codes."""
    return [names[int(c)] for c in codes]


def _projects_by_rows(columns: Sequence[Any], units: UnitColumns) -> tuple[Keyed, Ints, Ints]:
    """The projects read row by row, as the row readers read them."""
    rows = zip(*(c.to_pylist() if is_arrow(c) else list(c) for c in columns), strict=True)
    members = {
        (int(c), name): g
        for g, (c, name) in enumerate(zip(units.community, units.names, strict=True))
    }
    owners: dict[tuple[int, str], set[int]] = {}
    for row, (community, name, listed) in enumerate(rows):
        code = units.community_index.get(community) if isinstance(community, str) else None
        if code is None or not isinstance(name, str):
            raise Declined
        try:
            listed_units = responsible_units(listed, row)
        except GovernanceError:
            raise Declined from None
        found = {members.get((code, unit), -1) for unit in listed_units}
        if -1 in found:
            raise Declined
        owners[code, name] = found  # listed again, a project's units are replaced, as in the rows
    keys = list(owners)
    keyed = Keyed(np.array([c for c, _ in keys], np.int64), [n for _, n in keys])
    pairs = [(index, g) for index, key in enumerate(keys) for g in sorted(owners[key])]
    return (
        keyed,
        np.array([i for i, _ in pairs], np.int64),
        np.array([g for _, g in pairs], np.int64),
    )


@attrs.frozen
class Recorded:
    """A city's quarter as integer arrays, read and checked under one policy snapshot."""

    units: UnitColumns
    ratings: RatingColumns
    survey: AnswerColumns


def record_arrays(tables: Mapping[str, Any], quarter: Quarter, p: PolicySnapshot) -> Recorded:
    """Read and check every table over whole columns (E-1..E-4).

    Raises:
        Declined: some row needs the row readers (an invalid row above all), or the
            scale reaches below zero (the columns mark an unrated cell by a negative).
    """
    if p.score_range.minimum < 0:
        raise Declined
    for table in tables.values():
        # Arrow tables and DataFrames are even by construction; a mapping of columns of
        # different lengths is for the row readers to name.
        if not isinstance(table, Mapping):
            continue
        columns = list(table.values())
        if not all(isinstance(c, Sized) for c in columns) or len({len(c) for c in columns}) > 1:
            raise Declined
    tables = arrow_tables(tables)
    units = UnitColumns(tables)
    return Recorded(
        units, RatingColumns(tables, units, quarter, p), AnswerColumns(tables, units, p)
    )
