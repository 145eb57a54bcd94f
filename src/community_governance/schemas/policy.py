"""Documents of the policy: the same shape as a policy file, in JSON (P, all rules)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from community_governance.policy.model import Policy, policy_from_document
from community_governance.schemas.base import Document

__all__ = [
    "NoteDoc",
    "ParameterDoc",
    "PolicyDoc",
    "PolicyMetaDoc",
    "ValueDoc",
]


class NoteDoc(Document):
    """A one-line note in Chinese and English."""

    zh: str
    en: str


class ValueDoc(Document):
    """One dated value of a parameter; the value is plain JSON (exact numbers as text)."""

    valid_from: dt.date
    valid_until: dt.date | None = None
    value: Any
    note: NoteDoc | None = None


class ParameterDoc(Document):
    """A parameter: its rule, note, reference and dated values (P, all rules)."""

    rule: str
    note: NoteDoc
    reference: str | None = None
    values: list[ValueDoc]


class PolicyMetaDoc(Document):
    """A policy's identity and source."""

    id: str
    title: NoteDoc
    source: str
    format: int


class PolicyDoc(Document):
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
