"""/api/v1/emergency resources as an integrator uses them: teams (with members and
readiness), warehouses, supplies and their ledger (never below zero), equipment, shelters,
experts, and the nearest available of a kind. 422 names the field, 409 on a stale version
or stock that is not there, 404 out of scope, 403 for a role without the action.

The records are built once for the module (``built``); every test runs in its own
savepoint and leaves them as they were."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from anjian.accounts.models import ApiToken
from anjian.emergency import services_resources
from anjian.emergency.models import RescueTeam, StockMovement, Supply
from testsupport import world

BASE = "/api/v1/emergency"
# 殷行街道, where the district's teams wait; the neighbour's team is in 虹口区.
HERE = {"lat": 31.3200, "lon": 121.5300}


def team_data(**overrides) -> dict:
    data = {
        "name": "杨浦区危化品救援队",
        "kind": "professional",
        "specialities": ["fire", "hazchem"],
        "leader": "王队长",
        "phone": "13800138001",
        "latitude": 31.3210,
        "longitude": 121.5310,
    }
    return {**data, **overrides}


def client_of(name: str) -> Client:
    _token, raw = ApiToken.issue(user=world.actor(name), name="pytest")
    return Client(headers={"authorization": f"Bearer {raw}"})


def build() -> SimpleNamespace:
    official = world.actor("district_official")
    neighbour = world.actor("neighbour_official")
    near = services_resources.team_create(official, data=team_data())
    far = services_resources.team_create(
        official,
        data=team_data(name="杨浦区消防救援队", specialities=["fire"], latitude=31.2800),
    )
    resting = services_resources.team_create(
        official, data=team_data(name="休整中的队伍", latitude=31.3201)
    )
    services_resources.team_set_readiness(
        official, team_id=resting.pk, expected_version=None, readiness="resting"
    )
    services_resources.team_create(
        neighbour,
        data=team_data(name="虹口区救援队", latitude=31.3205, longitude=121.5305),
    )
    depot = services_resources.warehouse_create(
        official,
        data={
            "name": "杨浦区应急物资储备库",
            "storage_level": "district",
            "manager": "李库管",
            "phone": "021-65010000",
            "latitude": 31.3000,
            "longitude": 121.5200,
        },
    )
    street = services_resources.warehouse_create(
        official,
        data={
            "name": "殷行街道储备点",
            "storage_level": "street",
            "region": world.YINHANG,
            "manager": "赵站长",
            "phone": "021-65020000",
            "latitude": 31.3300,
            "longitude": 121.5200,
        },
    )
    hongkou = services_resources.warehouse_create(
        neighbour,
        data={
            "name": "虹口区储备库",
            "storage_level": "district",
            "manager": "钱库管",
            "phone": "021-65030000",
        },
    )
    bags = services_resources.supply_create(
        official,
        warehouse_id=depot.pk,
        data={"name": "编织袋", "category": "drainage", "unit": "个", "reserve_target": 500},
        quantity=100,
    )
    stale_water = services_resources.supply_create(
        official,
        warehouse_id=street.pk,
        data={
            "name": "饮用水",
            "category": "living",
            "unit": "箱",
            "expires_on": timezone.localdate() - timedelta(days=1),
        },
        quantity=50,
    )
    pump = services_resources.equipment_create(
        official,
        data={
            "name": "排水泵",
            "category": "排水设备",
            "quantity": 3,
            "latitude": 31.31,
            "longitude": 121.52,
        },
    )
    shelter = services_resources.shelter_create(
        official,
        data={
            "name": "殷行公园避难场所",
            "kind": "short",
            "area_m2": 5000,
            "capacity": 300,
            "manager": "孙经理",
            "phone": "021-65040000",
            "region": world.YINHANG,
            "latitude": 31.3250,
            "longitude": 121.5350,
        },
    )
    expert = services_resources.expert_create(
        official,
        data={
            "name": "周专家",
            "field": "hazchem",
            "phone": "13900139000",
            "latitude": 31.31,
            "longitude": 121.53,
        },
    )
    return SimpleNamespace(
        near=near,
        far=far,
        resting=resting,
        depot=depot,
        street=street,
        hongkou=hongkou,
        bags=bags,
        stale_water=stale_water,
        pump=pump,
        shelter=shelter,
        expert=expert,
        clients={
            name: client_of(name)
            for name in (
                "district_official",
                "street_officer",
                "leader",
                "neighbour_official",
                "enterprise_manager",
            )
        },
    )


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """The module's records, in a transaction rolled back when the module ends."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            made = build()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    yield made
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture
def it(built, db):
    return built


