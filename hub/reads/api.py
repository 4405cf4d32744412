from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import StringConstraints

from hub.deps import PrincipalDep, SessionDep, SettingsDep, writes
from hub.errors import error_responses
from hub.kit.clock import local_today
from hub.reads import answer, exports, people, service
from hub.reads.payloads import AggregateOut, ChangesPage, RowsPage
from hub.reads.stream import XLSX

query = APIRouter(prefix="/query", tags=["query"])
# The answer rows of a data request are a read too; they sit under the request they answer.
answers = APIRouter(prefix="/requests", tags=["requests"])

Entity = Literal["teacher", "school"]
Elements = Annotated[
    list[str] | None, Query(description="Element codes to read (default: every granted one)")
]
GrantId = Annotated[
    int | None,
    Query(
        alias="grant",
        ge=1,
        description="The grant to read under (default: the newest active one covering the elements)",
    ),
]
Schools = Annotated[
    list[str] | None, Query(alias="school", description="Only these schools (within the grant)")
]
# A GB/T 2260 code or its leading digits (14 a province, 1401 a city, 140105 a county).
DivisionPrefix = Annotated[str, StringConstraints(pattern=r"^[0-9]{2,6}$")]
Divisions = Annotated[
    list[DivisionPrefix] | None,
    Query(alias="division", description="Only these divisions, e.g. 140105 or 1401"),
]
Where = Annotated[
    list[str] | None,
    Query(
        description="Filters on granted, unmasked elements: `gender=2`, `title=高级教师,一级教师`, `birth_date>=1980-01-01` "
        "(a periodic element: its value of the read's `period`)"
    ),
]

ReadPeriod = Annotated[
    str | None,
    Query(
        max_length=32,
        description="The period of periodic elements (2025, 2024-2025学年); default: the current one",
    ),
]
AsOf = Annotated[
    date | None,
    Query(description="Education bureau, JSON pages: the records as they stood at the end of this day"),
]

CSV_CONTENT = {"text/csv": {"schema": {"type": "string"}}}


@query.get(
    "/{entity}/rows",
    response_model=RowsPage,
    responses={**error_responses(401, 403, 404, 422), 200: {"content": {**CSV_CONTENT, XLSX: {}}}},
    dependencies=[Depends(writes)],  # a JSON page is audited in the request's transaction
)
def query_rows(
    entity: Entity,
    http_request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    elements: Elements = None,
    grant_id: GrantId = None,
    schools: Schools = None,
    divisions: Divisions = None,
    where: Where = None,
    cursor: Annotated[
        str | None, Query(max_length=400, description="From the previous page's next_cursor")
    ] = None,
    limit: Annotated[
        int | None,
        Query(
            ge=1,
            description="JSON: rows per page, 1000 by default, at most 10,000; CSV and XLSX: all rows unless given",
        ),
    ] = None,
    format: Literal["json", "csv", "xlsx"] = "json",
    period: ReadPeriod = None,
    as_of: AsOf = None,
) -> Response:
    """Rows of granted elements in the grant's scope, masked per grant: a JSON page with a cursor (each
    code-listed column with its labels), streamed CSV, or an XLSX for people (labels, school names, dates).
    Periodic elements hold the values of `period` (default: the current one); `as_of` (the education
    bureau) gives each record as it stood on that day."""
    today = local_today()
    json_page = format == "json" and "text/csv" not in http_request.headers.get("accept", "")
    if as_of is not None:
        service.check_as_of(principal, as_of, today=today, json_page=json_page)
    plan = service.plan_read(
        session,
        principal,
        entity,
        elements=elements,
        grant_id=grant_id,
        schools=schools,
        divisions=divisions,
        where=where,
        today=today,
        period=period,
    )
    secret = settings.secret_key.get_secret_value()
    if json_page:
        page = service.rows_page(
            session,
            principal,
            plan,
            secret_key=secret,
            cursor=cursor,
            limit=service.check_limit(limit or 1000),
            today=today,
            as_of=as_of,
        )
        page["columns"] = people.with_labels(page["columns"], people.column_labels(plan))
        return Response(orjson.dumps(page), media_type="application/json")

    out = exports.rows_export(
        session,
        http_request.app.state.session_factory,
        principal,
        plan,
        fmt=format,
        secret_key=secret,
        cursor=cursor,
        limit=limit,
        today=today,
    )
    return StreamingResponse(
        out.body,
        media_type=out.media_type,
        headers={"Content-Disposition": f'attachment; filename="{out.filename}"'},
    )


