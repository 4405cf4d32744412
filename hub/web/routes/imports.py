"""Record imports in the browser (education bureau, admin): choose the file and the period, see where
every column goes (each periodic column's period, the current one unless the file or the person names
another) and confirm; then the import runs as `POST /api/v1/records/{entity}/import` does."""

from __future__ import annotations

import base64
import binascii
import io
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response

from hub.config import Settings
from hub.db import utcnow
from hub.deps import SessionDep, SettingsDep, read_only
from hub.errors import HubError
from hub.identity.models import Principal
from hub.kit.clock import local_today
from hub.records.auth import CURATE
from hub.records.errors import FileEmpty
from hub.records.files import entity_headers, open_upload
from hub.records.periods import current_periods, import_plan
from hub.records.service import Provenance, ingest_chunks
from hub.standard.service import current_standard
from hub.web import i18n
from hub.web.kit import PageRoute, lang_of, render, role
from hub.web.routes.school import confirmed_upload

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Curator = Annotated[Principal, role(CURATE)]
ENTITIES = {"teachers": "teacher", "schools": "school"}
SHOWN_REJECTIONS = 50


def _form(request: Request, session: Any, principal: Principal, **context: Any) -> Response:
    std = current_standard(session)
    today = local_today()
    defaults = {
        plural: [(e, p) for e, p in current_periods(std, entity, today=today)]
        for plural, entity in ENTITIES.items()
    }
    status = 422 if context.get("failure") else 200
    context.setdefault("entity", "teachers")
    context.setdefault("period", "")
    return render(
        request, "imports.html", {"defaults": defaults, **context}, principal=principal, status_code=status
    )


@router.get("/imports")
def imports_page(request: Request, session: SessionDep, principal: Curator) -> Response:
    """The import form: entity, file, and the period (blank: the current one, listed per element)."""
    return _form(request, session, principal)


def _entity(value: str) -> str:
    return value if value in ENTITIES else "teachers"


@router.post("/imports/preview")
@read_only
def preview_import(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Curator,
    entity: Annotated[str, Form()] = "teachers",
    period: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Read the file's header row and show each column's element and period before anything is written."""
    lang = lang_of(request)
    entity = _entity(entity)
    content = file.file.read() if file is not None else b""
    filename = (file.filename if file is not None else None) or ""
    std = current_standard(session)
    try:
        if not content:
            raise FileEmpty(*i18n.pair("error.empty_file"))
        stream = open_upload(
            io.BytesIO(content),
            filename=filename,
            expected_headers=entity_headers(std, ENTITIES[entity]),
            max_rows=settings.max_upload_rows,
        )
        plan = import_plan(std, ENTITIES[entity], list(stream.headers), period or None, today=local_today())
    except HubError as exc:
        return _form(request, session, principal, entity=entity, period=period, failure=exc.message_in(lang))
    context = {
        "entity": entity,
        "period": period,
        "filename": filename,
        "content": base64.b64encode(content).decode(),
        "plan": plan,
        "labels": {h: std.element(f"{ENTITIES[entity]}.{n}").label_zh for h, n in plan.columns.items()},
    }
    return render(request, "import_preview.html", context, principal=principal)


@router.post("/imports/confirm")
def confirm_import(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Curator,
    values: Annotated[dict[str, str], Depends(confirmed_upload)],
) -> Response:
    """Import the file the person saw the preview of, to the periods it showed."""
    lang = lang_of(request)
    entity = _entity(values.get("entity", ""))
    period = values.get("period") or None
    filename = values.get("filename") or ""
    try:
        content = base64.b64decode(values.get("content", ""), validate=True)
    except (ValueError, binascii.Error):
        content = b""
    try:
        if not content:
            raise FileEmpty(*i18n.pair("error.empty_file"))
        report = _import(session, settings, principal, entity, content, filename, period)
    except HubError as exc:
        session.rollback()
        return _form(
            request, session, principal, entity=entity, period=period or "", failure=exc.message_in(lang)
        )
    rejected = [
        f"{r.row} · {r.field} · {r.value}：{r.reason_en if lang == 'en' else r.reason}"
        for r in report.rejected[:SHOWN_REJECTIONS]
    ]
    return _form(
        request,
        session,
        principal,
        entity=entity,
        period=period or "",
        report=report,
        rejected=rejected,
    )


def _import(
    session: Any,
    settings: Settings,
    principal: Principal,
    entity: str,
    content: bytes,
    filename: str,
    period: str | None,
) -> Any:
    std = current_standard(session)
    stream = open_upload(
        io.BytesIO(content),
        filename=filename,
        expected_headers=entity_headers(std, ENTITIES[entity]),
        max_rows=settings.max_upload_rows,
    )
    return ingest_chunks(
        session,
        std=std,
        secret_key=settings.secret_key.get_secret_value(),
        entity=ENTITIES[entity],
        headers=stream.headers,
        chunks=stream.chunks(),
        provenance=Provenance(source_kind="import", source_ref=filename, principal_id=principal.id),
        now=utcnow(),
        keep_rejections=SHOWN_REJECTIONS,
        blank_columns=lambda: stream.blank_columns,
        period=period,
    )
