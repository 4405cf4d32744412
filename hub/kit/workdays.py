"""Working days by the official calendar (holidays and 调休 from chinese-calendar) plus local overrides."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import chinese_calendar


def is_working_day(
    day: date, *, extra_holidays: Iterable[date] = (), extra_workdays: Iterable[date] = ()
) -> bool:
    if day in set(extra_workdays):
        return True
    if day in set(extra_holidays):
        return False
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        # Years the calendar package does not know yet: weekends only, until it is updated.
        return day.weekday() < 5


def working_days_between(start: date, end: date, **overrides: Iterable[date]) -> int:
    """Working days after `start` up to and including `end` (the day a notice goes out does not count)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day, **overrides)
    return count


def add_working_days(start: date, days: int, **overrides: Iterable[date]) -> date:
    """The date `days` working days after `start`."""
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        counted += is_working_day(day, **overrides)
    return day
