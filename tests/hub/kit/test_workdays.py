from __future__ import annotations

from datetime import date

from hub.kit.workdays import add_working_days, is_working_day, working_days_between


def test_weekends_and_national_holidays_are_not_working_days() -> None:
    assert not is_working_day(date(2025, 10, 1))  # 国庆节
    assert not is_working_day(date(2025, 5, 3))  # Saturday
    assert is_working_day(date(2025, 9, 28))  # a Sunday made a working day (调休)


def test_local_overrides_win_over_the_calendar() -> None:
    assert not is_working_day(date(2025, 9, 29), extra_holidays=[date(2025, 9, 29)])
    assert is_working_day(date(2025, 10, 4), extra_workdays=[date(2025, 10, 4)])


def test_counting_skips_the_national_day_week() -> None:
    # Notice on Tuesday 30 Sept 2025: 1-8 October are holidays, 9 October is the first working day.
    assert add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 10)) == 2
