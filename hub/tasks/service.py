"""Publication, school tasks, submissions and completion (seed rules 10, 12 and 14).

Only the education bureau publishes; each school in scope that lacks data gets one task holding only the
fields it lacks, prefilled with what the hub knows; submissions take the store's one ingestion path;
a request is answered when every task is in or its deadline passed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

import dedup
import schemas
from hub.access.scope import bound_division, may_act_at
from hub.audit import service as audit
from hub.config import Settings
from hub.db import SMALL_TABLE_ROWS, refresh_statistics, utcnow
from hub.holidays.service import work_calendar
from hub.identity.models import Principal
from hub.identity.roles import Role
from hub.kit.clock import local_date, local_today
from hub.kit.tokens import teacher_key
from hub.kit.workdays import add_working_days
from hub.onboarding.repository import OnboardingRepository
from hub.records import counts as coverage
from hub.records.files import entity_headers, read_upload
from hub.records.masking import mask
from hub.records.periods import WritePeriods, chosen_periods, map_dated_headers
from hub.records.repository import RecordRepository, SchoolRepository
from hub.records.service import IngestReport, Provenance, Rejection, ingest_frame
from hub.records.writer import clear_values
from hub.requests import lifecycle, release, rules
from hub.requests.errors import RequestNotFound
from hub.requests.models import DataRequest, status_words
from hub.requests.repository import RequestRepository
from hub.standard.service import current_standard, header_key
from hub.tasks.auth import FILL, MARK_DONE, PUBLISH, REMIND, SCHOOL_FACING, SEE_PROGRESS
from hub.tasks.columns import TaskColumn, latest_periods, task_columns, task_periods
from hub.tasks.errors import (
    ApprovalExpired,
    CompletionNeedsReason,
    DeadlineAfterApproval,
    DeadlineTooSoon,
    NothingToRemind,
    PublicationAtAnotherLevel,
    RequestNotApproved,
    SubmissionEmpty,
    SubmissionWithoutTaskFields,
    TaskClosed,
    TaskNotFound,
    TaskOfAnotherSchool,
)
from hub.tasks.models import Task, TaskReminder, TaskSubmission
from hub.tasks.repository import PublicationRepository, TaskRepository, due_requests, duplicates_of
from schemas.periods import period_containing

# Columns of a task sheet that only help a person find the row: read back, never stored.
REFERENCE_HEADER = "参考号（勿改）"
NAME_HEADER = "姓名（参考）"
ID_HINT_HEADER = "身份证件号码后四位（参考）"
SCHOOL_NAME_HEADER = "学校名称（参考）"
REFERENCE_KEYS = {header_key(h) for h in (REFERENCE_HEADER, "参考号", "ref", "reference")}
CONTEXT_KEYS = {
    header_key(h)
    for h in (NAME_HEADER, ID_HINT_HEADER, SCHOOL_NAME_HEADER, "id_number_last4", "序号", "行号")
}
# An empty cell never changes a saved value (an older copy of the template has many); clearing one is an
# explicit act: this text in the cell (or #clear).
CLEAR_MARKER = "#清空"
CLEAR_MARKERS = {CLEAR_MARKER, "#clear"}
# Written into each template's properties: which task, and as of when its prefilled values were read.
STAMP_PREFIX = "yici-hub-task"
# Without a deadline of its own, a publication gives schools twice the minimum.
DEFAULT_DEADLINE_FACTOR = 2

_STATUS_REASONS = {
    "pending_approval": ("尚未经统计机构审批", "it has not been approved by the statistics bureau yet"),
    "rejected": ("已被驳回", "it was rejected"),
    "published": ("已经发布", "it is already published"),
    "answered": ("已由数据中心答复，无需再向学校采集", "it is already answered from the store"),
    "duplicate": ("与另一采集需求重复", "it duplicates another request"),
}


def _today(now: datetime) -> date:
    return local_date(now)


# --- publication ------------------------------------------------------------------------------------


@dataclass(kw_only=True)
class Publication:
    request: DataRequest
    deadline: date
    fields: list[str]
    schools_in_scope: int
    tasks: list[Task]
    # Schools that got a task but have no account whose token works now: they cannot sign in to fill it.
    schools_without_account: list[str]


def missing_elements(std: schemas.Standard, request: DataRequest) -> list[schemas.Element]:
    """The request's elements the store lacked after approval (approved new fields included), once each."""
    codes = dict.fromkeys(f.element_code for f in request.fields if f.status == "missing" and f.element_code)
    return [std.element(code) for code in codes if code]


def missing_periods(request: DataRequest) -> dict[str, list[str]]:
    """Element code → the periods a task collects of a periodic element: every one the store lacked
    (近三年 with two years missing: both), oldest first, once each across the request's fields."""
    out: dict[str, set[str]] = {}
    for f in request.fields:
        if f.status == "missing" and f.element_code and f.missing_periods:
            out.setdefault(f.element_code, set()).update(f.missing_periods)
    return {code: sorted(keys) for code, keys in out.items()}


@dataclass(frozen=True, kw_only=True)
class SchoolNeed:
    """What one school holds of a request's missing elements: records, filled counts, what it lacks."""

    code: str
    records: int
    filled: dict[str, int]
    lacking: list[schemas.Element]


def school_needs(
    session: Session, std: schemas.Standard, request: DataRequest
) -> tuple[list[schemas.Element], dict[str, SchoolNeed]]:
    """The request's missing elements and, per school in scope with records, what it lacks of them.

    Publication sends a task to exactly the schools with something lacking; the web preview shows the
    same answer before anything is sent.
    """
    elements = missing_elements(std, request)
    periods = missing_periods(request)
    repository = RecordRepository(session)
    timeless = [e for e in elements if e.code not in periods]
    counts = repository.element_counts(request.entity, timeless, request.schools)
    # A periodic field counts what the store holds for the periods it lacked, not today's values: its
    # filled count is that of its least filled period.
    for key in sorted({k for keys in periods.values() for k in keys}):
        of_period = [e for e in elements if key in periods.get(e.code, [])]
        for code, held in repository.period_counts(request.entity, of_period, key, request.schools).items():
            if code in counts:
                for element_code, filled in held.filled.items():
                    counts[code].filled[element_code] = min(
                        counts[code].filled.get(element_code, filled), filled
                    )
                counts[code].applicable.update(held.applicable)
            else:
                counts[code] = held
    needs: dict[str, SchoolNeed] = {}
    for code, count in counts.items():
        lacking = [
            e for e in elements if count.filled.get(e.code, 0) < count.applicable.get(e.code, count.records)
        ]
        needs[code] = SchoolNeed(code=code, records=count.records, filled=count.filled, lacking=lacking)
    return elements, needs


