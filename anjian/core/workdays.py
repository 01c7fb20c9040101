"""Chinese working days (法定工作日): the state's holiday and make-up-day calendar.

``chinese-calendar`` carries each year's calendar once the State Council publishes it
(usually in November for the next year). For a year it does not know yet, Monday to
Friday are taken as working days and ``is_official`` says so, so a deadline computed that
way can be shown as provisional.
"""

from datetime import date, timedelta

import chinese_calendar


def is_working_day(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def is_official(day: date) -> bool:
    """Whether the published calendar covers ``day``'s year."""
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself not counted):
    "within 20 working days of the result" ends on ``add_working_days(result_day, 20)``."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    left = days
    while left:
        day += timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day
