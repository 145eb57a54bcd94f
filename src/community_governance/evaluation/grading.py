"""Grades, ranking, honour certificates and rectification orders (E-6).

Grades come from the policy's bands (``evaluation.grades.bands``), compared on
the reported (rounded) or the exact score as ``evaluation.grades.compare``
says. The ranking uses the same score: equal scores share the best rank
("1, 2, 2, 4", standard competition ranking) and are listed by unit id.
Units whose grade is in ``evaluation.awards.grades`` receive an honour
certificate; units whose grade is in ``evaluation.rectification.grades``
receive a rectification order, which the rectification workflow (R-1..R-3)
takes up once the results take effect.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import attrs

from community_governance.community import Quarter
from community_governance.evaluation import kernel
from community_governance.evaluation.scoring import FinalScore
from community_governance.explain import ExplanationBuilder
from community_governance.policy.loader import resolve
from community_governance.policy.model import Policy
from community_governance.policy.schema import PolicySnapshot
from community_governance.vocabulary import Grade, GradeBasis

__all__ = [
    "RANKING_RULE",
    "Award",
    "RectificationOrder",
    "grade_at",
    "grade_basis",
    "grade_basis_value",
    "grade_of",
    "rank",
]

#: The tie rule of the ranking, in words.
RANKING_RULE = (
    "by the score grades compare (evaluation.grades.compare), highest first; equal scores "
    "share the best rank (1, 2, 2, 4) and are listed by unit id"
)


@attrs.frozen
class Award:
    """An honour certificate (荣誉证书) for an excellent unit (E-6)."""

    unit_id: str
    quarter: Quarter
    grade: Grade
    score: Decimal


@attrs.frozen
class RectificationOrder:
    """An order to rectify within a deadline (限期整改) for a failing unit (E-6, R-1..R-3).

    Attributes:
        unit_id: the failing unit.
        quarter: the quarter evaluated.
        grade: the grade that triggered the order.
        score: the reported final score.
        weakest: the dimensions with the lowest peer means, worst first, as a
            starting point for the rectification plan.
    """

    unit_id: str
    quarter: Quarter
    grade: Grade
    score: Decimal
    weakest: tuple[str, ...] = ()


def grade_basis(exact: Fraction, reported: Decimal, policy: PolicySnapshot) -> Fraction:
    """The score that grades and ranks compare: reported or exact, as the policy says (E-6)."""
    return Fraction(reported) if policy.grade_basis is GradeBasis.ROUNDED else exact


def grade_at(value: Fraction, policy: PolicySnapshot) -> Grade:
    """The grade of the first band (best first) whose minimum ``value`` reaches (E-6)."""
    bands = policy.grade_bands
    return bands[kernel.band_of(value, [b.minimum for b in bands])].grade


def grade_basis_value(
    final: FinalScore,
    policy: Policy | PolicySnapshot | None = None,
    *,
    at: dt.date | None = None,
    builder: ExplanationBuilder | None = None,
) -> Fraction:
    """The score that grades and ranks compare for ``final`` (E-6)."""
    return grade_basis(final.exact, final.reported, resolve(policy, at, builder))


def grade_of(
    final: FinalScore,
    policy: Policy | PolicySnapshot | None = None,
    builder: ExplanationBuilder | None = None,
    *,
    at: dt.date | None = None,
) -> Grade:
    """The grade whose band holds the unit's score (E-6)."""
    p = resolve(policy, at, builder)
    value = grade_basis_value(final, p, builder=builder)
    grade = grade_at(value, p)
    if builder is not None:
        builder.step(f"定级：{grade.zh}", f"grade: {grade.en}", value, rule="E-6")
    return grade


#: Standard competition ranking (E-6); its one home is the kernel.
rank = kernel.rank
