"""A school in the browser: its tasks filled in a table (or through the Excel template), its overview of
every request that concerned it, and who used its data."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

import schemas
from hub.config import Settings
from hub.db import utcnow
from hub.deps import SessionDep, SettingsDep, read_only, writes
from hub.errors import HubError
from hub.identity.models import Principal
from hub.identity.repository import PrincipalRepository
from hub.records.errors import FileEmpty
from hub.requests.repository import RequestRepository
from hub.schools import service as schools
from hub.schools.auth import SEE_SCHOOL
from hub.schools.errors import TeacherNotFound
from hub.standard.service import current_standard
from hub.tasks import preview as previews
from hub.tasks import service as tasks
from hub.tasks.auth import FILL
from hub.tasks.models import Task
from hub.tasks.repository import PublicationRepository, TaskRepository
from hub.tasks.templates import build_template, how_to_fill, type_word
from hub.web import i18n
from hub.web.kit import PageRoute, lang_of, redirect, render, role
from schemas.frames import plausible_dates

router = APIRouter(route_class=PageRoute, include_in_schema=False)

School = Annotated[Principal, role(FILL)]
SchoolView = Annotated[Principal, role(SEE_SCHOOL)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Keys of the JSON rows a browser submission sends: the reference and each field's element code.
REFERENCE_KEY = "参考号"
# Field types whose rule the fill form's header states (a list or a 是/否 choice speaks for itself).
RULED_TYPES = ("integer", "decimal", "date", "year_month")
# A confirmed upload carries the previewed file in a form field (base64: a third larger than the file).
MAX_CONFIRMED_BYTES = 64 * 1024 * 1024


@dataclass(kw_only=True)
class Outcome:
    """How a submission went, laid out for the form: errors beside their cells, the rest in a list."""

    accepted: int = 0
    rejected_rows: int = 0
    cells: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (reference, element) → reasons
    other: list[str] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # cells of an older copy not applied
    cleared: int = 0

    @property
    def bad_references(self) -> set[str]:
        return {reference for reference, _ in self.cells}


def _choices(std: schemas.Standard, element: schemas.Element, lang: str) -> list[tuple[str, str]]:
    if element.value_type == "code" and element.code_list:
        codes = std.code_list(element.code_list).codes
        return [(c.code, c.label_en if lang == "en" and c.label_en else c.label_zh) for c in codes]
    if element.value_type == "boolean":
        return [("true", i18n.text("common.yes", lang)), ("false", i18n.text("common.no", lang))]
    return []


def _shown(element: schemas.Element, value: Any) -> str:
    if value is None:
        return ""
    if element.value_type == "boolean":
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and element.value_type == "integer":
        return str(int(value))
    return str(value)


def _task_context(session: Session, task: Task) -> dict[str, Any]:
    request = RequestRepository(session).get(task.request_id)
    department = PrincipalRepository(session).get(request.department_id) if request else None
    return {"data_request": request, "department": department.name if department else None}


def _fill_page(
    request: Request,
    session: Session,
    principal: Principal,
    task: Task,
    *,
    typed: dict[str, dict[str, str]] | None = None,
    outcome: Outcome | None = None,
    status_code: int = 200,
) -> Response:
    lang = lang_of(request)
    std = current_standard(session)
    columns = tasks.columns_of(std, task)
    rows = []
    # Showing the prefilled rows is a read of the school's records: the service puts it on the audit log.
    for row in tasks.read_prefilled(session, principal, task, std):
        values = {c.key: _shown(c.element, row.values.get(c.key)) for c in columns}
        values.update((typed or {}).get(row.reference, {}))
        rows.append(
            {"reference": row.reference, "name": row.name, "id_hint": row.id_number_last4, "values": values}
        )
    return render(
        request,
        "task_fill.html",
        {
            "task": task,
            **_task_context(session, task),
            "elements": [
                {
                    "code": c.key,
                    "label": c.label(lang),
                    "type": c.element.value_type,
                    "unit": c.element.unit,
                    "choices": _choices(std, c.element, lang),
                    "hint": c.element.description_en if lang == "en" else c.element.description_zh,
                    # The rule the template's validation and the server check, in words (整数，0 至 1000次).
                    "rule": type_word(c.element)
                    if lang != "en" and c.element.value_type in RULED_TYPES
                    else None,
                    **_date_bounds(c.element),
                }
                for c in columns
            ],
            "rows": rows,
            "outcome": outcome,
            "reminders": TaskRepository(session).reminders_of([task.id]).get(task.id, []),
        },
        principal=principal,
        status_code=status_code,
    )


def _date_bounds(element: schemas.Element) -> dict[str, str]:
    """A date input's min and max: the days the server accepts (no day before 1920, none ahead unless
    the element allows the future), so the browser's own date picker refuses the others."""
    if element.value_type != "date":
        return {}
    earliest, latest = plausible_dates(element)
    return {"min": earliest.isoformat(), **({"max": latest.isoformat()} if latest else {})}