def publish(
    session: Session,
    settings: Settings,
    principal: Principal,
    request_id: int,
    *,
    deadline: date | None,
    now: datetime,
) -> Publication:
    """Send an approved request to the schools lacking data: one task each, only the fields it lacks."""
    PUBLISH.check(principal)
    bound = bound_division(principal)
    request = RequestRepository(session).get(request_id, within_division=bound)
    if request is None:
        raise RequestNotFound(f"采集需求 {request_id} 不存在", f"request {request_id} not found")
    if not may_act_at(bound, request.division, or_above=settings.publication_level == "county_or_above"):
        raise PublicationAtAnotherLevel(
            f"采集需求 {request_id} 面向 {request.division or '全域'} 的学校，由该级（或上级）教育局发布",
            f"request {request_id} reaches schools of {request.division or 'the whole hub'}; "
            "the education bureau of that level publishes it",
            detail={"division": request.division, "publication_level": settings.publication_level},
        )
    today = _today(now)
    if request.status != "approved":
        zh, en = _STATUS_REASONS.get(request.status, (request.status, request.status))
        raise RequestNotApproved(
            f"采集需求 {request_id} 不能发布：{zh}（当前{status_words(request.status)[0]}）",
            f"request {request_id} cannot be published: {en} (now {status_words(request.status)[1]})",
            detail={"status": request.status, "duplicate_of": request.duplicate_of},
        )
    if request.valid_until is not None and request.valid_until < today:
        raise ApprovalExpired(
            f"批准文号 {request.approval_number} 已于 {request.valid_until} 失效，不能再发布",
            f"the approval "
            f"{request.approval_number} expired on {request.valid_until}; it can no longer be published",
            detail={"status": request.status, "valid_until": request.valid_until.isoformat()},
        )
    calendar = work_calendar(session, settings)
    deadline = (
        deadline
        or request.deadline
        or add_working_days(today, settings.min_working_days * DEFAULT_DEADLINE_FACTOR, calendar=calendar)
    )
    if request.valid_until is not None and deadline > request.valid_until:
        # Past its validity the approval no longer covers the collection (seed rule 13).
        raise DeadlineAfterApproval(
            f"截止日期 {deadline} 晚于批准文号 {request.approval_number} 的有效期 {request.valid_until}",
            f"deadline {deadline} is after the approval's validity ({request.valid_until})",
            detail={
                "field": "deadline",
                "value": deadline.isoformat(),
                "valid_until": request.valid_until.isoformat(),
            },
        )
    violation = rules.deadline_violation(deadline, today, settings, calendar)
    if violation is not None:
        raise DeadlineTooSoon(
            violation.message,
            violation.message_en,
            detail={"field": "deadline", "value": deadline.isoformat(), **(violation.detail or {})},
        )

    std = current_standard(session)
    elements, needs = school_needs(session, std, request)
    scope = request.schools
    schools_in_scope = len(scope) if scope is not None else SchoolRepository(session).count()
    lacking = {code: [e.code for e in need.lacking] for code, need in sorted(needs.items()) if need.lacking}
    periods = missing_periods(request)

    tasks = [
        Task(
            request_id=request.id,
            school_code=school_code,
            entity=request.entity,
            fields=fields,
            periods={code: periods[code] for code in fields if code in periods} or None,
            status="open",
            deadline=deadline,
            created_at=now,
            created_by=principal.id,
        )
        for school_code, fields in lacking.items()
    ]
    repository = TaskRepository(session)
    repository.add_all(tasks)
    if tasks:
        written = repository.add_rows(request.id, request.entity)
        # A province-wide publication: the planner must know the new rows before a county's page.
        refresh_statistics(session, "tasks", rows=len(tasks), threshold=SMALL_TABLE_ROWS)
        refresh_statistics(session, "task_rows", rows=written)
    refresh_progress(session, tasks, now=now)

    lifecycle.publish(request, by=principal.id, now=now)
    request.deadline = deadline
    session.flush()
    audit.record_act(
        session,
        principal,
        "request.publish",
        target={"kind": "request", "id": request.id, "schools": sorted(lacking)},
        reason=request.purpose,
        entity=request.entity,
        elements=[e.code for e in elements],
        request_id=request.id,
        detail={"deadline": deadline.isoformat(), "tasks": len(tasks)},
    )
    if not tasks or all(t.status == "complete" for t in tasks):
        answer_request(session, request, now=now)
    return Publication(
        request=request,
        deadline=deadline,
        fields=[e.code for e in elements],
        schools_in_scope=schools_in_scope,
        tasks=tasks,
        schools_without_account=OnboardingRepository(session).without_account(
            [t.school_code for t in tasks], now=now
        ),
    )


def refresh_progress(session: Session, tasks: list[Task], *, now: datetime) -> None:
    """Recount rows present and filled from the store (imports fill tasks too) and mark complete tasks."""
    groups: dict[tuple[str, tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]], list[Task]] = (
        defaultdict(list)
    )
    for task in tasks:
        if task.status != "closed":
            periods = tuple(sorted((code, tuple(keys)) for code, keys in task_periods(task).items()))
            groups[(task.entity, tuple(task.fields), periods)].append(task)
    repository = TaskRepository(session)
    std = current_standard(session)
    for (entity, _, _), members in groups.items():
        # A periodic column is filled by a value of the period it collects (today's, for older tasks).
        columns = task_columns(std, members[0], _today(now))
        applies = {c.column: c.element.applies_when for c in columns if c.element.applies_when is not None}
        by_name = {c.element.name: c.period.key for c in columns if c.period is not None and not c.several}
        counts = repository.progress(
            entity,
            [t.id for t in members],
            [c.column for c in columns],
            applies,
            by_name,
            school_codes=[t.school_code for t in members],
        )
        for task in members:
            task.rows_expected, task.rows_filled = counts.get(task.id, (0, 0))
            if task.status == "open" and task.rows_filled >= task.rows_expected:
                task.status = "complete"
                task.completed_at = now
    session.flush()


# --- completion -----------------------------------------------------------------------------------------


def answer_request(session: Session, request: DataRequest, *, now: datetime) -> None:
    """The request is answered: its tasks close, and requests that duplicated it are answered with it."""
    lifecycle.answer(request, now=now)
    for task in TaskRepository(session).for_request(request.id):
        if task.status != "closed":
            task.status = "closed"
            task.closed_at = now
    for duplicate in duplicates_of(session, request.id):
        _answer_duplicate(session, duplicate, request, now=now)
    session.flush()