@query.get(
    "/{entity}/aggregate",
    response_model=AggregateOut,
    responses=error_responses(401, 403, 404, 422),
    dependencies=[Depends(writes)],
)
def query_aggregate(
    entity: Entity,
    session: SessionDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    measure: Annotated[
        list[str] | None, Query(description="count (always), sum:<element>, avg:<element>")
    ] = None,
    group_by: Annotated[
        list[str] | None, Query(description="school, division, or a code-list / yes-no element (up to 3)")
    ] = None,
    grant_id: GrantId = None,
    schools: Schools = None,
    divisions: Divisions = None,
    where: Where = None,
    period: ReadPeriod = None,
) -> Response:
    """count / sum / avg of granted elements grouped by school, division or code values; small groups
    suppressed. Periodic elements are summed and filtered by their values of `period` (default: the
    current one)."""
    result = service.aggregate(
        session,
        principal,
        entity,
        measure=measure or ["count"],
        group_by=group_by or [],
        grant_id=grant_id,
        schools=schools,
        divisions=divisions,
        where=where,
        k=settings.suppression_k,
        today=local_today(),
        period=period,
    )
    return Response(orjson.dumps(result), media_type="application/json")


@query.get(
    "/{entity}/changes",
    response_model=ChangesPage,
    responses=error_responses(401, 403, 404, 422),
    dependencies=[Depends(writes)],
)
def query_changes(
    entity: Entity,
    session: SessionDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    since: Annotated[
        str | None,
        Query(
            max_length=200,
            description="The next_cursor of the previous call; omit to start from the first change",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE)] = 1000,
    grant_id: GrantId = None,
    schools: Schools = None,
    divisions: Divisions = None,
    period: ReadPeriod = None,
) -> Response:
    """What changed in the grant's scope since a cursor, in commit order, so a department's system can sync
    (periodic elements: the changes of `period`, by default the current one)."""
    result = service.changes(
        session,
        principal,
        entity,
        secret_key=settings.secret_key.get_secret_value(),
        grant_id=grant_id,
        since=since,
        limit=limit,
        schools=schools,
        divisions=divisions,
        today=local_today(),
        period=period,
    )
    return Response(orjson.dumps(result), media_type="application/json")


@answers.get(
    "/{request_id}/data",
    responses={
        **error_responses(401, 403, 404, 409),
        200: {"content": {"application/json": {}, "text/csv": {}, XLSX: {}}},
    },
)
def request_data(
    request_id: int,
    http_request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    format: Literal["json", "csv", "xlsx"] = "json",
    codes: Annotated[
        bool, Query(description="Also the code of every code-listed value, in a column of its own (性别代码)")
    ] = False,
) -> StreamingResponse:
    """The answer rows of an answered request, masked per grant, coded values as labels (JSON, CSV or XLSX), streamed."""
    if format == "json" and "text/csv" in http_request.headers.get("accept", ""):
        format = "csv"
    out = answer.answer_export(
        session,
        http_request.app.state.session_factory,
        principal,
        request_id,
        fmt=format,
        codes=codes,
        today=local_today(),
    )
    disposition = {"Content-Disposition": f'attachment; filename="{out.filename}"'} if out.filename else {}
    return StreamingResponse(out.body, media_type=out.media_type, headers=disposition)


router = APIRouter()
router.include_router(query)
router.include_router(answers)
