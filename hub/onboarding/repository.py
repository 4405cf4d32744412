"""Queries of onboarding: the schools of a division with the state of their accounts, codes by digest."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select, update
from sqlalchemy.orm import Session

from hub.identity.divisions import within
from hub.identity.models import Principal
from hub.identity.roles import Role
from hub.onboarding.models import ActivationCode
from hub.records.models import schools_table


def signs_in(now: datetime) -> ColumnElement[bool]:
    """A principal whose token works now: active and not expired."""
    return and_(
        Principal.active.is_(True),
        or_(Principal.token_expires_at.is_(None), Principal.token_expires_at > now),
    )


class OnboardingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _school_account(self, now: datetime) -> ColumnElement[bool]:
        return exists(
            select(Principal.id).where(
                Principal.kind == Role.SCHOOL, Principal.school_code == schools_table.c.code, signs_in(now)
            )
        )

    def schools(
        self,
        division: str | None,
        *,
        now: datetime,
        without_account: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """The schools inside `division` by code, each with `has_account` (a school token works now)."""
        has_account = self._school_account(now)
        query = (
            select(
                schools_table.c.code,
                schools_table.c.name,
                schools_table.c.division_code,
                case((has_account, True), else_=False).label("has_account"),
            )
            .where(within(schools_table.c.division_code, division))
            .order_by(schools_table.c.code)
            .offset(offset)
        )
        if without_account:
            query = query.where(~has_account)
        if limit is not None:
            query = query.limit(limit)
        return [dict(row) for row in self.session.execute(query).mappings()]

    def count(self, division: str | None, *, now: datetime) -> tuple[int, int]:
        """(schools, schools with a working account) inside `division`."""
        has_account = self._school_account(now)
        query = select(func.count(), func.count().filter(has_account)).where(
            within(schools_table.c.division_code, division)
        )
        total, active = self.session.execute(query).one()
        return int(total), int(active)

    def open_codes(self, school_codes: Sequence[str]) -> dict[str, datetime]:
        """Per school: when its newest unused, unvoided code was issued."""
        out: dict[str, datetime] = {}
        for start in range(0, len(school_codes), 5000):
            chunk = list(school_codes[start : start + 5000])
            query = (
                select(ActivationCode.school_code, func.max(ActivationCode.issued_at))
                .where(
                    ActivationCode.school_code.in_(chunk),
                    ActivationCode.used_at.is_(None),
                    ActivationCode.voided_at.is_(None),
                )
                .group_by(ActivationCode.school_code)
            )
            out.update({code: issued for code, issued in self.session.execute(query)})
        return out

    def school_principals(self, school_codes: Sequence[str]) -> dict[str, list[Principal]]:
        out: dict[str, list[Principal]] = {}
        for start in range(0, len(school_codes), 5000):
            chunk = list(school_codes[start : start + 5000])
            query = (
                select(Principal)
                .where(Principal.kind == Role.SCHOOL, Principal.school_code.in_(chunk))
                .order_by(Principal.id)
            )
            for principal in self.session.scalars(query):
                out.setdefault(principal.school_code or "", []).append(principal)
        return out

    def by_digest(self, digest: str) -> ActivationCode | None:
        return self.session.scalars(
            select(ActivationCode).where(ActivationCode.code_digest == digest)
        ).first()

    def void_open_codes(self, school_codes: Sequence[str], *, now: datetime) -> None:
        for start in range(0, len(school_codes), 5000):
            chunk = list(school_codes[start : start + 5000])
            self.session.execute(
                update(ActivationCode)
                .where(
                    ActivationCode.school_code.in_(chunk),
                    ActivationCode.used_at.is_(None),
                    ActivationCode.voided_at.is_(None),
                )
                .values(voided_at=now)
            )

    def without_account(self, school_codes: Sequence[str], *, now: datetime) -> list[str]:
        """Those of `school_codes` with no school account whose token works now."""
        signed: set[str] = set()
        for start in range(0, len(school_codes), 5000):
            chunk = list(school_codes[start : start + 5000])
            query = select(Principal.school_code).where(
                Principal.kind == Role.SCHOOL, Principal.school_code.in_(chunk), signs_in(now)
            )
            signed.update(code for code in self.session.scalars(query) if code)
        return sorted(set(school_codes) - signed)
