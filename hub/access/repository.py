from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.access.divisions import within
from hub.access.models import Grant, Principal


class PrincipalRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_token_digest(self, token_digest: str) -> Principal | None:
        return self.session.scalars(select(Principal).where(Principal.token_digest == token_digest)).first()

    def by_code(self, code: str) -> Principal | None:
        return self.session.scalars(select(Principal).where(Principal.code == code)).first()

    def get(self, principal_id: int) -> Principal | None:
        return self.session.get(Principal, principal_id)

    def list(self, kind: str | None = None, *, within_division: str | None = None) -> list[Principal]:
        """Principals by id; with `within_division`, only those bound inside it."""
        query = select(Principal).order_by(Principal.id)
        if within_division is not None:
            query = query.where(within(Principal.division, within_division))
        if kind:
            query = query.where(Principal.kind == kind)
        return list(self.session.scalars(query))

    def add(self, principal: Principal) -> Principal:
        self.session.add(principal)
        self.session.flush()
        return principal


class GrantRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, grant_id: int) -> Grant | None:
        return self.session.get(Grant, grant_id)

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

    def ending_between(self, first: date, last: date, *, limit: int = 500) -> list[Grant]:
        """Grants not revoked whose end falls between `first` and `last`, soonest first."""
        query = (
            select(Grant)
            .where(Grant.revoked_at.is_(None), Grant.valid_until >= first, Grant.valid_until <= last)
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

    def list(self, *, holder_id: int | None = None, limit: int = 500) -> list[Grant]:
        query = select(Grant).order_by(Grant.id.desc()).limit(limit)
        if holder_id is not None:
            query = query.where(Grant.department_id == holder_id)
        return list(self.session.scalars(query))
