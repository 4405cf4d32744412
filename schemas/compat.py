"""Whether a new version of the standard can take the place of an old one.

The rules follow Confluent Schema Registry's BACKWARD mode: version N+1 is compatible with N when every
record valid under N is still valid, with the same meaning, under N+1. Adding an optional element or
widening a rule is compatible; anything that could turn stored data invalid or change its meaning is
not, and each such change is listed with the element and the rule it breaks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from schemas.model import Element, Standard

RULES = (
    "version_not_increased",
    "element_removed",
    "required_element_added",
    "value_type_changed",
    "code_list_changed",
    "code_list_narrowed",
    "made_required",
    "range_narrowed",
    "max_length_narrowed",
    "validator_added",
    "validator_changed",
    "unit_changed",
)


@dataclass(frozen=True, kw_only=True)
class Incompatibility:
    """One change that makes the new version unable to take the old one's data."""

    element: str
    rule: str
    detail_zh: str
    detail_en: str


class CompatibilityError(ValueError):
    """A new version breaks the old one; `incompatibilities` lists every break."""

    def __init__(self, incompatibilities: Sequence[Incompatibility]) -> None:
        self.incompatibilities = tuple(incompatibilities)
        lines = [f"{i.element} [{i.rule}]: {i.detail_zh} / {i.detail_en}" for i in self.incompatibilities]
        super().__init__(
            "新版本数据标准与旧版本不兼容 / the new standard is not backward compatible:\n" + "\n".join(lines)
        )


def check_compatibility(old: Standard, new: Standard) -> tuple[Incompatibility, ...]:
    """Every BACKWARD-compatibility break of `new` against `old`; an empty tuple means compatible."""
    found: list[Incompatibility] = []
    if new.version <= old.version:
        found.append(
            Incompatibility(
                element="*",
                rule="version_not_increased",
                detail_zh=f"新版本号 {new.version} 不大于旧版本号 {old.version}",
                detail_en=f"new version {new.version} is not greater than old version {old.version}",
            )
        )
    for before in old.elements:
        if not new.has_element(before.code):
            found.append(
                Incompatibility(
                    element=before.code,
                    rule="element_removed",
                    detail_zh=f"删除了元素“{before.label_zh}”，已存数据将无处可放",
                    detail_en=f"element {before.label_en!r} was removed; stored data would have no place",
                )
            )
            continue
        found.extend(_element_changes(old, new, before, new.element(before.code)))
    for after in new.elements:
        if not old.has_element(after.code) and after.required:
            found.append(
                Incompatibility(
                    element=after.code,
                    rule="required_element_added",
                    detail_zh=f"新增的元素“{after.label_zh}”为必填，已有记录没有这一项",
                    detail_en=f"new element {after.label_en!r} is required, and existing records lack it",
                )
            )
    return tuple(found)


def is_compatible(old: Standard, new: Standard) -> bool:
    """Whether `new` is BACKWARD compatible with `old`."""
    return not check_compatibility(old, new)


def require_compatible(old: Standard, new: Standard) -> None:
    """Raise `CompatibilityError` listing every break unless `new` is BACKWARD compatible with `old`."""
    found = check_compatibility(old, new)
    if found:
        raise CompatibilityError(found)


def _show(value: float | None) -> str:
    if value is None:
        return "无"
    return str(int(value)) if float(value).is_integer() else str(value)


def _element_changes(old: Standard, new: Standard, before: Element, after: Element) -> list[Incompatibility]:
    code = before.code
    found: list[Incompatibility] = []

    def add(rule: str, zh: str, en: str) -> None:
        found.append(Incompatibility(element=code, rule=rule, detail_zh=zh, detail_en=en))

    if before.value_type != after.value_type:
        add(
            "value_type_changed",
            f"值类型由 {before.value_type} 改为 {after.value_type}",
            f"value type changed from {before.value_type} to {after.value_type}",
        )
    if before.period != after.period:
        # Values already stored belong to periods of the old kind: they would be read for the wrong one.
        add(
            "period_changed",
            f"期间由 {_show_period(before)} 改为 {_show_period(after)}",
            f"period changed from {_show_period(before, 'en')} to {_show_period(after, 'en')}",
        )
    if before.code_list != after.code_list:
        if before.code_list is not None and after.code_list is not None:
            add(
                "code_list_changed",
                f"引用的代码表由 {before.code_list} 改为 {after.code_list}",
                f"code list changed from {before.code_list} to {after.code_list}",
            )
    elif before.code_list is not None:
        removed = [
            c
            for c in old.code_list(before.code_list).values
            if new.code_list(before.code_list).get(c) is None
        ]
        if removed:
            add(
                "code_list_narrowed",
                f"代码表 {before.code_list} 删除了代码 {'、'.join(removed)}",
                f"code list {before.code_list} lost codes {', '.join(removed)}",
            )
    if after.required and not before.required:
        add("made_required", "由选填改为必填", "changed from optional to required")
    if _tighter_low(before.min_value, after.min_value) or _tighter_high(before.max_value, after.max_value):
        add(
            "range_narrowed",
            f"取值范围由 [{_show(before.min_value)}, {_show(before.max_value)}] 收窄为 "
            f"[{_show(after.min_value)}, {_show(after.max_value)}]",
            f"range narrowed from [{_show(before.min_value)}, {_show(before.max_value)}] to "
            f"[{_show(after.min_value)}, {_show(after.max_value)}]",
        )
    if after.max_length is not None and (before.max_length is None or after.max_length < before.max_length):
        add(
            "max_length_narrowed",
            f"最大长度由 {_show(before.max_length)} 收窄为 {after.max_length}",
            f"max length narrowed from {_show(before.max_length)} to {after.max_length}",
        )
    if after.validator is not None and before.validator != after.validator:
        if before.validator is None:
            add(
                "validator_added", f"新增校验规则 {after.validator}", f"validator {after.validator} was added"
            )
        else:
            add(
                "validator_changed",
                f"校验规则由 {before.validator} 改为 {after.validator}",
                f"validator changed from {before.validator} to {after.validator}",
            )
    if before.unit != after.unit:
        add(
            "unit_changed",
            f"计量单位由 {before.unit or '无'} 改为 {after.unit or '无'}，已存数值的含义随之改变",
            f"unit changed from {before.unit or 'none'} to {after.unit or 'none'}, changing what stored numbers mean",
        )
    return found


def _show_period(element: Element, lang: str = "zh") -> str:
    if element.period is None:
        return "无期间" if lang == "zh" else "timeless"
    return f"{element.period.kind}/{element.period.measure}"


def _tighter_low(before: float | None, after: float | None) -> bool:
    return after is not None and (before is None or after > before)


def _tighter_high(before: float | None, after: float | None) -> bool:
    return after is not None and (before is None or after < before)
