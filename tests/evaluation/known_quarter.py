"""A known quarter for golden tests: varied dimensions, one unable-to-rate, varied answers.

Four co-building units; every unit rates every unit on the six dimensions at its base score
plus a per-dimension offset; B cannot judge D's task completion; C rates the others three
points lower; 100 of 120 households answer for each unit's project (E-1..E-6).
"""

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
from community_governance.policy import Policy, PolicySnapshot, default_policy
from community_governance.vocabulary import Dimension

POLICY = default_policy()
Q3 = Quarter(2026, 3)
RULES = POLICY.at(Q3.end)
COMMUNITY = Community("lianhua", "Lianhua", [MemberUnit(u, u, "co_building_unit") for u in "ABCD"])
BASE = {"A": 90, "B": 80, "C": 70, "D": 50}
#: how far each dimension sits from a unit's base, by dimension in the vocabulary's order
OFFSETS = dict(zip(Dimension, (4, 2, 0, -2, -4, 0), strict=True))
ANSWERS = (
    "very satisfied",
    "satisfied",
    "basically satisfied",
    "dissatisfied",
    "very dissatisfied",
)


def scores(rater: str, ratee: str) -> dict[Dimension, int | None]:
    """What ``rater`` gives ``ratee`` on each dimension."""
    given: dict[Dimension, int | None] = {d: BASE[ratee] + OFFSETS[d] for d in Dimension}
    if (rater, ratee) == ("B", "D"):
        given[Dimension.TASK_COMPLETION] = None  # B cannot judge D's task completion
    if rater == "C" and ratee != "C":
        given = {d: (v - 3 if v is not None else None) for d, v in given.items()}  # a strict rater
    return given


def rich_quarter(
    policy: Policy | PolicySnapshot = RULES, recorded_under: Policy | PolicySnapshot | None = None
) -> QuarterResult:
    """The quarter evaluated on 9 October 2026 under ``policy``.

    The ratings are recorded under ``recorded_under`` (default: ``policy`` too).
    """
    book = RatingBook(COMMUNITY, Q3).record_all(
        [
            Rating(a, b, Q3, "self" if a == b else "peer", scores(a, b))
            for a, b in itertools.product("ABCD", repeat=2)
        ],
        recorded_under or policy,
    )
    frame = SamplingFrame([f"H{i:03d}" for i in range(120)])
    certificate = draw_sample(frame, "20261001", policy, seed_source="lottery 2026-10-01")
    projects = [Project(f"P{u}", u, Q3, [u]) for u in "ABCD"]
    responses = [
        SurveyResponse(h, f"P{u}", ANSWERS[(i + "ABCD".index(u) * 2) % (5 if u != "A" else 2)])
        for i, h in enumerate(certificate.sample)
        for u in "ABCD"
    ]
    survey = Survey(Q3, certificate, projects).respond_all(responses, policy)
    return evaluate_quarter(COMMUNITY, Q3, book, survey, policy=policy, at=dt.date(2026, 10, 9))


#: a three-level answer scale, for answers recorded under another scale than the shipped one
THREE_LEVELS = {
    "name": "three-level",
    "levels": [
        {"code": "good", "zh": "好", "en": "good", "score": "90"},
        {"code": "fair", "zh": "中", "en": "fair", "score": "60"},
        {"code": "poor", "zh": "差", "en": "poor", "score": "30"},
    ],
}


SMALL = Community("haicang", "Haicang", [MemberUnit(u, u, "co_building_unit") for u in "ABC"])
#: every survey answer counts, and missing components are re-weighted
REWEIGHT = POLICY.override({"evaluation.missing_component": "reweight"})
SMALL_PROJECTS = [
    Project("P0", "Unanswered", Q3, ["A"]),
    Project("P1", "Bins", Q3, ["A"]),
    Project("P2", "Lights", Q3, ["A", "B"]),
]


def small_quarter(
    policy: Policy | PolicySnapshot,
    *,
    recorded_under: Policy | PolicySnapshot | None = None,
    answers: tuple[str, str, str, str] = ("very satisfied", "satisfied", "基本满意", "不满意"),
) -> QuarterResult:
    """Three units; C made no self-rating and runs no project.

    Peers rate 80 on every dimension, except B, who rates A 90; A rates itself 85 and B 75.
    Ten households answer about P1 (the first two ``answers``, five each) and P2 (the last
    two, five each); nobody about P0. A runs P1 and P2, B runs P2.
    """
    recording = recorded_under or policy
    ratings = [
        Rating(a, b, Q3, "peer", dict.fromkeys(Dimension, 90 if (a, b) == ("B", "A") else 80))
        for a, b in itertools.permutations("ABC", 2)
    ]
    ratings += [
        Rating("A", "A", Q3, "self", dict.fromkeys(Dimension, 85)),
        Rating("B", "B", Q3, "self", dict.fromkeys(Dimension, 75)),
    ]
    book = RatingBook(SMALL, Q3).record_all(ratings, recording, at=Q3.end)
    frame = SamplingFrame([f"H{i}" for i in range(10)])
    certificate = draw_sample(frame, 1, recording, seed_source="dice", at=Q3.end)
    first, second, third, fourth = answers
    responses = [
        SurveyResponse(h, project, answer)
        for i, h in enumerate(sorted(frame.households))
        for project, answer in (
            ("P1", first if i < 5 else second),
            ("P2", third if i < 5 else fourth),
        )
    ]
    survey = Survey(Q3, certificate, SMALL_PROJECTS).respond_all(responses, recording, at=Q3.end)
    return evaluate_quarter(SMALL, Q3, book, survey, policy=policy, at=Q3.end)
