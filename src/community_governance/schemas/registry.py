"""Every exchanged document by name, its JSON Schema, and reading one from JSON text.

Rules: all (each document names the rules it carries).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from community_governance.errors import ParseError, read_in
from community_governance.schemas.base import Document, refusal
from community_governance.schemas.community import CommunityDoc
from community_governance.schemas.consultation import ClosedMeetingDoc, MeetingDoc, TallyDoc
from community_governance.schemas.evaluation import (
    CertificateDoc,
    FrameDoc,
    RatingsDoc,
    SurveyDoc,
)
from community_governance.schemas.legacy import QuarterResultDocV1
from community_governance.schemas.policy import PolicyDoc
from community_governance.schemas.rectification import AnnouncementDoc, CaseDoc
from community_governance.schemas.results import QuarterResultDoc
from community_governance.schemas.services import ServiceRecordDoc

__all__ = ["DOCUMENTS", "exact_json_value", "json_schema", "load_document"]

#: Every exchanged document, by name.
DOCUMENTS: dict[str, type[Document]] = {
    "policy": PolicyDoc,
    "community": CommunityDoc,
    "ratings": RatingsDoc,
    "frame": FrameDoc,
    "certificate": CertificateDoc,
    "survey": SurveyDoc,
    "meeting": MeetingDoc,
    "closed-meeting": ClosedMeetingDoc,
    "quarter-result": QuarterResultDoc,
    "case": CaseDoc,
    "tally": TallyDoc,
    "announcement": AnnouncementDoc,
    "service-record": ServiceRecordDoc,
}


#: Documents whose earlier format (without a ``format`` field) is still read, and given in
#: the current one: a quarter result's format 1, exact values as text.
EARLIER_FORMATS: dict[str, type[Document]] = {"quarter-result": QuarterResultDocV1}


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


def _refuse_constant(name: str) -> None:
    raise _ConstantError(name)


class _ConstantError(ValueError):
    pass


#: The fields whose every number is exact, however deep: a rating's scores (E-2), a result's
#: own dimensions (E-5), a policy parameter's value (P). A JSON number there is handed on as
#: the text it was written as.
EXACT_TREES = frozenset({"scores", "self_dimensions", "value"})

#: The fields that hold an exact number as a JSON number (a result's reported numbers,
#: E-4, E-5; a tally's share and threshold, C-3): handed on as the text they were
#: written as, never through a float.
EXACT_FIELDS = frozenset(
    {"reported", "standard_error", "margin", "low", "high", "share", "threshold"}
)


def _as_text(value: object) -> object:
    if isinstance(value, dict):
        return {k: _as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_text(v) for v in value]
    return str(value) if isinstance(value, Decimal) else value


def _exact_numbers(value: object, key: str = "") -> object:
    """``value`` with the numbers of ``EXACT_TREES`` and ``EXACT_FIELDS`` as their text.

    Any other number with a point or an exponent stays a number (a float), which the
    document then refuses where it holds text or a whole number, naming the field.
    """
    if key in EXACT_TREES:
        return _as_text(value)
    if isinstance(value, dict):
        return {k: _exact_numbers(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_exact_numbers(v, key) for v in value]
    if isinstance(value, Decimal):
        return str(value) if key in EXACT_FIELDS else float(value)
    return value


def exact_json_value(text: str, source: str, name: str) -> Any:
    """``text`` parsed as JSON, numbers as ``Decimal`` from their digits (never a float).

    Raises:
        ParseError: not JSON, a key given twice in one object, ``NaN`` or ``Infinity``, or
            nesting too deep; naming ``source`` and the document ``name``.
    """
    try:
        return _parsed(text, source, name)
    except ParseError:
        raise
    except ValueError as error:
        raise ParseError(
            f"not JSON: {error}", field=source, rule=name, zh=f"不是 JSON：{error}"
        ) from None


def _parsed(text: str, source: str, name: str) -> Any:
    try:
        return json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_float=Decimal,
            parse_constant=_refuse_constant,
        )
    except _DuplicateKeyError as error:
        raise ParseError(
            f"the key {error.args[0]!r} appears twice in one object; which one counts is ambiguous",
            field=f"{source}: {error.args[0]}",
            rule=name,
            zh=f"键 {error.args[0]!r} 在同一对象中出现两次；以哪个为准无法确定",
        ) from None
    except _ConstantError as error:
        raise ParseError(
            f"{error.args[0]} is not a number a document can hold",
            field=source,
            rule=name,
            zh=f"{error.args[0]} 不是文档可以保存的数值",
        ) from None
    except RecursionError:
        raise ParseError(
            "arrays or objects are nested too deeply to be a document",
            field=source,
            rule=name,
            zh="数组或对象嵌套过深，不可能是文档",
        ) from None


def _exact_json(text: str, source: str, name: str) -> tuple[str, Any] | None:
    """``text`` with the exact numbers turned into their text, and its data; or ``None``.

    Numbers are read from their digits (``Decimal``), never through a binary float; where
    a document holds an exact number (``EXACT_TREES``, ``EXACT_FIELDS``) they are handed
    on as their text, which is how the documents hold exact numbers; integers stay
    integers. Duplicate keys (JSON would keep the last silently), ``NaN`` and ``Infinity``
    and absurd nesting are refused. ``None`` means the text is not JSON: the model's own
    parser then names the place.
    """
    try:
        data = _parsed(text, source, name)
    except ParseError:
        raise
    except ValueError:
        return None
    return json.dumps(_exact_numbers(data), ensure_ascii=False), data


def load_document(name: str, text: str, *, source: str = "<input>") -> Any:
    """Parse and validate JSON ``text`` as document ``name``.

    Numbers are read exactly from their digits and accepted where a document holds an
    exact number as text (a score may be written ``87.5`` or ``"87.5"``).

    Raises:
        ParseError: malformed JSON, a key given twice in one object, ``NaN`` or
            ``Infinity``, nesting too deep, or an invalid document; one error, naming
            ``source`` and the field path.
    """
    model = DOCUMENTS.get(name)
    if model is None:
        raise ParseError(
            f"unknown document {name!r}; known: {', '.join(DOCUMENTS)}",
            field="document",
            zh=f"未知的文档 {name!r}；已知文档：{', '.join(DOCUMENTS)}",
        )
    exact = _exact_json(text, source, name)
    read, data = exact if exact is not None else (text, None)
    earlier = EARLIER_FORMATS.get(name)
    if earlier is not None and isinstance(data, dict) and "format" not in data:
        # Read, checked, and given in the current format.
        older = _validated(earlier, read, source, name)
        return model.from_domain(read_in(source, older.to_domain))  # type: ignore[attr-defined]
    document = _validated(model, read, source, name)
    read_in(source, document.check)
    return document


def _validated(model: type[Document], text: str, source: str, name: str) -> Any:
    try:
        return model.model_validate_json(text)
    except ValidationError as error:
        where, english, chinese = refusal(error)
        field = f"{source}: {where or '(document)'}"
        raise ParseError(english, field=field, rule=name, zh=chinese) from None
