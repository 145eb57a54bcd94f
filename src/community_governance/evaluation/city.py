"""Many communities at once, from columns: ``evaluate_city`` (E-1..E-6).

A city's quarter arrives as tables, one row per fact: member units, ratings in long form
(one row per rater, ratee and dimension), projects with their responsible units, and
survey answers. ``evaluate_city`` validates every row (each error names the table, the
row and the column), keeps scores as integers in the scale's smallest unit, and scores
every unit with the same integer core as
[`evaluate_quarter`][community_governance.evaluation.quarter.evaluate_quarter], so a
community evaluated here gets exactly the result it gets there.

Every rule is per community, so one community's rows never need another's: a caller may
split the tables by community and evaluate the parts anywhere.

Tables are pyarrow tables, pandas DataFrames, or plain mappings of column name to values.

One room for one concept, a city's tables: the readers of the four tables and the scorer
share the row-location of errors and the per-community structure they fill.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

import attrs

from community_governance.community import Quarter
from community_governance.errors import (
    EligibilityError,
    ParseError,
    PolicyError,
)
from community_governance.evaluation.city_rows import (
    CommunityRows,
    Scored,
    public_parts,
    read_rows,
    score_community,
)
from community_governance.extras import installed
from community_governance.frozen import Deferred, FrozenMap
from community_governance.numbers import format_fraction
from community_governance.policy.loader import resolve
from community_governance.policy.model import Policy
from community_governance.policy.scales import AnswerScale, ScoreRange
from community_governance.policy.schema import PolicySnapshot
from community_governance.vocabulary import Dimension

__all__ = [
    "OUTPUT_COLUMNS",
    "CityColumns",
    "CityResult",
    "evaluate_city",
    "record_city",
]

#: The columns of the result, one row per unit.
OUTPUT_COLUMNS = (
    "community",
    "unit",
    "self",
    "peer",
    "public",
    "exact_numerator",
    "exact_denominator",
    "final",
    "grade",
    "rank",
)

_DIMENSIONS = tuple(Dimension)
#: Whether the NumPy path can run (the ``[fast]`` extra); tests switch it off.
_HAS_NUMPY = installed("numpy")


@attrs.frozen
class CityResult:
    """The per-unit results of a city, as columns (``OUTPUT_COLUMNS``), in rank order.

    ``self``, ``peer`` and ``public`` are the exact components as canonical text (``None``
    where missing); ``exact_numerator`` / ``exact_denominator`` the exact final score in
    lowest terms; ``final`` the reported score (a ``Decimal``, rounded once). The columns
    are built from the scored integers when first read.
    """

    scored: Scored = attrs.field(repr=False)
    _columns: Deferred[Mapping[str, tuple[Any, ...]]] = attrs.field(
        init=False, repr=False, eq=False
    )

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_columns", Deferred(self._build))

    def _build(self) -> Mapping[str, tuple[Any, ...]]:
        s = self.scored
        components = [
            tuple(
                None if den == 0 else format_fraction(Fraction(num, den))
                for num, den in zip(numerators, denominators, strict=True)
            )
            for numerators, denominators in zip(
                s.component_numerators, s.component_denominators, strict=True
            )
        ]
        return FrozenMap(
            {
                "community": tuple(s.community),
                "unit": tuple(s.unit),
                "self": components[0],
                "peer": components[1],
                "public": components[2],
                "exact_numerator": tuple(s.numerator),
                "exact_denominator": tuple(s.denominator),
                "final": tuple(Decimal(q).scaleb(-s.places) for q in s.reported),
                "grade": tuple(s.grade),
                "rank": tuple(s.rank),
            }
        )

    @property
    def columns(self) -> Mapping[str, tuple[Any, ...]]:
        """The result's columns, by name (``OUTPUT_COLUMNS``)."""
        return self._columns.get()

    def __len__(self) -> int:
        return len(self.scored.unit)

    def rows(self) -> list[dict[str, Any]]:
        """One mapping per unit."""
        return [
            dict(zip(self.columns, values, strict=True))
            for values in zip(*self.columns.values(), strict=True)
        ]

    def to_pandas(self) -> Any:
        """A pandas DataFrame (the ``[notebook]`` or ``[scale]`` extra)."""
        import pandas as pd  # noqa: PLC0415 - an optional extra

        return pd.DataFrame({name: list(values) for name, values in self.columns.items()})

    def to_arrow(self) -> Any:
        """A pyarrow table (the ``[scale]`` extra); ``final`` as a decimal column."""
        import pyarrow as pa  # noqa: PLC0415 - an optional extra

        return pa.table({name: list(values) for name, values in self.columns.items()})


