"""The burden baseline (seed rule 2: 减少50%以上 against 现有基础): what reached each school in a year before.

A baseline is set by the education bureau for a level (a GB/T 2260 division: province, city or county,
or every school) and a year, from that year's own ledgers: the 督查检查评比考核 list and the tasks sent to
schools. It is never derived from the hub's own current figures, which would let every school "meet"
the goal by comparing a term with itself.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, UTCDateTime, utcnow

# Stands for "every school" in a baseline's key (a key column cannot be NULL).
EVERY = "*"


class BurdenBaseline(Base):
    """How many demands reached each school of a division in a year, as the education bureau counted them.

    The year after `year` is measured against it. The most specific division holding a school wins
    (its county over its city over its province over every school).
    """

    __tablename__ = "burden_baselines"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)  # the year counted, e.g. 2025
    division: Mapped[str] = mapped_column(String(6), primary_key=True)  # GB/T 2260 code, or EVERY
    # Demands that reached one school in that year: listed inspections plus tasks (forms) sent to it.
    demands: Mapped[int] = mapped_column(Integer)
    # Items on that year's 督查检查评比考核 list at this level, when the bureau had one.
    items: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    set_by: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
