"""包保 check frequencies and their arithmetic: pure functions over plain data (no ORM).

The 2021 包保 rules (应急厅〔2021〕12号, RULES.md §14) ask each of a major hazard source's
three holders to check it: as far as we recall the 技术负责人 at least once a quarter, the
操作负责人 at least once a week, and the 主要负责人 at no fixed frequency. RULES.md rates
those frequencies L (from memory, the text not seen), so they are configuration: the
shipped defaults are ``DEFAULT_RULES`` and a city-wide user changes them (``DutyRule``
rows; the newest row of a role is in force).

How a role's checks are counted in a range (``assess``), decided here once:

- A period (a week from Monday, a calendar month, a calendar quarter) belongs to the range
  its first day falls in, so the weeks of a year add up to the year's and none is counted
  twice; the ranges are whole quarters or years (``quarter_range``).
- A period is owed from the first one that starts on or after ``owed_from``: the day the
  source was identified, or the day someone first held the role, whichever is earlier (an
  enterprise may enter holders named before the platform identified the source). A role
  nobody holds is owed all the same: the missing holder is no excuse.
- A period is complete when it has at least the rule's number of checks, whoever of the
  role's holders made them. An ended period without them is short; the current period is
  counted only once it is complete (until its last day it is open, neither done nor owed).
- A role whose rule has no fixed frequency is not counted.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.hazchem.choices import DutyRole


class DutyPeriod(models.TextChoices):
    WEEK = "week", gettext_lazy("每周")
    MONTH = "month", gettext_lazy("每月")
    QUARTER = "quarter", gettext_lazy("每季度")
    NONE = "none", gettext_lazy("不设固定频次")


# The most checks a rule may ask for in one period (one a day).
MOST_CHECKS = {DutyPeriod.WEEK: 7, DutyPeriod.MONTH: 31, DutyPeriod.QUARTER: 92}
QUARTER_NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}


@dataclass(frozen=True)
class Rule:
    """How often one role checks: ``checks`` a ``period`` (none: 0, not counted)."""

    role: str
    period: str
    checks: int
    basis: str = ""
    version: int = 0  # 0: the shipped default; n: the n-th change (``DutyRule.version``)
    set_by: str = ""
    set_at: datetime | None = None

    @property
    def counted(self) -> bool:
        return self.period != DutyPeriod.NONE and self.checks > 0

    @property
    def shipped(self) -> bool:
        return self.version == 0

    @property
    def words(self) -> str:
        if not self.counted:
            return str(DutyPeriod.NONE.label)
        return _("%(period)s至少%(n)d次") % {
            "period": DutyPeriod(self.period).label,
            "n": self.checks,
        }


DEFAULT_RULES = {
    DutyRole.PRINCIPAL: Rule(
        DutyRole.PRINCIPAL,
        DutyPeriod.NONE,
        0,
        gettext_lazy(
            "应急厅〔2021〕12号第四条：据回忆未规定主要负责人的检查频次（置信度低，原文待核实）"
        ),
    ),
    DutyRole.TECHNICAL: Rule(
        DutyRole.TECHNICAL,
        DutyPeriod.QUARTER,
        1,
        gettext_lazy(
            "应急厅〔2021〕12号第五条：每季度至少组织一次针对性安全风险隐患排查"
            "（据回忆，置信度低，原文待核实）"
        ),
    ),
    DutyRole.OPERATIONAL: Rule(
        DutyRole.OPERATIONAL,
        DutyPeriod.WEEK,
        1,
        gettext_lazy(
            "应急厅〔2021〕12号第六条：每周至少组织一次安全风险隐患排查"
            "（据回忆，置信度低，原文待核实）"
        ),
    ),
}


# --- periods ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date

    @property
    def label(self) -> str:
        start, end = self.start, self.end
        if self.kind == DutyPeriod.QUARTER:
            quarter = QUARTER_NAMES[(start.month - 1) // 3 + 1]
            return _("%(y)d年第%(q)s季度") % {"y": start.year, "q": quarter}
        if self.kind == DutyPeriod.MONTH:
            return _("%(y)d年%(m)d月") % {"y": start.year, "m": start.month}
        if start.year != end.year:
            return _("%(y)d年%(m)d月%(d)d日—%(y2)d年%(m2)d月%(d2)d日") % {
                "y": start.year,
                "m": start.month,
                "d": start.day,
                "y2": end.year,
                "m2": end.month,
                "d2": end.day,
            }
        return _("%(y)d年%(m)d月%(d)d日—%(m2)d月%(d2)d日") % {
            "y": start.year,
            "m": start.month,
            "d": start.day,
            "m2": end.month,
            "d2": end.day,
        }


def _month_end(year: int, month: int) -> date:
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return following - timedelta(days=1)


def period_of(kind: str, day: date) -> Period:
    """The period of ``kind`` that holds ``day``."""
    if kind == DutyPeriod.WEEK:
        start = day - timedelta(days=day.weekday())
        return Period(kind, start, start + timedelta(days=6))
    if kind == DutyPeriod.MONTH:
        return Period(kind, day.replace(day=1), _month_end(day.year, day.month))
    if kind == DutyPeriod.QUARTER:
        first_month = (day.month - 1) // 3 * 3 + 1
        return Period(kind, date(day.year, first_month, 1), _month_end(day.year, first_month + 2))
    raise ValueError(f"no periods for {kind!r}")


def periods_starting(kind: str, first: date, last: date) -> list[Period]:
    """Every period of ``kind`` whose first day falls from ``first`` to ``last``."""
    found = []
    period = period_of(kind, first)
    if period.start < first:
        period = period_of(kind, period.end + timedelta(days=1))
    while period.start <= last:
        found.append(period)
        period = period_of(kind, period.end + timedelta(days=1))
    return found


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_range(year: int, quarter: int) -> tuple[date, date]:
    """The days of ``year``'s ``quarter`` (1–4), or of the whole year for 0."""
    if not quarter:
        return date(year, 1, 1), date(year, 12, 31)
    first_month = (quarter - 1) * 3 + 1
    return date(year, first_month, 1), _month_end(year, first_month + 2)


