"""/api/v1/inspection-plans as an integrator uses it."""

import pytest

from anjian.inspections.tests.factories import department
from testsupport import world

pytestmark = pytest.mark.django_db

BASE = "/api/v1/inspection-plans/"
EMERGENCY = "杨浦区应急管理局"


def json_post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_draw_up_adjust_submit_and_approve(district_official, leader, api_client_for):
    client = api_client_for(district_official)
    created = json_post(client, BASE, {"department_id": department(EMERGENCY).pk, "year": 2027})
    assert created.status_code == 201, created.content
    plan = created.json()
    assert plan["state"] == "draft" and plan["totals"][-1] == {
        "grade": "",
        "units": 2,
        "major": 0,
        "visits": 4,
    }
    assert {a["name"] for a in plan["actions"]} == {"submit"}
    again = json_post(client, BASE, {"department_id": department(EMERGENCY).pk, "year": 2027})
    assert again.status_code == 422
    assert again.json()["detail"] == [
        {"loc": ["body", "quarter"], "msg": "本部门2027年度的检查计划已存在", "type": "value_error"}
    ]
    entries = client.get(f"{BASE}{plan['id']}/entries").json()
    assert entries["count"] == 2
    entry = entries["items"][0]
    url = f"{BASE}{plan['id']}/entries/{entry['id']}"
    body = {"version": plan["version"], "visits": 5}
    refused = client.patch(url, body, content_type="application/json")
    assert refused.status_code == 422
    assert "请写明调整理由" in refused.json()["detail"][0]["msg"]
    done = client.patch(url, {**body, "reason": "整改复查"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["visits"] == 5
    stale = json_post(client, f"{BASE}{plan['id']}/submit", {"version": plan["version"]})
    assert stale.status_code == 409
    submitted = json_post(client, f"{BASE}{plan['id']}/submit", {})
    assert submitted.json()["state"] == "submitted"
    own = json_post(client, f"{BASE}{plan['id']}/approve", {})
    assert own.status_code == 403 and "不能审批本人" in own.json()["detail"]
    approved = json_post(api_client_for(leader), f"{BASE}{plan['id']}/approve", {})
    assert approved.status_code == 200 and approved.json()["state"] == "approved"


def test_another_district_cannot_see_or_plan_for_it(district_official, api_client_for):
    plan = json_post(
        api_client_for(district_official),
        BASE,
        {"department_id": department(EMERGENCY).pk, "year": 2027},
    ).json()
    neighbour = api_client_for(world.actor("neighbour_official"))
    assert neighbour.get(f"{BASE}{plan['id']}").status_code == 404
    assert neighbour.get(BASE).json()["count"] == 0
    refused = json_post(neighbour, BASE, {"department_id": department(EMERGENCY).pk, "year": 2028})
    assert refused.status_code == 404


def test_the_policy_is_read_and_set_in_scope(district_official, api_client_for):
    client = api_client_for(district_official)
    default = client.get(f"{BASE}policy", {"region": "310110"}).json()
    assert default["region"] == "" and default["grade_a"] == 4
    body = {
        "region": "310110",
        "grade_a": 6,
        "grade_b": 2,
        "grade_c": 1,
        "grade_d": 0,
        "major_risk_extra": 1,
        "yearly_cap": 6,
        "basis": "杨安委〔2026〕3号",
    }
    saved = client.put(f"{BASE}policy", body, content_type="application/json")
    assert saved.status_code == 200 and saved.json()["region"] == "310110"
    assert client.get(f"{BASE}policy", {"region": "310110016"}).json()["grade_a"] == 6
    outside = client.put(
        f"{BASE}policy", {**body, "region": "310109"}, content_type="application/json"
    )
    assert outside.status_code == 403
    assert client.get(f"{BASE}policy", {"region": "310109"}).status_code == 404
