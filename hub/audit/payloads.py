from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class AuditEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    principal_id: int | None
    principal_code: str | None
    principal_kind: str | None
    action: str = Field(
        description="request.data | query.rows | query.aggregate | query.changes | task.read | "
        "records.write | grant.create | grant.revoke"
    )
    entity: str | None
    elements: list[str]
    school_count: int
    grant_id: int | None
    request_id: int | None
    batch_id: int | None
    row_count: int
    detail: dict[str, Any] | None
    prev_hash: str
    hash: str


class AuditPage(BaseModel):
    entries: list[AuditEntryOut]
    next_before: int | None = Field(description="Pass as `before` for the next (older) page")


class VerifyOut(BaseModel):
    ok: bool
    entries: int
    head_hash: str
    first_broken: int | None = None
    reason: str = ""
    reason_en: str = ""
