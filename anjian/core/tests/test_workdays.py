from datetime import date

import pytest

from anjian.core.workdays import add_working_days, is_official, is_working_day


def test_national_day_week_and_its_make_up_saturday():
    assert not is_working_day(date(2026, 10, 1))  # 国庆节
    assert not is_working_day(date(2026, 10, 7))
    assert is_working_day(date(2026, 10, 10))  # 调休上班 (Saturday)
    assert is_official(date(2026, 10, 1))


def test_counting_skips_the_holiday_and_counts_the_make_up_day():
    # 2026-09-30 (Wed) + 1 working day: 10-01…10-07 are off, 10-08 (Thu) is the next.
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    # 10-09 (Fri), 10-10 (Sat, make-up day): the third is that Saturday.
    assert add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)


def test_a_year_without_a_published_calendar_counts_monday_to_friday():
    assert not is_official(date(2031, 1, 6))
    assert add_working_days(date(2031, 1, 3), 1) == date(2031, 1, 6)  # Fri → Mon
    assert add_working_days(date(2031, 1, 3), 0) == date(2031, 1, 3)
    with pytest.raises(ValueError):
        add_working_days(date(2031, 1, 3), -1)
