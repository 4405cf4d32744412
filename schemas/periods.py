"""Periods that data belong to: calendar and fiscal years, school years (学年) and terms (学期).

Chinese education statistics count a stock (在校学生数, 班级数) at the start of the school year and a
flow (继续教育学时, 经费支出) over a calendar or fiscal year; the fiscal year is the calendar year
(《预算法》第十八条). A school year runs from 1 September to 31 August; its first term (秋季学期)
from 1 September to the end of January, its second (春季学期) from 1 February to 31 August.

`Period.key` is the stored form ("2025", "2024-2025", "2024-2025-2"); `Period.label_zh` is how forms
write it ("2025年", "2024-2025学年", "2025年春季学期"). `parse_period` reads either.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

CALENDAR_YEAR: Final = "calendar_year"
FISCAL_YEAR: Final = "fiscal_year"
SCHOOL_YEAR: Final = "school_year"
TERM: Final = "term"
PERIOD_KINDS: Final = (CALENDAR_YEAR, FISCAL_YEAR, SCHOOL_YEAR, TERM)
# A stock is counted at the period's reference date; a flow is summed over the period.
MEASURES: Final = ("stock", "flow")

# The school year starts on 1 September; its enrolment statistics (学年初) are counted on that day.
SCHOOL_YEAR_START_MONTH: Final = 9
SPRING_TERM_START_MONTH: Final = 2
_FIRST_YEAR, _LAST_YEAR = 1949, 2100

_KIND_ZH = {CALENDAR_YEAR: "自然年", FISCAL_YEAR: "财政年度", SCHOOL_YEAR: "学年", TERM: "学期"}
_TERM_ZH = {1: "秋季学期", 2: "春季学期"}


class InvalidPeriodError(ValueError):
    """A period that cannot be read or does not exist (2025-13, 学年 2026-2024)."""

    def __init__(self, *, text: str, reason_zh: str, reason_en: str) -> None:
        self.text = text
        self.reason_zh = reason_zh
        self.reason_en = reason_en
        super().__init__(f"期间“{text}”：{reason_zh} / period {text!r}: {reason_en}")


@dataclass(frozen=True, kw_only=True, order=True)
class Period:
    """One concrete period. `year` is the calendar year, or the year a school year (or its term) starts."""

    kind: str
    year: int
    term: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in PERIOD_KINDS:
            raise InvalidPeriodError(
                text=str(self.year),
                reason_zh=f"期间类型 {self.kind} 未定义",
                reason_en=f"period kind {self.kind!r} is not one of {PERIOD_KINDS}",
            )
        if not _FIRST_YEAR <= self.year <= _LAST_YEAR:
            raise InvalidPeriodError(
                text=str(self.year),
                reason_zh=f"年份应在 {_FIRST_YEAR}–{_LAST_YEAR} 之间",
                reason_en=f"the year must lie between {_FIRST_YEAR} and {_LAST_YEAR}",
            )
        if (self.kind == TERM) != (self.term in (1, 2)):
            raise InvalidPeriodError(
                text=str(self.year),
                reason_zh="学期须为第一或第二学期，其他期间没有学期",
                reason_en="a term is the first or second of its school year; other periods have none",
            )

    @property
    def key(self) -> str:
        """The stored form: 2025, 2024-2025 (a school year), 2024-2025-2 (its second term)."""
        if self.kind in (CALENDAR_YEAR, FISCAL_YEAR):
            return str(self.year)
        base = f"{self.year}-{self.year + 1}"
        return base if self.term is None else f"{base}-{self.term}"

    @property
    def label_zh(self) -> str:
        if self.kind == CALENDAR_YEAR:
            return f"{self.year}年"
        if self.kind == FISCAL_YEAR:
            return f"{self.year}年度"
        if self.kind == SCHOOL_YEAR:
            return f"{self.year}-{self.year + 1}学年"
        assert self.term is not None
        return f"{self.start.year}年{_TERM_ZH[self.term]}"

    @property
    def label_en(self) -> str:
        if self.kind == CALENDAR_YEAR:
            return str(self.year)
        if self.kind == FISCAL_YEAR:
            return f"fiscal year {self.year}"
        if self.kind == SCHOOL_YEAR:
            return f"school year {self.year}-{self.year + 1}"
        season = "autumn" if self.term == 1 else "spring"
        return f"{season} term {self.start.year}"

    @property
    def start(self) -> date:
        if self.kind in (CALENDAR_YEAR, FISCAL_YEAR):
            return date(self.year, 1, 1)
        if self.term == 2:
            return date(self.year + 1, SPRING_TERM_START_MONTH, 1)
        return date(self.year, SCHOOL_YEAR_START_MONTH, 1)

    @property
    def end(self) -> date:
        """The last day of the period."""
        if self.kind in (CALENDAR_YEAR, FISCAL_YEAR):
            return date(self.year, 12, 31)
        if self.term == 1:
            return date(self.year + 1, SPRING_TERM_START_MONTH, 1) - timedelta(days=1)
        return date(self.year + 1, SCHOOL_YEAR_START_MONTH, 1) - timedelta(days=1)

    @property
    def reference_date(self) -> date:
        """The day a stock of this period is counted: the start of a school year or term, the end of a year."""
        return self.end if self.kind in (CALENDAR_YEAR, FISCAL_YEAR) else self.start

    def shifted(self, steps: int) -> Period:
        """The period `steps` periods later (earlier when negative), of the same kind."""
        if self.kind != TERM:
            return Period(kind=self.kind, year=self.year + steps)
        assert self.term is not None
        index = self.year * 2 + (self.term - 1) + steps
        return Period(kind=TERM, year=index // 2, term=index % 2 + 1)

    def __str__(self) -> str:
        return self.label_zh


def period_containing(kind: str, day: date) -> Period:
    """The period of `kind` that `day` falls in (the current one, for today)."""
    if kind in (CALENDAR_YEAR, FISCAL_YEAR):
        return Period(kind=kind, year=day.year)
    school_year = day.year if day.month >= SCHOOL_YEAR_START_MONTH else day.year - 1
    if kind == SCHOOL_YEAR:
        return Period(kind=SCHOOL_YEAR, year=school_year)
    term = 1 if day.month >= SCHOOL_YEAR_START_MONTH or day.month < SPRING_TERM_START_MONTH else 2
    return Period(kind=TERM, year=school_year, term=term)


_DASH = r"\s*[-－—–~～至到/]\s*"
_SCHOOL_YEAR_RE = re.compile(rf"^(\d{{4}}){_DASH}(\d{{2}}|\d{{4}})(?:学年|学年度)?(?:第?([一二12])学期)?$")
_TERM_KEY_RE = re.compile(r"^(\d{4})-(\d{4})-([12])$")
_SEASON_TERM_RE = re.compile(r"^(\d{4})年?(春季|秋季|春|秋)(?:季)?学期$")
_YEAR_RE = re.compile(r"^(\d{4})(年|年度)?$")
_FISCAL_RE = re.compile(r"^(?:fy|财政年度|预算年度)\s*(\d{4})年?$|^(\d{4})(?:财政年度|预算年度)$")
_YEAR_MONTH_RE = re.compile(r"^(\d{4})\s*(?:年|[-./])\s*(\d{1,2})(?:月)?$")
_TERM_NUMBER = {"一": 1, "1": 1, "二": 2, "2": 2}


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def parse_period(text: str, *, kind: str | None = None) -> Period:
    """Read a period as forms and the hub write it. With `kind`, a bare year is read as that kind.

    Raises InvalidPeriodError for what is no period (2025-13 is no month; 学年 2026-2024 runs backwards;
    2024-2026学年 spans two school years).
    """
    folded = _fold(text)
    if not folded:
        raise InvalidPeriodError(text=text, reason_zh="期间为空", reason_en="the period is empty")
    if match := _FISCAL_RE.match(folded):
        return _period(text, FISCAL_YEAR, int(match.group(1) or match.group(2)))
    if (match := _YEAR_MONTH_RE.match(folded)) and not _is_school_year_pair(match):
        month = int(match.group(2))
        raise InvalidPeriodError(
            text=text,
            reason_zh=f"{month} 月不存在"
            if not 1 <= month <= 12
            else "这是一个月份，不是期间；截至某月请写“截至…”",
            reason_en=f"month {month} does not exist"
            if not 1 <= month <= 12
            else "this is a month, not a period; write 截至… for a value as of a month",
        )
    if match := _TERM_KEY_RE.match(folded):
        start = _school_year_start(text, match.group(1), match.group(2))
        return _period(text, TERM, start, int(match.group(3)))
    if match := _SCHOOL_YEAR_RE.match(folded):
        start = _school_year_start(text, match.group(1), match.group(2))
        term = match.group(3)
        if term is not None:
            return _period(text, TERM, start, _TERM_NUMBER[term])
        return _period(text, SCHOOL_YEAR, start)
    if match := _SEASON_TERM_RE.match(folded):
        year = int(match.group(1))
        # 2025年春季学期 is the second term of 2024-2025; 2025年秋季学期 the first of 2025-2026.
        if match.group(2).startswith("春"):
            return _period(text, TERM, year - 1, 2)
        return _period(text, TERM, year, 1)
    if match := _YEAR_RE.match(folded):
        year = int(match.group(1))
        if kind is None:
            kind = FISCAL_YEAR if match.group(2) == "年度" else CALENDAR_YEAR
        if kind in (SCHOOL_YEAR, TERM):
            # 2025年 of a school-year element: the school year that starts in it.
            return _period(text, SCHOOL_YEAR, year)
        return _period(text, kind, year)
    raise InvalidPeriodError(
        text=text,
        reason_zh="无法识别的期间，应写作 2025、2025年、2024-2025学年 或 2025年春季学期",
        reason_en="not a period; write 2025, 2025年, 2024-2025学年 or 2025年春季学期",
    )


def _is_school_year_pair(match: re.Match[str]) -> bool:
    """2024-25 is a school year; 2024-12 or 2025-13 is a month (or no month at all)."""
    return len(match.group(2)) == 2 and int(match.group(2)) == (int(match.group(1)) + 1) % 100


def _school_year_start(text: str, first: str, second: str) -> int:
    start = int(first)
    end = int(second) if len(second) == 4 else (start // 100) * 100 + int(second)
    if end != start + 1:
        raise InvalidPeriodError(
            text=text,
            reason_zh=f"学年应从某年到次年（如 {start}-{start + 1}），{start}-{end} 不是一个学年",
            reason_en=f"a school year runs from one year to the next ({start}-{start + 1}); "
            f"{start}-{end} is not one",
        )
    return start


def _period(text: str, kind: str, year: int, term: int | None = None) -> Period:
    try:
        return Period(kind=kind, year=year, term=term)
    except InvalidPeriodError as exc:
        raise InvalidPeriodError(text=text, reason_zh=exc.reason_zh, reason_en=exc.reason_en) from None


def kind_label_zh(kind: str) -> str:
    """How a period kind is called in Chinese (学年, 自然年 …)."""
    return _KIND_ZH[kind]
