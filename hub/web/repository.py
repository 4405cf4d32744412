"""Queries only the pages make: the audit log filtered by who, which school, which element and when."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import exists, func, literal_column, select
from sqlalchemy.orm import Session

from hub.access.scope import school_within
from hub.audit.models import AuditBySchool, AuditEntry


class AuditViewRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.dialect = session.get_bind().dialect.name

    def entries(
        self,
        *,
        principal_id: int | None = None,
        school_code: str | None = None,
        element: str | None = None,
        actions: Sequence[str] | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        before_id: int | None = None,
        within_division: str | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]:
        """Entries newest first; a school filter keeps those that touched its records (audit_by_school),
        a division those that touched a school inside it."""
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if within_division is not None:
            query = query.where(
                exists(
                    select(AuditBySchool.entry_id).where(
                        AuditBySchool.entry_id == AuditEntry.id,
                        school_within(AuditBySchool.school_code, within_division),
                    )
                )
            )
        if principal_id is not None:
            query = query.where(AuditEntry.principal_id == principal_id)
        if school_code:
            query = query.where(
                exists(
                    select(AuditBySchool.entry_id).where(
                        AuditBySchool.entry_id == AuditEntry.id, AuditBySchool.school_code == school_code
                    )
                )
            )
        if element:
            if self.dialect == "postgresql":
                query = query.where(AuditEntry.elements.op("@>")(func.jsonb_build_array(element)))
            else:
                each = func.json_each(AuditEntry.elements).table_valued("value")
                query = query.where(
                    exists(select(literal_column("1")).select_from(each).where(each.c.value == element))
                )
        if actions:
            query = query.where(AuditEntry.action.in_(list(actions)))
        if start is not None:
            query = query.where(AuditEntry.at >= start)
        if end is not None:
            query = query.where(AuditEntry.at < end)
        if before_id is not None:
            query = query.where(AuditEntry.id < before_id)
        return list(self.session.scalars(query))
