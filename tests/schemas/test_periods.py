"""Periods as forms write them: years, fiscal years, school years and terms, and what is no period."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

import schemas
from schemas.periods import (
    CALENDAR_YEAR,
    FISCAL_YEAR,
    PERIOD_KINDS,
    SCHOOL_YEAR,
    TERM,
    InvalidPeriodError,
    Period,
    parse_period,
    period_containing,
)


@pytest.mark.parametrize(
    ("text", "kind", "key", "label"),
    [
        ("2025", CALENDAR_YEAR, "2025", "2025年"),
        ("2025年", CALENDAR_YEAR, "2025", "2025年"),
        ("2025年度", FISCAL_YEAR, "2025", "2025年度"),
        ("FY2025", FISCAL_YEAR, "2025", "2025年度"),
        ("2024-2025学年", SCHOOL_YEAR, "2024-2025", "2024-2025学年"),
        ("2024—2025学年度", SCHOOL_YEAR, "2024-2025", "2024-2025学年"),
        ("2024-25", SCHOOL_YEAR, "2024-2025", "2024-2025学年"),
        ("２０２４－２０２５学年", SCHOOL_YEAR, "2024-2025", "2024-2025学年"),
        ("2025年春季学期", TERM, "2024-2025-2", "2025年春季学期"),
        ("2025年秋季学期", TERM, "2025-2026-1", "2025年秋季学期"),
        ("2024-2025学年第一学期", TERM, "2024-2025-1", "2024年秋季学期"),
        ("2024-2025-2", TERM, "2024-2025-2", "2025年春季学期"),
    ],
)
def test_forms_spellings_read_as_one_period(text: str, kind: str, key: str, label: str) -> None:
    period = parse_period(text)
    assert (period.kind, period.key, period.label_zh) == (kind, key, label)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2025-13", "13 月不存在"),
        ("2025-12", "不是期间"),
        ("2026-2024学年", "2026-2024 不是一个学年"),
        ("2024-2026学年", "2024-2026 不是一个学年"),
        ("1800年", "1949"),
        ("上个世纪", "无法识别"),
        ("", "为空"),
    ],
)
def test_what_is_no_period_is_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(InvalidPeriodError) as caught:
        parse_period(text)
    assert reason in caught.value.reason_zh
    assert caught.value.text == text
    assert caught.value.reason_en


def test_a_bare_year_of_a_school_year_element_is_the_school_year_starting_in_it() -> None:
    assert parse_period("2025", kind=SCHOOL_YEAR).key == "2025-2026"
    assert parse_period("2025", kind=FISCAL_YEAR).kind == FISCAL_YEAR


def test_school_year_and_terms_start_and_end_where_education_statistics_count_them() -> None:
    year = parse_period("2024-2025学年")
    assert (year.start, year.end, year.reference_date) == (
        date(2024, 9, 1),
        date(2025, 8, 31),
        date(2024, 9, 1),
    )
    autumn, spring = parse_period("2024年秋季学期"), parse_period("2025年春季学期")
    assert autumn.end == date(2025, 1, 31) and spring.start == date(2025, 2, 1)
    assert autumn.shifted(1) == spring and spring.shifted(1) == parse_period("2025年秋季学期")
    assert parse_period("2025").reference_date == date(2025, 12, 31)


@pytest.mark.parametrize(
    ("day", "kind", "key"),
    [
        (date(2026, 8, 31), SCHOOL_YEAR, "2025-2026"),
        (date(2026, 9, 1), SCHOOL_YEAR, "2026-2027"),
        (date(2026, 1, 15), TERM, "2025-2026-1"),
        (date(2026, 3, 1), TERM, "2025-2026-2"),
        (date(2026, 12, 3), CALENDAR_YEAR, "2026"),
    ],
)
def test_the_current_period_is_the_one_today_falls_in(day: date, kind: str, key: str) -> None:
    assert period_containing(kind, day).key == key


@given(st.sampled_from(PERIOD_KINDS), st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 1, 1)))
def test_a_period_reads_back_from_its_key_and_label_and_holds_its_days(kind: str, day: date) -> None:
    period = period_containing(kind, day)
    assert period.start <= day <= period.end
    kind_hint = kind if kind != TERM else None
    assert parse_period(period.key, kind=kind_hint) == period
    assert parse_period(period.label_zh, kind=kind_hint) == period
    assert period.shifted(1).start == period.end + timedelta(days=1)
    assert period.shifted(1).shifted(-1) == period


def test_the_standard_marks_what_belongs_to_a_period() -> None:
    std = schemas.load_standard()
    hours = std.element("teacher.training_hours").period
    students = std.element("school.student_count").period
    spending = std.element("school.annual_expenditure").period
    assert hours == schemas.Periodicity(kind=CALENDAR_YEAR, measure="flow", additive=True)
    assert students is not None and (students.kind, students.measure) == (SCHOOL_YEAR, "stock")
    assert spending is not None and spending.kind == FISCAL_YEAR and spending.additive
    assert std.element("teacher.birth_date").period is None


def test_an_element_cannot_add_up_a_stock() -> None:
    with pytest.raises(schemas.InvalidStandardError, match="additive"):
        schemas.Element(
            code="school.x_rooms",
            entity="school",
            name="x_rooms",
            label_zh="教室数",
            label_en="Rooms",
            value_type="integer",
            period=schemas.Periodicity(kind=SCHOOL_YEAR, measure="stock", additive=True),
        )


def test_changing_an_elements_period_is_incompatible() -> None:
    std = schemas.load_standard()
    element = std.element("school.class_count")
    changed = std.with_elements([_replace(element, period=schemas.Periodicity(kind=TERM, measure="stock"))])
    rules = {p.rule for p in schemas.check_compatibility(std, changed)}
    assert "period_changed" in rules


def _replace(element: schemas.Element, **changes: object) -> schemas.Element:
    import dataclasses

    return dataclasses.replace(element, **changes)  # type: ignore[arg-type]


def test_period_is_a_value() -> None:
    assert Period(kind=CALENDAR_YEAR, year=2025) == parse_period("2025年")
    assert str(parse_period("2024-2025学年")) == "2024-2025学年"
