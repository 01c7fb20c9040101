"""Which plans are due (daily → today, weekly → this ISO week, monthly → this month), and
that every read goes through the reader's scope."""

import pytest

from anjian.hazards.choices import CheckFrequency
from anjian.hazards.selfcheck import selectors
from anjian.hazards.selfcheck.services import plan_deactivate
from anjian.hazards.tests import selfcheck_factories as make
from testsupport import world

# Wednesday 18 November 2026, 15:00 in Shanghai (ISO week 47 runs Mon 16 – Sun 22).
WEDNESDAY = make.local(2026, 11, 18, 15, 0)


def due_names(user, now) -> set[str]:
    return set(selectors.plans_due(user, now=now).values_list("name", flat=True))


def is_due(plan, now) -> bool:
    return selectors.plan_get(world.actor("enterprise_manager"), plan.pk, now=now).is_due


def test_each_period_starts_at_local_midnight(db):
    assert selectors.period_start(CheckFrequency.DAILY, WEDNESDAY) == make.local(2026, 11, 18)
    assert selectors.period_start(CheckFrequency.WEEKLY, WEDNESDAY) == make.local(2026, 11, 16)
    assert selectors.period_start(CheckFrequency.MONTHLY, WEDNESDAY) == make.local(2026, 11, 1)
    assert selectors.period_start(CheckFrequency.SPECIAL, WEDNESDAY) is None
    monday = make.local(2026, 11, 16, 0, 5)
    assert selectors.period_start(CheckFrequency.WEEKLY, monday) == make.local(2026, 11, 16)


def test_a_daily_plan_is_due_until_it_is_checked_today(db):
    plan = make.plan(frequency=CheckFrequency.DAILY)
    assert is_due(plan, WEDNESDAY)
    make.record_at(plan, make.local(2026, 11, 17, 23, 30))  # yesterday, late
    assert is_due(plan, WEDNESDAY)
    make.record_at(plan, make.local(2026, 11, 18, 0, 10))
    assert not is_due(plan, WEDNESDAY)
    assert is_due(plan, make.local(2026, 11, 19, 0, 1))


def test_a_daily_plan_checked_before_midnight_in_shanghai_is_not_done_for_the_next_day(db):
    # 23:30 on the 17th in Shanghai is 15:30 UTC: the day is the local one.
    plan = make.plan(frequency=CheckFrequency.DAILY)
    make.record_at(plan, make.local(2026, 11, 17, 23, 30))
    assert is_due(plan, make.local(2026, 11, 18, 0, 30))


def test_a_weekly_plan_checked_on_monday_is_done_until_sunday(db):
    plan = make.plan(frequency=CheckFrequency.WEEKLY)
    make.record_at(plan, make.local(2026, 11, 15, 20, 0))  # Sunday of the week before
    assert is_due(plan, WEDNESDAY)
    make.record_at(plan, make.local(2026, 11, 16, 8, 0))
    assert not is_due(plan, WEDNESDAY)
    assert not is_due(plan, make.local(2026, 11, 22, 23, 59))
    assert is_due(plan, make.local(2026, 11, 23, 0, 1))


def test_a_monthly_plan_is_due_once_per_calendar_month(db):
    plan = make.plan(frequency=CheckFrequency.MONTHLY)
    make.record_at(plan, make.local(2026, 10, 31, 18, 0))
    assert is_due(plan, WEDNESDAY)
    make.record_at(plan, make.local(2026, 11, 1, 9, 0))
    assert not is_due(plan, WEDNESDAY)
    assert not is_due(plan, make.local(2026, 11, 30, 23, 0))
    assert is_due(plan, make.local(2026, 12, 1, 0, 1))


def test_special_and_stopped_plans_are_never_due(db):
    make.plan(name="有限空间专项", frequency=CheckFrequency.SPECIAL)
    stopped = make.plan(name="停用的日检", frequency=CheckFrequency.DAILY)
    plan_deactivate(by=world.actor("enterprise_manager"), plan_id=stopped.pk)
    make.plan(name="罐区日检", frequency=CheckFrequency.DAILY)
    assert due_names(world.actor("enterprise_manager"), WEDNESDAY) == {"罐区日检"}


@pytest.mark.parametrize(
    ("actor", "sees"),
    [
        ("enterprise_manager", True),
        ("district_official", True),
        ("street_officer", True),
        ("grid_member", True),
        ("leader", True),
        ("neighbour_official", False),
        ("housing_official", False),  # 建管委 supervises construction and gas, not 危化
        ("expert", False),
    ],
)
def test_plans_and_records_are_read_through_the_readers_scope(db, actor, sees):
    plan = make.plan(name="罐区日检")
    record = make.record_at(plan, WEDNESDAY)
    user = world.actor(actor)
    assert (plan in selectors.plan_list(user)) == sees
    assert (plan in selectors.plans_due(user, now=make.local(2026, 11, 19, 9, 0))) == sees
    assert (record in selectors.record_list(user)) == sees


def test_another_enterprise_user_sees_none_of_this_enterprises_plans(db):
    make.plan(name="罐区日检")
    assert not selectors.plan_list(make.enterprise_user()).exists()


def test_the_plan_list_shows_due_plans_first_with_their_last_check(db):
    done = make.plan(name="已检", frequency=CheckFrequency.DAILY)
    make.record_at(done, make.local(2026, 11, 18, 9, 0))
    make.plan(name="未检", frequency=CheckFrequency.DAILY)
    plans = list(selectors.plan_list(world.actor("enterprise_manager"), now=WEDNESDAY))
    assert [(p.name, p.is_due) for p in plans] == [("未检", True), ("已检", False)]
    assert plans[1].last_performed_at == make.local(2026, 11, 18, 9, 0)
    assert plans[0].last_performed_at is None
    assert plans[0].item_count == len(make.ITEMS)


def test_open_hazards_from_earlier_checks_are_shown_per_item(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    plan = make.plan()
    record = make.submit(plan, {0: "出口堵塞"})
    found = selectors.open_hazards_by_item(world.actor("enterprise_manager"), plan)
    result = record.results.get(passed=False)
    assert found == {result.item_id: result.hazard}
