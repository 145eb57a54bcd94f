"""Documents of the quarterly evaluation: ratings, frames, certificates, surveys, results.

Rules E-1..E-6. One cohesive concept: the inputs and the result of one quarter's
evaluation, which reference each other (a survey holds its certificate, a result its
scorecards), so they share a room.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from community_governance.community import Project, Quarter
from community_governance.evaluation.grading import Award, RectificationOrder
from community_governance.evaluation.quarter import QuarterResult, Scorecard
from community_governance.evaluation.ratings import Rating, RatingBook
from community_governance.evaluation.sampling import SampleCertificate, SamplingFrame
from community_governance.evaluation.scoring import FinalScore
from community_governance.evaluation.survey import Precision, Survey, SurveyResponse
from community_governance.explain import Explanation
from community_governance.numbers import as_score, format_fraction, parse_exact
from community_governance.policy.schema import PolicySnapshot
from community_governance.schemas.base import Document, ExactText, dec, frac, undec, unfrac
from community_governance.schemas.community import CommunityDoc
from community_governance.vocabulary import Component, Dimension, Grade

__all__ = [
    "CertificateDoc",
    "FinalDoc",
    "FrameDoc",
    "OrderDoc",
    "PrecisionDoc",
    "ProjectDoc",
    "QuarterResultDocV1",
    "RatingDoc",
    "RatingEventDoc",
    "RatingsDoc",
    "ResponseDoc",
    "ScorecardDoc",
    "SurveyDoc",
]


class RatingDoc(Document):
    """One rating: dimension code → its score, or null for "unable to rate" (E-2, E-3).

    A score is held as its exact text; ``to_json`` writes it as a JSON number.
    """

    NUMBERS = frozenset({"scores"})

    rater: str
    ratee: str
    kind: Literal["self", "peer"]
    scores: dict[str, ExactText | None]

    @classmethod
    def from_domain(cls, rating: Rating) -> RatingDoc:
        """Export."""
        kind: Literal["self", "peer"] = "self" if rating.kind is Component.SELF else "peer"
        return cls(
            rater=rating.rater,
            ratee=rating.ratee,
            kind=kind,
            scores={d.code: dec(s) for d, s in rating.scores.items()},
        )

    def to_domain(self, quarter: Quarter) -> Rating:
        """Import."""
        return Rating(self.rater, self.ratee, quarter, self.kind, dict(self.scores))


class RatingEventDoc(Document):
    """An entry of a rating book's history."""

    rating: RatingDoc
    replaces: RatingDoc | None = None
    reason: str | None = None


class RatingsDoc(Document):
    """A quarter's ratings, with corrections (E-2, E-3)."""

    document: Literal["ratings"] = "ratings"
    community: CommunityDoc
    quarter: str
    history: list[RatingEventDoc]

    @classmethod
    def from_domain(cls, book: RatingBook) -> RatingsDoc:
        """Export."""
        return cls(
            community=CommunityDoc.from_domain(book.community),
            quarter=str(book.quarter),
            history=[
                RatingEventDoc(
                    rating=RatingDoc.from_domain(e.rating),
                    replaces=RatingDoc.from_domain(e.replaces) if e.replaces else None,
                    reason=e.reason,
                )
                for e in book.history
            ],
        )

    def to_domain(self, policy: PolicySnapshot) -> RatingBook:
        """Import, re-checking every rating against the policy (E-3)."""
        quarter = Quarter.parse(self.quarter)
        book = RatingBook(self.community.to_domain(), quarter)
        # First recordings are recorded in batches (linear); a correction between them is
        # replayed in its place, so the history keeps its order.
        pending: list[Rating] = []
        for event in self.history:
            rating = event.rating.to_domain(quarter)
            if event.replaces is None:
                pending.append(rating)
                continue
            if pending:
                book, pending = book.record_all(pending, policy), []
            book = book.replace(rating, reason=event.reason or "", policy=policy)
        return book.record_all(pending, policy) if pending else book


class FrameDoc(Document):
    """A sampling frame: household ids and optional strata (E-4)."""

    document: Literal["frame"] = "frame"
    households: list[str]
    strata: dict[str, str] = {}

    @classmethod
    def from_domain(cls, frame: SamplingFrame) -> FrameDoc:
        """Export."""
        return cls(households=list(frame.households), strata=dict(frame.strata))

    def to_domain(self) -> SamplingFrame:
        """Import."""
        return SamplingFrame(self.households, dict(self.strata))