@attrs.frozen
class CityColumns:
    """A city's quarter recorded: every row read and checked once, kept as integers (E-1..E-4).

    Made by [`record_city`][community_governance.evaluation.city.record_city];
    [`evaluate_city`][community_governance.evaluation.city.evaluate_city] scores it as
    often as needed (again after an upheld objection, or under another policy with the
    same scales) without reading the tables again. It holds the scores in the smallest
    unit of the scale it was recorded under, so it is scored under that scale and answer
    scale only.

    Attributes:
        quarter: the quarter recorded.
        score_range: the rating scale the scores were checked against.
        answer_scale: the survey scale the answers were read on.
    """

    quarter: Quarter
    score_range: ScoreRange
    answer_scale: AnswerScale
    _arrays: Any = attrs.field(default=None, repr=False, eq=False, alias="arrays")
    _rows: Mapping[str, CommunityRows] | None = attrs.field(
        default=None, repr=False, eq=False, alias="rows"
    )

    @property
    def read_by(self) -> Literal["columns", "rows"]:
        """How the tables were read (E-1..E-4): the results are the same either way.

        ``"columns"``: by whole-column checks at NumPy speed. ``"rows"``: row by row, as
        without NumPy, or where some column holds what the whole-column checks leave to
        the row readers (an invalid row above all, which they name). A province whose
        tables are read by rows is slower, not different: this says why.
        """
        return "columns" if self._arrays is not None else "rows"

    def score(self, snapshot: PolicySnapshot) -> Scored:
        """Every unit scored under ``snapshot`` (E-2..E-6).

        Raises:
            PolicyError: the snapshot's rating or answer scale is not the recorded one.
            GovernanceError: a unit's rule error (a missing component the policy does not
                re-weight).
        """
        for (scale, scale_zh), recorded, wanted, rule in (
            (("rating scale", "评分量表"), self.score_range, snapshot.score_range, "E-2"),
            (
                ("survey answer scale", "测评答案量表"),
                self.answer_scale,
                snapshot.survey_answer_scale,
                "E-4",
            ),
        ):
            if recorded != wanted:
                raise PolicyError(
                    f"the city was recorded under another {scale}; record it again under "
                    f"this policy to score it with this policy's {scale}",
                    field="policy",
                    rule=rule,
                    zh=(
                        f"全市数据是按另一{scale_zh}登记的；"
                        f"须按本政策重新登记，才能用本政策的{scale_zh}计分"
                    ),
                )
        if self._arrays is not None:
            from community_governance.evaluation.city_vector import score_arrays  # noqa: PLC0415

            return score_arrays(self._arrays, snapshot)
        out = Scored.empty(snapshot.rounding_places)
        for community in sorted(self._rows or {}):
            entry = (self._rows or {})[community]
            score_community(community, entry, public_parts(entry, snapshot), snapshot, out)
        return out


def _when(quarter: Quarter | str, at: dt.date | None) -> tuple[Quarter, dt.date]:
    quarter = quarter if isinstance(quarter, Quarter) else Quarter.parse(quarter)
    on = at or quarter.end
    if on < quarter.end:
        raise EligibilityError(
            f"{quarter} is evaluated after it ends ({quarter.end}), not on {on}",
            field="at",
            rule="E-1",
            zh=f"{quarter} 须在季度结束（{quarter.end}）之后考评，而非 {on}",
        )
    return quarter, on


def record_city(
    tables: Mapping[str, Any],
    *,
    quarter: Quarter | str,
    policy: Policy | PolicySnapshot | None = None,
    at: dt.date | None = None,
) -> CityColumns:
    """Read and check every row of a city's tables once, and keep them as integers (E-1..E-4).

    With NumPy installed (the ``[fast]`` extra) the tables are read over whole columns;
    where a column holds anything those checks do not cover, and always without NumPy,
    the rows are read one by one. Either way the first invalid row's error is the same.

    Args:
        tables: ``units``, ``ratings`` and, for the survey, ``projects`` and ``answers``
            (see ``INPUT_COLUMNS``); each a pyarrow table, a pandas DataFrame or a
            mapping of columns.
        quarter: the quarter recorded; every rating row must be for it.
        policy: the policy, or a snapshot of it; default the shipped one.
        at: the date whose policy checks the scores; default the quarter's last day.

    Raises:
        GovernanceError: the first invalid row, naming the table, the row and the column.
    """
    quarter, on = _when(quarter, at)
    snapshot = resolve(policy, on)
    scales = (snapshot.score_range, snapshot.survey_answer_scale)
    if _HAS_NUMPY:
        from community_governance.evaluation import city_arrays  # noqa: PLC0415 - needs NumPy
        from community_governance.evaluation.city_codes import Declined  # noqa: PLC0415

        try:
            arrays = city_arrays.record_arrays(tables, quarter, snapshot)
        except Declined:
            pass  # the row readers decide, and name the first invalid row
        else:
            return CityColumns(quarter, *scales, arrays=arrays)
    return CityColumns(quarter, *scales, rows=read_rows(tables, quarter, snapshot))


def evaluate_city(
    tables: Mapping[str, Any] | CityColumns,
    *,
    quarter: Quarter | str | None = None,
    policy: Policy | PolicySnapshot | None = None,
    at: dt.date | None = None,
) -> CityResult:
    """Evaluate every unit of every community in ``tables`` for ``quarter`` (E-1..E-6).

    Args:
        tables: the tables (``INPUT_COLUMNS``; each a pyarrow table, a pandas DataFrame or
            a mapping of columns), or a city already recorded by ``record_city``.
        quarter: the quarter evaluated; every rating row must be for it. Needed with
            tables; with a recorded city it defaults to, and must be, the recorded one.
        policy: the policy, or a snapshot of it; default the shipped one.
        at: the evaluation date; default the quarter's last day.

    Raises:
        GovernanceError: the first invalid row, naming the table, the row and the column,
            or a unit's rule error (a missing component the policy does not re-weight).
    """
    if isinstance(tables, CityColumns):
        if quarter is not None and str(quarter) != str(tables.quarter):
            raise EligibilityError(
                f"the city was recorded for {tables.quarter}, not {quarter}",
                field="quarter",
                rule="E-1",
                zh=f"全市数据登记的是 {tables.quarter}，不是 {quarter}",
            )
        recorded = tables
        _, on = _when(recorded.quarter, at)
    else:
        if quarter is None:
            raise ParseError(
                "the quarter evaluated is needed",
                field="quarter",
                rule="E-1",
                zh="须给出考评的季度",
            )
        recorded = record_city(tables, quarter=quarter, policy=policy, at=at)
        _, on = _when(quarter, at)
    return CityResult(recorded.score(resolve(policy, on)))
