"""The official holiday and 调休 schedule by year: chinese-calendar for the years it knows, the education
bureau's own entries for the others (and to correct the package), and a word whenever a deadline is counted
through a year nobody loaded (seed rule 12 would otherwise count its 春节 as working days)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from chinese_calendar import constants as package_days
from sqlalchemy.orm import Session

from hub.audit import service as audit
from hub.config import Settings
from hub.holidays.auth import KEEP_CALENDAR, READ_CALENDAR
from hub.holidays.errors import (
    CalendarDayOutsideYear,
    CalendarDayTwice,
    CalendarLineMalformed,
    CalendarYearNotLoaded,
)
from hub.holidays.models import CalendarYear
from hub.holidays.repository import CalendarRepository
from hub.identity.models import Principal
from hub.kit.workdays import WorkCalendar, package_knows

# chinese-calendar names its holidays in English; people read the official names.
HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}
# From this month on, the bureau's pages ask for next year's schedule (the State Council publishes it
# in late October or November).
REMIND_FROM_MONTH = 11
PACKAGE = "chinese-calendar"
BUREAU = "bureau"


@dataclass(frozen=True, kw_only=True)
class Day:
    day: date
    name: str


@dataclass(kw_only=True)
class Schedule:
    """One year's days off and 调休 working days, and where they come from (None: nobody knows them)."""

    year: int
    source: str | None
    holidays: list[Day] = field(default_factory=list)
    workdays: list[Day] = field(default_factory=list)
    note: str = ""
    set_at: datetime | None = None

    @property
    def known(self) -> bool:
        return self.source is not None


def package_schedule(year: int) -> Schedule:
    """What chinese-calendar holds for `year` (its weekday holidays and weekend working days)."""
    if not package_knows(year):
        return Schedule(year=year, source=None)

    def days(table: dict[date, Any]) -> list[Day]:
        return [
            Day(day=d, name=HOLIDAY_NAMES_ZH.get(str(name), str(name)))
            for d, name in sorted(table.items())
            if d.year == year
        ]

    return Schedule(
        year=year,
        source=PACKAGE,
        holidays=[d for d in days(package_days.holidays) if d.day.weekday() < 5],
        workdays=days(package_days.workdays),
    )


def _loaded(row: CalendarYear) -> Schedule:
    def days(entries: list[dict[str, Any]]) -> list[Day]:
        return [Day(day=date.fromisoformat(e["day"]), name=e.get("name") or "") for e in entries]

    return Schedule(
        year=row.year,
        source=BUREAU,
        holidays=days(row.holidays),
        workdays=days(row.workdays),
        note=row.note,
        set_at=row.set_at,
    )


def schedule(session: Session, principal: Principal, year: int) -> Schedule:
    """A year's schedule: the bureau's entry when it made one, else the package's, else an unknown year."""
    READ_CALENDAR.check(principal)
    row = CalendarRepository(session).get(year)
    return _loaded(row) if row is not None else package_schedule(year)


def overview(session: Session, principal: Principal, today: date) -> list[Schedule]:
    """Last year, this year, the next two, and every year the bureau loaded, in year order."""
    READ_CALENDAR.check(principal)
    loaded = {row.year: _loaded(row) for row in CalendarRepository(session).all()}
    years = sorted(set(loaded) | set(range(today.year - 1, today.year + 3)))
    return [loaded.get(y) or package_schedule(y) for y in years]


