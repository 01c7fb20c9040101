"""/api/v1/emergency incidents as a command post and an integrator use them: open one (by
hand, from an accident; once per token), respond, set the level, activate a plan (its
tasks appear), log decisions, assign and finish tasks, dispatch the nearest resources and
move each assignment, close, review, void, and replay it all on the timeline. 422 names
the field, 409 on a stale version, a state that does not allow the step or a resource
that is already out, 404 out of scope, 403 for a role without the action.

The records are built once for the module (``built``); every test runs in its own
savepoint and leaves them as they were."""

from datetime import date, timedelta
from types import SimpleNamespace
from uuid import uuid4

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from anjian.accidents import services as accident_services
from anjian.accounts.models import ApiToken
from anjian.emergency import dispatch, services_incidents, services_plans, services_resources
from anjian.emergency.models import Incident, RescueTeam
from testsupport import world

BASE = "/api/v1/emergency"


def incident_data(**overrides) -> dict:
    data = {
        "title": "殷行路仓库火灾",
        "incident_type": "accident",
        "region": world.YINHANG,
        "place": "殷行路100号",
        "latitude": 31.3200,
        "longitude": 121.5300,
        "occurred_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "summary": "仓库起火，浓烟较大。",
    }
    return {**data, **overrides}


def team(by, name: str, latitude: float, **more):
    return services_resources.team_create(
        by,
        data={
            "name": name,
            "kind": "professional",
            "specialities": ["fire"],
            "leader": "队长",
            "phone": "13800138001",
            "latitude": latitude,
            "longitude": 121.5300,
            **more,
        },
    )


def client_of(name: str) -> Client:
    _token, raw = ApiToken.issue(user=world.actor(name), name="pytest")
    return Client(headers={"authorization": f"Bearer {raw}"})


def open_by_hand(by, **overrides) -> Incident:
    data = incident_data(**overrides)
    data["occurred_at"] = timezone.now() - timedelta(hours=1)
    return services_incidents.incident_open(by, data=data)


