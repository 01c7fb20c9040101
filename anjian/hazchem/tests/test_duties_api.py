"""/api/v1/hazchem's 包保责任 as an integrator uses it: list a source's holders and checks,
name a holder (``replaces``: 409 when someone changed the role first), end a term (version),
record a check (201; 422 on the body's field), the frequencies (city-wide writes) and 包保检查
完成率 with the sources each figure counts. 404 out of scope, 403 for a role that may not."""

from datetime import timedelta

import pytest
from django.utils import timezone

from anjian.hazchem.models import MajorHazardSource
from anjian.hazchem.tests import duty_factories as dm
from testsupport import world

pytestmark = pytest.mark.django_db

BASE = "/api/v1/hazchem"
TODAY = timezone.localdate()
AGO = TODAY - timedelta(days=60)


@pytest.fixture
def source():
    target = dm.source(identified_on=AGO)
    dm.holder(target, "technical", "李工", since=AGO)
    return target


@pytest.fixture
def official(api_client_for):
    return api_client_for(world.actor("district_official"))


def get(client, url, params=None):
    return client.get(f"{BASE}{url}", params or {})


def post(client, url, body):
    return client.post(f"{BASE}{url}", body, content_type="application/json")


def errors_of(response) -> dict[str, str]:
    assert response.status_code == 422, response.content
    return {e["loc"][-1]: e["msg"] for e in response.json()["detail"]}


def holder_body(**overrides) -> dict:
    return {
        "role": "operational",
        "name": "赵主任",
        "position": "车间主任",
        "phone": "13800000000",
        "since": AGO.isoformat(),
        "replaces": None,
        **overrides,
    }


def test_naming_listing_and_replacing_holders(official, source):
    made = post(official, f"/sources/{source.pk}/duties", holder_body())
    assert made.status_code == 201, made.content
    first = made.json()
    assert (first["role_label"], first["current"], first["version"]) == ("操作负责人", True, 1)

    stale = post(official, f"/sources/{source.pk}/duties", holder_body(name="钱主任"))
    assert stale.status_code == 409 and "赵主任" in stale.json()["detail"]

    replaced = post(
        official,
        f"/sources/{source.pk}/duties",
        holder_body(name="钱主任", replaces=first["id"], since=TODAY.isoformat()),
    )
    assert replaced.status_code == 201
    listed = get(official, f"/sources/{source.pk}/duties").json()
    assert [(d["name"], d["current"]) for d in listed] == [
        ("李工", True),
        ("钱主任", True),
        ("赵主任", False),
    ]
    assert listed[-1]["until"] == TODAY.isoformat() and listed[-1]["end_reason"] == "由钱主任接任"


def test_a_bad_holder_is_422_on_the_bodys_field(official, source):
    assert errors_of(
        post(official, f"/sources/{source.pk}/duties", holder_body(user_id=999_999))
    ) == {"user_id": "请选择本单位的平台账号"}
    assert "phone" in errors_of(
        post(official, f"/sources/{source.pk}/duties", holder_body(phone=""))
    )
    assert "since" in errors_of(
        post(official, f"/sources/{source.pk}/duties", holder_body(since="明天"))
    )
    assert "role" in errors_of(
        post(official, f"/sources/{source.pk}/duties", holder_body(role="boss"))
    )
    assert "extra" in errors_of(
        post(official, f"/sources/{source.pk}/duties", holder_body(extra=1))
    )


def test_ending_a_term(official, source):
    duty = source.duties.get(role="technical")
    url = f"/sources/{source.pk}/duties/{duty.pk}/end"
    assert (
        post(
            official, url, {"version": 9, "until": TODAY.isoformat(), "reason": "调离"}
        ).status_code
        == 409
    )
    assert "until" in errors_of(
        post(
            official,
            url,
            {"version": 1, "until": (AGO - timedelta(days=1)).isoformat(), "reason": "调离"},
        )
    )
    ended = post(official, url, {"version": 1, "until": TODAY.isoformat(), "reason": "调离"})
    assert ended.status_code == 200 and ended.json()["current"] is False
    other = dm.source(name="二号储罐区")
    assert (
        post(
            official,
            f"/sources/{other.pk}/duties/{duty.pk}/end",
            {"version": 2, "until": TODAY.isoformat(), "reason": "x"},
        ).status_code
        == 404
    )


