"""The answer of a request: its rows as a person reads them, and the one way they leave the hub.

Every row names its school by code and by name; a code-listed value shows its label (性别 男/女,
政治面貌 中共党员), and with `codes` its code follows in a column of its own (性别代码) for a program;
masked values stay masked, labels or not. The read is put on the audit log by the function that
returns the rows, never by a router.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

import schemas
from hub.access.models import Grant
from hub.access.scope import school_condition
from hub.audit import service as audit
from hub.audit.receipts import Collector
from hub.identity.models import Principal
from hub.kit.clock import local_today
from hub.reads.people import request_heading
from hub.reads.service import Plan, QueryColumn, iter_row_batches, row_selection
from hub.reads.stream import Batch, Export, Field, audited, export
from hub.records import masking
from hub.records.models import ENTITY_TABLES, SCHOOL_COLUMN, is_extra, schools_table
from hub.requests.models import DataRequest
from hub.requests.repository import RequestRepository
from hub.requests.service import readable_request
from hub.standard.service import current_standard
from schemas.periods import parse_period, period_containing

# The first columns of every answer: which school a row belongs to, by code and by name.
SCHOOL_FIELD = "学校标识码"
SCHOOL_NAME_FIELD = "学校名称"
CODE_SUFFIX = "代码"


@dataclass(frozen=True, kw_only=True)
class DataColumn:
    label: str
    element: schemas.Element
    masked: bool
    factor: float | None
    # Code → label for a code-listed element read in clear (empty otherwise: masked values stay masked).
    labels: Mapping[str, str]
    # A periodic element: the periods (keys) this column holds the value of; several are summed (近三年
    # of an additive flow, empty when one is missing). Empty for a timeless element.
    periods: tuple[str, ...] = ()


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
        periods = tuple(f.periods or ()) if element.periodic and not is_extra(element) else ()
        if element.period is not None and not is_extra(element) and not periods:
            # A field classified before periods were kept: the current period's value.
            periods = (period_containing(element.period.kind, local_today()).key,)
        if len(periods) > 1 and not (f.period_span and element.period and element.period.additive):
            # Several periods of a value that does not add up: one column per period, named by it.
            for key in periods:
                shown = f"{label}（{parse_period(key, kind=element.period.kind).label_zh if element.period else key}）"
                used.add(shown)
                columns.append(
                    DataColumn(
                        label=shown,
                        element=element,
                        masked=masked,
                        factor=factor,
                        labels=labels,
                        periods=(key,),
                    )
                )
            continue
        columns.append(
            DataColumn(
                label=label, element=element, masked=masked, factor=factor, labels=labels, periods=periods
            )
        )
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


def _plan(
    session: Session, request: DataRequest, grant: Grant, columns: list[DataColumn], today: date
) -> Plan:
    """The answer as a read of the one row reader: the request's columns over the request's schools."""
    table = ENTITY_TABLES[request.entity]
    school = table.c[SCHOOL_COLUMN[request.entity]]
    dialect = session.get_bind().dialect.name
    return Plan(
        grant=grant,
        entity=request.entity,
        std=current_standard(session),
        columns=[
            QueryColumn(
                element=c.element,
                masked=c.masked,
                period=c.periods[0] if len(c.periods) == 1 else None,
                summed=c.periods if len(c.periods) > 1 else (),
            )
            for c in columns
        ],
        masked={c.element.code for c in columns if c.masked},
        today=today,
        where=[school_condition(school, schools=request.schools, divisions=None, dialect=dialect)],
    )


def _shown(
    values: Sequence[Any], columns: list[DataColumn], names: Mapping[str, str], codes: bool
) -> list[Any]:
    """A row of the reader (record id, school, one value per column, masked there) as the answer shows it,
    in the order of `fields`: the school's name beside its code, label × factor back to the label's unit,
    codes as their labels (and the code after it with `codes`)."""
    school = values[1]
    row: list[Any] = [school, names.get(school or "")]
    for c, value in zip(columns, values[2:], strict=True):
        if c.masked:
            row.append(value)
            continue
        if value is not None and c.factor:
            value = round(float(value) / c.factor, 4)  # the element holds label × factor
        if c.labels:
            code = None if value is None else str(value)
            row.append(c.labels.get(code, code) if code is not None else None)
            if codes:
                row.append(code)
        else:
            row.append(value)
    return row


def answer_batches(
    session: Session,
    request: DataRequest,
    grant: Grant,
    columns: list[DataColumn],
    *,
    today: date,
    codes: bool,
    per_school: Counter[str],
    receipt: Collector | None = None,
    limit: int | None = None,
    keys: list[tuple[Any, ...]] | None = None,
) -> Iterator[Batch]:
    """The answer's rows in batches, each in the order of `fields(columns, codes=codes)`, read and masked
    by the database through the same reader as a query's rows (hub.reads.service); counts rows per
    school, fingerprints teacher rows into `receipt`, and with `keys` collects each row's record key."""
    plan = _plan(session, request, grant, columns, today)
    selection = row_selection(session, plan, secret_key=None, today=today, derive_schools=request.schools)
    names = school_names(session, request.schools)
    for batch in iter_row_batches(
        session,
        selection,
        plan,
        after=None,
        limit=limit,
        per_school=per_school,
        stream=limit is None,
        keys=keys,
        receipt=receipt,
    ):
        yield [_shown(values, columns, names, codes) for values in batch]


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
    reader, grant_id, entity, scope_id = audit.actor_ref(principal), grant.id, request.entity, request.id
    receipt = Collector() if entity == "teacher" else None

    def read(read_session: Session, per_school: Counter[str]) -> Iterator[Batch]:
        stored = RequestRepository(read_session).get(scope_id)
        stored_grant = read_session.get(Grant, grant_id)
        assert stored is not None and stored_grant is not None
        yield from answer_batches(
            read_session,
            stored,
            stored_grant,
            columns,
            today=today,
            codes=codes,
            per_school=per_school,
            receipt=receipt,
        )

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
            {
                "label": f.key,
                "element": c.element.code,
                "masked": c.masked,
                **({"periods": list(c.periods)} if c.periods else {}),
            }
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