def _answer_duplicate(
    session: Session, duplicate: DataRequest, original: DataRequest, *, now: datetime
) -> None:
    """A duplicate's new fields are the original's approved elements under the same label."""
    duplicate = RequestRepository(session).get(duplicate.id) or duplicate
    approved = {dedup.normalise(f.label): f for f in original.fields if f.element_code}
    for f in duplicate.fields:
        source = approved.get(dedup.normalise(f.label))
        if f.element_code is None and source is not None:
            f.element_code, f.status, f.match_kind = source.element_code, "available", "approved"
            f.explanation_zh = f"由采集需求 {original.id} 采集（“{source.label}”）"
            f.explanation_en = f"collected by request {original.id} ({source.element_code})"
    release.settle_duplicate(session, duplicate, original, now=now)


def due_now(session: Session, request: DataRequest, *, now: datetime) -> bool:
    """Whether a published request is to be answered now: its tasks all in, or its deadline passed."""
    if request.status != "published":
        return False
    due = request.deadline is not None and request.deadline < _today(now)
    return due or TaskRepository(session).open_count(request.id) == 0


def close_if_due(session: Session, request: DataRequest, *, now: datetime) -> bool:
    """Answer a published request whose tasks are all in or whose deadline passed; True if it closed now."""
    if due_now(session, request, now=now):
        repository = TaskRepository(session)
        tasks = repository.for_request(request.id)
        refresh_progress(session, tasks, now=now)
        answer_request(session, request, now=now)
        return True
    return False


def close_due_requests(session: Session, today: date, *, now: datetime | None = None) -> list[int]:
    """For the scheduler: answer every published request whose deadline passed before `today`."""
    moment = now or utcnow()
    closed = []
    for request in due_requests(session, today):
        tasks = TaskRepository(session).for_request(request.id)
        refresh_progress(session, tasks, now=moment)
        answer_request(session, request, now=moment)
        closed.append(request.id)
    return closed


# --- reading tasks ----------------------------------------------------------------------------------


def task_for(session: Session, principal: Principal, task_id: int, *, now: datetime) -> Task:
    """A task its school or the education bureau may see (404 for another school's task)."""
    _school_facing(principal)
    task = TaskRepository(session).get(task_id, within_division=bound_division(principal))
    if task is None or (principal.role is Role.SCHOOL and task.school_code != principal.school_code):
        raise TaskNotFound(f"任务 {task_id} 不存在", f"task {task_id} not found")
    if principal.role is Role.SCHOOL:
        # The school has seen its task (no longer 未查看) and the reminders sent about it.
        if task.opened_at is None:
            task.opened_at = now
        TaskRepository(session).mark_reminders_seen(task.id, now)
        session.flush()
    return task


def _school_facing(principal: Principal) -> None:
    # Seed rule 10: departments never reach schools, not even by reading what schools were asked.
    SCHOOL_FACING.check(principal)


def list_tasks(
    session: Session,
    principal: Principal,
    *,
    request_id: int | None,
    school_code: str | None,
    status: list[str] | None,
    limit: int,
    offset: int,
) -> list[Task]:
    """A school sees its own tasks; the education bureau and admins see all, filtered.

    A read moves nothing: an overdue task stays open here until the scheduler's daily job (or the
    school's own late submission) answers its request; its progress state already reads 逾期.
    """
    _school_facing(principal)
    if principal.role is Role.SCHOOL:
        school_code = principal.school_code
    return TaskRepository(session).find(
        school_code=school_code,
        request_id=request_id,
        statuses=status,
        within_division=None if principal.role is Role.SCHOOL else bound_division(principal),
        limit=limit,
        offset=offset,
    )


def task_elements(std: schemas.Standard, task: Task) -> list[schemas.Element]:
    return [std.element(code) for code in task.fields]


def task_period_names(std: schemas.Standard, task: Task) -> dict[str, str]:
    """Element name → the (newest) period a periodic field of the task collects."""
    return {std.element(code).name: key for code, key in latest_periods(task).items()}


def columns_of(std: schemas.Standard, task: Task, today: date | None = None) -> list[TaskColumn]:
    """The task's columns (one per field, one per period of a field collecting several), as shown."""
    return task_columns(std, task, today or local_today())


def task_current_periods(std: schemas.Standard, task: Task, today: date | None = None) -> dict[str, str]:
    """Element name → today's period, for the task's periodic fields."""
    day = today or local_today()
    out: dict[str, str] = {}
    for element in task_elements(std, task):
        if element.period is not None:
            out[element.name] = period_containing(element.period.kind, day).key
    return out


def task_write_periods(std: schemas.Standard, task: Task, now: datetime) -> WritePeriods:
    """Where a submission's periodic values go: the periods the task collects, else the current ones."""
    return chosen_periods(std, task.entity, latest_periods(task), today=_today(now))


def display_value(element: schemas.Element, value: Any) -> Any:
    """A stored value as JSON shows it (extra JSON values come back as text or 0/1 depending on the database)."""
    if value is None:
        return None
    match element.value_type:
        case "boolean":
            if isinstance(value, str):
                return value.strip().lower() in ("true", "1", "t", "是")
            return bool(value)
        case "integer":
            return int(value)
        case "decimal":
            return float(value)
        case "date":
            return value.isoformat() if hasattr(value, "isoformat") else str(value)[:10]
        case "year_month":
            return (value.isoformat() if hasattr(value, "isoformat") else str(value))[:7]
        case _:
            return str(value)


@dataclass(frozen=True, kw_only=True)
class PrefilledRow:
    reference: str
    name: str | None
    id_number_last4: str | None
    values: dict[str, Any]


def prefilled_rows(session: Session, task: Task, std: schemas.Standard) -> Iterator[PrefilledRow]:
    """The rows of a task with what the hub knows: who the record is, and any value it already holds."""
    shown = columns_of(std, task)
    identity = ["name", "id_number"] if task.entity == "teacher" else ["name"]
    columns = identity + [c.column for c in shown]
    periods = {c.element.name: c.period.key for c in shown if c.period is not None and not c.several}
    for row in TaskRepository(session).prefill(task, columns, periods):
        id_number = row.get("id_number")
        yield PrefilledRow(
            reference=row["reference"],
            name=row.get("name"),
            id_number_last4=f"{'*' * 14}{id_number[-4:]}" if id_number else None,
            values={c.key: display_value(c.element, row.get(c.column)) for c in shown},
        )


