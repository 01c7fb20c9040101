"""Drill frequency: the rules over plain data (both halves, the year boundary, a period
not yet ended, higher-risk units, governments every two years, plans published late in a
period), then 演练完成率 over the world's units with each figure opening its rows."""

from datetime import date
from decimal import Decimal

import pytest

from anjian.emergency import compliance as rules
from anjian.emergency import selectors_drills, services_plans
from anjian.emergency.choices import DrillKind, OwnerKind, PlanType
from anjian.emergency.tests.factories_plans import (
    drill,
    government_plan,
    held,
    in_force,
    publish,
)
from testsupport import world

LONG_AGO = date(2024, 1, 10)


def unit(kind=rules.ENTERPRISE, *, higher_risk=False, key="u", **since) -> rules.Unit:
    return rules.Unit(key, kind, since or {PlanType.ONSITE: LONG_AGO}, higher_risk)


def drills(*days, kind=DrillKind.ONSITE, key="u") -> list[rules.HeldDrill]:
    return [rules.HeldDrill(key, kind, day) for day in days]


def statuses(result) -> dict:
    return {(c.rule.code, c.period.label): c.status for c in result.checks}


def test_an_onsite_drill_each_half_year_and_a_half_year_not_ended_is_not_behind():
    onsite = unit()
    spring = drills(date(2026, 3, 1))
    result = rules.check_unit(onsite, spring, year=2026, today=date(2026, 5, 1))
    assert statuses(result) == {
        ("half_year_onsite", "2026年上半年"): rules.MET,
        ("half_year_onsite", "2026年下半年"): rules.OPEN,
    }
    assert result.on_track and not result.done and not result.behind
    # nothing held: open on the half-year's last day, behind the day after
    assert not rules.check_unit(onsite, [], year=2026, today=date(2026, 6, 30)).behind
    after = rules.check_unit(onsite, [], year=2026, today=date(2026, 7, 1))
    assert statuses(after)[("half_year_onsite", "2026年上半年")] == rules.BEHIND
    assert after.behind and not after.on_track
    # the second half: behind only once the year has ended
    both = drills(date(2026, 3, 1))
    assert not rules.check_unit(onsite, both, year=2026, today=date(2026, 12, 31)).behind
    assert rules.check_unit(onsite, both, year=2026, today=date(2027, 1, 1)).behind
    full = drills(date(2026, 3, 1), date(2026, 7, 1))
    assert rules.check_unit(onsite, full, year=2026, today=date(2027, 1, 1)).done


def test_a_drill_counts_in_the_period_of_its_day_across_the_year_boundary():
    onsite = unit(**{PlanType.ONSITE: LONG_AGO, PlanType.COMPREHENSIVE: LONG_AGO})
    new_years_eve = drills(date(2025, 12, 31)) + drills(date(2025, 12, 31), kind=DrillKind.SPECIAL)
    last_year = rules.check_unit(onsite, new_years_eve, year=2025, today=date(2026, 1, 2))
    assert statuses(last_year)[("half_year_onsite", "2025年下半年")] == rules.MET
    assert statuses(last_year)[("yearly_comprehensive", "2025年")] == rules.MET
    this_year = rules.check_unit(onsite, new_years_eve, year=2026, today=date(2026, 1, 2))
    assert set(statuses(this_year).values()) == {rules.OPEN}
    assert rules.check_unit(onsite, new_years_eve, year=2026, today=date(2027, 1, 1)).behind


def test_only_comprehensive_or_specific_drills_count_for_the_yearly_rule():
    unit_ = unit(**{PlanType.SPECIAL: LONG_AGO})
    onsite_only = drills(date(2026, 4, 1))
    result = rules.check_unit(unit_, onsite_only, year=2026, today=date(2027, 1, 1))
    assert statuses(result) == {("yearly_comprehensive", "2026年"): rules.BEHIND}
    special = drills(date(2026, 4, 1), kind=DrillKind.SPECIAL)
    assert rules.check_unit(unit_, special, year=2026, today=date(2027, 1, 1)).done


