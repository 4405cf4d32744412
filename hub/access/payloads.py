from __future__ import annotations

import re
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hub.errors import BilingualValueError
from hub.identity.roles import Role
from schemas import divisions


class PrincipalCreate(BaseModel):
    kind: Role
    name: str = Field(min_length=1, max_length=200)
    code: str = Field(min_length=1, max_length=64, pattern=r"^[\w\-.]+$")
    school_code: str | None = Field(default=None, pattern=r"^\d{10}$")
    division: str | None = Field(
        default=None,
        max_length=12,
        description="GB/T 2260 code of a province, city or county: what the principal sees and acts on",
    )

    @field_validator("division")
    @classmethod
    def _division(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        try:
            return divisions.require(value).code
        except divisions.UnknownDivisionError as exc:
            raise BilingualValueError(exc.reason_zh, exc.reason_en) from None


class PrincipalOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: Role
    name: str
    code: str
    school_code: str | None
    division: str | None = Field(default=None, description="GB/T 2260 code bounding what it sees; null: all")
    division_name: str | None = Field(default=None, description="e.g. 浙江省杭州市西湖区")
    active: bool


class PrincipalCreated(PrincipalOut):
    token: str = Field(description="The bearer token; shown once, stored only as a digest.")


EntityName = Literal["teacher", "school"]


class GrantCreate(BaseModel):
    """Standing access for a department: elements of an entity, in a scope, for a purpose, for a period."""

    department_id: int = Field(
        description="The principal that receives the grant (department, statistics, education)"
    )
    entity: EntityName
    elements: list[str] = Field(min_length=1, max_length=300, description="Element codes, e.g. teacher.name")
    clear_elements: list[str] = Field(
        default=[],
        max_length=300,
        description="Sensitive elements readable unmasked (must also be in elements)",
    )
    schools: list[str] | None = Field(
        default=None, max_length=100000, description="School codes; all if omitted"
    )
    divisions: list[str] | None = Field(
        default=None, max_length=1000, description="Division codes (GB/T 2260); 140100 covers the whole city"
    )
    purpose: str = Field(
        min_length=4, max_length=2000, description="Why the department needs the data (recorded)"
    )
    legal_basis: str = Field(
        default="",
        max_length=2000,
        description="The agreement's legal basis or document number (e.g. 共享协议编号, 文件文号)",
    )
    valid_from: date | None = Field(default=None, description="Default: today")
    valid_until: date | None = Field(
        default=None, description="Default: valid_from plus HUB_AGREEMENT_DAYS (365); every grant ends"
    )

    @field_validator("schools")
    @classmethod
    def _schools(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        bad = [s for s in value if not re.fullmatch(r"\d{10}", s)]
        if bad:
            raise BilingualValueError("学校标识码须为10位数字", f"school codes have 10 digits: {bad[:5]}")
        return list(dict.fromkeys(value))

    @field_validator("divisions")
    @classmethod
    def _divisions(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        bad = [d for d in value if not re.fullmatch(r"\d{2}(\d{2}){0,2}", d)]
        if bad:
            raise BilingualValueError(
                "行政区划代码须为2、4或6位数字", f"division codes have 2, 4 or 6 digits: {bad[:5]}"
            )
        return list(dict.fromkeys(value))


class GrantOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    department_id: int
    department: str | None = None
    entity: str
    elements: list[str]
    clear_elements: list[str]
    schools: list[str] | None
    divisions: list[str] | None = None
    purpose: str
    legal_basis: str = ""
    request_id: int | None
    agreement_id: int | None = Field(
        default=None, description="The standing agreement a request's answer used"
    )
    valid_from: date
    valid_until: date | None
    ends_by: date | None = Field(
        default=None, description="The latest end a renewal may give (an approval's 有效期)"
    )
    created_at: datetime
    created_by: int | None
    revoked_at: datetime | None
    revoked_by: int | None = None
    active: bool = Field(description="Whether the grant lets its holder read today")


class GrantRenewIn(BaseModel):
    """A new end for an agreement or a release (at most the approval's 有效期 it rests on)."""

    valid_until: date
    note: str | None = Field(default=None, max_length=1000, description="why (kept in the audit log)")


class RevokeIn(BaseModel):
    """Why an account or a grant is revoked (kept in the audit log)."""

    note: str | None = Field(default=None, max_length=1000)
