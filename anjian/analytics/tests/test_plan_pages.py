"""The plans pages: a district reads its own plan and the city's (which applies to it),
changes only its own; a manager creates a plan and sets, changes and removes its targets;
a leader reads them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from anjian.analytics.choices import Comparison
from anjian.analytics.models import IndicatorPlan, IndicatorTarget
from anjian.analytics.tests.test_selectors import city_plan, plan
from testsupport import world

pytestmark = pytest.mark.django_db

LIST = reverse("analytics:plan_list")


def district_plan():
    return plan(
        world.YANGPU,
        "杨浦区应急管理“十四五”规划",
        ("major_and_above_count", Comparison.AT_MOST, "0"),
    )


def target_form(**values) -> dict:
    return {
        "indicator": "road_deaths",
        "comparison": Comparison.AT_MOST,
        "value": "13.4",
        "baseline_value": "",
        "note": "年均道路交通事故死亡人数",
        **values,
    }


def test_a_district_reads_its_plan_and_the_city_s_but_not_a_neighbour_s(client_for):
    city, own = city_plan(), district_plan()
    neighbour = plan(world.HONGKOU, "虹口区规划")

    html = client_for(world.actor("leader")).get(LIST).content.decode()

    assert city.name in html and own.name in html and neighbour.name not in html
    assert reverse("analytics:plan_edit", args=[own.pk]) not in html  # a leader only reads
    leader = client_for(world.actor("leader"))
    assert leader.get(reverse("analytics:plan_detail", args=[city.pk])).status_code == 200
    assert leader.get(reverse("analytics:plan_detail", args=[neighbour.pk])).status_code == 404


def test_the_plan_page_words_each_target_as_the_plan_does(client_for):
    city = city_plan()

    response = client_for(world.actor("street_officer")).get(
        reverse("analytics:plan_detail", args=[city.pk])
    )

    html = response.content.decode()
    assert "&lt; 0.01" in html
    assert "比2020年下降 7.5%（基期数值 2.5）" in html
    assert "覆盖2021—2025年" in html
    assert 'id="target-form"' not in html


def test_a_manager_creates_a_plan(client_for):
    response = client_for(world.actor("district_official")).post(
        reverse("analytics:plan_create"),
        {
            "region": world.YANGPU,
            "name": "杨浦区应急管理“十四五”规划",
            "baseline_year": "2020",
            "target_year": "2025",
            "source": "杨浦区人民政府",
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    created = IndicatorPlan.objects.get()
    assert (created.region_code, created.baseline_year, created.target_year) == (
        world.YANGPU,
        2020,
        2025,
    )
    assert response["Location"] == reverse("analytics:plan_detail", args=[created.pk])


def test_a_plan_overlapping_an_active_one_is_refused_on_its_field(client_for):
    district_plan()

    response = client_for(world.actor("district_official")).post(
        reverse("analytics:plan_create"),
        {
            "region": world.YANGPU,
            "name": "另一规划",
            "baseline_year": "2022",
            "target_year": "2027",
            "is_active": "on",
        },
    )

    assert response.status_code == 422
    assert "期间重叠" in response.content.decode()
    assert IndicatorPlan.objects.count() == 1


def test_a_district_may_not_change_the_city_s_plan(client_for):
    city = city_plan()
    official = client_for(world.actor("district_official"))

    assert official.get(reverse("analytics:plan_edit", args=[city.pk])).status_code == 404
    response = official.post(reverse("analytics:plan_target_save", args=[city.pk]), target_form())
    assert response.status_code == 404
    assert not city.targets.filter(indicator="road_deaths").exists()


def test_a_stale_plan_edit_is_a_conflict(client_for):
    own = district_plan()
    IndicatorPlan.objects.filter(pk=own.pk).update(version=own.version + 1)

    response = client_for(world.actor("district_official")).post(
        reverse("analytics:plan_edit", args=[own.pk]),
        {
            "region": world.YANGPU,
            "name": "改名",
            "baseline_year": "2020",
            "target_year": "2025",
            "is_active": "on",
            "version": str(own.version),
        },
    )

    assert response.status_code == 409
    assert IndicatorPlan.objects.get(pk=own.pk).name == own.name


def test_a_target_is_added_changed_and_removed(client_for):
    own = district_plan()
    official = client_for(world.actor("district_official"))
    save = reverse("analytics:plan_target_save", args=[own.pk])

    assert official.post(save, target_form()).status_code == 302
    assert own.targets.get(indicator="road_deaths").value == Decimal("13.4")
    editing = official.get(
        reverse("analytics:plan_detail", args=[own.pk]), {"target": "road_deaths"}
    )
    assert 'value="13.4"' in editing.content.decode()
    assert official.post(save, target_form(value="12")).status_code == 302
    assert own.targets.get(indicator="road_deaths").value == Decimal("12")
    remove = reverse("analytics:plan_target_delete", args=[own.pk, "road_deaths"])
    assert official.post(remove).status_code == 302
    assert not own.targets.filter(indicator="road_deaths").exists()


def test_a_bad_target_is_refused_on_its_fields(client_for):
    own = district_plan()

    response = client_for(world.actor("district_official")).post(
        reverse("analytics:plan_target_save", args=[own.pk]),
        target_form(comparison=Comparison.REDUCE_BY_PERCENT, value="150", baseline_value="abc"),
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert "下降幅度须在0到100之间" in html and "“abc”不是数字" in html
    assert not IndicatorTarget.objects.filter(indicator="road_deaths").exists()


def test_removing_a_target_the_plan_lacks_says_so(client_for):
    own = district_plan()

    response = client_for(world.actor("district_official")).post(
        reverse("analytics:plan_target_delete", args=[own.pk, "deaths"])
    )

    assert response.status_code == 422
    assert "该规划没有这项指标的目标" in response.content.decode()
