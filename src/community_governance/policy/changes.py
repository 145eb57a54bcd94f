"""What changed between two policies, parameter by parameter (P, all rules).

``diff(before, after)`` lists the parameters that differ;
``before.override(diff(before, after).as_overrides())`` equals ``after``.
"""

from __future__ import annotations

from typing import Any

import attrs

from community_governance.explain import render_value
from community_governance.policy.model import Policy
from community_governance.policy.parameter import Parameter
from community_governance.vocabulary import Lang

__all__ = ["ParameterChange", "PolicyDiff", "diff"]


@attrs.frozen
class ParameterChange:
    """A parameter that differs between two policies (``None`` where absent)."""

    name: str
    before: Parameter | None
    after: Parameter | None


@attrs.frozen
class PolicyDiff:
    """What changed from one policy to another, parameter by parameter."""

    changes: tuple[ParameterChange, ...]

    def __bool__(self) -> bool:
        return bool(self.changes)

    def __len__(self) -> int:
        return len(self.changes)

    def names(self) -> tuple[str, ...]:
        """The names of the parameters that changed."""
        return tuple(c.name for c in self.changes)

    def as_overrides(self, *, numbers: bool = False) -> dict[str, Any]:
        """Overrides that turn the first policy into the second (see ``Policy.override``).

        ``numbers``: exact numbers as ``Decimal`` where they have a decimal, for a JSON
        writer (see ``Parameter.to_document``).
        """
        return {
            c.name: (c.after.to_document(numbers=numbers) if c.after is not None else None)
            for c in self.changes
        }

    def to_text(self, lang: Lang = "en") -> str:
        """The changes for people, in ``lang``."""
        if not self.changes:
            return "无变化" if lang == "zh" else "no changes"
        lines = []
        for change in self.changes:
            lines.append(change.name)
            for sign, parameter in (("-", change.before), ("+", change.after)):
                if parameter is None:
                    continue
                lines.extend(
                    f"  {sign} {w.valid_from.isoformat()}..{w.valid_until or ''}: "
                    f"{render_value(parameter.kind.dump(w.value))}"
                    for w in parameter.windows
                )
        return "\n".join(lines)


def diff(before: Policy, after: Policy) -> PolicyDiff:
    """List the parameters that differ between ``before`` and ``after``.

    ``diff(p, p)`` is empty, and ``before.override(diff(before, after).as_overrides())``
    equals ``after``.
    """
    names = sorted(set(before.parameters) | set(after.parameters))
    return PolicyDiff(
        tuple(
            ParameterChange(name, before.parameters.get(name), after.parameters.get(name))
            for name in names
            if before.parameters.get(name) != after.parameters.get(name)
        )
    )
