"""The indicator report of a region: figures, last year's, the change, the trend, the target
that applies (a city's plan inherited by its districts unless they set their own), whether
it is met, the drill-down to the records — and who may read it (scope)."""

from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from anjian.analytics import selectors
from anjian.analytics.choices import Comparison
from anjian.analytics.models import Denominator, IndicatorPlan, IndicatorTarget
from anjian.analytics.tests.factories import AS_OF, denominators, ledger, local
from anjian.core.exceptions import OutOfScope
from anjian.regions.models import Region
from testsupport import world

pytestmark = pytest.mark.django_db

YANGPU = world.YANGPU


@pytest.fixture
def records(db):
    found = ledger()
    denominators()
    return found


def plan(code: str, name: str, *targets, baseline=2020, target_year=2025, active=True):
    region = Region.objects.get(code=code)
    made = IndicatorPlan.objects.create(
        name=name,
        region=region,
        region_code=code,
        baseline_year=baseline,
        target_year=target_year,
        is_active=active,
        created_by=world.actor("admin"),
    )
    for indicator, comparison, value, *baseline_value in targets:
        IndicatorTarget.objects.create(
            plan=made,
            indicator=indicator,
            comparison=comparison,
            value=Decimal(value),
            baseline_value=Decimal(baseline_value[0]) if baseline_value else None,
        )
    return made


def city_plan(**kwargs):
    """Seed 000: 亿元GDP死亡率 ＜0.01 and 工矿商贸 rate down 7.5 % (from 2020's stated 2.5)."""
    return plan(
        "31",
        "上海市安全生产“十四五”规划",
        ("gdp_death_rate", Comparison.BELOW, "0.01"),
        ("industry_trade_death_rate", Comparison.REDUCE_BY_PERCENT, "7.5", "2.5"),
        **kwargs,
    )


def report(actor="district_official", code=YANGPU, year=2024, **kwargs):
    return selectors.indicator_report(world.actor(actor), code, year, as_of=AS_OF, **kwargs)


def test_each_line_has_the_figure_last_years_and_the_change(records):
    gdp = report().line("gdp_death_rate")
    assert gdp.figure.value == Decimal("0.0080")  # 20 ÷ 2500
    assert gdp.previous.value == Decimal("0.0013")  # 3 ÷ 2400
    assert gdp.change == Decimal("0.0067")
    assert gdp.change_percent == Decimal("515.4")  # 0.0067 ÷ 0.0013
    deaths = report().line("deaths")
    assert (deaths.figure.value, deaths.previous.value, deaths.change) == (20, 3, 17)
    road = report().line("road_death_rate")  # 2023 has no motor vehicles: no change
    assert road.previous.value is None and road.change is None and road.change_percent is None


def test_the_trend_is_five_years_ending_with_the_year(records):
    trend = report().line("deaths").trend
    assert [(year, figure.value) for year, figure in trend] == [
        (2020, 24),
        (2021, 0),
        (2022, 0),
        (2023, 3),
        (2024, 20),
    ]
    gdp = dict(report().line("gdp_death_rate").trend)
    assert gdp[2020].value == Decimal("0.0120")  # 24 ÷ 2000
    assert gdp[2021].value is None  # no denominator


def test_year_to_date_compares_the_same_months(records):
    deaths = report(through_month=6).line("deaths")
    # Jan–Jun 2024: A1 1 + A9 10 + A2 4 = 15; Jan–Jun 2023: B1 2.
    assert (deaths.figure.value, deaths.previous.value) == (15, 2)
    assert not report(through_month=6).complete
    assert deaths.drilldown["through_month"] == 6


def test_a_whole_past_year_is_complete_and_the_current_one_is_not(records):
    assert report().complete
    current = selectors.indicator_report(
        world.actor("district_official"), YANGPU, 2024, as_of=local(2024, 12, 31, 12)
    )
    assert not current.complete


