"""/api/v1/specialwork as an integrator uses it: apply for a permit (the grade and why in the
answer), sign it, record a sample, start and close the work — each answer the permit as it is
now with what the caller may do next; 422 names the field in Chinese (a load sent as text, a
negative height, an end before the start, an unknown field), 409 on a stale version or a gate
that does not hold (with the state), 403 for a role without ``permit.issue``, 404 out of
scope; the list with the pages' filters and the figures whose ``list_query`` gives exactly
the permits they count.

The API runs on the real clock: permits start now."""

from datetime import timedelta

import pytest
from django.utils import timezone

from anjian.specialwork.choices import State
from anjian.specialwork.models import Permit
from testsupport import world

pytestmark = pytest.mark.django_db

BASE = "/api/v1/specialwork"


def body(kind="confined", **changes) -> dict:
    start = timezone.now().replace(second=0, microsecond=0)
    data = {
        "kind": kind,
        "place": "一号罐",
        "content": "罐内检修",
        "planned_start": start.isoformat(),
        "planned_end": (start + timedelta(hours=2)).isoformat(),
        "guardian": "王监护",
        "workers": ["张三", "李四"],
    }
    data.update(changes)
    return data


def post(client, url, data=None):
    return client.post(f"{BASE}{url}", data or {}, content_type="application/json")


def get(client, url, params=None):
    return client.get(f"{BASE}{url}", params or {})


@pytest.fixture
def manager(api_client_for):
    return api_client_for(world.actor("enterprise_manager"))


@pytest.fixture
def official(api_client_for):
    return api_client_for(world.actor("district_official"))


def created(client, **changes) -> dict:
    response = post(client, "/permits", body(**changes))
    assert response.status_code == 201, response.content
    return response.json()


def fields(response) -> dict:
    assert response.status_code == 422, response.content
    return {tuple(item["loc"][1:]): item["msg"] for item in response.json()["detail"]}


def test_applying_answers_the_grade_and_why(manager):
    permit = created(manager, kind="lifting", load_t="120")
    assert permit["grade"] == "1" and permit["grade_label"] == "一级吊装作业"
    assert "m > 100 t" in permit["grade_reasons"][0]
    assert permit["state"] == "draft" and permit["edition"] == "GB 30871-2022"
    assert permit["approvals_needed"] == [
        {
            "stage": "approve",
            "role": "plant_head",
            "label": "主管厂长或总工程师审批",
            "signed": False,
        }
    ]
    assert {a["name"] for a in permit["actions"]} == {"submit", "cancel", "edit"}


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"kind": "lifting", "load_t": "十吨"}, ("load_t",), "应为数字"),
        ({"kind": "lifting", "load_t": 8}, ("load_t",), "不需办理"),
        ({"kind": "height", "height_m": -3}, ("height_m",), "须在0至1000之间"),
        ({"kind": "height", "height_m": 1.5}, ("height_m",), "不足2 m"),
        ({"planned_end": "2020-01-01T08:00:00+08:00"}, ("planned_end",), "须晚于"),
        ({"unit_id": 999999}, ("unit_id",), "本单位"),
        ({"grade": "1"}, ("grade",), "不允许的字段"),
        ({"workers": []}, ("workers",), "至少一人"),
    ],
)
def test_bad_input_is_422_on_the_field(manager, changes, field, words):
    found = fields(post(manager, "/permits", body(**changes)))
    assert words in found[field], found


