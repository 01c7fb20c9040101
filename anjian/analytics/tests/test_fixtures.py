"""The demo's denominators and plans: plausible figures for 杨浦区 and the city, the plans of
seeds 000 and 004 expressed on the engine's indicators, and idempotent."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from anjian.analytics import selectors
from anjian.analytics.choices import Comparison
from anjian.analytics.fixtures import SOURCE, build_demo_indicators, demo_years
from anjian.analytics.models import Denominator, IndicatorPlan, IndicatorTarget
from anjian.regions.models import Region
from testsupport import world

pytestmark = pytest.mark.django_db


def build():
    return build_demo_indicators(
        by=world.actor("admin"),
        district=Region.objects.get(code=world.YANGPU),
        city=Region.objects.get(code="31"),
    )


def test_the_years_are_the_baseline_and_the_six_up_to_this_one():
    this_year = timezone.localdate().year
    years = demo_years()
    assert years[0] == 2020 and years[-1] == this_year
    assert set(range(this_year - 5, this_year + 1)) <= set(years)


def test_denominators_are_plausible_and_labelled_synthetic():
    build()

    district = {d.year: d for d in Denominator.objects.filter(region_code=world.YANGPU)}
    city = {d.year: d for d in Denominator.objects.filter(region_code="31")}
    assert sorted(district) == sorted(city) == demo_years()
    assert Decimal(2300) <= district[2020].gdp < Decimal(2400)
    assert all(district[y].gdp < district[y + 1].gdp for y in sorted(district)[:-1])
    assert all(270_000 <= d.industry_trade_employees <= 290_000 for d in district.values())
    assert all(280_000 <= d.motor_vehicles <= 320_000 for d in district.values())
    assert Decimal(38_700) <= city[2020].gdp < Decimal(38_800)
    assert Decimal(46_900) <= city[2024].gdp <= Decimal(47_100)
    assert all(4_600_000 <= d.motor_vehicles <= 5_300_000 for d in city.values())
    assert all(8_400_000 <= d.industry_trade_employees <= 8_600_000 for d in city.values())
    assert {d.source for d in [*district.values(), *city.values()]} == {SOURCE}


def test_the_plans_are_seeds_000_and_004_on_the_engine_s_indicators():
    build()

    city = IndicatorPlan.objects.get(region_code="31")
    district = IndicatorPlan.objects.get(region_code=world.YANGPU)
    assert city.name == "上海市安全生产“十四五”规划"
    assert district.name == "杨浦区应急管理“十四五”规划"
    assert (city.baseline_year, city.target_year) == (district.baseline_year, 2025) == (2020, 2025)
    targets = {
        (t.plan.region_code, t.indicator): (t.comparison, t.value, t.baseline_value)
        for t in IndicatorTarget.objects.select_related("plan")
    }
    assert targets == {
        ("31", "gdp_death_rate"): (Comparison.BELOW, Decimal("0.01"), None),
        ("31", "industry_trade_death_rate"): (
            Comparison.REDUCE_BY_PERCENT,
            Decimal("7.5"),
            Decimal("1.5"),
        ),
        (world.YANGPU, "major_and_above_count"): (Comparison.AT_MOST, Decimal("0"), None),
        (world.YANGPU, "road_deaths"): (Comparison.AT_MOST, Decimal("13.4"), None),
    }
    synthetic = IndicatorTarget.objects.get(indicator="industry_trade_death_rate")
    assert "演示数据（合成）" in synthetic.note


def test_the_district_inherits_the_city_s_gdp_target_and_keeps_its_own():
    build()

    report = selectors.indicator_report(world.actor("leader"), world.YANGPU, 2025)

    gdp = report.line("gdp_death_rate")
    assert gdp.figure.available and gdp.target.inherited and gdp.target.plan.region_code == "31"
    road = report.line("road_deaths").target
    assert not road.inherited and road.text == "≤ 13.4"


def test_running_it_twice_changes_nothing():
    build()
    before = {
        "denominators": sorted(Denominator.objects.values_list("pk", "version", "gdp")),
        "plans": sorted(IndicatorPlan.objects.values_list("pk", "version")),
        "targets": sorted(IndicatorTarget.objects.values_list("pk", "value", "note")),
        "log": LogEntry.objects.count(),
    }

    again = build()

    assert again["denominators"] == 0
    assert {
        "denominators": sorted(Denominator.objects.values_list("pk", "version", "gdp")),
        "plans": sorted(IndicatorPlan.objects.values_list("pk", "version")),
        "targets": sorted(IndicatorTarget.objects.values_list("pk", "value", "note")),
        "log": LogEntry.objects.count(),
    } == before
