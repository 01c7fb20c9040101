"""Writing denominators, plans and targets: who may, where, the compare-and-set on the
version, and bad input answered in Chinese on the field it is about."""

from decimal import Decimal

import pytest
from django.utils import timezone

from anjian.analytics import services
from anjian.analytics.choices import Comparison
from anjian.analytics.models import Denominator, IndicatorTarget
from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope, ValidationError
from testsupport import world

pytestmark = pytest.mark.django_db

YANGPU = world.YANGPU
GOOD = {"gdp": "2500.5", "industry_trade_employees": "300000", "motor_vehicles": 400000}


def save(actor="district_official", **overrides):
    data = {"region_id": YANGPU, "year": 2024, **GOOD, "source": "统计公报", **overrides}
    return services.denominator_save(world.actor(actor), **data)


def errors(call) -> dict:
    with pytest.raises(ValidationError) as raised:
        call()
    return raised.value.message_dict


def test_an_official_records_the_districts_denominators():
    row = save()
    assert (row.region_code, row.year, row.version) == (YANGPU, 2024, 1)
    assert row.gdp == Decimal("2500.5") and row.industry_trade_employees == 300_000
    assert row.motor_vehicles == 400_000 and row.source == "统计公报"
    assert row.updated_by == world.actor("district_official")


def test_a_year_may_be_partly_known():
    row = save(gdp="", industry_trade_employees=None)
    assert row.gdp is None and row.industry_trade_employees is None
    assert row.motor_vehicles == 400_000


def test_an_update_compares_and_sets_the_version():
    first = save()
    second = save(gdp="2600", expected_version=first.version)
    assert second.pk == first.pk and second.version == 2 and second.gdp == Decimal("2600")
    with pytest.raises(Conflict):  # edited from version 1, but it is 2 now
        save(gdp="2700", expected_version=1)
    with pytest.raises(Conflict) as raised:  # "create" where someone already entered it
        save(gdp="2700")
    assert "已有记录" in str(raised.value)
    assert Denominator.objects.get(pk=first.pk).gdp == Decimal("2600")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("gdp", "-1", "须大于0"),
        ("gdp", "0", "须大于0"),
        ("gdp", "两千亿", "不是数字"),
        ("gdp", "2500.555", "最多保留2位小数"),
        ("industry_trade_employees", "0", "须大于0"),
        ("industry_trade_employees", "-300", "须大于0"),
        ("industry_trade_employees", "三十万", "不是数字"),
        ("industry_trade_employees", "300000.5", "须为整数"),
        ("motor_vehicles", "40万", "不是数字"),
        ("motor_vehicles", "1e20", "数值过大"),
        ("year", "明年", "不是年份"),
        ("year", "", "请填写年份"),
        ("year", "1949", "不能早于"),
    ],
)
def test_bad_input_is_refused_on_its_field(field, value, message):
    found = errors(lambda: save(**{field: value}))
    assert message in found[field][0]
    assert not Denominator.objects.exists()


def test_a_year_after_this_one_is_refused():
    next_year = timezone.localdate().year + 1
    assert "不能晚于今年" in errors(lambda: save(year=next_year))["year"][0]
    assert save(year=timezone.localdate().year).pk  # this year is allowed


def test_every_bad_field_is_reported_at_once():
    found = errors(lambda: save(gdp="-1", motor_vehicles="abc", year=1800))
    assert set(found) == {"gdp", "motor_vehicles", "year"}


def test_a_row_with_nothing_to_record_is_refused():
    found = errors(lambda: save(gdp="", industry_trade_employees="", motor_vehicles=None))
    assert "至少填写一项" in found["gdp"][0]


def test_numbers_with_separators_are_read():
    row = save(gdp="2,500.50", industry_trade_employees="300,000", motor_vehicles=400000.0)
    assert (row.gdp, row.industry_trade_employees) == (Decimal("2500.50"), 300_000)


def test_another_districts_official_cannot_write_here():
    with pytest.raises(OutOfScope) as raised:
        save("neighbour_official")
    assert raised.value.field == "region"
    with pytest.raises(OutOfScope):  # nor the city's, above the district
        save(region_id="31")
    assert not Denominator.objects.exists()


@pytest.mark.parametrize("actor", ["leader", "street_officer", "housing_official", "inspector"])
def test_roles_without_indicator_manage_cannot_write(actor):
    with pytest.raises(NotPermitted):
        save(actor)


def test_denominators_are_for_a_city_or_district_not_a_street():
    found = errors(lambda: save("admin", region_id=world.YINHANG))
    assert "只能按市或区填报" in found["region"][0]
    assert save("admin", region_id="31").region_code == "31"  # the city (a municipality)


# --- plans and targets ------------------------------------------------------------------------


def make_plan(actor="district_official", **overrides):
    data = {
        "region_id": YANGPU,
        "name": "杨浦区安全生产“十四五”规划",
        "baseline_year": 2020,
        "target_year": "2025",
        "source": "杨浦区应急管理“十四五”规划",
        **overrides,
    }
    return services.plan_save(world.actor(actor), **data)


