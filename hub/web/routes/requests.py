"""Requests from the browser: a department writes and checks one, follows it and reads its answer; the
statistics bureau reviews; the education bureau previews a publication and publishes."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response, StreamingResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

import schemas
from hub.access.scope import bound_division
from hub.db import utcnow
from hub.deps import SessionDep, SettingsDep, read_only, writes
from hub.errors import HubError
from hub.identity.models import Principal
from hub.identity.repository import PrincipalRepository
from hub.identity.roles import Role
from hub.kit.clock import local_today
from hub.notices import service as notices
from hub.reads import answer
from hub.register import counts
from hub.requests import service as requests
from hub.requests.auth import DECIDE, LIST, READ_DATA, SUBMIT
from hub.requests.lifecycle import RequestStatus
from hub.requests.models import RequestField
from hub.requests.originals import OriginalSummary
from hub.requests.payloads import DecisionIn, ElementSpecIn, RequestIn
from hub.requests.proposals import TYPE_WORDS
from hub.requests.repository import RequestRepository
from hub.standard.service import current_standard
from hub.tasks import service as tasks
from hub.tasks.auth import PUBLISH, REMIND, SEE_PROGRESS
from hub.tasks.workbook import progress_workbook
from hub.web import i18n
from hub.web import service as web
from hub.web.kit import PageRoute, is_htmx, lang_of, redirect, render, role

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Requester = Annotated[Principal, role(SUBMIT)]
Reader = Annotated[Principal, role(LIST)]
Statistics = Annotated[Principal, role(DECIDE)]
Education = Annotated[Principal, role(PUBLISH)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FORM_FIELDS = {
    "title": "requests.field_title",
    "purpose": "requests.field_purpose",
    "entity": "requests.field_entity",
    "schools": "requests.field_schools",
    "period": "requests.field_period",
    "deadline": "requests.field_deadline",
    "fields": "requests.field_labels",
}


# --- views of fields -------------------------------------------------------------------------------


def _element(std: schemas.Standard, code: str | None) -> schemas.Element | None:
    if not code:
        return None
    try:
        return std.element(code)
    except KeyError:
        return None


def _label(element: schemas.Element | None, lang: str) -> str:
    if element is None:
        return ""
    return element.label_en if lang == "en" else element.label_zh


_ELEMENT_CODE = re.compile(r"\b(?:teacher|school)\.[a-z][a-z0-9_]*")


def readable(std: schemas.Standard, text: str | None, lang: str) -> str:
    """A matcher's explanation with element codes (teacher.x_jia_fang…) replaced by their labels."""

    def label(match: re.Match[str]) -> str:
        element = _element(std, match.group(0))
        if element is None:
            return match.group(0)
        return f"“{element.label_en if lang == 'en' else element.label_zh}”"

    return _ELEMENT_CODE.sub(label, text or "")


def _alternatives(
    std: schemas.Standard, alternatives: list[dict[str, Any]], lang: str
) -> list[dict[str, Any]]:
    out = []
    for alternative in alternatives or []:
        element = _element(std, alternative.get("element"))
        out.append(
            {
                "element": alternative.get("element"),
                "label": _label(element, lang),
                "score": alternative.get("score"),
                "reason": readable(std, alternative.get("reason_en" if lang == "en" else "reason_zh"), lang),
            }
        )
    return out


def outcome_views(
    std: schemas.Standard, outcomes: list[requests.FieldOutcome], lang: str
) -> list[dict[str, Any]]:
    """The dry run's fields as the page shows them."""
    return [
        {
            "label": o.field.label,
            "type": o.field.type,
            "status": o.status,
            "element": o.element.code if o.element else None,
            "element_label": _label(o.element, lang),
            "confidence": o.match.confidence,
            "explanation": readable(
                std, o.match.explanation_en if lang == "en" else o.match.explanation_zh, lang
            ),
            "coverage": o.coverage,
            "derived_from": [_label(_element(std, c), lang) or c for c in o.match.derived_from],
            "alternatives": _alternatives(
                std, [requests._alternative(a) for a in o.match.alternatives], lang
            ),
            "repeated": o.repeated,
        }
        for o in outcomes
    ]


