from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.identity.divisions import within
from hub.identity.models import Principal


class PrincipalRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_token_digest(self, token_digest: str) -> Principal | None:
        return self.session.scalars(select(Principal).where(Principal.token_digest == token_digest)).first()

    def by_code(self, code: str) -> Principal | None:
        return self.session.scalars(select(Principal).where(Principal.code == code)).first()

    def get(self, principal_id: int) -> Principal | None:
        return self.session.get(Principal, principal_id)

    def by_ids(self, ids: set[int]) -> list[Principal]:
        if not ids:
            return []
        return list(self.session.scalars(select(Principal).where(Principal.id.in_(sorted(ids)))))

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
