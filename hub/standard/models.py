from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, JSONType, UTCDateTime, utcnow


class StandardVersion(Base):
    """A version of the standard beyond the bundled one: the elements it added (immutable once written)."""

    __tablename__ = "standard_versions"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    added_elements: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)


class LearnedSynonym(Base):
    """A label a reviewer or an approval tied to an element, so the next form that writes it matches exactly."""

    __tablename__ = "learned_synonyms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    element_code: Mapped[str] = mapped_column(String(120), index=True)
    label: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))
    source: Mapped[str] = mapped_column(String(200), default="")
