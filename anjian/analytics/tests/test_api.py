"""/api/v1/analytics: the indicator report and the breakdowns as data, denominators and
plans with their targets — with the version read (409), Chinese field errors (422), another
region's records 404 and roles without the action 403."""

from decimal import Decimal

import pytest
from django.utils import timezone

from anjian.analytics import services
from anjian.analytics.choices import Comparison
from anjian.analytics.models import Denominator, IndicatorPlan
from anjian.analytics.tests.factories import denominators, ledger
from anjian.analytics.tests.test_selectors import city_plan, plan
from testsupport import world

pytestmark = pytest.mark.django_db

BASE = "/api/v1/analytics"
YANGPU = world.YANGPU


@pytest.fixture
def records(db):
    found = ledger()
    denominators()
    return found


@pytest.fixture
def official(api_client_for):
    return api_client_for(world.actor("district_official"))


def lines_of(body: dict) -> dict:
    return {line["key"]: line for line in body["lines"]}


def test_the_report_gives_each_figure_with_last_year_trend_target_and_drilldown(official, records):
    city_plan()

    response = official.get(f"{BASE}/indicators", {"region": YANGPU, "year": 2024})

    assert response.status_code == 200
    body = response.json()
    assert (body["region"], body["year"], body["through_month"]) == (YANGPU, 2024, None)
    assert body["denominator"]["industry_trade_employees"] == 300_000
    lines = lines_of(body)
    gdp = lines["gdp_death_rate"]
    assert (gdp["value"], gdp["value_text"], gdp["numerator"], gdp["unit"]) == (
        0.008,
        "0.0080",
        20,
        "人/亿元",
    )
    assert gdp["previous"] == 0.0013 and gdp["change"] == pytest.approx(0.0067)
    assert gdp["change_percent"] == 515.4
    assert [point["year"] for point in gdp["trend"]] == [2020, 2021, 2022, 2023, 2024]
    assert gdp["trend"][1]["value"] is None  # no 2021 GDP: a gap, not a zero
    assert gdp["target_text"] == "< 0.01" and gdp["met"] is True
    assert gdp["target"]["inherited"] and gdp["target"]["plan_region"] == "31"
    trade = lines["industry_trade_death_rate"]
    assert trade["target"]["threshold"] == 2.3125 and trade["target"]["baseline"] == 2.5
    assert lines["deaths"]["target"] is None and lines["deaths"]["met"] is None
    assert lines["road_death_rate"]["previous"] is None
    assert "group=road" in lines["road_deaths"]["drilldown_url"]
    assert lines["larger_and_above_count"]["value"] == 2


def test_a_missing_denominator_is_null_with_the_reason(official, records):
    body = official.get(f"{BASE}/indicators", {"region": YANGPU, "year": 2022}).json()

    gdp = lines_of(body)["gdp_death_rate"]
    assert gdp["value"] is None and gdp["value_text"] == ""
    assert gdp["reason"] == "未填报地区生产总值（亿元），无法计算"
    assert body["denominator"] is None


def test_year_to_date_counts_the_same_months_of_each_year(official, records):
    body = official.get(
        f"{BASE}/indicators", {"region": YANGPU, "year": 2024, "through_month": 6}
    ).json()

    deaths = lines_of(body)["deaths"]
    assert (deaths["value"], deaths["previous"]) == (15, 2)  # A1 A2 A9; B1 (May 2023)
    assert "through_month=6" in deaths["drilldown_url"]


def test_by_default_the_report_is_the_user_s_region_this_year(api_client_for, records):
    body = api_client_for(world.actor("street_officer")).get(f"{BASE}/indicators").json()

    assert (body["region"], body["year"]) == (world.YINHANG, timezone.localdate().year)
    assert lines_of(body)["gdp_death_rate"]["value"] is None


def test_another_district_and_bad_parameters_are_refused(official, records):
    assert official.get(f"{BASE}/indicators", {"region": world.HONGKOU}).status_code == 404
    assert official.get(f"{BASE}/indicators", {"region": "99"}).status_code == 404
    month = official.get(f"{BASE}/indicators", {"through_month": 13})
    assert month.status_code == 422 and month.json()["detail"][0]["msg"] == "应不大于 12"
    future = official.get(f"{BASE}/indicators", {"year": timezone.localdate().year + 1})
    assert future.status_code == 422 and "不能晚于今年" in future.json()["detail"][0]["msg"]


def test_the_breakdown_counts_by_street_with_drilldowns(official, records):
    response = official.get(f"{BASE}/breakdown", {"region": YANGPU, "year": 2024, "by": "street"})

    assert response.status_code == 200
    rows = {row["key"]: row for row in response.json()}
    assert (rows[world.PINGLIANG]["accidents"], rows[world.PINGLIANG]["deaths"]) == (3, 12)
    assert (rows[world.YINHANG]["accidents"], rows[world.YINHANG]["deaths"]) == (4, 8)
    assert f"region={world.YINHANG}" in rows[world.YINHANG]["drilldown_url"]
    wrong = official.get(f"{BASE}/breakdown", {"by": "weather"})
    assert wrong.status_code == 422


# --- denominators ----------------------------------------------------------------------------


