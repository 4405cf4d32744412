"""Every query on source configs, runs and files taken in."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from hub.identity.divisions import within
from hub.sources.models import Source, SourceFile, SourceRun


class SourceBusyError(RuntimeError):
    """Another run of the source holds its row (PostgreSQL): two runs of one source never overlap."""


class SourceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, name: str, *, within_division: str | None = None) -> Source | None:
        """The source, if it belongs inside `within_division` (None: anywhere). A source without a
        division is the hub's own: no bounded bureau reaches it."""
        query = select(Source).where(Source.name == name)
        if within_division is not None:
            query = query.where(within(Source.division, within_division))
        return self.session.scalars(query).first()

    def lock(self, name: str) -> Source | None:
        """The source, its row locked until the transaction ends; SourceBusyError if a run holds it.

        PostgreSQL: SELECT … FOR UPDATE NOWAIT. SQLite has one writer: the caller's transaction began
        as a writer (hub.db.begin_write), which already excludes any other run.
        """
        query = select(Source).where(Source.name == name)
        if self.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(nowait=True)
        try:
            return self.session.scalars(query).first()
        except OperationalError as exc:
            if getattr(exc.orig, "sqlstate", None) == "55P03":  # lock_not_available
                raise SourceBusyError(name) from exc
            raise

    def find(
        self,
        *,
        failing: bool | None = None,
        enabled: bool | None = None,
        within_division: str | None = None,
    ) -> list[Source]:
        query = select(Source).order_by(Source.name)
        if within_division is not None:
            query = query.where(within(Source.division, within_division))
        if failing is not None:
            query = query.where(Source.failing.is_(failing))
        if enabled is not None:
            query = query.where(Source.enabled.is_(enabled))
        return list(self.session.scalars(query))

    def add(self, source: Source) -> Source:
        self.session.add(source)
        self.session.flush()
        return source

    def delete(self, source: Source) -> None:
        # Explicit deletes: SQLite enforces ON DELETE CASCADE only with the pragma, which tests may lack.
        for model in (SourceFile, SourceRun):
            for row in self.session.scalars(select(model).where(model.source_id == source.id)):
                self.session.delete(row)
        self.session.flush()
        self.session.delete(source)
        self.session.flush()

    def seen_hashes(self, source_id: int) -> set[str]:
        return set(self.session.scalars(select(SourceFile.sha256).where(SourceFile.source_id == source_id)))

    def last_statuses(self, source_ids: list[int]) -> dict[int, str]:
        """The status of each source's latest run."""
        if not source_ids:
            return {}
        latest = (
            select(SourceRun.source_id, func.max(SourceRun.id).label("run_id"))
            .where(SourceRun.source_id.in_(source_ids))
            .group_by(SourceRun.source_id)
            .subquery()
        )
        rows = self.session.execute(
            select(SourceRun.source_id, SourceRun.status).join(latest, SourceRun.id == latest.c.run_id)
        )
        return {source_id: status for source_id, status in rows}


class RunRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, source_id: int, run_id: int) -> SourceRun | None:
        return self.session.scalars(
            select(SourceRun).where(SourceRun.id == run_id, SourceRun.source_id == source_id)
        ).first()

    def recent(self, source_id: int, *, limit: int = 50) -> list[SourceRun]:
        query = (
            select(SourceRun)
            .where(SourceRun.source_id == source_id)
            .order_by(SourceRun.id.desc())
            .limit(limit)
        )
        return list(self.session.scalars(query))