def set_year(
    session: Session,
    principal: Principal,
    year: int,
    *,
    holidays: list[Day],
    workdays: list[Day],
    note: str,
    now: datetime,
) -> Schedule:
    """The education bureau loads (or replaces) a year's schedule as the State Council announced it."""
    KEEP_CALENDAR.check(principal)
    for kind, days in (("holidays", holidays), ("workdays", workdays)):
        for d in days:
            if d.day.year != year:
                raise CalendarDayOutsideYear(
                    f"{d.day}（{d.name or '未命名'}）不在 {year} 年内",
                    f"{d.day} ({d.name or 'unnamed'}) is not in {year}",
                    detail={"field": kind, "value": d.day.isoformat(), "year": year},
                )
    both = sorted({d.day for d in holidays} & {d.day for d in workdays})
    if both:
        raise CalendarDayTwice(
            f"{both[0]} 既列为放假又列为调休上班，请只保留一处",
            f"{both[0]} is listed both as a day off and as a working day; keep one",
            detail={"field": "workdays", "value": both[0].isoformat()},
        )
    repository = CalendarRepository(session)
    row = repository.get(year) or repository.add(CalendarYear(year=year))

    def entries(days: list[Day]) -> list[dict[str, str]]:
        unique = {d.day: d for d in days}
        return [{"day": d.day.isoformat(), "name": d.name} for _, d in sorted(unique.items())]

    row.holidays, row.workdays = entries(holidays), entries(workdays)
    row.note, row.set_by, row.set_at = note, principal.id, now
    session.flush()
    audit.record_act(
        session,
        principal,
        "calendar.set",
        target={"kind": "calendar", "id": year},
        reason=note or None,
        detail={"holidays": len(row.holidays), "workdays": len(row.workdays)},
    )
    return _loaded(row)


def delete_year(session: Session, principal: Principal, year: int) -> None:
    """Remove the bureau's entry for a year (the package's schedule, where it has one, applies again)."""
    KEEP_CALENDAR.check(principal)
    repository = CalendarRepository(session)
    row = repository.get(year)
    if row is None:
        raise CalendarYearNotLoaded(
            f"教育局没有录入 {year} 年的节假日安排",
            f"no schedule was loaded for {year}",
            detail={"year": year},
        )
    repository.delete(row)
    session.flush()
    audit.record_act(session, principal, "calendar.delete", target={"kind": "calendar", "id": year})


def work_calendar(session: Session, settings: Settings) -> WorkCalendar:
    """The calendar deadlines are counted by: the package, the bureau's years, then HUB_EXTRA_* overrides."""
    rows = CalendarRepository(session).all()
    holidays = {date.fromisoformat(e["day"]) for row in rows for e in row.holidays}
    workdays = {date.fromisoformat(e["day"]) for row in rows for e in row.workdays}
    holidays = (holidays - set(settings.extra_workdays)) | set(settings.extra_holidays)
    workdays = (workdays - set(settings.extra_holidays)) | set(settings.extra_workdays)
    return WorkCalendar(
        holidays=frozenset(holidays), workdays=frozenset(workdays), years=frozenset(r.year for r in rows)
    )


def missing_next_year(session: Session, today: date) -> int | None:
    """Next year, from November on, while nobody has loaded its schedule (for the bureau's banner)."""
    if today.month < REMIND_FROM_MONTH:
        return None
    year = today.year + 1
    if package_knows(year) or CalendarRepository(session).get(year) is not None:
        return None
    return year


_DAY = r"(\d{4}-\d{1,2}-\d{1,2})"
_LINE = re.compile(rf"^{_DAY}(?:\s*(?:至|到|~|～|—|-{{1,2}})\s*{_DAY})?\s*(.*)$")


def parse_lines(text: str, *, field_name: str) -> list[Day]:
    """Lines of the web form: `2027-01-01 元旦` or a range `2027-02-10 至 2027-02-17 春节`."""
    days: list[Day] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = _LINE.match(line)
        try:
            if match is None:
                raise ValueError(line)
            first = date.fromisoformat(_padded(match.group(1)))
            last = date.fromisoformat(_padded(match.group(2))) if match.group(2) else first
        except ValueError:
            raise CalendarLineMalformed(
                f"第 {number} 行“{line}”看不懂：请写成“2027-01-01 元旦”或“2027-02-10 至 2027-02-17 春节”",
                f"line {number} '{line}' is not a day: write '2027-01-01 New Year' or "
                "'2027-02-10 至 2027-02-17 Spring Festival'",
                detail={"field": field_name, "row": number, "value": line},
            ) from None
        if last < first or (last - first).days > 31:
            raise CalendarLineMalformed(
                f"第 {number} 行“{line}”的日期范围不对（最多 31 天，先早后晚）",
                f"line {number} '{line}': a range runs forward and spans at most 31 days",
                detail={"field": field_name, "row": number, "value": line},
            )
        name = match.group(3).strip()
        day = first
        while day <= last:
            days.append(Day(day=day, name=name))
            day += timedelta(days=1)
    return days


def _padded(text: str) -> str:
    year, month, day = text.split("-")
    return f"{year}-{int(month):02d}-{int(day):02d}"
