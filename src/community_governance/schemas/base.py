"""The base of every exchanged document, and exact numbers as text (all rules).

Every document model forbids unknown fields and is strict, so a float where
exact text belongs is refused; exact numbers are written as text and read back
exactly. Each part of the mechanism keeps its documents in its own module:
``community``, ``evaluation``, ``consultation``, ``rectification``, ``services``
and ``policy``.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict

from community_governance.errors import ParseError
from community_governance.numbers import as_score, format_fraction, parse_exact

__all__ = ["Document", "ExactText", "dec", "exact_json", "frac", "undec", "unfrac"]


def _as_text(value: str | int) -> str:
    return value if isinstance(value, str) else str(value)


#: An exact number as text; a JSON integer is taken too (and a JSON number with a point
#: arrives as its text, see ``registry.load_document``). A boolean is refused.
ExactText = Annotated[str | int, AfterValidator(_as_text)]


class Document(BaseModel):
    """An exchanged document: strict, frozen, no unknown field."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    def check(self) -> None:
        """Check what a schema cannot state (fields that must agree); run as it is read.

        Raises:
            GovernanceError: naming the field and the rule. Most documents have nothing
                to check here: their ``to_domain`` re-checks the rules.
        """


def frac(value: Fraction | None) -> str | None:
    """An exact fraction as canonical text (``None`` stays ``None``)."""
    return None if value is None else format_fraction(value)


def unfrac(text: str | None) -> Fraction | None:
    """Canonical text back to the exact fraction."""
    return None if text is None else parse_exact(text)


def dec(value: Decimal | None) -> str | None:
    """A decimal as written."""
    return None if value is None else str(value)


def undec(text: str | None, field: str = "value") -> Decimal | None:
    """Text back to the decimal (``ParseError`` naming ``field`` for text that is not one)."""
    if text is None:
        return None
    try:
        value = Decimal(text)
    except ArithmeticError:
        raise ParseError(f"{text[:20]!r} is not a decimal number", field=field) from None
    return as_score(value, field=field, rule="exact")


def exact_json(value: object, indent: int = 2) -> str:
    """Plain data as JSON text, a ``Decimal`` as a JSON number digit for digit.

    The standard library writes a ``Decimal`` only through a binary float; a document's
    reported numbers are written from their digits instead, never with an exponent.
    Dates are written as ISO text.
    """

    def write(item: object, level: int) -> str:  # noqa: PLR0911 - one return per JSON kind
        pad, end = " " * indent * (level + 1), " " * indent * level
        if isinstance(item, dict):
            if not item:
                return "{}"
            pairs = (
                f"{pad}{json.dumps(str(k), ensure_ascii=False)}: {write(v, level + 1)}"
                for k, v in item.items()
            )
            return "{\n" + ",\n".join(pairs) + "\n" + end + "}"
        if isinstance(item, list | tuple):
            if not item:
                return "[]"
            rows = (pad + write(v, level + 1) for v in item)
            return "[\n" + ",\n".join(rows) + "\n" + end + "]"
        if isinstance(item, Decimal):
            if not item.is_finite():
                raise ValueError(f"{item} is not a number JSON can hold")
            return format(item, "f")
        if isinstance(item, dt.date):
            return json.dumps(item.isoformat())
        if item is None or isinstance(item, bool | int | str):
            return json.dumps(item, ensure_ascii=False)
        raise TypeError(f"{type(item).__name__} is not plain data")

    return write(value, 0)