def build() -> SimpleNamespace:
    official = world.actor("district_official")
    plan = services_plans.plan_create(
        official,
        data={
            "owner_kind": "government",
            "title": "杨浦区火灾事故专项应急预案",
            "plan_type": "gov_special",
            "edition": "2026年版",
            "risks": "火灾",
        },
        levels=[{"level": "4", "trigger": "一般火灾", "commander": "区应急局局长"}],
        tasks=[
            {"level": "4", "title": "设置警戒区", "responsible": "公安分局", "due_minutes": 30},
            {"level": "4", "title": "组织疏散", "responsible": "街道办事处", "due_minutes": 60},
        ],
    )
    services_plans.plan_publish(
        official, plan_id=plan.pk, expected_version=None, published_on=date(2026, 6, 1)
    )
    near = team(official, "殷行消防救援队", 31.3250)
    far = team(official, "平凉消防救援队", 31.2700)
    busy = team(official, "已出动的救援队", 31.3210)
    hongkou_team = team(world.actor("neighbour_official"), "虹口区救援队", 31.2650)
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
    bags = services_resources.supply_create(
        official,
        warehouse_id=depot.pk,
        data={"name": "编织袋", "category": "drainage", "unit": "个"},
        quantity=100,
    )
    reported = open_by_hand(official)
    responding = open_by_hand(official, title="国和路燃气泄漏", place="国和路1号")
    services_incidents.incident_respond(
        official,
        incident_id=responding.pk,
        expected_version=None,
        level="4",
        lead_organisation="区应急局",
        commander="张指挥",
    )
    out = dispatch.dispatch(official, incident_id=responding.pk, kind="team", resource_id=busy.pk)
    accident = accident_services.accident_report(
        by=official,
        enterprise=world.enterprise("yinhang_chemical").pk,
        occurred_at=timezone.now() - timedelta(minutes=30),
        place="罐区",
        accident_type="04",
        category="trade_other",
        summary="储罐泄漏起火",
        deaths=1,
    )
    names = (
        "district_official",
        "street_officer",
        "leader",
        "neighbour_official",
        "enterprise_manager",
    )
    return SimpleNamespace(
        plan=plan,
        near=near,
        far=far,
        busy=busy,
        hongkou_team=hongkou_team,
        bags=bags,
        reported=Incident.objects.get(pk=reported.pk),
        responding=Incident.objects.get(pk=responding.pk),
        out=out,
        accident=accident,
        clients={name: client_of(name) for name in names},
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


def get(client, url, params=None):
    return client.get(f"{BASE}{url}", params or {})


def errors_of(response) -> dict[str, str]:
    assert response.status_code == 422, response.content
    return {e["loc"][-1]: e["msg"] for e in response.json()["detail"]}


def respond_body(**overrides) -> dict:
    body = {"level": "4", "lead_organisation": "区应急局", "commander": "李指挥"}
    return {**body, **overrides}


# --- opening -------------------------------------------------------------------------------


def test_an_incident_opened_by_hand_is_numbered_logged_and_offers_its_steps(it):
    response = post(it.clients["district_official"], "/incidents", incident_data())
    assert response.status_code == 201, response.content
    incident = response.json()
    assert incident["number"].startswith("SJ") and incident["state"] == "reported"
    assert (incident["source"], incident["region_code"], incident["region_name"]) == (
        "manual",
        world.YINHANG,
        "殷行街道",
    )
    assert [line["kind"] for line in incident["log"]] == ["situation"]
    names = {action["name"] for action in incident["actions"]}
    assert {"respond", "void", "activate", "log", "dispatch", "task"} <= names


def test_the_same_token_opens_the_incident_once(it):
    official, token = it.clients["district_official"], str(uuid4())
    first = post(official, "/incidents", incident_data(token=token))
    again = post(official, "/incidents", incident_data(token=token, title="重复提交"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and again.json()["title"] == "殷行路仓库火灾"
    assert Incident.objects.filter(open_token=token).count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"region": None}, "region", "街道"),
        ({"region": world.YANGPU}, "region", "不能只选到区"),
        ({"latitude": "北纬31度"}, "latitude", "应为数字"),
        ({"latitude": None}, "latitude", "请在地图上标出事发位置"),
        ({"incident_type": "meteor"}, "incident_type", "“meteor”不是可选的值"),
        ({"title": " "}, "title", "请填写事件名称"),
        (
            {"occurred_at": (timezone.now() + timedelta(days=1)).isoformat()},
            "occurred_at",
            "不能晚于当前时间",
        ),
        ({"level": "1"}, "level", "不允许的字段"),
    ],
)
def test_bad_input_opens_nothing(it, overrides, field, message):
    before = Incident.objects.count()
    response = post(it.clients["district_official"], "/incidents", incident_data(**overrides))
    assert message in errors_of(response).get(field, ""), response.json()
    assert Incident.objects.count() == before


def test_who_may_open_and_where(it):
    street = post(it.clients["street_officer"], "/incidents", incident_data())
    assert street.status_code == 201, street.content
    assert post(it.clients["leader"], "/incidents", incident_data()).status_code == 403
    neighbour = post(it.clients["neighbour_official"], "/incidents", incident_data())
    assert neighbour.status_code == 404
    assert (
        post(it.clients["district_official"], "/incidents", {"alarm_id": 999999}).status_code == 404
    )
    url = f"/incidents/{street.json()['id']}/transitions/respond"
    assert post(it.clients["street_officer"], url, respond_body()).status_code == 403


def test_an_incident_opened_from_an_accident_takes_its_place_and_once_only(it):
    official = it.clients["district_official"]
    opened = post(official, "/incidents", {"accident_id": it.accident.pk})
    assert opened.status_code == 201, opened.content
    incident = opened.json()
    assert (incident["source"], incident["incident_type"], incident["accident_id"]) == (
        "accident",
        "accident",
        it.accident.pk,
    )
    assert incident["enterprise_id"] == world.enterprise("yinhang_chemical").pk
    assert post(official, "/incidents", {"accident_id": it.accident.pk}).status_code == 409
    neighbour = post(
        it.clients["neighbour_official"], "/incidents", {"accident_id": it.accident.pk}
    )
    assert neighbour.status_code == 404


