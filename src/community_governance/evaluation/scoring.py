"""The final score (E-5: 10% self + 40% mean of peers + 50% survey mean) and its grade (E-6).

Everything is exact until the last step: the three component means are
fractions, the weighted sum is a fraction, and
[`round_exact`][community_governance.numbers.round_exact] rounds it
once, to the policy's places in the policy's mode. The peer mean is the
arithmetic mean of the other units' rating scores, or — if the policy says
``trimmed`` and there are at least ``evaluation.peer.trim_min_raters`` of them —
the mean without one highest and one lowest (E-3, E-5).

A missing component (no self-rating, fewer peer raters than
``evaluation.peer.min_raters``, no survey answer) raises
[`MissingComponentError`][community_governance.errors.MissingComponentError], unless the policy
says ``reweight``: then the remaining weights are scaled up to sum to 1 and the
explanation is flagged ``reweighted``.

The same rule serves a unit recorded as exact integer columns: ``final_of_ratios`` scores
its ratings' scores in the scale's smallest unit, as a city and a recorded quarter keep
them. Both call the arithmetic of [`kernel`][community_governance.evaluation.kernel].

Grades come from the policy's bands (``evaluation.grades.bands``), compared on
the reported (rounded) or the exact score as ``evaluation.grades.compare``
says. The ranking uses the same score: equal scores share the best rank
("1, 2, 2, 4", standard competition ranking) and are listed by unit id.
Units whose grade is in ``evaluation.awards.grades`` receive an honour
certificate; units whose grade is in ``evaluation.rectification.grades``
receive a rectification order, which the rectification workflow (R-1..R-3)
takes up once the results take effect (E-6).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction

import attrs

from community_governance.community import Quarter
from community_governance.errors import MissingComponentError, ScoreOutOfRangeError
from community_governance.evaluation import kernel
from community_governance.explain import Explanation, ExplanationBuilder, Text
from community_governance.frozen import Deferred, deferred, read_only
from community_governance.numbers import RoundingMode, as_fraction, as_score, round_exact
from community_governance.policy.loader import resolve
from community_governance.policy.model import Policy
from community_governance.policy.scales import GradeBand
from community_governance.policy.schema import PolicySnapshot
from community_governance.vocabulary import (
    Component,
    Grade,
    GradeBasis,
    MissingComponentRule,
    PeerAggregation,
)

__all__ = [
    "RANKING_RULE",
    "Award",
    "FinalScore",
    "RectificationOrder",
    "UnitFinal",
    "UnitRules",
    "explained",
    "final_of_ratios",
    "final_score",
    "grade_at",
    "grade_basis",
    "grade_basis_value",
    "grade_of",
    "missing_component_error",
    "peer_mean",
    "rank",
    "zero_weight_error",
]


def _exact_scores(values: Iterable[object], field: str) -> tuple[Fraction, ...]:
    out = []
    for i, value in enumerate(values):
        if isinstance(value, Fraction):
            out.append(value)
        else:
            out.append(as_fraction(as_score(value, field=f"{field}[{i}]", rule="E-5")))
    return tuple(out)


def _ratio(value: Fraction) -> kernel.Ratio:
    return value.numerator, value.denominator


def peer_mean(
    scores: Iterable[Fraction | Decimal | int | str],
    policy: Policy | PolicySnapshot | None = None,
    builder: ExplanationBuilder | None = None,
    *,
    at: dt.date | None = None,
) -> Fraction:
    """The mean of the peer rating scores, plain or trimmed as the policy says (E-3, E-5).

    Raises:
        MissingComponentError: no scores at all.
    """
    values = sorted(_exact_scores(scores, "peer_scores"))
    if not values:
        raise MissingComponentError(
            "no peer ratings", field="peer_scores", rule="E-3", zh="没有互评"
        )
    p = resolve(policy, at, builder)
    trimmed = p.peer_aggregation is PeerAggregation.TRIMMED and kernel.trims(
        len(values), p.trim_min_raters
    )
    mean = Fraction(*kernel.peer_mean([_ratio(v) for v in values], trim=trimmed))
    if builder is not None:
        if trimmed:
            builder.step(
                f"去掉最高分 {values[-1]} 和最低分 {values[0]} 后取平均",
                f"mean without the highest ({values[-1]}) and lowest ({values[0]})",
                mean,
                rule="E-5",
            )
        else:
            builder.step(
                f"{len(values)} 个其他单位评分的算术平均",
                f"mean of {len(values)} peer ratings",
                mean,
                rule="E-3",
            )
    return mean


def explained(value: Explanation | Deferred[Explanation]) -> Deferred[Explanation]:
    """An attrs converter: an explanation, known now or built on first access."""
    return deferred(value)


@attrs.frozen
class FinalScore:
    """A unit's final score (E-5): exact, reported (rounded once), and explained.

    Attributes:
        exact: the exact weighted score.
        reported: ``exact`` rounded once, as the policy says.
        components: each component's exact mean, or ``None`` where missing.
        weights: the weights actually applied (re-normalised if re-weighted).
        reweighted: whether a missing component was re-weighted away.
        explanation: rules, parameters and steps.
    """

    exact: Fraction
    reported: Decimal
    components: Mapping[Component, Fraction | None] = attrs.field(converter=read_only)
    weights: Mapping[Component, Fraction] = attrs.field(converter=read_only)
    reweighted: bool
    _explanation: Deferred[Explanation] = attrs.field(
        alias="explanation", converter=explained, repr=False
    )

    @property
    def explanation(self) -> Explanation:
        """Rules, parameters and steps (built on first access where it was deferred)."""
        return self._explanation.get()


def missing_component_error(
    unit: str, missing: Sequence[Component], peer_raters: int, min_raters: int
) -> MissingComponentError:
    """The error of a unit that lacks a component the policy does not re-weight (E-5)."""
    labels = ", ".join(c.en for c in missing)
    return MissingComponentError(
        f"unit {unit} has no {labels} (peer raters: {peer_raters}, minimum "
        f"{min_raters}); the policy does not re-weight",
        field=f"{unit}.{missing[0].code}",
        rule="E-5",
        zh=(
            f"单位 {unit} 没有{'、'.join(c.zh for c in missing)}（互评单位："
            f"{peer_raters}，最少 {min_raters}）；政策不调整权重"
        ),
    )


def final_score(
    *,
    self_score: Fraction | Decimal | int | str | None,
    peer_scores: Iterable[Fraction | Decimal | int | str],
    public_scores: Iterable[Fraction | Decimal | int | str],
    policy: Policy | PolicySnapshot | None = None,
    at: dt.date | None = None,
    unit: str = "unit",
    builder: ExplanationBuilder | None = None,
) -> FinalScore:
    """Combine self, peer and public scores into the final score (E-5).

    Args:
        self_score: the unit's self-rating score, or ``None`` if it made none.
        peer_scores: the other units' rating scores of this unit.
        public_scores: the survey scores that count for this unit.
        policy: the policy in force, or a snapshot of it (default: the shipped one).
        at: the date of the evaluation; a ``Policy`` is read on it.
        unit: the unit's id, for messages.
        builder: an explanation to continue (one is started if not given).

    Raises:
        MissingComponentError: a component is missing and the policy does not
            re-weight (or every component is missing).
        ScoreOutOfRangeError: a score outside the policy's scale.
        ExactnessError: a float score.

    Example (the worked example):
        >>> import datetime as dt
        >>> from community_governance import default_policy
        >>> final_score(
        ...     self_score="90",
        ...     peer_scores=["80", "85", "78", "87"],
        ...     public_scores=["88.4"],
        ...     policy=default_policy(),
        ...     at=dt.date(2026, 9, 30),
        ... ).reported
        Decimal('86.20')
    """
    b = builder or ExplanationBuilder(Text(f"{unit} 的最终成绩", f"Final score of {unit}"))
    b.rule("E-5")
    p = resolve(policy, at, b)
    scale = p.score_range
    peers = _exact_scores(peer_scores, "peer_scores")
    public = _exact_scores(public_scores, "public_scores")
    own = None if self_score is None else _exact_scores([self_score], "self_score")[0]
    for name, values in (
        ("self_score", () if own is None else (own,)),
        ("peer_scores", peers),
        ("public_scores", public),
    ):
        for value in values:
            if value not in scale:
                raise ScoreOutOfRangeError(
                    f"{value} is outside the scale",
                    field=f"{unit}.{name}",
                    rule="E-2",
                    zh=f"{value} 超出量表范围",
                )
    components: dict[Component, Fraction | None] = {
        Component.SELF: own,
        Component.PEER: None,
        Component.PUBLIC: None,
    }
    if own is not None:
        b.step("自评分", "self-rating score", own, rule="E-3")
    if len(peers) >= p.peer_min_raters:
        components[Component.PEER] = peer_mean(peers, p, b)
    if public:
        total = sum(public)
        mean = kernel.public_mean(total.numerator, len(public), total.denominator)
        components[Component.PUBLIC] = Fraction(*mean)
        b.step(
            f"{len(public)} 份民意测评答卷的平均分",
            f"mean of {len(public)} survey answers",
            components[Component.PUBLIC],
            rule="E-4",
        )
    missing = [c for c, v in components.items() if v is None]
    combined = kernel.combine(
        {c: None if v is None else _ratio(v) for c, v in components.items()},
        p.component_weights,
        # The rule is read only where it decides something: a component is missing.
        reweight=bool(missing) and p.missing_component is not MissingComponentRule.ERROR,
    )
    if combined is None:
        raise missing_component_error(unit, missing, len(peers), p.peer_min_raters)
    weights = combined.weights
    reweighted = bool(missing)
    if missing:
        b.flag("reweighted")
        b.step(
            f"缺少{'、'.join(c.zh for c in missing)}，其余权重按比例放大",
            f"missing {', '.join(c.en for c in missing)}; remaining weights scaled to sum to 1",
            weights,
            rule="E-5",
        )
    exact = Fraction(combined.numerator, combined.denominator)
    b.step("加权合计（精确值）", "weighted total (exact)", exact, rule="E-5")
    reported = round_exact(exact, p.rounding_places, p.rounding_mode)
    b.step("唯一一次修约", "the one rounding step", reported, rule="E-5")
    if builder is None:
        b.input("unit", unit)
    return FinalScore(
        exact=exact,
        reported=reported,
        components=components,
        weights=weights,
        reweighted=reweighted,
        explanation=b.build(Text(f"最终成绩 {reported}", f"final score {reported}")),
    )


@attrs.frozen
class UnitFinal:
    """A unit's final score in integers (E-5): ``numerator / denominator``, not reduced.

    Attributes:
        numerator: Σ weight · component over the common denominator.
        denominator: the common denominator times the weights' sum.
        components: each component as a ratio, or ``None`` where missing.
        weights: the weights applied, as the rule states them (re-normalised if
            re-weighted).
        reweighted: whether a missing component was re-weighted away.
    """

    numerator: int
    denominator: int
    components: Mapping[Component, kernel.Ratio | None]
    weights: Mapping[Component, Fraction]
    reweighted: bool

    @property
    def exact(self) -> Fraction:
        """The exact final score."""
        return Fraction(self.numerator, self.denominator)

    def component(self, component: Component) -> Fraction | None:
        """One component as an exact fraction."""
        ratio = self.components[component]
        return None if ratio is None else Fraction(*ratio)


_COMPONENTS = tuple(Component)


@attrs.frozen
class UnitRules:
    """The parameters that score and grade a unit (E-3, E-5, E-6), read once from a snapshot.

    A community scores its units, and a city thousands of them, under one snapshot; the
    values are read, and the weights made integers and the bands' minimums listed, once
    for all of them. The names are the snapshot's own, so that ``grade_basis`` and
    ``grade_at`` read either. The trim threshold and the missing-component rule are read
    from the snapshot when they decide something (a trimmed mean, a missing component),
    as the rules read them, so that every parameter read is one an explanation cites.
    """

    snapshot: PolicySnapshot
    peer_min_raters: int
    peer_aggregation: PeerAggregation
    component_weights: Mapping[Component, Fraction]
    rounding_places: int
    rounding_mode: RoundingMode
    grade_basis: GradeBasis
    grade_bands: tuple[GradeBand, ...]
    #: ``component_weights`` as integers over their common denominator (``int_weights``).
    component_integers: tuple[int, ...]
    #: Each band's minimum, best band first.
    band_minimums: tuple[Fraction, ...]

    @property
    def trim_min_raters(self) -> int:
        """The snapshot's trim threshold (read when a trimmed mean asks for it)."""
        return self.snapshot.trim_min_raters

    @property
    def missing_component(self) -> MissingComponentRule:
        """The snapshot's missing-component rule (read when a component is missing)."""
        rule: MissingComponentRule = self.snapshot.missing_component
        return rule

    @classmethod
    def of(cls, policy: PolicySnapshot) -> UnitRules:
        """The values ``policy`` holds on its date."""
        weights = policy.component_weights
        bands = tuple(policy.grade_bands)
        return cls(
            policy,
            policy.peer_min_raters,
            policy.peer_aggregation,
            weights,
            policy.rounding_places,
            policy.rounding_mode,
            policy.grade_basis,
            bands,
            kernel.int_weights(weights, tuple(weights)),
            tuple(band.minimum for band in bands),
        )


