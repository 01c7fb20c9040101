"""The reminders: filing due in three working days or overdue, a submission waiting for the
authority, assessment due in 30 days or overdue, improvement tasks overdue, drills owed at
the end of a half-year — each told to whoever acts next, once (a second run tells no one)."""

from datetime import date

import pytest

from anjian.core import workdays
from anjian.core.models import Notification, WorkCalendarDay, WorkCalendarYear
from anjian.emergency import sweeps
from anjian.emergency.choices import DrillKind, PlanType
from anjian.emergency.tests.factories_plans import (
    drill,
    evaluated,
    government_plan,
    held,
    in_force,
    publish,
    submit,
    unit_plan,
)
from testsupport import world

pytestmark = pytest.mark.django_db


def told(name: str) -> list[str]:
    return list(
        Notification.objects.filter(recipient=world.actor(name), kind="emergency").values_list(
            "title", flat=True
        )
    )


def test_the_unit_is_told_three_working_days_before_the_filing_deadline_and_after_it():
    plan = publish(unit_plan(), on=date(2026, 11, 30))
    assert plan.filing_due_on == date(2026, 12, 28)
    assert sweeps.remind_filing(date(2026, 12, 22)) == 0  # 12-25 is the horizon
    assert sweeps.remind_filing(date(2026, 12, 23)) == 2  # 12-28 is three working days on
    soon = "预案备案即将到期：《生产安全事故综合应急预案》（期限2026-12-28）"
    assert told("enterprise_manager") == told("district_official") == [soon]  # unit, author
    assert sweeps.remind_filing(date(2026, 12, 24)) == 0  # once
    assert sweeps.remind_filing(date(2026, 12, 29)) == 2
    assert "逾期未报送备案" in told("enterprise_manager")[0]


def test_the_author_is_among_the_keepers_told():
    manager = world.actor("enterprise_manager")
    plan = publish(unit_plan(manager), manager, on=date(2026, 3, 2))
    assert sweeps.remind_filing(date(2026, 4, 1)) == 1  # the author, who is the unit's user
    assert told("enterprise_manager")[0].startswith("预案逾期未报送备案")
    assert plan.pk


def test_a_submission_waiting_past_the_deadline_is_told_to_the_authority():
    manager = world.actor("enterprise_manager")
    submit(publish(unit_plan(manager), manager, on=date(2026, 3, 2)), manager, on=date(2026, 3, 3))
    assert sweeps.remind_filing(date(2026, 3, 30)) == 0  # due that day
    assert sweeps.remind_filing(date(2026, 3, 31)) == 1
    assert told("district_official") == [
        "预案备案待审查已超期：上海殷行化工有限公司《生产安全事故综合应急预案》"
    ]
    assert told("enterprise_manager") == []
    assert told("neighbour_official") == []


def test_where_the_calendar_ends_the_reminder_looks_a_week_ahead():
    last = workdays.PACKAGE_YEARS.stop - 1
    WorkCalendarDay.objects.filter(day__year__gt=last).delete()
    WorkCalendarYear.objects.filter(year__gt=last).delete()
    assert sweeps.filing_horizon(date(last, 12, 30)) == date(last + 1, 1, 6)
    assert sweeps.filing_horizon(date(last, 3, 2)) == workdays.add_working_days(date(last, 3, 2), 3)


def test_assessment_is_reminded_30_days_ahead_and_when_overdue():
    in_force(on=date(2023, 12, 20))  # assessment due 2026-12-20
    assert sweeps.remind_assessment(date(2026, 11, 19)) == 0
    assert sweeps.remind_assessment(date(2026, 11, 20)) == 2  # its author and the unit
    assert sweeps.remind_assessment(date(2026, 12, 1)) == 0
    assert sweeps.remind_assessment(date(2026, 12, 21)) == 2
    assert [t[:7] for t in told("enterprise_manager")] == ["预案评估已逾期", "预案评估即将到"]


def test_an_overdue_improvement_task_is_told_once_and_a_done_one_never():
    problem = {
        "description": "对讲机信号差",
        "improvement": "增设中继台",
        "responsible": "设备部",
        "due_on": date(2026, 8, 31),
    }
    evaluated(held(drill()), problems=[problem])
    assert sweeps.remind_drill_problems(date(2026, 8, 31)) == 0
    assert sweeps.remind_drill_problems(date(2026, 9, 1)) == 2
    assert sweeps.remind_drill_problems(date(2026, 9, 2)) == 0
    assert told("enterprise_manager") == ["演练整改逾期：储罐区泄漏现场处置演练"]


def test_units_still_owing_a_drill_are_told_in_the_last_30_days_of_the_half_year():
    onsite = in_force(on=date(2025, 1, 10), plan_type=PlanType.ONSITE, title="现场处置方案")
    held(drill(plan=onsite), on=date(2026, 3, 10))  # the first half is done
    in_force(government_plan, on=date(2025, 1, 10))  # 杨浦区: no drill in 2025–2026
    assert sweeps.remind_drills_owed(date(2026, 11, 30)) == 0  # not yet the last 30 days
    assert sweeps.remind_drills_owed(date(2026, 12, 6)) == 2
    assert told("enterprise_manager") == ["应急演练尚未完成：上海殷行化工有限公司 2026年下半年"]
    assert told("district_official") == ["应急演练尚未完成：杨浦区人民政府 2025—2026年"]
    assert sweeps.remind_drills_owed(date(2026, 12, 7)) == 0  # once
    held(drill(kind=DrillKind.ONSITE, title="第二次"), on=date(2026, 11, 20))
    assert sweeps.remind_drills_owed(date(2027, 6, 1)) == 1  # the next half-year
