"""School terms (学期): the period the burden dashboard and the 自查表 count in.

The spring term (春) runs from 1 February to 31 August, the autumn term (秋) from 1 September to
31 January of the next year, so a term is named by the year it starts in: 2026-秋 ends on 2027-01-31.
The summer and winter holidays belong to the term before them: a form sent in the holidays counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

SPRING, AUTUMN = "春", "秋"
# No numbered terms (第一学期): whether the first term is spring or autumn depends on who counts.
_SEASONS = {
    "春": SPRING,
    "春季": SPRING,
    "spring": SPRING,
    "秋": AUTUMN,
    "秋季": AUTUMN,
    "autumn": AUTUMN,
    "fall": AUTUMN,
}
_TERM_RE = re.compile(
    r"^\s*(\d{4})\s*年?\s*[-_/ ]?\s*(春季?|秋季?|spring|autumn|fall)\s*(?:学期|term)?\s*$", re.I
)


class TermError(ValueError):
    """A term that cannot be read: `value` is what was given."""

    def __init__(self, value: str) -> None:
        self.message_zh = f"学期格式应为 2026-秋 或 2026-春，收到 {value!r}"
        self.message_en = f"a term reads like 2026-秋 (autumn) or 2026-春 (spring), got {value!r}"
        super().__init__(f"{self.message_zh} / {self.message_en}")
        self.value = value


@dataclass(frozen=True, kw_only=True, order=True)
class Term:
    """A school term: `year` it starts in and `season` (春 spring, 秋 autumn).

    Terms order by (year, season), which is time order because 春 (U+6625) sorts before 秋 (U+79CB).
    """

    year: int
    season: str

    @property
    def label(self) -> str:
        return f"{self.year}-{self.season}"

    @property
    def label_en(self) -> str:
        return f"{self.year} {'spring' if self.season == SPRING else 'autumn'} term"

    @property
    def start(self) -> date:
        return date(self.year, 2, 1) if self.season == SPRING else date(self.year, 9, 1)

    @property
    def end(self) -> date:
        """The last day of the term (inclusive)."""
        return date(self.year, 8, 31) if self.season == SPRING else date(self.year + 1, 1, 31)

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as UTC instants, for comparing stored timestamps (the hub's days are UTC days)."""
        start = datetime.combine(self.start, time.min, tzinfo=UTC)
        end = datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=UTC)
        return start, end

    def previous(self) -> Term:
        return (
            Term(year=self.year - 1, season=AUTUMN)
            if self.season == SPRING
            else Term(year=self.year, season=SPRING)
        )

    def next(self) -> Term:
        return (
            Term(year=self.year, season=AUTUMN)
            if self.season == SPRING
            else Term(year=self.year + 1, season=SPRING)
        )

    def __str__(self) -> str:
        return self.label


def term_of(day: date | datetime) -> Term:
    """The term a day falls in: 2026-09-01 … 2027-01-31 is 2026-秋, 2026-02-01 … 2026-08-31 is 2026-春."""
    if isinstance(day, datetime):
        day = day.astimezone(UTC).date() if day.tzinfo else day.date()
    if day.month == 1:
        return Term(year=day.year - 1, season=AUTUMN)
    if day.month >= 9:
        return Term(year=day.year, season=AUTUMN)
    return Term(year=day.year, season=SPRING)


def parse_term(value: str) -> Term:
    """Read 2026-秋, 2026-春, 2026秋季学期, 2026-autumn, 2026-spring, 2026-fall (TermError otherwise)."""
    match = _TERM_RE.match(value or "")
    if match is None:
        raise TermError(value)
    season = _SEASONS.get(match.group(2).lower())
    if season is None:
        raise TermError(value)
    return Term(year=int(match.group(1)), season=season)


def terms_between(first: Term, last: Term) -> list[Term]:
    """Every term from `first` to `last`, both included (empty when `first` comes after `last`)."""
    out, term = [], first
    while term <= last:
        out.append(term)
        term = term.next()
    return out