def final_of_ratios(
    unit: str,
    *,
    own: tuple[kernel.Ratio | None] | None,
    peers: Sequence[tuple[str, kernel.Ratio | None]],
    public: kernel.Ratio | None,
    rules: UnitRules,
) -> UnitFinal:
    """``unit_final`` from the ratings' scores (``rating_ratio``) already computed.

    ``own`` is ``None`` without a self-rating, else a 1-tuple of its score; a score of
    ``None`` is a rating of weight-zero dimensions only, the rule's error.

    Raises:
        ScoreOutOfRangeError: a rating rates only dimensions of weight zero.
        MissingComponentError: a component is missing and the policy does not re-weight.
    """
    ratios: dict[Component, kernel.Ratio] = {}
    if own is not None:
        if own[0] is None:
            raise zero_weight_error(unit, unit)
        ratios[Component.SELF] = own[0]
    peer_ratios = [ratio for _, ratio in peers]
    if None in peer_ratios:
        raise zero_weight_error(next(r for r, ratio in peers if ratio is None), unit)
    if len(peer_ratios) >= rules.peer_min_raters:
        trim = rules.peer_aggregation is PeerAggregation.TRIMMED and kernel.trims(
            len(peer_ratios), rules.trim_min_raters
        )
        ratios[Component.PEER] = kernel.peer_mean(
            [ratio for ratio in peer_ratios if ratio is not None], trim=trim
        )
    if public is not None:
        ratios[Component.PUBLIC] = public
    missing = [c for c in _COMPONENTS if c not in ratios]
    # The rule is read only where it decides something: a component is missing.
    reweight = bool(missing) and rules.missing_component is not MissingComponentRule.ERROR
    combined = kernel.combine(
        ratios, rules.component_weights, reweight=reweight, integer=rules.component_integers
    )
    if combined is None:
        raise missing_component_error(unit, missing, len(peers), rules.peer_min_raters)
    return UnitFinal(
        combined.numerator,
        combined.denominator,
        {c: ratios.get(c) for c in _COMPONENTS},
        combined.weights,
        bool(combined.missing),
    )


