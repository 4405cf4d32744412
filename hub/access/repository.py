from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from hub.access.models import Grant
from hub.identity.divisions import within
from hub.identity.models import Principal


def held_within(division: str | None) -> ColumnElement[bool]:
    """Grants whose holder lies inside `division` (everything when None): an index range on
    principals.division. A grant belongs to the level of the department holding it."""
    if division is None:
        return true()
    holders: Any = select(Principal.id).where(within(Principal.division, division))
    return Grant.department_id.in_(holders.scalar_subquery())


class GrantRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, grant_id: int, *, within_division: str | None = None) -> Grant | None:
        """The grant, if its holder lies inside `within_division` (None: anywhere)."""
        if within_division is None:
            return self.session.get(Grant, grant_id)
        return self.session.scalars(
            select(Grant).where(Grant.id == grant_id, held_within(within_division))
        ).first()

    def add(self, grant: Grant) -> Grant:
        self.session.add(grant)
        self.session.flush()
        return grant

    def for_holder(self, holder_id: int, *, entity: str | None = None) -> list[Grant]:
        """The holder's grants, newest first."""
        query = select(Grant).where(Grant.department_id == holder_id).order_by(Grant.id.desc())
        if entity is not None:
            query = query.where(Grant.entity == entity)
        return list(self.session.scalars(query))

    def standing_for(self, holder_id: int, entity: str) -> list[Grant]:
        """The holder's standing agreements for `entity` not revoked, newest first (the end date is
        checked by the caller against its business day)."""
        query = (
            select(Grant)
            .where(
                Grant.department_id == holder_id,
                Grant.entity == entity,
                Grant.request_id.is_(None),
                Grant.revoked_at.is_(None),
            )
            .order_by(Grant.id.desc())
        )
        return list(self.session.scalars(query))

    def ending_between(
        self, first: date, last: date, *, within_division: str | None = None, limit: int = 500
    ) -> list[Grant]:
        """Grants not revoked whose end falls between `first` and `last`, soonest first."""
        query = (
            select(Grant)
            .where(
                Grant.revoked_at.is_(None),
                Grant.valid_until >= first,
                Grant.valid_until <= last,
                held_within(within_division),
            )
            .order_by(Grant.valid_until, Grant.id)
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def released_to(
        self, holder_id: int, *, before_request: int | None = None, limit: int = 20
    ) -> list[Grant]:
        """Grants a department received for its requests, newest first (the release review's history)."""
        query = (
            select(Grant)
            .where(Grant.department_id == holder_id, Grant.request_id.is_not(None))
            .order_by(Grant.id.desc())
            .limit(limit)
        )
        if before_request is not None:
            query = query.where(Grant.request_id != before_request)
        return list(self.session.scalars(query))

    def list(
        self, *, holder_id: int | None = None, within_division: str | None = None, limit: int = 500
    ) -> list[Grant]:
        query = select(Grant).where(held_within(within_division)).order_by(Grant.id.desc()).limit(limit)
        if holder_id is not None:
            query = query.where(Grant.department_id == holder_id)
        return list(self.session.scalars(query))