@dataclass(frozen=True, kw_only=True)
class AnswerPage:
    columns: list[DataColumn]
    fields: list[Field]
    rows: list[list[Any]]
    offset: int
    more: bool


def read_answer(
    session: Session,
    principal: Principal,
    request_id: int,
    *,
    today: date,
    fmt: str,
    offset: int = 0,
    limit: int | None = None,
) -> AnswerPage:
    """The answer's rows from `offset` (at most `limit`; None: all), codes as labels, put on the audit log
    in `session`'s transaction: only the rows returned count as read (404/403/409 as the API answers)."""
    request, grant = readable_request(session, principal, request_id, today=today)
    columns = data_columns(session, request, grant)
    keys: list[tuple[Any, ...]] = []
    fetched = [
        row
        for batch in answer_batches(
            session,
            request,
            grant,
            columns,
            today=today,
            codes=False,
            per_school=Counter(),
            limit=None if limit is None else offset + limit + 1,
            keys=keys,
        )
        for row in batch
    ]
    end = len(fetched) if limit is None else offset + limit
    rows, returned = fetched[offset:end], keys[offset:end]
    per_school = Counter(str(row[0]) for row in rows)
    receipt = None
    if request.entity == "teacher":
        receipt = Collector()
        for school, teacher_key in returned:  # teacher keys are (school_code, teacher_key)
            receipt.add(school, teacher_key)
    record_data_read(
        session,
        principal,
        entity=request.entity,
        request_id=request.id,
        grant_id=grant.id,
        columns=columns,
        per_school=per_school,
        fmt=fmt,
        receipt=receipt,
    )
    return AnswerPage(
        columns=columns,
        fields=fields(columns, codes=False),
        rows=rows,
        offset=offset,
        more=len(fetched) > end,
    )
