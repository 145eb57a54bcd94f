"""Rows of the listings that are not results: a policy, a policy diff, the catalogue (P-*, S-*).

``policy show``, ``policy diff`` and ``catalogue`` give these rows as ``--format csv`` or
``--format xlsx``, through the one spreadsheet writer every command shares; each table's
columns carry their Chinese headers for ``--lang zh``.
"""

from __future__ import annotations

import datetime as dt

from community_governance.explain import render_value
from community_governance.policy import Policy
from community_governance.policy.changes import PolicyDiff
from community_governance.services.catalogue import Catalogue
from community_governance.vocabulary import Lang

__all__ = [
    "CATALOGUE_COLUMNS",
    "DIFF_COLUMNS",
    "POLICY_COLUMNS",
    "RULE_COLUMNS",
    "catalogue_rows",
    "diff_rows",
    "policy_rows",
    "rule_rows",
]

#: A policy's parameters, one row per validity window.
POLICY_COLUMNS = {
    "name": "参数",
    "value": "取值",
    "rule": "规则",
    "valid_from": "生效日期",
    "valid_until": "截止日期",
    "note": "说明",
}

#: A policy diff: each parameter's windows before and after.
DIFF_COLUMNS = {
    "name": "参数",
    "side": "前后",
    "valid_from": "生效日期",
    "valid_until": "截止日期",
    "value": "取值",
}

#: The service catalogue, one row per entry.
CATALOGUE_COLUMNS = {
    "rule": "规则",
    "entry": "编号",
    "parent": "上级",
    "name": "名称",
    "providers": "提供者",
    "groups": "服务对象",
    "source": "来源",
}


#: The rules, shipped and installed: one row per rule.
RULE_COLUMNS = {
    "rule": "规则",
    "title": "内容",
    "parameters": "参数",
    "implemented_by": "实现",
    "source": "出处",
}


def rule_rows(policy: Policy, lang: Lang) -> list[dict[str, object]]:
    """Every rule, shipped then installed, with the policy's parameters that cite it."""
    from community_governance.rules import all_rules

    cited: dict[str, list[str]] = {}
    for name, parameter in policy.parameters.items():
        cited.setdefault(parameter.rule, []).append(name)
    return [
        {
            "rule": rule.id,
            "title": rule.title(lang),
            "parameters": "; ".join(sorted(cited.get(rule.id, ()))),
            "implemented_by": "; ".join(rule.implemented_by),
            "source": rule.source,
        }
        for rule in all_rules()
    ]


def _day(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def policy_rows(policy: Policy, lang: Lang, on: dt.date | None) -> list[dict[str, object]]:
    """Every parameter's windows (only those in force on ``on``, when given)."""
    return [
        {
            "name": row.name,
            "value": row.value,
            "rule": row.rule,
            "valid_from": _day(row.valid_from),
            "valid_until": _day(row.valid_until),
            "note": row.note(lang),
        }
        for row in policy.rows()
        if on is None
        or (row.valid_from <= on and (row.valid_until is None or on <= row.valid_until))
    ]


def diff_rows(changes: PolicyDiff, lang: Lang) -> list[dict[str, object]]:
    """Each changed parameter's windows, before then after."""
    sides = (
        {"before": "原", "after": "新"} if lang == "zh" else {"before": "before", "after": "after"}
    )
    rows: list[dict[str, object]] = []
    for change in changes.changes:
        for side, parameter in (("before", change.before), ("after", change.after)):
            if parameter is None:
                continue
            rows.extend(
                {
                    "name": change.name,
                    "side": sides[side],
                    "valid_from": _day(window.valid_from),
                    "valid_until": _day(window.valid_until),
                    "value": render_value(parameter.kind.dump(window.value)),
                }
                for window in parameter.windows
            )
    return rows


def catalogue_rows(catalogue: Catalogue, lang: Lang) -> list[dict[str, object]]:
    """Every entry of the catalogue, in its order."""
    return [
        {
            "rule": entry.rule,
            "entry": entry.entry_id,
            "parent": entry.parent,
            "name": entry.name(lang),
            "providers": "; ".join(entry.providers),
            "groups": "; ".join(entry.groups),
            "source": entry.source,
        }
        for entry in catalogue.entries.values()
    ]