def test_pending_missing_are_shown_beside_the_deaths(records):
    early = selectors.indicator_report(
        world.actor("district_official"), YANGPU, 2024, as_of=local(2025, 1, 2)
    )
    assert early.line("deaths").figure.value == 18
    assert early.line("deaths").pending_missing == 2
    assert early.line("industry_trade_deaths").pending_missing == 0


def test_the_citys_plan_applies_to_its_district(records):
    city_plan()
    lines = report()
    gdp = lines.line("gdp_death_rate").target
    assert gdp.inherited and gdp.plan.region_code == "31"
    assert gdp.met is True  # 0.0080 < 0.01
    assert gdp.text == "< 0.01"
    it = lines.line("industry_trade_death_rate").target
    # 2.000 ≤ 2.5 × (1 − 7.5 %) = 2.3125
    assert it.baseline == Decimal("2.5") and it.baseline_from_plan
    assert it.threshold == Decimal("2.3125") and it.met is True
    assert it.text == "比2020年下降 7.5%"
    assert lines.line("deaths").target is None  # the city's plan sets none


def test_a_districts_own_target_overrides_the_citys_and_the_rest_is_inherited(records):
    city_plan()
    plan(
        YANGPU,
        "杨浦区安全生产“十四五”规划",
        ("gdp_death_rate", Comparison.AT_MOST, "0.007"),
        ("road_death_rate", Comparison.AT_MOST, "1.35"),
        # Seed 002's 死亡人数下降15%, from the records of 2020: 24 × 0.85 = 20.4
        ("deaths", Comparison.REDUCE_BY_PERCENT, "15"),
    )
    lines = report()
    gdp = lines.line("gdp_death_rate").target
    assert not gdp.inherited and gdp.met is False  # 0.0080 > 0.007
    assert lines.line("road_death_rate").target.met is True  # 0.10 ≤ 1.35
    deaths = lines.line("deaths").target
    assert deaths.baseline == 24 and not deaths.baseline_from_plan
    assert deaths.threshold == Decimal("20.4") and deaths.met is True  # 20 ≤ 20.4
    assert lines.line("industry_trade_death_rate").target.inherited  # the city's still


def test_targets_not_met(records):
    plan(
        YANGPU,
        "杨浦区",
        ("gdp_death_rate", Comparison.BELOW, "0.008"),  # 0.0080 is not below 0.008
        ("accident_count", Comparison.AT_MOST, "6"),  # 7 > 6
        ("industry_trade_deaths", Comparison.REDUCE_BY_PERCENT, "80", "20"),  # 6 > 4
    )
    lines = report()
    assert lines.line("gdp_death_rate").target.met is False
    assert lines.line("accident_count").target.met is False
    assert lines.line("industry_trade_deaths").target.threshold == Decimal("4")
    assert lines.line("industry_trade_deaths").target.met is False


def test_a_reduction_from_a_baseline_without_denominator_cannot_be_judged(records):
    # 2020 has GDP only: the 工矿商贸 rate of 2020 cannot be computed from the records.
    plan(YANGPU, "杨浦区", ("industry_trade_death_rate", Comparison.REDUCE_BY_PERCENT, "20"))
    target = report().line("industry_trade_death_rate").target
    assert target.met is None and target.baseline is None and target.reason


def test_only_active_plans_covering_the_year_apply(records):
    city_plan(active=False)
    plan("31", "十五五", ("gdp_death_rate", Comparison.AT_MOST, "0.001"), baseline=2025,
         target_year=2030)  # fmt: skip
    assert report().line("gdp_death_rate").target is None
    assert report(year=2026).line("gdp_death_rate").target.plan.name == "十五五"


def test_a_street_inherits_its_districts_plan(records):
    plan(YANGPU, "杨浦区", ("deaths", Comparison.AT_MOST, "10"))
    street = report("street_officer", code=world.YINHANG)
    # 殷行: A1 1 + A2 4 + A5 1 + A10 2 = 8 ≤ 10; no denominators for a street.
    assert street.line("deaths").figure.value == 8
    assert street.line("deaths").target.met is True and street.line("deaths").target.inherited
    assert street.line("gdp_death_rate").figure.value is None


