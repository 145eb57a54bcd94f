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

Tables are pyarrow tables, pandas DataFrames, or plain mappings of column name to values;
the readers of ``tables.city_rows`` and ``tables.city_arrays`` turn them into integer
columns. A community is scored here (``score_community``) with
[`unit_final`][community_governance.evaluation.city.unit_final], which calls
[`scoring`][community_governance.evaluation.scoring] (E-5 and E-6) and its
[`kernel`][community_governance.evaluation.kernel]: these three modules are the whole path.
With NumPy, whole columns are scored by the kernel's accelerator,
``evaluation.accelerated``, in place of the per-community loop and equal to it.
``CityResult.explain`` explains any unit on demand, with the quarter's explainer
(``evaluation.unit_scoring``).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

import attrs

from community_governance.community import Quarter
from community_governance.errors import (
    EligibilityError,
    GovernanceError,
    ParseError,
    PolicyError,
    UnknownUnitError,
)
from community_governance.evaluation.kernel import Ratio, int_weights, public_mean, rating_ratio
from community_governance.evaluation.scoring import (
    UnitFinal,
    UnitRules,
    final_of_ratios,
    grade_at,
    grade_basis,
    rank,
    zero_weight_error,
)
from community_governance.explain import Explanation, ExplanationBuilder, Text
from community_governance.extras import installed
from community_governance.frozen import Deferred, FrozenMap
from community_governance.numbers import (
    format_fraction,
    round_ratio,
)
from community_governance.policy.loader import resolve
from community_governance.policy.model import Policy
from community_governance.policy.scales import AnswerScale, ScoreRange
from community_governance.policy.schema import PolicySnapshot
from community_governance.tables.city_ids import checked_ids
from community_governance.tables.city_rows import CommunityRows, read_rows
from community_governance.vocabulary import (
    Component,
    Dimension,
    SurveyAttribution,
)

