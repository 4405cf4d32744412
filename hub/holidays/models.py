"""A year's official holiday and 调休 schedule, as the education bureau loaded it.

chinese-calendar knows the State Council's schedule for the years up to its release; a year it does not
know yet (announced each November) is loaded here, so deadlines (seed rule 12) are counted by it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, JSONType, UTCDateTime, utcnow


class CalendarYear(Base):
    """The days of one year that differ from Monday–Friday: holidays (放假) and 调休 working weekend days."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    # [{"day": "2027-01-01", "name": "元旦"}, …] in day order
    holidays: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    workdays: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    note: Mapped[str] = mapped_column(Text, default="")  # e.g. the State Council notice it comes from
    set_by: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