def test_the_drilldown_lists_the_records_behind_each_figure(records):
    line = report().line("larger_and_above_count")
    assert line.drilldown == {
        "region": YANGPU,
        "year": 2024,
        "group": "all",
        "counted": 1,
        "grade": ["larger", "major", "extraordinary"],
    }
    url = urlsplit(line.drilldown_url)
    assert url.path == "/accidents/"
    assert parse_qs(url.query) == {
        "region": [YANGPU],
        "year": ["2024"],
        "group": ["all"],
        "counted": ["1"],
        "grade": ["larger", "major", "extraordinary"],
    }
    road = report().line("road_death_rate").drilldown
    assert road["group"] == "road" and "grade" not in road


def test_breakdown_rows_link_to_their_records(records):
    rows = selectors.breakdown(world.actor("leader"), YANGPU, 2024, "street", as_of=AS_OF)
    yinhang = next((row, url) for row, url in rows if row.key == world.YINHANG)
    assert yinhang[0].deaths == 8
    assert parse_qs(urlsplit(yinhang[1]).query)["region"] == [world.YINHANG]
    grades = selectors.breakdown(world.actor("leader"), YANGPU, 2024, "grade", as_of=AS_OF)
    assert parse_qs(urlsplit(grades[1][1]).query)["grade"] == ["larger"]


def test_the_report_takes_a_handful_of_queries(records, django_assert_max_num_queries):
    city_plan()
    official = world.actor("district_official")
    assert official.scope.region_prefix == YANGPU  # the user's scope is read once, before
    # The region, the trend's totals, the baselines' totals, the denominators, the plans and
    # their targets.
    with django_assert_max_num_queries(6):
        selectors.indicator_report(official, YANGPU, 2024, as_of=AS_OF)


@pytest.mark.parametrize(
    ("actor", "code"),
    [
        ("neighbour_official", YANGPU),  # another district
        ("street_officer", YANGPU),  # the street's officer asking for the whole district
        ("enterprise_manager", YANGPU),
        ("expert", YANGPU),
        ("district_official", "31"),  # the district asking for the city
        ("district_official", world.HONGKOU),
    ],
)
def test_a_region_outside_the_scope_is_out_of_scope(records, actor, code):
    with pytest.raises(OutOfScope):
        report(actor, code=code)
    with pytest.raises(OutOfScope):
        selectors.breakdown(world.actor(actor), code, 2024)


def test_the_leader_and_a_department_read_the_districts_figures(records):
    assert report("leader").line("deaths").figure.value == 20
    # A 行业部门 user reads the district's statistics, not only its industries'.
    assert report("housing_official").line("deaths").figure.value == 20


def test_denominators_of_another_district_are_invisible(records):
    hongkou = Region.objects.get(code=world.HONGKOU)
    Denominator.objects.create(region=hongkou, region_code=hongkou.code, year=2024, gdp=1000)
    seen = selectors.denominator_list(world.actor("neighbour_official"))
    assert list(seen.values_list("region_code", flat=True)) == [world.HONGKOU]
    ours = selectors.denominator_list(world.actor("district_official"))
    assert set(ours.values_list("region_code", flat=True)) == {YANGPU}
    assert selectors.denominator_list(world.actor("admin"), year=2024).count() == 2


def test_plans_are_read_in_the_scope_and_above_it(records):
    city = city_plan()
    yangpu = plan(YANGPU, "杨浦区")
    hongkou = plan(world.HONGKOU, "虹口区")
    ids = set(selectors.plans_for(world.actor("district_official")).values_list("pk", flat=True))
    assert ids == {city.pk, yangpu.pk}
    assert selectors.plan_get(world.actor("neighbour_official"), hongkou.pk) == hongkou
    with pytest.raises(OutOfScope):
        selectors.plan_get(world.actor("neighbour_official"), yangpu.pk)
    assert not selectors.plans_for(world.actor("enterprise_manager")).exists()