def test_a_plan_with_its_targets():
    plan = make_plan()
    official = world.actor("district_official")
    services.target_save(
        official, plan_id=plan.pk, indicator="gdp_death_rate", comparison="at_most", value="0.01"
    )
    services.target_save(
        official,
        plan_id=plan.pk,
        indicator="industry_trade_death_rate",
        comparison=Comparison.REDUCE_BY_PERCENT,
        value="20",
        baseline_value="1.3",
    )
    # Setting an indicator's target again replaces it (one per indicator).
    services.target_save(
        official, plan_id=plan.pk, indicator="gdp_death_rate", comparison="below", value="0.009"
    )
    targets = {t.indicator: t for t in plan.targets.all()}
    assert set(targets) == {"gdp_death_rate", "industry_trade_death_rate"}
    assert (targets["gdp_death_rate"].comparison, targets["gdp_death_rate"].value) == (
        "below",
        Decimal("0.009"),
    )
    assert targets["industry_trade_death_rate"].baseline_value == Decimal("1.3")
    services.target_delete(official, plan_id=plan.pk, indicator="gdp_death_rate")
    assert list(plan.targets.values_list("indicator", flat=True)) == ["industry_trade_death_rate"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"indicator": "happiness"}, "indicator", "请选择指标"),
        ({"comparison": "about"}, "comparison", "请选择目标类型"),
        ({"value": ""}, "value", "请填写目标值"),
        ({"value": "-0.01"}, "value", "不能为负数"),
        ({"value": "0.01元"}, "value", "不是数字"),
        ({"comparison": "reduce_by_percent", "value": "120"}, "value", "0到100之间"),
        ({"comparison": "reduce_by_percent", "value": "0"}, "value", "0到100之间"),
        ({"baseline_value": "0.013"}, "baseline_value", "只有“比基期下降”"),
        ({"comparison": "reduce_by_percent", "baseline_value": "-1"}, "baseline_value", "负数"),
    ],
)
def test_bad_targets_are_refused(overrides, field, message):
    plan = make_plan()
    data = {"indicator": "gdp_death_rate", "comparison": "at_most", "value": "0.01", **overrides}
    found = errors(
        lambda: services.target_save(world.actor("district_official"), plan_id=plan.pk, **data)
    )
    assert message in found[field][0]
    assert not IndicatorTarget.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": "  "}, "name", "请填写规划名称"),
        ({"baseline_year": "二〇二〇"}, "baseline_year", "年份"),
        ({"target_year": 2020}, "target_year", "须晚于基期年份"),
        ({"region_id": ""}, "region", "请选择地区"),
    ],
)
def test_bad_plans_are_refused(overrides, field, message):
    assert message in errors(lambda: make_plan(**overrides))[field][0]


def test_two_active_plans_of_a_region_may_not_cover_the_same_year():
    first = make_plan()
    found = errors(lambda: make_plan(name="另一个", baseline_year=2022, target_year=2027))
    assert "期间重叠" in found["target_year"][0]
    assert make_plan(name="十五五", baseline_year=2025, target_year=2030).pk  # 2026–2030
    services.plan_save(
        world.actor("district_official"),
        plan_id=first.pk,
        region_id=YANGPU,
        name=first.name,
        baseline_year=2020,
        target_year=2025,
        is_active=False,
        expected_version=first.version,
    )
    assert make_plan(name="另一个", baseline_year=2021, target_year=2025).pk  # first inactive


def test_a_plan_update_compares_and_sets_the_version():
    plan = make_plan()
    official = world.actor("district_official")
    changed = services.plan_save(
        official,
        plan_id=plan.pk,
        region_id=YANGPU,
        name="改名",
        baseline_year=2020,
        target_year=2025,
        expected_version=1,
    )
    assert (changed.name, changed.version) == ("改名", 2)
    with pytest.raises(Conflict):
        services.plan_save(
            official,
            plan_id=plan.pk,
            region_id=YANGPU,
            name="再改",
            baseline_year=2020,
            target_year=2025,
            expected_version=1,
        )


def test_the_citys_plan_is_written_only_by_a_city_wide_scope():
    with pytest.raises(OutOfScope):
        make_plan(region_id="31")
    city = make_plan("admin", region_id="31", name="上海市安全生产“十四五”规划")
    with pytest.raises(OutOfScope):  # a district official may read it, not change its targets
        services.target_save(
            world.actor("district_official"),
            plan_id=city.pk,
            indicator="gdp_death_rate",
            comparison="below",
            value="0.01",
        )
    with pytest.raises(OutOfScope):
        services.target_delete(world.actor("neighbour_official"), plan_id=city.pk, indicator="x")


def test_a_leader_cannot_write_plans_or_targets():
    plan = make_plan()
    with pytest.raises(NotPermitted):
        make_plan("leader")
    with pytest.raises(NotPermitted):
        services.target_save(
            world.actor("leader"),
            plan_id=plan.pk,
            indicator="deaths",
            comparison="at_most",
            value="1",
        )
