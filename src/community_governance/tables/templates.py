"""Fill-in templates of every table, with an example row and drop-down lists (E-1..E-4, C-3).

A template is a table with its headers (Chinese under ``lang="zh"``, else the codes), one
example row, and, in a workbook, drop-down lists where a column takes one of a few values:
a unit's kind, a rating's kind, the policy's answer levels, a ballot's choices, and the
unit ids (the office's own, given as ``unit_ids``, or the example's). A score column takes a
decimal within the policy's scale and places. The JSON form is an array of row objects,
which every reader takes as a table too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Literal

from community_governance.evaluation.fieldwork import NOT_RETURNED
from community_governance.policy.schema import PolicySnapshot
from community_governance.tables.kinds import TABLES
from community_governance.tables.write import write_table
from community_governance.vocabulary import Choice, Component, Dimension, OrganisationKind

__all__ = ["EXAMPLE_ROWS", "template"]

#: The example row of each table.
EXAMPLE_ROWS: Mapping[str, Mapping[str, str | None]] = {
    "units": {
        "community_id": "xm-0001",
        "community_name": "示例社区",
        "unit_id": "clinic",
        "name": "社区卫生服务站",
        "kind": OrganisationKind.RESIDENTS_COMMITTEE.code,
        "households": "1200",
        "responsibilities": "健康档案;慢病随访",
        "business_lines": None,
        "compounds": None,
        "credit_code": None,
    },
    "ratings": {
        "quarter": "2026Q3",
        "rater": "clinic",
        "ratee": "school",
        "kind": Component.PEER.code,
        **{d.code: "90" for d in Dimension},
        Dimension.PUBLIC_SATISFACTION.code: None,
    },
    "frame": {"household": "H00001", "stratum": "1号楼"},
    "projects": {
        "quarter": "2026Q3",
        "project_id": "P1",
        "title": "加装电梯",
        "responsible_units": "clinic;school",
    },
    "survey": {"household": "H00001", "project": "P1", "answer": "满意"},
    # A questionnaire's code, never the household's id (survey codes gives the codes).
    "entry": {"code": "0L9HKYK1", "project": "P1", "answer": "满意"},
    "ballots": {"representative": "R01", "proposal": "P1", "choice": Choice.AGREE.code},
}


def _choices(
    kind: str, policy: PolicySnapshot, unit_ids: Sequence[str], lang: str
) -> dict[str, list[str]]:
    def labels(members: Sequence[OrganisationKind | Component | Choice]) -> list[str]:
        return [m.zh if lang == "zh" else m.code for m in members]

    if kind == "units":
        return {"kind": labels(list(OrganisationKind))}
    if kind == "ratings":
        return {
            "kind": labels([Component.SELF, Component.PEER]),
            "rater": list(unit_ids),
            "ratee": list(unit_ids),
        }
    if kind in ("survey", "entry"):
        levels = policy.survey_answer_scale.levels
        answers = [level.zh if lang == "zh" else level.code for level in levels]
        # A questionnaire that did not come back is entered as such (E-4).
        extra = [NOT_RETURNED[0] if lang == "zh" else NOT_RETURNED[1]] if kind == "entry" else []
        return {"answer": answers + extra}
    if kind == "ballots":
        return {"choice": labels(list(Choice))}
    return {}


def _label(value: str, listed: Sequence[str], policy: PolicySnapshot, lang: str) -> str:
    """The example's value as the list shows it (a Chinese label under ``zh``)."""
    if value in listed:
        return value
    for enum in (OrganisationKind, Component, Choice):
        try:
            member = enum.from_label(value)
        except LookupError:
            continue
        shown = member.zh if lang == "zh" else member.code
        if shown in listed:
            return shown
    level = policy.survey_answer_scale.level(value)
    return level.zh if lang == "zh" else level.code


def template(
    kind: str,
    fmt: Literal["csv", "xlsx", "json"],
    policy: PolicySnapshot,
    *,
    lang: str = "en",
    unit_ids: Sequence[str] = (),
    excel: bool = True,
) -> bytes:
    """The fill-in template of table ``kind`` (see ``TABLES``) in ``fmt``.

    CSV starts with a byte-order mark unless ``excel`` is false, so that Excel opens the
    Chinese headers as written.
    """
    table = TABLES[kind]
    row = dict(EXAMPLE_ROWS[kind])
    ids = list(unit_ids) or ["clinic", "school"]
    if unit_ids and kind == "ratings":
        row["rater"], row["ratee"] = ids[0], ids[-1]
    if fmt == "json":
        shown = {c.label(lang): row.get(c.code) for c in table.columns}
        return (json.dumps([shown], ensure_ascii=False, indent=2) + "\n").encode()
    choices = _choices(kind, policy, ids, lang)
    for column in ("kind", "answer", "choice"):
        if column in choices and row.get(column):
            row[column] = _label(str(row[column]), choices[column], policy, lang)
    if fmt == "xlsx":
        from community_governance.tables.write import write_workbook  # noqa: PLC0415

        scale = policy.score_range
        numbers = {d.code: (scale.minimum, scale.maximum, scale.places) for d in Dimension}
        return write_workbook(
            [(table, [row])],
            lang=lang,
            choices=choices,
            numbers=numbers if kind == "ratings" else None,
        )
    return write_table(table, [row], "csv", lang=lang, excel=excel)
