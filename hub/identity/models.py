from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, UTCDateTime, utcnow
from hub.identity.roles import Role
from schemas import divisions

PRINCIPAL_KINDS = tuple(Role)


class Principal(Base):
    """Anyone who calls the hub: a department, the statistics bureau, the education bureau, a school, an admin."""

    __tablename__ = "principals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(64), unique=True)
    school_code: Mapped[str | None] = mapped_column(String(10), index=True)
    # The GB/T 2260 division (province, city or county) bounding what the principal sees; None: all.
    division: Mapped[str | None] = mapped_column(String(6), index=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the token stops working (HUB_TOKEN_DAYS after it was issued); None: it does not expire.
    token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def role(self) -> Role:
        return Role(self.kind)

    @property
    def division_name(self) -> str | None:
        return divisions.full_name(self.division) if self.division else None


class WebSession(Base):
    """A web sign-in: the cookie holds an opaque id, the table its HMAC, the principal and the end.

    The bearer token never reaches the browser's cookie jar; signing out deletes the row, so the id is
    dead at once wherever it was copied."""

    __tablename__ = "web_sessions"

    id_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    principal_id: Mapped[int] = mapped_column(ForeignKey("principals.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
