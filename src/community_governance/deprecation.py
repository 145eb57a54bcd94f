"""Deprecated names that keep working for one minor version (all rules).

``at=`` is the one name for the date of an act. Rules that took ``on=`` still
accept it, with a ``DeprecationWarning``; passing both is an error.
Modules that moved re-export their names from the new place with a warning.
"""

from __future__ import annotations

import datetime as dt
import warnings

from community_governance.errors import ParseError

__all__ = ["deprecated_alias", "required_date", "warn_moved"]


def deprecated_alias(
    where: str,
    *,
    at: dt.date | None,
    on: dt.date | None,
    old: str = "on",
    rule: str = "exact",
    depth: int = 0,
) -> dt.date | None:
    """The date of the act from ``at=``, or from the deprecated ``on=`` with a warning.

    ``depth`` counts the helpers between the rule and this function, so that the warning
    points at the line that called the rule.

    Raises:
        ParseError: both were given.
    """
    if on is None:
        return at
    if at is not None:
        raise ParseError(
            f"{where}: pass at= only ({old}= is its old name)",
            field="at",
            rule=rule,
            zh=f"{where}：只能传 at=（{old}= 是其旧名）",
        )
    warnings.warn(
        f"{where}({old}=...) is deprecated; use at=...", DeprecationWarning, stacklevel=3 + depth
    )
    return on


def required_date(
    where: str, *, at: dt.date | None, on: dt.date | None, rule: str, old: str = "on"
) -> dt.date:
    """The date of an act that has no default: ``at=`` (or the deprecated ``on=``).

    Raises:
        ParseError: neither was given, or both.
    """
    when = deprecated_alias(where, at=at, on=on, old=old, rule=rule, depth=1)
    if when is None:
        raise ParseError(
            f"{where} needs the date of the act: pass at=",
            field="at",
            rule=rule,
            zh=f"{where} 需要行为发生的日期：请传 at=",
        )
    return when


def warn_moved(old: str, new: str) -> None:
    """Warn that ``old`` moved to ``new``."""
    warnings.warn(f"{old} moved to {new}", DeprecationWarning, stacklevel=3)
