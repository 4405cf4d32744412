from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class OnboardIn(BaseModel):
    division: str | None = Field(
        default=None,
        pattern=r"^\d{6}$",
        description="Only the schools inside this GB/T 2260 code (inside the caller's own); default: all of it",
    )


class SheetLineOut(BaseModel):
    school_code: str
    school_name: str
    division: str | None
    division_name: str | None
    account: str = Field(description="The school's account code (principals.code)")
    activation_code: str = Field(description="One-time code, shown this once: the hub keeps only its HMAC")


class SheetOut(BaseModel):
    division: str | None
    division_name: str | None
    issued_at: datetime
    schools_in_division: int
    already_active: int = Field(description="Schools whose token works already: no code issued")
    codes_issued: int
    activate_at: str = Field(description="Where a school types its code: the web page, or the API")
    lines: list[SheetLineOut]


class ActivationIn(BaseModel):
    code: str = Field(min_length=8, max_length=40, description="The code of the onboarding sheet")


class ActivationOut(BaseModel):
    school_code: str
    school_name: str
    account: str
    token: str = Field(description="The school's bearer token, shown this once")
    token_expires_at: datetime | None


class AccountOut(BaseModel):
    school_code: str
    school_name: str | None
    division: str | None
    state: Literal["active", "code_issued", "none"]
    code_issued_at: datetime | None
    token_expires_at: datetime | None


class AccountsOut(BaseModel):
    division: str | None
    total: int
    active: int
    without_account: int
    items: list[AccountOut]
    limit: int
    offset: int


class RevokedOut(BaseModel):
    school_code: str
    tokens_stopped: int
