"""/api/v1/monitoring as an integrator uses it: register a device, set limits, read
devices and alarms, acknowledge and dispose, rates; errors in Chinese; scope."""

import json
from datetime import timedelta

import pytest

from anjian.monitoring import ingest
from anjian.monitoring.models import Alarm, Device, QualityFlag
from anjian.monitoring.tests.factories import (
    device,
    group,
    hazard_source,
    now_ish,
    send,
    threshold,
)
from testsupport import world

BASE = "/api/v1/monitoring"


@pytest.fixture(autouse=True)
def fresh_registry():
    ingest.registry.clear()


def post(client, url, body, method="post"):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def test_an_integrator_registers_a_device_sets_a_limit_and_the_device_reports(
    api_client_for, client
):
    api = api_client_for(world.actor("district_official"))
    created = post(
        api,
        f"{BASE}/devices",
        {
            "enterprise_id": world.enterprise("yinhang_chemical").pk,
            "device_type": "gas_lel",
            "code": "GAS-7",
            "name": "二号罐区可燃气体探测器",
            "location": "二号罐区东侧",
        },
    )
    assert created.status_code == 201, created.content
    token = created.json()["token"]
    device_id = created.json()["id"]
    limit = post(
        api,
        f"{BASE}/devices/{device_id}/thresholds",
        {"metric": "lel", "level": "high", "value": 25, "hysteresis": 2},
        method="put",
    )
    assert limit.status_code == 200, limit.content

    t = now_ish() - timedelta(minutes=1)
    sent = client.post(
        f"{BASE}/devices/GAS-7/telemetry",
        json.dumps({"readings": [group(t, lel=31.5)]}),
        content_type="application/json",
        headers={"X-Device-Token": token},
    )
    assert sent.json()["alarms_raised"] == 1

    detail = api.get(f"{BASE}/devices/{device_id}").json()
    assert detail["state"] == "online"
    assert detail["latest"] == [{"metric": "lel", "value": 31.5, "ts": detail["latest"][0]["ts"]}]
    alarms = api.get(f"{BASE}/alarms").json()["items"]
    assert [a["device_code"] for a in alarms] == ["GAS-7"]
    # The limit changed: a data-quality finding on the device.
    post(
        api,
        f"{BASE}/devices/{device_id}/thresholds",
        {"metric": "lel", "level": "high", "value": 60},
        method="put",
    )
    assert QualityFlag.objects.filter(device_id=device_id, kind="config_change").exists()


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"device_type": "nope"}, "未知的设备类型"),
        ({"code": "含 空格"}, "编码只能"),
        ({"hazard_source": "pingliang_factory"}, "重大危险源不属于该单位"),
        ({"hazard_source": 0}, "未找到重大危险源"),
        ({"latitude": "31.3"}, "经度和纬度"),
        ({"offline_after_seconds": 5}, "30"),
    ],
)
def test_bad_devices_are_refused_with_the_reason(api_client_for, body, needle):
    base = {
        "enterprise_id": world.enterprise("yinhang_chemical").pk,
        "device_type": "tank",
        "code": "TK-9",
        "name": "储罐",
    }
    if body.get("hazard_source") == "pingliang_factory":  # another enterprise's source
        body = {"hazard_source": hazard_source("pingliang_factory").pk}
    response = post(
        api_client_for(world.actor("district_official")), f"{BASE}/devices", {**base, **body}
    )

    assert response.status_code == 422, response.content
    assert needle in json.dumps(response.json(), ensure_ascii=False)
    assert not Device.objects.filter(code__in=["TK-9", "含 空格"]).exists()


def test_a_device_for_an_enterprise_outside_scope_is_404(api_client_for):
    response = post(
        api_client_for(world.actor("neighbour_official")),
        f"{BASE}/devices",
        {
            "enterprise_id": world.enterprise("yinhang_chemical").pk,
            "device_type": "tank",
            "code": "TK-X",
            "name": "储罐",
        },
    )
    assert response.status_code == 404


def test_alarm_actions_through_the_api_with_versions(api_client_for, db):
    tank = device()
    threshold(tank, value=8.0)
    send(tank, group(now_ish() - timedelta(minutes=1), level=9.0))
    alarm = Alarm.objects.get()
    api = api_client_for(world.actor("enterprise_manager"))
    url = f"{BASE}/alarms/{alarm.pk}"

    acked = post(api, f"{url}/acknowledge", {"version": alarm.version})
    stale = post(api, f"{url}/dispose", {"version": alarm.version, "cause": "real", "note": "x"})
    bad = post(api, f"{url}/dispose", {"cause": "aliens", "note": ""})
    done = post(
        api,
        f"{url}/dispose",
        {"version": acked.json()["version"], "cause": "real", "note": "已倒罐"},
    )
    hazard = post(api, f"{url}/hazard", {})

    assert acked.status_code == 200 and acked.json()["state"] == "acknowledged"
    assert stale.status_code == 409
    assert bad.status_code == 422
    assert done.status_code == 200 and done.json()["state"] == "disposed"
    assert hazard.status_code == 201 and hazard.json()["number"]


def test_devices_and_alarms_are_listed_only_in_scope(api_client_for, db):
    mine = device("TK-Y")
    other = device("TK-P", enterprise="pingliang_factory")
    for name, expected in (
        ("enterprise_manager", {"TK-Y"}),
        ("street_officer", {"TK-Y"}),
        ("district_official", {"TK-Y", "TK-P"}),
        ("neighbour_official", set()),
    ):
        listed = api_client_for(world.actor(name)).get(f"{BASE}/devices").json()["items"]
        assert {d["code"] for d in listed} & {"TK-Y", "TK-P"} == expected, name
    assert (
        api_client_for(world.actor("neighbour_official"))
        .get(f"{BASE}/devices/{other.pk}")
        .status_code
        == 404
    )
    assert api_client_for(world.actor("expert")).get(f"{BASE}/devices/{mine.pk}").status_code == 403


def test_rates_and_dead_letters(api_client_for, db):
    t = now_ish() - timedelta(minutes=1)
    source = hazard_source()
    up = device("TK-UP", hazard_source=source)
    device("TK-DOWN", hazard_source=source)
    send(up, group(t, level=1.0, colour=2), now=t + timedelta(seconds=1))

    rates = api_client_for(world.actor("district_official")).get(f"{BASE}/rates?by=industry")
    assert rates.status_code == 200
    total = rates.json()["total"]
    assert (total["online"], total["devices"], total["source_device_rate"]) == (1, 2, 50.0)
    assert (
        api_client_for(world.actor("district_official")).get(f"{BASE}/rates?by=x").status_code
        == 422
    )

    letters = api_client_for(world.actor("admin")).get(f"{BASE}/dead-letters")
    assert [d["reason"] for d in letters.json()["items"]] == ["unknown_metric"]
    assert (
        api_client_for(world.actor("district_official")).get(f"{BASE}/dead-letters").status_code
        == 403
    )