__all__ = [
    "OUTPUT_COLUMNS",
    "CityColumns",
    "CityResult",
    "evaluate_city",
    "record_city",
    "score_community",
    "unit_final",
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
    are built from the scored integers when first read; ``explain`` gives any unit's
    explanation when it is asked for.
    """

    scored: Scored = attrs.field(repr=False)
    _explainer: Callable[[str, str, int], Explanation] | None = attrs.field(
        default=None, alias="explainer", repr=False, eq=False
    )
    _columns: Deferred[Mapping[str, tuple[Any, ...]]] = attrs.field(
        init=False, repr=False, eq=False
    )

    def explain(self, community: str, unit: str) -> Explanation:
        """The explanation of ``unit`` of ``community`` (E-1..E-6), built when asked for.

        It has the steps, outcome and rules of the explanation ``evaluate_quarter`` gives the
        same unit, from the same inputs; of the survey's own parameters it cites those its
        answers need (a city's tables carry answers, not a sample certificate).

        Raises:
            UnknownUnitError: the city has no such unit.
        """
        s = self.scored
        found = next(
            (i for i in range(len(s.unit)) if (s.community[i], s.unit[i]) == (community, unit)),
            None,
        )
        if found is None or self._explainer is None:
            raise UnknownUnitError(
                f"no unit {unit!r} of {community!r} in the result",
                field="unit",
                rule="E-1",
                zh=f"结果中没有 {community!r} 的单位 {unit!r}",
            )
        return self._explainer(community, unit, s.rank[found])

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
        from community_governance.tables.frames import pandas_frame  # noqa: PLC0415

        return pandas_frame(self.columns)

    def to_arrow(self) -> Any:
        """A pyarrow table (the ``[scale]`` extra); ``final`` as a decimal column."""
        from community_governance.tables.frames import arrow_table  # noqa: PLC0415

        return arrow_table(self.columns)


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
            from community_governance.evaluation.accelerated import score_arrays  # noqa: PLC0415

            return score_arrays(self._arrays, snapshot)
        out = Scored.empty(snapshot.rounding_places)
        for community in sorted(self._rows or {}):
            entry = (self._rows or {})[community]
            score_community(community, entry, public_parts(entry, snapshot)[0], snapshot, out)
        return out

    def inputs(
        self, community: str, snapshot: PolicySnapshot
    ) -> tuple[CommunityRows, Mapping[str, Ratio], Mapping[str, int], bool]:
        """One community's rows, survey parts, answer counts and whether it was surveyed.

        Raises:
            UnknownUnitError: no such community was recorded.
        """
        try:
            if self._arrays is not None:
                from community_governance.evaluation.accelerated import (  # noqa: PLC0415
                    recorded_inputs,
                )

                return recorded_inputs(self._arrays, community, snapshot)
            entry = (self._rows or {})[community]
        except KeyError:
            raise UnknownUnitError(
                f"no community {community!r} in the city",
                field="community",
                rule="E-1",
                zh=f"全市数据中没有社区 {community!r}",
            ) from None
        return (entry, *public_parts(entry, snapshot), bool(entry.projects or entry.answers))


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
    # Ids are checked as every route checks them, before either reader runs (E-1, E-3, E-4).
    tables = checked_ids(tables, snapshot)
    if _HAS_NUMPY:
        from community_governance.tables import city_arrays  # noqa: PLC0415 - needs NumPy

        try:
            arrays = city_arrays.record_arrays(tables, quarter, snapshot)
        except city_arrays.Declined:
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
    snapshot = resolve(policy, on)
    explainer = functools.partial(_explain_unit, recorded, snapshot, on)
    return CityResult(recorded.score(snapshot), explainer=explainer)


def _explain_unit(  # noqa: PLR0917 - bound by evaluate_city, then asked by unit
    recorded: CityColumns,
    snapshot: PolicySnapshot,
    on: dt.date,
    community: str,
    unit: str,
    unit_rank: int,
) -> Explanation:
    """A unit's whole trace from its community's recorded rows (E-1..E-6)."""
    rows, public, counts, surveyed = recorded.inputs(community, snapshot)
    scale_unit = snapshot.score_range.unit
    survey_reads = None
    if surveyed:
        # What reading a survey's scores reads, as the quarter's survey reads it (E-4).
        survey_reads = ExplanationBuilder(Text("民意测评", "survey"))
        traced = snapshot.traced(survey_reads)
        _ = traced.survey_answer_scale, traced.survey_attribution

    def scores(p: PolicySnapshot) -> tuple[Fraction | None, list[Fraction]]:
        def score(rater: str) -> Fraction:
            # Read per rating, as a rating's score reads the weights (and cites them) only
            # where there is a rating to score.
            weights = int_weights(p.dimension_weights, _DIMENSIONS)
            ratio = rating_ratio(rows.ratings[rater, unit], weights, scale_unit)
            if ratio is None:
                raise zero_weight_error(rater, unit)
            return Fraction(*ratio)

        raters = sorted(r for r, ratee in rows.ratings if ratee == unit and r != unit)
        own = score(unit) if (unit, unit) in rows.ratings else None
        return own, [score(r) for r in raters]

    # The survey part is what the city keeps: its mean, over so many answers.
    answers = [Fraction(*public[unit])] * counts[unit] if unit in public else []
    # The quarter's explainer, loaded when an explanation is asked for, not to score.
    from community_governance.evaluation.unit_scoring import (  # noqa: PLC0415
        explain_ranked,
        score_explained,
    )

    scored = score_explained(
        unit, recorded.quarter, on, scores, answers, snapshot, survey_reads=survey_reads
    )
    return explain_ranked(scored, unit_rank, snapshot, answered=counts.get(unit, 0) > 0)


_COMPONENTS = (Component.SELF, Component.PEER, Component.PUBLIC)


@attrs.define
class Scored:
    """Scored units as columns of Python ints and text, in the order of the result.

    Filled community by community (``score_community`` appends to it), then read only.

    Components are (numerator, denominator) columns with denominator 0 where missing; the
    exact final is in lowest terms; ``reported`` is the rounded final in units of
    ``10**-places``.
    """

    places: int
    community: list[str] = attrs.field(factory=list)
    unit: list[str] = attrs.field(factory=list)
    component_numerators: tuple[list[int], ...] = attrs.field(factory=lambda: ([], [], []))
    component_denominators: tuple[list[int], ...] = attrs.field(factory=lambda: ([], [], []))
    numerator: list[int] = attrs.field(factory=list)
    denominator: list[int] = attrs.field(factory=list)
    reported: list[int] = attrs.field(factory=list)
    grade: list[str] = attrs.field(factory=list)
    rank: list[int] = attrs.field(factory=list)

    @classmethod
    def empty(cls, places: int) -> Scored:
        """No units yet."""
        return cls(places)

    def merged(self, other: Scored) -> Scored:
        """Both tables' units, communities in order; each community comes from one table."""
        count = len(self.unit)
        communities = self.community + other.community
        order = sorted(range(len(communities)), key=communities.__getitem__)

        def pick(mine: list[Any], theirs: list[Any]) -> list[Any]:
            return [mine[i] if i < count else theirs[i - count] for i in order]

        return Scored(
            self.places,
            pick(self.community, other.community),
            pick(self.unit, other.unit),
            tuple(
                pick(a, b)
                for a, b in zip(self.component_numerators, other.component_numerators, strict=True)
            ),
            tuple(
                pick(a, b)
                for a, b in zip(
                    self.component_denominators, other.component_denominators, strict=True
                )
            ),
            pick(self.numerator, other.numerator),
            pick(self.denominator, other.denominator),
            pick(self.reported, other.reported),
            pick(self.grade, other.grade),
            pick(self.rank, other.rank),
        )


def score_community(
    community: str,
    entry: CommunityRows,
    public: Mapping[str, Ratio],
    p: PolicySnapshot,
    out: Scored,
) -> None:
    """Score one community's units (E-2..E-6) and append them to ``out`` in rank order.

    ``public`` holds each unit's survey part as (sum, count·unit), where it has one.

    Raises:
        GovernanceError: a unit's rule error (a missing component the policy does not
            re-weight), its field prefixed with the community.
    """
    dims = int_weights(p.dimension_weights, _DIMENSIONS)
    rules = UnitRules.of(p)
    peers: dict[str, list[tuple[str, Sequence[int | None]]]] = {u: [] for u in entry.units}
    for (rater, ratee), columns in sorted(entry.ratings.items()):
        if rater != ratee:
            peers[ratee].append((rater, columns))
    finals = {}
    for unit in entry.units:
        try:
            finals[unit] = unit_final(
                unit,
                own=entry.ratings.get((unit, unit)),
                peers=peers[unit],
                public=public.get(unit),
                policy=p,
                rules=rules,
                dimension_weights=dims,
            )
        except GovernanceError as error:
            raise error.moved(f"{community}: {error.field}") from None
    reported = {
        u: round_ratio(f.numerator, f.denominator, rules.rounding_places, rules.rounding_mode)
        for u, f in finals.items()
    }
    basis = {u: grade_basis(f.exact, reported[u], rules) for u, f in finals.items()}
    ranks = rank(basis)
    for unit in sorted(entry.units, key=lambda u: (ranks[u], u)):
        final = finals[unit]
        divisor = math.gcd(final.numerator, final.denominator)
        out.community.append(community)
        out.unit.append(unit)
        for index, component in enumerate(_COMPONENTS):
            ratio = final.components[component]
            out.component_numerators[index].append(0 if ratio is None else ratio[0])
            out.component_denominators[index].append(0 if ratio is None else ratio[1])
        out.numerator.append(final.numerator // divisor)
        out.denominator.append(final.denominator // divisor)
        out.reported.append(int(reported[unit].scaleb(p.rounding_places)))
        out.grade.append(grade_at(basis[unit], rules).code)
        out.rank.append(ranks[unit])


def public_parts(
    entry: CommunityRows, snapshot: PolicySnapshot
) -> tuple[dict[str, Ratio], dict[str, int]]:
    """Each unit's survey part, as (sum, count·unit), and how many answers count for it."""
    public: dict[str, Ratio] = {}
    counts: dict[str, int] = {}
    for unit in entry.units:
        if snapshot.survey_attribution is SurveyAttribution.ALL:
            scores = [s for values in entry.answers.values() for s in values]
        else:
            scores = [
                s
                for project, values in entry.answers.items()
                if unit in entry.projects[project]
                for s in values
            ]
        if scores:
            total = sum(scores)
            counts[unit] = len(scores)
            public[unit] = public_mean(total.numerator, len(scores), total.denominator)
    return public, counts


def unit_final(
    unit: str,
    *,
    own: Sequence[int | None] | None,
    peers: Sequence[tuple[str, Sequence[int | None]]],
    public: Ratio | None,
    policy: PolicySnapshot,
    rules: UnitRules,
    dimension_weights: Sequence[int],
) -> UnitFinal:
    """A unit's final score from integer columns, as the rules E-2..E-5 decide it.

    Args:
        unit: the unit's id (for errors).
        own: its self-rating's scores in the scale's unit, or ``None``.
        peers: (rater, scores) of the other units' ratings of it, by rater.
        public: the survey answers that count for it, as (sum, count·unit), or ``None``.
        policy: the snapshot in force.
        rules: what scoring reads from it (``UnitRules.of(policy)``).
        dimension_weights: the dimension weights as integers (``int_weights``).

    Raises:
        ScoreOutOfRangeError: a rating rates only dimensions of weight zero.
        MissingComponentError: a component is missing and the policy does not re-weight.
    """
    scale_unit = policy.score_range.unit
    return final_of_ratios(
        unit,
        own=None if own is None else (rating_ratio(own, dimension_weights, scale_unit),),
        peers=[(r, rating_ratio(s, dimension_weights, scale_unit)) for r, s in peers],
        public=public,
        rules=rules,
    )