def post(client, url, body=None):
    return client.post(f"{BASE}{url}", body or {}, content_type="application/json")


def patch(client, url, body):
    return client.patch(f"{BASE}{url}", body, content_type="application/json")


def get(client, url, params=None):
    return client.get(f"{BASE}{url}", params or {})


def errors_of(response) -> dict[str, str]:
    assert response.status_code == 422, response.content
    return {e["loc"][-1]: e["msg"] for e in response.json()["detail"]}


# --- teams ---------------------------------------------------------------------------------


def test_teams_list_by_speciality_and_readiness_in_scope(it):
    official = it.clients["district_official"]

    def names(**params):
        response = get(official, "/teams", params)
        assert response.status_code == 200, response.content
        return {team["name"] for team in response.json()["items"]}

    assert names() == {"杨浦区危化品救援队", "杨浦区消防救援队", "休整中的队伍"}
    assert names(speciality="hazchem", readiness="ready") == {"杨浦区危化品救援队"}
    assert names(q="消防") == {"杨浦区消防救援队"}
    assert get(official, "/teams", {"speciality": "magic"}).status_code == 422
    neighbour = get(it.clients["neighbour_official"], "/teams").json()
    assert [team["name"] for team in neighbour["items"]] == ["虹口区救援队"]
    assert get(it.clients["enterprise_manager"], "/teams").json()["count"] == 0


def test_a_team_reads_with_its_members_and_labels(it):
    official, url = it.clients["district_official"], f"/teams/{it.near.pk}"
    added = post(official, f"{url}/members", {"name": "队员甲", "role": "副队长"})
    assert added.status_code == 201, added.content
    team = get(official, url).json()
    assert team["specialities"] == ["fire", "hazchem"]
    assert team["speciality_labels"] == ["灭火救援", "危险化学品救援"]
    assert (team["readiness"], team["owner_kind"], team["region_code"]) == (
        "ready",
        "government",
        world.YANGPU,
    )
    assert [(m["name"], m["active"]) for m in team["members"]] == [("队员甲", True)]
    left = post(official, f"{url}/members/{added.json()['id']}/leave")
    assert left.status_code == 200 and left.json()["active"] is False
    elsewhere = f"/teams/{it.far.pk}/members/{added.json()['id']}/leave"
    assert post(official, elsewhere).status_code == 404
    assert get(it.clients["neighbour_official"], url).status_code == 404


def test_a_team_is_created_and_changed_with_its_version(it):
    official = it.clients["district_official"]
    created = post(official, "/teams", team_data(name="新组建的救援队", headcount=12))
    assert created.status_code == 201, created.content
    team = created.json()
    assert (team["readiness"], team["headcount"], team["version"]) == ("ready", 12, 1)
    url = f"/teams/{team['id']}"
    changed = patch(official, url, {"version": 1, "headcount": 15})
    assert changed.status_code == 200 and changed.json()["headcount"] == 15
    stale = patch(official, url, {"version": 1, "headcount": 20})
    assert stale.status_code == 409
    assert RescueTeam.objects.get(pk=team["id"]).headcount == 15


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"specialities": ["magic"]}, "specialities", "“magic”不是可选的值"),
        ({"kind": "army"}, "kind", "“army”不是可选的值"),
        ({"headcount": "十二"}, "headcount", "应为整数"),
        ({"headcount": -1}, "headcount", "应不小于 0"),
        ({"latitude": 91}, "latitude", "应不大于 90"),
        ({"latitude": 40.0, "longitude": 116.4}, "latitude", "不在"),
        ({"phone": "电话"}, "phone", "格式不正确"),
        ({"leader": ""}, "leader", "请填写"),
        ({"size": 3}, "size", "不允许的字段"),
    ],
)
def test_bad_team_input_is_422_on_its_field(it, overrides, field, message):
    response = post(it.clients["district_official"], "/teams", team_data(**overrides))
    assert message in errors_of(response).get(field, ""), response.json()


def test_roles_and_scope_guard_team_writes(it):
    assert post(it.clients["leader"], "/teams", team_data()).status_code == 403
    outside = post(it.clients["district_official"], "/teams", team_data(region=world.HONGKOU))
    assert outside.status_code == 404
    url = f"/teams/{it.near.pk}"
    assert patch(it.clients["neighbour_official"], url, {"headcount": 1}).status_code == 404
    assert patch(it.clients["leader"], url, {"headcount": 1}).status_code == 403


def test_readiness_is_set_by_hand(it):
    official, url = it.clients["district_official"], f"/teams/{it.resting.pk}/readiness"
    assert "readiness" in errors_of(post(official, url, {"readiness": "asleep"}))
    ready = post(official, url, {"version": it.resting.version + 1, "readiness": "ready"})
    assert ready.status_code == 200, ready.content
    assert ready.json()["readiness"] == "ready"


