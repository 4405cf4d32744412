from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, JSONType, UTCDateTime, utcnow


class Grant(Base):
    """Permission for a department to read elements of a scope, for a purpose, until a date (seed rule 14)."""

    __tablename__ = "grants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("principals.id"), index=True)
    entity: Mapped[str] = mapped_column(String(16))
    elements: Mapped[list[str]] = mapped_column(JSONType)
    # Elements the department may read unmasked; sensitive elements are masked unless listed here.
    clear_elements: Mapped[list[str]] = mapped_column(JSONType, default=list)
    schools: Mapped[list[str] | None] = mapped_column(JSONType)  # None: every school
    # Administrative divisions (GB/T 2260 codes, trailing 00s meaning "the whole province/city"); None: any.
    divisions: Mapped[list[str] | None] = mapped_column(JSONType)
    purpose: Mapped[str] = mapped_column(Text, default="")
    # A standing agreement's (共享协议) legal basis or document number, as the education bureau wrote it.
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"), index=True)
    # For a request's grant answered at once: the standing agreement that covered it.
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("grants.id"), index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    # The latest end it may be given when renewed: the statistics approval's 有效期 it rests on.
    ends_by: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))

    def active_on(self, day: date) -> bool:
        return (
            self.revoked_at is None
            and self.valid_from <= day
            and (self.valid_until is None or day <= self.valid_until)
        )
