"""Which period each periodic value of a write belongs to.

An import, a task submission or a connector run writes the current period unless it names another
(`--period 2024`, the upload's `period`). A named period is read as the period of each element's own kind
holding it (2024 for a school-year element: the school year holding 31 December 2024). A write for the
current periods is a write of the records themselves; one for a past period writes only the values of
that period, so a clerk sending last year's training hours sends ID numbers and hours, and last year's
file never overwrites today's names or titles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import schemas
from dedup.periods import LabelPeriodError, convert
from hub.records.errors import PeriodNotBegun
from hub.records.models import periodic_elements
from hub.standard.errors import PeriodInvalid
from schemas.periods import Period, parse_period, period_containing


@dataclass(frozen=True, kw_only=True)
class WritePeriods:
    """The period (key) of each periodic element of `entity`; `current` when every one is current."""

    asked: Period | None
    by_element: dict[str, Period] = field(default_factory=dict)
    current: bool = True
    # The elements whose period is the current one of their kind (their record's column mirrors it).
    mirrored: frozenset[str] = frozenset()

    @property
    def keys(self) -> dict[str, str]:
        return {name: period.key for name, period in self.by_element.items()}

    @property
    def label_zh(self) -> str:
        return self.asked.label_zh if self.asked is not None else "当前期间"


def read_period(text: str | None, *, field_name: str = "period") -> Period | None:
    """A `period` as a person wrote it (422 PeriodInvalid naming it and why when it is none)."""
    if text is None or not text.strip():
        return None
    try:
        return parse_period(text)
    except schemas.InvalidPeriodError as exc:
        raise PeriodInvalid(
            f"期间“{text}”有误：{exc.reason_zh}",
            f"period {text!r} is not valid: {exc.reason_en}",
            detail={"field": field_name, "value": text, "reason": exc.reason_en},
        ) from None


def as_kind(period: Period, kind: str) -> Period:
    """`period` as a period of `kind`: the same one where the kinds agree, else the one holding its
    reference day (2024 → the school year 2024-2025 for a school-year element)."""
    try:
        return convert(period, kind, label="")
    except LabelPeriodError:
        return period_containing(kind, period.reference_date)


def write_periods(
    std: schemas.Standard, entity: str, text: str | None, *, today: date, written: set[str] | None = None
) -> WritePeriods:
    """The periods a write of `entity` goes to. `written`: the element names the write holds; a flow
    of a period not begun, or a stock counted on a day still ahead, is refused for those."""
    asked = read_period(text)
    by_element: dict[str, Period] = {}
    mirrored: set[str] = set()
    current = True
    for element in periodic_elements(std, entity):
        assert element.period is not None
        kind = element.period.kind
        now = period_containing(kind, today)
        period = now if asked is None else as_kind(asked, kind)
        by_element[element.name] = period
        if period == now:
            mirrored.add(element.name)
        if written is not None and element.name not in written:
            continue
        ahead = period.start > today if element.period.measure == "flow" else period.reference_date > today
        if ahead:
            why_zh = (
                "尚未开始，期间累计的数据还不存在"
                if element.period.measure == "flow"
                else "的统计时点尚未到来"
            )
            why_en = (
                "has not begun: a total over it does not exist yet"
                if element.period.measure == "flow"
                else (f"is counted on {period.reference_date.isoformat()}, which lies ahead")
            )
            raise PeriodNotBegun(
                f"“{element.label_zh}”的期间{period.label_zh}{why_zh}",
                f"{element.label_en}: {period.label_en} {why_en}",
                detail={"field": "period", "value": text, "element": element.code, "reason": why_en},
            )
        if period != now:
            current = False
    if asked is not None and written is not None and not (written & set(by_element)):
        # Nothing periodic written: the write is of the period named, current or not.
        current = asked == period_containing(asked.kind, today)
    return WritePeriods(asked=asked, by_element=by_element, current=current, mirrored=frozenset(mirrored))


def chosen_periods(
    std: schemas.Standard, entity: str, chosen: dict[str, str], *, today: date
) -> WritePeriods:
    """A write of whole records whose periodic elements go to the periods `chosen` (element code →
    Period.key, as a task asks them) and to the current period otherwise: a task collecting last year's
    training hours beside a timeless field writes both, each where it belongs."""
    by_element: dict[str, Period] = {}
    mirrored: set[str] = set()
    for element in periodic_elements(std, entity):
        assert element.period is not None
        now = period_containing(element.period.kind, today)
        key = chosen.get(element.code)
        period = parse_period(key, kind=element.period.kind) if key else now
        by_element[element.name] = period
        if period == now:
            mirrored.add(element.name)
    return WritePeriods(asked=None, by_element=by_element, current=True, mirrored=frozenset(mirrored))