# --- warehouses and supplies ---------------------------------------------------------------


def test_a_warehouse_level_must_fit_its_region(it):
    official = it.clients["district_official"]
    body = {
        "name": "又一个储备点",
        "storage_level": "street",
        "manager": "吴",
        "phone": "021-65050000",
    }
    wrong = post(official, "/warehouses", body)  # the district is not a street
    assert "街" in errors_of(wrong)["storage_level"]
    right = post(official, "/warehouses", {**body, "region": world.PINGLIANG})
    assert right.status_code == 201, right.content
    assert right.json()["storage_level_label"] == "街镇级"
    listed = get(official, "/warehouses", {"storage_level": "district"}).json()
    assert [w["name"] for w in listed["items"]] == ["杨浦区应急物资储备库"]


def test_supplies_list_with_their_stock_and_flags(it):
    official = it.clients["district_official"]
    listed = get(official, "/supplies").json()
    found = {s["name"]: s for s in listed["items"]}
    assert (found["编织袋"]["quantity"], found["编织袋"]["below_target"]) == (100, True)
    assert found["饮用水"]["expired"] is True
    assert [
        s["name"] for s in get(official, "/supplies", {"expiry": "expired"}).json()["items"]
    ] == ["饮用水"]
    assert get(official, "/supplies", {"expiry": "old"}).status_code == 422
    assert get(it.clients["neighbour_official"], f"/supplies/{it.bags.pk}").status_code == 404


def test_a_supply_line_is_created_with_its_first_receipt(it):
    official = it.clients["district_official"]
    body = {
        "warehouse_id": it.depot.pk,
        "name": "救生衣",
        "category": "rescue",
        "unit": "件",
        "quantity": 20,
    }
    created = post(official, "/supplies", body)
    assert created.status_code == 201, created.content
    assert created.json()["quantity"] == 20
    movements = get(official, f"/supplies/{created.json()['id']}/movements").json()
    assert [(m["kind"], m["delta"], m["balance"]) for m in movements["items"]] == [
        ("receipt", 20, 20)
    ]
    assert "quantity" in errors_of(post(official, "/supplies", {**body, "quantity": -5}))
    other = {**body, "warehouse_id": it.hongkou.pk}
    assert post(official, "/supplies", other).status_code == 404


def test_the_ledger_receives_issues_and_never_goes_below_zero(it):
    official, url = it.clients["district_official"], f"/supplies/{it.bags.pk}"
    received = post(official, f"{url}/receive", {"quantity": 5, "reason": "采购"})
    assert received.status_code == 201, received.content
    assert (received.json()["delta"], received.json()["balance"]) == (5, 105)
    too_many = post(official, f"{url}/issue", {"quantity": 1000, "reason": "借用"})
    assert too_many.status_code == 409
    assert "105" in too_many.json()["detail"]
    assert errors_of(post(official, f"{url}/issue", {"quantity": "十个", "reason": "x"})) == {
        "quantity": "应为整数"
    }
    assert errors_of(post(official, f"{url}/issue", {"quantity": -1, "reason": "x"})) == {
        "quantity": "应大于 0"
    }
    assert (
        post(
            official, f"{url}/issue", {"quantity": 1, "kind": "dispatch", "reason": "x"}
        ).status_code
        == 422
    )
    issued = post(official, f"{url}/issue", {"quantity": 5, "kind": "scrap", "reason": "破损"})
    assert issued.status_code == 201 and issued.json()["balance"] == 100
    assert Supply.objects.get(pk=it.bags.pk).quantity == 100
    listed = get(official, f"{url}/movements").json()
    assert [m["kind"] for m in listed["items"]] == ["scrap", "receipt", "receipt"]


def test_a_transfer_writes_one_movement_out_and_one_in(it):
    official, url = it.clients["district_official"], f"/supplies/{it.bags.pk}/transfer"
    moved = post(official, url, {"to_warehouse_id": it.street.pk, "quantity": 30})
    assert moved.status_code == 201, moved.content
    out, into = moved.json()["out"], moved.json()["into"]
    assert (out["kind"], out["delta"], into["kind"], into["delta"]) == (
        "transfer_out",
        -30,
        "transfer_in",
        30,
    )
    assert StockMovement.objects.get(pk=into["id"]).supply.warehouse_id == it.street.pk
    same = post(official, url, {"to_warehouse_id": it.depot.pk, "quantity": 1})
    assert "调入库不能与调出库相同" in errors_of(same)["to_warehouse_id"]
    outside = post(official, url, {"to_warehouse_id": it.hongkou.pk, "quantity": 1})
    assert outside.status_code == 404
    assert post(official, url, {"to_warehouse_id": it.street.pk, "quantity": 71}).status_code == 409


