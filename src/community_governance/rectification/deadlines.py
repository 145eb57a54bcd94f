"""Deadlines of rectification (E-6): calendar or working days.

The deadline of a rectification order counts the policy's days either way
(``rectification.day_count``); an extension moves it by the same count.
"""

from __future__ import annotations

import datetime as dt

from community_governance.vocabulary import DayCount

__all__ = ["add_days"]


def add_days(start: dt.date, days: int, day_count: DayCount) -> dt.date:
    """``start`` plus ``days`` calendar days, or working days (Monday to Friday)."""
    if day_count is DayCount.CALENDAR:
        return start + dt.timedelta(days=days)
    day, left = start, days
    while left > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:  # noqa: PLR2004 - Saturday is 5
            left -= 1
    return day
