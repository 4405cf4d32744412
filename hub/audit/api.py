from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from hub.audit import service
from hub.audit.payloads import AuditEntryOut, AuditPage, VerifyOut
from hub.deps import SessionDep, writes
from hub.errors import error_responses
from hub.identity.auth import Admin

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get(
    "/entries",
    response_model=AuditPage,
    responses=error_responses(401, 403, 422),
    dependencies=[Depends(writes)],
)
def list_entries(
    session: SessionDep,
    admin: Admin,
    start: Annotated[
        datetime | None, Query(alias="from", description="Entries at or after (ISO 8601)")
    ] = None,
    end: Annotated[datetime | None, Query(alias="to", description="Entries before (ISO 8601)")] = None,
    action: Annotated[list[str] | None, Query()] = None,
    principal_id: int | None = None,
    before: Annotated[int | None, Query(ge=1)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> AuditPage:
    """The audit log, newest first (admin only); the read is an entry of the log too (`audit.read`)."""
    entries = service.read_entries(
        session,
        admin,
        start=start,
        end=end,
        actions=action,
        principal_id=principal_id,
        before_id=before,
        limit=limit,
    )
    return AuditPage(
        entries=[AuditEntryOut.model_validate(e) for e in entries],
        next_before=entries[-1].id if len(entries) == limit else None,
    )


@router.get(
    "/verify", response_model=VerifyOut, responses=error_responses(401, 403), dependencies=[Depends(writes)]
)
def verify_chain(session: SessionDep, admin: Admin) -> VerifyOut:
    """Check the hash chain end to end and name the first broken entry (admin only); an audited read."""
    result = service.verify(session)
    service.log_read(session, admin, filters={}, shown=[], verify=True)
    return VerifyOut(
        ok=result.ok,
        entries=result.entries,
        head_hash=result.head_hash,
        first_broken=result.first_broken,
        reason=result.reason_zh,
        reason_en=result.reason_en,
    )
