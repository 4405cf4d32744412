"""学期: every day belongs to exactly one term, terms follow one another without a gap, and names read back."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub.kit.terms import Term, TermError, parse_term, term_of, terms_between

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


@given(days)
def test_a_day_falls_inside_its_term(day: date) -> None:
    term = term_of(day)
    assert term.start <= day <= term.end
    assert term.season == ("春" if 2 <= day.month <= 8 else "秋")


@given(days)
def test_terms_follow_one_another_without_a_gap(day: date) -> None:
    term = term_of(day)
    assert term_of(term.end + timedelta(days=1)) == term.next()
    assert term_of(term.start - timedelta(days=1)) == term.previous()
    assert term.previous() < term < term.next()


@given(days)
def test_a_term_name_reads_back(day: date) -> None:
    term = term_of(day)
    assert parse_term(term.label) == term
    english = "spring" if term.season == "春" else "autumn"
    assert parse_term(f"{term.year}-{english}") == term
    assert parse_term(f"{term.year}年{term.season}季学期") == term


def test_the_autumn_term_runs_into_january_of_the_next_year() -> None:
    autumn = parse_term("2026-秋")
    assert (autumn.start, autumn.end) == (date(2026, 9, 1), date(2027, 1, 31))
    assert term_of(date(2027, 1, 31)) == autumn and term_of(date(2027, 2, 1)) == Term(year=2027, season="春")
    assert [t.label for t in terms_between(parse_term("2025-秋"), autumn)] == [
        "2025-秋",
        "2026-春",
        "2026-秋",
    ]


@pytest.mark.parametrize("value", ["", "2026", "2026-冬", "秋", "2026-1", "26-秋", "2026-秋-春"])
def test_what_is_not_a_term_is_refused_with_the_value(value: str) -> None:
    with pytest.raises(TermError) as caught:
        parse_term(value)
    assert caught.value.value == value and "2026-秋" in str(caught.value)
