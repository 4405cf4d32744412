from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

PrincipalKind = Literal["department", "statistics", "education", "school", "admin"]


class PrincipalCreate(BaseModel):
    kind: PrincipalKind
    name: str = Field(min_length=1, max_length=200)
    code: str = Field(min_length=1, max_length=64, pattern=r"^[\w\-.]+$")
    school_code: str | None = Field(default=None, pattern=r"^\d{10}$")


class PrincipalOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: PrincipalKind
    name: str
    code: str
    school_code: str | None
    active: bool


class PrincipalCreated(PrincipalOut):
    token: str = Field(description="The bearer token; shown once, stored only as a digest.")
