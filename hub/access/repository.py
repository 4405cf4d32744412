from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, true
from sqlalchemy.orm import Session

from hub.access.models import Grant
from hub.access.scope import json_values
from hub.identity.divisions import within
from hub.identity.models import Principal
from hub.records.models import schools_table
from schemas import divisions


def held_within(division: str | None) -> ColumnElement[bool]:
    """Grants whose holder lies inside `division` (everything when None): an index range on
    principals.division. A grant belongs to the level of the department holding it, and a department
    with no division to the top: only the hub's own (unbounded) bureaus and admins manage its grants."""
    if division is None:
        return true()
    holders: Any = select(Principal.id).where(within(Principal.division, division))
    return Grant.department_id.in_(holders.scalar_subquery())


def _unscoped(column: Any, dialect: str) -> ColumnElement[bool]:
    """SQL NULL or a JSON null: a scope naming no limit."""
    kind = func.jsonb_typeof(column) if dialect == "postgresql" else func.json_type(column)
    return or_(column.is_(None), kind == "null")


def reaching(division: str, dialect: str) -> ColumnElement[bool]:
    """Grants held above `division` (by a department of its city or province, or of no division) whose
    scope reaches into it: no scope (the holder's own division, which holds `division`), a division
    overlapping it, or one of its schools. Such a grant is shown below, never managed there."""
    chain = [d.code for d in divisions.ancestors(division)]
    above: Any = select(Principal.id).where(
        or_(Principal.division.is_(None), Principal.division.in_(chain[1:] or [""]))
    )
    named = json_values(Grant.divisions, dialect)
    listed = json_values(Grant.schools, dialect)
    ours: Any = select(schools_table.c.code).where(within(schools_table.c.division_code, division))
    overlapping = or_(named.c.value.in_(chain), within(named.c.value, division))
    scope = and_(
        or_(_unscoped(Grant.divisions, dialect), exists(select(1).select_from(named).where(overlapping))),
        or_(
            _unscoped(Grant.schools, dialect),
            exists(select(1).select_from(listed).where(listed.c.value.in_(ours.scalar_subquery()))),
        ),
    )
    return and_(Grant.department_id.in_(above.scalar_subquery()), scope)


def seen_within(division: str | None, dialect: str) -> ColumnElement[bool]:
    """Grants a bureau bounded by `division` sees: those of its subtree's departments, and those
    held above it that reach into it (everything when None)."""
    if division is None:
        return true()
    return or_(held_within(division), reaching(division, dialect))


class GrantRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    @property
    def _dialect(self) -> str:
        return self.session.get_bind().dialect.name

    def seen(self, grant_id: int, *, by_division: str | None) -> Grant | None:
        """The grant, if a bureau bounded by `by_division` sees it (see `seen_within`)."""
        query = select(Grant).where(Grant.id == grant_id, seen_within(by_division, self._dialect))
        return self.session.scalars(query).first()

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
                seen_within(within_division, self._dialect),
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
        query = (
            select(Grant)
            .where(seen_within(within_division, self._dialect))
            .order_by(Grant.id.desc())
            .limit(limit)
        )
        if holder_id is not None:
            query = query.where(Grant.department_id == holder_id)
        return list(self.session.scalars(query))
