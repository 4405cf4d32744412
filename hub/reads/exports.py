"""A query's rows as a file: streamed CSV for programs, XLSX for people, put on the audit log by the
function that returns them (hub.reads.stream.audited), never by a router."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from hub.audit.service import actor_ref
from hub.identity.models import Principal
from hub.kit.csvfile import csv_chunks
from hub.reads import people, service
from hub.reads.stream import XLSX, Batch, Export, audited, xlsx_export


def rows_export(
    session: Session,
    factory: sessionmaker[Session],
    principal: Principal,
    plan: service.Plan,
    *,
    fmt: str,
    secret_key: str,
    cursor: str | None,
    limit: int | None,
    today: date,
) -> Export:
    """The plan's rows after `cursor` (at most `limit`; None: all) as CSV (element codes, values as
    codes) or, with `fmt` "xlsx", a workbook for people; streamed, and audited once they went out."""
    after = service.open_cursor(cursor, plan, secret_key=secret_key) if cursor else None
    reader = actor_ref(principal)
    header = ["record_id", "school_code", *(c.element.code for c in plan.columns)]
    receipt = service.receipt_for(plan.entity)
    shown = people.person_rows(plan) if fmt == "xlsx" else None

    def read(read_session: Session, per_school: Counter[str]) -> Iterator[Batch]:
        selection = service.row_selection(read_session, plan, secret_key=secret_key, today=today)
        batches = service.iter_row_batches(
            read_session,
            selection,
            plan,
            after=after,
            limit=limit,
            per_school=per_school,
            stream=True,
            receipt=receipt,
        )
        yield from shown.rows(read_session, batches) if shown is not None else batches

    def record(audit_session: Session, per_school: Counter[str]) -> None:
        service.record_read(
            audit_session,
            reader,
            plan,
            action="query.rows",
            per_school=per_school,
            detail={"format": fmt},
            receipt=receipt,
        )

    batches = audited(factory, read, record)
    if shown is not None:
        heading = people.read_heading(session, plan.grant, principal, today=today)
        return Export(
            media_type=XLSX,
            filename=f"{plan.entity}-rows.xlsx",
            body=xlsx_export(shown.fields, batches, heading),
        )
    return Export(
        media_type="text/csv; charset=utf-8",
        filename=f"{plan.entity}-rows.csv",
        body=csv_chunks(header, batches),
    )