def test_a_higher_risk_unit_drills_every_half_year_of_any_kind():
    risky = unit(higher_risk=True, **{PlanType.COMPREHENSIVE: LONG_AGO})
    one = drills(date(2026, 2, 1), kind=DrillKind.COMPREHENSIVE)
    result = rules.check_unit(risky, one, year=2026, today=date(2026, 8, 1))
    assert statuses(result) == {
        ("yearly_comprehensive", "2026年"): rules.MET,
        ("half_year_higher_risk", "2026年上半年"): rules.MET,
        ("half_year_higher_risk", "2026年下半年"): rules.OPEN,
    }
    plain = unit(**{PlanType.COMPREHENSIVE: LONG_AGO})
    assert [
        c.rule.code for c in rules.check_unit(plain, one, year=2026, today=date(2026, 8, 1)).checks
    ] == ["yearly_comprehensive"]


def test_governments_and_departments_drill_once_in_two_years_a_rule_of_medium_confidence():
    assert rules.BIENNIAL_GOVERNMENT.confidence == "M"
    for kind in (rules.GOVERNMENT, rules.DEPARTMENT):
        government = unit(kind, **{PlanType.OVERALL: LONG_AGO})
        once = drills(date(2025, 6, 1), kind=DrillKind.COMPREHENSIVE)
        result = rules.check_unit(government, once, year=2026, today=date(2027, 1, 1))
        assert statuses(result) == {("biennial_government", "2025—2026年"): rules.MET}
        nothing = rules.check_unit(government, once, year=2027, today=date(2027, 12, 31))
        assert not nothing.behind
        assert rules.check_unit(government, once, year=2027, today=date(2028, 1, 1)).behind


def test_a_plan_published_after_the_middle_of_a_period_does_not_owe_that_period():
    # The second half-year's middle day is 30 September.
    late = unit(**{PlanType.ONSITE: date(2026, 10, 1)})
    assert rules.check_unit(late, [], year=2026, today=date(2027, 1, 1)).checks == ()
    just = unit(**{PlanType.ONSITE: date(2026, 9, 30)})
    result = rules.check_unit(just, [], year=2026, today=date(2027, 1, 1))
    assert statuses(result) == {("half_year_onsite", "2026年下半年"): rules.BEHIND}


def test_the_completion_rate_counts_units_on_track_among_those_that_owe():
    results = rules.assess(
        [unit(key="a"), unit(key="b"), rules.Unit("c", rules.ENTERPRISE, {})],
        drills(date(2026, 3, 1), key="a"),
        year=2026,
        today=date(2026, 7, 1),
    )
    assert rules.completion_rate(results) == (1, 2)  # "c" has no plan the rules ask of


def test_a_check_is_reminded_in_the_last_30_days_of_its_period():
    result = rules.check_unit(unit(), [], year=2026, today=date(2026, 5, 31))
    assert [c.period.label for c in rules.closing_soon(result, date(2026, 5, 31))] == [
        "2026年上半年"
    ]
    assert rules.closing_soon(result, date(2026, 5, 30)) == []


@pytest.mark.parametrize(
    ("industry", "flags", "higher"),
    [
        ("hazchem", {}, True),
        ("construction", {}, True),
        ("metallurgy", {}, True),
        ("commerce", {}, True),
        ("machinery", {}, False),
        ("machinery", {"crowded_place": True}, True),
        ("textile", {"involves_hazchem": True}, True),
    ],
)
def test_higher_risk_units_follow_their_industry_or_flags(industry, flags, higher):
    assert bool(rules.higher_risk_reason(industry, flags)) is higher


# --- 演练完成率 over the world -------------------------------------------------------------------


@pytest.fixture
def units(db):
    """殷行化工 (危化: higher risk; comprehensive and on-site plans, an on-site drill in the
    first half and a comprehensive one in the second), 平凉机械 (an on-site plan, no drill)
    and 杨浦区 (an overall plan, no drill)."""
    in_force(on=date(2025, 1, 10))
    onsite = in_force(on=date(2025, 1, 10), plan_type=PlanType.ONSITE, title="现场处置方案")
    in_force(on=date(2025, 1, 10), enterprise="pingliang_factory", plan_type=PlanType.ONSITE)
    in_force(government_plan, on=date(2025, 1, 10))
    held(drill(plan=onsite), on=date(2026, 3, 10))
    held(drill(kind=DrillKind.COMPREHENSIVE, title="综合演练"), on=date(2026, 9, 10))
    return {
        "chemical": f"enterprise:{world.enterprise('yinhang_chemical').pk}",
        "factory": f"enterprise:{world.enterprise('pingliang_factory').pk}",
        "government": f"government:{world.YANGPU}",
    }


