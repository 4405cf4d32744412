"""What an approved new field's element should check, proposed from its label (the statistics bureau
confirms or changes it in the approval): 学时 an integer 0–1000, 日期 a date not in the future …"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

VALUE_TYPES = ("string", "integer", "decimal", "date", "year_month", "boolean", "code")
# The words people read instead of the type names (slice of the Chinese-first vocabulary).
TYPE_WORDS = {
    "string": ("文本", "text"),
    "integer": ("整数", "whole number"),
    "decimal": ("数值", "number"),
    "date": ("日期", "date"),
    "year_month": ("年月", "year and month"),
    "boolean": ("是/否", "yes/no"),
    "code": ("代码表选项", "choice from a code list"),
}


@dataclass(frozen=True, kw_only=True)
class ElementSpec:
    """The checks of a new element: its type, unit, range, code list, whether a date may lie ahead."""

    value_type: str = "string"
    unit: str | None = None
    min_value: float | None = None
    max_value: float | None = None
    code_list: str | None = None
    future_allowed: bool = False


# (pattern on the label, what it proposes); the first that matches wins.
_RULES: tuple[tuple[re.Pattern[str], ElementSpec], ...] = (
    (re.compile(r"^是否|有无|是不是"), ElementSpec(value_type="boolean")),
    (re.compile(r"(计划|预计|拟).*(日期|时间)"), ElementSpec(value_type="date", future_allowed=True)),
    (re.compile(r"年月$"), ElementSpec(value_type="year_month")),
    (re.compile(r"日期|时间$|日$"), ElementSpec(value_type="date")),
    (re.compile(r"学时"), ElementSpec(value_type="integer", unit="学时", min_value=0, max_value=1000)),
    (re.compile(r"课时"), ElementSpec(value_type="integer", unit="课时", min_value=0, max_value=2000)),
    (re.compile(r"次数|次$"), ElementSpec(value_type="integer", unit="次", min_value=0, max_value=1000)),
    (re.compile(r"人数|人次"), ElementSpec(value_type="integer", unit="人", min_value=0, max_value=100000)),
    (re.compile(r"天数"), ElementSpec(value_type="integer", unit="天", min_value=0, max_value=366)),
    (re.compile(r"金额|费用|经费|（元）|\(元\)"), ElementSpec(value_type="decimal", unit="元", min_value=0)),
    (re.compile(r"年龄"), ElementSpec(value_type="integer", unit="岁", min_value=0, max_value=120)),
    (re.compile(r"(个数|数量|数)$"), ElementSpec(value_type="integer", min_value=0, max_value=100000)),
)


def propose(label: str, declared_type: str | None) -> ElementSpec:
    """The proposal for a new field: from its label, kept to the type the department declared if any."""
    for pattern, spec in _RULES:
        if pattern.search(label):
            if declared_type in VALUE_TYPES and declared_type not in (spec.value_type, "code"):
                break
            return spec
    if declared_type in ("integer", "decimal"):
        # A count is the commonest number on a school's form: never negative.
        return ElementSpec(value_type=declared_type, min_value=0)
    if declared_type in VALUE_TYPES and declared_type != "code":
        return ElementSpec(value_type=declared_type)
    return ElementSpec()


def with_changes(spec: ElementSpec, changes: dict[str, object]) -> ElementSpec:
    """`spec` with what the reviewer set (a type change drops the proposal's unit, range and code list)."""
    if "value_type" in changes and changes["value_type"] != spec.value_type:
        spec = ElementSpec(value_type=str(changes["value_type"]))
    return replace(spec, **changes)  # type: ignore[arg-type]
