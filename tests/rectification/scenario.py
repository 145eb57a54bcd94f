"""The rectification scenario's community, policy and failing quarter (E-6, R-1)."""

from __future__ import annotations

import datetime as dt
import itertools

from community_governance.community import Community, MemberUnit, Project, Quarter
from community_governance.evaluation import (
    QuarterResult,
    Rating,
    RatingBook,
    SamplingFrame,
    Survey,
    SurveyResponse,
    draw_sample,
    evaluate_quarter,
)
from community_governance.policy import default_policy
from community_governance.vocabulary import Dimension

POLICY = default_policy()


Q2 = Quarter(2026, 2)


COMMUNITY = Community(
    "haibin", "Haibin", [MemberUnit(u, u, "co_building_unit") for u in ("A", "B", "C", "D")]
)


def q2_inputs(level: dict[str, int], answer: dict[str, str]) -> tuple[RatingBook, Survey]:
    """Q2 ratings (every unit gives each ratee ``level``) and a survey answered ``answer``."""
    book = RatingBook(COMMUNITY, Q2).record_all(
        [
            Rating(a, b, Q2, "self" if a == b else "peer", dict.fromkeys(Dimension, level[b]))
            for a, b in itertools.product("ABCD", repeat=2)
        ],
        RULES,
    )
    frame = SamplingFrame([f"H{i}" for i in range(150)])
    certificate = draw_sample(frame, 2026, RULES, seed_source="test")
    projects = [Project(f"P{u}", u, Q2, [u]) for u in "ABCD"]
    survey = Survey(Q2, certificate, projects).respond_all(
        [SurveyResponse(h, f"P{u}", answer[u]) for h in certificate.sample for u in "ABCD"], RULES
    )
    return book, survey


def q2_result() -> QuarterResult:
    """2026Q2: unit D fails (everyone gives it 40; households are very dissatisfied)."""
    book, survey = q2_inputs(
        {"A": 92, "B": 85, "C": 75, "D": 40},
        {"A": "very satisfied", "B": "satisfied", "C": "satisfied", "D": "very dissatisfied"},
    )
    return evaluate_quarter(COMMUNITY, Q2, book, survey, policy=RULES, at=dt.date(2026, 7, 3))


RULES = POLICY.at(Q2.end)
