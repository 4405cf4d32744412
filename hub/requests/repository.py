from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, exists, func, literal_column, or_, select, true
from sqlalchemy.orm import Session, selectinload

from hub.access.scope import above, schools_within, within
from hub.records.models import schools_table
from hub.requests.models import DataRequest, RequestField


class RequestRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.dialect = session.get_bind().dialect.name

    def visible_within(self, division: str | None) -> ColumnElement[bool]:
        """Requests a bureau bounded by `division` sees: those whose level lies inside it (an index range
        on requests.division), and those from above that reach into it (every school, or one of its own)."""
        if division is None:
            return true()
        if self.dialect == "postgresql":
            each = func.jsonb_array_elements_text(DataRequest.schools).table_valued("value")
            everyone = or_(DataRequest.schools.is_(None), func.jsonb_typeof(DataRequest.schools) == "null")
        else:
            each = func.json_each(DataRequest.schools).table_valued("value")
            everyone = or_(DataRequest.schools.is_(None), func.json_type(DataRequest.schools) == "null")
        named_inside = exists(
            select(literal_column("1"))
            .select_from(each)
            .where(each.c.value.in_(schools_within(division).scalar_subquery()))
        )
        reaches = or_(everyone, named_inside)
        return or_(
            within(DataRequest.division, division), and_(above(DataRequest.division, division), reaches)
        )

    def get(self, request_id: int, *, within_division: str | None = None) -> DataRequest | None:
        """The request, if a bureau bounded by `within_division` sees it (None: unbounded)."""
        return self.session.scalars(
            select(DataRequest)
            .where(DataRequest.id == request_id, self.visible_within(within_division))
            .options(selectinload(DataRequest.fields))
        ).first()

    def school_codes_within(self, division: str) -> list[str]:
        """Every school inside `division`, by code."""
        return list(self.session.scalars(schools_within(division).order_by(schools_table.c.code)))

    def known_within(self, codes: Sequence[str], division: str | None) -> set[str]:
        """Which of `codes` are schools in the store inside `division` (None: anywhere)."""
        found: set[str] = set()
        wanted = sorted(set(codes))
        for start in range(0, len(wanted), 5000):
            query = select(schools_table.c.code).where(
                schools_table.c.code.in_(wanted[start : start + 5000]),
                within(schools_table.c.division_code, division),
            )
            found.update(self.session.scalars(query))
        return found

    def divisions_of(self, codes: Sequence[str]) -> list[str | None]:
        """The distinct counties of these schools."""
        found: set[str | None] = set()
        wanted = sorted(set(codes))
        for start in range(0, len(wanted), 5000):
            query = (
                select(schools_table.c.division_code)
                .where(schools_table.c.code.in_(wanted[start : start + 5000]))
                .distinct()
            )
            found.update(self.session.scalars(query))
        return sorted(found, key=lambda d: d or "")

    def add(self, request: DataRequest) -> DataRequest:
        self.session.add(request)
        self.session.flush()
        return request

    def open_for_entity(self, entity: str, statuses: Sequence[str]) -> list[DataRequest]:
        query = (
            select(DataRequest)
            .where(DataRequest.entity == entity, DataRequest.status.in_(list(statuses)))
            .options(selectinload(DataRequest.fields))
            .order_by(DataRequest.id)
        )
        return list(self.session.scalars(query))

    def list(
        self,
        *,
        department_id: int | None = None,
        statuses: Sequence[str] | None = None,
        within_division: str | None = None,
        limit: int = 200,
    ) -> list[DataRequest]:
        query = (
            select(DataRequest)
            .where(self.visible_within(within_division))
            .options(selectinload(DataRequest.fields))
            .order_by(DataRequest.id.desc())
        )
        if department_id is not None:
            query = query.where(DataRequest.department_id == department_id)
        if statuses:
            query = query.where(DataRequest.status.in_(list(statuses)))
        return list(self.session.scalars(query.limit(limit)))

    def fields_with_elements(self, elements: Sequence[str]) -> list[RequestField]:
        return list(
            self.session.scalars(select(RequestField).where(RequestField.element_code.in_(list(elements))))
        )

    def duplicates_of(self, request_id: int) -> Sequence[DataRequest]:
        """Requests pointed at `request_id` as their duplicate, still waiting for its answer."""
        query = select(DataRequest).where(
            DataRequest.duplicate_of == request_id, DataRequest.status == "duplicate"
        )
        return list(self.session.scalars(query))