def read_prefilled(
    session: Session, principal: Principal, task: Task, std: schemas.Standard, *, skip_empty: bool = False
) -> list[PrefilledRow]:
    """The task's prefilled rows as shown to `principal` (its school or the bureau), on the audit log:
    showing them is a read of the school's records, whichever page or endpoint shows them.
    `skip_empty` leaves a task without rows off the log (a list of tasks shows no record of it)."""
    rows = list(prefilled_rows(session, task, std))
    if rows or not skip_empty:
        audit.record_task_read(session, principal, task, rows=len(rows))
    return rows


# --- submissions ----------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class SubmissionInput:
    """What a school sent: an uploaded file (read once the task is known), or JSON rows already as a frame."""

    source: str  # csv | xlsx | xls | ods | json
    content: bytes | None = None
    # Text cells; the index is the row number a person sees (the file's row, or the 1-based JSON position).
    frame: pd.DataFrame | None = None
    filename: str | None = None
    sha256: str | None = None
    # A template's stamp (task id, when it was made): values saved after that are not overwritten by it.
    stamp: tuple[int, datetime] | None = None


def file_input(content: bytes, *, filename: str | None) -> SubmissionInput:
    """An uploaded CSV (UTF-8, BOM, GBK/GB18030), XLSX, legacy XLS or ODS, told by its content."""
    source = file_kind(content)
    stamp = read_stamp(content) if source == "xlsx" else None
    return SubmissionInput(source=source, content=content, filename=filename, stamp=stamp)


def file_kind(content: bytes) -> str:
    """csv, xlsx, xls (an OLE2 compound file) or ods (a ZIP whose mimetype member says so)."""
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "xls"
    if content[:2] == b"PK":
        return "ods" if b"application/vnd.oasis.opendocument.spreadsheet" in content[:100] else "xlsx"
    return "csv"


def template_stamp(task: Task, now: datetime) -> str:
    """What a template carries in its properties to be known again when it comes back."""
    return f"{STAMP_PREFIX}:{task.id}:{now.isoformat()}"


def read_stamp(content: bytes) -> tuple[int, datetime] | None:
    """The (task id, made at) of a workbook built by build_template, from its core properties."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            core = archive.read("docProps/core.xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError):
        return None
    match = re.search(rf"<dc:identifier>{STAMP_PREFIX}:(\d+):([^<]+)</dc:identifier>", core)
    if match is None:
        return None
    try:
        made = datetime.fromisoformat(match.group(2))
    except ValueError:
        return None
    return int(match.group(1)), made


def _read(
    submission: SubmissionInput, std: schemas.Standard, entity: str, *, max_rows: int
) -> tuple[pd.DataFrame, str | None]:
    if submission.frame is not None:
        return submission.frame, submission.sha256
    assert submission.content is not None
    # The task's own headers and the standard's labels find the header row under any title rows.
    expected = [
        REFERENCE_HEADER,
        NAME_HEADER,
        ID_HINT_HEADER,
        SCHOOL_NAME_HEADER,
        *entity_headers(std, entity),
    ]
    return read_upload(
        submission.content, filename=submission.filename, expected_headers=expected, max_rows=max_rows
    )


def json_input(rows: list[dict[str, Any]]) -> SubmissionInput:
    """JSON rows as a frame of text cells, rows numbered from 1 in the order sent."""
    columns = list(dict.fromkeys(str(k) for row in rows for k in row))
    data = {c: [_cell(row.get(c)) for row in rows] for c in columns}
    frame = pd.DataFrame(data, index=pd.RangeIndex(1, len(rows) + 1, name="row"), dtype="str")
    digest = hashlib.sha256(frame.to_csv().encode()).hexdigest()
    return SubmissionInput(source="json", frame=frame, sha256=digest)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


@dataclass(frozen=True, kw_only=True)
class KeptValue:
    """A cell of an older copy that was not applied: the value saved since the copy was made stays."""

    row: int
    field: str
    value: str
    reason: str
    reason_en: str


@dataclass(kw_only=True)
class SubmissionResult:
    task: Task
    request: DataRequest
    batch_id: int | None
    source: str
    rows_read: int
    accepted: int
    rejected: list[Rejection]
    extra_columns: list[str]
    missing_columns: list[str]
    kept: list[KeptValue] = field(default_factory=list)
    cleared: int = 0
    rejected_rows: int = field(init=False)

    def __post_init__(self) -> None:
        self.rejected_rows = len({r.row for r in self.rejected})


@dataclass(kw_only=True)
class PreparedSubmission:
    """A submission read and matched to the task's rows, before anything is written (or previewed)."""

    task: Task
    request: DataRequest
    std: schemas.Standard
    elements: list[schemas.Element]
    frame: pd.DataFrame
    sha256: str | None
    layout: Layout
    data: pd.DataFrame  # one row per identified record, cells under element names
    rejected: list[Rejection]
    to_clear: dict[int, list[str]]  # row → columns whose saved value the row clears (#清空)
    kept: list[KeptValue]
    # The task's columns: one per field, one per period of a field collecting several (name@period).
    columns: list[TaskColumn] = field(default_factory=list)

    @property
    def fields(self) -> list[str]:
        """The columns of `data` holding the task's fields (element names, name@period for one of several)."""
        return list(self.layout.fields.values())

    @property
    def missing_columns(self) -> list[str]:
        return [c.label() for c in self.columns if c.column not in self.layout.fields.values()]


def fillable_task(session: Session, principal: Principal, task_id: int) -> Task:
    if not FILL.allows(principal):
        _school_facing(principal)
        FILL.refuse(principal)
    task = TaskRepository(session).get(task_id)
    if task is None:
        raise TaskNotFound(f"任务 {task_id} 不存在", f"task {task_id} not found")
    if task.school_code != principal.school_code:
        raise TaskOfAnotherSchool(f"任务 {task_id} 不存在", f"task {task_id} not found")
    return task


def task_closed(task: Task) -> TaskClosed:
    return TaskClosed(
        f"任务 {task.id} 已关闭（截止日期 {task.deadline}），不再接收填报",
        f"task {task.id} is closed (deadline {task.deadline}) and takes no more submissions",
        detail={"status": task.status, "deadline": task.deadline.isoformat()},
    )


