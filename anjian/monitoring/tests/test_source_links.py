"""Devices and major hazard sources on monitoring's side: the console, the device map and
the alarm list filter by one source (or any: 重大危险源监测), the device form and the API
take the source by its id and answer the derived flag with the source's number and name."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from anjian.monitoring import ingest
from anjian.monitoring.models import Device
from anjian.monitoring.tests.factories import device, hazard_source, plain_alarm
from testsupport import world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_registry():
    ingest.registry.clear()


@pytest.fixture
def fleet():
    """Two sources of 殷行化工 (TK-1 and GL-1 on the first, TK-2 on the second), one of
    平凉机械 (TK-3), and TK-4 on none."""
    one, two = hazard_source(name="一号罐区"), hazard_source(name="二号罐区")
    three = hazard_source("pingliang_factory", "液氯仓库")
    devices = {
        "TK-1": device("TK-1", hazard_source=one),
        "GL-1": device("GL-1", kind="gas_lel", hazard_source=one),
        "TK-2": device("TK-2", hazard_source=two),
        "TK-3": device("TK-3", enterprise="pingliang_factory", hazard_source=three),
        "TK-4": device("TK-4"),
    }
    return {"one": one, "two": two, "three": three, **devices}


def console_codes(client, **params) -> set[str]:
    body = client.get(reverse("monitoring:console"), params).content.decode()
    return {part.split('"')[0] for part in body.split('data-device="')[1:]}


def test_the_console_filters_by_one_source_or_any(fleet, client_for):
    client = client_for(world.actor("district_official"))
    assert console_codes(client, source=fleet["one"].pk) == {"TK-1", "GL-1"}
    assert console_codes(client, hazard_source="on") == {"TK-1", "GL-1", "TK-2", "TK-3"}
    assert console_codes(client) == {"TK-1", "GL-1", "TK-2", "TK-3", "TK-4"}


def test_the_source_filter_offers_only_the_sources_in_scope(fleet, client_for):
    client = client_for(world.actor("street_officer"))  # 殷行
    body = client.get(reverse("monitoring:console")).content.decode()
    assert f'value="{fleet["one"].pk}"' in body
    assert f'value="{fleet["three"].pk}"' not in body
    # Asked for by hand, another street's source shows none of its devices.
    assert "TK-3" not in console_codes(client, source=fleet["three"].pk)


def test_the_map_shows_the_devices_of_one_source(fleet, client_for):
    for code in ("TK-1", "TK-2"):
        Device.objects.filter(code=code).update(latitude=31.3, longitude=121.5)
    client = client_for(world.actor("district_official"))
    points = client.get(reverse("monitoring:device_map_data"), {"source": fleet["one"].pk})
    assert [p[3] for p in points.json()["points"]] == ["TK-1 储罐"]
    page = client.get(reverse("monitoring:device_map"), {"source": fleet["one"].pk})
    assert f'<option value="{fleet["one"].pk}" selected' in page.content.decode()


def test_the_alarm_list_filters_by_source(fleet, client_for):
    ours, theirs = plain_alarm(fleet["TK-1"]), plain_alarm(fleet["TK-2"])
    client = client_for(world.actor("district_official"))
    body = client.get(reverse("monitoring:alarm_list"), {"source": fleet["one"].pk}).content
    assert f'data-alarm="{ours.pk}"'.encode() in body
    assert f'data-alarm="{theirs.pk}"'.encode() not in body


def test_the_device_form_links_a_source_of_the_enterprise(fleet, client_for):
    tank = fleet["TK-4"]
    client = client_for(world.actor("district_official"))
    url = reverse("monitoring:device_edit", args=[tank.pk])
    form = client.get(url).content.decode().split('name="hazard_source"')[1].split("</select>")[0]
    assert f'value="{fleet["one"].pk}"' in form
    assert f'value="{fleet["three"].pk}"' not in form  # 平凉机械's
    data = {"name": tank.name, "offline_after_seconds": 300, "is_active": "on"}
    data["version"] = tank.version

    response = client.post(url, {**data, "hazard_source": fleet["two"].pk})

    assert response.status_code == 302
    tank.refresh_from_db()
    assert tank.hazard_source == fleet["two"]
    detail = client.get(tank.get_absolute_url()).content.decode()
    assert f'data-hazard-source="{fleet["two"].pk}"' in detail


def test_the_api_answers_the_derived_flag_and_takes_the_source_by_id(fleet, api_client_for):
    client = api_client_for(world.actor("district_official"))
    base = "/api/v1/monitoring/devices"
    listed = client.get(base, {"hazard_source": fleet["one"].pk}).json()["items"]
    assert {d["code"] for d in listed} == {"TK-1", "GL-1"}
    one = next(d for d in listed if d["code"] == "TK-1")
    assert one["is_major_hazard_source"] is True
    assert (one["hazard_source_id"], one["hazard_source_number"], one["hazard_source_name"]) == (
        fleet["one"].pk,
        fleet["one"].number,
        "一号罐区",
    )
    unlinked = client.get(base, {"major_hazard_source": "false"}).json()["items"]
    assert [d["code"] for d in unlinked] == ["TK-4"]

    tank = fleet["TK-1"]
    put = client.put(
        f"{base}/{tank.pk}",
        json.dumps({"version": tank.version, "hazard_source": None}),
        content_type="application/json",
    )

    assert put.status_code == 200
    assert put.json()["is_major_hazard_source"] is False
    assert put.json()["hazard_source_id"] is None


def test_the_rates_count_the_devices_linked_to_sources(fleet, client_for):
    t = timezone.now() - timedelta(minutes=1)
    Device.objects.filter(code="TK-1").update(state="online", last_seen_at=t)
    client = client_for(world.actor("district_official"))
    body = client.get(reverse("monitoring:rates")).content.decode()
    assert 'data-figure="source-device-rate">25.0%' in body  # TK-1 of four linked
    assert reverse("hazchem:coverage") in body
