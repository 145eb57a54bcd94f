"""Events for the decisions the library makes, ready for the ledger (C-3, E-1..E-6, R-1..R-3, S-*).

Each builder turns a domain object into a [`NewEvent`][community_governance.ports.NewEvent]
whose data is a document of ``community_governance.schemas`` (exact numbers as
text). Household ids are replaced by the ledger's keyed pseudonyms before they
are written, so no raw household id enters the chain; a service record's personal details
(``PRIVATE_FIELDS``) are kept apart, with a retention date, and the chain carries only
their keyed commitment.

Streams: ``meeting:<id>``, ``quarter:<community>:<quarter>`` (ratings, sample,
survey, evaluation, announcement, objections), ``case:<id>``,
``service:<community>``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from community_governance.consultation.meeting import ClosedMeeting
from community_governance.evaluation.quarter import QuarterResult
from community_governance.evaluation.ratings import RatingBook
from community_governance.evaluation.sampling import SampleCertificate
from community_governance.evaluation.survey import Survey
from community_governance.ledger.checkpoint import SignedHead
from community_governance.ledger.storage import LedgerError
from community_governance.numbers import format_fraction
from community_governance.policy.loader import resolve
from community_governance.policy.model import Policy
from community_governance.policy.schema import PolicySnapshot
from community_governance.ports import NewEvent, PrivateStore
from community_governance.rectification.announcement import Announcement
from community_governance.rectification.case import RectificationCase
from community_governance.schemas import (
    AnnouncementDoc,
    CaseDoc,
    CertificateDoc,
    ClosedMeetingDoc,
    RatingsDoc,
    ServiceRecordDoc,
    SurveyDoc,
)
from community_governance.schemas.legacy import QuarterResultDocV1

__all__ = [
    "PRIVATE_FIELDS",
    "announcement_made",
    "case_recorded",
    "meeting_closed",
    "quarter_evaluated",
    "quarter_stream",
    "ratings_recorded",
    "sample_drawn",
    "service_recorded",
    "survey_recorded",
]

Pseudonym = Callable[[str], str]


def quarter_stream(community_id: str, quarter: object) -> str:
    """The stream of one community's quarter."""
    return f"quarter:{community_id}:{quarter}"


def meeting_closed(closed: ClosedMeeting) -> NewEvent:
    """A closed deliberation meeting with its tallies (C-3)."""
    doc = ClosedMeetingDoc.from_domain(closed).model_dump(mode="json")
    return NewEvent("meeting.closed", doc, closed.meeting.held_on)


def ratings_recorded(book: RatingBook, at: dt.date) -> NewEvent:
    """A quarter's ratings, with their corrections (E-2, E-3)."""
    return NewEvent("ratings.recorded", RatingsDoc.from_domain(book).model_dump(mode="json"), at)


def sample_drawn(certificate: SampleCertificate, pseudonym: Pseudonym, at: dt.date) -> NewEvent:
    """A household sample drawn, with its certificate, households pseudonymised (E-4)."""
    doc = CertificateDoc.from_domain(certificate).model_dump(mode="json")
    doc["sample"] = [pseudonym(h) for h in doc["sample"]]
    doc["replacements"] = [[pseudonym(a), pseudonym(b)] for a, b in doc["replacements"]]
    return NewEvent("sample.drawn", doc, at)


def survey_recorded(survey: Survey, pseudonym: Pseudonym, at: dt.date) -> NewEvent:
    """The sample certificate and the responses, households pseudonymised (E-4)."""
    doc = SurveyDoc.from_domain(survey).model_dump(mode="json")
    certificate = doc["certificate"]
    certificate["sample"] = [pseudonym(h) for h in certificate["sample"]]
    certificate["replacements"] = [
        [pseudonym(a), pseudonym(b)] for a, b in certificate["replacements"]
    ]
    for response in doc["responses"]:
        response["household"] = pseudonym(response["household"])
    return NewEvent("survey.recorded", doc, at)