def field_views(std: schemas.Standard, fields: list[RequestField], lang: str) -> list[dict[str, Any]]:
    """A stored request's fields as the page shows them."""
    return [
        {
            "label": f.label,
            "type": f.value_type,
            "status": f.status,
            "element": f.element_code,
            "element_label": _label(_element(std, f.element_code), lang),
            "confidence": f.confidence,
            "explanation": readable(std, f.explanation_en if lang == "en" else f.explanation_zh, lang),
            "coverage": None,
            "derived_from": [_label(_element(std, c), lang) or c for c in f.derived_from or []],
            "alternatives": _alternatives(std, f.alternatives, lang),
            "repeated": f.repeated_in_request,
        }
        for f in fields
    ]


def violation_views(violations: list[Any], lang: str) -> list[dict[str, Any]]:
    out = []
    for v in violations or []:
        data = v if isinstance(v, dict) else v.model_dump()
        out.append(
            {
                "rule": data["rule"],
                "severity": data["severity"],
                "message": data["message_en"] if lang == "en" else data["message"],
            }
        )
    return out


def status_counts(statuses: list[str]) -> dict[str, int]:
    counts = Counter(statuses)
    return {s: counts.get(s, 0) for s in ("available", "derived", "missing", "new")}


# --- the request form -----------------------------------------------------------------------------


def _form(
    title: Annotated[str, Form()] = "",
    purpose: Annotated[str, Form()] = "",
    entity: Annotated[str, Form()] = "teacher",
    schools: Annotated[str, Form()] = "",
    period: Annotated[str, Form()] = "",
    deadline: Annotated[str, Form()] = "",
    labels: Annotated[str, Form()] = "",
) -> dict[str, str]:
    """The request form as typed (check, header upload and submit all post it)."""
    return {
        "title": title.strip(),
        "purpose": purpose.strip(),
        "entity": entity if entity in ("teacher", "school") else "teacher",
        "schools": schools.strip(),
        "period": period.strip(),
        "deadline": deadline.strip(),
        "labels": labels.strip(),
    }


RequestForm = Annotated[dict[str, str], Depends(_form)]


def _problem(error: Any, lang: str, fields: list[web.FieldLine]) -> str:
    location = [p for p in error.get("loc", ()) if p != "body"]
    message = i18n.validation_message(error, lang)
    if location and location[0] == "fields" and len(location) > 1 and isinstance(location[1], int):
        index = location[1]
        label = fields[index].label if index < len(fields) else ""
        return f"{i18n.text('common.fields', lang)} {index + 1}「{label}」：{message}"
    name = str(location[0]) if location else ""
    return f"{i18n.text(FORM_FIELDS[name], lang) if name in FORM_FIELDS else name}：{message}"


def build_payload(session: Session, form: dict[str, str], lang: str) -> tuple[RequestIn | None, list[str]]:
    """The form as the API's RequestIn, or the problems a person must fix, in their language."""
    t = i18n.translator(lang)
    problems: list[str] = []
    lines = web.parse_field_lines(form["labels"])
    if not lines:
        problems.append(t("requests.no_fields"))
    schools, unknown = web.resolve_schools(session, form["schools"])
    if unknown:
        problems.append(t("requests.unknown_school", names="、".join(unknown[:10])))
    deadline: date | None = None
    if form["deadline"]:
        try:
            deadline = date.fromisoformat(form["deadline"])
        except ValueError:
            problems.append(f"{t('requests.field_deadline')}：{form['deadline']}")
    if problems:
        return None, problems
    try:
        payload = RequestIn(
            title=form["title"],
            purpose=form["purpose"],
            entity=form["entity"],  # type: ignore[arg-type]
            schools=schools,
            period=form["period"] or None,
            deadline=deadline,
            fields=[{"label": f.label, "type": f.type, "description": f.description} for f in lines],  # type: ignore[misc]
        )
    except ValidationError as exc:
        return None, [_problem(e, lang, lines) for e in exc.errors()]
    return payload, []


def _new_page(
    request: Request,
    principal: Principal,
    form: dict[str, str],
    *,
    problems: list[str] | None = None,
    result: dict[str, Any] | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "request_new.html",
        {"form": form, "problems": problems or [], "result": result, "notice": notice},
        principal=principal,
        status_code=status_code,
    )


