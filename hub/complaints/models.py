"""举报: a school flags a demand that breaks the 减负清单, and the education bureau answers it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, UTCDateTime, utcnow

# open: waiting for the education bureau; answered: it replied (and may reply again); closed: settled, final.
COMPLAINT_STATUSES = ("open", "answered", "closed")
# Who filed it: a school with its account, or anyone (a teacher, a parent) through the public form.
CHANNELS = ("school", "public")
# Where it is handled (高平方案（四）: 向教育局或纪检监察部门反映): the education bureau, or the
# discipline-inspection queue, which the education bureau cannot read (a report may be about it).
QUEUES = ("education", "discipline")


class Complaint(Base):
    """One flag raised by a school about a request through the hub, or a demand that went around it."""

    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # What the reporter follows it by, without an account (GET /public/complaints/{tracking_code}).
    tracking_code: Mapped[str] = mapped_column(String(20), unique=True)
    channel: Mapped[str] = mapped_column(String(8), default="school", server_default="school")
    queue: Mapped[str] = mapped_column(
        String(16), default="education", server_default="education", index=True
    )
    # The school concerned: a school's own, or the one a public reporter named (code or free text).
    school_code: Mapped[str | None] = mapped_column(String(10))
    school_name: Mapped[str | None] = mapped_column(String(200))
    # The school's principal; None for a public report. A teacher files with the school's token, so no
    # person is recorded.
    filed_by: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))
    # How a public reporter may be reached: shown only to the queue that handles the report, never to
    # the school or department reported, nor on the public follow-up page.
    contact: Mapped[str | None] = mapped_column(String(200))
    # The answer is due by this day (HUB_COMPLAINT_ANSWER_WORKING_DAYS after filing).
    due_on: Mapped[date | None] = mapped_column(Date)
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