@router.get("/tasks")
def task_list(request: Request, session: SessionDep, principal: School) -> Response:
    """The school's tasks, newest first."""
    found = tasks.list_tasks(
        session, principal, request_id=None, school_code=None, status=None, limit=200, offset=0
    )
    requests = {t.request_id: RequestRepository(session).get(t.request_id) for t in found}
    std = current_standard(session)
    lang = lang_of(request)
    items = [
        {
            "task": t,
            "request": requests.get(t.request_id),
            "fields": [
                (lambda e: e.label_en if lang == "en" else e.label_zh)(std.element(c)) for c in t.fields
            ],
        }
        for t in found
    ]
    reminders = [
        {"reminder": reminder, "task": task, "request": RequestRepository(session).get(task.request_id)}
        for reminder, task in tasks.unseen_reminders(session, principal)
    ]
    return render(request, "tasks.html", {"items": items, "reminders": reminders}, principal=principal)


@router.get("/tasks/{task_id}", dependencies=[Depends(writes)])
def task_form(task_id: int, request: Request, session: SessionDep, principal: School) -> Response:
    """The task as a table: prefilled rows, an input per missing field, dropdowns from code lists."""
    task = tasks.task_for(session, principal, task_id, now=utcnow())
    return _fill_page(request, session, principal, task)


def _outcome(
    result: tasks.SubmissionResult, std: schemas.Standard, task: Task, references: dict[int, str], lang: str
) -> Outcome:
    """Put each refused cell beside its input: row → reference, field label → element."""
    # A refused cell names its column's label: the element's, or with its period for one of several.
    by_label = {c.label() if c.several else c.element.label_zh: c.key for c in tasks.columns_of(std, task)}
    outcome = Outcome(
        accepted=result.accepted,
        rejected_rows=result.rejected_rows,
        extra_columns=result.extra_columns,
        cleared=result.cleared,
    )
    for rejection in result.rejected:
        reason = rejection.reason_en if lang == "en" else rejection.reason
        reference = references.get(rejection.row)
        element = by_label.get(rejection.field)
        if reference is not None and element is not None:
            outcome.cells.setdefault((reference, element), []).append(reason)
        else:
            where = reference or str(rejection.row)
            outcome.other.append(f"{where} · {rejection.field} · {rejection.value}：{reason}")
    return outcome


async def form_items(request: Request) -> dict[str, str]:
    """Every text input of a posted form (a task's inputs are named v|reference|element, not known ahead)."""
    form = await request.form()
    return {key: value for key, value in form.multi_items() if isinstance(value, str)}


@router.post("/tasks/{task_id}/fill")
def fill_task(
    task_id: int,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: School,
    values: Annotated[dict[str, str], Depends(form_items)],
) -> Response:
    """Submit the table's inputs as JSON rows; refused cells come back beside their inputs with the reason."""
    return _fill(task_id, request, session, settings, principal, values)


def _fill(
    task_id: int,
    request: Request,
    session: Session,
    settings: Settings,
    principal: Principal,
    values: dict[str, str],
) -> Response:
    lang = lang_of(request)
    task = tasks.task_for(session, principal, task_id, now=utcnow())
    std = current_standard(session)
    codes = {c.key for c in tasks.columns_of(std, task)}
    typed: dict[str, dict[str, str]] = {}
    for key, value in values.items():
        parts = key.split("|")
        if len(parts) == 3 and parts[0] == "v" and parts[2] in codes:
            typed.setdefault(parts[1], {})[parts[2]] = value.strip()
    rows: list[dict[str, Any]] = []
    references: dict[int, str] = {}
    for reference, cells in typed.items():
        if any(cells.values()):
            rows.append({REFERENCE_KEY: reference, **cells})
            references[len(rows)] = reference
    if not rows:
        outcome = Outcome(other=[i18n.text("error.no_rows", lang)])
        return _fill_page(request, session, principal, task, typed=typed, outcome=outcome, status_code=422)
    try:
        result = tasks.submit(session, settings, principal, task.id, tasks.json_input(rows), now=utcnow())
    except HubError as exc:
        session.rollback()
        outcome = Outcome(other=[exc.message_in(lang)])
        return _fill_page(
            request, session, principal, task, typed=typed, outcome=outcome, status_code=exc.status_code
        )
    outcome = _outcome(result, std, task, references, lang)
    # Refused rows keep what was typed so the school corrects it; accepted rows show what the hub now holds.
    refused = {reference for reference, _ in outcome.cells}
    keep = {reference: cells for reference, cells in typed.items() if reference in refused}
    return _fill_page(request, session, principal, result.task, typed=keep, outcome=outcome)


