"""Self and peer ratings on the six dimensions (E-2, E-3).

A [`Rating`][community_governance.evaluation.ratings.Rating] scores some or all of the six
dimensions (E-2) on the
policy's scale; a dimension the rater could not judge is ``None`` and is left
out of the rating's score, never counted as zero. A rating is a *self* rating
(the unit rates itself) or a *peer* rating (another member unit rates it) —
never both (E-3).

A [`RatingBook`][community_governance.evaluation.ratings.RatingBook] holds a quarter's ratings: at
most one per (rater,
ratee). A second rating raises; a correction is an explicit
[`RatingBook.replace`][community_governance.evaluation.ratings.RatingBook.replace] with a reason,
and the original stays in the
book's history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction

import attrs

from community_governance.community import Community, Quarter, to_quarter
from community_governance.errors import (
    DuplicateRatingError,
    EligibilityError,
    ForeignSelfRatingError,
    ParseError,
    PeerRatesItselfError,
    ScoreOutOfRangeError,
)
from community_governance.evaluation.kernel import (
    in_units,
    int_weights,
    rating_ratio,
)
from community_governance.evaluation.scoring import zero_weight_error
from community_governance.explain import ExplanationBuilder
from community_governance.frozen import FrozenMap, as_tuple, read_only
from community_governance.ids import as_id
from community_governance.numbers import as_score, format_fraction
from community_governance.policy.loader import resolve
from community_governance.policy.model import Policy
from community_governance.policy.scales import ScoreRange
from community_governance.policy.schema import PolicySnapshot
from community_governance.vocabulary import (
    Component,
    Dimension,
)

__all__ = [
    "Rating",
    "RatingBook",
    "RatingEvent",
    "on_scale",
    "rating_score",
    "scaled",
    "score_units",
]


def _scores(
    raw: Mapping[Dimension, object] | Mapping[str, object],
) -> Mapping[Dimension, Decimal | None]:
    if not isinstance(raw, Mapping):
        raise ParseError(
            "scores are a mapping of dimension to score",
            field="scores",
            rule="E-2",
            zh="分数须为“维度 → 分数”的映射",
        )
    scores: dict[Dimension, Decimal | None] = {}
    for key, value in raw.items():
        dimension = key if isinstance(key, Dimension) else Dimension.from_label(key)
        field = f"scores.{dimension.code}"
        scores[dimension] = None if value is None else as_score(value, field=field, rule="E-2")
    return FrozenMap({d: scores[d] for d in Dimension if d in scores})


def _kind(value: Component | str) -> Component:
    return Component.coerce(value)


def _rater(value: object) -> str:
    return as_id(value, field="rater", rule="E-2")


def _ratee(value: object) -> str:
    return as_id(value, field="ratee", rule="E-2")


@attrs.frozen
class Rating:
    """One unit's rating of one unit for one quarter, dimension by dimension (E-2, E-3).

    Attributes:
        rater: the rating unit's id.
        ratee: the rated unit's id.
        quarter: the quarter rated.
        kind: ``Component.SELF`` or ``Component.PEER``.
        scores: a score (``Decimal``, ``int`` or decimal text; never a float)
            for each dimension rated; ``None`` for "unable to rate".

    Raises:
        PeerRatesItselfError: a peer rating of the rater's own unit.
        ForeignSelfRatingError: a self-rating of another unit.
        ExactnessError: a float score.
    """

    rater: str = attrs.field(converter=_rater)
    ratee: str = attrs.field(converter=_ratee)
    quarter: Quarter = attrs.field(converter=to_quarter)
    kind: Component = attrs.field(converter=_kind)
    scores: Mapping[Dimension, Decimal | None] = attrs.field(converter=_scores)

    def __attrs_post_init__(self) -> None:
        if self.kind is Component.PEER and self.rater == self.ratee:
            raise PeerRatesItselfError(
                f"unit {self.rater} cannot peer-rate itself; use a self-rating",
                field="rater",
                rule="E-3",
                zh=f"单位 {self.rater} 不能互评本单位；请用自评",
            )
        if self.kind is Component.SELF and self.rater != self.ratee:
            raise ForeignSelfRatingError(
                f"unit {self.rater} cannot self-rate unit {self.ratee}",
                field="ratee",
                rule="E-3",
                zh=f"单位 {self.rater} 不能为单位 {self.ratee} 自评",
            )
        if not self.rated:
            raise ParseError(
                "a rating must score at least one dimension",
                field="scores",
                rule="E-2",
                zh="评分须至少给一个维度打分",
            )

    @property
    def rated(self) -> tuple[Dimension, ...]:
        """The dimensions this rating scores (those not left as "unable to rate")."""
        return tuple(d for d, s in self.scores.items() if s is not None)

    @property
    def key(self) -> tuple[str, str]:
        """(rater, ratee): at most one current rating per key and quarter."""
        return (self.rater, self.ratee)


def rating_score(
    rating: Rating,
    policy: Policy | PolicySnapshot | None = None,
    *,
    at: dt.date | None = None,
    builder: ExplanationBuilder | None = None,
) -> Fraction:
    """The rating's score: the weighted mean of the dimensions it rates (E-2).

    Weights come from ``evaluation.dimension_weights`` and are re-normalised
    over the rated dimensions, so "unable to rate" neither adds nor subtracts.

    Raises:
        ScoreOutOfRangeError: the rated dimensions all have weight zero.
    """
    weights = resolve(policy, at, builder).dimension_weights
    units, unit = in_units(
        [None if (v := rating.scores.get(d)) is None else Fraction(v) for d in _DIMENSIONS]
    )
    ratio = rating_ratio(units, int_weights(weights, _DIMENSIONS), unit)
    if ratio is None:
        raise zero_weight_error(rating.rater, rating.ratee)
    return Fraction(*ratio)


_DIMENSIONS = tuple(Dimension)


@attrs.frozen
class RatingEvent:
    """An entry of a rating book's history: a rating recorded, or one replacing another."""

    rating: Rating
    replaces: Rating | None = None
    reason: str | None = None


