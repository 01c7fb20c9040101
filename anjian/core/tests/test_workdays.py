from datetime import date

import pytest
from django.core.exceptions import ValidationError

from anjian.core.models import WorkCalendarDay, WorkCalendarYear
from anjian.core.workdays import (
    PACKAGE,
    CalendarNotCovered,
    add_working_days,
    basis,
    covers,
    enter_year,
    is_working_day,
)

pytestmark = pytest.mark.django_db


def test_national_day_week_and_its_make_up_saturday():
    assert not is_working_day(date(2026, 10, 1))  # 国庆节
    assert not is_working_day(date(2026, 10, 7))
    assert is_working_day(date(2026, 10, 10))  # 调休上班 (Saturday)
    assert covers(date(2026, 10, 1))


def test_counting_skips_the_holiday_and_counts_the_make_up_day():
    # 2026-09-30 (Wed) + 1 working day: 10-01…10-07 are off, 10-08 (Thu) is the next.
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    # 10-09 (Fri), 10-10 (Sat, make-up day): the third is that Saturday.
    assert add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)
    assert add_working_days(date(2026, 9, 30), 0) == date(2026, 9, 30)
    with pytest.raises(ValueError):
        add_working_days(date(2026, 9, 30), -1)


def test_twenty_working_days_across_the_spring_festival():
    # 2026-02-13 (Fri); 02-14 (Sat) is a make-up working day, 02-15…02-23 are off,
    # 02-28 (Sat) is a make-up working day.
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 13), 2) == date(2026, 2, 24)
    assert add_working_days(date(2026, 2, 13), 20) == date(2026, 3, 19)


def test_a_year_no_source_carries_is_refused_never_guessed():
    assert not covers(date(2031, 1, 6))
    with pytest.raises(CalendarNotCovered) as refused:
        add_working_days(date(2031, 1, 3), 1)
    assert "2031年的法定节假日和调休安排尚未录入" in refused.value.messages[0]
    assert "工作日历" in refused.value.messages[0]
    with pytest.raises(CalendarNotCovered):
        is_working_day(date(2031, 1, 6))
    # A deadline that starts in a covered year and reaches into an uncovered one is
    # refused too, and one that stays inside the covered year is not.
    enter_year(2030, source="测试")
    with pytest.raises(CalendarNotCovered):
        add_working_days(date(2030, 12, 20), 20)
    assert add_working_days(date(2030, 12, 2), 5) == date(2030, 12, 9)


def test_a_year_the_administrator_entered_counts_with_its_own_days():
    WorkCalendarYear.objects.create(year=2031, source="测试：2031年安排")
    WorkCalendarDay.objects.create(day=date(2031, 1, 1), working=False, name="元旦")
    WorkCalendarDay.objects.create(day=date(2031, 1, 4), working=True, name="调休上班")
    assert covers(date(2031, 6, 1))
    assert not is_working_day(date(2031, 1, 1))  # Wednesday, 元旦
    assert is_working_day(date(2031, 1, 4))  # Saturday, make-up day
    # 2030 is not entered: the deadline from 2030-12-31 is still refused.
    with pytest.raises(CalendarNotCovered):
        add_working_days(date(2030, 12, 30), 1)
    assert add_working_days(date(2030, 12, 31), 2) == date(2031, 1, 3)
    assert add_working_days(date(2030, 12, 31), 3) == date(2031, 1, 4)
    assert "本地工作日历 2031" in basis(date(2031, 1, 1), date(2031, 1, 4))


def test_a_local_day_corrects_the_package():
    assert is_working_day(date(2026, 12, 7))
    WorkCalendarDay.objects.create(day=date(2026, 12, 7), working=False, name="本地调整")
    assert not is_working_day(date(2026, 12, 7))
    assert add_working_days(date(2026, 12, 4), 1) == date(2026, 12, 8)
    assert basis(date(2026, 12, 4), date(2026, 12, 8)) == f"{PACKAGE}; 本地工作日历 2026"


def test_entering_a_year_checks_its_days():
    with pytest.raises(ValidationError, match="已由chinese-calendar"):
        enter_year(2026, source="重复")
    with pytest.raises(ValidationError, match="不在2031年内"):
        enter_year(2031, source="测试", days=[(date(2030, 1, 1), False, "元旦")])
    with pytest.raises(ValidationError, match="本来就是休息日"):
        enter_year(2031, source="测试", days=[(date(2031, 1, 5), False, "周日")])
    enter_year(2031, source="第一次", days=[(date(2031, 1, 1), False, "元旦")])
    enter_year(2031, source="更正", days=[(date(2031, 1, 2), False, "元旦")])
    assert is_working_day(date(2031, 1, 1))  # replaced by the second entry
    assert not is_working_day(date(2031, 1, 2))
    assert WorkCalendarYear.objects.get(year=2031).source == "更正"