def _classification(
    session: Session, settings: Any, principal: Principal, payload: RequestIn, lang: str
) -> dict[str, Any]:
    """The dry run, as the page shows it; nothing it touched is kept."""
    try:
        result = requests.classify(
            session,
            settings,
            payload,
            today=local_today(),
            division=bound_division(principal),
            requester=principal,
        )
        std = current_standard(session)
        fields = outcome_views(std, result.fields, lang)
        return {
            "status": result.status,
            "fields": fields,
            "counts": status_counts([f["status"] for f in fields]),
            "violations": violation_views(result.violations, lang),
            "duplicate_of": result.duplicate_of.id if result.duplicate_of else None,
            "original_link": requests.original_link(settings, principal, result, today=local_today()),
            "overlap": result.overlap,
            "schools": result.schools,
        }
    finally:
        session.rollback()


@router.get("/requests/new")
def new_request(request: Request, principal: Requester) -> Response:
    """The form a department writes a request in."""
    return _new_page(request, principal, _form("", "", "teacher", "", "", "", ""))


@router.get("/requests/check")
@router.get("/requests/header")
def back_to_form() -> Response:
    """A reload or bookmark of a dry run's page goes back to an empty form."""
    return redirect("/requests/new")


@router.post("/requests/check")
@read_only
def check_request(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Requester,
    form: RequestForm,
) -> Response:
    """Classify every field before submitting (the same dry run as POST /api/v1/requests/check)."""
    lang = lang_of(request)
    payload, problems = build_payload(session, form, lang)
    result = None
    if payload is not None:
        try:
            result = _classification(session, settings, principal, payload, lang)
        except HubError as exc:
            problems = [exc.message_in(lang)]
    if is_htmx(request):
        return render(
            request, "_classification.html", {"result": result, "problems": problems}, principal=principal
        )
    return _new_page(request, principal, form, problems=problems, result=result)


