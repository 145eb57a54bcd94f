"""The quarter-result document, format 2: real JSON numbers, exact values as num/den (E-1..E-6).

A result is read by people (the announcement's download, a spreadsheet's import) and by
programs (``explain``, ``announce``, ``case open``, ``ledger append``). Format 2 gives
both what they need, in one shape:

* every reported number is a JSON number to the policy's places (``"reported": 92.93``),
  never text and never an exponent;
* every exact value is an object ``{"reported": 92.93, "num": 153341, "den": 1650}``: the
  fraction in lowest terms as two JSON integers, and its value to the policy's places;
* the survey's standard error, margin and interval are reported to the policy's places;
  on reading they are computed again from the exact mean and variance, as the evaluation
  computes them, so nothing of their 40 digits is lost.

Format 1 files (exact values as text, ``"exact": "153341/1650"``) are still read, and the
ledger's ``quarter.evaluated`` records keep format 1, as their record form says.

Whatever the format, a result is checked as it is read: every rank is a place among the
units, a final's weights sum to one, its exact value is the weighted sum of its components,
its reported value is that value rounded to its places, and an award or an order names a
unit of the result with its reported score. A result edited by hand cannot say one thing
and explain another.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

from pydantic import SerializerFunctionWrapHandler, field_validator, model_serializer

from community_governance.community import Quarter
from community_governance.errors import ParseError
from community_governance.evaluation.fieldwork import SurveyReturn
from community_governance.evaluation.quarter import QuarterResult, Scorecard
from community_governance.evaluation.scoring import Award, FinalScore, RectificationOrder
from community_governance.evaluation.survey import Precision
from community_governance.schemas.base import (
    Document,
    ExactDoc,
    Number,
    places_of,
    rounds_to,
    shown,
)
from community_governance.schemas.explanation import explanation_dict, read_explanation
from community_governance.vocabulary import Component, Dimension, Grade

__all__ = ["QuarterResultDoc", "check_result"]

#: The places a result without any reported score is shown to (the shipped policy's).
DEFAULT_PLACES = 2


def _exact(value: Fraction | None, places: int) -> ExactDoc | None:
    return None if value is None else ExactDoc.of(value, places)


def _value(doc: ExactDoc | None) -> Fraction | None:
    return None if doc is None else doc.value


class PrecisionDoc(Document):
    """Survey precision (E-4): exact mean and variance; the interval reported."""

    n: int
    population: int
    mean: ExactDoc
    z: ExactDoc
    variance: ExactDoc | None
    standard_error: Number | None
    margin: Number | None
    low: Number | None
    high: Number | None

    @classmethod
    def from_domain(cls, p: Precision, places: int) -> PrecisionDoc:
        """Export."""

        def to_places(value: Decimal | None) -> Decimal | None:
            return None if value is None else shown(Fraction(value), places)

        return cls(
            n=p.n,
            population=p.population,
            mean=ExactDoc.of(p.mean, places),
            z=ExactDoc.of(p.z, places),
            variance=_exact(p.variance, places),
            standard_error=to_places(p.standard_error),
            margin=to_places(p.margin),
            low=to_places(p.low),
            high=to_places(p.high),
        )

    def to_domain(self, where: str) -> Precision:
        """Import: the interval computed again from the exact values, and compared."""
        if not 1 <= self.n <= self.population:
            raise ParseError(
                f"{self.n} answers from {self.population} households",
                field=f"{where}.n",
                rule="E-4",
                zh=f"{self.population} 户给出了 {self.n} 份答卷",
            )
        variance = _value(self.variance)
        if (variance is None) != (self.n < 2) or (variance is not None and variance < 0):  # noqa: PLR2004
            raise ParseError(
                "a variance needs two answers or more, and is never negative",
                field=f"{where}.variance",
                rule="E-4",
                zh="方差至少需要两份答卷，且不能为负数",
            )
        again = Precision.of(self.n, self.population, self.mean.value, self.z.value, variance)
        for name in ("standard_error", "margin", "low", "high"):
            written, computed = getattr(self, name), getattr(again, name)
            if (written is None) != (computed is None) or (
                written is not None and not rounds_to(Fraction(computed), written)
            ):
                raise ParseError(
                    f"{written} is not what the exact mean and variance give",
                    field=f"{where}.{name}",
                    rule="E-4",
                    zh=f"{written} 不是精确均值与方差所得的值",
                )
        return again


class FinalDoc(Document):
    """A final score (E-5): reported, exact, and the exact parts it is made of."""

    reported: Number
    exact: ExactDoc
    components: dict[str, ExactDoc | None]
    weights: dict[str, ExactDoc]
    reweighted: bool


class ScorecardDoc(Document):
    """One unit's quarter (E-1..E-6)."""

    unit_id: str
    self_dimensions: dict[str, Number | None]
    peer_dimensions: dict[str, ExactDoc | None]
    peer_count: int
    response_count: int
    final: FinalDoc
    grade: str
    rank: int
    explanation: dict[str, Any]
    survey_precision: PrecisionDoc | None = None

    @classmethod
    def from_domain(cls, c: Scorecard, places: int) -> ScorecardDoc:
        """Export."""
        return cls(
            unit_id=c.unit_id,
            self_dimensions={d.code: v for d, v in c.self_dimensions.items()},
            peer_dimensions={d.code: _exact(v, places) for d, v in c.peer_dimensions.items()},
            peer_count=c.peer_count,
            response_count=c.response_count,
            final=FinalDoc(
                reported=c.final.reported,
                exact=ExactDoc.of(c.final.exact, places),
                components={k.code: _exact(v, places) for k, v in c.final.components.items()},
                weights={k.code: ExactDoc.of(v, places) for k, v in c.final.weights.items()},
                reweighted=c.final.reweighted,
            ),
            grade=c.grade.code,
            rank=c.rank,
            explanation=explanation_dict(c.explanation),
            survey_precision=PrecisionDoc.from_domain(c.survey_precision, places)
            if c.survey_precision
            else None,
        )

    def to_domain(self, where: str) -> Scorecard:
        """Import."""
        explanation = read_explanation(self.explanation)
        final = FinalScore(
            exact=self.final.exact.value,
            reported=self.final.reported,
            components={
                Component.from_label(k): _value(v) for k, v in self.final.components.items()
            },
            weights={Component.from_label(k): v.value for k, v in self.final.weights.items()},
            reweighted=self.final.reweighted,
            explanation=explanation,
        )
        return Scorecard(
            unit_id=self.unit_id,
            self_dimensions={Dimension.from_label(k): v for k, v in self.self_dimensions.items()},
            peer_dimensions={
                Dimension.from_label(k): _value(v) for k, v in self.peer_dimensions.items()
            },
            peer_count=self.peer_count,
            response_count=self.response_count,
            final=final,
            grade=Grade.from_label(self.grade),
            rank=self.rank,
            explanation=explanation,
            survey_precision=self.survey_precision.to_domain(f"{where}.survey_precision")
            if self.survey_precision
            else None,
        )


