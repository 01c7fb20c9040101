"""/api/v1/accidents as a phone and an integrator use it: file the quick report (graded and
clocked), follow it up, record the chain and the flags, run the investigation to the
evaluation, void; 422 names the field, 409 on a stale version or a state that does not
allow the step, 404 out of scope."""

from datetime import timedelta
from uuid import uuid4

import pytest
from django.utils import timezone

from anjian.accidents.models import Accident
from testsupport import world

BASE = "/api/v1/accidents/"


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def patch(client, url, body):
    return client.patch(url, body, content_type="application/json")


def quick(**overrides) -> dict:
    """A quick report of an accident half an hour ago in 殷行街道 (filed in time)."""
    occurred = timezone.now() - timedelta(minutes=30)
    body = {
        "region": world.YINHANG,
        "unit_name": "上海某物流有限公司",
        "occurred_at": occurred.isoformat(),
        "known_at": (occurred + timedelta(minutes=10)).isoformat(),
        "place": "殷行路100号仓库",
        "latitude": 31.3192345678,
        "longitude": 121.5265,
        "accident_type": "04",
        "category": "trade_other",
        "deaths": 2,
        "serious_injuries": 1,
        "direct_loss": 1_500_000,
        "summary": "吊装作业时货物坠落，砸中两名作业人员。",
        "measures_taken": "已停止作业，伤员送医。",
    }
    return {**body, **overrides}


@pytest.fixture
def official(api_client_for, db):
    return api_client_for(world.actor("district_official"))


@pytest.fixture
def filed(official):
    """A 一般 accident (2 deaths) filed by the district official: its detail."""
    created = post(official, BASE, quick())
    assert created.status_code == 201, created.content
    return created.json()


def levels(record) -> dict[str, tuple[bool, str]]:
    """The chain by level (it is listed by time limit: the province, told by phone within
    the hour for 较大 and above, comes before the city)."""
    return {s["level"]: (s["required"], s["status"]) for s in record["chain"]}


def error_fields(response) -> set[str]:
    return {tuple(e["loc"])[-1] for e in response.json()["detail"]}


# --- the quick report ----------------------------------------------------------------------


def test_a_quick_report_is_graded_clocked_and_offers_the_next_steps(filed):
    assert filed["number"].startswith("SG") and filed["state"] == "reported"
    assert (filed["grade"], filed["grade_label"]) == ("general", "一般事故")
    assert filed["grade_reasons"] == []
    assert filed["direct_loss"] == 1_500_000 and filed["region_name"] == "殷行街道"
    assert filed["latitude"] == "31.319235"  # kept to six places
    assert levels(filed) == {"county": (True, "informed"), "city": (True, "due")}
    assert "本平台接报" in filed["chain"][0]["recipient"]
    assert [(r["sequence"], r["kind"], r["deaths"]) for r in filed["reports"]] == [(1, "quick", 2)]
    assert filed["flags"] == [] and filed["investigation"] is None
    assert filed["deliveries"] == []  # no receiver configured
    names = {a["name"] for a in filed["actions"]}
    assert names == {"investigate", "void", "follow_up", "inform", "flag"}


def test_three_deaths_make_a_larger_accident_that_reaches_the_province(official):
    created = post(official, BASE, quick(deaths=3))
    record = created.json()
    assert created.status_code == 201 and record["grade"] == "larger"
    assert record["grade_reasons"] == ["死亡（含失踪）3人"]
    assert [s["level"] for s in record["chain"]] == ["county", "city", "province"]


