"""The quarter result's first format, read from earlier files and kept by the ledger (E-1..E-6).

The current quarter-result document is format 2 (``schemas.results``). Format 1, here, is
read from files written before it (``load_document`` gives them in the current format), and
it is still the form of the ledger's ``quarter.evaluated`` records: every recorded record's
hash, and the standard-library verifier's replay, depend on those bytes, so new records
keep format 1 and a record never changes its form.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from community_governance.community import Quarter
from community_governance.evaluation.quarter import QuarterResult, Scorecard
from community_governance.evaluation.scoring import Award, FinalScore, RectificationOrder
from community_governance.evaluation.survey import Precision
from community_governance.numbers import as_score, format_fraction, parse_exact
from community_governance.schemas.base import Document, dec, frac, undec, unfrac
from community_governance.schemas.explanation import explanation_dict, read_explanation
from community_governance.vocabulary import Component, Dimension, Grade

__all__ = ["FinalDocV1", "OrderDocV1", "PrecisionDocV1", "QuarterResultDocV1", "ScorecardDocV1"]


class PrecisionDocV1(Document):
    """Survey precision (E-4)."""

    n: int
    population: int
    mean: str
    z: str
    variance: str | None
    standard_error: str | None
    margin: str | None
    low: str | None
    high: str | None

    @classmethod
    def from_domain(cls, p: Precision) -> PrecisionDocV1:
        """Export."""
        return cls(
            n=p.n,
            population=p.population,
            mean=format_fraction(p.mean),
            z=format_fraction(p.z),
            variance=frac(p.variance),
            standard_error=dec(p.standard_error),
            margin=dec(p.margin),
            low=dec(p.low),
            high=dec(p.high),
        )

    def to_domain(self) -> Precision:
        """Import."""
        return Precision(
            self.n,
            self.population,
            parse_exact(self.mean),
            parse_exact(self.z),
            unfrac(self.variance),
            undec(self.standard_error),
            undec(self.margin),
            undec(self.low),
            undec(self.high),
        )


class FinalDocV1(Document):
    """A final score (E-5)."""

    exact: str
    reported: str
    components: dict[str, str | None]
    weights: dict[str, str]
    reweighted: bool


class ScorecardDocV1(Document):
    """One unit's quarter (E-1..E-6)."""

    unit_id: str
    self_dimensions: dict[str, str | None]
    peer_dimensions: dict[str, str | None]
    peer_count: int
    response_count: int
    final: FinalDocV1
    grade: str
    rank: int
    explanation: dict[str, Any]
    survey_precision: PrecisionDocV1 | None = None

    @classmethod
    def from_domain(cls, c: Scorecard) -> ScorecardDocV1:
        """Export."""
        return cls(
            unit_id=c.unit_id,
            self_dimensions={d.code: dec(v) for d, v in c.self_dimensions.items()},
            peer_dimensions={d.code: frac(v) for d, v in c.peer_dimensions.items()},
            peer_count=c.peer_count,
            response_count=c.response_count,
            final=FinalDocV1(
                exact=format_fraction(c.final.exact),
                reported=str(c.final.reported),
                components={k.code: frac(v) for k, v in c.final.components.items()},
                weights={k.code: format_fraction(v) for k, v in c.final.weights.items()},
                reweighted=c.final.reweighted,
            ),
            grade=c.grade.code,
            rank=c.rank,
            explanation=explanation_dict(c.explanation),
            survey_precision=PrecisionDocV1.from_domain(c.survey_precision)
            if c.survey_precision
            else None,
        )

    def to_domain(self) -> Scorecard:
        """Import."""
        explanation = read_explanation(self.explanation)
        final = FinalScore(
            exact=parse_exact(self.final.exact),
            reported=as_score(self.final.reported, field="final.reported", rule="E-5"),
            components={
                Component.from_label(k): unfrac(v) for k, v in self.final.components.items()
            },
            weights={
                Component.from_label(k): parse_exact(v) for k, v in self.final.weights.items()
            },
            reweighted=self.final.reweighted,
            explanation=explanation,
        )
        return Scorecard(
            unit_id=self.unit_id,
            self_dimensions={
                Dimension.from_label(k): undec(v) for k, v in self.self_dimensions.items()
            },
            peer_dimensions={
                Dimension.from_label(k): unfrac(v) for k, v in self.peer_dimensions.items()
            },
            peer_count=self.peer_count,
            response_count=self.response_count,
            final=final,
            grade=Grade.from_label(self.grade),
            rank=self.rank,
            explanation=explanation,
            survey_precision=self.survey_precision.to_domain() if self.survey_precision else None,
        )


class OrderDocV1(Document):
    """An award or a rectification order (E-6)."""

    unit_id: str
    grade: str
    score: str
    weakest: list[str] = []


class QuarterResultDocV1(Document):
    """A quarter's evaluation result in format 1, exact values as text (E-1..E-6).

    Written into the ledger's ``quarter.evaluated`` records, as their record form says;
    files in this format are read as format 2 (``schemas.results.QuarterResultDoc``).
    """

    document: Literal["quarter-result"] = "quarter-result"
    community_id: str
    quarter: str
    evaluated_on: dt.date
    policy_id: str
    scorecards: list[ScorecardDocV1]
    awards: list[OrderDocV1]
    rectification_orders: list[OrderDocV1]
    survey_precision: PrecisionDocV1 | None = None

    @classmethod
    def from_domain(cls, r: QuarterResult) -> QuarterResultDocV1:
        """Export."""
        return cls(
            community_id=r.community_id,
            quarter=str(r.quarter),
            evaluated_on=r.evaluated_on,
            policy_id=r.policy_id,
            scorecards=[ScorecardDocV1.from_domain(c) for c in r.scorecards],
            awards=[
                OrderDocV1(unit_id=a.unit_id, grade=a.grade.code, score=str(a.score))
                for a in r.awards
            ],
            rectification_orders=[
                OrderDocV1(
                    unit_id=o.unit_id,
                    grade=o.grade.code,
                    score=str(o.score),
                    weakest=list(o.weakest),
                )
                for o in r.rectification_orders
            ],
            survey_precision=PrecisionDocV1.from_domain(r.survey_precision)
            if r.survey_precision
            else None,
        )

    def to_domain(self) -> QuarterResult:
        """Import."""
        quarter = Quarter.parse(self.quarter)
        result = QuarterResult(
            community_id=self.community_id,
            quarter=quarter,
            evaluated_on=self.evaluated_on,
            policy_id=self.policy_id,
            scorecards=tuple(c.to_domain() for c in self.scorecards),
            awards=tuple(
                Award(
                    a.unit_id,
                    quarter,
                    Grade.from_label(a.grade),
                    as_score(a.score, field="awards.score", rule="E-6"),
                )
                for a in self.awards
            ),
            rectification_orders=tuple(
                RectificationOrder(
                    o.unit_id,
                    quarter,
                    Grade.from_label(o.grade),
                    as_score(o.score, field="rectification_orders.score", rule="E-6"),
                    tuple(o.weakest),
                )
                for o in self.rectification_orders
            ),
            survey_precision=self.survey_precision.to_domain() if self.survey_precision else None,
        )
        from community_governance.schemas.results import check_result  # noqa: PLC0415

        check_result(result)
        return result