@attrs.frozen
class RatingBook:
    """A quarter's ratings of a community's member units (E-2, E-3).

    Immutable: [record][community_governance.evaluation.ratings.RatingBook.record] and
    [replace][community_governance.evaluation.ratings.RatingBook.replace] return a new
    book and leave this one as it was, also when they raise. ``current`` is a
    read-only mapping, and ``history`` a tuple.

    Each method that reads the policy takes ``policy=`` (a ``Policy`` or a
    snapshot; default the shipped one) and ``at=`` (default the quarter's
    last day).
    """

    community: Community
    quarter: Quarter = attrs.field(converter=to_quarter)
    current: Mapping[tuple[str, str], Rating] = attrs.field(factory=FrozenMap, converter=read_only)
    history: tuple[RatingEvent, ...] = attrs.field(default=(), converter=as_tuple)
    # The current ratings as integer columns in the scale's smallest unit, kept when they
    # are recorded (E-2): the evaluation sums these instead of building fractions.
    _units: Mapping[tuple[str, str], tuple[int | None, ...]] = attrs.field(
        factory=FrozenMap, converter=read_only, eq=False, repr=False, alias="units"
    )
    _scale: ScoreRange | None = attrs.field(default=None, eq=False, repr=False, alias="scale")
    # Each current rating's score (``rating_ratio``) under the dimension weights it was
    # recorded with, also kept at recording, so that an evaluation adds them up.
    _ratios: Mapping[tuple[str, str], tuple[int, int] | None] = attrs.field(
        factory=FrozenMap, converter=read_only, eq=False, repr=False, alias="ratios"
    )
    _weights: tuple[int, ...] | None = attrs.field(
        default=None, eq=False, repr=False, alias="weights"
    )

    def recorded_ratios(
        self, scale: ScoreRange, weights: tuple[int, ...]
    ) -> Mapping[tuple[str, str], tuple[int, int] | None] | None:
        """Each current rating's score kept at recording, or ``None``.

        ``None`` unless every rating was recorded on ``scale`` and ``weights`` (the
        dimension weights as integers).
        """
        if (
            self._weights == weights
            and self._scale == scale
            and len(self._ratios) == len(self.current)
        ):
            return self._ratios
        return None

    def _ratios_with(
        self,
        snapshot: PolicySnapshot,
        columns: Mapping[tuple[str, str], tuple[int | None, ...]],
        keys: Iterable[tuple[str, str]],
    ) -> tuple[dict[tuple[str, str], tuple[int, int] | None], tuple[int, ...]]:
        weights = int_weights(snapshot.dimension_weights, _DIMENSIONS)
        unit = snapshot.score_range.unit
        if weights == self._weights and snapshot.score_range == self._scale:
            ratios = dict(self._ratios)
        else:
            ratios = {key: rating_ratio(columns[key], weights, unit) for key in self.current}
        for key in keys:
            ratios[key] = rating_ratio(columns[key], weights, unit)
        return ratios, weights

    def recorded_units(
        self, scale: ScoreRange
    ) -> Mapping[tuple[str, str], tuple[int | None, ...]] | None:
        """The integer columns kept at recording, if every rating was recorded on ``scale``.

        Such ratings were checked against the scale once, when recorded; otherwise ``None``.
        """
        if self._scale == scale and len(self._units) == len(self.current):
            return self._units
        return None

    def units(self, places: int) -> Mapping[tuple[str, str], tuple[int | None, ...]]:
        """Every current rating's scores as integers in units of ``10**-places`` (E-2).

        Kept from recording when the scale's places are the same; computed otherwise.

        Raises:
            ScoreOutOfRangeError: a score is finer than ``places`` allows.
        """
        if (
            self._scale is not None
            and self._scale.places == places
            and len(self._units) == len(self.current)
        ):
            return self._units
        return FrozenMap(
            {
                key: score_units(r.scores, places, r.rater, r.ratee)
                for key, r in self.current.items()
            }
        )

    def _snapshot(
        self, policy: Policy | PolicySnapshot | None, at: dt.date | None
    ) -> PolicySnapshot:
        return resolve(policy, at or self.quarter.end)

    def _check(self, rating: Rating, policy: PolicySnapshot) -> tuple[int | None, ...]:
        if rating.quarter != self.quarter:
            raise EligibilityError(
                f"a rating for {rating.quarter} cannot go into the book of {self.quarter}",
                field="quarter",
                rule="E-1",
                zh=f"{rating.quarter} 的评分不能记入 {self.quarter} 的评分簿",
            )
        self.community.check_units([rating.rater], "rater", "E-3")
        self.community.check_units([rating.ratee], "ratee", "E-3")
        scale = policy.score_range
        who = (rating.rater, rating.ratee)
        return tuple(
            None
            if (score := rating.scores.get(d)) is None
            else on_scale(score, scale, field=f"scores.{d.code}", who=who)
            for d in Dimension
        )

    def record(
        self,
        rating: Rating,
        policy: Policy | PolicySnapshot | None = None,
        *,
        at: dt.date | None = None,
    ) -> RatingBook:
        """A new book with ``rating`` added.

        Raises:
            DuplicateRatingError: the rater already rated the ratee this quarter.
            UnknownUnitError: rater or ratee is not a member unit.
            ScoreOutOfRangeError: a score is outside the policy's scale.
            EligibilityError: the rating is for another quarter.
        """
        return self.record_all([rating], policy, at=at)

    def replace(
        self,
        rating: Rating,
        *,
        reason: str,
        policy: Policy | PolicySnapshot | None = None,
        at: dt.date | None = None,
    ) -> RatingBook:
        """A new book in which ``rating`` replaces the current one of the same (rater, ratee).

        The replaced rating stays in ``history`` with the reason.

        Raises:
            EligibilityError: there is nothing to replace, or no reason is given.
        """
        given: object = reason  # callers outside the type checker may pass None
        if not isinstance(given, str) or not given.strip():
            raise EligibilityError(
                "a correction needs a reason", field="reason", rule="E-3", zh="更正须说明理由"
            )
        snapshot = self._snapshot(policy, at)
        units = self._check(rating, snapshot)
        previous = self.current.get(rating.key)
        if previous is None:
            raise EligibilityError(
                f"{rating.rater} has not rated {rating.ratee} in {self.quarter}; record it instead",
                field="rating",
                rule="E-3",
                zh=f"{rating.rater} 在 {self.quarter} 尚未评价 {rating.ratee}；请直接登记",
            )
        columns = {**self._recorded_units(snapshot), rating.key: units}
        ratios, weights = self._ratios_with(snapshot, columns, [rating.key])
        return attrs.evolve(
            self,
            current={**self.current, rating.key: rating},
            history=(*self.history, RatingEvent(rating, previous, reason)),
            units=columns,
            scale=snapshot.score_range,
            ratios=ratios,
            weights=weights,
        )

    def _recorded_units(
        self, snapshot: PolicySnapshot
    ) -> Mapping[tuple[str, str], tuple[int | None, ...]]:
        return self.units(snapshot.score_range.places)

    def record_all(
        self,
        ratings: Iterable[Rating],
        policy: Policy | PolicySnapshot | None = None,
        *,
        at: dt.date | None = None,
    ) -> RatingBook:
        """Record several ratings; all or nothing (the first refusal raises, nothing is kept).

        Raises the errors of [record][community_governance.evaluation.ratings.RatingBook.record].
        """
        snapshot = self._snapshot(policy, at)
        current = dict(self.current)
        columns = dict(self._recorded_units(snapshot))
        events = []
        for rating in ratings:
            units = self._check(rating, snapshot)
            if rating.key in current:
                raise DuplicateRatingError(
                    f"{rating.rater} already rated {rating.ratee} in {self.quarter}; "
                    "a correction replaces it and states a reason",
                    field="rating",
                    rule="E-3",
                    zh=(
                        f"{rating.rater} 在 {self.quarter} 已评价过 {rating.ratee}；"
                        "更正须替换原评分并说明理由"
                    ),
                )
            current[rating.key] = rating
            columns[rating.key] = units
            events.append(RatingEvent(rating))
        ratios, weights = self._ratios_with(snapshot, columns, [e.rating.key for e in events])
        return attrs.evolve(
            self,
            current=current,
            history=(*self.history, *events),
            units=columns,
            scale=snapshot.score_range,
            ratios=ratios,
            weights=weights,
        )

    def self_rating(self, unit_id: str) -> Rating | None:
        """The unit's self-rating, if it made one."""
        return self.current.get((unit_id, unit_id))

    def peer_ratings(self, unit_id: str) -> tuple[Rating, ...]:
        """The other units' ratings of ``unit_id``, by rater id."""
        return tuple(
            sorted(
                (
                    r
                    for (rater, ratee), r in self.current.items()
                    if ratee == unit_id and rater != unit_id
                ),
                key=lambda r: r.rater,
            )
        )


