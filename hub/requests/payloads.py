from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hub.errors import BilingualValueError

MAX_FIELDS = 200
_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _is_emoji(char: str) -> bool:
    """A pictographic symbol beyond the letterlike and technical blocks. The BMP's unit squares such as
    ㎡ ㎏ ㏄ and enclosed ideographs such as ㈱ are symbols too, but NFKC spells them in letters (m2, kg,
    (株)): forms use them, so they pass. The emoji planes (🈶 and the like) never do."""
    if unicodedata.category(char) != "So" or ord(char) <= 0x2FFF:
        return False
    if ord(char) > 0xFFFF:
        return True
    spelled = unicodedata.normalize("NFKC", char)
    return spelled == char or any(unicodedata.category(c) == "So" and ord(c) > 0x2FFF for c in spelled)


def _clean_text(value: str, what: str) -> str:
    """Refuse what no form label holds: control characters and emoji."""
    for char in value:
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Cs", "Co") or _is_emoji(char):
            raise ValueError(
                f"{what}含有不可见字符或表情符号 U+{ord(char):04X} / {what} holds a control character or emoji"
            )
    return value.strip()


class FieldIn(BaseModel):
    label: str = Field(
        min_length=1,
        max_length=200,
        description="The field's label as the form writes it (one Chinese character is a word: 班, 岁)",
    )
    type: str | None = Field(default=None, max_length=32)
    description: str | None = Field(default=None, max_length=1000)
    samples: list[str] | None = Field(default=None, max_length=20, description="A few example values, if any")
    section: str | None = Field(
        default=None,
        max_length=200,
        description=(
            "The heading the field stands under on the form (配偶情况, 驾驶员信息; levels joined by /). A label"
            " written heading/label is read the same way"
        ),
    )

    @field_validator("label")
    @classmethod
    def _label(cls, value: str) -> str:
        value = _clean_text(value, "字段名称 label ")
        if len(re.sub(r"\W", "", value)) < 1 or (len(value) < 2 and not _CJK_RE.match(value)):
            raise BilingualValueError("字段名称太短", "the label is too short to mean anything")
        return value

    @field_validator("section")
    @classmethod
    def _section(cls, value: str | None) -> str | None:
        if value is None:
            return None
        return _clean_text(value, "标题 section ") or None