def test_a_denominator_is_created_read_and_changed_with_its_version(official):
    created = official.post(
        f"{BASE}/denominators",
        {"region": YANGPU, "year": 2024, "gdp": "2500.5", "motor_vehicles": 400000},
        content_type="application/json",
    )
    assert created.status_code == 201
    row = created.json()
    assert (row["gdp"], row["motor_vehicles"], row["version"]) == ("2500.50", 400000, 1)

    url = f"{BASE}/denominators/{row['id']}"
    changed = official.put(
        url, {"gdp": 2600, "version": 1, "source": "公报"}, content_type="application/json"
    )
    assert changed.status_code == 200
    assert (changed.json()["gdp"], changed.json()["version"]) == ("2600.00", 2)
    stale = official.put(url, {"gdp": 2700, "version": 1}, content_type="application/json")
    assert stale.status_code == 409
    assert Denominator.objects.get().gdp == Decimal("2600")
    again = official.post(
        f"{BASE}/denominators",
        {"region": YANGPU, "year": 2024, "gdp": 1},
        content_type="application/json",
    )
    assert again.status_code == 409 and "已有记录" in again.json()["detail"]


def test_bad_denominators_are_named_in_chinese(official):
    def post(**body):
        body = {"region": YANGPU, "year": 2024, **body}
        return official.post(f"{BASE}/denominators", body, content_type="application/json")

    negative = post(gdp=-5)
    assert negative.status_code == 422
    assert negative.json()["detail"] == [
        {"loc": ["body", "gdp"], "msg": "须大于0", "type": "value_error"}
    ]
    assert post(gdp="两千").json()["detail"][0]["msg"] == "应为数字"
    assert post(gdp=1, vehicles=5).json()["detail"][0]["msg"] == "不允许的字段"
    assert post(region=world.YINHANG, gdp=1).status_code == 422  # a street has none
    assert post(region=world.HONGKOU, gdp=1).status_code == 404
    assert not Denominator.objects.exists()


def test_another_district_s_denominator_is_404_and_a_leader_403(official, api_client_for):
    theirs = services.denominator_save(
        world.actor("neighbour_official"),
        region_id=world.HONGKOU,
        year=2024,
        gdp="1000",
        industry_trade_employees=None,
        motor_vehicles=None,
    )

    assert official.get(f"{BASE}/denominators/{theirs.pk}").status_code == 404
    put = official.put(
        f"{BASE}/denominators/{theirs.pk}",
        {"gdp": 1, "version": 1},
        content_type="application/json",
    )
    assert put.status_code == 404
    assert official.get(f"{BASE}/denominators").json()["count"] == 0
    leader = api_client_for(world.actor("leader"))
    assert leader.get(f"{BASE}/denominators").status_code == 403


# --- plans --------------------------------------------------------------------------------------


def test_a_plan_is_created_its_targets_set_and_removed(official):
    created = official.post(
        f"{BASE}/plans",
        {
            "region": YANGPU,
            "name": "杨浦区应急管理“十四五”规划",
            "baseline_year": 2020,
            "target_year": 2025,
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    plan_id = created.json()["id"]
    target = f"{BASE}/plans/{plan_id}/targets/road_deaths"

    put = official.put(
        target,
        {"comparison": "at_most", "value": "13.4", "note": "年均"},
        content_type="application/json",
    )

    assert put.status_code == 200
    (saved,) = put.json()["targets"]
    assert (saved["indicator"], saved["label"], saved["value"]) == (
        "road_deaths",
        "道路交通事故死亡人数",
        "13.4000",
    )
    assert official.delete(target).status_code == 204
    assert official.get(f"{BASE}/plans/{plan_id}").json()["targets"] == []
    assert official.delete(target).status_code == 422  # nothing to remove


def test_a_plan_is_patched_with_its_version(official):
    own = plan(YANGPU, "杨浦区规划")
    url = f"{BASE}/plans/{own.pk}"

    patched = official.patch(
        url, {"version": own.version, "target_year": 2026}, content_type="application/json"
    )

    assert patched.status_code == 200 and patched.json()["target_year"] == 2026
    stale = official.patch(
        url, {"version": own.version, "name": "改名"}, content_type="application/json"
    )
    assert stale.status_code == 409
    assert IndicatorPlan.objects.get(pk=own.pk).name == "杨浦区规划"


def test_a_district_reads_the_city_s_plan_but_may_not_change_it(official):
    city = city_plan()

    listed = official.get(f"{BASE}/plans").json()
    assert [item["name"] for item in listed["items"]] == [city.name]
    assert official.get(f"{BASE}/plans/{city.pk}").status_code == 200
    patch = official.patch(
        f"{BASE}/plans/{city.pk}", {"version": 1, "name": "x"}, content_type="application/json"
    )
    assert patch.status_code == 404
    put = official.put(
        f"{BASE}/plans/{city.pk}/targets/deaths",
        {"comparison": "at_most", "value": 1},
        content_type="application/json",
    )
    assert put.status_code == 404


def test_a_bad_target_is_refused_on_its_field(official):
    own = plan(YANGPU, "杨浦区规划")

    unknown = official.put(
        f"{BASE}/plans/{own.pk}/targets/happiness",
        {"comparison": "at_most", "value": 1},
        content_type="application/json",
    )
    assert unknown.status_code == 422
    reduce = official.put(
        f"{BASE}/plans/{own.pk}/targets/deaths",
        {"comparison": Comparison.REDUCE_BY_PERCENT, "value": 120},
        content_type="application/json",
    )
    assert reduce.status_code == 422
    assert reduce.json()["detail"][0]["loc"] == ["body", "value"]
    assert not own.targets.exists()
