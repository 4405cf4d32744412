from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, UTCDateTime, utcnow


class ActivationCode(Base):
    """A one-time code a school trades for its token (the bureau's onboarding sheet holds the clear code;
    the hub keeps only its HMAC). A newer code for the same account voids the older ones."""

    __tablename__ = "activation_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_code: Mapped[str] = mapped_column(String(10), index=True)
    principal_id: Mapped[int] = mapped_column(ForeignKey("principals.id"), index=True)
    code_digest: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