def quarter_evaluated(
    result: QuarterResult, policy: Policy | PolicySnapshot | None = None
) -> NewEvent:
    """A quarter's result, with the parameters a stdlib verifier needs to recompute it (E-5).

    ``policy`` is read on the evaluation date.
    """
    policy = resolve(policy, result.evaluated_on)
    parameters = {
        "weights": {c.code: format_fraction(w) for c, w in policy.component_weights.items()},
        "dimension_weights": {
            d.code: format_fraction(w) for d, w in policy.dimension_weights.items()
        },
        "scale": {lv.code: format_fraction(lv.score) for lv in policy.survey_answer_scale.levels},
        "attribution": policy.survey_attribution.code,
        "peer": {
            "aggregation": policy.peer_aggregation.code,
            "min_raters": policy.peer_min_raters,
            "trim_min_raters": policy.trim_min_raters,
        },
        "rounding": {"mode": policy.rounding_mode.code, "places": policy.rounding_places},
    }
    data = {
        "result": QuarterResultDocV1.from_domain(result).model_dump(mode="json"),
        "parameters": parameters,
    }
    return NewEvent("quarter.evaluated", data, result.evaluated_on)


def announcement_made(board: Announcement, head: SignedHead | None = None) -> NewEvent:
    """An announcement (or re-announcement) and its objections so far (R-1).

    ``head`` is the ledger's latest signed head
    ([`latest_checkpoint`][community_governance.ledger.checkpoint.latest_checkpoint]),
    published with the announcement; the event then carries it as ``signed_head``.
    """
    doc = AnnouncementDoc.from_domain(board).model_dump(mode="json")
    if head is not None:
        doc["signed_head"] = head.to_document()
    return NewEvent("results.announced", doc, board.announced_on)


def case_recorded(case: RectificationCase) -> NewEvent:
    """A rectification case with its whole history so far (E-6, R-2, R-3)."""
    at = case.history[-1].at if case.history else case.issued_on
    return NewEvent("case.recorded", CaseDoc.from_domain(case).model_dump(mode="json"), at)


#: The fields of service records that identify or describe a person (S-4..S-6). They never
#: enter the chain: a household id becomes its pseudonym, and the rest is kept apart.
PRIVATE_FIELDS: Mapping[str, tuple[str, ...]] = {
    "ProfessionalCase": ("household", "service", "agency", "referrals"),
    "MicroWish": ("household", "wish", "claimed_by"),
    "VolunteerContract": ("volunteer", "duties"),
}


def service_recorded(
    record: object,
    at: dt.date,
    *,
    private: PrivateStore | None = None,
    retain_until: dt.date | None = None,
) -> NewEvent:
    """Any service record (S-1..S-7) as plain data, typed by its class name.

    A record with personal details (``PRIVATE_FIELDS``: a household, a kind of case, a
    wish's text, a person's name) needs ``private`` (the ledger) and ``retain_until``:
    the details are kept apart until that day, the household appears as its pseudonym,
    and the event carries ``private``, the details' keyed commitment.

    Raises:
        LedgerError: a record with personal details and no ``private`` store or
            retention date.
    """
    doc = ServiceRecordDoc.from_domain(record).model_dump(mode="json")
    names = PRIVATE_FIELDS.get(doc["kind"], ())
    if names:
        if private is None or retain_until is None:
            raise LedgerError(
                f"a {doc['kind']} holds personal details: pass private= (the ledger) and "
                "retain_until= so that they are kept out of the chain",
                field="private",
                rule="ledger",
                zh=(
                    f"{doc['kind']} 含有个人信息：请传入 private="
                    "（账本）和 retain_until=，使其不进入哈希链"
                ),
            )
        fields = doc["fields"]
        details = {"kind": doc["kind"], **{n: fields.pop(n) for n in names if n in fields}}
        if isinstance(details.get("household"), str):
            fields["household"] = private.pseudonym(details["household"])
        fields["private"] = private.keep_private(details, retain_until=retain_until)
    return NewEvent(f"service.{doc['kind']}", doc, at)
