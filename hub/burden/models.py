"""The burden baseline (seed rule 2: 减少50%以上 against 现有基础): forms a school filled per term before the hub."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, UTCDateTime, utcnow

# Stands for "every term" / "every school" in a baseline's key (a key column cannot be NULL).
EVERY = "*"


class BurdenBaseline(Base):
    """How many forms a school used to fill in a term before the hub, as the education bureau set it.

    The most specific row wins: (term, school), then (every term, school), (term, every school),
    (every term, every school).
    """

    __tablename__ = "burden_baselines"

    term: Mapped[str] = mapped_column(String(16), primary_key=True)  # e.g. 2026-秋, or EVERY
    school_code: Mapped[str] = mapped_column(String(10), primary_key=True)  # or EVERY
    forms: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    set_by: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
