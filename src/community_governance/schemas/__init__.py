"""Exchanged documents: pydantic v2 models, JSON Schema, import and export (adapter).

One model per document a municipal system exchanges with the library, each in the
module of its part: ``community``, ``evaluation`` (ratings, frame, certificate, survey,
quarter result), ``consultation`` (meeting, tally), ``rectification`` (case,
announcement), ``services`` (service records) and ``policy``; ``base`` holds what
they share. Each has ``from_domain(obj)`` and, where it can be read back,
``to_domain(...)``; exported JSON imports back equal. The command line and the ledger's
event builders write these models, and ``explanation`` writes and reads every
explanation's JSON form; the domain has no ``to_dict`` of its own, so a key means one
thing everywhere.

Exact numbers travel as text (``"17/20"``, ``"86.20"``), or, in a quarter result
(format 2), as JSON numbers read from their digits and fractions as ``num``/``den``
integers; a JSON float where an exact number belongs is refused (the models are strict).
Documents are read from JSON text
([`load_document`][community_governance.schemas.registry.load_document], or a model's
``model_validate_json``), which is where ISO dates and arrays are understood. Pydantic
lives here only: the domain never imports it at module level.

``DOCUMENTS`` maps each document's name to its model;
[`json_schema`][community_governance.schemas.registry.json_schema] gives the JSON
Schema of one.
"""

from typing import TYPE_CHECKING

from community_governance._lazy import lazy_exports

if TYPE_CHECKING:
    from community_governance.schemas.base import (
        Document as Document,
    )
    from community_governance.schemas.community import (
        CommunityDoc as CommunityDoc,
    )
    from community_governance.schemas.consultation import (
        ClosedMeetingDoc as ClosedMeetingDoc,
        MeetingDoc as MeetingDoc,
        TallyDoc as TallyDoc,
    )
    from community_governance.schemas.evaluation import (
        CertificateDoc as CertificateDoc,
        FrameDoc as FrameDoc,
        RatingsDoc as RatingsDoc,
        SurveyDoc as SurveyDoc,
    )
    from community_governance.schemas.policy import (
        PolicyDoc as PolicyDoc,
    )
    from community_governance.schemas.rectification import (
        AnnouncementDoc as AnnouncementDoc,
        CaseDoc as CaseDoc,
    )
    from community_governance.schemas.registry import (
        DOCUMENTS as DOCUMENTS,
        json_schema as json_schema,
        load_document as load_document,
    )
    from community_governance.schemas.results import (
        QuarterResultDoc as QuarterResultDoc,
    )
    from community_governance.schemas.services import (
        ServiceRecordDoc as ServiceRecordDoc,
    )

__getattr__, __dir__ = lazy_exports(__name__, __file__)
