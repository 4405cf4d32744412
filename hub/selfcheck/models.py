"""A school's submitted 自查表 of a term: its own answers to the items the hub's records cannot settle."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, JSONType, UTCDateTime, utcnow


class SelfCheckSubmission(Base):
    """One school's 自查表 for one term, submitted once at term end (高平方案 附件2, 每学期末)."""

    __tablename__ = "selfcheck_submissions"

    school_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    term: Mapped[str] = mapped_column(String(16), primary_key=True)  # 2026-秋
    # Item number (as text) → {"finding": compliant|violation, "text": the school's words}: the items the
    # school answered itself; the items the hub's records settle are never stored here.
    answers: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # The hub's findings when it was submitted (item → compliant|violation|unknown), for the record.
    hub_findings: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    submitted_by: Mapped[int] = mapped_column(ForeignKey("principals.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