def test_the_whole_way_through_the_api(manager):
    permit = created(manager, kind="hot", hot_place="other")
    pk = permit["id"]
    permit = post(manager, f"/permits/{pk}/submit", {"version": permit["version"]}).json()
    assert permit["state"] == "pending"
    step = permit["approvals_needed"][0]
    answer = post(
        manager,
        f"/permits/{pk}/approvals",
        {
            "version": permit["version"],
            "stage": step["stage"],
            "role": step["role"],
            "person": "主任",
            "agreed": True,
            "opinion": "同意",
        },
    )
    permit = answer.json()
    assert answer.status_code == 200 and permit["state"] == "approved"
    refused = post(manager, f"/permits/{pk}/start", {"version": permit["version"]})
    assert refused.status_code == 409
    assert refused.json()["state"] == "approved" and "气体分析" in refused.json()["detail"]
    sample = post(
        manager,
        f"/permits/{pk}/analyses",
        {
            "taken_at": timezone.now().isoformat(),
            "point": "动火点",
            "lel_percent": "5",
            "flammable_percent": "0.1",
            "analyst": "赵",
        },
    )
    assert sample.status_code == 201 and sample.json()["passed"] is True
    permit = post(manager, f"/permits/{pk}/start", {"version": permit["version"]}).json()
    assert permit["state"] == "working"
    assert post(manager, f"/permits/{pk}/progress", {"note": "进展正常"}).status_code == 200
    permit = post(manager, f"/permits/{pk}/pause", {"version": permit["version"], "reason": "午休"})
    permit = permit.json()
    assert permit["state"] == "paused" and permit["gates"][0]["ok"] is True
    permit = post(manager, f"/permits/{pk}/resume", {"version": permit["version"]}).json()
    permit = post(manager, f"/permits/{pk}/close", {"version": permit["version"]}).json()
    assert permit["state"] == "closed" and permit["actions"] == []
    assert len(get(manager, f"/permits/{pk}/analyses").json()) == 1
    assert len(get(manager, f"/permits/{pk}/approvals").json()) == 1


def test_a_stale_version_is_409(manager):
    permit = created(manager)
    answer = post(manager, f"/permits/{permit['id']}/submit", {"version": permit["version"] + 1})
    assert answer.status_code == 409


def test_changing_a_draft_regrades_it_and_a_submitted_one_is_409(manager):
    permit = created(manager, kind="height", height_m=3)
    answer = manager.patch(
        f"{BASE}/permits/{permit['id']}",
        {"version": permit["version"], "height_m": 20, "height_hazards": ["wind"]},
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["grade"] == "IV"
    permit = answer.json()
    post(manager, f"/permits/{permit['id']}/submit", {"version": permit["version"]})
    again = manager.patch(
        f"{BASE}/permits/{permit['id']}",
        {"version": permit["version"] + 1, "place": "别处"},
        content_type="application/json",
    )
    assert again.status_code == 409


def test_an_official_reads_but_may_not_write(manager, official):
    permit = created(manager)
    assert get(official, f"/permits/{permit['id']}").status_code == 200
    assert post(official, "/permits", body()).status_code == 403
    answer = post(official, f"/permits/{permit['id']}/submit", {"version": permit["version"]})
    assert answer.status_code == 403


def test_outside_the_scope_is_404(manager, api_client_for):
    permit = created(manager)
    neighbour = api_client_for(world.actor("neighbour_official"))
    assert get(neighbour, f"/permits/{permit['id']}").status_code == 404
    assert get(neighbour, f"/permits/{permit['id']}/analyses").status_code == 404


def test_the_list_filters_as_the_page_does(manager, official):
    hot = created(manager, kind="hot", hot_place="running_plant")
    created(manager)
    found = get(official, "/permits", {"kind": "hot"}).json()
    assert [item["number"] for item in found["items"]] == [hot["number"]]
    assert get(official, "/permits", {"state": "nonsense"}).status_code == 422
    assert get(official, "/permits", {"street": "杨浦"}).status_code == 422


def test_each_figure_carries_the_query_of_exactly_its_permits(manager, official):
    for changes in ({"kind": "hot", "hot_place": "other"}, {"kind": "lifting", "load_t": 50}, {}):
        permit = created(manager, **changes)
        post(manager, f"/permits/{permit['id']}/submit", {"version": permit["version"]})
    created(manager)  # a draft: not counted
    figures = get(official, "/figures").json()
    assert figures["total"] == 3
    cells = [*figures["kinds"], *(g for kind in figures["kinds"] for g in kind["grades"])]
    for cell in cells:
        listed = get(official, "/permits", {**cell["list_query"], "page_size": 500}).json()
        assert listed["count"] == cell["count"], cell
    assert Permit.objects.filter(state=State.DRAFT).count() == 1


def test_a_permit_outside_its_enterprise_cannot_be_made_by_an_enterprise_user(manager):
    answer = post(manager, "/permits", body(enterprise_id=world.enterprise("hongkou_shop").pk))
    assert answer.status_code == 201
    assert answer.json()["enterprise_id"] == world.enterprise("yinhang_chemical").pk
