"""Working days by the official calendar: holidays and 调休 from chinese-calendar, the years the education
bureau loaded itself (hub/holidays), and local overrides."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar


@functools.cache
def package_knows(year: int) -> bool:
    """Whether the installed chinese-calendar holds the State Council's schedule for `year`."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@dataclass(frozen=True, kw_only=True)
class WorkCalendar:
    """Which days are working days.

    `years` are the years whose schedule someone loaded (the education bureau, in hub/holidays): for
    them only `holidays` and `workdays` say what differs from Monday–Friday. Other years follow the
    package; a year neither knows is counted Monday–Friday and named by `unknown_years`.
    """

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    years: frozenset[int] = frozenset()

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        if day.year in self.years or not package_knows(day.year):
            return day.weekday() < 5
        return bool(chinese_calendar.is_workday(day))

    def knows(self, year: int) -> bool:
        return year in self.years or package_knows(year)

    def unknown_years(self, start: date, end: date) -> list[int]:
        """The years between `start` and `end` (both included) whose holidays and 调休 nobody loaded."""
        low, high = sorted((start.year, end.year))
        return [year for year in range(low, high + 1) if not self.knows(year)]


def calendar_with(extra_holidays: Iterable[date] = (), extra_workdays: Iterable[date] = ()) -> WorkCalendar:
    """The package's calendar with local overrides (HUB_EXTRA_HOLIDAYS / HUB_EXTRA_WORKDAYS)."""
    return WorkCalendar(holidays=frozenset(extra_holidays), workdays=frozenset(extra_workdays))


def is_working_day(
    day: date,
    *,
    calendar: WorkCalendar | None = None,
    extra_holidays: Iterable[date] = (),
    extra_workdays: Iterable[date] = (),
) -> bool:
    return (calendar or calendar_with(extra_holidays, extra_workdays)).is_working_day(day)


def working_days_between(
    start: date,
    end: date,
    *,
    calendar: WorkCalendar | None = None,
    extra_holidays: Iterable[date] = (),
    extra_workdays: Iterable[date] = (),
) -> int:
    """Working days after `start` up to and including `end` (the day a notice goes out does not count)."""
    calendar = calendar or calendar_with(extra_holidays, extra_workdays)
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += calendar.is_working_day(day)
    return count


def add_working_days(
    start: date,
    days: int,
    *,
    calendar: WorkCalendar | None = None,
    extra_holidays: Iterable[date] = (),
    extra_workdays: Iterable[date] = (),
) -> date:
    """The date `days` working days after `start`."""
    calendar = calendar or calendar_with(extra_holidays, extra_workdays)
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        counted += calendar.is_working_day(day)
    return day