class CertificateDoc(Document):
    """A sample certificate (E-4)."""

    document: Literal["certificate"] = "certificate"
    algorithm: str
    version: int
    frame_digest: str
    frame_size: int
    seed: int | str
    seed_source: str
    size: int
    sample: list[str]
    stratified: bool = False
    allocation: dict[str, int] = {}
    tie_break: str | None = None
    replacements: list[tuple[str, str]] = []

    @classmethod
    def from_domain(cls, certificate: SampleCertificate) -> CertificateDoc:
        """Export."""
        c = certificate
        return cls(
            algorithm=c.algorithm,
            version=c.version,
            frame_digest=c.frame_digest,
            frame_size=c.frame_size,
            seed=c.seed,
            seed_source=c.seed_source,
            size=c.size,
            sample=list(c.sample),
            stratified=c.stratified,
            allocation=dict(c.allocation),
            tie_break=c.tie_break,
            replacements=list(c.replacements),
        )

    def to_domain(self) -> SampleCertificate:
        """Import."""
        return SampleCertificate(
            frame_digest=self.frame_digest,
            frame_size=self.frame_size,
            seed=self.seed,
            seed_source=self.seed_source,
            size=self.size,
            sample=tuple(self.sample),
            algorithm=self.algorithm,
            version=self.version,
            stratified=self.stratified,
            allocation=dict(self.allocation),
            tie_break=self.tie_break,
            replacements=tuple(tuple(p) for p in self.replacements),
        )


class ProjectDoc(Document):
    """A project and its responsible units (E-4)."""

    project_id: str
    title: str
    quarter: str
    responsible_units: list[str]


class ResponseDoc(Document):
    """A household's answer about a project (E-4)."""

    household: str
    project: str
    answer: str


class SurveyDoc(Document):
    """A quarter's survey: certificate, projects and responses (E-4)."""

    document: Literal["survey"] = "survey"
    quarter: str
    certificate: CertificateDoc
    projects: list[ProjectDoc]
    responses: list[ResponseDoc]

    @classmethod
    def from_domain(cls, survey: Survey) -> SurveyDoc:
        """Export."""
        return cls(
            quarter=str(survey.quarter),
            certificate=CertificateDoc.from_domain(survey.certificate),
            projects=[
                ProjectDoc(
                    project_id=p.project_id,
                    title=p.title,
                    quarter=str(p.quarter),
                    responsible_units=list(p.responsible_units),
                )
                for p in survey.projects
            ],
            responses=[
                ResponseDoc(household=r.household, project=r.project, answer=r.answer)
                for r in survey.responses
            ],
        )

    def to_domain(self, policy: PolicySnapshot) -> Survey:
        """Import, re-checking every response (E-4)."""
        survey = Survey(
            self.quarter,
            self.certificate.to_domain(),
            [Project(p.project_id, p.title, p.quarter, p.responsible_units) for p in self.projects],
        )
        return survey.respond_all(
            [SurveyResponse(r.household, r.project, r.answer) for r in self.responses], policy
        )


class PrecisionDoc(Document):
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
    def from_domain(cls, p: Precision) -> PrecisionDoc:
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


class FinalDoc(Document):
    """A final score (E-5)."""

    exact: str
    reported: str
    components: dict[str, str | None]
    weights: dict[str, str]
    reweighted: bool


class ScorecardDoc(Document):
    """One unit's quarter (E-1..E-6)."""

    unit_id: str
    self_dimensions: dict[str, str | None]
    peer_dimensions: dict[str, str | None]
    peer_count: int
    response_count: int
    final: FinalDoc
    grade: str
    rank: int
    explanation: dict[str, Any]
    survey_precision: PrecisionDoc | None = None

    @classmethod
    def from_domain(cls, c: Scorecard) -> ScorecardDoc:
        """Export."""
        return cls(
            unit_id=c.unit_id,
            self_dimensions={d.code: dec(v) for d, v in c.self_dimensions.items()},
            peer_dimensions={d.code: frac(v) for d, v in c.peer_dimensions.items()},
            peer_count=c.peer_count,
            response_count=c.response_count,
            final=FinalDoc(
                exact=format_fraction(c.final.exact),
                reported=str(c.final.reported),
                components={k.code: frac(v) for k, v in c.final.components.items()},
                weights={k.code: format_fraction(v) for k, v in c.final.weights.items()},
                reweighted=c.final.reweighted,
            ),
            grade=c.grade.code,
            rank=c.rank,
            explanation=c.explanation.to_dict(),
            survey_precision=PrecisionDoc.from_domain(c.survey_precision)
            if c.survey_precision
            else None,
        )

    def to_domain(self) -> Scorecard:
        """Import."""
        explanation = Explanation.from_dict(self.explanation)
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


class OrderDoc(Document):
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
    scorecards: list[ScorecardDoc]
    awards: list[OrderDoc]
    rectification_orders: list[OrderDoc]
    survey_precision: PrecisionDoc | None = None

    @classmethod
    def from_domain(cls, r: QuarterResult) -> QuarterResultDocV1:
        """Export."""
        return cls(
            community_id=r.community_id,
            quarter=str(r.quarter),
            evaluated_on=r.evaluated_on,
            policy_id=r.policy_id,
            scorecards=[ScorecardDoc.from_domain(c) for c in r.scorecards],
            awards=[
                OrderDoc(unit_id=a.unit_id, grade=a.grade.code, score=str(a.score))
                for a in r.awards
            ],
            rectification_orders=[
                OrderDoc(
                    unit_id=o.unit_id,
                    grade=o.grade.code,
                    score=str(o.score),
                    weakest=list(o.weakest),
                )
                for o in r.rectification_orders
            ],
            survey_precision=PrecisionDoc.from_domain(r.survey_precision)
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
