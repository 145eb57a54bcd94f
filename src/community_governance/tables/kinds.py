"""The tables an office fills in, column by column, in both languages (E-1..E-4, C-3).

Each table has columns with a code (the English header) and a Chinese header; a file may
use either, as its first row. Lists inside a cell (a project's responsible units) are
separated by ``;``, ``；``, ``、`` or ``,``.
"""

from __future__ import annotations

from collections.abc import Mapping

from community_governance.tables.read import Column
from community_governance.vocabulary import Dimension

__all__ = ["LIST_SEPARATORS", "TABLES", "TableKind", "split_list"]

#: Separators of a list inside one cell.
LIST_SEPARATORS = (";", "；", "、", ",", "，")


class TableKind:
    """A kind of table: its name in both languages, the rule it carries, its columns."""

    def __init__(self, name: str, zh: str, en: str, rule: str, columns: tuple[Column, ...]):
        self.name = name
        self.zh = zh
        self.en = en
        self.rule = rule
        self.columns = columns

    def sheet_names(self) -> tuple[str, str]:
        """The sheet names a workbook may give this table: its code and its Chinese name."""
        return (self.name, self.zh)


_DIMENSIONS = tuple(Column(d.code, d.zh, d.en) for d in Dimension)

#: Every table, by name.
TABLES: Mapping[str, TableKind] = {
    "units": TableKind(
        "units",
        "成员单位",
        "member units",
        "E-1",
        (
            Column("community_id", "社区编号", "community id"),
            Column("community_name", "社区名称", "community name"),
            Column("unit_id", "单位编号", "unit id"),
            Column("name", "单位名称", "unit name"),
            Column("kind", "单位类型", "kind"),
            Column("households", "住户数", "households", required=False),
            Column("responsibilities", "职责清单", "responsibilities", required=False),
            Column("business_lines", "业务领域", "business lines", required=False),
            Column("compounds", "服务小区", "compounds", required=False),
            Column("credit_code", "统一社会信用代码", "credit code", required=False),
        ),
    ),
    "ratings": TableKind(
        "ratings",
        "自评互评",
        "ratings",
        "E-3",
        (
            Column("quarter", "季度", "quarter"),
            Column("rater", "评价单位", "rater"),
            Column("ratee", "被评单位", "ratee"),
            Column("kind", "评价类型", "kind", required=False),
            *_DIMENSIONS,
        ),
    ),
    "frame": TableKind(
        "frame",
        "住户名册",
        "household frame",
        "E-4",
        (
            Column("household", "住户编号", "household"),
            Column("stratum", "分层", "stratum", required=False),
        ),
    ),
    "projects": TableKind(
        "projects",
        "测评项目",
        "projects",
        "E-4",
        (
            Column("quarter", "季度", "quarter"),
            Column("project_id", "项目编号", "project id"),
            Column("title", "项目名称", "title"),
            Column("responsible_units", "责任单位", "responsible units"),
        ),
    ),
    "survey": TableKind(
        "survey",
        "民意测评",
        "survey answers",
        "E-4",
        (
            Column("household", "住户编号", "household"),
            Column("project", "项目编号", "project"),
            Column("answer", "评价", "answer"),
        ),
    ),
    "entry": TableKind(
        "entry",
        "问卷录入",
        "questionnaire entry",
        "E-4",
        (
            Column("code", "问卷编号", "questionnaire code"),
            Column("project", "项目编号", "project"),
            Column("answer", "评价", "answer"),
        ),
    ),
    "codes": TableKind(
        "codes",
        "问卷编号",
        "questionnaire codes",
        "E-4",
        (
            Column("code", "问卷编号", "questionnaire code"),
            Column("household", "住户编号", "household"),
            Column("role", "身份", "role"),
            Column("order", "抽签顺序", "draw order"),
        ),
    ),
    "ballots": TableKind(
        "ballots",
        "表决票",
        "ballots",
        "C-3",
        (
            Column("representative", "代表编号", "representative"),
            Column("proposal", "议题编号", "proposal"),
            Column("choice", "表决意见", "choice"),
            Column("change", "改票", "change", required=False),
        ),
    ),
}


def split_list(text: str | None) -> tuple[str, ...]:
    """The items of a list written in one cell, in order, blanks dropped."""
    if text is None:
        return ()
    for separator in LIST_SEPARATORS[1:]:
        text = text.replace(separator, LIST_SEPARATORS[0])
    return tuple(item.strip() for item in text.split(LIST_SEPARATORS[0]) if item.strip())