def test_the_completion_rate_and_each_figure_opens_exactly_its_units(units):
    official = world.actor("district_official")
    today = date(2026, 12, 6)
    found = selectors_drills.compliance(official, year=2026, today=today)
    rows = {row.key: row for row in found.rows}
    assert set(rows) == set(units.values())  # 殷行建设 has no plan: not counted
    assert rows[units["chemical"]].higher_risk_reason
    assert rows[units["factory"]].behind and not rows[units["chemical"]].behind
    figures = found.figures
    assert (figures["required"].count, figures["on_track"].count, figures["behind"].count) == (
        3,
        2,
        1,
    )
    assert figures["rate"].percent == Decimal("66.7")
    expected = {
        "required": set(units.values()),
        "on_track": {units["chemical"], units["government"]},
        "behind": {units["factory"]},
        "done": set(),
    }
    for key, keys in expected.items():
        parameters = figures[key].filter
        opened = selectors_drills.compliance(
            official, year=int(parameters["year"]), today=today, status=parameters.get("status", "")
        )
        assert {row.key for row in opened.rows} == keys, key
        assert len(opened.rows) == figures[key].count
    # after the year ends, the units without their second-half drills fall behind too
    later = selectors_drills.compliance(official, year=2026, today=date(2027, 1, 5))
    assert later.figures["on_track"].count == 0 and later.figures["behind"].count == 3


def test_a_units_row_opens_the_drills_it_counted(units):
    official = world.actor("district_official")
    found = selectors_drills.compliance(
        official, year=2026, today=date(2026, 12, 6), unit=units["chemical"]
    )
    (row,) = found.rows
    opened = selectors_drills.drills(official, **row.drills_filter(2026))
    assert sorted(d.held_on for d in opened) == [date(2026, 3, 10), date(2026, 9, 10)]


def test_compliance_is_scoped(units):
    today = date(2026, 12, 6)
    own = selectors_drills.compliance(world.actor("enterprise_manager"), year=2026, today=today)
    assert [row.key for row in own.rows] == [units["chemical"]]
    assert (
        selectors_drills.compliance(world.actor("neighbour_official"), year=2026, today=today).rows
        == []
    )
    housing = selectors_drills.compliance(world.actor("housing_official"), year=2026, today=today)
    assert [row.key for row in housing.rows] == [units["government"]]
    assert housing.figures["rate"].percent == 100


def test_a_government_drill_counts_for_the_government(units):
    official = world.actor("district_official")
    exercise = drill(
        owner_kind=OwnerKind.GOVERNMENT,
        enterprise=None,
        region=world.YANGPU,
        kind=DrillKind.COMPREHENSIVE,
        title="区级综合演练",
    )
    held(exercise, on=date(2025, 11, 1))
    later = selectors_drills.compliance(official, year=2026, today=date(2027, 1, 5))
    row = next(row for row in later.rows if row.key == units["government"])
    assert not row.behind and row.result.done


def test_a_revised_plan_owes_from_its_first_version_and_an_abolished_one_owes_nothing(db):
    official = world.actor("district_official")
    plan = in_force(on=date(2025, 1, 10))
    revision = services_plans.plan_revise(official, plan_id=plan.pk)
    revision = publish(revision, on=date(2026, 11, 1))  # after the middle of 2026
    key = f"enterprise:{world.enterprise('yinhang_chemical').pk}"
    found = selectors_drills.compliance(official, year=2026, today=date(2027, 1, 5), unit=key)
    (row,) = found.rows
    assert {check.rule.code for check in row.checks} == {
        "yearly_comprehensive",
        "half_year_higher_risk",
    }
    services_plans.plan_abolish(
        official, plan_id=revision.pk, expected_version=revision.version, reason="注销"
    )
    assert selectors_drills.compliance(official, year=2026, today=date(2027, 1, 5)).rows == []