def test_a_count_records_the_difference(it):
    official, url = it.clients["district_official"], f"/supplies/{it.bags.pk}/count"
    counted = post(official, url, {"counted": 97, "reason": "季度盘点"})
    assert counted.status_code == 200, counted.content
    assert (counted.json()["movement"]["delta"], counted.json()["supply"]["quantity"]) == (-3, 97)
    same = post(official, url, {"counted": 97, "reason": "复盘"})
    assert same.status_code == 200 and same.json()["movement"] is None
    assert post(it.clients["leader"], url, {"counted": 1, "reason": "x"}).status_code == 403


# --- equipment, shelters, experts ----------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "record", "change", "bad"),
    [
        ("equipment", "pump", {"quantity": 4}, {"status": "lost"}),
        ("shelters", "shelter", {"capacity": 400}, {"capacity": 0}),
        ("experts", "expert", {"title": "正高级工程师"}, {"field": "poetry"}),
    ],
)
def test_each_registry_reads_and_changes_in_scope(it, path, record, change, bad):
    official = it.clients["district_official"]
    found = getattr(it, record)
    url = f"/{path}/{found.pk}"
    assert [row["id"] for row in get(official, f"/{path}").json()["items"]] == [found.pk]
    one = get(official, url).json()
    assert one["version"] == found.version
    changed = patch(official, url, {"version": found.version, **change})
    assert changed.status_code == 200, changed.content
    assert all(changed.json()[key] == value for key, value in change.items())
    assert patch(official, url, {"version": found.version, **change}).status_code == 409
    assert patch(official, url, bad).status_code == 422
    assert get(it.clients["neighbour_official"], url).status_code == 404
    assert patch(it.clients["leader"], url, change).status_code == 403


def test_equipment_shelters_and_experts_are_created(it):
    official = it.clients["district_official"]
    made = post(
        official,
        "/equipment",
        {"name": "照明车", "category": "照明设备", "quantity": 2, "team_id": it.near.pk},
    )
    assert made.status_code == 201 and made.json()["team_id"] == it.near.pk
    assert made.json()["available"] == 2
    shelter = post(
        official,
        "/shelters",
        {
            "name": "体育馆",
            "kind": "medium",
            "indoor": True,
            "area_m2": 3000,
            "capacity": 1000,
            "manager": "郑",
            "phone": "021-65060000",
        },
    )
    assert shelter.status_code == 201 and shelter.json()["free_places"] == 1000
    expert = post(official, "/experts", {"name": "吴专家", "field": "gas", "phone": "13700137000"})
    assert expert.status_code == 201 and expert.json()["field_label"] == "燃气"


# --- nearest -------------------------------------------------------------------------------


def test_the_nearest_ready_teams_in_scope_come_first(it):
    official = it.clients["district_official"]
    response = get(official, "/nearest", {"kind": "team", **HERE})
    assert response.status_code == 200, response.content
    found = response.json()
    assert [c["name"] for c in found] == ["杨浦区危化品救援队", "杨浦区消防救援队"]
    assert found[0]["distance_km"] < found[1]["distance_km"]
    assert found[0]["note"] == "灭火救援、危险化学品救援"
    only = get(official, "/nearest", {"kind": "team", "speciality": "hazchem", "limit": 1, **HERE})
    assert [c["id"] for c in only.json()] == [it.near.pk]


def test_nearest_supplies_need_enough_unexpired_stock(it):
    official = it.clients["district_official"]
    enough = get(official, "/nearest", {"kind": "supply", "quantity": 100, **HERE}).json()
    assert [(c["name"], c["available"], c["owner_name"]) for c in enough] == [
        ("编织袋", 100, "杨浦区应急物资储备库")
    ]
    assert get(official, "/nearest", {"kind": "supply", "quantity": 101, **HERE}).json() == []
    shelters = get(official, "/nearest", {"kind": "shelter", "quantity": 300, **HERE}).json()
    assert [c["id"] for c in shelters] == [it.shelter.pk]


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "tank"},
        {"kind": "team", "lat": 100},
        {"kind": "team", "quantity": "许多"},
        {"kind": "team", "limit": 0},
        {"kind": "team", "speciality": "magic"},
    ],
)
def test_a_bad_nearest_query_is_422(it, params):
    response = get(it.clients["district_official"], "/nearest", {**HERE, **params})
    assert response.status_code == 422, response.content