@router.post("/tasks/{task_id}/upload/preview")
@read_only
def preview_upload(
    task_id: int,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: School,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Read the uploaded file and, when it would overwrite or clear saved values, show each change to
    confirm; otherwise hand the same upload on to be applied (307 keeps the method and the file)."""
    lang = lang_of(request)
    content = file.file.read() if file is not None else b""
    filename = file.filename if file is not None else None
    now = utcnow()
    try:
        if not content:
            raise FileEmpty(*i18n.pair("error.empty_file"))
        found = previews.preview(
            session, settings, principal, task_id, tasks.file_input(content, filename=filename), now=now
        )
    except HubError as exc:
        if exc.status_code in (403, 404):
            raise
        task = tasks.fillable_task(session, principal, task_id)
        context = {"task": task, **_task_context(session, task), "failure": exc.message_in(lang)}
        return render(request, "task_preview.html", context, principal=principal, status_code=exc.status_code)
    if not found.would_overwrite:
        return RedirectResponse(f"/tasks/{task_id}/upload", status_code=307)
    context = {
        "task": found.task,
        **_task_context(session, found.task),
        "preview": found,
        "content": base64.b64encode(content).decode(),
        "filename": filename or "",
        "previewed_at": now.isoformat(),
        "rejected": [
            f"{r.row} · {r.field} · {r.value}：{r.reason_en if lang == 'en' else r.reason}"
            for r in found.rejected
        ],
    }
    return render(request, "task_preview.html", context, principal=principal)


async def confirmed_upload(request: Request) -> dict[str, str]:
    """The preview's confirmation: the file it read (base64), its name and when it was read. The file
    travels in one form field, so the field may be as large as an upload."""
    form = await request.form(max_part_size=MAX_CONFIRMED_BYTES)
    return {key: value for key, value in form.multi_items() if isinstance(value, str)}


@router.post("/tasks/{task_id}/upload/confirm")
def confirm_upload(
    task_id: int,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: School,
    values: Annotated[dict[str, str], Depends(confirmed_upload)],
) -> Response:
    """Apply the upload the school saw the preview of; values saved after the preview are kept."""
    try:
        content = base64.b64decode(values.get("content", ""), validate=True)
        previewed_at = datetime.fromisoformat(values["previewed_at"]) if values.get("previewed_at") else None
    except (ValueError, binascii.Error):
        content, previewed_at = b"", None
    return _apply_upload(
        task_id,
        request,
        session,
        settings,
        principal,
        content,
        values.get("filename") or None,
        previewed_at=previewed_at,
    )


@router.post("/tasks/{task_id}/upload")
def upload_task(
    task_id: int,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: School,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Submit the filled Excel template (or a CSV): valid rows stored, bad rows listed with their reasons."""
    content = file.file.read() if file is not None else b""
    filename = file.filename if file is not None else None
    return _apply_upload(task_id, request, session, settings, principal, content, filename)


def _apply_upload(
    task_id: int,
    request: Request,
    session: Session,
    settings: Settings,
    principal: Principal,
    content: bytes,
    filename: str | None,
    *,
    previewed_at: datetime | None = None,
) -> Response:
    lang = lang_of(request)
    task = tasks.task_for(session, principal, task_id, now=utcnow())
    try:
        if not content:
            raise FileEmpty(*i18n.pair("error.empty_file"))
        result = tasks.submit(
            session,
            settings,
            principal,
            task.id,
            tasks.file_input(content, filename=filename),
            now=utcnow(),
            previewed_at=previewed_at,
        )
    except HubError as exc:
        session.rollback()
        outcome = Outcome(other=[exc.message_in(lang)])
        return _fill_page(request, session, principal, task, outcome=outcome, status_code=exc.status_code)
    outcome = Outcome(
        accepted=result.accepted, rejected_rows=result.rejected_rows, extra_columns=result.extra_columns
    )
    for r in result.rejected:
        outcome.other.append(f"{r.row} · {r.field} · {r.value}：{r.reason_en if lang == 'en' else r.reason}")
    for k in result.kept:
        outcome.kept.append(f"{k.row} · {k.field} · {k.value}：{k.reason_en if lang == 'en' else k.reason}")
    outcome.cleared = result.cleared
    return _fill_page(request, session, principal, result.task, outcome=outcome)


@router.get("/tasks/{task_id}/template.xlsx", dependencies=[Depends(writes)])
def task_template(task_id: int, session: SessionDep, principal: School) -> Response:
    """The task as an Excel workbook: prefilled rows, zh labels as headers, dropdowns from the code lists."""
    task = tasks.task_for(session, principal, task_id, now=utcnow())
    context = _task_context(session, task)
    found = context["data_request"]
    std = current_standard(session)
    notes = [
        ("采集任务 task", f"{found.title}（任务 {task.id}）" if found else str(task.id)),
        ("用途 purpose", found.purpose if found else ""),
        ("提出部门 requested by", context["department"] or ""),
        ("表号 form number", (found.form_number if found else None) or ""),
        ("批准文号 approval number", (found.approval_number if found else None) or ""),
        ("有效期至 valid until", found.valid_until.isoformat() if found and found.valid_until else ""),
        ("截止日期 deadline", task.deadline.isoformat()),
        ("学校 school", task.school_code),
        ("填报说明 how to fill", how_to_fill()),
    ]
    content = build_template(
        std=std,
        entity=task.entity,
        columns=tasks.columns_of(std, task),
        rows=tasks.read_prefilled(session, principal, task, std),
        notes=notes,
        stamp=tasks.template_stamp(task, utcnow()),
        form_header=tasks.form_header(session, task),
    )
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="task-{task.id}.xlsx"'},
    )