# --- reads ---------------------------------------------------------------------------------


def test_the_list_filters_and_is_scoped(it):
    official = it.clients["district_official"]

    def ids(**params):
        response = get(official, "/incidents", params)
        assert response.status_code == 200, response.content
        return {incident["id"] for incident in response.json()["items"]}

    assert ids() == {it.reported.pk, it.responding.pk}
    assert ids(state="responding") == {it.responding.pk}
    assert ids(open="true", q="燃气") == {it.responding.pk}
    year = timezone.localtime(it.reported.occurred_at).year
    assert it.reported.pk in ids(year=year)
    assert it.reported.pk not in ids(year=year - 1)
    assert get(official, "/incidents", {"year": 1800}).status_code == 422
    assert get(official, "/incidents", {"incident_type": "war"}).status_code == 422
    assert get(official, "/incidents", {"level": "5"}).status_code == 422
    for name in ("neighbour_official", "enterprise_manager"):
        assert get(it.clients[name], "/incidents").json()["count"] == 0
        assert get(it.clients[name], f"/incidents/{it.reported.pk}").status_code == 404


def test_a_read_only_role_sees_the_incident_without_actions(it):
    response = get(it.clients["leader"], f"/incidents/{it.responding.pk}")
    assert response.status_code == 200
    incident = response.json()
    assert incident["actions"] == []
    assert [a["state"] for a in incident["assignments"]] == ["dispatched"]
    assert incident["assignments"][0]["actions"] == []


# --- the lifecycle -------------------------------------------------------------------------


def test_respond_needs_its_fields_and_the_version_read(it):
    official, url = it.clients["district_official"], f"/incidents/{it.reported.pk}/transitions"
    assert set(errors_of(post(official, f"{url}/respond", {}))) >= {"level", "commander"}
    assert "level" in errors_of(post(official, f"{url}/respond", respond_body(level="9")))
    version = it.reported.version
    responded = post(official, f"{url}/respond", respond_body(version=version))
    assert responded.status_code == 200, responded.content
    assert (responded.json()["state"], responded.json()["level_label"]) == (
        "responding",
        "Ⅳ级（一般）",
    )
    stale = post(official, f"{url}/close", {"version": version})
    assert stale.status_code == 409 and stale.json()["state"] == "responding"
    assert post(official, f"{url}/launch", {}).status_code == 404


def test_the_level_changes_with_a_reason_while_responding(it):
    official = it.clients["district_official"]
    early = post(official, f"/incidents/{it.reported.pk}/level", {"level": "3", "reason": "扩大"})
    assert early.status_code == 409
    url = f"/incidents/{it.responding.pk}/level"
    assert "level" in errors_of(post(official, url, {"level": "4", "reason": "不变"}))
    assert "reason" in errors_of(post(official, url, {"level": "3", "reason": ""}))
    raised = post(official, url, {"level": "3", "reason": "火势扩大"})
    assert raised.status_code == 200 and raised.json()["level"] == "3"


def test_activating_a_plan_creates_its_levels_tasks(it):
    official, url = it.clients["district_official"], f"/incidents/{it.responding.pk}/activate"
    activated = post(official, url, {"plan_id": it.plan.pk, "level": "4"})
    assert activated.status_code == 201, activated.content
    incident = activated.json()
    assert [a["plan_title"] for a in incident["activations"]] == ["杨浦区火灾事故专项应急预案"]
    plan_tasks = [t for t in incident["tasks"] if t["source"] == "plan"]
    assert sorted(t["title"] for t in plan_tasks) == ["组织疏散", "设置警戒区"]
    assert all(t["due_at"] for t in plan_tasks)
    assert post(official, url, {"plan_id": it.plan.pk, "level": "4"}).status_code == 409
    assert "level" in errors_of(post(official, url, {"plan_id": it.plan.pk, "level": "1"}))
    assert "level" in errors_of(post(official, url, {"plan_id": it.plan.pk, "level": "IV"}))


