"""举报: a school flags a demand that breaks the 减负清单, and the education bureau answers it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, UTCDateTime, utcnow

# open: waiting for the education bureau; answered: it replied (and may reply again); closed: settled, final.
COMPLAINT_STATUSES = ("open", "answered", "closed")


class Complaint(Base):
    """One flag raised by a school about a request through the hub, or a demand that went around it."""

    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_code: Mapped[str] = mapped_column(String(10))
    # The school's principal; a teacher files with the school's token, so no person is recorded.
    filed_by: Mapped[int] = mapped_column(ForeignKey("principals.id"))
    reason: Mapped[str] = mapped_column(String(16))  # a code of hub.complaints.reasons
    text: Mapped[str] = mapped_column(Text)
    # A request through the hub that concerned the school, or else a demand that never came through it.
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"), index=True)
    outside_department: Mapped[str | None] = mapped_column(String(200))
    outside_demand: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    response: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_complaints_school_created", "school_code", "created_at"),)
