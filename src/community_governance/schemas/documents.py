"""The document models (pydantic v2): one per exchanged document, with domain conversions.

Rules: C-3 (meetings), E-1..E-6 (ratings, frames, certificates, surveys,
results), E-6 and R-1..R-3 (cases). Every model forbids unknown fields and is
strict, so a float where exact text belongs is refused; exact numbers are
written as text and read back exactly.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar, Literal

import attrs
from pydantic import BaseModel, ConfigDict, ValidationError

from community_governance.community import Community, MemberUnit, Project, Quarter, Representative
from community_governance.consultation.meeting import Meeting, Proposal
from community_governance.errors import ParseError
from community_governance.evaluation.grading import Award, RectificationOrder
from community_governance.evaluation.quarter import QuarterResult, Scorecard
from community_governance.evaluation.ratings import Rating, RatingBook
from community_governance.evaluation.sampling import SampleCertificate, SamplingFrame
from community_governance.evaluation.scoring import FinalScore
from community_governance.evaluation.survey import Precision, Survey, SurveyResponse
from community_governance.explain import Explanation
from community_governance.numbers import format_fraction, parse_exact
from community_governance.policy.model import Policy, policy_from_document
from community_governance.policy.schema import PolicySnapshot
from community_governance.rectification import case as cases
from community_governance.vocabulary import Component, DayCount, Dimension, Grade, SupervisionLevel

__all__ = [
    "DOCUMENTS",
    "CaseDoc",
    "CertificateDoc",
    "CommunityDoc",
    "FrameDoc",
    "MeetingDoc",
    "PolicyDoc",
    "QuarterResultDoc",
    "RatingsDoc",
    "SurveyDoc",
    "json_schema",
    "load_document",
]


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _frac(value: Fraction | None) -> str | None:
    return None if value is None else format_fraction(value)


def _unfrac(text: str | None) -> Fraction | None:
    return None if text is None else parse_exact(text)


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _undec(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


# -- community ---------------------------------------------------------------------------------


class UnitDoc(_Doc):
    """A member unit."""

    unit_id: str
    name: str
    kind: str
    responsibilities: list[str] = []
    business_lines: list[str] = []
    compounds: list[str] = []


class CommunityDoc(_Doc):
    """A community and its member units (E-1)."""

    document: Literal["community"] = "community"
    community_id: str
    name: str
    household_count: int = 0
    units: list[UnitDoc]

    @classmethod
    def from_domain(cls, community: Community) -> CommunityDoc:
        """Export."""
        return cls(
            community_id=community.community_id,
            name=community.name,
            household_count=community.household_count,
            units=[
                UnitDoc(
                    unit_id=u.unit_id,
                    name=u.name,
                    kind=u.kind.code,
                    responsibilities=list(u.responsibilities),
                    business_lines=list(u.business_lines),
                    compounds=list(u.compounds),
                )
                for u in community.units
            ],
        )

    def to_domain(self) -> Community:
        """Import."""
        return Community(
            self.community_id,
            self.name,
            [
                MemberUnit(
                    u.unit_id, u.name, u.kind, u.responsibilities, u.business_lines, u.compounds
                )
                for u in self.units
            ],
            household_count=self.household_count,
        )


# -- ratings -----------------------------------------------------------------------------------


class RatingDoc(_Doc):
    """One rating: dimension code → decimal text, or null for "unable to rate" (E-2, E-3)."""

    rater: str
    ratee: str
    kind: Literal["self", "peer"]
    scores: dict[str, str | None]

    @classmethod
    def from_domain(cls, rating: Rating) -> RatingDoc:
        """Export."""
        kind: Literal["self", "peer"] = "self" if rating.kind is Component.SELF else "peer"
        return cls(
            rater=rating.rater,
            ratee=rating.ratee,
            kind=kind,
            scores={d.code: _dec(s) for d, s in rating.scores.items()},
        )

    def to_domain(self, quarter: Quarter) -> Rating:
        """Import."""
        return Rating(self.rater, self.ratee, quarter, self.kind, dict(self.scores))


class RatingEventDoc(_Doc):
    """An entry of a rating book's history."""

    rating: RatingDoc
    replaces: RatingDoc | None = None
    reason: str | None = None


