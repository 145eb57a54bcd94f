"""Exchanged documents: pydantic v2 models, JSON Schema, import and export (adapter).

One model per document a municipal system exchanges with the library —
policy, community, ratings, sampling frame, sample certificate, survey, meeting with
its ballots, quarter result, rectification case. Each has
``from_domain(obj)`` and ``to_domain(...)``; exported JSON imports back equal.
Exact numbers travel as text (``"17/20"``, ``"86.20"``); a JSON float where an
exact number belongs is refused (the models are strict). Documents are read
from JSON text ([`load_document`][community_governance.schemas.documents.load_document], or a
model's ``model_validate_json``),
which is where ISO dates and arrays are understood. Pydantic lives here
only: the domain never imports it.

``DOCUMENTS`` maps each document's name to its model;
[`json_schema`][community_governance.schemas.documents.json_schema] gives the JSON Schema of one.
"""

from community_governance.schemas.documents import (
    DOCUMENTS,
    CaseDoc,
    CertificateDoc,
    CommunityDoc,
    FrameDoc,
    MeetingDoc,
    PolicyDoc,
    QuarterResultDoc,
    RatingsDoc,
    SurveyDoc,
    json_schema,
    load_document,
)

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
