"""/api/v1/warnings for integrations: drafts, transitions, XML, errors in Chinese."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from anjian.cap import xml
from anjian.cap.choices import State
from anjian.cap.models import CapAlert
from anjian.cap.tests.factories import POLYGON, alert_in, draft
from testsupport import world

URL = "/api/v1/warnings"


def body(**extra) -> dict:
    expires = timezone.localtime() + timedelta(days=1)
    return {
        "region": world.YANGPU,
        "sender_name": "杨浦区应急管理局",
        "event": "高温天气危险化学品安全风险",
        "urgency": "Expected",
        "severity": "Moderate",
        "certainty": "Likely",
        "headline": "接口起草的高温预警",
        "description": "未来三天最高气温37℃以上。",
        "instruction": "落实喷淋降温。",
        "expires": expires.isoformat(),
        "area_desc": "杨浦区全境",
        "polygon": POLYGON,
        **extra,
    }


def send(client, method, url, payload):
    return getattr(client, method)(url, json.dumps(payload), content_type="application/json")


def test_a_draft_is_created_submitted_and_approved(api_client_for, district_official, leader):
    composer = api_client_for(district_official)
    created = send(composer, "post", f"{URL}/", body())
    assert created.status_code == 201, created.content
    alert = created.json()
    assert alert["state"] == "draft" and alert["version"] == 1 and alert["identifier"] == ""
    assert alert["category"] == "Safety" and alert["status"] == "Actual"

    submitted = send(composer, "post", f"{URL}/{alert['id']}/submit", {"version": 1})
    assert submitted.status_code == 200 and submitted.json()["state"] == "pending"

    own = send(composer, "post", f"{URL}/{alert['id']}/approve", {"version": 2})
    assert own.status_code == 403 and "不能审核发布本人" in own.json()["detail"]

    approved = send(api_client_for(leader), "post", f"{URL}/{alert['id']}/approve", {"version": 2})
    assert approved.status_code == 200, approved.content
    published = approved.json()
    assert published["state"] == "published"
    assert published["sent"].endswith("+08:00")
    assert published["identifier"].startswith("anjian-310110-")

    document = composer.get(f"{URL}/{alert['id']}/xml")
    assert document.status_code == 200
    assert document["Content-Type"] == "application/xml; charset=utf-8"
    assert xml.problems(document.content) == []


def test_a_stale_edit_is_409(api_client_for, district_official):
    client = api_client_for(district_official)
    alert = draft(by=district_official)
    first = send(client, "put", f"{URL}/{alert.pk}", body(version=1, headline="先改的"))
    stale = send(client, "put", f"{URL}/{alert.pk}", body(version=1, headline="后改的"))
    assert first.status_code == 200 and first.json()["version"] == 2
    assert stale.status_code == 409 and "已被他人修改" in stale.json()["detail"]
    assert CapAlert.objects.get(pk=alert.pk).headline == "先改的"


@pytest.mark.parametrize(
    ("payload", "field", "expected"),
    [
        (body(polygon="31.30,121.50 31.30,121.56 31.30,121.50"), "polygon", "至少需要 4 个坐标点"),
        (body(polygon="31.30,121.50 31.30,121.56 31.25,121.56 31.25,121.50"), "polygon", "须闭合"),
        (body(polygon="31.30,121.50 -91,121.56 31.25,121.56 31.30,121.50"), "polygon", "超出范围"),
        (body(polygon="", circle="31.27,121.52 0"), "circle", "半径须大于 0"),
        (
            body(effective="2026-12-10T09:00:00+08:00", expires="2026-12-09T09:00:00+08:00"),
            "expires",
            "失效时间须晚于生效时间",
        ),
        (body(region=world.HONGKOU), "region", "只能发布您管辖范围内的预警"),
        (body(severity="Very"), "severity", ""),
        (body(expires="明天"), "expires", ""),
        ({"region": world.YANGPU}, "headline", "必填"),
    ],
)
def test_bad_warnings_are_422_with_the_field_named_and_nothing_written(
    payload, field, expected, api_client_for, district_official
):
    before = CapAlert.objects.count()
    response = send(api_client_for(district_official), "post", f"{URL}/", payload)
    assert response.status_code == 422, response.content
    errors = [e for e in response.json()["detail"] if field in e["loc"]]
    assert errors, response.json()
    assert expected in " ".join(e["msg"] for e in errors)
    assert CapAlert.objects.count() == before


def test_malformed_json_is_refused_in_chinese(api_client_for, district_official):
    before = CapAlert.objects.count()
    response = api_client_for(district_official).post(
        f"{URL}/", '{"region": "310110", ', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "请求体不是有效的 JSON"}
    assert CapAlert.objects.count() == before


def test_update_then_cancel_through_the_api(api_client_for, district_official, leader):
    original = alert_in("published")
    composer, approver = api_client_for(district_official), api_client_for(leader)

    opened = send(composer, "post", f"{URL}/{original.pk}/update", {"version": original.version})
    again = send(composer, "post", f"{URL}/{original.pk}/update", {})
    assert opened.status_code == 201 and again.status_code == 200
    update = opened.json()
    assert again.json()["id"] == update["id"]
    assert update["msg_type"] == "Update" and update["replaces_id"] == original.pk
    assert composer.get(f"{URL}/{update['id']}/xml").status_code == 409

    send(composer, "post", f"{URL}/{update['id']}/submit", {})
    published = send(approver, "post", f"{URL}/{update['id']}/approve", {})
    assert published.status_code == 200
    assert published.json()["references"] == CapAlert.objects.get(pk=original.pk).cap_reference
    assert CapAlert.objects.get(pk=original.pk).state == State.SUPERSEDED

    cancelled = send(approver, "post", f"{URL}/{update['id']}/cancel", {"reason": "高温结束"})
    assert cancelled.status_code == 201, cancelled.content
    assert cancelled.json()["msg_type"] == "Cancel" and cancelled.json()["note"] == "高温结束"
    assert CapAlert.objects.get(pk=update["id"]).state == State.CANCELLED


def test_a_composer_without_the_approve_right_cannot_cancel(api_client_for, street_officer):
    alert = alert_in("published")
    response = send(
        api_client_for(street_officer), "post", f"{URL}/{alert.pk}/cancel", {"reason": "x"}
    )
    assert response.status_code == 403


def test_the_list_filters_and_paginates(api_client_for, district_official):
    alert_in("published", headline="接口列表已发布")
    alert_in("draft", headline="接口列表草稿")
    client = api_client_for(district_official)
    published = client.get(f"{URL}/", {"state": "published"}).json()
    assert {a["headline"] for a in published["items"]} == {"接口列表已发布"}
    assert published["count"] == 1
    assert client.get(f"{URL}/", {"state": "bogus"}).status_code == 422


def test_the_neighbour_gets_404_for_yangpu_warnings(api_client_for, neighbour_official):
    alert = alert_in("published")
    pending = alert_in("pending")
    client = api_client_for(neighbour_official)
    assert client.get(f"{URL}/{alert.pk}").status_code == 404
    assert client.get(f"{URL}/{alert.pk}/xml").status_code == 404
    assert send(client, "post", f"{URL}/{pending.pk}/approve", {}).status_code == 404
    assert send(client, "post", f"{URL}/{alert.pk}/cancel", {"reason": "x"}).status_code == 404
    assert send(client, "put", f"{URL}/{pending.pk}", body(version=1)).status_code == 404
    assert CapAlert.objects.get(pk=pending.pk).state == State.PENDING
    assert client.get(f"{URL}/").json()["items"] == []


def test_an_enterprise_manager_gets_403(api_client_for, enterprise_manager):
    alert = alert_in("published")
    client = api_client_for(enterprise_manager)
    for url in (f"{URL}/", f"{URL}/{alert.pk}", f"{URL}/{alert.pk}/xml"):
        assert client.get(url).status_code == 403, url
    assert send(client, "post", f"{URL}/", body()).status_code == 403
