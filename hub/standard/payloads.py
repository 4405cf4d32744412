from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field


class CodeOut(BaseModel):
    code: str
    label_zh: str
    label_en: str


class PeriodicityOut(BaseModel):
    """What period the element's values belong to; absent for a timeless element."""

    kind: str  # calendar_year | fiscal_year | school_year | term
    measure: str  # stock (at the period's reference date) | flow (over the period)
    additive: bool
    kind_zh: str


class ElementOut(BaseModel):
    code: str
    entity: str
    name: str
    label_zh: str
    label_en: str
    synonyms: list[str]
    value_type: str
    code_list: str | None
    unit: str | None
    required: bool
    sensitivity: str
    sharing: str
    derived_from: list[str]
    allowed_values: list[CodeOut] | None = None
    period: PeriodicityOut | None = None


class ElementList(BaseModel):
    version: int
    items: list[ElementOut]


class VersionOut(BaseModel):
    version: int
    created_at: datetime | None
    note: str
    added_elements: list[str]
    detail: dict[str, Any] | None = None


class CatalogueEntry(BaseModel):
    """One element as the sharing catalogue (共享目录) lists it."""

    code: str
    entity: str
    label_zh: str
    label_en: str
    sensitivity: str
    sharing: Literal["unconditional", "conditional", "not_shared"] = Field(
        description="unconditional 无条件共享: any department; conditional 有条件共享: under an agreement "
        "or the education bureau's release; not_shared 不予共享: never released"
    )
    sharing_zh: str
    reason_zh: str = ""
    reason_en: str = ""


class Catalogue(BaseModel):
    version: int
    totals: dict[str, int] = Field(description="Elements per sharing type")
    items: list[CatalogueEntry]
