"""Source configs, their runs, the files a folder source has taken in, and the scheduler's job store."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    Unicode,
)
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, JSONType, UTCDateTime, utcnow
from hub.identity.models import Principal

SOURCE_KINDS = ("folder", "http", "sql")
RUN_STATUSES = ("succeeded", "failed")
RUN_TRIGGERS = ("schedule", "manual", "api", "web")  # manual: `hub sources run`


class Source(Base):
    """A system that already holds teacher or school data, how to read it and when."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    entity: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text, default="")
    # Connector settings as given (secrets included: the API masks them on the way out).
    settings: Mapped[dict[str, Any]] = mapped_column(JSONType)
    # Source column → element name; a null target drops the column.
    mapping: Mapped[dict[str, str | None]] = mapped_column(JSONType, default=dict)
    schedule_cron: Mapped[str | None] = mapped_column(String(120))
    schedule_seconds: Mapped[int | None] = mapped_column(Integer)
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    failure_threshold: Mapped[int] = mapped_column(Integer, default=3)
    # The GB/T 2260 division it feeds (its creator's): it writes records of that subtree's schools
    # only, and only bureaus whose division holds it see or run it. None: the hub's own, hub-wide.
    division: Mapped[str | None] = mapped_column(String(6), index=True)
    # The period (as written, e.g. 2025) its periodic values belong to; None: the current one.
    period: Mapped[str | None] = mapped_column(String(32))
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    failing: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Incremental SQL sources: the largest updated-at value taken in, as text.
    high_water_mark: Mapped[str | None] = mapped_column(String(64))
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey(Principal.id))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SourceRun(Base):
    """One run of a source: what it read, what the store took, what it turned away and why."""

    __tablename__ = "source_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    trigger: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16))
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    # The mark the run started from and the one it reached (incremental SQL sources).
    high_water_mark_from: Mapped[str | None] = mapped_column(String(64))
    high_water_mark: Mapped[str | None] = mapped_column(String(64))
    # Folder sources: [{name, sha256, rows_read, accepted, rejected, error?}] for each new file.
    files: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    batch_ids: Mapped[list[int]] = mapped_column(JSONType, default=list)
    # The quarantine: [{file?, row, field, value, reason, reason_en}] (capped).
    rejections: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    notices: Mapped[list[str]] = mapped_column(JSONType, default=list)

    __table_args__ = (Index("ix_source_runs_source_started", "source_id", "started_at"),)


class SourceFile(Base):
    """A file a folder source has taken in, by content hash: the same bytes are never read twice."""

    __tablename__ = "source_files"

    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    filename: Mapped[str] = mapped_column(String(300))
    run_id: Mapped[int] = mapped_column(ForeignKey("source_runs.id", ondelete="CASCADE"))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# APScheduler 3's SQLAlchemyJobStore table, declared here (same shape it creates) so that Alembic owns it
# and the one scheduler process finds it in place; the job store's own create is then a no-op.
scheduler_jobs_table = Table(
    "apscheduler_jobs",
    Base.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)