def prepare_submission(
    session: Session,
    settings: Settings,
    task: Task,
    request: DataRequest,
    submission: SubmissionInput,
    *,
    since: datetime | None,
) -> PreparedSubmission:
    """Read the submission, find each row's record and take out what it must not write: #清空 markers
    (cleared separately) and cells of a copy older than values saved since (`since`, or its stamp)."""
    std = current_standard(session)
    elements = task_elements(std, task)
    frame, sha256 = _read(submission, std, task.entity, max_rows=settings.max_upload_rows)
    frame = frame.astype("str").fillna("")
    frame = frame[(frame.apply(lambda c: c.str.strip()) != "").any(axis=1)]
    if frame.empty:
        raise SubmissionEmpty("提交中没有数据行", "the submission holds no rows", detail={"task_id": task.id})

    today = local_today()
    if submission.source == "json":
        frame = _merge_keys(std, task.entity, frame, today=today)
    columns = columns_of(std, task, today)
    layout = _layout(std, task, columns, [str(c) for c in frame.columns], today=today)
    if not layout.fields:
        labels = "、".join(e.label_zh for e in elements)
        raise SubmissionWithoutTaskFields(
            f"提交中没有本任务要求的字段（{labels}），请使用任务模板",
            f"the submission carries none of the task's "
            f"fields ({', '.join(e.label_en for e in elements)}); use the task's template",
            detail={"expected": [e.label_zh for e in elements], "columns": [str(c) for c in frame.columns]},
        )
    if task.entity == "teacher":
        data, rejected = _identify_teachers(session, settings, task, frame, layout, std)
    else:
        data, rejected = _identify_school(session, task, frame, layout, std)
    secret = settings.secret_key.get_secret_value()
    fields = list(layout.fields.values())
    to_clear = _take_clear_markers(data, fields)
    made = [
        m
        for m in (since, submission.stamp[1] if submission.stamp and submission.stamp[0] == task.id else None)
        if m
    ]
    kept = _keep_newer_values(session, std, task, data, fields, secret, made=min(made)) if made else []
    return PreparedSubmission(
        task=task,
        request=request,
        std=std,
        elements=elements,
        frame=frame,
        sha256=sha256,
        layout=layout,
        data=data,
        rejected=rejected,
        to_clear=to_clear,
        kept=kept,
        columns=columns,
    )


def submit(
    session: Session,
    settings: Settings,
    principal: Principal,
    task_id: int,
    submission: SubmissionInput,
    *,
    now: datetime,
    previewed_at: datetime | None = None,
) -> SubmissionResult:
    """A school's rows for its task: every valid row stored (with provenance), every bad one reported.
    `previewed_at`: when the school saw the preview of this upload; a value saved after it is kept."""
    if previewed_at is not None and previewed_at.tzinfo is None:
        previewed_at = previewed_at.replace(tzinfo=UTC)
    repository = TaskRepository(session)
    task = fillable_task(session, principal, task_id)
    request = RequestRepository(session).get(task.request_id)
    assert request is not None
    close_if_due(session, request, now=now)
    if task.status == "closed":
        raise task_closed(task)
    prepared = prepare_submission(session, settings, task, request, submission, since=previewed_at)
    std, data, layout, frame = prepared.std, prepared.data, prepared.layout, prepared.frame
    secret = settings.secret_key.get_secret_value()
    rejected = prepared.rejected
    to_clear = prepared.to_clear
    columns = prepared.columns

    report: IngestReport | None = None
    if not data.empty:
        report = ingest_frame(
            session,
            std=std,
            secret_key=secret,
            entity=task.entity,
            frame=data,
            provenance=Provenance(
                source_kind="task",
                source_ref=f"task:{task.id}",
                principal_id=principal.id,
                file_sha256=prepared.sha256,
                division=principal.division,
            ),
            school_scope={task.school_code},
            now=now,
            period=task_write_periods(std, task, now),
        )
        rejected += [_named_by_column(r, columns) for r in report.rejected]
    rejected.sort(key=lambda r: (r.row, r.field))
    accepted = report.accepted if report else 0
    refused_rows = {r.row for r in rejected}
    cleared = 0
    written = task_write_periods(std, task, now)
    if report is not None and to_clear:
        cells = {
            row: names for row, names in to_clear.items() if row not in refused_rows and row in data.index
        }
        # A column of one of several periods is cleared for its own period.
        for period, names_of in _by_period(cells, columns, written.keys).items():
            cleared += clear_values(
                session,
                task.entity,
                {_record_key(task.entity, data.loc[row], secret): names for row, names in names_of.items()},
                batch_id=report.batch_id,
                now=now,
                periods=dict(period or ()),
            )
        if cleared:
            coverage.recount(session, std, task.entity, {task.school_code})
    repository.add_submission(
        TaskSubmission(
            task_id=task.id,
            school_code=task.school_code,
            batch_id=report.batch_id if report else None,
            submitted_by=principal.id,
            submitted_at=now,
            source=submission.source,
            filename=(submission.filename or "")[:300] or None,
            rows_read=len(frame),
            accepted=accepted,
            rejected=len({r.row for r in rejected}),
            extra_columns=layout.extra,
        )
    )
    task.submissions += 1
    task.last_submission_at = now
    refresh_progress(session, [task], now=now)
    close_if_due(session, request, now=now)
    return SubmissionResult(
        task=task,
        request=request,
        batch_id=report.batch_id if report else None,
        source=submission.source,
        rows_read=len(frame),
        accepted=accepted,
        rejected=rejected,
        extra_columns=layout.extra,
        missing_columns=prepared.missing_columns,
        kept=prepared.kept,
        cleared=cleared,
    )


def mark_done(
    session: Session, principal: Principal, task_id: int, *, reason: str | None = None, now: datetime
) -> Task:
    """The school declares its task done although some rows stay empty (the data does not exist): with
    rows still empty, it says why (a teacher left, on long leave …), which the bureau reads."""
    if not MARK_DONE.allows(principal):
        _school_facing(principal)
        MARK_DONE.refuse(principal)
    task = TaskRepository(session).get(task_id)
    if task is None:
        raise TaskNotFound(f"任务 {task_id} 不存在", f"task {task_id} not found")
    if task.school_code != principal.school_code:
        raise TaskOfAnotherSchool(f"任务 {task_id} 不存在", f"task {task_id} not found")
    request = RequestRepository(session).get(task.request_id)
    assert request is not None
    close_if_due(session, request, now=now)
    if task.status == "closed":
        raise TaskClosed(
            f"任务 {task_id} 已关闭", f"task {task_id} is closed", detail={"status": task.status}
        )
    refresh_progress(session, [task], now=now)
    empty = task.rows_expected - task.rows_filled
    reason = (reason or "").strip()
    if empty > 0 and not reason:
        raise CompletionNeedsReason(
            f"还有 {empty} 行未填（已填 {task.rows_filled} / {task.rows_expected}），确认完成须说明这些行为何无法填写",
            f"{empty} rows are still empty ({task.rows_filled} of {task.rows_expected} filled): say why they "
            "cannot be filled to mark the task done",
            detail={
                "field": "reason",
                "rows_empty": empty,
                "rows_filled": task.rows_filled,
                "rows_expected": task.rows_expected,
            },
        )
    task.marked_done_at = now
    task.done_reason = reason[:2000] or None
    if task.status != "complete":
        task.status = "complete"
        task.completed_at = now
    session.flush()
    close_if_due(session, request, now=now)
    return task


