"""What a school sees about itself: who used its data (from the audit log) and the requests that
concerned it, with those answered without its input and the fields it did not have to fill."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from hub.access.models import Grant
from hub.access.scope import bound_division, sees_division
from hub.audit.receipts import fingerprint
from hub.audit.repository import AuditRepository, SchoolRead, UsageSummary
from hub.identity.divisions import known, not_found
from hub.identity.models import Principal
from hub.identity.repository import PrincipalRepository
from hub.identity.roles import Role
from hub.kit.clock import local_today
from hub.kit.terms import term_of
from hub.kit.tokens import teacher_key
from hub.records.errors import SchoolNotFound
from hub.records.repository import SchoolRepository
from hub.register import counts
from hub.requests.models import DataRequest
from hub.schools.auth import LIST_SCHOOLS, SEE_SCHOOL
from hub.schools.errors import TeacherNotFound
from hub.schools.repository import SchoolDirectoryRepository, SchoolViewRepository
from hub.standard.service import current_standard
from hub.tasks.models import Task
from schemas import divisions


def school_for(session: Session, principal: Principal, code: str) -> dict[str, Any]:
    """The school record, if `principal` is that school, or the education bureau or an admin whose
    division holds it (404 otherwise: a bureau is not told what exists outside its subtree)."""
    SEE_SCHOOL.check(principal)
    if principal.role is Role.SCHOOL and principal.school_code != code:
        raise SchoolNotFound(f"学校 {code} 不存在", f"school {code} not found")
    school = SchoolRepository(session).get(code)
    if school is None or not sees_division(principal, school.get("division_code")):
        raise SchoolNotFound(f"学校 {code} 不存在", f"school {code} not found")
    return school


def directory(
    session: Session,
    principal: Principal,
    *,
    division: str | None,
    name: str | None,
    limit: int,
    offset: int,
) -> dict[str, Any]:
    """The schools `principal` may see (its division's; a school itself), narrowed to `division` and a
    name, paged."""
    LIST_SCHOOLS.check(principal)
    narrowed = bound = bound_division(principal)
    if division is not None:
        known(division)
        if bound is None or divisions.contains(bound, division):
            narrowed = division
        elif not divisions.contains(division, bound):
            raise not_found(division)
    only = principal.school_code if principal.role is Role.SCHOOL else None
    rows, total = SchoolDirectoryRepository(session).page(
        division=narrowed, only=only, name=name, limit=limit, offset=offset
    )
    items = [
        {
            **row,
            "division": row.get("division_code"),
            "division_name": divisions.full_name(row["division_code"]) if row.get("division_code") else None,
        }
        for row in rows
    ]
    return {"items": items, "total": total, "limit": limit, "offset": offset}


def usage(
    session: Session,
    principal: Principal,
    code: str,
    *,
    start: datetime | None,
    end: datetime | None,
    before: int | None,
    limit: int,
) -> dict[str, Any]:
    """Who read the school's records, when, which elements, under which request or grant, how many rows."""
    school_for(session, principal, code)
    repository = AuditRepository(session)
    reads = repository.school_reads(code, start=start, end=end, before_id=before, limit=limit)
    out = _reads_out(session, code, reads)
    return {
        "school_code": code,
        "summary": _summary(repository.school_summary(code)),
        "reads": out,
        "next_before": reads[-1].entry.id if len(reads) == limit else None,
    }


def _reads_out(session: Session, code: str, reads: list[SchoolRead]) -> list[dict[str, Any]]:
    """Each read as a school is shown it: reader by name, elements by label, request title, grant purpose."""
    labels = {e.code: e.label_zh for e in current_standard(session).elements}
    principals = PrincipalRepository(session)
    readers = {pid: principals.get(pid) for pid in {r.entry.principal_id for r in reads} if pid is not None}
    grant_ids = {r.entry.grant_id for r in reads if r.entry.grant_id is not None}
    grants = {g: grant for g in grant_ids if (grant := session.get(Grant, g)) is not None}
    request_ids = [r.entry.request_id for r in reads if r.entry.request_id is not None]
    titles = {rid: r.title for rid, r in SchoolViewRepository(session).requests_by_id(request_ids).items()}
    out = []
    for read in reads:
        entry = read.entry
        reader = readers.get(entry.principal_id) if entry.principal_id is not None else None
        grant = grants.get(entry.grant_id) if entry.grant_id is not None else None
        out.append(
            {
                "entry_id": entry.id,
                "at": entry.at,
                "reader": {
                    "id": entry.principal_id,
                    "code": entry.principal_code,
                    "kind": entry.principal_kind,
                    "name": reader.name if reader else None,
                    # The school's own accounts read its records too (opening a task shows them prefilled):
                    # logged like any read, but the school should not take itself for a department.
                    "own_school": reader is not None and reader.school_code == code,
                },
                "action": entry.action,
                "entity": entry.entity,
                "elements": [{"code": c, "label": labels.get(c, c)} for c in entry.elements or []],
                "request_id": entry.request_id,
                "request_title": titles.get(entry.request_id) if entry.request_id else None,
                "grant_id": entry.grant_id,
                "agreement_id": grant.agreement_id if grant else None,
                "purpose": grant.purpose if grant else None,
                "legal_basis": grant.legal_basis or None if grant else None,
                "rows": read.rows,
            }
        )
    return out


def teacher_reads(
    session: Session, principal: Principal, code: str, *, id_number: str, secret_key: str
) -> dict[str, Any]:
    """Every department read that returned this teacher's record at the school (404 for a teacher the
    school does not hold, as for a school the caller cannot see)."""
    school_for(session, principal, code)
    key = teacher_key(secret_key, id_number)
    if not SchoolViewRepository(session).holds_teacher(code, key):
        raise TeacherNotFound("本校没有该公民身份号码的教师", "no teacher of this school has that ID number")
    reads = AuditRepository(session).reads_of_record(code, fingerprint(code, key))
    return {"school_code": code, "reads": _reads_out(session, code, reads)}


def _summary(summary: UsageSummary) -> dict[str, Any]:
    return {
        "reads": summary.reads,
        "rows": summary.rows,
        "readers": summary.readers,
        "last_read_at": summary.last_read_at,
    }


def _spared(request: DataRequest, task: Task | None, source: DataRequest) -> list[Any]:
    """The request's fields this school did not fill: the ones outside its task when it had one; all of
    them once the request went out (or was answered, or refused) without a task for it; while it is
    still under review, the ones the store already holds."""
    if task is not None:
        asked = set(task.fields)
        return [f for f in request.fields if f.element_code not in asked]
    if source.status in ("published", "answered", "rejected"):
        return list(request.fields)
    return [f for f in request.fields if f.status in ("available", "derived")]


def term_counts(
    session: Session, code: str, county: str | None, *, today: date | None = None
) -> dict[str, Any]:
    """The school's counts for the current term (hub.register.counts, as the burden dashboard's)."""
    today = today or local_today()
    term = term_of(today)
    found = counts.school_counts(
        session,
        term.start,
        term.end + timedelta(days=1),
        year=term.year,
        today=today,
        schools=[(code, county)],
        school_code=code,
    )[code]
    return {
        "term": term.label,
        "demands_reached": found.demands_reached,
        **{k: v for k, v in asdict(found).items() if k != "school_code"},
    }


def overview(session: Session, principal: Principal, code: str) -> dict[str, Any]:
    """The requests that concerned the school, those satisfied without it, the fields it was spared,
    its tasks and a summary of who used its data."""
    school = school_for(session, principal, code)
    views = SchoolViewRepository(session)
    requests = views.requests_concerning(code)
    tasks = views.tasks_of(code)
    task_by_request = {t.request_id: t for t in tasks}
    sources = views.requests_by_id([r.duplicate_of for r in requests if r.duplicate_of])
    labels = {e.code: e.label_zh for e in current_standard(session).elements}
    principals = PrincipalRepository(session)
    departments: dict[int, str | None] = {}
    concerned = []
    spared_totals: dict[tuple[str, str | None], int] = {}
    spared_count = 0
    satisfied = 0
    for request in requests:
        source = (
            sources.get(request.duplicate_of or -1, request) if request.status == "duplicate" else request
        )
        task = task_by_request.get(request.id) or task_by_request.get(source.id)
        # Published without a task for this school: its share came from the store, like an answered one.
        without_input = source.status in ("answered", "published") and task is None
        satisfied += without_input
        spared = _spared(request, task, source)
        spared_count += len(spared)
        for f in spared:
            key = (f.label, f.element_code)
            spared_totals[key] = spared_totals.get(key, 0) + 1
        if request.department_id not in departments:
            holder = principals.get(request.department_id)
            departments[request.department_id] = holder.name if holder else None
        concerned.append(
            {
                "id": request.id,
                "title": request.title,
                "department": departments[request.department_id],
                "status": request.status,
                "entity": request.entity,
                "created_at": request.created_at,
                "answered_at": request.answered_at,
                "whole_jurisdiction": request.schools is None,
                "satisfied_without_input": without_input,
                "task_id": task.id if task else None,
                "fields_total": len(request.fields),
                "fields_not_filled": [
                    {
                        "label": f.label,
                        "element": f.element_code,
                        "element_label": labels.get(f.element_code or ""),
                    }
                    for f in spared
                ],
            }
        )
    fields = [
        {"label": label, "element": element, "element_label": labels.get(element or ""), "times": times}
        for (label, element), times in sorted(spared_totals.items(), key=lambda kv: (-kv[1], kv[0][0]))
    ]
    return {
        "school_code": code,
        "school_name": school.get("name"),
        "counts": term_counts(session, code, school.get("division_code")),
        "requests": concerned,
        "requests_total": len(concerned),
        "satisfied_without_input": satisfied,
        "fields_not_filled_total": spared_count,
        "fields_not_filled": fields,
        "tasks": [
            {
                "id": t.id,
                "request_id": t.request_id,
                "status": t.status,
                "deadline": t.deadline,
                "fields": list(t.fields),
                "rows_expected": t.rows_expected,
                "rows_filled": t.rows_filled,
            }
            for t in tasks
        ],
        "usage": _summary(AuditRepository(session).school_summary(code)),
    }