@router.post("/requests/header")
def read_header(
    request: Request,
    session: SessionDep,
    principal: Requester,
    form: RequestForm,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Read a form's header row (XLSX or CSV) into the field list."""
    lang = lang_of(request)
    problems: list[str] = []
    notice = None
    content = file.file.read() if file is not None else b""
    if not content:
        problems.append(i18n.text("error.empty_file", lang))
    else:
        try:
            read = web.header_labels(current_standard(session), content, file.filename if file else None)
        except HubError as exc:
            problems.append(exc.message_in(lang))
        else:
            have = web.parse_field_lines(form["labels"])
            known = {f.label for f in have}
            added = [f for f in read if f.label not in known]
            form["labels"] = web.format_field_lines([*have, *added])
            notice = i18n.text("requests.header_read", lang).format(n=len(read))
    if is_htmx(request):
        return render(
            request,
            "_labels.html",
            {"form": form, "problems": problems, "notice": notice},
            principal=principal,
        )
    return _new_page(request, principal, form, problems=problems, notice=notice)


@router.post("/requests")
def submit_request(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Requester,
    form: RequestForm,
) -> Response:
    """Submit: answered at once, pointed at a duplicate, refused, or sent to the statistics bureau."""
    lang = lang_of(request)
    payload, problems = build_payload(session, form, lang)
    if payload is None:
        return _new_page(request, principal, form, problems=problems, status_code=422)
    try:
        created = requests.submit(session, settings, principal, payload, now=utcnow())
    except HubError as exc:
        session.rollback()
        return _new_page(
            request, principal, form, problems=[exc.message_in(lang)], status_code=exc.status_code
        )
    return redirect(f"/requests/{created.id}", message="request_submitted")


# --- following requests ---------------------------------------------------------------------------


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    repository = PrincipalRepository(session)
    return {i: p.name for i in ids if (p := repository.get(i)) is not None}


@router.get("/requests")
def list_requests(
    request: Request, session: SessionDep, principal: Reader, status: str | None = None
) -> Response:
    """A department's own requests (the bureaus see every request), newest first, by status."""
    statuses = [status] if status in set(RequestStatus) else None
    found = requests.visible_requests(session, principal, statuses=statuses)
    names = _names(session, {r.department_id for r in found})
    rows = [
        {
            "request": r,
            "department": names.get(r.department_id),
            "counts": status_counts([f.status for f in r.fields]),
        }
        for r in found
    ]
    return render(
        request,
        "requests.html",
        {
            "rows": rows,
            "status": status if statuses else None,
            "statuses": [s.value for s in RequestStatus if s is not RequestStatus.SUBMITTED],
            "notices": notices.notices_for(session, principal, unread_only=True),
        },
        principal=principal,
    )


def _detail_page(
    request: Request,
    session: Session,
    principal: Principal,
    request_id: int,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    lang = lang_of(request)
    chosen_states = [st for st in request.query_params.getlist("state") if st in tasks.TASK_STATES]
    sort = request.query_params.get("sort") or "school"
    sort = sort if sort in tasks.PROGRESS_SORTS else "school"
    found = requests.get_request(session, principal, request_id)
    std = current_standard(session)
    fields = field_views(std, found.fields, lang)
    names = _names(session, {found.department_id} | ({found.decided_by} if found.decided_by else set()))
    preview = None
    if found.status == "approved" and principal.role is Role.EDUCATION:
        preview = web.publication_preview(session, found)
    progress = None
    # get_request has let through only the owning department, the bureaus and admins.
    if found.status in ("published", "answered") and SEE_PROGRESS.allows(principal):
        progress = tasks.progress(
            session,
            principal,
            found,
            now=utcnow(),
            states=chosen_states or None,
            sort=sort,
            descending=False,
        )
    source = found
    if found.status == "duplicate" and found.duplicate_of:
        source = RequestRepository(session).get(found.duplicate_of) or found
    readable = source.status == "answered" and READ_DATA.allows(principal)
    # Settled requests only: before the store answers or publication fixes the tasks, nothing is spared yet.
    spared = counts.spared_for(session, principal, found.id) if source.status in counts.SETTLED else None
    return render(
        request,
        "request_detail.html",
        {
            "spared": spared,
            "r": found,
            "fields": fields,
            "counts": status_counts([f["status"] for f in fields]),
            "violations": violation_views(found.violations, lang),
            "department": names.get(found.department_id),
            "decided_by": names.get(found.decided_by) if found.decided_by else None,
            "preview": preview,
            "progress": progress,
            "chosen_states": chosen_states,
            "sort": sort,
            "can_remind": REMIND.allows(principal),
            "readable": readable,
            "source": source,
            "error": error,
            "today": local_today(),
            "default_until": _default_until(found.deadline),
        },
        principal=principal,
        status_code=status_code,
    )


@router.get("/requests/{request_id}")
def request_detail(request_id: int, request: Request, session: SessionDep, principal: Reader) -> Response:
    """One request: its fields and their classes, rules, decision, publication preview or progress."""
    return _detail_page(request, session, principal, request_id)


@router.get("/requests/{request_id}/original")
def duplicate_original(request_id: int, request: Request, session: SessionDep, principal: Reader) -> Response:
    """What a duplicate's department may see of the open request it is pointed at (never a 404 for it)."""
    summary = requests.original_of(session, principal, request_id)
    return _original_page(request, session, principal, summary)


@router.get("/requests/originals/{original_id}")
def checked_original(
    original_id: int,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Reader,
    shared: str = "",
    overlap: str = "",
    until: str = "",
    sig: str = "",
) -> Response:
    """The outline of the open request a dry run found the department's form repeats (its link only)."""
    summary = requests.original_by_pass(
        session,
        settings,
        principal,
        original_id,
        today=local_today(),
        shared=shared,
        overlap=overlap,
        until=until,
        sig=sig,
    )
    return _original_page(request, session, principal, summary)


def _original_page(
    request: Request, session: Session, principal: Principal, summary: OriginalSummary
) -> Response:
    std = current_standard(session)
    return render(
        request,
        "request_original.html",
        {
            "s": summary,
            "o": summary.original,
            "shared": [_label(_element(std, code), lang_of(request)) for code in summary.shared_elements]
            + summary.shared_new,
        },
        principal=principal,
    )


@router.post("/requests/{request_id}/remind")
def remind(
    request_id: int,
    session: SessionDep,
    principal: Education,
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """催报: every school of the request that has not submitted gets a reminder it sees on its tasks."""
    tasks.remind(session, principal, request_id, schools=None, note=note, now=utcnow())
    return redirect(f"/requests/{request_id}", message="reminded")


@router.get("/requests/{request_id}/progress.xlsx")
def progress_xlsx(request_id: int, request: Request, session: SessionDep, principal: Reader) -> Response:
    """The progress table as Excel, with the page's filter and order."""
    found = requests.get_request(session, principal, request_id)
    chosen = [st for st in request.query_params.getlist("state") if st in tasks.TASK_STATES]
    sort = request.query_params.get("sort") or "school"
    progress = tasks.progress(
        session,
        principal,
        found,
        now=utcnow(),
        states=chosen or None,
        sort=sort if sort in tasks.PROGRESS_SORTS else "school",
    )
    return Response(
        progress_workbook(progress),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="progress-{request_id}.xlsx"'},
    )


@router.post("/requests/{request_id}/publish")
def publish(
    request_id: int,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Education,
    deadline: Annotated[str, Form()] = "",
) -> Response:
    """The education bureau publishes an approved request to the schools lacking data."""
    lang = lang_of(request)
    try:
        chosen = date.fromisoformat(deadline) if deadline.strip() else None
        tasks.publish(session, settings, principal, request_id, deadline=chosen, now=utcnow())
    except ValueError:
        return _detail_page(
            request,
            session,
            principal,
            request_id,
            error=f"{i18n.text('common.deadline', lang)}：{deadline}",
            status_code=422,
        )
    except HubError as exc:
        session.rollback()
        return _detail_page(
            request,
            session,
            principal,
            request_id,
            error=exc.message_in(lang),
            status_code=exc.status_code,
        )
    return redirect(f"/requests/{request_id}", message="published")


# --- review ---------------------------------------------------------------------------------------


def _default_until(deadline: date | None) -> date:
    """The validity the form proposes: the end of this year, or of the deadline's year when it is later,
    since a publication's deadline may not outlast the approval."""
    end_of_year = date(local_today().year, 12, 31)
    return max(end_of_year, date(deadline.year, 12, 31)) if deadline else end_of_year


def _impact(preview: web.PublicationPreview, has_new: bool) -> dict[str, int]:
    """What approving a request sets off: the schools that would get a task and the records they fill
    (a new field is held by no school yet, so every school with records is asked)."""
    asked = preview.with_task + preview.complete if has_new else preview.with_task
    return {
        "schools": len(asked),
        "records": sum(s.records for s in asked),
        "in_scope": len(preview.with_task) + len(preview.complete) + len(preview.without_records),
    }


REVIEW_SORTS = ("oldest", "newest", "deadline", "schools", "records", "department")


def _review_page(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    errors: dict[int, str] | None = None,
    bulk_error: str | None = None,
    bulk: dict[str, str] | None = None,
    bulk_picked: list[int] | None = None,
) -> Response:
    lang = lang_of(request)
    std = current_standard(session)
    sort = request.query_params.get("sort", "oldest")
    sort = sort if sort in REVIEW_SORTS else "oldest"
    waiting = requests.visible_requests(session, principal, statuses=["pending_approval"])
    names = _names(session, {r.department_id for r in waiting})
    items = []
    for r in waiting:
        fields = field_views(std, r.fields, lang)
        preview = web.publication_preview(session, r)
        items.append(
            {
                "r": r,
                "department": names.get(r.department_id),
                "new": [f for f in fields if f["status"] == "new"],
                "missing": [f for f in fields if f["status"] == "missing"],
                "other": [f for f in fields if f["status"] in ("available", "derived")],
                "violations": violation_views(r.violations, lang),
                "error": (errors or {}).get(r.id),
                "default_until": _default_until(r.deadline),
                "specs": [
                    (f.label, requests.proposed_checks(f), _mapping_choices(std, r.entity, f, lang))
                    for f in dict((f.label, f) for f in r.fields if f.element_code is None).values()
                ],
                "impact": _impact(preview, any(f["status"] == "new" for f in fields)),
            }
        )
    keys: dict[str, Any] = {
        "oldest": lambda i: i["r"].id,
        "newest": lambda i: -i["r"].id,
        "deadline": lambda i: (i["r"].deadline is None, i["r"].deadline or date.max, i["r"].id),
        "schools": lambda i: (-i["impact"]["schools"], i["r"].id),
        "records": lambda i: (-i["impact"]["records"], i["r"].id),
        "department": lambda i: (i18n.pick(i["department"] or "", lang), i["r"].id),
    }
    items.sort(key=keys[sort])
    return render(
        request,
        "review.html",
        {
            "items": items,
            "sort": sort,
            "sorts": REVIEW_SORTS,
            "bulk_error": bulk_error,
            # A refused batch comes back as it was typed and ticked, to correct rather than retype.
            "bulk": bulk,
            "bulk_picked": bulk_picked,
            "today": local_today(),
            "bulk_until": _default_until(max((r.deadline for r in waiting if r.deadline), default=None)),
            "type_words": {k: v[1] if lang == "en" else v[0] for k, v in TYPE_WORDS.items()},
            "code_lists": [(c.name, c.label_en if lang == "en" else c.label_zh) for c in std.code_lists],
        },
        principal=principal,
        status_code=422 if errors or bulk_error else 200,
    )


def _mapping_choices(
    std: schemas.Standard, entity: str, f: RequestField, lang: str
) -> dict[str, list[tuple[str, str]]]:
    """What a reviewer may tie a new field to instead (issue 13, class 6): the close elements the matcher
    found first, then every other gathered element of the entity, as (code, label) pairs."""
    close = [
        (a["element"], f"{a['label'] or a['element']} · {a['reason']}"[:80])
        for a in _alternatives(std, f.alternatives, lang)
        if a["element"] and std.has_element(a["element"]) and not std.element(a["element"]).derived
    ]
    taken = {code for code, _ in close}
    others = sorted(
        (
            (e.code, _label(e, lang) or e.code)
            for e in std.elements_for(entity)
            if not e.derived and e.code not in taken
        ),
        key=lambda pair: pair[1],
    )
    return {"close": close, "others": others}


def _reviewer_mappings(values: dict[str, str]) -> dict[str, str]:
    """The approval form's "is an existing element" choices (spec|n|label, spec|n|maps_to) as {label: code}."""
    rows: dict[str, dict[str, str]] = {}
    for key, value in values.items():
        parts = key.split("|")
        if len(parts) == 3 and parts[0] == "spec" and parts[2] in ("label", "maps_to"):
            rows.setdefault(parts[1], {})[parts[2]] = value.strip()
    return {row["label"]: row["maps_to"] for row in rows.values() if row.get("label") and row.get("maps_to")}


def _element_specs(values: dict[str, str]) -> dict[str, ElementSpecIn]:
    """The approval form's rows (spec|n|label, spec|n|type …) as the API's per-label element checks."""
    rows: dict[str, dict[str, str]] = {}
    for key, value in values.items():
        parts = key.split("|")
        if len(parts) == 3 and parts[0] == "spec":
            rows.setdefault(parts[1], {})[parts[2]] = value.strip()
    specs: dict[str, ElementSpecIn] = {}
    for row in rows.values():
        label = row.get("label")
        if not label:
            continue
        specs[label] = ElementSpecIn.model_validate(
            {
                "type": row.get("type") or None,
                "unit": row.get("unit") or None,
                "min": row.get("min") or None,
                "max": row.get("max") or None,
                "code_list": row.get("code_list") or None,
                "future_allowed": row.get("future_allowed") == "on",
            }
        )
    return specs


async def form_items(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.multi_items() if isinstance(value, str)}


@router.get("/review")
def review(request: Request, session: SessionDep, principal: Statistics) -> Response:
    """The statistics bureau's queue: new fields beside the closest existing elements."""
    return _review_page(request, session, principal)


@router.post("/review/decisions")
def decide_many(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Statistics,
    values: Annotated[dict[str, str], Depends(form_items)],
    decision: Annotated[str, Form()] = "",
    form_number: Annotated[str, Form()] = "",
    approval_number: Annotated[str, Form()] = "",
    valid_until: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """Approve or reject every ticked request at once (all or none); new fields get the proposed checks."""
    lang = lang_of(request)
    chosen = sorted(
        {int(key.split("|")[1]) for key in values if key.startswith("pick|") and key.split("|")[1].isdigit()}
    )
    if not chosen:
        return _review_page(request, session, principal, bulk_error=i18n.text("review.pick_one", lang))
    typed = {
        "decision": decision,
        "form_number": form_number,
        "approval_number": approval_number,
        "valid_until": valid_until,
        "note": note,
    }

    def refused(message: str) -> Response:
        return _review_page(request, session, principal, bulk_error=message, bulk=typed, bulk_picked=chosen)

    try:
        until = date.fromisoformat(valid_until) if valid_until.strip() else None
    except ValueError:
        return refused(i18n.text("review.bad_date", lang).format(value=valid_until))
    try:
        payload = DecisionIn(
            decision=decision,  # type: ignore[arg-type]
            form_number=form_number.strip() or None,
            approval_number=approval_number.strip() or None,
            valid_until=until,
            note=note.strip() or None,
        )
    except ValidationError:
        return refused(i18n.text("error.form", lang))
    try:
        requests.decide_many(session, principal, chosen, payload, now=utcnow(), level=settings.decision_level)
    except HubError as exc:
        session.rollback()
        return refused(
            i18n.text("review.bulk_failed", lang).format(reason=exc.message_in(lang).rstrip("。."))
        )
    return redirect("/review", message="decided_many" if decision == "approve" else "rejected_many")


@router.post("/requests/{request_id}/decision")
def decide(
    request_id: int,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Statistics,
    values: Annotated[dict[str, str], Depends(form_items)],
    decision: Annotated[str, Form()] = "",
    form_number: Annotated[str, Form()] = "",
    approval_number: Annotated[str, Form()] = "",
    valid_until: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """Approve (表号, 批准文号, 有效期至, each new field's type, unit, range or code list, or the existing
    element it is) or reject."""
    lang = lang_of(request)
    mappings = _reviewer_mappings(values)
    try:
        payload = DecisionIn(
            decision=decision,  # type: ignore[arg-type]
            form_number=form_number.strip() or None,
            approval_number=approval_number.strip() or None,
            valid_until=date.fromisoformat(valid_until) if valid_until.strip() else None,
            note=note.strip() or None,
            mappings=mappings or None,
            # A field tied to an existing element gets no new element, so no checks of its own.
            elements={k: v for k, v in _element_specs(values).items() if k not in mappings} or None,
        )
        requests.decide(session, principal, request_id, payload, now=utcnow(), level=settings.decision_level)
    except (ValidationError, ValueError) as exc:
        message = i18n.text("error.form", lang) if isinstance(exc, ValidationError) else str(exc)
        return _review_page(request, session, principal, errors={request_id: message})
    except HubError as exc:
        if exc.status_code == 404:  # outside the bureau's level: the page says so, never the queue
            raise
        session.rollback()
        return _review_page(request, session, principal, errors={request_id: exc.message_in(lang)})
    return redirect("/review", message="decided")


# --- reading the answer ---------------------------------------------------------------------------


@router.get("/requests/{request_id}/data", dependencies=[Depends(writes)])
def request_data(
    request_id: int, request: Request, session: SessionDep, principal: Reader, offset: int = 0
) -> Response:
    """The answer rows, a page at a time, masked per grant (each page shown is on the audit log)."""
    page = web.data_page(session, principal, request_id, offset=max(0, offset), today=local_today())
    found = requests.get_request(session, principal, request_id)
    return render(
        request,
        "request_data.html",
        {"r": found, "page": page, "page_rows": web.PAGE_ROWS},
        principal=principal,
    )


@router.get("/requests/{request_id}/data.csv")
@router.get("/requests/{request_id}/data.xlsx")
def request_data_file(request_id: int, request: Request, session: SessionDep, principal: Reader) -> Response:
    """The whole answer as CSV (UTF-8 with BOM, so Excel reads the Chinese) or an Excel workbook, streamed."""
    out = answer.answer_export(
        session,
        request.app.state.session_factory,
        principal,
        request_id,
        fmt=request.url.path.rsplit(".", 1)[-1],
        codes=request.query_params.get("codes") == "true",
        today=local_today(),
    )
    return StreamingResponse(
        out.body,
        media_type=out.media_type,
        headers={"Content-Disposition": f'attachment; filename="{out.filename}"'},
    )


@router.get("/requests/{request_id}/publish")
@router.get("/requests/{request_id}/decision")
def back_to_request(request_id: int) -> Response:
    """A reload or bookmark of a publication's or decision's answer page goes back to the request."""
    return redirect(f"/requests/{request_id}")
