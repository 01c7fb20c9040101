"""Data gateways: registered through page and API with a token shown once, renamed or
switched off with a version check, and given the one topic they may publish to."""

import pytest
from django.urls import reverse

from anjian.core.exceptions import Conflict
from anjian.monitoring import services
from anjian.monitoring.models import Gateway
from testsupport import world


def register(code="GW-1", enterprise="yinhang_chemical", by="district_official"):
    return services.gateway_register(
        by=world.actor(by),
        enterprise=world.enterprise(enterprise),
        data={"code": code, "name": "一号网关", "location": "罐区"},
    )


def test_a_gateway_logs_in_as_gw_code_and_publishes_only_its_enterprises_gateway_topic(db):
    gateway, token = register()
    credit = world.enterprise("yinhang_chemical").credit_code
    assert gateway.username == "gw.GW-1"
    assert gateway.topic == f"anjian/v1/{credit}/gateway/telemetry"
    assert token.startswith("gw_") and gateway.token_matches(token)
    assert gateway.broker_bcrypt.startswith("$2b$05$")
    assert gateway.broker_pbkdf2.startswith("$7$101$")


def test_a_new_token_replaces_the_old_one(db):
    gateway, old = register()
    new = services.gateway_issue_token(by=world.actor("district_official"), gateway_id=gateway.pk)
    gateway.refresh_from_db()
    assert gateway.token_matches(new) and not gateway.token_matches(old)


def test_codes_that_a_topic_cannot_carry_are_refused(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        register(code="GW.1")
    assert "不能含“.”" in str(error.value)


def test_a_stale_version_is_a_conflict(db):
    gateway, _token = register()
    official = world.actor("district_official")
    services.gateway_update(
        by=official, gateway_id=gateway.pk, data={"name": "改名"}, expected_version=1
    )
    with pytest.raises(Conflict):
        services.gateway_update(
            by=official, gateway_id=gateway.pk, data={"is_active": False}, expected_version=1
        )


def test_the_enterprise_registers_its_gateway_on_the_page_and_sees_the_token_once(db, client_for):
    client = client_for(world.actor("enterprise_manager"))
    enterprise = world.enterprise("yinhang_chemical")
    response = client.post(
        reverse("monitoring:gateway_create"),
        {"enterprise": enterprise.pk, "code": "GW-PAGE", "name": "车间网关", "location": ""},
    )
    assert response.status_code == 200
    gateway = Gateway.objects.get(code="GW-PAGE")
    token = response.context["token"]
    assert gateway.token_matches(token)
    assert token in response.content.decode()
    detail = client.get(gateway.get_absolute_url()).content.decode()
    assert token not in detail and "gw.GW-PAGE" in detail


def test_a_page_registration_for_another_enterprise_is_refused(db, client_for):
    client = client_for(world.actor("enterprise_manager"))
    response = client.post(
        reverse("monitoring:gateway_create"),
        {"enterprise": world.enterprise("pingliang_factory").pk, "code": "GW-X", "name": "网关"},
    )
    assert response.status_code == 422
    assert not Gateway.objects.filter(code="GW-X").exists()


def test_the_api_registers_lists_and_switches_off_a_gateway(db, api_client_for):
    client = api_client_for(world.actor("district_official"))
    enterprise = world.enterprise("yinhang_chemical")
    created = client.post(
        "/api/v1/monitoring/gateways",
        {"enterprise_id": enterprise.pk, "code": "GW-API", "name": "接口网关"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["username"] == "gw.GW-API" and body["token"].startswith("gw_")
    listed = client.get("/api/v1/monitoring/gateways", {"enterprise": enterprise.pk}).json()
    assert [g["code"] for g in listed["items"]] == ["GW-API"]
    assert "token" not in listed["items"][0]
    off = client.put(
        f"/api/v1/monitoring/gateways/{body['id']}",
        {"version": 1, "is_active": False},
        content_type="application/json",
    )
    assert off.status_code == 200 and off.json()["is_active"] is False
    stale = client.put(
        f"/api/v1/monitoring/gateways/{body['id']}",
        {"version": 1, "name": "x"},
        content_type="application/json",
    )
    assert stale.status_code == 409
    dup = client.post(
        "/api/v1/monitoring/gateways",
        {"enterprise_id": enterprise.pk, "code": "GW-API", "name": "重复"},
        content_type="application/json",
    )
    assert dup.status_code == 422
