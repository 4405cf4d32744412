"""The register's tables: teachers borrowed (借用) or seconded (抽调) away from their schools."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, JSONType, UTCDateTime, utcnow

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


# --- the annual list of inspections, checks, appraisals and assessments (督查检查评比考核, seed items 1–3) ---

# 督查, 检查, 评比, 考核.
LIST_ITEM_KINDS = ("supervision", "inspection", "appraisal", "assessment")
# proposed: waiting for the Party committee office; merged: folded into a similar item (merged_into);
# approved: on the year's list and published to the schools concerned; refused: off the list.
LIST_ITEM_STATUSES = ("proposed", "merged", "approved", "refused")


class ListItem(Base):
    """One item a department proposes for a year's 督查检查评比考核 list."""

    __tablename__ = "register_list_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("principals.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    organiser: Mapped[str] = mapped_column(String(200))
    # Departments that proposed an item merged into this one (their names).
    co_organisers: Mapped[list[str]] = mapped_column(JSONType, default=list)
    inspected: Mapped[str] = mapped_column(Text)  # what is inspected (检查内容)
    # The schools concerned: codes, or None for every school of `division` (the proposer's bound).
    schools: Mapped[list[str] | None] = mapped_column(JSONType)
    division: Mapped[str | None] = mapped_column(String(6))
    levels: Mapped[list[str]] = mapped_column(JSONType, default=list)  # 小学, 初中 … (empty: every level)
    frequency: Mapped[str] = mapped_column(String(100))
    method: Mapped[str] = mapped_column(Text)
    window_starts: Mapped[date] = mapped_column(Date)
    window_ends: Mapped[date] = mapped_column(Date)
    # Why the window is not at year-end or term-end (seed item 3); the office approves it or not.
    window_reason: Mapped[str | None] = mapped_column(Text)
    # The materials and data asked for, each as the request check classified it.
    materials: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    status: Mapped[str] = mapped_column(String(16), default="proposed", index=True)
    merged_into: Mapped[int | None] = mapped_column(ForeignKey("register_list_items.id"))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Inspection(Base):
    """An inspection (or check, appraisal, assessment) reaching schools under an approved list item."""

    __tablename__ = "register_inspections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("register_list_items.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("principals.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    evidence: Mapped[str] = mapped_column(Text, default="")  # the evidence the schools are asked for
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InspectedSchool(Base):
    """One school an inspection reaches."""

    __tablename__ = "register_inspected_schools"

    inspection_id: Mapped[int] = mapped_column(ForeignKey("register_inspections.id"), primary_key=True)
    school_code: Mapped[str] = mapped_column(String(10), primary_key=True)

    __table_args__ = (Index("ix_register_inspected_schools_school", "school_code", "inspection_id"),)


# --- the 进校园 whitelist (社会事务进校园白名单, seed items 4–9) ---

# 宣传教育, 安全检查 (教育), 竞赛, 社会考试和监考, 评比, 其他.
WHITELIST_CATEGORIES = ("publicity", "safety", "competition", "exam", "appraisal", "other")


class WhitelistItem(Base):
    """One social affair the education bureau lets into schools in a year (上海 5 项, 浙江 6 项 …)."""

    __tablename__ = "register_whitelist_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    division: Mapped[str | None] = mapped_column(String(6))  # the bureau's division (None: every school)
    category: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    organiser: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int] = mapped_column(ForeignKey("principals.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SocialDemand(Base):
    """A social affair (宣传教育, 安全检查, 竞赛, 社会考试和监考, 评比 …) entering schools under a whitelist item."""

    __tablename__ = "register_social_demands"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("register_whitelist_items.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("principals.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    held_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DemandedSchool(Base):
    """One school a social demand reaches."""

    __tablename__ = "register_demanded_schools"

    demand_id: Mapped[int] = mapped_column(ForeignKey("register_social_demands.id"), primary_key=True)
    school_code: Mapped[str] = mapped_column(String(10), primary_key=True)

    __table_args__ = (Index("ix_register_demanded_schools_school", "school_code", "demand_id"),)
