"""The reporting chain's clock and the statutory periods (RULES.md §2.2, §2.3, §18), against
hand-computed datetimes in Asia/Shanghai."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from anjian.accidents.choices import Category, Grade, Level
from anjian.accidents.clock import (
    due_times,
    evaluation_due,
    follow_ups_per_day,
    investigation_due,
    levels_for,
    reply_days,
    window_days,
    window_ends,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
COUNTY, CITY, PROVINCE, STATE = Level.COUNTY, Level.CITY, Level.PROVINCE, Level.STATE
# config/settings.py ACCIDENT_INVESTIGATION_DAYS without an override (RULES.md §2.3, 2013 rule)
DEFAULT_DAYS = {"general": 30, "larger": 30, "major": 60, "extraordinary": 60}


def at(hour, minute=0, day=10, month=3, year=2026):
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


KNOWN = at(8)  # the unit learns of the accident at 08:00 on 2026-03-10


@pytest.mark.parametrize(
    ("grade", "levels"),
    [
        (Grade.GENERAL, (COUNTY, CITY)),
        (Grade.LARGER, (COUNTY, CITY, PROVINCE)),
        (Grade.MAJOR, (COUNTY, CITY, PROVINCE, STATE)),
        (Grade.EXTRAORDINARY, (COUNTY, CITY, PROVINCE, STATE)),
    ],
)
def test_each_grade_climbs_to_its_level(grade, levels):
    assert levels_for(grade) == levels
    assert tuple(due_times(KNOWN, grade, {})) == levels


# 一般: county within 1 h of knowing, city 2 h after the county.


def test_a_general_accident_is_due_at_the_county_in_one_hour_and_the_city_in_three():
    due = due_times(KNOWN, Grade.GENERAL, {})
    assert due == {COUNTY: at(9), CITY: at(11)}
    assert PROVINCE not in due and STATE not in due


def test_a_county_informed_late_moves_the_city_due_later():
    due = due_times(KNOWN, Grade.GENERAL, {COUNTY: at(10, 30)})
    assert due == {COUNTY: at(9), CITY: at(12, 30)}


def test_a_county_informed_early_brings_the_city_due_earlier():
    due = due_times(KNOWN, Grade.GENERAL, {COUNTY: at(8, 20)})
    assert due == {COUNTY: at(9), CITY: at(10, 20)}


def test_a_level_informed_as_none_counts_as_not_yet_informed():
    assert due_times(KNOWN, Grade.GENERAL, {COUNTY: None, CITY: None}) == {
        COUNTY: at(9),
        CITY: at(11),
    }


def test_informed_keys_may_be_plain_strings():
    assert due_times(KNOWN, Grade.GENERAL, {"county": at(8, 20)})[CITY] == at(10, 20)


def test_a_level_informed_does_not_move_its_own_due():
    due = due_times(KNOWN, Grade.GENERAL, {COUNTY: at(10), CITY: at(13)})
    assert due == {COUNTY: at(9), CITY: at(12)}


def test_the_clock_runs_across_midnight_and_keeps_the_zone():
    due = due_times(at(23, 30), Grade.GENERAL, {})
    assert due == {COUNTY: at(0, 30, day=11), CITY: at(2, 30, day=11)}
    assert all(when.tzinfo is SHANGHAI for when in due.values())


# 较大 and above: the province is also telephoned within 1 h of the county being informed.


def test_a_larger_accident_is_due_at_the_province_one_hour_after_the_county_due():
    # chain alone: city 11:00 → province 13:00; by phone: county due 09:00 + 1 h = 10:00
    due = due_times(KNOWN, Grade.LARGER, {})
    assert due == {COUNTY: at(9), CITY: at(11), PROVINCE: at(10)}


def test_the_province_is_due_one_hour_after_the_county_was_actually_informed():
    # county 08:30 → city 10:30; city 09:00 → province min(11:00, 08:30 + 1 h) = 09:30
    due = due_times(KNOWN, Grade.LARGER, {COUNTY: at(8, 30), CITY: at(9)})
    assert due == {COUNTY: at(9), CITY: at(10, 30), PROVINCE: at(9, 30)}


def test_a_county_informed_late_moves_the_province_due_later():
    # county 11:00 → city 13:00 → province min(15:00, 12:00) = 12:00
    due = due_times(KNOWN, Grade.LARGER, {COUNTY: at(11)})
    assert due == {COUNTY: at(9), CITY: at(13), PROVINCE: at(12)}


def test_the_province_by_the_chain_wins_when_it_is_earlier_than_by_phone():
    # The chain can win only when the city hears before the county (levels may be skipped):
    # county 08:50 → phone bound 09:50; city 07:30 → chain 09:30, the earlier one.
    due = due_times(KNOWN, Grade.LARGER, {COUNTY: at(8, 50), CITY: at(7, 30)})
    assert due[PROVINCE] == at(9, 30)


def test_a_general_accident_has_no_phone_rule():
    # the same times as above but graded 一般: no province and the city keeps its 2 h
    due = due_times(KNOWN, Grade.GENERAL, {COUNTY: at(8, 30), CITY: at(9)})
    assert due == {COUNTY: at(9), CITY: at(10, 30)}


@pytest.mark.parametrize("grade", [Grade.MAJOR, Grade.EXTRAORDINARY])
def test_the_state_is_due_two_hours_after_the_province_was_informed(grade):
    # county 08:40 → city 10:40; city 09:30 → province min(11:30, 09:40) = 09:40;
    # province informed 09:35 → state 11:35
    informed = {COUNTY: at(8, 40), CITY: at(9, 30), PROVINCE: at(9, 35)}
    due = due_times(KNOWN, grade, informed)
    assert due == {COUNTY: at(9), CITY: at(10, 40), PROVINCE: at(9, 40), STATE: at(11, 35)}


@pytest.mark.parametrize("grade", [Grade.MAJOR, Grade.EXTRAORDINARY])
def test_a_province_informed_late_moves_the_state_due_later(grade):
    informed = {COUNTY: at(8, 40), CITY: at(9, 30), PROVINCE: at(14)}
    assert due_times(KNOWN, grade, informed)[STATE] == at(16)


@pytest.mark.parametrize(
    ("informed", "province", "state"),
    [
        # nothing informed: province 10:00 (phone rule) → state 12:00, not 13:00 + 2 h = 15:00
        ({}, at(10), at(12)),
        # county 08:40, city 09:30: province 09:40 → state 11:40, not 11:30 + 2 h = 13:30
        ({COUNTY: at(8, 40), CITY: at(9, 30)}, at(9, 40), at(11, 40)),
    ],
)
def test_an_uninformed_province_passes_its_own_due_to_the_state(informed, province, state):
    due = due_times(KNOWN, Grade.MAJOR, informed)
    assert due[PROVINCE] == province
    assert due[STATE] == state


# Casualty-change window (Art. 13): 7 days for road traffic and fire, 30 for the rest.

SEVEN_DAYS = {Category.ROAD, Category.FIRE}


@pytest.mark.parametrize("category", list(Category))
def test_every_category_has_its_casualty_window(category):
    days = 7 if category in SEVEN_DAYS else 30
    assert window_days(category) == days
    assert window_days(category.value) == days


@pytest.mark.parametrize(
    ("category", "ends"),
    [
        (Category.ROAD, at(8, day=17)),
        (Category.FIRE, at(8, day=17)),
        (Category.COAL_MINE, at(8, day=9, month=4)),
        (Category.WATER, at(8, day=9, month=4)),
    ],
)
def test_the_window_ends_days_after_the_accident_to_the_minute(category, ends):
    assert window_ends(at(8), category) == ends


@pytest.mark.parametrize(
    ("grade", "per_day"),
    [
        (Grade.GENERAL, 1),
        (Grade.LARGER, 1),
        (Grade.MAJOR, 2),
        (Grade.EXTRAORDINARY, 2),
    ],
)
def test_follow_ups_a_day_by_grade(grade, per_day):
    assert follow_ups_per_day(grade) == per_day


# Investigation report (Art. 29 and the 2013 rule), reply (Art. 32), evaluation a year after.


@pytest.mark.parametrize(
    ("grade", "due"),
    [
        (Grade.GENERAL, date(2026, 1, 31)),
        (Grade.LARGER, date(2026, 1, 31)),
        (Grade.MAJOR, date(2026, 3, 2)),
        (Grade.EXTRAORDINARY, date(2026, 3, 2)),
    ],
)
def test_the_investigation_is_due_by_grade_from_the_day_of_the_accident(grade, due):
    assert investigation_due(date(2026, 1, 1), grade, DEFAULT_DAYS) == due


def test_an_extension_adds_its_days():
    # 30 + 30 days from 2026-01-01
    assert investigation_due(
        date(2026, 1, 1), Grade.GENERAL, DEFAULT_DAYS, extension_days=30
    ) == date(2026, 3, 2)


def test_appraisal_days_do_not_count():
    # 30 + 12 days from 2026-01-01
    assert investigation_due(
        date(2026, 1, 1), Grade.LARGER, DEFAULT_DAYS, appraisal_days=12
    ) == date(2026, 2, 12)


def test_extension_and_appraisal_days_add_up():
    # 60 + 60 + 10 = 130 days from 2026-01-01: Jan 31, Mar 1 (+59), May 11
    assert investigation_due(
        date(2026, 1, 1), Grade.MAJOR, DEFAULT_DAYS, extension_days=60, appraisal_days=10
    ) == date(2026, 5, 11)


def test_the_investigation_days_come_from_the_given_settings():
    days = {**DEFAULT_DAYS, "general": 45}
    assert investigation_due(date(2026, 1, 1), Grade.GENERAL, days) == date(2026, 2, 15)


@pytest.mark.parametrize(
    ("grade", "days"),
    [
        (Grade.GENERAL, 15),
        (Grade.LARGER, 15),
        (Grade.MAJOR, 15),
        (Grade.EXTRAORDINARY, 30),
    ],
)
def test_reply_days_by_grade(grade, days):
    assert reply_days(grade) == days


@pytest.mark.parametrize(
    ("replied", "due"),
    [
        (date(2026, 3, 10), date(2027, 3, 10)),
        (date(2026, 12, 31), date(2027, 12, 31)),
        # 365 days, not a calendar year: across 2028-02-29 it ends a day earlier
        (date(2027, 3, 10), date(2028, 3, 9)),
    ],
)
def test_the_evaluation_is_due_365_days_after_the_reply(replied, due):
    assert evaluation_due(replied) == due
