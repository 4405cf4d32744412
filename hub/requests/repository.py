from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from hub.requests.models import DataRequest, RequestField


class RequestRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, request_id: int) -> DataRequest | None:
        return self.session.scalars(
            select(DataRequest).where(DataRequest.id == request_id).options(selectinload(DataRequest.fields))
        ).first()

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
        self, *, department_id: int | None = None, statuses: Sequence[str] | None = None, limit: int = 200
    ) -> list[DataRequest]:
        query = select(DataRequest).options(selectinload(DataRequest.fields)).order_by(DataRequest.id.desc())
        if department_id is not None:
            query = query.where(DataRequest.department_id == department_id)
        if statuses:
            query = query.where(DataRequest.status.in_(list(statuses)))
        return list(self.session.scalars(query.limit(limit)))

    def fields_with_elements(self, elements: Sequence[str]) -> list[RequestField]:
        return list(
            self.session.scalars(select(RequestField).where(RequestField.element_code.in_(list(elements))))
        )
