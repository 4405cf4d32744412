"""The answer of a request: its rows as a person reads them, and the one way they leave the hub.

Every row names its school by code and by name; a code-listed value shows its label (性别 男/女,
政治面貌 中共党员), and with `codes` its code follows in a column of its own (性别代码) for a program;
masked values stay masked, labels or not. The read is put on the audit log by the function that
returns the rows, never by a router.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

import schemas
from hub.access.models import Grant
from hub.audit import service as audit
from hub.audit.receipts import Collector
from hub.identity.models import Principal
from hub.reads.people import request_heading
from hub.reads.stream import Batch, Export, Field, audited, export
from hub.records import masking
from hub.records.derive import deriver
from hub.records.models import SCHOOL_COLUMN, is_extra, schools_table
from hub.records.repository import RecordRepository
from hub.requests.models import DataRequest
from hub.requests.repository import RequestRepository
from hub.requests.service import readable_request
from hub.standard.service import current_standard

# The first columns of every answer: which school a row belongs to, by code and by name.
SCHOOL_FIELD = "学校标识码"
SCHOOL_NAME_FIELD = "学校名称"
CODE_SUFFIX = "代码"
# Each row also carries its record's key under this name, never a field of the answer: the read's
# receipt (hub.audit.receipts) is built from it as the rows go out, without a query of its own.
RECORD_KEY = "_record_key"
BATCH = 1000


@dataclass(frozen=True, kw_only=True)
class DataColumn:
    label: str
    element: schemas.Element
    masked: bool
    factor: float | None
    # Code → label for a code-listed element read in clear (empty otherwise: masked values stay masked).
    labels: Mapping[str, str]


def data_columns(session: Session, request: DataRequest, grant: Grant) -> list[DataColumn]:
    """The columns of the answer: one per field the grant covers, named by the request's own label."""
    std = current_standard(session)
    columns: list[DataColumn] = []
    used: set[str] = set()
    for f in request.fields:
        if not f.element_code or f.element_code not in grant.elements:
            continue
        element = std.element(f.element_code)
        label = f.label if f.label not in used else f"{f.label}_{f.position + 1}"
        used.add(label)
        factor = (f.conversion or {}).get("factor")
        masked = bool(masking.masked_codes([element], grant.clear_elements))
        labels: dict[str, str] = {}
        if element.code_list and not masked:
            labels = {c.code: c.shown_zh for c in std.code_list(element.code_list).codes}
        columns.append(DataColumn(label=label, element=element, masked=masked, factor=factor, labels=labels))
    return columns


def fields(columns: list[DataColumn], *, codes: bool) -> list[Field]:
    """The answer's columns in order: school code and name, then each column (and its code with `codes`)."""
    out = [
        Field(key=SCHOOL_FIELD, header=SCHOOL_FIELD),
        Field(key=SCHOOL_NAME_FIELD, header=SCHOOL_NAME_FIELD),
    ]
    for c in columns:
        value_type = "string" if c.masked or c.labels else c.element.value_type
        if c.element.derivation is not None and c.element.derivation.function == "years_since":
            value_type = "integer"
        out.append(Field(key=c.label, header=c.label, value_type=value_type, masked=c.masked))
        if codes and c.labels:
            name = f"{c.label}{CODE_SUFFIX}"
            out.append(Field(key=name, header=name))
    return out


def school_names(session: Session, codes: list[str] | None) -> dict[str, str]:
    query = select(schools_table.c.code, schools_table.c.name)
    if codes is not None:
        query = query.where(schools_table.c.code.in_(codes))
    return {code: name for code, name in session.execute(query)}