def test_recording_and_listing_checks(api_client_for, official, source):
    duty = source.duties.get(role="technical")
    manager = api_client_for(world.actor("enterprise_manager"))
    body = {
        "duty_id": duty.pk,
        "checked_on": TODAY.isoformat(),
        "findings": "季度排查",
        "hazards_found": 1,
    }
    made = post(manager, f"/sources/{source.pk}/checks", body)
    assert made.status_code == 201, made.content
    assert made.json()["holder"] == "李工" and made.json()["recorded_by"] == "enterprise_manager"

    assert errors_of(
        post(manager, f"/sources/{source.pk}/checks", {**body, "hazards_found": -1})
    ) == {"hazards_found": "发现隐患数须为0或正整数"}
    assert "duty_id" in errors_of(
        post(manager, f"/sources/{source.pk}/checks", {**body, "duty_id": 999_999})
    )
    assert "checked_on" in errors_of(
        post(
            manager,
            f"/sources/{source.pk}/checks",
            {**body, "checked_on": (TODAY + timedelta(days=1)).isoformat()},
        )
    )
    assert "hazards_found" in errors_of(
        post(manager, f"/sources/{source.pk}/checks", {**body, "hazards_found": "两个"})
    )

    listed = get(official, f"/sources/{source.pk}/checks").json()
    assert listed["count"] == 1 and listed["items"][0]["findings"] == "季度排查"
    assert (
        get(official, f"/sources/{source.pk}/checks", {"role": "operational"}).json()["count"] == 0
    )
    assert get(official, f"/sources/{source.pk}/checks", {"role": "boss"}).status_code == 422


def test_a_closed_source_is_409(official, source):
    MajorHazardSource.objects.filter(pk=source.pk).update(state="closed")
    duty = source.duties.get(role="technical")
    body = {"duty_id": duty.pk, "checked_on": TODAY.isoformat(), "findings": "x"}
    assert post(official, f"/sources/{source.pk}/checks", body).status_code == 409
    assert post(official, f"/sources/{source.pk}/duties", holder_body()).status_code == 409


def test_scope_and_role(api_client_for, source):
    neighbour = api_client_for(world.actor("neighbour_official"))
    assert get(neighbour, f"/sources/{source.pk}/duties").status_code == 404
    assert get(neighbour, f"/sources/{source.pk}/checks").status_code == 404
    assert post(neighbour, f"/sources/{source.pk}/duties", holder_body()).status_code == 404
    leader = api_client_for(world.actor("leader"))
    assert get(leader, f"/sources/{source.pk}/duties").status_code == 200
    assert post(leader, f"/sources/{source.pk}/duties", holder_body()).status_code == 403
    assert source.duties.count() == 1


def test_the_frequencies(api_client_for, admin):
    city = api_client_for(admin)
    rules = {r["role"]: r for r in get(city, "/duty-rules").json()}
    assert rules["operational"]["words"] == "每周至少1次" and rules["principal"]["checks"] == 0
    assert rules["technical"]["version"] == 0

    changed = post(
        city,
        "/duty-rules/technical",
        {"version": 0, "period": "month", "checks": 1, "basis": "本市规定"},
    )
    assert changed.status_code == 200 and changed.json()["version"] == 1
    assert (
        post(
            city,
            "/duty-rules/technical",
            {"version": 0, "period": "month", "checks": 2, "basis": "x"},
        ).status_code
        == 409
    )
    assert "checks" in errors_of(
        post(
            city,
            "/duty-rules/technical",
            {"version": 1, "period": "week", "checks": 8, "basis": "x"},
        )
    )
    assert (
        post(
            city, "/duty-rules/boss", {"version": 0, "period": "week", "checks": 1, "basis": "x"}
        ).status_code
        == 422
    )
    district = api_client_for(world.actor("district_official"))
    refused = post(
        district,
        "/duty-rules/technical",
        {"version": 1, "period": "week", "checks": 1, "basis": "x"},
    )
    assert refused.status_code == 403 and "全市统一配置" in refused.json()["detail"]


def test_the_figure_and_its_sources(official, source):
    operator = dm.holder(source, "operational", "赵主任", since=AGO)
    dm.check(source, operator, TODAY)
    figure = get(official, "/duty-completion").json()
    assert figure["quarter"] == (TODAY.month - 1) // 3 + 1 and figure["total"]["sources"] == 1
    assert figure["total"]["no_holder"] == 1
    assert [r["key"] for r in figure["by_role"]] == ["principal", "technical", "operational"]
    assert {r["role"] for r in figure["rules"]} == {"principal", "technical", "operational"}

    listed = get(official, "/duty-completion/sources", {"status": "no_holder"}).json()
    assert listed["count"] == 1
    item = listed["items"][0]
    assert item["number"] == source.number and item["holders"]["principal"] is None
    assert "主要负责人：未明确包保责任人" in item["missing"]
    assert (
        get(official, "/duty-completion/sources", {"status": "complete", "year": 2025}).json()[
            "count"
        ]
        == 0
    )


@pytest.mark.parametrize(
    "query",
    [
        {"year": 1999},
        {"quarter": 5},
        {"grade": "9"},
        {"role": "boss"},
        {"street": "殷行"},
        {"year": "abc"},
    ],
)
def test_a_bad_figure_query_is_422(official, query):
    assert get(official, "/duty-completion", query).status_code == 422


def test_the_figure_counts_only_the_callers_scope(api_client_for, source):
    neighbour = api_client_for(world.actor("neighbour_official"))
    assert get(neighbour, "/duty-completion").json()["total"]["sources"] == 0
    assert get(neighbour, "/duty-completion/sources").json()["count"] == 0
    assert get(neighbour, "/duty-completion/sources", {"status": "sideways"}).status_code == 422
