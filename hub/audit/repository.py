"""Queries on the audit log for the views built on it (a school's usage, the admin's listing)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.audit.models import AuditBySchool, AuditEntry, AuditReceipt
from hub.audit.receipts import holds


@dataclass(frozen=True, kw_only=True)
class SchoolRead:
    entry: AuditEntry
    rows: int


@dataclass(frozen=True, kw_only=True)
class UsageSummary:
    reads: int
    rows: int
    readers: int
    last_read_at: datetime | None


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def school_reads(
        self,
        school_code: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        before_id: int | None = None,
        limit: int = 100,
    ) -> list[SchoolRead]:
        """Reads that touched the school's records, newest first (keyset paging on the entry id)."""
        query = (
            select(AuditEntry, AuditBySchool.row_count)
            .join(AuditBySchool, AuditBySchool.entry_id == AuditEntry.id)
            .where(AuditBySchool.school_code == school_code, AuditBySchool.is_write.is_(False))
            .order_by(AuditBySchool.entry_id.desc())
            .limit(limit)
        )
        if start is not None:
            query = query.where(AuditBySchool.at >= start)
        if end is not None:
            query = query.where(AuditBySchool.at < end)
        if before_id is not None:
            query = query.where(AuditBySchool.entry_id < before_id)
        return [SchoolRead(entry=entry, rows=int(rows)) for entry, rows in self.session.execute(query)]

    def reads_of_record(self, school_code: str, fingerprint: bytes) -> list[SchoolRead]:
        """Reads whose receipt at the school holds `fingerprint`, newest first (`rows`: 1, the record).

        One query over the school's receipts (their primary key leads with the school); each blob is
        tested by binary search, so the cost grows with the school's reads, not with their rows."""
        query = (
            select(AuditEntry, AuditReceipt.fingerprints)
            .join(AuditReceipt, AuditReceipt.entry_id == AuditEntry.id)
            .where(AuditReceipt.school_code == school_code)
            .order_by(AuditReceipt.entry_id.desc())
            .execution_options(yield_per=500)
        )
        return [
            SchoolRead(entry=entry, rows=1)
            for entry, blob in self.session.execute(query)
            if holds(bytes(blob), fingerprint)
        ]

    def school_summary(self, school_code: str) -> UsageSummary:
        reads = (
            select(
                func.count(),
                func.coalesce(func.sum(AuditBySchool.row_count), 0),
                func.count(func.distinct(AuditEntry.principal_id)),
                func.max(AuditBySchool.at),
            )
            .select_from(AuditBySchool)
            .join(AuditEntry, AuditEntry.id == AuditBySchool.entry_id)
            .where(AuditBySchool.school_code == school_code, AuditBySchool.is_write.is_(False))
        )
        count, rows, readers, last = self.session.execute(reads).one()
        return UsageSummary(reads=int(count), rows=int(rows), readers=int(readers), last_read_at=last)

    def entries(
        self,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        actions: Sequence[str] | None = None,
        principal_id: int | None = None,
        before_id: int | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]:
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if start is not None:
            query = query.where(AuditEntry.at >= start)
        if end is not None:
            query = query.where(AuditEntry.at < end)
        if actions:
            query = query.where(AuditEntry.action.in_(list(actions)))
        if principal_id is not None:
            query = query.where(AuditEntry.principal_id == principal_id)
        if before_id is not None:
            query = query.where(AuditEntry.id < before_id)
        return list(self.session.scalars(query))
