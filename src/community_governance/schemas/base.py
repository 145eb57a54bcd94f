"""The base of every exchanged document, and exact numbers in JSON (all rules).

Every document model forbids unknown fields and is strict, so a float where an
exact number belongs is refused. A document holds an exact number as its
canonical text; ``Document.to_json`` writes it as a real JSON number, digit for
digit (a decimal such as a score), or as ``{"reported", "num", "den"}`` (a
fraction such as a vote share), and reading takes any of these spellings back
to the same text. The ledger keeps the text form in its records, as its record
form says. Each part of the mechanism keeps its documents in its own module:
``community``, ``evaluation``, ``consultation``, ``rectification``, ``services``
and ``policy``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationError,
    model_validator,
)
from pydantic.json_schema import WithJsonSchema
from pydantic_core import to_jsonable_python

from community_governance.errors import GovernanceError, ParseError
from community_governance.numbers import (
    RoundingMode,
    as_score,
    exact_json,
    format_fraction,
    parse_exact,
    round_exact,
)

__all__ = [
    "Document",
    "ExactDoc",
    "ExactFraction",
    "ExactText",
    "Number",
    "dec",
    "frac",
    "undec",
    "unfrac",
]


def _as_text(value: str | int) -> str:
    return value if isinstance(value, str) else str(value)


#: An exact number as text; a JSON integer is taken too (and a JSON number with a point
#: arrives as its text, see ``registry.load_document``). A boolean is refused. Its JSON
#: Schema says what a file may hold: a number, or the number's text.
ExactText = Annotated[
    str | int,
    AfterValidator(_as_text),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number"},
                {"type": "string", "description": "an exact decimal as text, e.g. 87.5"},
            ]
        }
    ),
]


class Document(BaseModel):
    """An exchanged document: strict, frozen, no unknown field.

    ``NUMBERS`` names the fields whose exact decimals (text, or a table of them) are
    written as JSON numbers; ``FRACTIONS`` those whose exact values are written as
    ``{"reported", "num", "den"}`` (see ``ExactFraction``).
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    NUMBERS: ClassVar[frozenset[str]] = frozenset()
    FRACTIONS: ClassVar[frozenset[str]] = frozenset()

    def json_data(self) -> dict[str, Any]:
        """The document as plain data for JSON, its exact numbers as numbers (see the class)."""
        cls = type(self)
        return {
            name: _plain(getattr(self, name), name in cls.NUMBERS, name in cls.FRACTIONS)
            for name in cls.model_fields
        }

    def to_json(self) -> str:
        """The document as JSON text: exact numbers as real JSON numbers, digit for digit."""
        return exact_json(self.json_data()) + "\n"

    def check(self) -> None:
        """Check what a schema cannot state (fields that must agree); run as it is read.

        Raises:
            GovernanceError: naming the field and the rule. Most documents have nothing
                to check here: their ``to_domain`` re-checks the rules.
        """


def _bounded(value: Decimal) -> Decimal:
    # As every exact number the library reads: finite, and of a bounded number of digits.
    return as_score(value, field="number", rule="E-5")


#: A reported number: a JSON number read from its digits, finite and bounded.
Number = Annotated[Decimal, AfterValidator(_bounded)]


def shown(value: Fraction, places: int) -> Decimal:
    """A value to ``places`` for people; the exact value travels beside it."""
    return round_exact(value, places, RoundingMode.HALF_EVEN)


