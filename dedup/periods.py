"""The periods a form label names: 2025年培训学时, 2024-2025学年在校学生数, 上一年度考核结果, 近三年学时.

`label_periods` finds the period words of a label, takes them out (what remains names the datum) and
resolves them, for an element counted per period of one kind, to concrete periods as of a day. It
raises `LabelPeriodError` for a period that does not exist, a flow asked for a period that has not
begun, or a label naming two periods at once; relative periods (本学年, 上一年度) follow `today`.

近N年 (近三年, 最近3年, 过去两年) means the current period and the N−1 before it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Final

from schemas.periods import (
    CALENDAR_YEAR,
    FISCAL_YEAR,
    SCHOOL_YEAR,
    TERM,
    InvalidPeriodError,
    Period,
    kind_label_zh,
    parse_period,
    period_containing,
)

_YEAR = r"(?<![0-9])(?:19|20)\d{2}"
_NUMBER = r"[0-9一二两三四五六七八九十]+"
# Order matters: the longest reading of a span is tried first.
_PATTERNS: Final = (
    (
        "reference",
        re.compile(
            rf"(?:截至|截止到|截至到|截止|统计截止|统计时点)\s*({_YEAR}(?:年|[-./])?(?:\d{{1,2}}(?:月|[-./])?(?:\d{{1,2}}日?)?)?)(?:底|末)?(?:止|为止)?"
        ),
    ),
    ("reference", re.compile(rf"({_YEAR}(?:年|-)\d{{1,2}}(?:月|-)(?:\d{{1,2}}日?)?)(?:底|末)?")),
    ("explicit", re.compile(rf"{_YEAR}\s*[-－—–~～至到/]\s*\d{{2,4}}\s*(?:学年度|学年)(?:第?[一二12]学期)?")),
    ("explicit", re.compile(rf"{_YEAR}年?(?:春季|秋季|春|秋)季?学期")),
    # 2023学年 (2023学年度): the school year that starts in 2023, as the statistics yearbooks write it.
    ("explicit", re.compile(rf"{_YEAR}\s*(?:学年度|学年)(?:第?[一二12]学期)?")),
    ("explicit", re.compile(rf"{_YEAR}\s*[-－—–~～至到/]\s*\d{{1,4}}(?![0-9])(?:年度|年|月)?")),
    ("explicit", re.compile(rf"{_YEAR}(?:年度|年)?(?![0-9月])")),
    ("span", re.compile(rf"(?:近|最近|过去|前)({_NUMBER})(?:个)?(年度|学年|年|学期)(?:来|内|以来)?")),
    (
        "relative",
        re.compile(
            r"本学年度|本学年|本学期|本年度|本年|今年|当年|上一学年|上学年|上学期|上一年度|上年度|上一年|上年|去年|前一年"
        ),
    ),
)
# A relative word and how many periods back it points.
_RELATIVE: Final = {
    "本学年度": 0,
    "本学年": 0,
    "本学期": 0,
    "本年度": 0,
    "本年": 0,
    "今年": 0,
    "当年": 0,
    "上一学年": -1,
    "上学年": -1,
    "上学期": -1,
    "上一年度": -1,
    "上年度": -1,
    "上一年": -1,
    "上年": -1,
    "去年": -1,
    "前一年": -1,
}
_CHINESE_DIGITS: Final = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
# Words left between two periods once they are taken out: 2024年和2025年 names two periods.
_JOINERS: Final = re.compile(r"^[、,，/及和与至到或\s-]*$")
_MAX_SPAN = 10


class LabelPeriodError(ValueError):
    """A label whose period cannot be answered: it does not exist, lies ahead for a flow, or is two."""

    def __init__(self, *, label: str, text: str, reason_zh: str, reason_en: str) -> None:
        self.label = label
        self.text = text
        self.reason_zh = reason_zh
        self.reason_en = reason_en
        super().__init__(f"“{label}”：{reason_zh} / {label!r}: {reason_en}")


@dataclass(frozen=True, kw_only=True)
class LabelPeriods:
    """What a label says about periods: the words (`written`), the label without them (`rest`), and the
    periods asked, oldest first. `span` marks 近N年: several periods asked as one figure."""

    written: str
    rest: str
    periods: tuple[Period, ...]
    span: bool = False


@dataclass(frozen=True, kw_only=True)
class _Found:
    kind: str
    text: str
    start: int
    end: int
    group: str | None = None
    unit: str | None = None


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def find_periods(label: str) -> tuple[str, list[_Found]]:
    """The label (folded to half width) and the period words in it, left to right, not overlapping."""
    text = _fold(label)
    taken: list[_Found] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if any(match.start() < f.end and f.start < match.end() for f in taken):
                continue
            groups = match.groups()
            taken.append(
                _Found(
                    kind=kind,
                    text=match.group(0),
                    start=match.start(),
                    end=match.end(),
                    group=groups[0] if groups else None,
                    unit=groups[1] if len(groups) > 1 else None,
                )
            )
    return text, sorted(taken, key=lambda f: f.start)


def strip_periods(label: str) -> LabelPeriods | None:
    """The label without its period words (for matching the datum), or None when it names no period."""
    text, found = find_periods(label)
    if not found:
        return None
    rest = _remove(text, found)
    return LabelPeriods(written="、".join(f.text for f in found), rest=rest, periods=())


def _remove(text: str, found: list[_Found]) -> str:
    pieces: list[str] = []
    cursor = 0
    for f in found:
        between = text[cursor : f.start]
        pieces.append("" if pieces and _JOINERS.match(between) else between)
        cursor = f.end
    pieces.append(text[cursor:])
    return "".join(pieces).strip(" -:：,，、()（）")


def label_periods(label: str, *, kind: str, measure: str, today: date) -> LabelPeriods | None:
    """The periods `label` asks for an element counted per `kind` ("calendar_year", "school_year" …),
    as of `today`; None when the label names none (the request's period applies)."""
    text, found = find_periods(label)
    if not found:
        return None
    written = "、".join(f.text for f in found)
    if len(found) > 1:
        raise LabelPeriodError(
            label=label,
            text=written,
            reason_zh=f"一个字段同时写了 {len(found)} 个期间（{written}），请每个期间一个字段",
            reason_en=f"one field names {len(found)} periods at once ({written}); ask one field per period",
        )
    only = found[0]
    current = period_containing(kind, today)
    span = False
    if only.kind == "relative":
        periods: tuple[Period, ...] = (current.shifted(_RELATIVE[only.text]),)
    elif only.kind == "span":
        count = _count(only.group or "")
        if not 1 <= count <= _MAX_SPAN:
            raise LabelPeriodError(
                label=label,
                text=only.text,
                reason_zh=f"“{only.text}”的期间数应在 1–{_MAX_SPAN} 之间",
                reason_en=f"{only.text!r} must span 1 to {_MAX_SPAN} periods",
            )
        if (only.unit == "学期") != (kind == TERM):
            _refuse_kind(label, only.text, kind)
        periods = tuple(current.shifted(-back) for back in reversed(range(count)))
        span = count > 1
    elif only.kind == "reference":
        day = _reference_day(label, only)
        periods = (period_containing(kind, day),)
    else:
        periods = (_explicit(label, only.text, kind),)
    if measure == "flow":
        ahead = [p for p in periods if p.start > today]
        if ahead:
            raise LabelPeriodError(
                label=label,
                text=only.text,
                reason_zh=f"{ahead[0].label_zh}尚未开始，期间累计的数据还不存在",
                reason_en=f"{ahead[0].label_en} has not begun: a total over it does not exist yet",
            )
    return LabelPeriods(written=written, rest=_remove(text, found), periods=periods, span=span)


_YEAR_RANGE_RE: Final = re.compile(r"^(\d{4})\s*[-－—–~～至到/]\s*(\d{2,4})(?:年|年度)$")
_SCHOOL_YEAR_START_RE: Final = re.compile(r"^(\d{4})\s*(学年度|学年)(.*)$")


def _explicit(label: str, text: str, kind: str) -> Period:
    starting = _SCHOOL_YEAR_START_RE.match(text)
    if starting is not None:
        year = int(starting.group(1))
        text = f"{year}-{year + 1}{starting.group(2)}{starting.group(3)}"  # 2023学年 → 2023-2024学年
    year_range = _YEAR_RANGE_RE.match(text)
    if year_range is not None:
        if kind in (SCHOOL_YEAR, TERM):
            text = f"{year_range.group(1)}-{year_range.group(2)}学年"  # 2024-2025年在校学生数
        else:
            raise LabelPeriodError(
                label=label,
                text=text,
                reason_zh=f"“{text}”是多个年度，请每个年度一个字段（或写“近N年”）",
                reason_en=f"{text!r} spans several years; ask one field per year (or 近N年)",
            )
    try:
        period = parse_period(text, kind=kind)
    except InvalidPeriodError as exc:
        raise LabelPeriodError(
            label=label, text=text, reason_zh=exc.reason_zh, reason_en=exc.reason_en
        ) from None
    return convert(period, kind, label=label)


def convert(period: Period, kind: str, *, label: str) -> Period:
    """`period` as a period of `kind`: a calendar and a fiscal year are the same year; a term lies in
    one school year; a school year or term is not one calendar year (refused)."""
    if period.kind == kind:
        return period
    if {period.kind, kind} <= {CALENDAR_YEAR, FISCAL_YEAR}:
        return Period(kind=kind, year=period.year)
    if period.kind == TERM and kind == SCHOOL_YEAR:
        return Period(kind=SCHOOL_YEAR, year=period.year)
    _refuse_kind(label, period.label_zh, kind, period)
    raise AssertionError("unreachable")


def _refuse_kind(label: str, text: str, kind: str, period: Period | None = None) -> None:
    asked = kind_label_zh(period.kind) if period else text
    raise LabelPeriodError(
        label=label,
        text=text,
        reason_zh=f"该数据按{kind_label_zh(kind)}统计，不能按“{asked}”取值",
        reason_en=f"this datum is counted per {kind.replace('_', ' ')}, not per {text}",
    )


def _reference_day(label: str, found: _Found) -> date:
    digits = [int(n) for n in re.findall(r"\d+", found.group or "")]
    year, month, day = (digits + [0, 0])[:3]
    try:
        if month == 0:
            return date(year, 12, 31)
        if day == 0:
            following = date(year + (month == 12), month % 12 + 1, 1)
            return date.fromordinal(following.toordinal() - 1)
        return date(year, month, day)
    except ValueError:
        raise LabelPeriodError(
            label=label,
            text=found.text,
            reason_zh=f"日期“{found.group}”不存在",
            reason_en=f"the date {found.group!r} does not exist",
        ) from None


def _count(number: str) -> int:
    if number.isdigit():
        return int(number)
    if number == "十":
        return 10
    return _CHINESE_DIGITS.get(number, 0)
