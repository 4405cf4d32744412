"""Value profiles: what sample values say about the datum a field holds."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Final

from schemas import Element, Standard
from schemas.validators import (
    is_valid_division_code,
    is_valid_email,
    is_valid_id_number,
    is_valid_mobile,
    is_valid_phone,
    is_valid_postcode,
    is_valid_school_code,
    is_valid_uscc,
)

# A share of the samples at or above this is a profile; at or below CONTRADICTS the opposite.
CONVINCING: Final = 0.8
_MAX_SAMPLES: Final = 200

_DATE_RE: Final = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$|^(\d{4})(\d{2})(\d{2})$")
_YEAR_MONTH_RE: Final = re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$|^(\d{4})(\d{2})$")
_INTEGER_RE: Final = re.compile(r"^[+-]?\d{1,9}$")
_DECIMAL_RE: Final = re.compile(r"^[+-]?\d{1,12}(?:\.\d+)?$")
_BOOLEAN_VALUES: Final = frozenset({"是", "否", "有", "无", "y", "n", "yes", "no", "true", "false", "1", "0"})

_VALIDATORS: Final[Mapping[str, Callable[[str], bool]]] = {
    "id_number": is_valid_id_number,
    "mobile": is_valid_mobile,
    "uscc": is_valid_uscc,
    "school_code": is_valid_school_code,
    "email": is_valid_email,
    "postcode": is_valid_postcode,
    "division_code": is_valid_division_code,
    "phone": is_valid_phone,
}
# Validators specific enough that samples passing them identify the datum.
_SPECIFIC: Final = ("id_number", "mobile", "uscc", "school_code", "email")


@dataclass(frozen=True, kw_only=True)
class ValueProfile:
    """Shares of the sample values that pass each check (0..1), over the non-empty samples."""

    values: tuple[str, ...]
    validators: Mapping[str, float]
    date: float
    year_month: float
    integer: float
    decimal: float
    boolean: float

    @property
    def identified(self) -> str | None:
        """The specific validator most samples pass (id_number, mobile …), if any."""
        best = max(_SPECIFIC, key=lambda name: self.validators.get(name, 0.0))
        return best if self.validators.get(best, 0.0) >= CONVINCING else None


def profile_values(samples: Iterable[object]) -> ValueProfile | None:
    """Profile sample values; None when there are no non-empty samples."""
    values = [str(v).strip() for v in samples if v is not None and str(v).strip()][:_MAX_SAMPLES]
    if not values:
        return None
    count = len(values)

    def share(check: Callable[[str], bool]) -> float:
        return sum(1 for v in values if _safe(check, v)) / count

    return ValueProfile(
        values=tuple(values),
        validators={name: share(check) for name, check in _VALIDATORS.items()},
        date=share(_is_date),
        year_month=share(lambda v: _is_date(v) or _is_year_month(v)),
        integer=share(lambda v: _INTEGER_RE.match(v) is not None),
        decimal=share(lambda v: _DECIMAL_RE.match(v.replace(",", "")) is not None),
        boolean=share(lambda v: v.lower() in _BOOLEAN_VALUES),
    )


def _safe(check: Callable[[str], bool], value: str) -> bool:
    try:
        return check(value)
    except (ValueError, TypeError):
        return False


def _is_date(value: str) -> bool:
    match = _DATE_RE.match(value)
    if match is None:
        return False
    year, month, day = (int(g) for g in (match.groups()[:3] if match.group(1) else match.groups()[3:]))
    try:
        date(year, month, day)
    except ValueError:
        return False
    return 1900 <= year <= 2100


def _is_year_month(value: str) -> bool:
    match = _YEAR_MONTH_RE.match(value)
    if match is None:
        return False
    year, month = (int(g) for g in (match.groups()[:2] if match.group(1) else match.groups()[2:]))
    return 1900 <= year <= 2100 and 1 <= month <= 12


@dataclass(frozen=True, kw_only=True)
class ProfileFit:
    """How well samples fit an element: a score change and the reason, in both languages."""

    delta: float
    reject: bool
    reason_zh: str
    reason_en: str


def fit(profile: ValueProfile, element: Element, standard: Standard) -> ProfileFit | None:
    """Compare a profile with an element's type, validator and code list; None when it says nothing."""
    identified = profile.identified
    if element.validator is not None and element.validator in _VALIDATORS:
        passing = profile.validators.get(element.validator, 0.0)
        if passing >= CONVINCING:
            return ProfileFit(
                delta=0.05,
                reject=False,
                reason_zh=f"样例值符合 {element.validator} 校验（{passing:.0%}）",
                reason_en=f"sample values pass the {element.validator} check ({passing:.0%})",
            )
        if identified is not None and identified != element.validator:
            return _contradiction(f"样例值是 {identified}", f"sample values are {identified}")
        if passing <= 1 - CONVINCING:
            return ProfileFit(
                delta=-0.15,
                reject=False,
                reason_zh=f"样例值多数不符合 {element.validator} 校验",
                reason_en=f"most sample values fail the {element.validator} check",
            )
        return None
    if identified is not None and element.value_type != "code":
        # Valid ID numbers in a field matched to a name or a date: the label misled us.
        return _contradiction(f"样例值是 {identified}", f"sample values are {identified}")
    if element.value_type == "code" and element.code_list is not None:
        try:
            code_list = standard.code_list(element.code_list)
        except LookupError:
            return None
        return _code_fit(profile.values, code_list.resolve, element.code_list)
    if element.value_type in ("date", "year_month"):
        passing = profile.date if element.value_type == "date" else profile.year_month
        return _type_fit(passing, "日期", "dates")
    if element.value_type in ("integer", "decimal"):
        passing = profile.integer if element.value_type == "integer" else profile.decimal
        return _type_fit(passing, "数值", "numbers")
    if element.value_type == "boolean":
        return _type_fit(profile.boolean, "是/否", "yes/no values")
    return None


def _code_fit(values: tuple[str, ...], resolve: Callable[[str], str | None], name: str) -> ProfileFit | None:
    passing = sum(1 for v in values if resolve(v) is not None) / len(values)
    if passing >= CONVINCING:
        return ProfileFit(
            delta=0.05,
            reject=False,
            reason_zh=f"样例值属于代码表 {name}（{passing:.0%}）",
            reason_en=f"sample values belong to code list {name} ({passing:.0%})",
        )
    if passing <= 1 - CONVINCING:
        return ProfileFit(
            delta=-0.2,
            reject=False,
            reason_zh=f"样例值多数不在代码表 {name} 中",
            reason_en=f"most sample values are not in code list {name}",
        )
    return None


def _type_fit(passing: float, zh: str, en: str) -> ProfileFit | None:
    if passing >= CONVINCING:
        return ProfileFit(
            delta=0.03, reject=False, reason_zh=f"样例值是{zh}", reason_en=f"sample values are {en}"
        )
    if passing <= 1 - CONVINCING:
        return ProfileFit(
            delta=-0.2,
            reject=False,
            reason_zh=f"样例值多数不是{zh}",
            reason_en=f"most sample values are not {en}",
        )
    return None


def _contradiction(zh: str, en: str) -> ProfileFit:
    return ProfileFit(delta=-1.0, reject=True, reason_zh=zh, reason_en=en)