def _take_clear_markers(data: pd.DataFrame, fields: list[str]) -> dict[int, list[str]]:
    """Cells asking to clear a saved value: blanked for the write (which never erases), listed per row."""
    markers = {m.lower() for m in CLEAR_MARKERS}
    cleared: dict[int, list[str]] = {}
    for name in fields:
        asked = data[name].astype("str").str.strip().str.lower().isin(markers)
        for row in data.index[asked]:
            cleared.setdefault(int(row), []).append(name)
        data.loc[asked, name] = ""
    return cleared


def _record_key(entity: str, row: pd.Series, secret: str) -> str:
    return teacher_key(secret, str(row["id_number"]).upper()) if entity == "teacher" else str(row["code"])


def _keep_newer_values(
    session: Session,
    std: schemas.Standard,
    task: Task,
    data: pd.DataFrame,
    fields: list[str],
    secret: str,
    *,
    made: datetime,
) -> list[KeptValue]:
    """An older copy of the template: a value saved after the copy was made stays, the copy's cell is
    dropped and reported (uploading last week's file must not undo this week's corrections)."""
    if data.empty or not fields:
        return []
    keys = {int(row): _record_key(task.entity, data.loc[row], secret) for row in data.index}
    # The changes are read per period: the columns of one period each (of a field collecting several),
    # then every other column with the period its field collects.
    shown = columns_of(std, task, local_date(made))
    plain = {**task_current_periods(std, task), **task_period_names(std, task)}
    groups: list[tuple[dict[str, str], dict[str, TaskColumn]]] = [
        (plain, {c.column: c for c in shown if not c.several})
    ]
    for column in shown:
        if column.several and column.period is not None:
            groups.append(({column.element.name: column.period.key}, {column.column: column}))
    when = local_date(made).isoformat()
    kept: list[KeptValue] = []
    repository = TaskRepository(session)
    for periods, of_group in groups:
        changed = repository.changed_since(task.entity, set(keys.values()), made, periods)
        for row, key in keys.items():
            written = changed.get(key, {})
            for frame_column, column in sorted(of_group.items()):
                name = column.element.name
                if frame_column not in fields or name not in written:
                    continue
                value = str(data.at[row, frame_column]).strip()
                if not value:
                    continue
                data.at[row, frame_column] = ""
                if _same_value(std, column.element, value, written[name]):
                    continue  # the copy holds what was saved since: nothing to keep or report
                kept.append(
                    KeptValue(
                        row=row,
                        field=column.label() if column.several else column.element.label_zh,
                        value=value,
                        reason=f"此文件是 {when} 下载的旧模板，之后已保存了新的值，保留新值；如需修改请下载最新模板",
                        reason_en=f"this file is a template of {when}; a newer value was saved since and is "
                        "kept (download the template again to change it)",
                    )
                )
    return kept


def _same_value(std: schemas.Standard, element: schemas.Element, text: str, stored: Any) -> bool:
    """Whether a cell's text says the value the store holds (a code list's label for its code, 30 for 30.0)."""
    if stored is None:
        return False
    if element.value_type == "code" and element.code_list:
        return str(stored) == (std.code_list(element.code_list).resolve(text) or text)
    if element.value_type in ("integer", "decimal"):
        try:
            return float(text) == float(stored)
        except (TypeError, ValueError):
            return False
    return text == str(stored).strip()


@dataclass(frozen=True, kw_only=True)
class Layout:
    reference: str | None  # the header holding references
    identity: dict[str, str]  # header → element name of identifying columns (id_number, school code)
    fields: dict[str, str]  # header → element name of the task's fields
    extra: list[str]  # headers reported and ignored


def _layout(
    std: schemas.Standard, task: Task, columns: list[TaskColumn], headers: list[str], *, today: date
) -> Layout:
    reference = next((h for h in headers if header_key(h) in REFERENCE_KEYS), None)
    rest = [h for h in headers if h != reference and header_key(h) not in CONTEXT_KEYS]
    read = map_dated_headers(std, task.entity, rest, today=today)
    mapping = read.columns
    identity_names = {"id_number", "school_code"} if task.entity == "teacher" else {"code", "name"}
    # A header naming a period is the column of that period, if the task collects it; one without is
    # the field's column when the task collects it for one period (for several, it says none: extra).
    by_period = {(c.element.name, c.period.key if c.period else None): c for c in columns}
    single = {c.element.name: c for c in columns if not c.several}
    fields: dict[str, str] = {}
    for header, name in mapping.items():
        dated = read.periods.get(header)
        column = by_period.get((name, dated.key)) if dated is not None else single.get(name)
        if column is not None and column.column not in fields.values():
            fields[header] = column.column
    wanted = {c.element.name for c in columns}
    identity = {h: n for h, n in mapping.items() if n in identity_names and n not in wanted}
    extra = [h for h in rest if h not in fields and h not in identity]
    return Layout(reference=reference, identity=identity, fields=fields, extra=extra)


def _merge_keys(std: schemas.Standard, entity: str, frame: pd.DataFrame, *, today: date) -> pd.DataFrame:
    """JSON rows may name one field differently from row to row (普通话水平等级 here, mandarin_level there):
    keys meaning the same element (of the same period, where a key names one) become one column,
    under the first key seen."""
    groups: dict[str, list[str]] = {}
    for header in (str(c) for c in frame.columns):
        if header_key(header) in REFERENCE_KEYS:
            target = REFERENCE_HEADER
        else:
            read = map_dated_headers(std, entity, [header], today=today)
            name, dated = read.columns.get(header), read.periods.get(header)
            target = header if name is None else f"{name}@{dated.key}" if dated is not None else name
        groups.setdefault(target, []).append(header)
    merged: dict[str, pd.Series] = {}
    for headers in groups.values():
        column = frame[headers[0]]
        for other in headers[1:]:
            column = column.where(column.str.strip() != "", frame[other])
        merged[headers[0]] = column
    return pd.DataFrame(merged, index=frame.index, dtype="str")


def _column(frame: pd.DataFrame, header: str | None) -> pd.Series:
    if header is None:
        return pd.Series("", index=frame.index, dtype="str")
    return frame[header].astype("str").fillna("").str.strip()


