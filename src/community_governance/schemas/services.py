"""Documents of the services: any service record as typed plain data (S-1..S-7)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

import attrs

from community_governance.numbers import format_fraction
from community_governance.schemas.base import Document
from community_governance.vocabulary import BilingualEnum

__all__ = ["ServiceRecordDoc"]


def _plain(value: object) -> Any:  # noqa: PLR0911 - one branch per kind of value
    if isinstance(value, BilingualEnum):
        return value.code
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Fraction):
        return format_fraction(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(_plain(k)): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    return value


class ServiceRecordDoc(Document):
    """A service record (S-2..S-7): its kind (the record's class) and its fields as plain data.

    Exact numbers are text, dates ISO, vocabulary members their codes.
    """

    document: Literal["service-record"] = "service-record"
    kind: str
    fields: dict[str, Any]

    @classmethod
    def from_domain(cls, record: object) -> ServiceRecordDoc:
        """Export any attrs service record."""
        fields = attrs.asdict(record, recurse=False)  # type: ignore[arg-type]
        return cls(kind=type(record).__name__, fields=_plain(fields))
