"""Every exchanged document by name, its JSON Schema, and reading one from JSON text.

Rules: all (each document names the rules it carries).
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from community_governance.errors import ParseError
from community_governance.schemas.base import Document
from community_governance.schemas.community import CommunityDoc
from community_governance.schemas.consultation import MeetingDoc, TallyDoc
from community_governance.schemas.evaluation import (
    CertificateDoc,
    FrameDoc,
    QuarterResultDoc,
    RatingsDoc,
    SurveyDoc,
)
from community_governance.schemas.policy import PolicyDoc
from community_governance.schemas.rectification import AnnouncementDoc, CaseDoc
from community_governance.schemas.services import ServiceRecordDoc

__all__ = ["DOCUMENTS", "json_schema", "load_document"]

#: Every exchanged document, by name.
DOCUMENTS: dict[str, type[Document]] = {
    "policy": PolicyDoc,
    "community": CommunityDoc,
    "ratings": RatingsDoc,
    "frame": FrameDoc,
    "certificate": CertificateDoc,
    "survey": SurveyDoc,
    "meeting": MeetingDoc,
    "quarter-result": QuarterResultDoc,
    "case": CaseDoc,
    "tally": TallyDoc,
    "announcement": AnnouncementDoc,
    "service-record": ServiceRecordDoc,
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
