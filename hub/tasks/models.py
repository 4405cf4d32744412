"""School tasks: what the education bureau asked one school for, the rows it asked about, each submission."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, JSONType, UTCDateTime, utcnow

# open: the school is filling it; complete: every row holds every field (or the school said it is done);
# closed: the request was answered (all tasks in, or the deadline passed) and takes no more submissions.
TASK_STATUSES = ("open", "complete", "closed")


class Task(Base):
    """One school's share of a published request: only the fields that school lacks."""

    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    school_code: Mapped[str] = mapped_column(String(10), index=True)
    entity: Mapped[str] = mapped_column(String(16))
    # Element codes the school is asked for, in the request's order.
    fields: Mapped[list[str]] = mapped_column(JSONType)
    # Element code → the period (Period.key) a periodic field collects: the one the store lacked.
    periods: Mapped[dict[str, str] | None] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(String(16), default="open")
    deadline: Mapped[date] = mapped_column(Date)
    rows_expected: Mapped[int] = mapped_column(Integer, default=0)
    rows_filled: Mapped[int] = mapped_column(Integer, default=0)
    submissions: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))
    last_submission_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the school declares the task done although some rows stay empty (a teacher left, say),
    # with the reason it gave for the empty rows.
    marked_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_reason: Mapped[str | None] = mapped_column(Text)
    # The first time the school opened the task (its page, rows or template): before it, "not opened".
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("request_id", "school_code", name="uq_tasks_request_school"),)


class TaskRow(Base):
    """A record a task asks about, fixed at publication, with the reference the school sees for it.

    The reference lets a school name a teacher without retyping an ID number; the record key stays
    inside the hub. The school code leads the key so the table distributes with the teachers table.
    """

    __tablename__ = "task_rows"

    school_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), primary_key=True)
    record_key: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_task_rows_task_record", "task_id", "record_key"),)


class TaskSubmission(Base):
    """One upload or JSON post for a task, and how it went (the rows themselves are in the ingest batch)."""

    __tablename__ = "task_submissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    school_code: Mapped[str] = mapped_column(String(10))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_batches.id"))
    submitted_by: Mapped[int] = mapped_column(ForeignKey("principals.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    source: Mapped[str] = mapped_column(String(16))  # csv | xlsx | json
    filename: Mapped[str | None] = mapped_column(String(300))
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    extra_columns: Mapped[list[str]] = mapped_column(JSONType, default=list)


class TaskReminder(Base):
    """A 催报: the education bureau reminds a school of a task it has not submitted; the school sees it."""

    __tablename__ = "task_reminders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    school_code: Mapped[str] = mapped_column(String(10), index=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_by: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    # When the school opened the task after the reminder (until then its task list shows the reminder).
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
