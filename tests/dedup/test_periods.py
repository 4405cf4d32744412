"""The periods a label names, resolved as of a day (pure)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedup.periods import LabelPeriodError, label_periods, strip_periods

TODAY = date(2026, 12, 3)


@pytest.mark.parametrize(
    ("label", "kind", "rest", "keys"),
    [
        ("2025年培训学时", "calendar_year", "培训学时", ["2025"]),
        ("2024年度继续教育学时", "calendar_year", "继续教育学时", ["2024"]),
        ("继续教育学时（2025年）", "calendar_year", "继续教育学时", ["2025"]),
        ("本年度继续教育学时", "calendar_year", "继续教育学时", ["2026"]),
        ("上一年度继续教育学时", "calendar_year", "继续教育学时", ["2025"]),
        ("近三年继续教育学时", "calendar_year", "继续教育学时", ["2024", "2025", "2026"]),
        ("2024-2025学年在校学生数", "school_year", "在校学生数", ["2024-2025"]),
        ("2024-2025年在校学生数", "school_year", "在校学生数", ["2024-2025"]),
        ("2023学年在校学生数", "school_year", "在校学生数", ["2023-2024"]),
        ("2024学年度第二学期周课时数", "term", "周课时数", ["2024-2025-2"]),
        ("本学年在校学生数", "school_year", "在校学生数", ["2026-2027"]),
        ("上学年毕业生数", "school_year", "毕业生数", ["2025-2026"]),
        ("截至2025年12月在校学生数", "school_year", "在校学生数", ["2025-2026"]),
        ("截至2025年6月在校学生数", "school_year", "在校学生数", ["2024-2025"]),
        ("2025年春季学期周课时数", "term", "周课时数", ["2024-2025-2"]),
    ],
)
def test_a_label_names_its_periods(label: str, kind: str, rest: str, keys: list[str]) -> None:
    found = label_periods(label, kind=kind, measure="flow", today=TODAY)
    assert found is not None
    assert found.rest == rest
    assert [p.key for p in found.periods] == keys
    assert found.span == (len(keys) > 1)


@pytest.mark.parametrize(
    ("label", "kind", "reason"),
    [
        ("2027年继续教育学时", "calendar_year", "尚未开始"),
        ("2024年和2025年继续教育学时", "calendar_year", "同时写了 2 个期间"),
        ("2024-2026年继续教育学时", "calendar_year", "多个年度"),
        ("2025-13继续教育学时", "calendar_year", "13 月不存在"),
        ("2026-2024学年在校学生数", "school_year", "不是一个学年"),
        ("2024-2025学年继续教育学时", "calendar_year", "按自然年统计"),
        ("截至2025年2月30日在校学生数", "school_year", "不存在"),
    ],
)
def test_a_period_that_cannot_be_answered_says_why(label: str, kind: str, reason: str) -> None:
    with pytest.raises(LabelPeriodError) as caught:
        label_periods(label, kind=kind, measure="flow", today=TODAY)
    assert reason in caught.value.reason_zh and caught.value.label == label


def test_a_stock_may_be_asked_for_the_coming_school_year_a_flow_not() -> None:
    stock = label_periods("2027-2028学年在校学生数", kind="school_year", measure="stock", today=TODAY)
    assert stock is not None and stock.periods[0].key == "2027-2028"
    with pytest.raises(LabelPeriodError):
        label_periods("2027-2028学年招生数", kind="school_year", measure="flow", today=TODAY)


def test_labels_without_periods_name_none() -> None:
    assert label_periods("年度考核结果", kind="calendar_year", measure="stock", today=TODAY) is None
    assert strip_periods("公民身份号码") is None
    assert strip_periods("GB/T 2261 性别") is None


@given(st.integers(min_value=1990, max_value=2026), st.sampled_from(["年", "年度", ""]))
def test_any_past_year_written_before_a_datum_is_that_year(year: int, suffix: str) -> None:
    found = label_periods(f"{year}{suffix}继续教育学时", kind="calendar_year", measure="flow", today=TODAY)
    assert found is not None and [p.year for p in found.periods] == [year] and found.rest == "继续教育学时"
