"""The domain's inputs as table rows, to export and to start templates from (E-1..E-4).

The rows read back as the objects they were written from: ``units_from_table`` of
``units_rows(c)`` is ``c``, and so on. Values are written by code (``self``,
``very_satisfied``); reading takes codes and labels alike.
"""

from __future__ import annotations

from collections.abc import Mapping

from community_governance.community import Community, Project
from community_governance.evaluation.ratings import RatingBook
from community_governance.evaluation.sampling import SamplingFrame
from community_governance.evaluation.survey import Survey
from community_governance.vocabulary import Dimension

__all__ = ["frame_rows", "projects_rows", "ratings_rows", "survey_rows", "units_rows"]

Rows = list[Mapping[str, str | None]]


def units_rows(community: Community) -> Rows:
    """One row per member unit, the community named on each."""
    return [
        {
            "community_id": community.community_id,
            "community_name": community.name,
            "unit_id": unit.unit_id,
            "name": unit.name,
            "kind": unit.kind.code,
            "households": str(community.household_count) if community.household_count else None,
            "responsibilities": ";".join(unit.responsibilities) or None,
            "business_lines": ";".join(unit.business_lines) or None,
            "compounds": ";".join(unit.compounds) or None,
            "credit_code": unit.credit_code,
        }
        for unit in community.units
    ]


def ratings_rows(book: RatingBook) -> Rows:
    """One row per current rating (corrections applied), in the book's order."""
    rows: Rows = []
    for rating in book.current.values():
        row: dict[str, str | None] = {
            "quarter": str(book.quarter),
            "rater": rating.rater,
            "ratee": rating.ratee,
            "kind": rating.kind.code,
        }
        for dimension in Dimension:
            score = rating.scores.get(dimension)
            row[dimension.code] = None if score is None else str(score)
        rows.append(row)
    return rows


def frame_rows(frame: SamplingFrame) -> Rows:
    """One row per household, with its stratum if the frame has strata."""
    return [
        {"household": household, "stratum": frame.strata.get(household)}
        for household in frame.households
    ]


def projects_rows(projects: tuple[Project, ...]) -> Rows:
    """One row per project, its responsible units separated by ``;``."""
    return [
        {
            "quarter": str(project.quarter),
            "project_id": project.project_id,
            "title": project.title,
            "responsible_units": ";".join(project.responsible_units),
        }
        for project in projects
    ]


def survey_rows(survey: Survey) -> Rows:
    """One row per answer (by the answer's code)."""
    return [
        {"household": r.household, "project": r.project, "answer": r.answer}
        for r in survey.responses
    ]