_DIMENSIONS = tuple(Dimension)


def _whose(pair: tuple[str, str] | None) -> tuple[str, str]:
    """How a message names the rating of ``(rater, ratee)``, in English and Chinese."""
    if pair is None:
        return "", ""
    rater, ratee = pair
    return f"{rater}'s rating of {ratee}: ", f"{rater} 对 {ratee} 的评分："


def scaled(score: Decimal, places: int, *, field: str, who: tuple[str, str] | None) -> int:
    """``score`` as an integer in units of ``10**-places`` (E-2).

    ``who`` names the rating, ``(rater, ratee)``, in a refusal.

    Raises:
        ScoreOutOfRangeError: the score has more decimal places than the scale allows.
    """
    shifted = score.scaleb(places)
    if shifted != shifted.to_integral_value():
        en, zh = _whose(who)
        raise ScoreOutOfRangeError(
            f"{en}score {score} has more decimal places than the scale's {places}",
            field=field,
            rule="E-2",
            zh=f"{zh}分数 {score} 的小数位多于量表规定的 {places} 位",
        )
    return int(shifted)


def on_scale(
    score: Decimal, scale: ScoreRange, *, field: str, who: tuple[str, str] | None = None
) -> int:
    """``score`` checked against ``scale`` (range and places), in the scale's smallest unit.

    The one check a score meets when it is recorded, by a rating book or a city's tables.

    Raises:
        ScoreOutOfRangeError: the score is outside the scale or finer than its places.
    """
    if score not in scale:
        low, high = format_fraction(scale.minimum), format_fraction(scale.maximum)
        en, zh = _whose(who)
        raise ScoreOutOfRangeError(
            f"{en}{score} is outside the scale {low}..{high}",
            field=field,
            rule="E-2",
            zh=f"{zh}{score} 超出量表范围 {low}..{high}",
        )
    return scaled(score, scale.places, field=field, who=who)


def score_units(
    scores: Mapping[Dimension, Decimal | None], places: int, rater: str, ratee: str
) -> tuple[int | None, ...]:
    """A rating's scores, dimension by dimension, as integers in units of ``10**-places``.

    Raises:
        ScoreOutOfRangeError: a score has more decimal places than the scale allows.
    """
    return tuple(
        None
        if (score := scores.get(d)) is None
        else scaled(score, places, field=f"scores.{d.code}", who=(rater, ratee))
        for d in _DIMENSIONS
    )