def test_the_command_log_and_tasks(it):
    official, url = it.clients["district_official"], f"/incidents/{it.responding.pk}"
    logged = post(official, f"{url}/log", {"kind": "decision", "text": "封闭国和路"})
    assert logged.status_code == 201 and logged.json()["by"] == "district_official"
    assert "kind" in errors_of(post(official, f"{url}/log", {"kind": "gossip", "text": "x"}))
    assert (
        post(it.clients["leader"], f"{url}/log", {"kind": "decision", "text": "x"}).status_code
        == 403
    )
    neighbour = post(
        it.clients["neighbour_official"], f"{url}/log", {"kind": "decision", "text": "x"}
    )
    assert neighbour.status_code == 404
    task = post(official, f"{url}/tasks", {"title": "关闭燃气阀门", "responsible": "燃气公司"})
    assert task.status_code == 201, task.content
    done_url = f"{url}/tasks/{task.json()['id']}/done"
    done = post(official, done_url, {"version": task.json()["version"], "note": "已关闭"})
    assert done.status_code == 200 and done.json()["state"] == "done"
    assert post(official, done_url, {"note": "再次"}).status_code == 409
    other = f"/incidents/{it.reported.pk}/tasks/{task.json()['id']}/done"
    assert post(official, other, {}).status_code == 404


# --- dispatch ------------------------------------------------------------------------------


def test_candidates_rank_the_ready_teams_in_scope_by_distance(it):
    response = get(
        it.clients["district_official"], f"/incidents/{it.reported.pk}/candidates", {"kind": "team"}
    )
    assert response.status_code == 200, response.content
    assert [c["name"] for c in response.json()] == ["殷行消防救援队", "平凉消防救援队"]
    bad = get(
        it.clients["district_official"], f"/incidents/{it.reported.pk}/candidates", {"kind": "x"}
    )
    assert bad.status_code == 422


def test_dispatch_sends_a_team_and_the_same_team_cannot_go_twice(it):
    official, url = it.clients["district_official"], f"/incidents/{it.reported.pk}/dispatch"
    sent = post(official, url, {"kind": "team", "resource_id": it.near.pk, "task": "灭火"})
    assert sent.status_code == 201, sent.content
    assignment = sent.json()
    assert (assignment["state"], assignment["resource_name"]) == ("dispatched", "殷行消防救援队")
    assert 0 < assignment["distance_km"] < 1
    assert {a["name"] for a in assignment["actions"]} == {"depart", "arrive", "cancel"}
    assert RescueTeam.objects.get(pk=it.near.pk).readiness == "deployed"
    again = post(official, url, {"kind": "team", "resource_id": it.near.pk})
    assert again.status_code == 409
    deployed = post(official, url, {"kind": "team", "resource_id": it.busy.pk})
    assert deployed.status_code == 409 and "已被调派" in deployed.json()["detail"]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"kind": "supply", "quantity": 1000}, 409, None),
        ({"kind": "supply", "quantity": "一百"}, 422, "quantity"),
        ({"kind": "supply", "quantity": 0}, 422, "quantity"),
        ({"kind": "tank", "quantity": 1}, 422, "kind"),
        ({"kind": "team", "quantity": 2}, 422, "quantity"),
    ],
)
def test_dispatch_refuses_what_cannot_be_sent(it, body, status, field):
    resource = it.bags.pk if body["kind"] == "supply" else it.far.pk
    url = f"/incidents/{it.reported.pk}/dispatch"
    response = post(it.clients["district_official"], url, {**body, "resource_id": resource})
    assert response.status_code == status, response.content
    if field:
        assert field in errors_of(response)


def test_dispatch_is_scoped_and_role_checked(it):
    url = f"/incidents/{it.reported.pk}/dispatch"
    body = {"kind": "team", "resource_id": it.hongkou_team.pk}
    assert post(it.clients["district_official"], url, body).status_code == 404
    body = {"kind": "team", "resource_id": it.far.pk}
    assert post(it.clients["street_officer"], url, body).status_code == 403
    assert post(it.clients["neighbour_official"], url, body).status_code == 404


