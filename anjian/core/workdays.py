"""Chinese working days (法定工作日): the state's holiday and make-up-day calendar.

Two sources, the local one first:

- the local table (``WorkCalendarDay``): days an administrator entered — a year the package
  does not carry yet (declared by a ``WorkCalendarYear`` row), or a correction;
- ``chinese-calendar``, which carries each year once the State Council has published it
  (usually in November for the next year; RULES.md §19).

A day of a year neither covers is never guessed: ``CalendarNotCovered`` says which year is
missing and what to do. Each computed deadline can record ``basis``: which sources counted
its days.
"""

from datetime import date, timedelta
from importlib.metadata import version

import chinese_calendar
from chinese_calendar import constants
from django.db import transaction
from django.utils.translation import gettext as _

from anjian.core.exceptions import ValidationError
from anjian.core.models import WorkCalendarDay, WorkCalendarYear

PACKAGE = f"chinese-calendar {version('chinese-calendar')}"
PACKAGE_YEARS = range(
    min(day.year for day in constants.holidays), max(day.year for day in constants.holidays) + 1
)
# The longest run of days off in a year (Spring Festival, 9 days in 2026) is well inside
# this: a stretch of the calendar read at once for ``add_working_days``.
_READ_AHEAD = 45


class CalendarNotCovered(ValidationError):
    def __init__(self, year: int):
        super().__init__(
            _(
                "%(year)d年的法定节假日和调休安排尚未录入，无法按工作日计算期限。"
                "%(package)s只包含%(first)d—%(last)d年；请管理员在“工作日历”中"
                "按国务院办公厅的通知录入%(year)d年的安排后再试。"
            )
            % {
                "year": year,
                "package": PACKAGE,
                "first": PACKAGE_YEARS.start,
                "last": PACKAGE_YEARS.stop - 1,
            },
            code="calendar_not_covered",
        )
        self.year = year


def _local_years(years) -> set[int]:
    return set(WorkCalendarYear.objects.filter(year__in=years).values_list("year", flat=True))


def _local_days(first: date, last: date) -> dict[date, bool]:
    return dict(
        WorkCalendarDay.objects.filter(day__range=(first, last)).values_list("day", "working")
    )


class _Stretch:
    """The calendar from ``first`` to ``last`` read in two queries."""

    def __init__(self, first: date, last: date):
        self.first, self.last = first, last
        years = range(first.year, last.year + 1)
        self.local_years = _local_years(years)
        self.overrides = _local_days(first, last)

    def working(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.year in self.local_years:
            return day.weekday() < 5
        if day.year in PACKAGE_YEARS:
            return chinese_calendar.is_workday(day)
        raise CalendarNotCovered(day.year)


def covers(day: date) -> bool:
    """Whether the package or the local table carries ``day``'s year."""
    return day.year in PACKAGE_YEARS or bool(_local_years([day.year]))


def is_working_day(day: date) -> bool:
    return _Stretch(day, day).working(day)


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself not counted):
    "within 20 working days of the result" ends on ``add_working_days(result_day, 20)``.
    Raises ``CalendarNotCovered`` when a day it must count is in a year no source carries."""
    if days < 0:
        raise ValueError("days must not be negative")
    day, left = start, days
    while left:
        stretch = _Stretch(day + timedelta(days=1), day + timedelta(days=left * 2 + _READ_AHEAD))
        while left and day < stretch.last:
            day += timedelta(days=1)
            if stretch.working(day):
                left -= 1
    return day


def basis(start: date, end: date) -> str:
    """Which sources counted the days from ``start`` to ``end`` (kept with a deadline)."""
    stretch = _Stretch(start, end)
    local = sorted(stretch.local_years | {day.year for day in stretch.overrides})
    parts = [PACKAGE] if any(y in PACKAGE_YEARS for y in range(start.year, end.year + 1)) else []
    if local:
        parts.append(_("本地工作日历") + " " + ",".join(str(year) for year in local))
    return "; ".join(parts)


def enter_year(year: int, *, source: str, days=(), by=None, synthetic: bool = False):
    """Enter ``year``'s calendar in the local table: ``days`` are ``(date, working,
    name)`` — the holidays on weekdays and the make-up working days on weekends — and
    replace the ones entered before for that year. A year the package carries is refused
    (a single day's correction is a ``WorkCalendarDay`` of its own)."""
    if year in PACKAGE_YEARS:
        raise ValidationError(
            {
                "year": _("%(year)d年的安排已由%(package)s提供，无需录入。")
                % {"year": year, "package": PACKAGE}
            }
        )
    rows = []
    for day, working, name in days:
        if day.year != year:
            raise ValidationError(
                {"days": _("%(day)s不在%(year)d年内。") % {"day": day.isoformat(), "year": year}}
            )
        if working == (day.weekday() < 5):
            raise ValidationError(
                {
                    "days": _("%(day)s本来就是%(what)s，无需登记。")
                    % {"day": day.isoformat(), "what": _("工作日") if working else _("休息日")}
                }
            )
        rows.append(WorkCalendarDay(day=day, working=working, name=name))
    with transaction.atomic():
        entry, _created = WorkCalendarYear.objects.update_or_create(
            year=year, defaults={"source": source, "entered_by": by, "synthetic": synthetic}
        )
        WorkCalendarDay.objects.filter(day__year=year).delete()
        WorkCalendarDay.objects.bulk_create(rows)
    return entry
