"""The policy's scales (E-2, E-4, E-6): the score range, the answer scale, the grade bands.

The typed values three parameters hold: ``evaluation.scale`` (the range of a score and its
decimal places, E-2), ``evaluation.survey.answer_scale`` (the answers a household may give,
best first, each with its exact score, E-4) and ``evaluation.grades.bands`` (each grade's inclusive
minimum, E-6). ``policy.values`` reads and writes them.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import attrs

from community_governance.errors import PolicyError
from community_governance.vocabulary import Grade

__all__ = ["AnswerLevel", "AnswerScale", "GradeBand", "ScoreRange"]


@attrs.frozen
class ScoreRange:
    """The closed range of a score scale, e.g. 0–100, and its decimal places (E-2).

    ``places`` is how finely a score may be given: hundredths (2) by default. Recorded
    scores are kept as integers in that smallest unit (``unit = 10**places``).
    """

    minimum: Fraction
    maximum: Fraction
    places: int = 2

    @property
    def unit(self) -> int:
        """How many of the scale's smallest steps make one point (100 for hundredths)."""
        return int(10**self.places)

    def __contains__(self, value: object) -> bool:
        if isinstance(value, Decimal) and not value.is_finite():
            return False
        if isinstance(value, Decimal | int) and (
            self.minimum.denominator == 1 and self.maximum.denominator == 1
        ):
            # Whole bounds (0..100): a decimal compares with an integer exactly, without
            # building a Fraction for every score a book records.
            return self.minimum.numerator <= value <= self.maximum.numerator
        if not isinstance(value, Fraction | int | Decimal):
            return False
        return self.minimum <= Fraction(value) <= self.maximum


@attrs.frozen
class AnswerLevel:
    """One answer of a satisfaction questionnaire and the score it is worth (E-4)."""

    code: str
    zh: str
    en: str
    score: Fraction


@attrs.frozen
class AnswerScale:
    """A named satisfaction scale: its answers, best first, with exact scores (E-4)."""

    name: str
    levels: tuple[AnswerLevel, ...]

    def level(self, answer: str) -> AnswerLevel:
        """The level whose code, Chinese or English label is ``answer``.

        Raises:
            PolicyError: no level matches; the message lists the valid answers.
        """
        wanted = answer.strip()
        for level in self.levels:
            if wanted in (level.code, level.zh) or wanted.casefold() == level.en.casefold():
                return level
        valid = ", ".join(f"{lv.code} ({lv.zh} / {lv.en})" for lv in self.levels)
        raise PolicyError(
            f"{answer!r} is not an answer on scale {self.name!r}; valid: {valid}",
            field="answer",
            rule="E-4",
            zh=f"{answer!r} 不是量表 {self.name!r} 上的答案；有效答案：{valid}",
        )


@attrs.frozen
class GradeBand:
    """The lowest score (inclusive) that earns ``grade`` (E-6)."""

    grade: Grade
    minimum: Fraction