def zero_weight_error(rater: str, ratee: str) -> ScoreOutOfRangeError:
    """The error of a rating that scores only dimensions of weight zero (E-2)."""
    return ScoreOutOfRangeError(
        f"{rater}'s rating of {ratee} scores only dimensions of weight zero",
        field="scores",
        rule="E-2",
        zh=f"{rater} 对 {ratee} 的评分只给权重为零的维度打了分",
    )


#: The tie rule of the ranking, in words.
RANKING_RULE = (
    "by the score grades compare (evaluation.grades.compare), highest first; equal scores "
    "share the best rank (1, 2, 2, 4) and are listed by unit id"
)


@attrs.frozen
class Award:
    """An honour certificate (荣誉证书) for an excellent unit (E-6)."""

    unit_id: str
    quarter: Quarter
    grade: Grade
    score: Decimal


@attrs.frozen
class RectificationOrder:
    """An order to rectify within a deadline (限期整改) for a failing unit (E-6, R-1..R-3).

    Attributes:
        unit_id: the failing unit.
        quarter: the quarter evaluated.
        grade: the grade that triggered the order.
        score: the reported final score.
        weakest: the dimensions with the lowest peer means, worst first, as a
            starting point for the rectification plan.
    """

    unit_id: str
    quarter: Quarter
    grade: Grade
    score: Decimal
    weakest: tuple[str, ...] = ()