class OrderDoc(Document):
    """An award or a rectification order (E-6), with the unit's reported score."""

    unit_id: str
    grade: str
    reported: Number
    weakest: list[str] = []


class QuarterResultDoc(Document):
    """A quarter's evaluation result, format 2 (E-1..E-6); format 1 is read too."""

    document: Literal["quarter-result"] = "quarter-result"
    format: Literal[2] = 2
    community_id: str
    quarter: str
    evaluated_on: dt.date
    policy_id: str
    places: int
    scorecards: list[ScorecardDoc]
    awards: list[OrderDoc]
    rectification_orders: list[OrderDoc]
    survey_precision: PrecisionDoc | None = None
    #: How the sampled households answered (E-4, ``SurveyReturn.to_document``), where the
    #: result was computed with the survey's answers at hand; absent, not null, otherwise.
    response: dict[str, Any] | None = None

    @field_validator("response")
    @classmethod
    def _a_response(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is not None:
            SurveyReturn.from_document(value)
        return value

    @model_serializer(mode="wrap")
    def _without_absent_response(self, handler: SerializerFunctionWrapHandler) -> Any:
        # Results computed without the answers at hand read as they always have.
        data = handler(self)
        if isinstance(data, dict) and data.get("response", 0) is None:
            del data["response"]
        return data

    def json_data(self) -> dict[str, Any]:
        """As ``Document.json_data``, without the response when there is none."""
        data = super().json_data()
        if data["response"] is None:
            del data["response"]
        return data

    def survey_response(self) -> SurveyReturn | None:
        """The response the document carries, as the domain's object, if any."""
        return None if self.response is None else SurveyReturn.from_document(self.response)

    @classmethod
    def from_domain(
        cls, r: QuarterResult, places: int | None = None, response: SurveyReturn | None = None
    ) -> QuarterResultDoc:
        """Export, numbers to ``places`` (default: the places the final scores have).

        ``response`` (``evaluation.fieldwork.survey_return``) goes with the result when the
        survey's answers are at hand.
        """
        if places is None:
            reported = [c.final.reported for c in r.scorecards]
            places = places_of(reported[0]) if reported else DEFAULT_PLACES
        return cls(
            community_id=r.community_id,
            quarter=str(r.quarter),
            evaluated_on=r.evaluated_on,
            policy_id=r.policy_id,
            places=places,
            scorecards=[ScorecardDoc.from_domain(c, places) for c in r.scorecards],
            awards=[
                OrderDoc(unit_id=a.unit_id, grade=a.grade.code, reported=a.score) for a in r.awards
            ],
            rectification_orders=[
                OrderDoc(
                    unit_id=o.unit_id, grade=o.grade.code, reported=o.score, weakest=list(o.weakest)
                )
                for o in r.rectification_orders
            ],
            survey_precision=PrecisionDoc.from_domain(r.survey_precision, places)
            if r.survey_precision
            else None,
            response=None if response is None else response.to_document(),
        )

    def to_domain(self) -> QuarterResult:
        """Import, checking that the result is consistent (see the module's description)."""
        quarter = Quarter.parse(self.quarter)
        result = QuarterResult(
            community_id=self.community_id,
            quarter=quarter,
            evaluated_on=self.evaluated_on,
            policy_id=self.policy_id,
            scorecards=tuple(
                c.to_domain(f"scorecards[{i}]") for i, c in enumerate(self.scorecards)
            ),
            awards=tuple(
                Award(a.unit_id, quarter, Grade.from_label(a.grade), a.reported)
                for a in self.awards
            ),
            rectification_orders=tuple(
                RectificationOrder(
                    o.unit_id, quarter, Grade.from_label(o.grade), o.reported, tuple(o.weakest)
                )
                for o in self.rectification_orders
            ),
            survey_precision=self.survey_precision.to_domain("survey_precision")
            if self.survey_precision
            else None,
        )
        check_result(result)
        return result

    def check(self) -> None:
        """Refuse a result that contradicts itself (see the module's description)."""
        self.to_domain()


def check_result(result: QuarterResult) -> None:
    """Refuse a result that says one thing and explains another (E-5, E-6).

    Raises:
        ParseError: naming the scorecard's field and the rule.
    """
    units = len(result.scorecards)
    reported: dict[str, Decimal] = {}
    for i, card in enumerate(result.scorecards):
        where = f"scorecards[{i}]"
        if not 1 <= card.rank <= units:
            raise ParseError(
                f"rank {card.rank} is not a place among {units} units",
                field=f"{where}.rank",
                rule="E-6",
                zh=f"名次 {card.rank} 不在 {units} 个单位的名次之内",
            )
        _check_final(card.final, f"{where}.final")
        reported[card.unit_id] = card.final.reported
    orders: list[tuple[str, Award | RectificationOrder]] = [
        *((f"awards[{k}]", a) for k, a in enumerate(result.awards)),
        *((f"rectification_orders[{k}]", o) for k, o in enumerate(result.rectification_orders)),
    ]
    for where, order in orders:
        if reported.get(order.unit_id) != order.score:
            raise ParseError(
                f"{order.unit_id!r} with {order.score} is not a scored unit of this result",
                field=where,
                rule="E-6",
                zh=f"{order.unit_id!r}（{order.score}）不是此结果中计分的单位",
            )


def _check_final(final: FinalScore, where: str) -> None:
    weights: Mapping[Component, Fraction] = final.weights
    if any(w < 0 for w in weights.values()) or sum(weights.values()) != 1:
        raise ParseError(
            "the weights must be non-negative and sum to exactly 1",
            field=f"{where}.weights",
            rule="E-5",
            zh="权重须为非负数且之和恰好为 1",
        )
    weighted = sum(
        (weights[c] * v for c, v in final.components.items() if v is not None and c in weights),
        Fraction(0),
    )
    if weighted != final.exact:
        raise ParseError(
            f"the exact score is not the weighted sum of its components ({weighted})",
            field=f"{where}.exact",
            rule="E-5",
            zh=f"精确成绩不是各分项的加权和（{weighted}）",
        )
    if not rounds_to(final.exact, final.reported):
        raise ParseError(
            f"{final.reported} is not the exact score rounded",
            field=f"{where}.reported",
            rule="E-5",
            zh=f"{final.reported} 不是精确成绩的舍入值",
        )