def _identify_teachers(
    session: Session,
    settings: Settings,
    task: Task,
    frame: pd.DataFrame,
    layout: Layout,
    std: schemas.Standard,
) -> tuple[pd.DataFrame, list[Rejection]]:
    """Find the teacher of each row (by reference or ID number) among the rows the task asks about."""
    repository = TaskRepository(session)
    references = repository.reference_keys(task)
    asked = set(references.values())
    by_name = {n: h for h, n in layout.identity.items()}
    refs = _column(frame, layout.reference).str.upper()
    ids = _column(frame, by_name.get("id_number")).str.upper()
    schools = _column(frame, by_name.get("school_code"))
    secret = settings.secret_key.get_secret_value()
    id_element = std.element("teacher.id_number")
    id_label = id_element.label_zh
    school_label = std.element("teacher.school_code").label_zh
    rejected: list[Rejection] = []
    keys: dict[int, str] = {}
    for row, ref, id_number, school in zip(frame.index, refs, ids, schools, strict=True):
        row = int(row)
        from_ref = references.get(ref) if ref else None
        from_id = teacher_key(secret, id_number) if id_number else None
        if school and school != task.school_code:
            rejected.append(
                Rejection(
                    row=row,
                    field=school_label,
                    value=school,
                    reason="不是本校的教师",
                    reason_en="teacher of another school",
                )
            )
        elif ref and from_ref is None:
            rejected.append(
                Rejection(
                    row=row,
                    field=REFERENCE_HEADER,
                    value=ref,
                    reason=f"参考号不属于任务 {task.id}",
                    reason_en=f"reference is not a row of task {task.id}",
                )
            )
        elif from_ref is not None and from_id is not None and from_ref != from_id:
            rejected.append(
                Rejection(
                    row=row,
                    field=id_label,
                    value=mask(id_element, id_number),
                    reason=f"与参考号 {ref} 不是同一位教师",
                    reason_en=f"not the teacher of reference {ref}",
                )
            )
        elif from_ref is None and from_id is None:
            rejected.append(
                Rejection(
                    row=row,
                    field=REFERENCE_HEADER,
                    value="",
                    reason="缺少参考号或公民身份号码，无法确定是哪位教师",
                    reason_en="neither a reference nor an ID number: the teacher cannot be identified",
                )
            )
        elif from_ref is None and from_id not in asked:
            rejected.append(
                Rejection(
                    row=row,
                    field=id_label,
                    value=mask(id_element, id_number),
                    reason="不是本校在库的教师（本任务未涉及此人）",
                    reason_en="not a teacher of this school in the store (this task does not ask about them)",
                )
            )
        else:
            keys[row] = from_ref or from_id  # type: ignore[assignment]
    identity = PublicationRepository(session).identity(task.school_code, list(keys.values()))
    for row, key in list(keys.items()):
        if key not in identity:
            reference = next((r for r, k in references.items() if k == key), "")
            rejected.append(
                Rejection(
                    row=row,
                    field=REFERENCE_HEADER,
                    value=reference,
                    reason="该教师已不在本校",
                    reason_en="this teacher is no longer at the school",
                )
            )
            del keys[row]
    kept = frame.loc[list(keys)]
    data = pd.DataFrame(
        {
            "id_number": [identity[keys[int(r)]] for r in kept.index],
            "school_code": task.school_code,
            **{name: kept[header].to_numpy() for header, name in layout.fields.items()},
        },
        index=kept.index,
        dtype="str",
    )
    return data, rejected


def _identify_school(
    session: Session, task: Task, frame: pd.DataFrame, layout: Layout, std: schemas.Standard
) -> tuple[pd.DataFrame, list[Rejection]]:
    """A school task has one record: the school itself. Rows naming another school are refused."""
    by_name = {n: h for h, n in layout.identity.items()}
    codes = _column(frame, by_name.get("code"))
    refs = _column(frame, layout.reference)
    label = std.element("school.code").label_zh
    rejected: list[Rejection] = []
    keep: list[int] = []
    for row, code, ref in zip(frame.index, codes, refs, strict=True):
        other = next((v for v in (code, ref) if v and v != task.school_code), None)
        if other is not None:
            rejected.append(
                Rejection(
                    row=int(row), field=label, value=other, reason="不是本校", reason_en="not this school"
                )
            )
        else:
            keep.append(int(row))
    school = SchoolRepository(session).get(task.school_code) or {}
    kept = frame.loc[keep]
    data = pd.DataFrame(
        {
            "code": task.school_code,
            "name": school.get("name") or "",
            **{name: kept[header].to_numpy() for header, name in layout.fields.items()},
        },
        index=kept.index,
        dtype="str",
    )
    return data, rejected


# --- progress -------------------------------------------------------------------------------------------


# What a bureau reads per school: 未查看, 填报中, 已提交, 已逾期 (submitted wins over a passed deadline).
TASK_STATES = ("not_opened", "in_progress", "submitted", "overdue")
PROGRESS_SORTS = ("school", "state", "rows_filled", "share_filled", "last_submission")


def task_state(task: Task, today: date) -> str:
    """Where one school stands with its task, as the bureau's progress and 催报 see it."""
    if task.completed_at is not None:
        return "submitted"
    if task.deadline < today:
        return "overdue"
    if task.opened_at is None and task.submissions == 0:
        return "not_opened"
    return "in_progress"


@dataclass(kw_only=True)
class Progress:
    request: DataRequest
    tasks: list[Task]
    schools_in_scope: int
    school_names: dict[str, str]
    states: dict[int, str] = field(default_factory=dict)  # task id → TASK_STATES
    state_counts: dict[str, int] = field(default_factory=dict)  # over every task, before filtering
    reminders: dict[int, list[TaskReminder]] = field(default_factory=dict)  # task id → newest first

    def reminders_of(self, task_id: int) -> list[TaskReminder]:
        """The 催报 sent for a task, newest first."""
        return self.reminders.get(task_id, [])

    def last_reminded_at(self, task_id: int) -> datetime | None:
        sent = self.reminders_of(task_id)
        return sent[0].sent_at if sent else None


