from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from hub.db import utcnow
from hub.deps import PrincipalDep, SessionDep, SettingsDep, read_only, writes
from hub.errors import error_responses
from hub.identity.repository import PrincipalRepository
from hub.identity.roles import Role
from hub.kit.clock import local_today
from hub.records.errors import FileEmpty
from hub.records.payloads import RejectedCell
from hub.requests.models import DataRequest
from hub.requests.payloads import PublishIn
from hub.requests.repository import RequestRepository
from hub.requests.service import get_request
from hub.standard.service import current_standard
from hub.tasks import preview as previews
from hub.tasks import service
from hub.tasks.auth import Education
from hub.tasks.columns import TaskColumn
from hub.tasks.errors import SubmissionFileMissing, SubmissionJsonMalformed
from hub.tasks.models import Task
from hub.tasks.payloads import (
    AllowedValue,
    ChangeOut,
    CompleteIn,
    JsonSubmission,
    KeptCell,
    ProgressOut,
    PublicationOut,
    PublishedTask,
    ReminderOut,
    RemindIn,
    RemindOut,
    SchoolProgress,
    SubmissionOut,
    SubmissionPreviewOut,
    TaskFieldOut,
    TaskOut,
    TaskRowOut,
)
from hub.tasks.repository import PublicationRepository, TaskRepository
from hub.tasks.templates import build_template, column_header, header_for, how_to_fill
from hub.tasks.workbook import progress_workbook
from schemas.periods import period_containing