def places_of(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def rounds_to(value: Fraction, reported: Decimal) -> bool:
    """Whether ``reported`` is ``value`` rounded to the places it is written with."""
    return abs(Fraction(reported) - value) <= Fraction(1, 2 * 10 ** places_of(reported))


class ExactDoc(Document):
    """An exact number: numerator and denominator in lowest terms, and its value reported."""

    reported: Number
    num: int
    den: int

    @model_validator(mode="after")
    def _lowest_terms(self) -> ExactDoc:
        if self.den < 1 or math.gcd(self.num, self.den) != 1:
            raise ParseError(
                f"{self.num}/{self.den} is not a fraction in lowest terms",
                zh=f"{self.num}/{self.den} 不是最简分数",
            )
        if not rounds_to(self.value, self.reported):
            raise ParseError(
                f"{self.reported} is not {self.num}/{self.den} rounded",
                zh=f"{self.reported} 不是 {self.num}/{self.den} 的舍入值",
            )
        return self

    @property
    def value(self) -> Fraction:
        """The exact value."""
        return Fraction(self.num, self.den)

    @classmethod
    def of(cls, value: Fraction, places: int) -> ExactDoc:
        """``value`` exactly, and reported to ``places``."""
        return cls(reported=shown(value, places), num=value.numerator, den=value.denominator)

    @classmethod
    def shortest(cls, value: Fraction) -> ExactDoc:
        """``value`` exactly, reported as its own decimal of ten places at most.

        A value with no such decimal (a share such as 2/3) is reported to ten places.
        """
        text = format_fraction(value)
        if "/" in text or len(text.partition(".")[2]) > WIDEST:
            return cls.of(value, WIDEST)
        return cls(reported=Decimal(text), num=value.numerator, den=value.denominator)


#: The most places a fraction with no places of its own is reported to.
WIDEST = 10


#: Pydantic's kinds of refusal, in Chinese (the English is pydantic's own message).
_REFUSALS_ZH = {
    "missing": "缺少此字段",
    "extra_forbidden": "此文档没有这个字段",
    "string_type": "应为文本",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "date_type": "应为日期，如 2021-01-21",
    "date_parsing": "应为日期，如 2021-01-21",
    "date_from_datetime_parsing": "应为日期，如 2021-01-21",
    "date_from_datetime_inexact": "应为不含时刻的日期",
    "datetime_type": "应为带时区的日期时间",
    "datetime_parsing": "应为带时区的日期时间",
    "decimal_type": "应为数值",
    "decimal_parsing": "应为数值",
    "list_type": "应为数组",
    "tuple_type": "应为数组",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "json_invalid": "不是有效的 JSON",
    "json_type": "不是有效的 JSON",
    "too_short": "项数太少",
    "too_long": "项数太多",
    "string_too_short": "文本太短",
    "string_too_long": "文本太长",
    "greater_than_equal": "数值太小",
    "less_than_equal": "数值太大",
}


def refusal(error: ValidationError) -> tuple[str, str, str]:
    """The first problem pydantic found: where (``a.b.0``), and what, in English and Chinese."""
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    cause = (first.get("ctx") or {}).get("error")
    if isinstance(cause, GovernanceError):
        return where, cause.message, cause.message_in("zh")
    kind = first["type"]
    if kind == "literal_error":
        expected = (first.get("ctx") or {}).get("expected", "")
        return where, first["msg"], f"应为 {expected}"
    return where, first["msg"], _REFUSALS_ZH.get(kind, f"输入无效（{first['msg']}）")


def _fraction_text(value: object) -> object:
    """An exact value in any of its JSON spellings, as its canonical text."""
    if isinstance(value, Mapping):
        reported = value.get("reported")
        try:
            whole = isinstance(reported, int) and not isinstance(reported, bool)
            number = Decimal(str(reported)) if whole or isinstance(reported, str) else reported
            doc = ExactDoc.model_validate({**value, "reported": number})
        except ArithmeticError:
            shown = str(reported)[:20]
            raise ParseError(
                f"reported {shown!r} is not a number", zh=f"reported {shown!r} 不是数值"
            ) from None
        except ValidationError as error:
            where, english, chinese = refusal(error)
            raise ParseError(
                f"{where}: {english}" if where else english,
                zh=f"{where}：{chinese}" if where else chinese,
            ) from None
        return format_fraction(doc.value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, Decimal):
        return str(value)
    return value


#: An exact value held as its canonical text (``"0.85"``, ``"2/3"``), read from text, a
#: JSON number or ``{"reported", "num", "den"}``, and written as the last by ``to_json``.
ExactFraction = Annotated[
    str,
    BeforeValidator(_fraction_text),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "description": "exact text: 0.85, 17/20 or 85%"},
                {"type": "number"},
                {
                    "type": "object",
                    "properties": {
                        "reported": {"type": "number"},
                        "num": {"type": "integer"},
                        "den": {"type": "integer", "minimum": 1},
                    },
                    "required": ["reported", "num", "den"],
                    "additionalProperties": False,
                },
            ]
        }
    ),
]


def _plain(value: object, number: bool, fraction: bool) -> object:  # noqa: FBT001, PLR0911
    """``value`` as plain data for ``exact_json``: exact text as numbers where asked."""
    if isinstance(value, Document):
        return value.json_data()
    if isinstance(value, Mapping):
        return {k: _plain(v, number, fraction) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v, number, fraction) for v in value]
    if isinstance(value, str) and number:
        return Decimal(value)
    if isinstance(value, str) and fraction:
        return ExactDoc.shortest(parse_exact(value)).json_data()
    if isinstance(value, Decimal | dt.date | bool | int | str) or value is None:
        return value
    return to_jsonable_python(value)


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
        raise ParseError(
            f"{text[:20]!r} is not a decimal number", field=field, zh=f"{text[:20]!r} 不是小数"
        ) from None
    return as_score(value, field=field, rule="exact")