def progress(
    session: Session,
    principal: Principal,
    request: DataRequest,
    *,
    now: datetime,
    states: list[str] | None = None,
    sort: str = "school",
    descending: bool = False,
) -> Progress:
    """Tasks and rows per school, recounted from the store (the education bureau and the owning department):
    each school's state, only the `states` asked for, sorted by `sort`."""
    SEE_PROGRESS.check(principal)
    if principal.role is Role.DEPARTMENT and request.department_id != principal.id:
        SEE_PROGRESS.refuse(principal)
    repository = TaskRepository(session)
    bound = None if principal.role is Role.DEPARTMENT else bound_division(principal)
    tasks = repository.for_request(request.id, within_division=bound)
    if request.status == "published":
        refresh_progress(session, tasks, now=now)
    today = _today(now)
    by_task = {t.id: task_state(t, today) for t in tasks}
    counts = {state: sum(1 for s in by_task.values() if s == state) for state in TASK_STATES}
    if states:
        tasks = [t for t in tasks if by_task[t.id] in states]
    # The schools the request concerns that this reader may see: a county bureau counts its own only.
    if bound is None and request.schools is not None:
        scope = len(request.schools)
    else:
        scope = SchoolRepository(session).count(within_division=bound, codes=request.schools)
    names = PublicationRepository(session).school_names(t.school_code for t in tasks)
    order = TASK_STATES.index
    keys = {
        "school": lambda t: (names.get(t.school_code) or "", t.school_code),
        "state": lambda t: (order(by_task[t.id]), t.school_code),
        "rows_filled": lambda t: (t.rows_filled, t.school_code),
        "share_filled": lambda t: (
            t.rows_filled / t.rows_expected if t.rows_expected else 1.0,
            t.school_code,
        ),
        "last_submission": lambda t: (
            t.last_submission_at or datetime.min.replace(tzinfo=now.tzinfo),
            t.school_code,
        ),
    }
    tasks = sorted(tasks, key=keys.get(sort, keys["school"]), reverse=descending)
    return Progress(
        request=request,
        tasks=tasks,
        schools_in_scope=scope,
        school_names=names,
        states=by_task,
        state_counts=counts,
        reminders=repository.reminders_of([t.id for t in tasks]),
    )


# --- reminders (催报) ------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Reminded:
    reminders: list[TaskReminder]
    skipped: list[str]  # school codes asked for whose task is already submitted (or that have none)


def remind(
    session: Session,
    principal: Principal,
    request_id: int,
    *,
    schools: list[str] | None,
    note: str,
    now: datetime,
) -> Reminded:
    """催报: the education bureau reminds the schools that have not submitted (all, or those named)."""
    REMIND.check(principal)
    # A bureau reminds only the schools of its own subtree, and does not learn of requests outside it.
    bound = bound_division(principal)
    request = RequestRepository(session).get(request_id, within_division=bound)
    if request is None:
        raise RequestNotFound(f"采集需求 {request_id} 不存在", f"request {request_id} not found")
    repository = TaskRepository(session)
    tasks = repository.for_request(request.id, within_division=bound) if request.status == "published" else []
    today = _today(now)
    waiting = {t.school_code: t for t in tasks if task_state(t, today) != "submitted" and t.status == "open"}
    asked = list(dict.fromkeys(schools)) if schools else sorted(waiting)
    skipped = [code for code in asked if code not in waiting]
    targets = [waiting[code] for code in asked if code in waiting]
    if not targets:
        raise NothingToRemind(
            f"采集需求 {request_id} 没有需要催报的学校（都已提交，或需求未在填报中）",
            f"request {request_id} has no school to remind (all submitted, or it is not being filled)",
            detail={"status": request.status, "skipped": skipped},
        )
    reminders = [
        TaskReminder(
            task_id=t.id, school_code=t.school_code, sent_at=now, sent_by=principal.id, note=note.strip()
        )
        for t in targets
    ]
    repository.add_reminders(reminders)
    audit.record_act(
        session,
        principal,
        "request.reminders",
        target={"kind": "request", "id": request.id, "schools": [t.school_code for t in targets]},
        reason=note.strip(),
        entity=request.entity,
        request_id=request.id,
    )
    return Reminded(reminders=reminders, skipped=skipped)


def unseen_reminders(session: Session, principal: Principal) -> list[tuple[TaskReminder, Task]]:
    """What the school is reminded of and has not opened since (shown on its task list after sign-in)."""
    FILL.check(principal)
    return TaskRepository(session).unseen_reminders(principal.school_code or "")


@dataclass(frozen=True, kw_only=True)
class FormHeader:
    """The statistical form's header block at the top of the fill sheet (统计调查表 表头): the form's
    title, 表号, 制表机关 (the department that asks), 批准机关 (the statistics bureau that approved it),
    批准文号, 有效期至, and the school that fills it with the deadline."""

    title: str
    form_number: str
    issuer: str
    approver: str
    approval_number: str
    valid_until: str
    school: str
    deadline: str


def form_header(session: Session, task: Task) -> FormHeader:
    """The header block of `task`'s workbook, from its request and the bodies that made and approved it."""
    from hub.identity.repository import PrincipalRepository

    request = RequestRepository(session).get(task.request_id)
    principals = PrincipalRepository(session)

    def name(principal_id: int | None) -> str:
        found = principals.get(principal_id) if principal_id is not None else None
        return found.name if found else ""

    school = PublicationRepository(session).school_names([task.school_code]).get(task.school_code, "")
    return FormHeader(
        title=request.title if request else "",
        form_number=(request.form_number if request else None) or "",
        issuer=name(request.department_id) if request else "",
        approver=name(request.decided_by) if request and request.approval_number else "",
        approval_number=(request.approval_number if request else None) or "",
        valid_until=request.valid_until.isoformat() if request and request.valid_until else "",
        school=f"{school}（{task.school_code}）" if school else task.school_code,
        deadline=task.deadline.isoformat(),
    )


def _named_by_column(rejection: Rejection, columns: list[TaskColumn]) -> Rejection:
    """A refused cell named by the task's column (继续教育学时（2024年）) where the element has several."""
    for column in columns:
        if not column.several:
            continue
        if rejection.field == column.column or (
            rejection.field == column.element.label_zh and column is _newest(columns, column.element)
        ):
            return dataclasses.replace(rejection, field=column.label())
    return rejection


def _newest(columns: list[TaskColumn], element: schemas.Element) -> TaskColumn:
    return max(
        (c for c in columns if c.element.code == element.code and c.period is not None),
        key=lambda c: (c.period.year, c.period.term or 0) if c.period else (0, 0),
    )


def _by_period(
    cells: dict[int, list[str]], columns: list[TaskColumn], written: dict[str, str]
) -> dict[tuple[tuple[str, str], ...] | None, dict[int, list[str]]]:
    """The cells to clear (row → frame columns) grouped by the periods their elements are cleared for."""
    of_column = {c.column: c for c in columns}
    out: dict[Any, dict[int, list[str]]] = {}
    for row, names in cells.items():
        for name in names:
            column = of_column.get(name)
            if column is not None and column.several and column.period is not None:
                periods: Any = ((column.element.name, column.period.key),)
                element_name = column.element.name
            else:
                periods = tuple(sorted(written.items()))
                element_name = name
            out.setdefault(periods, {}).setdefault(row, []).append(element_name)
    return out