router = APIRouter(tags=["tasks"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.post(
    "/requests/{request_id}/publish",
    response_model=PublicationOut,
    responses=error_responses(401, 403, 404, 409, 422),
)
def publish(
    request_id: int,
    session: SessionDep,
    settings: SettingsDep,
    principal: Education,
    payload: Annotated[PublishIn | None, Body()] = None,
) -> PublicationOut:
    """Publish an approved request: one prefilled task per school lacking data, only the fields it lacks."""
    deadline = payload.deadline if payload else None
    publication = service.publish(session, settings, principal, request_id, deadline=deadline, now=utcnow())
    tasks = publication.tasks
    return PublicationOut(
        request_id=publication.request.id,
        status=publication.request.status,
        deadline=publication.deadline,
        fields=publication.fields,
        schools_in_scope=publication.schools_in_scope,
        schools_with_data=publication.schools_in_scope - len(tasks),
        schools_without_account=len(publication.schools_without_account),
        schools_without_account_codes=publication.schools_without_account[:1000],
        tasks=[
            PublishedTask(
                task_id=t.id,
                school_code=t.school_code,
                fields=t.fields,
                rows_expected=t.rows_expected,
                rows_filled=t.rows_filled,
            )
            for t in tasks
        ],
    )


StateFilter = Annotated[
    list[Literal["not_opened", "in_progress", "submitted", "overdue"]] | None,
    Query(description="Only schools in these states, e.g. state=not_opened&state=in_progress"),
]
SortKey = Annotated[
    Literal["school", "state", "rows_filled", "share_filled", "last_submission"], Query(description="Sort by")
]


def _progress_of(
    session: Session, principal: Any, request_id: int, state: Any, sort: str, order: str
) -> service.Progress:
    request = get_request(session, principal, request_id)
    return service.progress(
        session, principal, request, now=utcnow(), states=state, sort=sort, descending=order == "desc"
    )


@router.get(
    "/requests/{request_id}/progress", response_model=ProgressOut, responses=error_responses(401, 403, 404)
)
def request_progress(
    request_id: int,
    session: SessionDep,
    principal: PrincipalDep,
    state: StateFilter = None,
    sort: SortKey = "school",
    order: Annotated[Literal["asc", "desc"], Query()] = "asc",
) -> ProgressOut:
    """Per school of a published request: its state (未查看, 填报中, 已提交, 已逾期), rows and 催报; filtered and sorted."""
    progress = _progress_of(session, principal, request_id, state, sort, order)
    request, tasks = progress.request, progress.tasks
    return ProgressOut(
        request_id=request.id,
        status=request.status,
        deadline=request.deadline,
        published_at=request.published_at,
        answered_at=request.answered_at,
        schools_in_scope=progress.schools_in_scope,
        tasks_total=len(tasks),
        tasks_complete=sum(t.completed_at is not None for t in tasks),
        rows_expected=sum(t.rows_expected for t in tasks),
        rows_filled=sum(t.rows_filled for t in tasks),
        states=progress.state_counts,
        schools=[
            SchoolProgress(
                school_code=t.school_code,
                school_name=progress.school_names.get(t.school_code),
                task_id=t.id,
                status=t.status,
                complete=t.completed_at is not None,
                fields=t.fields,
                rows_expected=t.rows_expected,
                rows_filled=t.rows_filled,
                submissions=t.submissions,
                last_submission_at=t.last_submission_at,
                state=progress.states[t.id],  # type: ignore[arg-type]
                opened_at=t.opened_at,
                done_reason=t.done_reason,
                reminders=len(progress.reminders_of(t.id)),
                last_reminded_at=progress.last_reminded_at(t.id),
            )
            for t in tasks
        ],
    )


@router.get(
    "/requests/{request_id}/progress.xlsx",
    responses={**error_responses(401, 403, 404), 200: {"content": {XLSX: {}}}},
    response_class=Response,
)
def request_progress_xlsx(
    request_id: int,
    session: SessionDep,
    principal: PrincipalDep,
    state: StateFilter = None,
    sort: SortKey = "school",
    order: Annotated[Literal["asc", "desc"], Query()] = "asc",
) -> Response:
    """The progress table as Excel (the same filter and order), for the bureau's own follow-up."""
    progress = _progress_of(session, principal, request_id, state, sort, order)
    return Response(
        progress_workbook(progress),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="progress-{request_id}.xlsx"'},
    )


@router.post(
    "/requests/{request_id}/reminders",
    response_model=RemindOut,
    responses=error_responses(401, 403, 404, 409),
)
def send_reminders(
    request_id: int, payload: RemindIn, session: SessionDep, principal: PrincipalDep
) -> RemindOut:
    """催报: remind the schools that have not submitted (all, or those named); each school sees it on its tasks."""
    result = service.remind(
        session, principal, request_id, schools=payload.schools, note=payload.note, now=utcnow()
    )
    return RemindOut(
        request_id=request_id, reminded=[r.school_code for r in result.reminders], skipped=result.skipped
    )


class _Context:
    """What task listings repeat per task (request, department, school name), fetched once each."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.std = current_standard(session)
        self.requests: dict[int, DataRequest] = {}
        self.departments: dict[int, str | None] = {}

    def request(self, request_id: int) -> DataRequest:
        if request_id not in self.requests:
            found = RequestRepository(self.session).get(request_id)
            assert found is not None
            self.requests[request_id] = found
        return self.requests[request_id]

    def department(self, principal_id: int) -> str | None:
        if principal_id not in self.departments:
            found = PrincipalRepository(self.session).get(principal_id)
            self.departments[principal_id] = found.name if found else None
        return self.departments[principal_id]


def _field_out(context: _Context, code: str, column: TaskColumn | None = None) -> TaskFieldOut:
    element = context.std.element(code)
    period = column.period if column is not None else None
    if period is None and element.period is not None:
        period = period_containing(element.period.kind, local_today())
    allowed: list[AllowedValue] = []
    if element.value_type == "code" and element.code_list:
        allowed = [
            AllowedValue(code=c.code, label=c.label_zh)
            for c in context.std.code_list(element.code_list).codes
        ]
    elif element.value_type == "boolean":
        allowed = [AllowedValue(code="true", label="是"), AllowedValue(code="false", label="否")]
    return TaskFieldOut(
        element=element.code,
        name=element.name,
        label=element.label_zh,
        label_en=element.label_en,
        type=element.value_type,
        unit=element.unit,
        code_list=element.code_list,
        allowed_values=allowed,
        min_value=element.min_value,
        max_value=element.max_value,
        description=element.description_zh,
        period=period.key if period else None,
        period_label=period.label_zh if period else None,
        key=column.key if column is not None else element.code,
        header=column_header(column, local_today()) if column is not None else header_for(element),
    )


def _task_out(
    context: _Context, task: Task, school_name: str | None, *, shown: list[service.PrefilledRow] | None
) -> TaskOut:
    request = context.request(task.request_id)
    rows = None
    if shown is not None:
        rows = [
            TaskRowOut(reference=r.reference, name=r.name, id_number_last4=r.id_number_last4, values=r.values)
            for r in shown
        ]
    return TaskOut(
        id=task.id,
        request_id=task.request_id,
        title=request.title,
        purpose=request.purpose,
        department=context.department(request.department_id),
        form_number=request.form_number,
        approval_number=request.approval_number,
        valid_until=request.valid_until,
        school_code=task.school_code,
        school_name=school_name,
        entity=task.entity,
        status=task.status,  # type: ignore[arg-type]
        state=service.task_state(task, local_today()),  # type: ignore[arg-type]
        complete=task.completed_at is not None,
        deadline=task.deadline,
        opened_at=task.opened_at,
        done_reason=task.done_reason,
        reminders=[
            ReminderOut(sent_at=r.sent_at, note=r.note, seen_at=r.seen_at)
            for r in TaskRepository(context.session).reminders_of([task.id]).get(task.id, [])
        ],
        fields=[_field_out(context, c.element.code, c) for c in service.columns_of(context.std, task)],
        rows_expected=task.rows_expected,
        rows_filled=task.rows_filled,
        submissions=task.submissions,
        created_at=task.created_at,
        last_submission_at=task.last_submission_at,
        completed_at=task.completed_at,
        closed_at=task.closed_at,
        template_url=f"/api/v1/tasks/{task.id}/template.xlsx",
        submission_url=f"/api/v1/tasks/{task.id}/submission",
        rows=rows,
    )


@router.get(
    "/tasks",
    response_model=list[TaskOut],
    responses=error_responses(401, 403),
    dependencies=[Depends(writes)],
)
def list_tasks(
    session: SessionDep,
    principal: PrincipalDep,
    request_id: int | None = None,
    school_code: str | None = None,
    status: Annotated[list[Literal["open", "complete", "closed"]] | None, Query()] = None,
    with_rows: Annotated[bool | None, Query(description="Prefilled rows (default: yes for a school)")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[TaskOut]:
    """A school's own tasks with fields, allowed values and prefilled rows; the education bureau sees all."""
    tasks = service.list_tasks(
        session,
        principal,
        request_id=request_id,
        school_code=school_code,
        status=list(status) if status else None,
        limit=limit,
        offset=offset,
    )
    context = _Context(session)
    names = PublicationRepository(session).school_names(t.school_code for t in tasks)
    rows = with_rows if with_rows is not None else principal.role is Role.SCHOOL
    return [
        _task_out(
            context,
            t,
            names.get(t.school_code),
            shown=service.read_prefilled(session, principal, t, context.std, skip_empty=True)
            if rows
            else None,
        )
        for t in tasks
    ]


@router.get(
    "/tasks/{task_id}",
    response_model=TaskOut,
    responses=error_responses(401, 403, 404),
    dependencies=[Depends(writes)],
)
def get_task(task_id: int, session: SessionDep, principal: PrincipalDep) -> TaskOut:
    """One task with its fields and prefilled rows (404 for another school's task)."""
    task = service.task_for(session, principal, task_id, now=utcnow())
    names = PublicationRepository(session).school_names([task.school_code])
    context = _Context(session)
    shown = service.read_prefilled(session, principal, task, context.std)
    return _task_out(context, task, names.get(task.school_code), shown=shown)


@router.get(
    "/tasks/{task_id}/template.xlsx",
    responses={**error_responses(401, 403, 404), 200: {"content": {XLSX: {}}}},
    response_class=Response,
    dependencies=[Depends(writes)],
)
def task_template(task_id: int, session: SessionDep, principal: PrincipalDep) -> Response:
    """The task as an Excel workbook: prefilled rows, zh label headers, dropdowns from the code lists."""
    task = service.task_for(session, principal, task_id, now=utcnow())
    context = _Context(session)
    request = context.request(task.request_id)
    notes = [
        ("采集任务 task", f"{request.title}（任务 {task.id}）"),
        ("用途 purpose", request.purpose),
        ("提出部门 requested by", context.department(request.department_id) or ""),
        ("表号 form number", request.form_number or ""),
        ("批准文号 approval number", request.approval_number or ""),
        ("有效期至 valid until", request.valid_until.isoformat() if request.valid_until else ""),
        ("截止日期 deadline", task.deadline.isoformat()),
        ("学校 school", task.school_code),
        ("填报说明 how to fill", how_to_fill()),
    ]
    content = build_template(
        std=context.std,
        entity=task.entity,
        columns=service.columns_of(context.std, task),
        rows=service.read_prefilled(session, principal, task, context.std),
        notes=notes,
        stamp=service.template_stamp(task, utcnow()),
        form_header=service.form_header(session, task),
    )
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="task-{task.id}.xlsx"'},
    )


async def submission_input(request: Request) -> service.SubmissionInput:
    """The submission body: a multipart `file` (CSV or XLSX), a raw CSV/XLSX body, or JSON rows."""
    content_type = request.headers.get("content-type", "").lower()
    if "json" in content_type:
        try:
            payload = JsonSubmission.model_validate_json(await request.body())
        except ValidationError as exc:
            problems = [
                {"field": ".".join(str(p) for p in e["loc"]), "reason": e["msg"]} for e in exc.errors()
            ]
            raise SubmissionJsonMalformed(
                'JSON 提交格式不对，应为 {"rows": [...]}',
                'the JSON body must be {"rows": [...]}',
                detail=problems,
            ) from exc
        return service.json_input(payload.rows)
    filename: str | None
    if content_type.startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise SubmissionFileMissing(
                "请以 file 字段上传 CSV 或 XLSX 文件",
                "upload the CSV or XLSX as the `file` part",
                detail={"field": "file"},
            )
        content, filename = await upload.read(), upload.filename
    else:
        content, filename = await request.body(), request.headers.get("x-filename")
    if not content:
        raise FileEmpty("上传的文件是空的", "the uploaded file is empty", detail={"field": "file"})
    return service.file_input(content, filename=filename)


_SUBMISSION_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
            "application/json": {"schema": JsonSubmission.model_json_schema()},
            "text/csv": {"schema": {"type": "string"}},
            XLSX: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


def _change_out(change: previews.Change) -> ChangeOut:
    return ChangeOut(**asdict(change))


@router.post(
    "/tasks/{task_id}/submission/preview",
    response_model=SubmissionPreviewOut,
    responses=error_responses(401, 403, 404, 409, 413, 422),
    openapi_extra=_SUBMISSION_BODY,
)
@read_only
def preview_submission(
    task_id: int,
    session: SessionDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    submission: Annotated[service.SubmissionInput, Depends(submission_input)],
) -> SubmissionPreviewOut:
    """Dry run of a submission: each saved value it would overwrite or clear, old and new; stores nothing."""
    now = utcnow()
    found = previews.preview(session, settings, principal, task_id, submission, now=now)
    return SubmissionPreviewOut(
        task_id=found.task.id,
        rows_read=found.rows_read,
        rows_valid=found.rows_valid,
        rejected_rows=found.rejected_rows,
        would_overwrite=found.would_overwrite,
        filled=len(found.filled),
        overwritten=[_change_out(c) for c in found.overwritten[:5000]],
        cleared=[_change_out(c) for c in found.cleared[:5000]],
        unchanged=found.unchanged,
        filled_cells=[_change_out(c) for c in found.filled[:1000]],
        rejected=[RejectedCell(**r.as_dict()) for r in found.rejected[:5000]],
        kept=[KeptCell(**asdict(k)) for k in found.kept[:5000]],
        extra_columns=found.extra_columns,
        missing_columns=found.missing_columns,
        previewed_at=now,
    )


@router.post(
    "/tasks/{task_id}/submission",
    response_model=SubmissionOut,
    responses=error_responses(401, 403, 404, 409, 413, 422),
    openapi_extra=_SUBMISSION_BODY,
)
def submit(
    task_id: int,
    session: SessionDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    submission: Annotated[service.SubmissionInput, Depends(submission_input)],
    previewed_at: Annotated[
        datetime | None,
        Query(description="When its preview was made: values saved after it are kept, not overwritten"),
    ] = None,
) -> SubmissionOut:
    """A school's rows for its task (CSV, XLSX or JSON): valid rows stored, bad ones reported; resubmit to fix."""
    result = service.submit(
        session, settings, principal, task_id, submission, now=utcnow(), previewed_at=previewed_at
    )
    return SubmissionOut(
        task_id=result.task.id,
        batch_id=result.batch_id,
        source=result.source,
        rows_read=result.rows_read,
        accepted=result.accepted,
        rejected_rows=result.rejected_rows,
        rejected=[RejectedCell(**r.as_dict()) for r in result.rejected[:5000]],
        extra_columns=result.extra_columns,
        missing_columns=result.missing_columns,
        kept=[KeptCell(**asdict(k)) for k in result.kept[:5000]],
        cleared=result.cleared,
        task_status=result.task.status,
        rows_expected=result.task.rows_expected,
        rows_filled=result.task.rows_filled,
        request_status=result.request.status,
    )


@router.post(
    "/tasks/{task_id}/complete", response_model=TaskOut, responses=error_responses(401, 403, 404, 409)
)
def complete_task(
    task_id: int,
    session: SessionDep,
    principal: PrincipalDep,
    payload: Annotated[CompleteIn | None, Body()] = None,
) -> TaskOut:
    """The school declares its task done, even with rows it cannot fill: then it says why (`reason`)."""
    reason = payload.reason if payload is not None else None
    task = service.mark_done(session, principal, task_id, reason=reason, now=utcnow())
    names = PublicationRepository(session).school_names([task.school_code])
    return _task_out(_Context(session), task, names.get(task.school_code), shown=None)
