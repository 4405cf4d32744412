"""Which periods a requested field asks for, and whether the store holds them for the scope.

A timeless element (姓名) has no period. A periodic one takes the period its label writes (2025年,
上一年度, 近三年, 截至2025年12月), else the request's `period`, else the current one; a request
period of another kind is read as the period of the element's kind holding its reference date
(2024-2025学年 for a calendar-year element: 2024).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import dedup
import schemas
from dedup.periods import LabelPeriodError, convert, label_periods, strip_periods
from hub.requests.errors import FieldPeriodInvalid, PeriodInvalid
from hub.requests.payloads import FieldIn
from schemas.periods import Period, parse_period, period_containing


@dataclass(frozen=True, kw_only=True)
class FieldPeriods:
    """The periods one field asks for, oldest first; `span` for 近N年 (asked as one figure)."""

    periods: tuple[Period, ...]
    span: bool = False
    written: str | None = None  # the label's own period words, if any
    source: str = "current"  # label | request | current

    @property
    def keys(self) -> list[str]:
        return [p.key for p in self.periods]


def request_period(text: str | None) -> Period | None:
    """The request's `period`, read (422 naming it and why when it is no period)."""
    if text is None or not text.strip():
        return None
    try:
        return parse_period(text)
    except schemas.InvalidPeriodError as exc:
        raise PeriodInvalid(
            f"期间“{text}”有误：{exc.reason_zh}",
            f"period {text!r} is not valid: {exc.reason_en}",
            detail={"field": "period", "value": text, "reason": exc.reason_en},
        ) from None


def as_fields(fields: Sequence[FieldIn]) -> list[dedup.Field]:
    """The request's fields as the matcher reads them (`dedup.Field.written`, as the dev-set replay does):
    a label written heading/label stands under its heading, below the field's own `section` if any."""
    return [
        dedup.Field.written(
            f.label, section=f.section, type=f.type, description=f.description, samples=f.samples or ()
        )
        for f in fields
    ]


def match_fields(
    matcher: dedup.Matcher,
    std: schemas.Standard,
    entity: str,
    fields: Sequence[FieldIn],
    *,
    title: str | None = None,
) -> list[dedup.Match]:
    """The matcher's answers for a request's fields, matched together as one form (`match_many`: the
    headings, a row's owner, the same words asked twice under one heading); for a label with period words
    (2025年培训学时) whose rest names a periodic element, the answer for the rest, since the period is then
    read apart from the datum. `title` is the form's: a canteen's self-check asks the canteen's 名称."""
    specs = as_fields(fields)
    report = matcher.match_many(specs, entity, title=title)
    return [
        _period_apart(matcher, std, entity, field, spec, match)
        for field, spec, match in zip(fields, specs, report.matches, strict=True)
    ]


def _period_apart(
    matcher: dedup.Matcher,
    std: schemas.Standard,
    entity: str,
    field: FieldIn,
    spec: dedup.Field,
    match: dedup.Match,
) -> dedup.Match:
    stripped = strip_periods(spec.label)
    if stripped is None or not stripped.rest or stripped.rest == spec.label:
        return _as_written(match, field)
    rest = matcher.match(
        stripped.rest,
        entity=entity,
        type=spec.type,
        description=spec.description,
        samples=spec.samples,
        section=spec.section,
    )
    if rest.element is None or not std.has_element(rest.element) or not std.element(rest.element).periodic:
        return _as_written(match, field)
    return dataclasses.replace(
        rest,
        label=field.label,
        explanation_zh=f"期间“{stripped.written}”另行解析；{rest.explanation_zh}",
        explanation_en=f"period {stripped.written} read apart from the datum; {rest.explanation_en}",
    )


def _as_written(match: dedup.Match, field: FieldIn) -> dedup.Match:
    """The answer under the label the department wrote (heading/label, not the bare label)."""
    return match if match.label == field.label else dataclasses.replace(match, label=field.label)


def field_periods(
    label: str, element: schemas.Element, asked: Period | None, *, today: date
) -> FieldPeriods | None:
    """The periods `label` asks of `element` (None for a timeless element); 422 naming the label and why."""
    if element.period is None:
        return None
    kind, measure = element.period.kind, element.period.measure
    try:
        found = label_periods(label, kind=kind, measure=measure, today=today)
    except LabelPeriodError as exc:
        raise _field_error(label, exc.text, exc.reason_zh, exc.reason_en) from None
    if found is not None:
        return FieldPeriods(periods=found.periods, span=found.span, written=found.written, source="label")
    if asked is None:
        return FieldPeriods(periods=(period_containing(kind, today),))
    try:
        period = convert(asked, kind, label=label)
    except LabelPeriodError:
        period = period_containing(kind, asked.reference_date)
    if measure == "flow" and period.start > today:
        raise _field_error(
            label,
            asked.label_zh,
            f"{period.label_zh}尚未开始，期间累计的数据还不存在",
            f"{period.label_en} has not begun: a total over it does not exist yet",
        )
    return FieldPeriods(periods=(period,), source="request")


def _field_error(label: str, text: str, reason_zh: str, reason_en: str) -> FieldPeriodInvalid:
    return FieldPeriodInvalid(
        f"字段“{label}”的期间“{text}”无法作答：{reason_zh}",
        f"field {label!r}: period {text!r} cannot be answered: {reason_en}",
        detail={"field": "fields", "label": label, "value": text, "reason": reason_en},
    )


def status_for(
    element: schemas.Element,
    periods: FieldPeriods,
    coverage: Mapping[str, float],
    threshold: float,
) -> tuple[str, list[str]]:
    """available / derived (近N年 of an additive flow, every year held) / missing, and the periods missing."""
    missing = [p.key for p in periods.periods if coverage.get(p.key, 0.0) < threshold]
    if missing:
        return "missing", missing
    if periods.span and element.period is not None and element.period.additive:
        return "derived", []
    return "available", []


def lowest(coverage: Mapping[str, float], keys: Sequence[str]) -> float | None:
    """The field's coverage: that of its least covered period."""
    values = [coverage.get(k, 0.0) for k in keys]
    return min(values) if values else None