class RatingsDoc(_Doc):
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
        for event in self.history:
            rating = event.rating.to_domain(quarter)
            if event.replaces is None:
                book = book.record(rating, policy)
            else:
                book = book.replace(rating, reason=event.reason or "", policy=policy)
        return book


# -- sampling and survey -----------------------------------------------------------------------


class FrameDoc(_Doc):
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


class CertificateDoc(_Doc):
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


class ProjectDoc(_Doc):
    """A project and its responsible units (E-4)."""

    project_id: str
    title: str
    quarter: str
    responsible_units: list[str]


class ResponseDoc(_Doc):
    """A household's answer about a project (E-4)."""

    household: str
    project: str
    answer: str


class SurveyDoc(_Doc):
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


# -- meeting -----------------------------------------------------------------------------------


class RepresentativeDoc(_Doc):
    """A representative, by opaque id."""

    person_id: str
    unit_id: str | None = None
    roles: list[str] = []


class ProposalDoc(_Doc):
    """A proposal on the agenda (C-3)."""

    proposal_id: str
    title: str
    work: str
    concern_ids: list[str] = []
    compounds: list[str] = []
    need: str | None = None


class BallotDoc(_Doc):
    """A ballot, in the order cast (C-3)."""

    person_id: str
    proposal_id: str
    choice: Literal["agree", "disagree", "abstain"]
    change: bool = False


class MeetingDoc(_Doc):
    """A deliberation meeting with its electorate, agenda, attendance and ballots (C-3)."""

    document: Literal["meeting"] = "meeting"
    meeting_id: str
    held_on: dt.date
    electorate: list[RepresentativeDoc]
    agenda: list[ProposalDoc]
    present: list[str] = []
    ballots: list[BallotDoc] = []
    closed: bool = False

    @classmethod
    def from_domain(cls, meeting: Meeting) -> MeetingDoc:
        """Export."""
        return cls(
            meeting_id=meeting.meeting_id,
            held_on=meeting.held_on,
            electorate=[
                RepresentativeDoc(
                    person_id=p.person_id, unit_id=p.unit_id, roles=sorted(r.code for r in p.roles)
                )
                for p in meeting.electorate
            ],
            agenda=[
                ProposalDoc(
                    proposal_id=p.proposal_id,
                    title=p.title,
                    work=p.work.code,
                    concern_ids=list(p.concern_ids),
                    compounds=list(p.compounds),
                    need=p.need,
                )
                for p in meeting.agenda
            ],
            present=sorted(meeting.present),
            ballots=[
                BallotDoc(
                    person_id=b.person_id,
                    proposal_id=b.proposal_id,
                    choice=b.choice.code,  # type: ignore[arg-type]
                    change=b.change,
                )
                for b in meeting.ballots
            ],
            closed=meeting.closed,
        )

    def to_domain(self, policy: PolicySnapshot) -> Meeting:
        """Import by replaying the roll call and ballots, so every rule is checked again (C-3)."""
        meeting = Meeting.open(
            self.meeting_id,
            self.held_on,
            [Representative(p.person_id, p.unit_id, p.roles) for p in self.electorate],
            [
                Proposal(p.proposal_id, p.title, p.work, p.concern_ids, p.compounds, p.need)
                for p in self.agenda
            ],
            policy,
        )
        for person in self.present:
            meeting = meeting.roll_call(person)
        for ballot in self.ballots:
            step = meeting.change_vote if ballot.change else meeting.vote
            meeting = step(ballot.person_id, ballot.proposal_id, ballot.choice)
        return attrs.evolve(meeting, closed=self.closed)


# -- quarter result ----------------------------------------------------------------------------


