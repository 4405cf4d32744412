from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.db import Base, JSONType, UTCDateTime, utcnow

# Where a request stands, and how it moves: hub/requests/lifecycle.py.
# How a status reads inside a message a person gets (never the code itself in a Chinese sentence).
STATUS_WORDS = {
    "pending_approval": ("待统计局审批", "awaiting the statistics bureau"),
    "pending_release": ("待教育局决定是否提供", "awaiting the education bureau's release"),
    "approved": ("已批准，待发布", "approved, not yet published"),
    "rejected": ("已驳回", "rejected"),
    "published": ("已发布，学校填报中", "published, schools are filling it"),
    "answered": ("已答复", "answered"),
    "duplicate": ("重复需求", "a duplicate"),
    "closed": ("已关闭", "closed"),
}


def status_words(status: str) -> tuple[str, str]:
    return STATUS_WORDS.get(status, (status, status))


class DataRequest(Base):
    """A department's data-collection request, as it came in and as it was decided."""

    __tablename__ = "requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("principals.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    purpose: Mapped[str] = mapped_column(Text)
    entity: Mapped[str] = mapped_column(String(16))
    # None means every school the hub holds (the department's whole jurisdiction).
    schools: Mapped[list[str] | None] = mapped_column(JSONType)
    # The request's level: the narrowest GB/T 2260 division holding every school it asks (a bounded
    # department's whole division when it names none); None: the whole hub. Bureaus see by it.
    division: Mapped[str | None] = mapped_column(String(6), index=True)
    period: Mapped[str | None] = mapped_column(String(64))
    deadline: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(24), index=True)  # hub.requests.lifecycle moves it
    standard_version: Mapped[int] = mapped_column(Integer)
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("requests.id"))
    overlap: Mapped[float | None] = mapped_column(Float)
    violations: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))
    decision_note: Mapped[str | None] = mapped_column(Text)
    form_number: Mapped[str | None] = mapped_column(String(64))  # 表号
    approval_number: Mapped[str | None] = mapped_column(String(128))  # 批准文号
    valid_until: Mapped[date | None] = mapped_column(Date)  # 有效期至
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    fields: Mapped[list[RequestField]] = relationship(
        back_populates="request", lazy="raise", order_by="RequestField.position", cascade="all, delete-orphan"
    )


class RequestField(Base):
    """One requested field and how the hub classified it."""

    __tablename__ = "request_fields"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(500))
    value_type: Mapped[str | None] = mapped_column(String(32))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # available | missing | new | derived
    element_code: Mapped[str | None] = mapped_column(String(120), index=True)
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    match_kind: Mapped[str] = mapped_column(String(16), default="none")
    explanation_zh: Mapped[str] = mapped_column(Text, default="")
    explanation_en: Mapped[str] = mapped_column(Text, default="")
    conversion: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    derived_from: Mapped[list[str]] = mapped_column(JSONType, default=list)
    alternatives: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    repeated_in_request: Mapped[bool] = mapped_column(default=False)
    # An element counted per period: the period keys asked (2025, 2024-2025), those the store lacked
    # when classified (a task collects exactly these), and whether 近N年 asks them as one figure.
    periods: Mapped[list[str] | None] = mapped_column(JSONType)
    missing_periods: Mapped[list[str] | None] = mapped_column(JSONType)
    period_span: Mapped[bool] = mapped_column(default=False)

    request: Mapped[DataRequest] = relationship(back_populates="fields", lazy="raise")