def grade_basis(
    exact: Fraction, reported: Decimal, policy: PolicySnapshot | UnitRules
) -> Fraction | Decimal:
    """The score that grades and ranks compare: reported or exact, as the policy says (E-6).

    The reported score stays the ``Decimal`` it is: it compares exactly with the bands'
    minimums and with other reported scores, and a city's thousands of units compare it
    without making a ``Fraction`` of each.
    """
    return reported if policy.grade_basis is GradeBasis.ROUNDED else exact


def grade_at(value: Fraction | Decimal, policy: PolicySnapshot | UnitRules) -> Grade:
    """The grade of the first band (best first) whose minimum ``value`` reaches (E-6)."""
    bands = policy.grade_bands
    minimums = policy.band_minimums if isinstance(policy, UnitRules) else [b.minimum for b in bands]
    return bands[kernel.band_of(value, minimums)].grade


def grade_basis_value(
    final: FinalScore,
    policy: Policy | PolicySnapshot | None = None,
    *,
    at: dt.date | None = None,
    builder: ExplanationBuilder | None = None,
) -> Fraction:
    """The score that grades and ranks compare for ``final``, as a fraction (E-6)."""
    return Fraction(grade_basis(final.exact, final.reported, resolve(policy, at, builder)))


def grade_of(
    final: FinalScore,
    policy: Policy | PolicySnapshot | None = None,
    builder: ExplanationBuilder | None = None,
    *,
    at: dt.date | None = None,
) -> Grade:
    """The grade whose band holds the unit's score (E-6)."""
    p = resolve(policy, at, builder)
    value = grade_basis_value(final, p, builder=builder)
    grade = grade_at(value, p)
    if builder is not None:
        builder.step(f"定级：{grade.zh}", f"grade: {grade.en}", value, rule="E-6")
    return grade


#: Standard competition ranking (E-6); its one home is the kernel.
rank = kernel.rank
