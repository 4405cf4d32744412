"""The audit log: append-only, hash-chained (each entry carries the hash of the one before it).

`audit_chain` holds the head of the chain in one row; every append locks it, which serialises
writers (no fork) and lets `verify` notice a log cut short at its end. `audit_by_school` indexes
each entry by the schools whose records it touched, for the schools' own "who used my data" view;
the entry's hash covers a digest of those rows, so the index cannot be edited unnoticed either.
`audit_receipts` remembers which teacher records a department's read returned (hub.audit.receipts).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, JSONType, UTCDateTime

GENESIS_HASH = "0" * 64


class AuditEntry(Base):
    """One read or write of records (or of access itself), as it happened; never updated."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    principal_id: Mapped[int | None] = mapped_column(Integer, index=True)
    principal_code: Mapped[str | None] = mapped_column(String(64))
    principal_kind: Mapped[str | None] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(32), index=True)
    entity: Mapped[str | None] = mapped_column(String(16))
    elements: Mapped[list[str]] = mapped_column(JSONType)
    school_count: Mapped[int] = mapped_column(Integer)
    schools_digest: Mapped[str] = mapped_column(String(64))
    grant_id: Mapped[int | None] = mapped_column(Integer, index=True)
    request_id: Mapped[int | None] = mapped_column(Integer, index=True)
    batch_id: Mapped[int | None] = mapped_column(Integer, index=True)
    row_count: Mapped[int] = mapped_column(BigInteger)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    prev_hash: Mapped[str] = mapped_column(String(64))
    # Which of the settings' MAC keys sealed this entry (see hub.audit.keys); covered by the MAC itself.
    key_id: Mapped[str] = mapped_column(String(16))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditChainHead(Base):
    """The last entry's id and hash: one row (id 1), locked by every append."""

    __tablename__ = "audit_chain"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_id: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditBySchool(Base):
    """Which schools' records an entry touched and how many rows of each (teacher rows count for their school)."""

    __tablename__ = "audit_by_school"

    school_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    entry_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    row_count: Mapped[int] = mapped_column(BigInteger)
    is_write: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        Index("ix_audit_by_school_school_at", "school_code", "at"),
        Index("ix_audit_by_school_entry_id", "entry_id"),
    )


class AuditReceipt(Base):
    """Which of a school's records one read returned: their packed fingerprints (hub.audit.receipts).

    The primary key starts with the school, so a teacher's lookup reads only her school's receipts."""

    __tablename__ = "audit_receipts"

    school_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    entry_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    records: Mapped[int] = mapped_column(Integer)
    fingerprints: Mapped[bytes] = mapped_column(LargeBinary)
