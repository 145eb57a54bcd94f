"""Every exchanged document by name, its JSON Schema, and reading one from JSON text.

Rules: all (each document names the rules it carries).
"""

from __future__ import annotations

import json
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


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        twice = sorted({k for k in keys if keys.count(k) > 1})
        raise _DuplicateKeyError(twice[0])
    return dict(pairs)


class _DuplicateKeyError(ValueError):
    pass


def _check_structure(text: str, source: str, name: str) -> None:
    """Refuse duplicate keys (JSON would keep the last silently) and absurd nesting."""
    try:
        json.loads(text, object_pairs_hook=_no_duplicates)
    except _DuplicateKeyError as error:
        raise ParseError(
            f"the key {error.args[0]!r} appears twice in one object; which one counts is ambiguous",
            field=f"{source}: {error.args[0]}",
            rule=name,
        ) from None
    except RecursionError:
        raise ParseError(
            "arrays or objects are nested too deeply to be a document",
            field=source,
            rule=name,
        ) from None
    except ValueError:
        return  # malformed JSON: the model's own parser names the place


def load_document(name: str, text: str, *, source: str = "<input>") -> Any:
    """Parse and validate JSON ``text`` as document ``name``.

    Raises:
        ParseError: malformed JSON, a key given twice in one object, nesting too deep, or
            an invalid document; one error, naming ``source`` and the field path.
    """
    model = DOCUMENTS.get(name)
    if model is None:
        raise ParseError(
            f"unknown document {name!r}; known: {', '.join(DOCUMENTS)}", field="document"
        )
    _check_structure(text, source, name)
    try:
        return model.model_validate_json(text)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(document)"
        raise ParseError(first["msg"], field=f"{source}: {where}", rule=name) from None