def test_the_same_report_token_files_the_accident_once(official):
    token = str(uuid4())
    first = post(official, BASE, quick(report_token=token))
    again = post(official, BASE, quick(report_token=token, deaths=5))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and again.json()["deaths"] == 2
    assert Accident.objects.filter(report_token=token).count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"deaths": -1}, "deaths", "应不小于 0"),
        ({"direct_loss": "十万"}, "direct_loss", "应为数字"),
        (
            {"occurred_at": (timezone.now() + timedelta(days=1)).isoformat()},
            "occurred_at",
            "事故发生时间不能晚于当前时间",
        ),
        ({"category": "meteor"}, "category", "请选择统计类别"),
        ({"death": 3}, "death", "不允许的字段"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_files_nothing(official, overrides, field, message):
    body = quick(**overrides)
    if "occurred_at" in overrides:
        body.pop("known_at")
    response = post(official, BASE, body)
    assert response.status_code == 422, response.content
    assert {"loc": ["body", field], "msg": message} in [
        {"loc": e["loc"], "msg": e["msg"]} for e in response.json()["detail"]
    ]
    assert not Accident.objects.exists()


# --- follow-ups ----------------------------------------------------------------------------


def test_a_follow_up_regrades_and_adds_the_province_level(official, filed):
    url = f"{BASE}{filed['id']}/follow-ups"
    body = {"version": filed["version"], "content": "一名重伤人员经抢救无效死亡。", "deaths": 3}
    response = post(official, url, body)
    assert response.status_code == 200, response.content
    record = response.json()
    assert (record["grade"], record["deaths"], record["serious_injuries"]) == ("larger", 3, 1)
    assert record["grade_reasons"] == ["死亡（含失踪）3人"]
    assert levels(record) == {
        "county": (True, "informed"),
        "province": (True, "due"),
        "city": (True, "due"),
    }
    second = record["reports"][1]
    assert (second["kind"], second["grade"], second["previous_grade"]) == (
        "follow_up",
        "larger",
        "general",
    )
    assert record["version"] == filed["version"] + 1


def test_lowering_deaths_without_a_reason_is_refused(official, filed):
    url = f"{BASE}{filed['id']}/follow-ups"
    lowered = post(official, url, {"content": "核实情况。", "deaths": 1})
    assert lowered.status_code == 422
    assert error_fields(lowered) == {"reason"}
    assert "死亡人数比上次报告减少" in lowered.json()["detail"][0]["msg"]
    explained = post(official, url, {"content": "核实。", "deaths": 1, "reason": "重复统计"})
    assert explained.status_code == 200 and explained.json()["deaths"] == 1


def test_a_stale_version_is_a_conflict(official, filed):
    url = f"{BASE}{filed['id']}/follow-ups"
    assert (
        post(official, url, {"version": filed["version"], "content": "进展一"}).status_code == 200
    )
    stale = post(official, url, {"version": filed["version"], "content": "进展二"})
    assert stale.status_code == 409
    assert stale.json()["state"] == "reported"


# --- chain and flags -----------------------------------------------------------------------


def test_the_city_level_is_recorded_on_the_chain(official, filed):
    url = f"{BASE}{filed['id']}/chain"
    body = {"level": "city", "informed_at": timezone.now().isoformat(), "recipient": "市应急局张三"}
    response = post(official, url, {**body, "channel": "电话"})
    assert response.status_code == 200, response.content
    city = next(s for s in response.json()["chain"] if s["level"] == "city")
    assert (city["status"], city["recipient"], city["channel"]) == (
        "informed",
        "市应急局张三",
        "电话",
    )
    assert post(official, url, body).status_code == 409  # already recorded


def test_a_flag_is_set_and_withdrawn_with_reasons(official, filed, api_client_for):
    url = f"{BASE}{filed['id']}/flags"
    made = post(official, url, {"kind": "concealed", "reason": "少报死亡人数一人"})
    assert made.status_code == 201, made.content
    flag = made.json()
    assert (flag["kind_label"], flag["set_by"], flag["withdrawn"]) == (
        "瞒报",
        "district_official",
        False,
    )
    assert post(official, url, {"kind": "concealed", "reason": "再次"}).status_code == 409
    street = api_client_for(world.actor("street_officer"))  # may report, may not flag
    assert post(street, url, {"kind": "late", "reason": "x"}).status_code == 403

    withdraw = f"{url}/{flag['id']}/withdraw"
    assert post(official, withdraw, {"reason": ""}).status_code == 422
    done = post(official, withdraw, {"reason": "经核实人数无误"})
    assert done.status_code == 200 and done.json()["withdrawn"] is True
    assert post(official, withdraw, {"reason": "再次"}).status_code == 409
    record = official.get(f"{BASE}{filed['id']}").json()
    assert [(f["kind"], f["withdrawn_reason"]) for f in record["flags"]] == [
        ("concealed", "经核实人数无误")
    ]
    other = post(official, BASE, quick()).json()
    assert (
        post(
            official, f"{BASE}{other['id']}/flags/{flag['id']}/withdraw", {"reason": "x"}
        ).status_code
        == 404
    )


# --- the investigation ---------------------------------------------------------------------


def test_the_investigation_runs_from_the_team_to_the_evaluation(official, filed):
    url = f"{BASE}{filed['id']}"
    today = timezone.localdate().isoformat()
    assert post(official, f"{url}/close", {}).status_code == 409  # not investigating yet
    started = post(
        official,
        f"{url}/investigation",
        {
            "version": filed["version"],
            "leader": "李四",
            "members": "王五，区应急局\n赵六，区公安分局",
        },
    )
    assert started.status_code == 200, started.content
    record = started.json()
    assert record["state"] == "investigating"
    inquiry = record["investigation"]
    assert (inquiry["led_by"], inquiry["extension_days"]) == ("county", 0)

    extended = post(
        official, f"{url}/investigation/extension", {"days": 30, "reason": "区政府批准"}
    )
    assert extended.status_code == 200, extended.content
    assert extended.json()["investigation"]["extension_days"] == 30
    assert extended.json()["investigation"]["due_on"] > inquiry["due_on"]
    again = post(official, f"{url}/investigation/extension", {"days": 10, "reason": "再延"})
    assert again.status_code == 409 and "不能再次延长" in again.json()["detail"]

    version = extended.json()["investigation"]["version"]
    no_cause = patch(official, f"{url}/investigation", {"version": version, "submitted_on": today})
    assert no_cause.status_code == 422 and error_fields(no_cause) == {"cause"}
    report = {
        "version": version,
        "submitted_on": today,
        "cause": "吊具未检验，钢丝绳断裂。",
        "nature": "liability",
        "findings": "一般生产安全责任事故。",
        "replied_on": today,
    }
    updated = patch(official, f"{url}/investigation", report)
    assert updated.status_code == 200, updated.content
    assert updated.json()["investigation"]["nature"] == "liability"
    assert patch(official, f"{url}/investigation", report).status_code == 409  # stale version

    blocked = post(official, f"{url}/close", {})
    assert blocked.status_code == 409 and "整改措施" in blocked.json()["detail"]
    blamed = post(
        official,
        f"{url}/responsibilities",
        {
            "party": "上海某物流有限公司",
            "is_person": False,
            "finding": "未落实检验制度",
            "handling": "罚款",
            "fine": 300000,
        },
    )
    assert blamed.status_code == 201 and blamed.json()["fine"] == 300000
    measure = post(
        official,
        f"{url}/measures",
        {"description": "吊具每日检查", "responsible": "物流公司", "due_on": today},
    )
    assert measure.status_code == 201, measure.content
    current = official.get(url).json()["version"]  # each registration moved it on
    assert current == updated.json()["version"] + 2
    closed = post(official, f"{url}/close", {"version": current})
    assert closed.status_code == 200 and closed.json()["state"] == "closed"

    evaluation = {"rating": "implemented", "conclusion": "整改到位", "evaluated_on": today}
    early = post(official, f"{url}/evaluation", evaluation)
    assert early.status_code == 409 and "未落实" in early.json()["detail"]
    done_url = f"{url}/measures/{measure.json()['id']}/done"
    done = post(official, done_url, {"done_note": "已建立检查台账"})
    assert done.status_code == 200 and done.json()["state"] == "done"
    assert post(official, done_url, {"done_note": "再次"}).status_code == 409
    evaluated = post(official, f"{url}/evaluation", evaluation)
    assert evaluated.status_code == 200, evaluated.content
    record = evaluated.json()
    assert record["state"] == "evaluated" and record["evaluation"]["rating_label"] == "落实到位"
    assert [r["party"] for r in record["responsibilities"]] == ["上海某物流有限公司"]
    assert record["actions"] == [
        {
            "name": "flag",
            "label": "认定迟报/漏报/谎报/瞒报",
            "kind": "operation",
            "needs_reason": False,
        }
    ]


def test_a_void_needs_its_reason_and_ends_the_record(official, filed):
    url = f"{BASE}{filed['id']}"
    assert error_fields(post(official, f"{url}/void", {"reason": " "})) == {"reason"}
    voided = post(official, f"{url}/void", {"version": filed["version"], "reason": "经核实系误报"})
    assert voided.status_code == 200 and voided.json()["state"] == "voided"
    late = post(official, f"{url}/investigation", {"leader": "李四", "members": "王五"})
    assert late.status_code == 409 and late.json()["state"] == "voided"
    assert post(official, f"{url}/follow-ups", {"content": "进展"}).status_code == 409
    counted = official.get(BASE, {"counted": "true"}).json()
    assert filed["id"] not in [a["id"] for a in counted["items"]]


# --- the list and its filters --------------------------------------------------------------


def test_the_list_filters_like_the_page(official, filed):
    larger = post(official, BASE, quick(deaths=3)).json()
    year = timezone.localdate().year

    def ids(**params):
        response = official.get(BASE, params)
        assert response.status_code == 200, response.content
        return {a["id"] for a in response.json()["items"]}

    assert ids() == {filed["id"], larger["id"]}
    assert ids(grade="larger") == {larger["id"]}
    assert ids(grade_at_least="general", group="industry_trade") == {filed["id"], larger["id"]}
    assert ids(group="road") == set()
    assert ids(year=year, region=world.YINHANG, q="物流") == {filed["id"], larger["id"]}
    assert ids(year=year - 1) == set()
    assert official.get(BASE, {"grade": "huge"}).status_code == 422
    assert official.get(BASE, {"month": 13, "year": year}).status_code == 422


# --- scope ---------------------------------------------------------------------------------


def test_the_neighbouring_district_gets_404_on_reads_and_writes(filed, api_client_for):
    neighbour = api_client_for(world.actor("neighbour_official"))
    url = f"{BASE}{filed['id']}"
    assert neighbour.get(url).status_code == 404
    assert post(neighbour, f"{url}/follow-ups", {"content": "进展"}).status_code == 404
    assert post(neighbour, f"{url}/void", {"reason": "误报"}).status_code == 404
    assert post(neighbour, f"{url}/flags", {"kind": "late", "reason": "x"}).status_code == 404
    assert neighbour.get(BASE).json()["count"] == 0
    assert post(neighbour, BASE, quick()).status_code == 404  # 殷行街道 is not theirs
    assert Accident.objects.count() == 1


def test_an_enterprise_user_sees_only_its_own_units_accidents(official, api_client_for):
    own = world.enterprise("yinhang_chemical")
    other = world.enterprise("pingliang_factory")
    mine = post(official, BASE, quick(enterprise_id=own.pk, region=None)).json()
    theirs = post(
        official, BASE, quick(enterprise_id=other.pk, region=other.scope_region_code)
    ).json()
    post(official, BASE, quick())  # no registered unit
    assert mine["unit_name"] == "上海某物流有限公司" and mine["enterprise_id"] == own.pk
    manager = api_client_for(world.actor("enterprise_manager"))
    listed = manager.get(BASE).json()
    assert [a["id"] for a in listed["items"]] == [mine["id"]]
    assert manager.get(f"{BASE}{mine['id']}").status_code == 200
    assert manager.get(f"{BASE}{theirs['id']}").status_code == 404
    assert post(manager, f"{BASE}{theirs['id']}/follow-ups", {"content": "x"}).status_code == 404


def test_an_enterprise_user_files_for_its_own_unit(api_client_for):
    manager = api_client_for(world.actor("enterprise_manager"))
    body = quick(unit_name="")
    body.pop("region")
    response = post(manager, BASE, body)
    assert response.status_code == 201, response.content
    record = response.json()
    unit = world.enterprise("yinhang_chemical")
    assert (record["enterprise_id"], record["unit_name"]) == (unit.pk, unit.name)
    assert (record["region_code"], record["region_name"]) == (unit.scope_region_code, "殷行街道")


# --- deliveries and the schema -------------------------------------------------------------


def test_the_direct_report_deliveries_show_on_the_record(official, settings):
    settings.DIRECT_REPORT_RECEIVERS = [
        {"name": "province", "url": "https://sheng.example/zhibao", "secret": "s" * 32}
    ]
    record = post(official, BASE, quick()).json()
    assert [
        (d["receiver"], d["topic"], d["state"], d["state_label"]) for d in record["deliveries"]
    ] == [("province", "accident.quick_report", "pending", "待发送")]


def test_the_openapi_document_builds_with_the_accident_operations(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/accidents/{accident_id}/flags/{flag_id}/withdraw" in paths
    assert set(paths["/api/v1/accidents/{accident_id}/investigation"]) == {"post", "patch"}