class RequestIn(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    purpose: str = Field(min_length=1, max_length=2000)
    entity: Literal["teacher", "school"]
    schools: list[str] | None = Field(
        default=None, max_length=100000, description="School codes in scope; all if omitted"
    )
    period: str | None = Field(default=None, max_length=64)
    deadline: date | None = None
    fields: list[FieldIn] = Field(min_length=1, max_length=MAX_FIELDS)

    @field_validator("title", "purpose")
    @classmethod
    def _text(cls, value: str) -> str:
        return _clean_text(value, "")


class Violation(BaseModel):
    rule: str = Field(description="The seed rule, e.g. 'rule 12'")
    severity: Literal["block", "review", "refused", "notice"] = Field(
        description="block: rejected; review: never answered at once; refused: those fields are never "
        "released (不予共享); notice: for information"
    )
    message: str
    message_en: str
    detail: dict[str, Any] | None = None


class FieldPeriodOut(BaseModel):
    """One period a field asks for, and whether the store holds it for the scope."""

    period: str = Field(description="2025, 2024-2025 (学年) or 2024-2025-2 (its second term)")
    label: str
    label_en: str
    held: bool
    coverage: float | None = None


class FieldOut(BaseModel):
    label: str
    status: Literal["available", "missing", "new", "derived"]
    element: str | None
    element_label: str | None = None
    confidence: float
    kind: str
    explanation: str
    explanation_en: str
    derived_from: list[str] = []
    conversion: dict[str, Any] | None = None
    alternatives: list[dict[str, Any]] = []
    repeated_in_request: bool = False
    coverage: float | None = Field(default=None, description="Share of records in scope holding a value")
    periods: list[FieldPeriodOut] = Field(
        default=[], description="For an element counted per period: the periods asked (empty: timeless)"
    )
    period_span: bool = Field(default=False, description="近N年: the periods are asked as one figure")


class RequestOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int | None = None
    status: str
    title: str
    purpose: str
    entity: str
    department: str | None = None
    schools: list[str] | None = None
    period: str | None = None
    deadline: date | None = None
    fields: list[FieldOut]
    duplicate_of: int | None = None
    original_link: str | None = Field(
        default=None,
        description="A duplicate's link to the web page outlining its original (for a dry run: sealed for the caller)",
    )
    overlap: float | None = None
    violations: list[Violation] = []
    form_number: str | None = None
    approval_number: str | None = None
    valid_until: date | None = None
    decision_note: str | None = None
    created_at: datetime | None = None
    answered_at: datetime | None = None


class ElementSpecIn(BaseModel):
    """What a new field's element checks; left out, the hub's proposal from the label applies."""

    type: Literal["string", "integer", "decimal", "date", "year_month", "boolean", "code"] | None = Field(
        default=None,
        description="文本 string, 整数 integer, 数值 decimal, 日期 date, 年月 year_month, 是/否 boolean, code",
    )
    unit: str | None = Field(default=None, max_length=20, description="e.g. 学时, 次, 人, 元")
    min: float | None = Field(default=None, description="Smallest allowed number")
    max: float | None = Field(default=None, description="Largest allowed number")
    code_list: str | None = Field(
        default=None, max_length=64, description="A code list of the standard (type code)"
    )
    future_allowed: bool | None = Field(default=None, description="A date that may lie in the future")


class DecisionIn(BaseModel):
    decision: Literal["approve", "reject"]
    form_number: str | None = Field(default=None, max_length=64, description="表号")
    approval_number: str | None = Field(default=None, max_length=128, description="批准文号")
    valid_until: date | None = Field(default=None, description="有效期至")
    note: str | None = Field(default=None, max_length=2000)
    mappings: dict[str, str] | None = Field(
        default=None,
        description="New fields the reviewer recognises as existing elements: {label: element code}; "
        "each label is learned as a synonym",
    )
    elements: dict[str, ElementSpecIn] | None = Field(
        default=None,
        description="Per new field's label: the type, unit, range or code list its element checks "
        "(omitted: the proposal from the label, e.g. 学时 an integer 0–1000)",
    )


class BatchDecisionIn(DecisionIn):
    request_ids: list[int] = Field(min_length=1, max_length=200)


class PublishIn(BaseModel):
    deadline: date | None = Field(default=None, description="Overrides the request's deadline")


class ReleaseIn(BaseModel):
    """The education bureau's decision on gathered data a request waits for (有条件共享)."""

    decision: Literal["approve", "reject"]
    valid_until: date | None = Field(
        default=None,
        description="The release's end (default: HUB_RELEASE_DAYS from today, never past the approval's 有效期)",
    )
    note: str | None = Field(default=None, max_length=2000, description="Required when refusing")


class BatchReleaseIn(ReleaseIn):
    request_ids: list[int] = Field(min_length=1, max_length=200)


class ElementUseOut(BaseModel):
    code: str
    label: str
    sharing: str = Field(description="unconditional, conditional or not_shared (共享类型)")
    sensitivity: str
    masked: bool = Field(description="Read masked (sensitive, and no agreement lets it be read in clear)")


class EarlierReleaseOut(BaseModel):
    grant_id: int
    request_id: int | None
    title: str | None
    valid_from: date
    valid_until: date | None
    active: bool


class ReleaseReviewOut(BaseModel):
    """The minimum-necessary picture of a release: what would leave, how much, and what went before."""

    request_id: int
    title: str
    status: str
    department: str | None
    purpose: str
    elements: list[ElementUseOut]
    refused: list[str] = Field(description="不予共享 fields: never released")
    schools: int
    records: int
    approval_valid_until: date | None
    earlier: list[EarlierReleaseOut] = Field(description="Earlier releases to the same department")