def test_an_assignment_moves_and_releases_its_team(it):
    official, url = it.clients["district_official"], f"/assignments/{it.out.pk}/transitions"
    departed = post(official, f"{url}/depart", {"version": it.out.version})
    assert departed.status_code == 200, departed.content
    assert departed.json()["state"] == "en_route"
    stale = post(official, f"{url}/arrive", {"version": it.out.version})
    assert stale.status_code == 409
    arrived = post(official, f"{url}/arrive", {})
    assert arrived.status_code == 200 and arrived.json()["on_scene_at"]
    assert "returned" in errors_of(post(official, f"{url}/release", {"returned": 3}))
    released = post(official, f"{url}/release", {})
    assert released.status_code == 200 and released.json()["state"] == "released"
    assert RescueTeam.objects.get(pk=it.busy.pk).readiness == "ready"
    assert post(official, f"{url}/fly", {}).status_code == 404
    assert post(it.clients["neighbour_official"], f"{url}/depart", {}).status_code == 404


def test_supplies_sent_come_back_in_part_on_release(it):
    official = it.clients["district_official"]
    sent = post(
        official,
        f"/incidents/{it.responding.pk}/dispatch",
        {"kind": "supply", "resource_id": it.bags.pk, "quantity": 40},
    )
    assert sent.status_code == 201, sent.content
    url = f"/assignments/{sent.json()['id']}/transitions"
    assert "reason" in errors_of(post(official, f"{url}/cancel", {"reason": ""}))
    post(official, f"{url}/arrive", {})
    released = post(official, f"{url}/release", {"returned": 15})
    assert released.status_code == 200, released.content
    supply = get(official, f"/supplies/{it.bags.pk}").json()
    assert supply["quantity"] == 75


# --- closing -------------------------------------------------------------------------------


def test_close_waits_for_every_assignment_then_review_follows_the_after_action(it):
    official, url = it.clients["district_official"], f"/incidents/{it.responding.pk}"
    blocked = post(official, f"{url}/transitions/close", {})
    assert blocked.status_code == 409 and "未撤离" in blocked.json()["detail"]
    moves = f"/assignments/{it.out.pk}/transitions"
    post(official, f"{moves}/cancel", {"reason": "火已扑灭"})
    closed = post(official, f"{url}/transitions/close", {"reason": "险情排除"})
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    early = post(official, f"{url}/transitions/review", {})
    assert early.status_code == 409
    review = {
        "summary": "处置及时",
        "went_well": "联动顺畅",
        "problems": "通讯不畅",
        "reviewed_on": timezone.localdate().isoformat(),
        "lessons": [{"title": "配备对讲机", "responsible": "区应急局"}],
    }
    assert "reviewed_on" in errors_of(
        post(official, f"{url}/after-action", {**review, "reviewed_on": "2099-01-01"})
    )
    reviewed = post(official, f"{url}/after-action", review)
    assert reviewed.status_code == 201, reviewed.content
    record = reviewed.json()
    assert record["review"]["summary"] == "处置及时"
    assert [t["title"] for t in record["tasks"] if t["source"] == "review"] == ["配备对讲机"]
    assert post(official, f"{url}/after-action", review).status_code == 409
    done = post(official, f"{url}/transitions/review", {})
    assert done.status_code == 200 and done.json()["state"] == "reviewed"


def test_a_void_needs_its_reason_and_only_before_the_response(it):
    official = it.clients["district_official"]
    url = f"/incidents/{it.reported.pk}/transitions/void"
    assert "reason" in errors_of(post(official, url, {"reason": ""}))
    voided = post(official, url, {"reason": "重复登记"})
    assert voided.status_code == 200 and voided.json()["state"] == "voided"
    late = post(official, f"/incidents/{it.responding.pk}/transitions/void", {"reason": "误报"})
    assert late.status_code == 409


# --- the timeline --------------------------------------------------------------------------


def test_the_timeline_replays_the_incident_in_order(it):
    response = get(it.clients["leader"], f"/incidents/{it.responding.pk}/timeline")
    assert response.status_code == 200, response.content
    entries = response.json()
    assert [entry["label"] for entry in entries][:3] == ["接报", "启动响应", "调派"]
    assert entries == sorted(entries, key=lambda entry: entry["at"])
    assert (
        get(it.clients["neighbour_official"], f"/incidents/{it.responding.pk}/timeline").status_code
        == 404
    )