def range_label(year: int, quarter: int) -> str:
    if not quarter:
        return _("%(y)d年") % {"y": year}
    return _("%(y)d年第%(q)s季度") % {"y": year, "q": QUARTER_NAMES[quarter]}


# --- counting -----------------------------------------------------------------------------------

MET = "met"
SHORT = "short"
OPEN = "open"
STATUS_LABELS = {
    MET: gettext_lazy("已完成"),
    SHORT: gettext_lazy("检查不足"),
    OPEN: gettext_lazy("本期待完成"),
}


@dataclass(frozen=True)
class PeriodCheck:
    """One owed period: how many checks it has and how many it needs, as of ``today``."""

    period: Period
    checks: int
    required: int
    today: date

    @property
    def status(self) -> str:
        if self.checks >= self.required:
            return MET
        return SHORT if self.period.end < self.today else OPEN

    @property
    def counted(self) -> bool:
        """In the completion figure: ended, or complete already."""
        return self.status != OPEN


@dataclass(frozen=True)
class RoleResult:
    role: str
    rule: Rule
    periods: tuple[PeriodCheck, ...]  # the owed periods of the range begun by today

    @property
    def required(self) -> int:
        return sum(1 for item in self.periods if item.counted)

    @property
    def done(self) -> int:
        return sum(1 for item in self.periods if item.status == MET)

    @property
    def short(self) -> tuple[PeriodCheck, ...]:
        return tuple(item for item in self.periods if item.status == SHORT)

    @property
    def open(self) -> PeriodCheck | None:
        return next((item for item in self.periods if item.status == OPEN), None)


def owed_from(identified_on: date, first_since: date | None) -> date:
    """From when a role's periods are owed: identification, or an earlier first holder."""
    return min(identified_on, first_since) if first_since else identified_on


def period_check(rule: Rule, period: Period, days: Iterable[date], today: date) -> PeriodCheck:
    checks = sum(1 for day in days if period.start <= day <= period.end and day <= today)
    return PeriodCheck(period, checks, rule.checks, today)


def assess(
    rule: Rule,
    *,
    owed_from: date,
    checks: Iterable[date],
    first: date,
    last: date,
    today: date,
) -> RoleResult:
    """``rule``'s owed periods that start from ``first`` to ``last`` (and by ``today``), each
    with the checks made in it (the days in ``checks``)."""
    if not rule.counted:
        return RoleResult(rule.role, rule, ())
    days = sorted(checks)
    periods = [
        period_check(rule, period, days, today)
        for period in periods_starting(rule.period, max(first, owed_from), min(last, today))
    ]
    return RoleResult(rule.role, rule, tuple(periods))


@dataclass(frozen=True)
class Standing:
    """A role on the source's page: this period (its checks so far) and the one before."""

    current: PeriodCheck | None
    previous: PeriodCheck | None

    @property
    def overdue(self) -> bool:
        return self.previous is not None and self.previous.status == SHORT


def standing(rule: Rule, *, owed_from: date, checks: Iterable[date], today: date) -> Standing:
    """Where a role stands ``today``: None for a period it does not owe (or no frequency)."""
    if not rule.counted:
        return Standing(None, None)
    days = list(checks)
    current = period_of(rule.period, today)
    before = period_of(rule.period, current.start - timedelta(days=1))
    return Standing(
        period_check(rule, current, days, today) if current.start >= owed_from else None,
        period_check(rule, before, days, today) if before.start >= owed_from else None,
    )