@router.post("/tasks/{task_id}/complete")
def complete_task(
    task_id: int,
    request: Request,
    session: SessionDep,
    principal: School,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """The school declares its task done although some rows cannot be filled, saying why."""
    try:
        tasks.mark_done(session, principal, task_id, reason=reason, now=utcnow())
    except HubError as exc:
        session.rollback()
        task = tasks.task_for(session, principal, task_id, now=utcnow())
        outcome = Outcome(other=[exc.message_in(lang_of(request))])
        return _fill_page(request, session, principal, task, outcome=outcome, status_code=exc.status_code)
    return redirect(f"/tasks/{task_id}", message="task_done")


# --- the school's own view ----------------------------------------------------------------------------


def _overview_page(
    request: Request,
    session: Session,
    principal: Principal,
    code: str,
    *,
    teacher: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    overview = schools.overview(session, principal, code)
    usage = schools.usage(session, principal, code, start=None, end=None, before=None, limit=50)
    names = PublicationRepository(session).school_names([code])
    return render(
        request,
        "school.html",
        {
            "overview": overview,
            "usage": usage,
            "code": code,
            "school_name": names.get(code),
            "teacher": teacher,
        },
        principal=principal,
        status_code=status_code,
    )


@router.get("/school")
def my_school(request: Request, session: SessionDep, principal: School) -> Response:
    """The school's overview: requests that concerned it, those answered without it, fields it was spared,
    who used its data."""
    return _overview_page(request, session, principal, principal.school_code or "")


@router.get("/schools/{code}")
def school_view(code: str, request: Request, session: SessionDep, principal: SchoolView) -> Response:
    """A school's overview as the education bureau sees it (a school sees only its own)."""
    return _overview_page(request, session, principal, code)


@router.post("/schools/{code}/teacher-reads")
def teacher_reads(
    code: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: SchoolView,
    id_number: Annotated[str, Form(max_length=18)] = "",
) -> Response:
    """One teacher's reads by departments, on the school's page: a form POST, so the ID number stays out
    of the URL (and the access log); the page shows the last four characters only."""
    try:
        found = schools.teacher_reads(
            session, principal, code, id_number=id_number, secret_key=settings.secret_key.get_secret_value()
        )
    except TeacherNotFound as exc:
        teacher = {"error": exc.message_in(lang_of(request)), "tail": id_number.strip()[-4:]}
        return _overview_page(request, session, principal, code, teacher=teacher, status_code=404)
    teacher = {"reads": found["reads"], "tail": id_number.strip()[-4:]}
    return _overview_page(request, session, principal, code, teacher=teacher)


@router.get("/tasks/{task_id}/fill")
@router.get("/tasks/{task_id}/upload")
@router.get("/tasks/{task_id}/upload/preview")
@router.get("/tasks/{task_id}/upload/confirm")
def back_to_task(task_id: int) -> Response:
    """A reload or bookmark of a submission's answer page goes back to the task."""
    return redirect(f"/tasks/{task_id}")
