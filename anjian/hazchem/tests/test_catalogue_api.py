"""/api/v1/hazchem/chemicals writes as an integrator uses them: an administrator adds an
entry (201), changes a shipped row's classes and learns how many units were graded again,
retires and restores an entry; 422 names the body's field in Chinese, 409 on a stale
version, 404 for no such entry, 403 for anyone but an administrator."""

import pytest

from anjian.hazchem.models import Chemical
from anjian.hazchem.tests import factories as make
from testsupport import world

pytestmark = pytest.mark.django_db

BASE = "/api/v1/hazchem/chemicals"


@pytest.fixture
def admin(api_client_for):
    return api_client_for(world.actor("admin"))


def post(client, url, body):
    return client.post(f"{BASE}{url}", body, content_type="application/json")


def patch(client, url, body):
    return client.patch(f"{BASE}{url}", body, content_type="application/json")


def test_an_administrator_adds_an_entry(admin):
    response = post(
        admin, "", {"name": "乙酸正丁酯", "cas": "123-86-4", "gb18218_classes": ["W5.4"]}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["chemical"]["name"] == "乙酸正丁酯" and body["chemical"]["source"] == "entered"
    assert body["chemical"]["gb18218_classes"] == ["W5.4"] and body["chemical"]["active"]
    assert body["reevaluation"] == {"units": 0, "regraded": 0, "failed": 0, "job_id": None}


def test_a_bad_body_is_422_on_its_field(admin):
    response = post(admin, "", {"name": "某溶剂", "cas": "67-56-2"})
    assert response.status_code == 422
    assert "CAS号“67-56-2”校验位不正确" in str(response.json())
    response = post(admin, "", {"name": "某溶剂", "colour": "red"})
    assert response.status_code == 422
    assert not Chemical.objects.filter(name="某溶剂").exists()


def test_setting_a_shipped_rows_classes_answers_the_units_graded_again(admin):
    methanol = make.shipped("甲醇")
    plant = make.unit()
    make.add(plant, methanol, "400")
    response = patch(
        admin, f"/{methanol.pk}", {"version": methanol.version, "gb18218_classes": ["W5.3"]}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["reevaluation"] == {"units": 1, "regraded": 0, "failed": 0, "job_id": None}
    assert body["chemical"]["gb18218_classes"] == ["W5.3"]
    assert body["chemical"]["critical_quantity"] == "500"
    response = patch(admin, f"/{methanol.pk}", {"version": methanol.version + 1, "name": "木醇"})
    assert response.status_code == 422
    assert "品名、别名、CAS号和表1行号由标准确定" in str(response.json())


def test_a_stale_version_is_409_and_no_such_entry_404(admin):
    chlorine = make.shipped("氯")
    response = patch(
        admin, f"/{chlorine.pk}", {"version": chlorine.version - 1, "un_number": "1017"}
    )
    assert response.status_code == 409
    assert patch(admin, "/999999", {"version": 1}).status_code == 404


def test_retire_and_restore(admin):
    solvent = make.classed("某溶剂", "W5.3")
    response = post(admin, f"/{solvent.pk}/retire", {"version": solvent.version})
    assert response.status_code == 200 and response.json()["active"] is False
    response = post(admin, f"/{solvent.pk}/restore", {"version": solvent.version + 1})
    assert response.status_code == 200 and response.json()["active"] is True
    chlorine = make.shipped("氯")
    response = post(admin, f"/{chlorine.pk}/retire", {"version": chlorine.version})
    assert response.status_code == 422


@pytest.mark.parametrize("name", ["district_official", "enterprise_manager", "leader"])
def test_only_an_administrator_writes_the_catalogue(api_client_for, name):
    client = api_client_for(world.actor(name))
    chlorine = make.shipped("氯")
    assert post(client, "", {"name": "某溶剂"}).status_code == 403
    assert patch(client, f"/{chlorine.pk}", {"version": chlorine.version}).status_code == 403
    assert post(client, f"/{chlorine.pk}/retire", {"version": chlorine.version}).status_code == 403


def test_a_retired_entry_is_read_and_listed_for_its_restoration(admin, api_client_for):
    """Restoring needs the entry's version: the entry is read when retired too, and the
    administrator lists the retired ones (another reader still gets the active ones)."""
    solvent = make.classed("某溶剂", "W5.3")
    post(admin, f"/{solvent.pk}/retire", {"version": solvent.version})
    read = admin.get(f"{BASE}/{solvent.pk}").json()
    assert read["active"] is False and read["version"] == solvent.version + 1
    retired = admin.get(BASE, {"retired": "true", "q": "某溶剂"}).json()["items"]
    assert [item["id"] for item in retired] == [solvent.pk]
    official = api_client_for(world.actor("district_official"))
    assert official.get(f"{BASE}/{solvent.pk}").json()["active"] is False
    listed = official.get(BASE, {"retired": "true", "q": "某溶剂"}).json()["items"]
    assert listed == []
    restored = post(admin, f"/{solvent.pk}/restore", {"version": read["version"]})
    assert restored.status_code == 200, restored.content
