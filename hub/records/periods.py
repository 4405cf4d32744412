"""Which period each periodic value of a write belongs to.

An import, a task submission or a connector run writes the current period unless it names another
(`--period 2024`, the upload's `period`). A named period is read as the period of each element's own kind
holding it (2024 for a school-year element: the school year holding 31 December 2024). A write for the
current periods is a write of the records themselves; one for a past period writes only the values of
that period, so a clerk sending last year's training hours sends ID numbers and hours, and last year's
file never overwrites today's names or titles.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import schemas
from dedup.periods import LabelPeriodError, convert, find_periods, label_periods, strip_periods
from hub.records.errors import PeriodConflict, PeriodNotBegun
from hub.records.models import periodic_elements
from hub.standard.errors import PeriodInvalid
from hub.standard.service import header_index, header_key, map_headers
from schemas.periods import Period, parse_period, period_containing


@dataclass(frozen=True, kw_only=True)
class WritePeriods:
    """The period (key) of each periodic element of `entity`; `current` when every one is current."""

    asked: Period | None
    by_element: dict[str, Period] = field(default_factory=dict)
    current: bool = True

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
    std: schemas.Standard,
    entity: str,
    text: str | None,
    *,
    today: date,
    written: set[str] | None = None,
    dated: Mapping[str, tuple[str, Period]] | None = None,
) -> WritePeriods:
    """The periods a write of `entity` goes to. `written`: the element names the write holds; a flow
    of a period not begun, or a stock counted on a day still ahead, is refused for those. `dated`:
    element name → (header, period) for a column whose header names its period (2024年培训学时): that
    column goes to its own period, and a chosen `text` naming another is refused (PeriodConflict)."""
    asked = read_period(text)
    by_element: dict[str, Period] = {}
    current = True
    for element in periodic_elements(std, entity):
        assert element.period is not None
        kind = element.period.kind
        now = period_containing(kind, today)
        period = now if asked is None else as_kind(asked, kind)
        if dated and element.name in dated:
            header, own = dated[element.name]
            if asked is not None and own != period:
                raise _conflict(
                    header, own, f"所选期间{period.label_zh}", f"the chosen period {period.label_en}"
                )
            period = own
        by_element[element.name] = period
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
    return WritePeriods(asked=asked, by_element=by_element, current=current)


def chosen_periods(
    std: schemas.Standard, entity: str, chosen: dict[str, str], *, today: date
) -> WritePeriods:
    """A write of whole records whose periodic elements go to the periods `chosen` (element code →
    Period.key, as a task asks them) and to the current period otherwise: a task collecting last year's
    training hours beside a timeless field writes both, each where it belongs."""
    by_element: dict[str, Period] = {}
    for element in periodic_elements(std, entity):
        assert element.period is not None
        now = period_containing(element.period.kind, today)
        key = chosen.get(element.code)
        period = parse_period(key, kind=element.period.kind) if key else now
        by_element[element.name] = period
    return WritePeriods(asked=None, by_element=by_element, current=True)


def _conflict(header: str, own: Period, other_zh: str, other_en: str) -> PeriodConflict:
    return PeriodConflict(
        f"列“{header}”写的是{own.label_zh}的数据，与{other_zh}不符：请改正列名或所选期间",
        f"column {header!r} holds values of {own.label_en}, not of {other_en}: correct the header or the period",
        detail={"field": "period", "column": header, "column_period": own.key, "reason": "period conflict"},
    )


@dataclass(frozen=True, kw_only=True)
class HeaderMap:
    """A file's headers read against the standard: header → element name, and for a header of a
    periodic element that names its period (2024年培训学时, 2023学年在校学生数, training_hours@2024)
    header → that period (of the element's kind)."""

    columns: dict[str, str]
    periods: dict[str, Period]
    unknown: list[str]

    def dated(self, headers: set[str] | None = None) -> dict[str, tuple[str, Period]]:
        """Element name → (header, period) of the dated headers (among `headers`)."""
        return {self.columns[h]: (h, p) for h, p in self.periods.items() if headers is None or h in headers}


# Words a periodic element's own label may start with that the period words of a header take away
# (2024年度教育经费支出 → 教育经费支出; the label is 年度教育经费支出).
_LABEL_PERIOD_WORDS = ("", "年度", "本年度", "学年", "本学年")


def map_dated_headers(std: schemas.Standard, entity: str, headers: list[str], *, today: date) -> HeaderMap:
    """`map_headers`, reading the period a header of a periodic element names. A header that is a
    label or synonym as it stands (本年度继续教育学时) names no period of its own; one whose words
    around a period name a periodic element (2024年培训学时, 继续教育学时（2024年）) is that element
    of that period; `element@period` is the machine form. A period that does not exist, or a header
    naming two periods or a span (近三年…: one column holds one period), is refused (422 PeriodInvalid)."""
    index = header_index(std, entity)
    periodic = {e.name: e for e in periodic_elements(std, entity)}
    plain: list[str] = []
    columns: dict[str, str] = {}
    periods: dict[str, Period] = {}
    taken: set[tuple[str, str]] = set()
    for header in headers:
        key = header_key(header)
        if key in index:
            plain.append(header)
            continue
        found = _dated(index, periodic, header, today=today)
        if found is None:
            plain.append(header)
            continue
        name, period = found
        if (name, period.key) in taken:
            plain.append(header)  # a second column of the same element and period: reported unknown
            continue
        taken.add((name, period.key))
        columns[header] = name
        periods[header] = period
    mapped, unknown = map_headers(std, entity, plain)
    columns.update(mapped)
    return HeaderMap(
        columns={h: columns[h] for h in headers if h in columns},
        periods=periods,
        unknown=unknown,
    )


def _dated(
    index: dict[str, str], periodic: dict[str, schemas.Element], header: str, *, today: date
) -> tuple[str, Period] | None:
    name, at, key = header.partition("@")
    if at and index.get(header_key(name)) in periodic:
        element = periodic[index[header_key(name)]]
        assert element.period is not None
        try:
            return element.name, as_kind(
                parse_period(key.strip(), kind=element.period.kind), element.period.kind
            )
        except schemas.InvalidPeriodError as exc:
            raise _header_invalid(header, key, exc.reason_zh, exc.reason_en) from None
    if not find_periods(header)[1]:
        return None
    stripped = strip_periods(header)
    if stripped is None:
        return None
    named = next(
        (
            periodic[index[header_key(words + stripped.rest)]]
            for words in _LABEL_PERIOD_WORDS
            if index.get(header_key(words + stripped.rest)) in periodic
        ),
        None,
    )
    if named is None or named.period is None:
        return None
    element = named
    try:
        # Whether a flow's period has begun is the write's check (PeriodNotBegun, naming the element).
        found = label_periods(header, kind=element.period.kind, measure="stock", today=today)
    except LabelPeriodError as exc:
        raise _header_invalid(header, exc.text, exc.reason_zh, exc.reason_en) from None
    if found is None:
        return None
    if found.span:
        raise _header_invalid(
            header,
            found.written,
            "一列只能是一个期间的数据，请每个期间一列",
            "a column holds the values of one period; send one column per period",
        )
    return element.name, found.periods[0]


def _header_invalid(header: str, text: str, reason_zh: str, reason_en: str) -> PeriodInvalid:
    return PeriodInvalid(
        f"列“{header}”的期间“{text}”有误：{reason_zh}",
        f"column {header!r}: period {text!r} is not valid: {reason_en}",
        detail={"field": "columns", "column": header, "value": text, "reason": reason_en},
    )


@dataclass(frozen=True, kw_only=True)
class LaterColumn:
    """A column of a periodic element for a further period of the same file (2024年学时 beside 2025年学时)."""

    header: str
    name: str
    period: Period


@dataclass(frozen=True, kw_only=True)
class FilePeriods:
    """How a file's columns are written: `mapping` (header → element name) with `plan` for the file's
    own period, then the `later` columns, each element once per layer, as past periods' values."""

    mapping: dict[str, str]
    plan: WritePeriods
    later: tuple[LaterColumn, ...] = ()

    def layers(self) -> list[list[LaterColumn]]:
        """The later columns in writes holding each element once (the newest period first)."""
        out: list[list[LaterColumn]] = []
        for column in sorted(self.later, key=lambda c: c.period, reverse=True):
            layer = next((layer for layer in out if all(c.name != column.name for c in layer)), None)
            if layer is None:
                out.append([column])
            else:
                layer.append(column)
        return out


def split_periods(
    std: schemas.Standard,
    entity: str,
    columns: HeaderMap,
    period: str | WritePeriods | None,
    *,
    today: date,
) -> FilePeriods:
    """The periods a file's columns go to. A column without period words goes to the chosen `period`
    (a person's text, or a task's WritePeriods), else the current one; a dated column to its own. With
    a period chosen by a person, a dated column of another period is refused (PeriodConflict); so are
    two columns of one element and period. Several periods of one element: the column of the write's
    period (else the newest) goes with the file, the others are written after it."""
    periodic = {e.name for e in periodic_elements(std, entity)}
    base = (
        period
        if isinstance(period, WritePeriods)
        else write_periods(std, entity, period, today=today, written=set())
    )
    chosen_by_person = not isinstance(period, WritePeriods) and base.asked is not None
    headers_of: dict[str, list[str]] = {}
    for header, name in columns.columns.items():
        if name in periodic:
            headers_of.setdefault(name, []).append(header)
    later: list[LaterColumn] = []
    primary_dated: dict[str, tuple[str, Period]] = {}
    for name, headers in headers_of.items():
        resolved = [(h, columns.periods.get(h) or base.by_element[name]) for h in headers]
        seen: dict[Period, str] = {}
        for header, own in resolved:
            if chosen_by_person and header in columns.periods and own != base.by_element[name]:
                raise _conflict(
                    header,
                    own,
                    f"所选期间{base.by_element[name].label_zh}",
                    f"the chosen period {base.by_element[name].label_en}",
                )
            if own in seen:
                raise PeriodConflict(
                    f"列“{seen[own]}”和“{header}”都是{own.label_zh}的同一数据：请只保留一列",
                    f"columns {seen[own]!r} and {header!r} hold the same element of {own.label_en}: keep one",
                    detail={"field": "columns", "columns": [seen[own], header], "period": own.key},
                )
            seen[own] = header
        if isinstance(period, WritePeriods):
            first = next((h for h, p in resolved if p == base.by_element[name]), None)
        else:
            first = next((h for h, _ in resolved if h not in columns.periods), None)
        if first is None:
            first = max(resolved, key=lambda pair: pair[1])[0]
        if first in columns.periods:
            primary_dated[name] = (first, columns.periods[first])
        later += [LaterColumn(header=h, name=name, period=p) for h, p in resolved if h != first]
    later_headers = {c.header for c in later}
    mapping = {h: n for h, n in columns.columns.items() if h not in later_headers}
    if isinstance(period, WritePeriods):
        by_element = {**period.by_element, **{n: p for n, (_, p) in primary_dated.items()}}
        plan = dataclasses.replace(period, by_element=by_element)
    else:
        plan = write_periods(
            std,
            entity,
            period,
            today=today,
            written=set(mapping.values()) & periodic,
            dated=primary_dated,
        )
    for column in later:
        _check_begun(std, entity, column, today)
    return FilePeriods(mapping=mapping, plan=plan, later=tuple(later))


def _check_begun(std: schemas.Standard, entity: str, column: LaterColumn, today: date) -> None:
    element = std.element(f"{entity}.{column.name}")
    assert element.period is not None
    period = column.period
    ahead = period.start > today if element.period.measure == "flow" else period.reference_date > today
    if ahead:
        raise PeriodNotBegun(
            f"列“{column.header}”的期间{period.label_zh}尚未到来",
            f"column {column.header!r}: {period.label_en} lies ahead",
            detail={"field": "columns", "column": column.header, "element": element.code, "reason": "ahead"},
        )


@dataclass(frozen=True, kw_only=True)
class ColumnPeriod:
    """Where one periodic column of a file goes, as shown before the import is confirmed."""

    header: str
    element: schemas.Element
    period: Period
    current: bool


@dataclass(frozen=True, kw_only=True)
class ImportPlan:
    """What an import of a file would do with its columns, before anything is read from the store."""

    columns: dict[str, str]  # header → element name
    periodic: list[ColumnPeriod]  # where each periodic column goes
    unknown: list[str]
    # False: a past period's file, which writes only periodic values of stored records.
    whole_records: bool


def import_plan(
    std: schemas.Standard, entity: str, headers: list[str], period: str | None, *, today: date
) -> ImportPlan:
    """The import of a file with `headers`, read as the import reads it and refused as it refuses
    (PeriodInvalid, PeriodConflict, PeriodNotBegun)."""
    columns = map_dated_headers(std, entity, headers, today=today)
    split = split_periods(std, entity, columns, period, today=today)
    placed: list[ColumnPeriod] = []
    for header, name in columns.columns.items():
        element = std.element(f"{entity}.{name}")
        if element.period is None:
            continue
        later = next((c for c in split.later if c.header == header), None)
        own = later.period if later is not None else split.plan.by_element[name]
        now = period_containing(element.period.kind, today)
        placed.append(ColumnPeriod(header=header, element=element, period=own, current=own == now))
    return ImportPlan(
        columns=columns.columns, periodic=placed, unknown=columns.unknown, whole_records=split.plan.current
    )


def current_periods(
    std: schemas.Standard, entity: str, *, today: date
) -> list[tuple[schemas.Element, Period]]:
    """Each periodic element of `entity` and its current period: what an import writes by default."""
    out = []
    for element in periodic_elements(std, entity):
        assert element.period is not None
        out.append((element, period_containing(element.period.kind, today)))
    return out
