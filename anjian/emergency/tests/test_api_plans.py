"""/api/v1/emergency plans, drills and their figures as an integrator uses them: write a
plan, publish it, send it for filing, file it (by the authority, never the writer),
assess, trigger, revise; plan, hold and evaluate drills; read the figures. 422 names the
field, 409 on a stale version or a state that does not allow the step, 404 out of scope,
403 for a role without the action.

The records are built once for the module (``built``); every test runs in its own
savepoint and leaves them as they were."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from anjian.accounts.models import ApiToken
from anjian.emergency import services_drills, services_plans
from anjian.emergency.models import EmergencyPlan
from testsupport import world

BASE = "/api/v1/emergency"
PUBLISHED_ON = date(2026, 6, 1)

LEVELS = [
    {"level": "4", "trigger": "一般突发事件", "commander": "区应急局局长"},
    {"level": "3", "trigger": "较大突发事件", "commander": "分管副区长"},
]
ROLES = [{"name": "总指挥", "holder": "区长", "duties": "统一指挥"}]
TASKS = [
    {"level": "4", "title": "现场警戒", "responsible": "公安分局", "due_minutes": 30},
    {"level": "3", "title": "人员疏散", "responsible": "街道办事处", "due_minutes": 60},
]


def plan_data(**overrides) -> dict:
    data = {
        "owner_kind": "government",
        "title": "杨浦区突发事件总体应急预案",
        "plan_type": "overall",
        "edition": "2026年版",
        "risks": "自然灾害、事故灾难",
    }
    return {**data, **overrides}


def client_of(name: str) -> Client:
    _token, raw = ApiToken.issue(user=world.actor(name), name="pytest")
    return Client(headers={"authorization": f"Bearer {raw}"})


def build() -> SimpleNamespace:
    official = world.actor("district_official")
    manager = world.actor("enterprise_manager")
    draft = services_plans.plan_create(
        official, data=plan_data(), levels=LEVELS, roles=ROLES, tasks=TASKS
    )
    published = services_plans.plan_create(
        official,
        data=plan_data(title="杨浦区防汛防台专项应急预案", plan_type="gov_special"),
        levels=LEVELS,
        tasks=TASKS,
    )
    services_plans.plan_publish(
        official, plan_id=published.pk, expected_version=None, published_on=PUBLISHED_ON
    )
    unit = services_plans.plan_create(
        manager,
        data={
            "owner_kind": "enterprise",
            "title": "殷行化工综合应急预案",
            "plan_type": "comprehensive",
            "edition": "2026年版",
            "risks": "危险化学品泄漏",
        },
        levels=LEVELS[:1],
    )
    services_plans.plan_publish(
        manager, plan_id=unit.pk, expected_version=None, published_on=PUBLISHED_ON
    )
    services_plans.plan_submit(
        manager, plan_id=unit.pk, expected_version=None, filing_authority="杨浦区应急管理局"
    )
    drill_data = {
        "owner_kind": "government",
        "title": "防汛桌面推演",
        "kind": "special",
        "form": "tabletop",
        "scenario": "台风暴雨",
        "planned_on": date(2026, 7, 1),
    }
    planned = services_drills.drill_create(official, data=drill_data)
    evaluated = services_drills.drill_create(official, data={**drill_data, "title": "综合演练"})
    services_drills.drill_hold(
        official,
        drill_id=evaluated.pk,
        expected_version=None,
        held_on=date(2026, 7, 2),
        participants=40,
        record="按预案处置",
    )
    services_drills.drill_evaluate(
        official,
        drill_id=evaluated.pk,
        expected_version=None,
        score=85,
        evaluators="专家组",
        evaluated_on=date(2026, 7, 3),
        summary="基本达到预期",
        problems=[
            {
                "description": "通讯不畅",
                "improvement": "配备卫星电话",
                "responsible": "区应急局",
                "due_on": date(2026, 9, 30),
            }
        ],
    )
    names = ("district_official", "street_officer", "leader", "neighbour_official")
    return SimpleNamespace(
        draft=EmergencyPlan.objects.get(pk=draft.pk),
        published=EmergencyPlan.objects.get(pk=published.pk),
        unit=EmergencyPlan.objects.get(pk=unit.pk),
        planned=planned,
        evaluated=evaluated,
        clients={name: client_of(name) for name in (*names, "enterprise_manager")},
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


# --- plans: reads --------------------------------------------------------------------------


def test_the_list_filters_like_the_page(it):
    official = it.clients["district_official"]

    def ids(**params):
        response = get(official, "/plans", params)
        assert response.status_code == 200, response.content
        return {plan["id"] for plan in response.json()["items"]}

    assert {it.draft.pk, it.published.pk, it.unit.pk} <= ids()
    assert ids(plan_type="gov_special") == {it.published.pk}
    assert ids(state=["draft", "submitted"]) >= {it.draft.pk, it.unit.pk}
    assert it.published.pk not in ids(state=["draft", "submitted"])
    assert {it.published.pk, it.unit.pk} <= ids(in_force="true")
    assert it.draft.pk not in ids(in_force="true")
    assert ids(q="殷行化工") == {it.unit.pk}
    assert get(official, "/plans", {"plan_type": "secret"}).status_code == 422
    assert get(official, "/plans", {"filing_overdue": "明天"}).status_code == 422


def test_a_plan_reads_with_its_levels_roles_tasks_history_and_actions(it):
    response = get(it.clients["district_official"], f"/plans/{it.draft.pk}")
    assert response.status_code == 200, response.content
    plan = response.json()
    assert (plan["state"], plan["state_label"], plan["version"]) == ("draft", "编制中", 1)
    assert (plan["owner_kind"], plan["region_code"]) == ("government", world.YANGPU)
    assert [level["level"] for level in plan["levels"]] == ["3", "4"]
    assert [task["title"] for task in plan["tasks"]] == ["人员疏散", "现场警戒"]
    assert plan["roles"] == [{"name": "总指挥", "holder": "区长", "duties": "统一指挥"}]
    assert [line["action"] for line in plan["transitions"]] == ["create"]
    assert {a["name"] for a in plan["actions"]} == {"publish", "abolish"}
    leader = get(it.clients["leader"], f"/plans/{it.draft.pk}").json()
    assert leader["actions"] == []


def test_another_districts_user_finds_no_plan(it):
    neighbour = it.clients["neighbour_official"]
    assert get(neighbour, f"/plans/{it.draft.pk}").status_code == 404
    assert get(neighbour, "/plans").json()["count"] == 0
    url = f"/plans/{it.published.pk}/transitions/abolish"
    assert post(neighbour, url, {"reason": "作废"}).status_code == 404
    assert patch(neighbour, f"/plans/{it.draft.pk}", {"title": "改"}).status_code == 404


# --- plans: writes -------------------------------------------------------------------------


def test_a_plan_is_written_as_a_draft(it):
    body = {**plan_data(title="杨浦区危化品事故专项应急预案", plan_type="gov_special")}
    response = post(it.clients["district_official"], "/plans", {**body, "levels": LEVELS})
    assert response.status_code == 201, response.content
    plan = response.json()
    assert plan["number"].startswith("YA") and plan["state"] == "draft"
    assert [level["commander"] for level in plan["levels"]] == ["分管副区长", "区应急局局长"]


def test_an_enterprise_user_writes_for_its_own_unit_only(it):
    manager = it.clients["enterprise_manager"]
    body = plan_data(owner_kind="enterprise", plan_type="onsite", title="罐区现场处置方案")
    response = post(manager, "/plans", body)
    assert response.status_code == 201, response.content
    assert response.json()["enterprise_id"] == world.enterprise("yinhang_chemical").pk
    other = world.enterprise("pingliang_factory").pk
    assert post(manager, "/plans", {**body, "enterprise_id": other}).status_code == 404


def test_a_read_only_role_writes_no_plan(it):
    response = post(it.clients["leader"], "/plans", plan_data(title="领导登记的预案"))
    assert response.status_code == 403
    assert response.json() == {"detail": "您的角色无权执行此操作"}
    assert not EmergencyPlan.objects.filter(title="领导登记的预案").exists()


def test_a_plan_for_another_district_is_404(it):
    body = plan_data(region=world.HONGKOU)
    assert post(it.clients["district_official"], "/plans", body).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"plan_type": "secret"}, "plan_type", "“secret”不是可选的值"),
        ({"assessment_cycle_years": "三年"}, "assessment_cycle_years", "应为整数"),
        ({"assessment_cycle_years": 0}, "assessment_cycle_years", "应不小于 1"),
        ({"title": ""}, "title", "请填写预案名称"),
        ({"plan_type": "comprehensive"}, "plan_type", "人民政府及其部门的预案类型"),
        ({"titel": "x"}, "titel", "不允许的字段"),
        ({"owner_kind": "enterprise"}, "enterprise_id", "请选择所属单位"),
    ],
)
def test_bad_input_is_422_on_its_field(it, overrides, field, message):
    response = post(it.clients["district_official"], "/plans", plan_data(**overrides))
    assert message in errors_of(response).get(field, ""), response.json()


def test_a_bad_level_row_names_the_list(it):
    body = {**plan_data(), "levels": [{"level": "9", "trigger": "x", "commander": "y"}]}
    found = errors_of(post(it.clients["district_official"], "/plans", body))
    assert "第1行" in found["levels"]


def test_a_draft_changes_with_its_version_and_a_stale_one_is_409(it):
    official, url = it.clients["district_official"], f"/plans/{it.draft.pk}"
    changed = patch(official, url, {"version": 1, "title": "杨浦区突发事件总体应急预案（修改）"})
    assert changed.status_code == 200, changed.content
    assert changed.json()["version"] == 2 and changed.json()["title"].endswith("（修改）")
    stale = patch(official, url, {"version": 1, "title": "又改"})
    assert stale.status_code == 409 and stale.json()["state"] == "draft"


def test_a_published_plan_is_no_longer_edited(it):
    response = patch(it.clients["district_official"], f"/plans/{it.published.pk}", {"risks": "x"})
    assert response.status_code == 409 and response.json()["state"] == "published"


def test_publish_counts_the_filing_deadline_in_working_days(it):
    official, url = it.clients["district_official"], f"/plans/{it.draft.pk}/transitions/publish"
    assert "published_on" in errors_of(post(official, url, {"version": 1}))
    response = post(official, url, {"version": 1, "published_on": "2026-06-01"})
    assert response.status_code == 200, response.content
    plan = response.json()
    assert plan["state"] == "published"
    # 20 working days from Monday 1 June 2026: the Dragon Boat Festival (19 June) is off.
    assert plan["filing_due_on"] == "2026-06-30"
    assert plan["filing_due_basis"]
    assert {"submit", "abolish"} <= {a["name"] for a in plan["actions"]}


def test_the_unit_plan_is_filed_by_the_authority_not_by_its_writer(it):
    url = f"/plans/{it.unit.pk}/transitions/file"
    body = {"version": it.unit.version, "filing_number": "杨应急备〔2026〕1号"}
    writer = post(it.clients["enterprise_manager"], url, body)
    assert writer.status_code == 403
    street = post(it.clients["street_officer"], url, body)
    assert street.status_code == 403
    filed = post(it.clients["district_official"], url, body)
    assert filed.status_code == 200, filed.content
    assert (filed.json()["state"], filed.json()["filing_number"]) == (
        "filed",
        body["filing_number"],
    )
    again = post(it.clients["district_official"], url, {**body, "version": it.unit.version})
    assert again.status_code == 200  # the same user's double submit replays


def test_return_needs_a_reason_and_unknown_steps_are_404(it):
    official = it.clients["district_official"]
    url = f"/plans/{it.unit.pk}/transitions"
    assert "reason" in errors_of(post(official, f"{url}/return", {"reason": ""}))
    returned = post(official, f"{url}/return", {"reason": "缺少风险评估报告"})
    assert returned.status_code == 200 and returned.json()["state"] == "returned"
    assert post(official, f"{url}/supersede", {}).status_code == 404
    assert post(official, f"{url}/launch", {}).status_code == 404


def test_assess_trigger_and_revise(it):
    official, url = it.clients["district_official"], f"/plans/{it.published.pk}"
    assessed = post(
        official,
        f"{url}/assess",
        {"assessed_on": "2026-07-01", "conclusion": "符合实际", "needs_revision": False},
    )
    assert assessed.status_code == 200, assessed.content
    assert assessed.json()["last_assessed_on"] == "2026-07-01"
    assert errors_of(post(official, f"{url}/trigger", {"trigger": "mood", "conclusion": "x"}))
    triggered = post(official, f"{url}/trigger", {"trigger": "lessons", "conclusion": "演练发现"})
    assert triggered.status_code == 200 and triggered.json()["revision_due"] is True
    assert [a["trigger"] for a in triggered.json()["assessments"]] == ["", "lessons"]
    revised = post(official, f"{url}/revise", {"edition": "2027年版"})
    assert revised.status_code == 201, revised.content
    draft = revised.json()
    assert (draft["state"], draft["previous_id"], draft["edition"]) == (
        "draft",
        it.published.pk,
        "2027年版",
    )
    assert len(draft["tasks"]) == 2
    assert post(it.clients["leader"], f"{url}/revise", {}).status_code == 403


def test_an_attachment_is_uploaded_and_downloaded(it, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    official = it.clients["district_official"]
    url = f"{BASE}/plans/{it.draft.pk}/attachments"
    upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 text", content_type="application/pdf")
    response = official.post(url, {"name": "预案正文", "file": upload})
    assert response.status_code == 200, response.content
    attachment = response.json()["attachments"][0]
    assert attachment["name"] == "预案正文"
    download = official.get(f"{url}/{attachment['id']}")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 text"
    bad = official.post(url, {"name": "脚本", "file": SimpleUploadedFile("x.exe", b"MZ")})
    assert "file" in errors_of(bad)
    neighbour = it.clients["neighbour_official"]
    assert neighbour.get(f"{url}/{attachment['id']}").status_code == 404


# --- figures -------------------------------------------------------------------------------


def test_plan_figures_open_exactly_their_plans(it):
    official = it.clients["district_official"]
    figures = get(official, "/figures/plans").json()
    rate = figures["filing_rate"]
    assert (rate["numerator"]["count"], rate["denominator"]["count"]) == (0, 2)
    assert rate["percent"] == "0.0"
    assert figures["filing_overdue"]["count"] == 2  # due 30 June 2026, not filed
    listed = get(official, "/plans", figures["filing_overdue"]["filter"]).json()
    assert {plan["id"] for plan in listed["items"]} == {it.published.pk, it.unit.pk}
    assert get(it.clients["neighbour_official"], "/figures/plans").json()["in_force"]["count"] == 0


def test_drill_figures_list_units_and_their_rules(it):
    response = get(it.clients["enterprise_manager"], "/figures/drills", {"year": 2026})
    assert response.status_code == 200, response.content
    found = response.json()
    assert found["required"]["count"] == 1
    [row] = found["rows"]
    # The unit's comprehensive plan was published on 1 June: 2026's drill is still due.
    assert row["key"] == f"enterprise:{world.enterprise('yinhang_chemical').pk}"
    assert (row["status"], found["behind"]["count"]) == ("open", 0)
    yearly = next(c for c in row["checks"] if c["rule"] == "yearly_comprehensive")
    assert (yearly["period"], yearly["required"], yearly["held"]) == ("2026年", 1, 0)
    assert row["drills_filter"]["unit"] == row["key"]
    official = it.clients["district_official"]
    assert get(official, "/figures/drills", {"status": "lost"}).status_code == 422
    assert get(official, "/figures/drills", {"year": 1900}).status_code == 422


# --- drills --------------------------------------------------------------------------------


def test_a_drill_is_planned_held_and_evaluated(it):
    official = it.clients["district_official"]
    created = post(
        official,
        "/drills",
        {
            "owner_kind": "government",
            "title": "危化品泄漏实战演练",
            "kind": "special",
            "form": "actual",
            "scenario": "储罐泄漏",
            "planned_on": "2026-11-20",
            "plan_id": it.published.pk,
        },
    )
    assert created.status_code == 201, created.content
    drill = created.json()
    assert (drill["state"], drill["plan_id"]) == ("planned", it.published.pk)
    url = f"/drills/{drill['id']}"
    assert "participants" in errors_of(
        post(
            official,
            f"{url}/hold",
            {"held_on": "2026-11-20", "participants": "很多", "record": "x"},
        )
    )
    held = post(
        official,
        f"{url}/hold",
        {
            "version": drill["version"],
            "held_on": "2026-11-20",
            "participants": 50,
            "record": "按脚本",
        },
    )
    assert held.status_code == 200 and held.json()["state"] == "held"
    evaluation = {
        "score": 101,
        "evaluators": "专家组",
        "evaluated_on": "2026-11-21",
        "summary": "较好",
    }
    assert "score" in errors_of(post(official, f"{url}/evaluate", evaluation))
    stale = post(official, f"{url}/evaluate", {**evaluation, "score": 90, "version": 1})
    assert stale.status_code == 409
    problem = {
        "description": "疏散慢",
        "improvement": "增设指示",
        "responsible": "安全科",
        "due_on": "2026-12-31",
    }
    evaluated = post(
        official, f"{url}/evaluate", {**evaluation, "score": 90, "problems": [problem]}
    )
    assert evaluated.status_code == 200, evaluated.content
    record = evaluated.json()
    assert (record["state"], record["evaluation"]["score"]) == ("evaluated", 90)
    assert [p["improvement"] for p in record["problems"]] == ["增设指示"]
    assert {a["name"] for a in record["actions"]} == {"problem_done"}


def test_a_problem_is_done_once(it):
    official = it.clients["district_official"]
    problem = it.evaluated.problems.get()
    url = f"/drills/{it.evaluated.pk}/problems/{problem.pk}/done"
    done = post(
        official, url, {"version": problem.version, "done_on": "2026-08-01", "note": "已配备"}
    )
    assert done.status_code == 200, done.content
    assert (done.json()["state"], done.json()["overdue"]) == ("done", False)
    assert post(official, url, {"note": "再次"}).status_code == 409
    other = f"/drills/{it.planned.pk}/problems/{problem.pk}/done"
    assert post(official, other, {"note": "x"}).status_code == 404


def test_a_cancel_needs_its_reason_and_keeps_the_drill(it):
    official, url = it.clients["district_official"], f"/drills/{it.planned.pk}"
    assert "reason" in errors_of(post(official, f"{url}/cancel", {"reason": " "}))
    cancelled = post(official, f"{url}/cancel", {"reason": "台风过境，改期"})
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    late = post(
        official, f"{url}/hold", {"held_on": "2026-07-01", "participants": 3, "record": "x"}
    )
    assert late.status_code == 409 and late.json()["state"] == "cancelled"


def test_drills_are_scoped_and_role_checked(it):
    neighbour, leader = it.clients["neighbour_official"], it.clients["leader"]
    assert get(neighbour, f"/drills/{it.planned.pk}").status_code == 404
    assert get(neighbour, "/drills").json()["count"] == 0
    assert post(neighbour, f"/drills/{it.planned.pk}/cancel", {"reason": "x"}).status_code == 404
    assert post(leader, f"/drills/{it.planned.pk}/cancel", {"reason": "x"}).status_code == 403
    official = it.clients["district_official"]
    listed = get(official, "/drills", {"state": "evaluated", "year": 2026}).json()
    assert [d["id"] for d in listed["items"]] == [it.evaluated.pk]
    assert get(official, "/drills", {"kind": "war"}).status_code == 422
    detail = get(official, f"/drills/{it.evaluated.pk}").json()
    assert [line["action"] for line in detail["transitions"]] == ["create", "hold", "evaluate"]


# --- the schema ----------------------------------------------------------------------------


def test_the_openapi_document_names_the_emergency_operations(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/plans",
        "/plans/{emergency_plan_id}/transitions/{name}",
        "/plans/{emergency_plan_id}/attachments/{plan_attachment_id}",
        "/figures/plans",
        "/figures/drills",
        "/drills/{drill_id}/problems/{drill_problem_id}/done",
        "/teams/{team_id}/readiness",
        "/warehouses/{warehouse_id}",
        "/supplies/{supply_id}/movements",
        "/supplies/{supply_id}/transfer",
        "/equipment/{equipment_id}",
        "/shelters/{shelter_id}",
        "/experts/{expert_id}",
        "/nearest",
        "/incidents/{incident_id}/transitions/{name}",
        "/incidents/{incident_id}/dispatch",
        "/incidents/{incident_id}/tasks/{incident_task_id}/done",
        "/incidents/{incident_id}/after-action",
        "/incidents/{incident_id}/timeline",
        "/assignments/{assignment_id}/transitions/{name}",
    ):
        assert f"/api/v1/emergency{path}" in paths, path
    assert set(paths["/api/v1/emergency/plans/{emergency_plan_id}"]) == {"get", "patch"}
    assert set(paths["/api/v1/emergency/teams/{team_id}"]) == {"get", "patch"}
    dispatch = paths["/api/v1/emergency/incidents/{incident_id}/dispatch"]["post"]
    assert {"201", "403", "404", "409", "422"} <= set(dispatch["responses"])
    tags = {tag for ops in paths.values() for op in ops.values() for tag in op.get("tags", ())}
    assert {"应急预案与演练", "应急资源", "突发事件处置"} <= tags
