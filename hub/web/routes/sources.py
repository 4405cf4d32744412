"""Source set-up in the browser (education bureau, admin): create, edit, disable and enable a folder,
SQL or HTTP source, with its mapping and schedule; hub.sources checks every setting as the API does."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from hub.deps import SessionDep
from hub.errors import BilingualValueError, HubError
from hub.identity.models import Principal
from hub.sources import service as sources
from hub.sources.auth import CURATE
from hub.sources.payloads import Schedule, SourceIn, SourceUpdate
from hub.standard.service import current_standard
from hub.web import i18n
from hub.web.kit import PageRoute, lang_of, redirect, render, role
from hub.web.routes.requests import form_items

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Curator = Annotated[Principal, role(CURATE)]
KINDS = ("folder", "sql", "http")
# The settings each kind's form offers (the rest stay as they are, or as the API wrote them).
FIELDS = {
    "folder": ("path", "pattern", "sheet"),
    "sql": ("url", "table", "query", "updated_at_column"),
    "http": ("url", "items_path", "paging", "page_size", "bearer_token"),
}
NUMBERS = {"page_size"}


def _settings(kind: str, form: dict[str, str], old: dict[str, Any] | None = None) -> dict[str, Any]:
    settings = dict(old or {})
    for key in FIELDS[kind]:
        value = form.get(f"{kind}_{key}", "").strip()
        if not value:
            settings.pop(key, None)
        elif key in NUMBERS:
            settings[key] = int(value) if value.isdigit() else value
        else:
            settings[key] = value
    return settings


def _mapping(session: Session, entity: str, text: str) -> dict[str, str | None]:
    """ "源列 = 数据元" a line; the element by its name, code or Chinese label; "源列 =" drops the column."""
    labels = {e.label_zh: e.name for e in current_standard(session).elements_for(entity)}
    mapping: dict[str, str | None] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        column, _, target = line.replace("＝", "=").partition("=")
        target = target.strip()
        mapping[column.strip()] = labels.get(target, target) or None
    return mapping


def _schedule(form: dict[str, str]) -> Schedule | None:
    cron, seconds = form.get("cron", "").strip(), form.get("interval_seconds", "").strip()
    if not cron and not seconds:
        return None
    return Schedule(cron=cron or None, interval_seconds=int(seconds) if seconds.isdigit() else None)


def _form_page(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    source: Any = None,
    values: dict[str, str] | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    std = current_standard(session)
    if values is None and source is not None:
        values = {
            "name": source.name,
            "kind": source.kind,
            "entity": source.entity,
            "description": source.description,
            "mapping": "\n".join(f"{k} = {v or ''}" for k, v in source.mapping.items()),
            "cron": source.schedule.cron if source.schedule and source.schedule.cron else "",
            "interval_seconds": str(source.schedule.interval_seconds)
            if source.schedule and source.schedule.interval_seconds
            else "",
            "enabled": "on" if source.enabled else "",
            "period": source.period or "",
            **{f"{source.kind}_{k}": str(v) for k, v in source.settings.items() if k in FIELDS[source.kind]},
        }
    return render(
        request,
        "source_form.html",
        {
            "source": source,
            "values": values or {"kind": "folder", "entity": "teacher", "enabled": "on"},
            "kinds": KINDS,
            "error": error,
            "labels": {e.name: e.label_zh for e in std.elements},
        },
        principal=principal,
        status_code=status_code,
    )


def _message(exc: Exception, lang: str) -> str:
    if isinstance(exc, HubError):
        return exc.message_in(lang)
    if isinstance(exc, ValidationError):
        for error in exc.errors():
            cause = (error.get("ctx") or {}).get("error")
            if isinstance(cause, BilingualValueError):
                return i18n.pick(str(cause), lang)
        where = ".".join(str(p) for p in exc.errors()[0]["loc"]) if exc.errors() else ""
        return f"{i18n.text('error.form', lang)} {where}".strip()
    return i18n.text("error.form", lang)


@router.get("/sources/new")
def new_source(request: Request, session: SessionDep, principal: Curator) -> Response:
    """The form for a new folder, SQL or HTTP source."""
    return _form_page(request, session, principal)


@router.post("/sources")
def create_source(
    request: Request,
    session: SessionDep,
    principal: Curator,
    form: Annotated[dict[str, str], Depends(form_items)],
) -> Response:
    """Create a source from the form (the same checks as POST /api/v1/sources)."""
    kind = form.get("kind", "") if form.get("kind") in KINDS else "folder"
    entity = form.get("entity", "teacher")
    try:
        payload = SourceIn(
            name=form.get("name", "").strip(),
            kind=kind,  # type: ignore[arg-type]
            entity=entity,  # type: ignore[arg-type]
            description=form.get("description", "").strip(),
            settings=_settings(kind, form),
            mapping=_mapping(session, entity, form.get("mapping", "")),
            schedule=_schedule(form),
            enabled=form.get("enabled") == "on",
            period=form.get("period", "").strip() or None,
        )
        sources.create_source(session, payload, principal_id=principal.id, actor=principal)
    except (HubError, ValidationError, ValueError) as exc:
        session.rollback()
        return _form_page(
            request, session, principal, values=form, error=_message(exc, lang_of(request)), status_code=422
        )
    return redirect("/sources", message="source_created")


@router.get("/sources/{name}/edit")
def edit_source(name: str, request: Request, session: SessionDep, principal: Curator) -> Response:
    """The form of one source, its secrets shown masked (left masked, they stay as they are)."""
    found = sources.source_out(sources.get_source(session, name, viewer=principal))
    return _form_page(request, session, principal, source=found)


@router.post("/sources/{name}/edit")
def update_source(
    name: str,
    request: Request,
    session: SessionDep,
    principal: Curator,
    form: Annotated[dict[str, str], Depends(form_items)],
) -> Response:
    """Change a source's settings, mapping, schedule and whether it runs."""
    stored = sources.get_source(session, name, viewer=principal)
    masked = sources.mask_settings(stored.settings)
    try:
        schedule = _schedule(form)
        payload = SourceUpdate(
            description=form.get("description", "").strip(),
            settings=_settings(stored.kind, form, masked),
            mapping=_mapping(session, stored.entity, form.get("mapping", "")),
            schedule=schedule,
            clear_schedule=schedule is None,
            enabled=form.get("enabled") == "on",
            # Empty: back to the current period at each run.
            period=form.get("period", "").strip(),
        )
        sources.update_source(session, name, payload, actor=principal)
    except (HubError, ValidationError, ValueError) as exc:
        session.rollback()
        found = sources.source_out(sources.get_source(session, name, viewer=principal))
        return _form_page(
            request,
            session,
            principal,
            source=found,
            values={**form, "name": name, "kind": found.kind, "entity": found.entity},
            error=_message(exc, lang_of(request)),
            status_code=422,
        )
    return redirect("/sources", message="source_saved")


@router.post("/sources/{name}/enabled")
def toggle_source(
    name: str,
    session: SessionDep,
    principal: Curator,
    form: Annotated[dict[str, str], Depends(form_items)],
) -> Response:
    """Disable a source (its schedule stops; its history stays) or enable it again."""
    enabled = form.get("enabled") == "true"
    sources.update_source(session, name, SourceUpdate(enabled=enabled), actor=principal)
    return redirect("/sources", message="source_enabled" if enabled else "source_disabled")
