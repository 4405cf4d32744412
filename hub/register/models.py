"""The register's tables: teachers borrowed (借用) or seconded (抽调) away from their schools."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, UTCDateTime, utcnow

# 借用 (seed item 15): for a task of the Party's and the state's; 抽调 (item 16): for meetings and affairs.
SECONDMENT_KINDS = ("borrow", "second")
# requested: waiting for the education bureau; approved: filed and the schools informed; refused; returned:
# every teacher is back (returned_on says when).
SECONDMENT_STATUSES = ("requested", "approved", "refused", "returned")


class Secondment(Base):
    """One department's request to take teachers away from their schools for a while."""

    __tablename__ = "register_secondments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    department_id: Mapped[int] = mapped_column(ForeignKey("principals.id"), index=True)
    purpose: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    # Why it must last longer than half a year: without one such a request is refused.
    exception_reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="requested", index=True)
    # The Party committee's filing number (备案号), recorded when the education bureau approves.
    filing_number: Mapped[str | None] = mapped_column(String(100))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)
    returned_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SecondedTeacher(Base):
    """Who is taken from one school: a named teacher (headcount 1), or a number of teachers unnamed."""

    __tablename__ = "register_seconded_teachers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    secondment_id: Mapped[int] = mapped_column(ForeignKey("register_secondments.id"))
    school_code: Mapped[str] = mapped_column(String(10))
    teacher_name: Mapped[str | None] = mapped_column(String(100))
    headcount: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (
        Index("ix_register_seconded_teachers_school", "school_code", "secondment_id"),
        Index("ix_register_seconded_teachers_secondment", "secondment_id"),
    )
