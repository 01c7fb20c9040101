"""/api/v1/hazards/measures — the 制度措施清单 for integrations: list, create, update."""

import json

import pytest

from anjian.hazards import permissions as perms
from anjian.hazards.models import SystemMeasure
from anjian.hazards.tests.factories import hazard_in
from anjian.hazards.tests.test_scoping import MEASURE_VISIBLE, world_measure
from testsupport import world

URL = "/api/v1/hazards/measures"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def body(**extra) -> dict:
    return {
        "region": world.YINHANG,
        "industry": "hazchem",
        "problem": "危化品仓库反复出现超量储存",
        "measure": "建立仓储量日报和街道抽查制度",
        "lead_unit": "殷行街道",
        "deadline": "2027-06-30",
        **extra,
    }


def send(client, method, url, payload):
    return getattr(client, method)(url, json.dumps(payload), content_type="application/json")


def test_a_measure_is_created_with_its_hazards_and_listed(api_client_for, district_official):
    client = api_client_for(district_official)
    hazard = hazard_in("registered")

    response = send(client, "post", URL, body(hazard_ids=[hazard.pk]))

    assert response.status_code == 201, response.content
    created = response.json()
    assert created["region"] == world.YINHANG and created["industry"] == "hazchem"
    assert created["hazard_ids"] == [hazard.pk] and created["version"] == 1
    listed = client.get(URL).json()["items"]
    assert created["id"] in [m["id"] for m in listed]


def test_an_update_needs_the_current_version(api_client_for, district_official):
    client = api_client_for(district_official)
    created = send(client, "post", URL, body()).json()
    url = f"{URL}/{created['id']}"

    first = send(client, "put", url, body(version=1, state="done", progress="已印发制度"))
    stale = send(client, "put", url, body(version=1, progress="另一人的修改"))

    assert first.status_code == 200 and first.json()["state"] == "done"
    assert stale.status_code == 409
    assert SystemMeasure.objects.get(pk=created["id"]).progress == "已印发制度"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (body(region="310109"), "region"),  # 虹口区: outside 杨浦区
        (body(deadline="2027-13-01"), "deadline"),
        (body(state="finished"), "state"),
        (body(problem=""), "problem"),
        (body(industry="nonsense"), "industry"),
    ],
)
def test_bad_measures_are_422_with_the_field_named(
    payload, field, api_client_for, district_official
):
    before = SystemMeasure.objects.count()

    response = send(api_client_for(district_official), "post", URL, payload)

    assert response.status_code == 422, response.content
    assert any(field in error["loc"] for error in response.json()["detail"]), response.json()
    assert SystemMeasure.objects.count() == before


def test_linking_a_hazard_outside_scope_is_refused(api_client_for, district_official):
    outside = hazard_in(
        "registered", by=world.actor("admin"), enterprise=world.enterprise("hongkou_shop")
    )

    response = send(api_client_for(district_official), "post", URL, body(hazard_ids=[outside.pk]))

    assert response.status_code == 422
    assert str(outside.pk) in response.json()["detail"]


@pytest.mark.parametrize("name", world.ACTORS)
def test_each_role_lists_exactly_the_measures_in_its_scope(name, api_client_for):
    measures = {place: world_measure(place) for place in world.ENTERPRISES}
    user = world.actor(name)

    response = api_client_for(user).get(URL, {"page_size": 100})

    if not user.can(perms.HAZARD_VIEW):
        assert response.status_code == 403
        return
    assert response.status_code == 200
    seen = {m["id"] for m in response.json()["items"]}
    expected = {measures[p].pk for p in MEASURE_VISIBLE[name]}
    assert seen & {m.pk for m in measures.values()} == expected


def test_roles_that_do_not_supervise_cannot_write(api_client_for):
    for name in ("leader", "enterprise_manager", "expert"):
        response = send(api_client_for(world.actor(name)), "post", URL, body())
        assert response.status_code == 403, name


def test_updating_a_measure_outside_scope_is_404(api_client_for, neighbour_official):
    measure = world_measure("yinhang_chemical")

    response = send(
        api_client_for(neighbour_official),
        "put",
        f"{URL}/{measure.pk}",
        body(version=measure.version),
    )

    assert response.status_code == 404
