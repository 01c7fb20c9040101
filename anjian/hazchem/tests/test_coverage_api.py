"""/api/v1/hazchem's 重大危险源在线监测 on the hand-built world (``coverage_world``): the same
numbers as the pages, the sources a number counts with their reasons, one source's devices,
linking and unlinking — refused as the pages refuse, in scope only."""

import json

import pytest
from django.db import transaction

from anjian.hazchem.tests import coverage_world
from anjian.monitoring.models import Device
from anjian.monitoring.tests.factories import plain_device
from testsupport import world

pytestmark = pytest.mark.django_db

BASE = "/api/v1/hazchem"


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield coverage_world.build()
        transaction.set_rollback(True)


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_rate_by_grade_with_each_rows_conditions(built, api_client_for):
    answer = api_client_for(world.actor("district_official")).get(f"{BASE}/coverage").json()
    assert answer["by"] == "grade"
    total = answer["total"]
    assert (total["counted"], total["covered"], total["rate"]) == (5, 1, 20.0)
    assert (total["no_device"], total["missing"], total["offline"]) == (2, 1, 1)
    assert [(r["key"], r["counted"], r["params"]) for r in answer["rows"]] == [
        ("2", 1, {"grade": "2"}),
        ("3", 4, {"grade": "3"}),
    ]


def test_the_sources_a_number_counts_with_their_reasons(built, api_client_for):
    client = api_client_for(world.actor("district_official"))
    answer = client.get(f"{BASE}/coverage/sources", {"status": "offline"}).json()
    assert answer["count"] == 1
    [item] = answer["items"]
    assert item["number"] == built.sources["offline"].number
    assert {m["key"]: m["status"] for m in item["metrics"]}["lel"] == "offline"
    grade_3 = client.get(f"{BASE}/coverage/sources", {"grade": "3", "page_size": 2}).json()
    assert grade_3["count"] == 4 and len(grade_3["items"]) == 2


@pytest.mark.parametrize(
    "query", [{"status": "nonsense"}, {"grade": "9"}, {"street": "殷行"}, {"industry": "nope"}]
)
def test_a_wrong_condition_is_422(built, api_client_for, query):
    client = api_client_for(world.actor("district_official"))
    assert client.get(f"{BASE}/coverage/sources", query).status_code == 422
    assert client.get(f"{BASE}/coverage", {"by": "nonsense"}).status_code == 422


def test_the_neighbour_counts_only_their_own(built, api_client_for):
    client = api_client_for(world.actor("neighbour_official"))
    assert client.get(f"{BASE}/coverage").json()["total"]["counted"] == 1
    items = client.get(f"{BASE}/coverage/sources").json()["items"]
    assert [i["number"] for i in items] == [built.sources["neighbour"].number]
    covered = built.sources["covered"].pk
    assert client.get(f"{BASE}/sources/{covered}/monitoring").status_code == 404


def test_one_sources_devices_and_their_latest_readings(built, api_client_for):
    client = api_client_for(world.actor("district_official"))
    answer = client.get(f"{BASE}/sources/{built.sources['offline'].pk}/monitoring").json()
    assert answer["counted"] and answer["status"] == "offline"
    lel = next(r for r in answer["requirements"] if r["key"] == "lel")
    assert (lel["reporting"], lel["measuring"]) == ([], ["OF-GL 监测"])
    devices = {d["code"]: d for d in answer["devices"]}
    assert set(devices) == {"OF-TK", "OF-GL", "OF-GT"}
    assert devices["OF-GL"]["metrics"][0]["in_time"] is False
    assert all(m["in_time"] for m in devices["OF-TK"]["metrics"])


def test_devices_are_linked_and_unlinked(built, api_client_for):
    client = api_client_for(world.actor("district_official"))
    source = built.sources["no_device"]
    spare = plain_device(world.enterprise("yinhang_chemical"), "API-SPARE")

    linked = post(client, f"{BASE}/sources/{source.pk}/devices", {"devices": [spare.pk]})

    assert linked.status_code == 200
    assert [d["code"] for d in linked.json()["devices"]] == ["API-SPARE"]
    version = Device.objects.get(pk=spare.pk).version
    url = f"{BASE}/sources/{source.pk}/devices/{spare.pk}/unlink"
    assert post(client, url, {"version": version - 1}).status_code == 409
    assert post(client, url, {"version": version}).json()["devices"] == []
    again = post(client, url, {"version": version})  # sent twice: nothing more to do
    assert again.status_code == 200 and again.json()["devices"] == []


def test_linking_is_refused_as_the_pages_refuse(built, api_client_for):
    client = api_client_for(world.actor("district_official"))
    no_device = built.sources["no_device"].pk
    theirs = built.devices["offline_tank"].pk
    refused = post(client, f"{BASE}/sources/{no_device}/devices", {"devices": [theirs]})
    assert refused.status_code == 422
    assert "不属于该单位" in json.dumps(refused.json(), ensure_ascii=False)
    assert post(client, f"{BASE}/sources/{no_device}/devices", {"devices": []}).status_code == 422
    admin = api_client_for(world.actor("admin"))
    closed = built.sources["closed"].pk
    spare = plain_device(world.enterprise("yinhang_site"), "API-SITE").pk
    assert post(admin, f"{BASE}/sources/{closed}/devices", {"devices": [spare]}).status_code == 409
    inspector = api_client_for(world.actor("inspector"))
    body = {"devices": [built.devices["covered_tank"].pk]}
    assert post(inspector, f"{BASE}/sources/{no_device}/devices", body).status_code == 403
