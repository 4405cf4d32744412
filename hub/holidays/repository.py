"""Queries of the calendar years."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.holidays.models import CalendarYear


class CalendarRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, year: int) -> CalendarYear | None:
        return self.session.get(CalendarYear, year)

    def all(self) -> list[CalendarYear]:
        return list(self.session.scalars(select(CalendarYear).order_by(CalendarYear.year)))

    def add(self, year: CalendarYear) -> CalendarYear:
        self.session.add(year)
        return year

    def delete(self, year: CalendarYear) -> None:
        self.session.delete(year)
