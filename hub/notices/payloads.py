from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class NoticeOut(BaseModel):
    id: int
    event: str = Field(description="request.answered | request.rejected")
    request_id: int | None
    message_zh: str
    message_en: str
    link: str
    created_at: datetime
    read_at: datetime | None


class NoticesRead(BaseModel):
    ids: list[int] | None = Field(default=None, description="the notices to mark read (omitted: all)")


class NoticesReadOut(BaseModel):
    marked: int


class WebhookIn(BaseModel):
    url: str = Field(max_length=500, description="http(s) address the hub POSTs each notice to")
    secret: str | None = Field(
        default=None, min_length=16, max_length=200, description="shared secret (omitted: the hub makes one)"
    )
    active: bool = True


class DeliveryOut(BaseModel):
    id: int
    status: str = Field(description="pending | delivered | failed")
    attempts: int
    next_attempt_at: datetime
    last_status_code: int | None
    last_error: str
    delivered_at: datetime | None
    created_at: datetime


class WebhookOut(BaseModel):
    url: str
    active: bool
    signature_header: str
    secret: str | None = Field(default=None, description="only in the answer that made it")
    deliveries: list[DeliveryOut]
