"""Documents of a quarter's evaluation inputs: ratings, frames, certificates, surveys (E-1..E-4).

A survey holds its certificate, so they are read together; the result's document is
``schemas.results`` (its first format, ``schemas.legacy``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import SerializerFunctionWrapHandler, field_validator, model_serializer

from community_governance.community import Project, Quarter
from community_governance.evaluation.commitment import FrameCommitment
from community_governance.evaluation.ratings import Rating, RatingBook
from community_governance.evaluation.sampling import SampleCertificate, SamplingFrame
from community_governance.evaluation.survey import Survey, SurveyResponse
from community_governance.policy.schema import PolicySnapshot
from community_governance.schemas.base import Document, ExactText, dec
from community_governance.schemas.community import CommunityDoc
from community_governance.vocabulary import Component

__all__ = [
    "CertificateDoc",
    "FrameDoc",
    "ProjectDoc",
    "RatingDoc",
    "RatingEventDoc",
    "RatingsDoc",
    "ResponseDoc",
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
    #: The frame's commitment, recorded before the seed was known (E-4), if there was one:
    #: ``FrameCommitment.to_document``. Absent, not null, in a certificate without one.
    commitment: dict[str, Any] | None = None

    @field_validator("commitment")
    @classmethod
    def _a_commitment(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is not None:
            FrameCommitment.from_document(value)
        return value

    @model_serializer(mode="wrap")
    def _without_absent_commitment(self, handler: SerializerFunctionWrapHandler) -> Any:
        # Certificates drawn without a commitment read, and hash in the ledger, as before.
        data = handler(self)
        if isinstance(data, dict) and data.get("commitment", 0) is None:
            del data["commitment"]
        return data

    def json_data(self) -> dict[str, Any]:
        """As ``Document.json_data``, without the commitment when there is none."""
        data = super().json_data()
        if data["commitment"] is None:
            del data["commitment"]
        return data

    def frame_commitment(self) -> FrameCommitment | None:
        """The commitment the certificate carries, as the domain's object, if any."""
        return None if self.commitment is None else FrameCommitment.from_document(self.commitment)

    @classmethod
    def from_domain(
        cls, certificate: SampleCertificate, commitment: FrameCommitment | None = None
    ) -> CertificateDoc:
        """Export, with the frame's commitment if the draw had one."""
        c = certificate
        return cls(
            commitment=None if commitment is None else commitment.to_document(),
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
    def from_domain(cls, survey: Survey, commitment: FrameCommitment | None = None) -> SurveyDoc:
        """Export, with the frame's commitment in the certificate if the draw had one."""
        return cls(
            quarter=str(survey.quarter),
            certificate=CertificateDoc.from_domain(survey.certificate, commitment),
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