class PrecisionDoc(_Doc):
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
            variance=_frac(p.variance),
            standard_error=_dec(p.standard_error),
            margin=_dec(p.margin),
            low=_dec(p.low),
            high=_dec(p.high),
        )

    def to_domain(self) -> Precision:
        """Import."""
        return Precision(
            self.n,
            self.population,
            parse_exact(self.mean),
            parse_exact(self.z),
            _unfrac(self.variance),
            _undec(self.standard_error),
            _undec(self.margin),
            _undec(self.low),
            _undec(self.high),
        )


class FinalDoc(_Doc):
    """A final score (E-5)."""

    exact: str
    reported: str
    components: dict[str, str | None]
    weights: dict[str, str]
    reweighted: bool


class ScorecardDoc(_Doc):
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
            self_dimensions={d.code: _dec(v) for d, v in c.self_dimensions.items()},
            peer_dimensions={d.code: _frac(v) for d, v in c.peer_dimensions.items()},
            peer_count=c.peer_count,
            response_count=c.response_count,
            final=FinalDoc(
                exact=format_fraction(c.final.exact),
                reported=str(c.final.reported),
                components={k.code: _frac(v) for k, v in c.final.components.items()},
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
            reported=Decimal(self.final.reported),
            components={
                Component.from_label(k): _unfrac(v) for k, v in self.final.components.items()
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
                Dimension.from_label(k): _undec(v) for k, v in self.self_dimensions.items()
            },
            peer_dimensions={
                Dimension.from_label(k): _unfrac(v) for k, v in self.peer_dimensions.items()
            },
            peer_count=self.peer_count,
            response_count=self.response_count,
            final=final,
            grade=Grade.from_label(self.grade),
            rank=self.rank,
            explanation=explanation,
            survey_precision=self.survey_precision.to_domain() if self.survey_precision else None,
        )


class OrderDoc(_Doc):
    """An award or a rectification order (E-6)."""

    unit_id: str
    grade: str
    score: str
    weakest: list[str] = []


class QuarterResultDoc(_Doc):
    """A quarter's evaluation result (E-1..E-6)."""

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
    def from_domain(cls, r: QuarterResult) -> QuarterResultDoc:
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
        return QuarterResult(
            community_id=self.community_id,
            quarter=quarter,
            evaluated_on=self.evaluated_on,
            policy_id=self.policy_id,
            scorecards=tuple(c.to_domain() for c in self.scorecards),
            awards=tuple(
                Award(a.unit_id, quarter, Grade.from_label(a.grade), Decimal(a.score))
                for a in self.awards
            ),
            rectification_orders=tuple(
                RectificationOrder(
                    o.unit_id,
                    quarter,
                    Grade.from_label(o.grade),
                    Decimal(o.score),
                    tuple(o.weakest),
                )
                for o in self.rectification_orders
            ),
            survey_precision=self.survey_precision.to_domain() if self.survey_precision else None,
        )


# -- rectification case ------------------------------------------------------------------------

_EVENTS: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        cases.StartRectifying,
        cases.Submit,
        cases.SignOff,
        cases.Return,
        cases.Verify,
        cases.MarkOverdue,
        cases.Escalate,
        cases.Extend,
        cases.Supervise,
        cases.PeerNote,
        cases.CorrectionDemand,
        cases.AnswerDemand,
    )
}


def _event_fields(event: object) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key, value in attrs.asdict(event, recurse=False).items():  # type: ignore[arg-type]
        fields[key] = value.code if hasattr(value, "code") else value
    return fields


class EntryDoc(_Doc):
    """One step of a case's history: its date, event type and fields."""

    at: dt.date
    event: str
    fields: dict[str, str | int]
    state: str