def iter_rows(
    session: Session, request: DataRequest, columns: list[DataColumn], *, today: date, codes: bool = False
) -> Iterator[dict[str, Any]]:
    """One dict per record in scope, keyed as `fields` names them; derived values computed, masks applied."""
    entity = request.entity
    std = current_standard(session)
    stored = [c.element.name for c in columns if c.element.derivation is None and not is_extra(c.element)]
    extra = [c.element.name for c in columns if c.element.derivation is None and is_extra(c.element)]
    derivers = {}
    for c in columns:
        if c.element.derivation is not None:
            inputs, fn = deriver(session, std, c.element, request.schools, today)
            stored += [i for i in inputs if i not in stored]
            derivers[c.label] = fn
    school_column = SCHOOL_COLUMN[entity]
    key_column = "teacher_key" if entity == "teacher" else "code"
    names = school_names(session, request.schools)
    for record in RecordRepository(session).rows(entity, stored, extra, school_codes=request.schools):
        school = record.get(school_column)
        row: dict[str, Any] = {
            SCHOOL_FIELD: school,
            SCHOOL_NAME_FIELD: names.get(school or ""),
            RECORD_KEY: record[key_column],
        }
        for c in columns:
            value = derivers[c.label](record) if c.label in derivers else record.get(c.element.name)
            if value is not None and c.factor:
                value = round(float(value) / c.factor, 4)  # the element holds label × factor
            if isinstance(value, date):
                value = value.strftime("%Y-%m") if c.element.value_type == "year_month" else value.isoformat()
            elif hasattr(value, "as_integer_ratio") and not isinstance(value, (int, float, bool)):
                value = float(value)
            if c.masked:
                row[c.label] = masking.mask(c.element, value)
            elif c.labels:
                code = None if value is None else str(value)
                row[c.label] = c.labels.get(code, code) if code is not None else None
                if codes:
                    row[f"{c.label}{CODE_SUFFIX}"] = code
            else:
                row[c.label] = value
        yield row


def receipt_of(entity: str, rows: Iterable[Mapping[str, Any]]) -> Collector | None:
    """The receipt of the teacher rows a read returned (schools are not data subjects: none for them)."""
    if entity != "teacher":
        return None
    receipt = Collector()
    for row in rows:
        receipt.add(str(row[SCHOOL_FIELD]), str(row[RECORD_KEY]))
    return receipt


def record_data_read(
    session: Session,
    principal: audit.Actor,
    *,
    entity: str,
    request_id: int,
    grant_id: int,
    columns: list[DataColumn],
    per_school: Mapping[str, int],
    fmt: str,
    receipt: Collector | None = None,
) -> None:
    """Put a read of the answer on the audit log (which elements, schools and rows), in `session`'s
    transaction: each school's "who used our data" shows it. Plain values, not the request and grant
    rows, so a stream can record its read after the request's session has ended."""
    audit.append(
        session,
        principal=principal,
        action="request.data",
        entity=entity,
        elements=[c.element.code for c in columns],
        schools=per_school,
        grant_id=grant_id,
        request_id=request_id,
        row_count=sum(per_school.values()),
        detail={"format": fmt},
        receipts=receipt,
    )


def answer_export(
    session: Session,
    factory: sessionmaker[Session],
    principal: Principal,
    request_id: int,
    *,
    fmt: str,
    codes: bool,
    today: date,
) -> Export:
    """The whole answer in `fmt` (json, csv, xlsx), streamed and audited once it went out (404/403/409
    are raised here, before anything is sent)."""
    request, grant = readable_request(session, principal, request_id, today=today)
    columns = data_columns(session, request, grant)
    shown = fields(columns, codes=codes)
    keys = [f.key for f in shown]
    reader, grant_id, entity, scope_id = audit.actor_ref(principal), grant.id, request.entity, request.id
    receipt = Collector() if entity == "teacher" else None

    def read(read_session: Session, per_school: Counter[str]) -> Iterator[Batch]:
        stored = RequestRepository(read_session).get(scope_id)
        assert stored is not None
        batch: list[list[Any]] = []
        for row in iter_rows(read_session, stored, columns, today=today, codes=codes):
            school = str(row[SCHOOL_FIELD])
            per_school[school] += 1
            if receipt is not None:
                receipt.add(school, row[RECORD_KEY])
            batch.append([row.get(k) for k in keys])
            if len(batch) >= BATCH:
                yield batch
                batch = []
        yield batch

    def record(audit_session: Session, per_school: Counter[str]) -> None:
        record_data_read(
            audit_session,
            reader,
            entity=entity,
            request_id=scope_id,
            grant_id=grant_id,
            columns=columns,
            per_school=per_school,
            fmt=fmt,
            receipt=receipt,
        )

    head = {
        "request_id": request_id,
        "columns": [
            {"label": f.key, "element": c.element.code, "masked": c.masked}
            for c in columns
            for f in shown
            if f.key == c.label
        ]
        + [
            {
                "label": f"{c.label}{CODE_SUFFIX}",
                "element": c.element.code,
                "masked": False,
                "code_of": c.label,
            }
            for c in columns
            if codes and c.labels
        ],
    }
    return export(
        fmt,
        fields=shown,
        batches=audited(factory, read, record),
        head=head,
        name=f"request-{request_id}",
        heading=[*request_heading(request), ("导出日期", today.isoformat())],
    )