class CaseDoc(_Doc):
    """A rectification case with its whole history (E-6, R-2, R-3)."""

    document: Literal["case"] = "case"
    case_id: str
    unit_id: str
    quarter: str
    issued_on: dt.date
    original_deadline: dt.date
    day_count: str
    required_levels: list[str]
    member_units: list[str]
    history: list[EntryDoc] = []

    EVENT_TYPES: ClassVar[tuple[str, ...]] = tuple(_EVENTS)

    @classmethod
    def from_domain(cls, case: cases.RectificationCase) -> CaseDoc:
        """Export."""
        return cls(
            case_id=case.case_id,
            unit_id=case.unit_id,
            quarter=str(case.quarter),
            issued_on=case.issued_on,
            original_deadline=case.original_deadline,
            day_count=case.day_count.code,
            required_levels=[lv.code for lv in case.required_levels],
            member_units=sorted(case.member_units),
            history=[
                EntryDoc(
                    at=e.at,
                    event=type(e.event).__name__,
                    fields=_event_fields(e.event),
                    state=e.state.code,
                )
                for e in case.history
            ],
        )

    def to_domain(self) -> cases.RectificationCase:
        """Import by replaying the history through the transition table (R-2)."""
        case = cases.RectificationCase(
            self.case_id,
            self.unit_id,
            Quarter.parse(self.quarter),
            self.issued_on,
            self.original_deadline,
            DayCount.from_label(self.day_count),
            tuple(SupervisionLevel.from_label(c) for c in self.required_levels),
            frozenset(self.member_units),
        )
        for entry in self.history:
            kind = _EVENTS.get(entry.event)
            if kind is None:
                raise ParseError(
                    f"unknown event {entry.event!r}", field="history.event", rule="R-2"
                )
            case = cases.apply(case, kind(**entry.fields), at=entry.at)
            if case.state.code != entry.state:
                raise ParseError(
                    f"the history says {entry.state} after {entry.event}; "
                    f"the table gives {case.state.code}",
                    field="history.state",
                    rule="R-2",
                )
        return case


# -- policy ----------------------------------------------------------------------------------


class NoteDoc(_Doc):
    """A one-line note in Chinese and English."""

    zh: str
    en: str


class ValueDoc(_Doc):
    """One dated value of a parameter; the value is plain JSON (exact numbers as text)."""

    valid_from: dt.date
    valid_until: dt.date | None = None
    value: Any
    note: NoteDoc | None = None


class ParameterDoc(_Doc):
    """A parameter: its rule, note, reference and dated values (P, all rules)."""

    rule: str
    note: NoteDoc
    reference: str | None = None
    values: list[ValueDoc]


class PolicyMetaDoc(_Doc):
    """A policy's identity and source."""

    id: str
    title: NoteDoc
    source: str
    format: int


class PolicyDoc(_Doc):
    """A complete policy (the same shape as a policy file, in JSON)."""

    document: Literal["policy"] = "policy"
    policy: PolicyMetaDoc
    parameters: dict[str, ParameterDoc]

    @classmethod
    def from_domain(cls, policy: Policy) -> PolicyDoc:
        """Export."""
        return cls.model_validate_json(json.dumps({"document": "policy", **policy.to_document()}))

    def to_domain(self, *, source: str = "<policy document>") -> Policy:
        """Import, validating every parameter as a policy file is validated."""
        data = self.model_dump(mode="json", exclude={"document"}, exclude_none=True)
        return policy_from_document(data, source=source)


#: Every exchanged document, by name.
DOCUMENTS: dict[str, type[_Doc]] = {
    "policy": PolicyDoc,
    "community": CommunityDoc,
    "ratings": RatingsDoc,
    "frame": FrameDoc,
    "certificate": CertificateDoc,
    "survey": SurveyDoc,
    "meeting": MeetingDoc,
    "quarter-result": QuarterResultDoc,
    "case": CaseDoc,
}


def json_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of document ``name`` (see ``DOCUMENTS``)."""
    return DOCUMENTS[name].model_json_schema()


def load_document(name: str, text: str, *, source: str = "<input>") -> Any:
    """Parse and validate JSON ``text`` as document ``name``.

    Raises:
        ParseError: malformed JSON or an invalid document; one error, naming
            ``source`` and the field path.
    """
    model = DOCUMENTS.get(name)
    if model is None:
        raise ParseError(
            f"unknown document {name!r}; known: {', '.join(DOCUMENTS)}", field="document"
        )
    try:
        return model.model_validate_json(text)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(document)"
        raise ParseError(first["msg"], field=f"{source}: {where}", rule=name) from None
