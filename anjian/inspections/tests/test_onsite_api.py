"""/api/v1/onsite-inspections: what the phone's form talks to. Scoped reads (another
district's inspection is 404), the compare-and-set of marks (a stale phone gets 409 with the
server's marks and version), bad marks 422 per entry, photos stored once, signatures from
a canvas, completing, visits and the checklists a unit may be inspected with."""

import base64
from io import BytesIO

import pytest
from PIL import Image

from anjian.inspections.models import Evidence, Visit
from anjian.inspections.onsite import selectors
from anjian.inspections.record_models import InspectionState
from anjian.inspections.tests import factories
from anjian.inspections.tests.test_onsite_services import (
    checklist,
    mark_all,
    officials,
    started,
)
from testsupport import world

pytestmark = pytest.mark.django_db

API = "/api/v1/onsite-inspections"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def png_data_url() -> str:
    buffer = BytesIO()
    Image.new("RGB", (60, 20), (255, 255, 255)).save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def jpeg(name="scene.jpg", colour=(200, 30, 30)) -> BytesIO:
    buffer = BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = name
    return buffer


def sign(client, inspection) -> int:
    """Both signatures as the phone's pads send them; the new version."""
    answer = post(
        client,
        f"/{inspection.pk}/sign",
        {
            "expected_version": inspection.version,
            "enterprise_signer": "王安全",
            "enterprise_signature": png_data_url(),
            "inspector_signature": png_data_url(),
        },
    )
    assert answer.status_code == 200, answer.content
    return answer.json()["version"]


def entries_of(user, inspection) -> list[int]:
    return [e["id"] for e in selectors.bundle(user, inspection.pk)["entries"]]


def post(client, path, body):
    return client.post(f"{API}{path}", body, content_type="application/json")


# --- reading -------------------------------------------------------------------------------


def test_the_bundle_has_the_checklist_with_its_basis_and_the_version(
    district_official, api_client_for
):
    inspection = started(district_official)
    answer = api_client_for(district_official).get(f"{API}/{inspection.pk}")
    assert answer.status_code == 200
    body = answer.json()
    assert body["version"] == inspection.version and body["state"] == "open"
    assert body["entries"] and all(entry["basis"] for entry in body["entries"])
    assert body["checklist"]["id"] == checklist().pk
    assert set(body["available"]) == {"complete", "void"}


def test_another_districts_inspection_is_404_and_not_listed(
    district_official, neighbour_official, api_client_for
):
    inspection = started(district_official)
    client = api_client_for(neighbour_official)
    assert client.get(f"{API}/{inspection.pk}").status_code == 404
    assert client.get(f"{API}/").json()["items"] == []
    answer = post(client, f"/{inspection.pk}/marks", {"expected_version": 1, "marks": []})
    assert answer.status_code == 404


def test_the_list_filters_by_state(district_official, api_client_for):
    inspection = started(district_official)
    client = api_client_for(district_official)
    listed = client.get(f"{API}/", {"state": "open"}).json()["items"]
    assert [item["id"] for item in listed] == [inspection.pk]
    assert client.get(f"{API}/", {"state": "done"}).json()["items"] == []
    assert client.get(f"{API}/", {"state": "later"}).status_code == 422


# --- starting ------------------------------------------------------------------------------


def test_a_special_inspection_starts_once_per_client_token(district_official, api_client_for):
    client = api_client_for(district_official)
    body = {
        "enterprise_id": world.enterprise("yinhang_chemical").pk,
        "checklist_id": checklist().pk,
        "inspector_ids": [i.pk for i in officials(district_official)],
        "department_id": factories.department().pk,
        "unannounced": True,
        "latitude": 31.3,
        "longitude": 121.5,
        "client_token": "0b0f6f5e-1c1a-4c1b-9a55-2f7a6a3f0c01",
    }
    first = post(client, "/", body)
    again = post(client, "/", body)
    assert first.status_code == 201 and again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and first.json()["unannounced"] is True


def test_an_unsuitable_checklist_is_refused_with_the_reason(district_official, api_client_for):
    answer = post(
        api_client_for(district_official),
        "/",
        {
            "enterprise_id": world.enterprise("yinhang_chemical").pk,
            "checklist_id": checklist("construction").pk,
            "inspector_ids": [i.pk for i in officials(district_official)],
            "department_id": factories.department().pk,
        },
    )
    assert answer.status_code == 422
    [problem] = [p for p in answer.json()["detail"] if p["loc"] == ["body", "checklist"]]
    assert "不适用于" in problem["msg"]


def test_a_drawn_task_starts_its_inspection_once(district_official, api_client_for):
    task = factories.drawn(district_official, count=1).tasks.get()
    client = api_client_for(district_official)
    first = post(client, "/from-task", {"task_id": task.pk})
    again = post(client, "/from-task", {"task_id": task.pk})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["kind"] == "random"


# --- marks ---------------------------------------------------------------------------------


def test_marks_move_the_version_and_a_stale_phone_gets_the_servers_marks(
    district_official, api_client_for
):
    inspection = started(district_official)
    first, second = entries_of(district_official, inspection)[:2]
    client = api_client_for(district_official)
    loaded = inspection.version
    saved = post(
        client,
        f"/{inspection.pk}/marks",
        {"expected_version": loaded, "marks": [{"entry_id": first, "result": "pass"}]},
    )
    assert saved.status_code == 200
    assert saved.json()["version"] == loaded + 1
    # A phone that loaded the same version and was offline meanwhile:
    stale = post(
        client,
        f"/{inspection.pk}/marks",
        {
            "expected_version": loaded,
            "marks": [
                {"entry_id": first, "result": "fail", "note": "报警器故障"},
                {"entry_id": second, "result": "na"},
            ],
        },
    )
    assert stale.status_code == 409
    body = stale.json()
    assert body["version"] == loaded + 1 and body["state"] == "open"
    assert [(m["entry_id"], m["result"]) for m in body["marks"]] == [(first, "pass")]
    assert inspection.marks.get(entry_id=first).result == "pass"
    assert not inspection.marks.filter(entry_id=second).exists()
    # 保留本机: sent again on the server's version.
    kept = post(
        client,
        f"/{inspection.pk}/marks",
        {"expected_version": body["version"], "marks": [{"entry_id": first, "result": "na"}]},
    )
    assert kept.status_code == 200 and inspection.marks.get(entry_id=first).result == "na"


def test_bad_marks_are_422_on_their_entries(district_official, api_client_for):
    inspection = started(district_official)
    first, second = entries_of(district_official, inspection)[:2]
    answer = post(
        api_client_for(district_official),
        f"/{inspection.pk}/marks",
        {
            "expected_version": inspection.version,
            "marks": [
                {"entry_id": first, "result": "maybe"},
                {"entry_id": second, "result": "fail", "deadline": "2020-01-01"},
            ],
        },
    )
    assert answer.status_code == 422
    places = {p["loc"][1]: p["msg"] for p in answer.json()["detail"]}
    assert set(places) == {f"entry-{first}", f"entry-{second}"}
    assert "整改期限不能早于检查日期" in places[f"entry-{second}"]
    assert inspection.marks.count() == 0


def test_an_inspector_not_on_the_inspection_cannot_mark_it(
    district_official, inspector, api_client_for
):
    """An inspection the 执法人员 is not one of the inspectors of is not theirs to see (an
    unannounced visit is no colleague's business): reading and writing it answer 404."""
    inspection = started(district_official)  # two other officials of the department
    [entry] = entries_of(district_official, inspection)[:1]
    client = api_client_for(inspector)
    mark = {
        "expected_version": inspection.version,
        "marks": [{"entry_id": entry, "result": "pass"}],
    }
    assert post(client, f"/{inspection.pk}/marks", mark).status_code == 404
    assert post(client, f"/{inspection.pk}/complete", {"expected_version": 1}).status_code == 404
    assert client.get(f"{API}/{inspection.pk}").status_code == 404
    assert inspection.marks.count() == 0


def test_an_inspector_on_the_inspection_marks_it(inspector, district_official, api_client_for):
    inspection = started(
        district_official, inspectors=officials(district_official, with_actor=inspector)
    )
    [entry] = entries_of(inspector, inspection)[:1]
    answer = post(
        api_client_for(inspector),
        f"/{inspection.pk}/marks",
        {"expected_version": inspection.version, "marks": [{"entry_id": entry, "result": "pass"}]},
    )
    assert answer.status_code == 200 and inspection.marks.get().marked_by == inspector


# --- evidence, signatures, completing ------------------------------------------------------


def test_the_same_photo_sent_twice_is_stored_once(district_official, api_client_for):
    inspection, failed_entry = mark_all(district_official, started(district_official))
    client = api_client_for(district_official)
    url = f"{API}/{inspection.pk}/evidence"
    first = client.post(url, {"files": [jpeg()], "entry_id": failed_entry})
    again = client.post(url, {"files": [jpeg("again.jpg")], "entry_id": failed_entry})
    assert first.status_code == 201 and again.status_code == 201
    assert first.json()[0]["id"] == again.json()[0]["id"]
    assert Evidence.objects.filter(inspection=inspection).count() == 1
    assert first.json()[0]["entry_id"] == failed_entry
    photo = client.get(first.json()[0]["url"])
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"


def test_a_photo_that_is_no_image_is_422(district_official, api_client_for):
    inspection, failed_entry = mark_all(district_official, started(district_official))
    fake = BytesIO(b"%PDF-1.4 not a photo")
    fake.name = "scan.jpg"
    answer = api_client_for(district_official).post(
        f"{API}/{inspection.pk}/evidence", {"files": [fake], "entry_id": failed_entry}
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "files"]


def test_signatures_come_from_the_canvas(district_official, api_client_for):
    inspection = started(district_official)
    client = api_client_for(district_official)
    answer = post(
        client,
        f"/{inspection.pk}/sign",
        {
            "expected_version": inspection.version,
            "enterprise_signer": "王安全",
            "enterprise_signature": png_data_url(),
            "inspector_signature": png_data_url(),
        },
    )
    assert answer.status_code == 200
    assert answer.json()["signed"] == {"enterprise": True, "inspector": True}
    assert answer.json()["enterprise_signer"] == "王安全"
    broken = post(
        client,
        f"/{inspection.pk}/sign",
        {
            "expected_version": answer.json()["version"],
            "enterprise_signer": "王安全",
            "enterprise_signature": "data:image/jpeg;base64,AAAA",
        },
    )
    assert broken.status_code == 422
    assert broken.json()["detail"][0]["loc"] == ["body", "enterprise_signature"]


def test_completing_names_what_is_missing_then_raises_the_findings(
    district_official, api_client_for
):
    inspection, failed_entry = mark_all(district_official, started(district_official))
    client = api_client_for(district_official)
    missing = post(client, f"/{inspection.pk}/complete", {"expected_version": inspection.version})
    assert missing.status_code == 422
    keys = {p["loc"][1] for p in missing.json()["detail"]}
    assert {f"entry-{failed_entry}", "enterprise_signature", "inspector_signature"} <= keys

    client.post(f"{API}/{inspection.pk}/evidence", {"files": [jpeg()], "entry_id": failed_entry})
    inspection.refresh_from_db()
    version = sign(client, inspection)
    done = post(
        client,
        f"/{inspection.pk}/complete",
        {"expected_version": version, "summary": "现场检查发现一处问题"},
    )
    assert done.status_code == 200
    body = done.json()
    assert body["state"] == InspectionState.DONE and body["available"] == []
    [failed] = [m for m in body["marks"] if m["entry_id"] == failed_entry]
    assert failed["hazard"] is not None
    # A phone that still holds the old version is told the inspection is done.
    late = post(
        client,
        f"/{inspection.pk}/marks",
        {"expected_version": version, "marks": []},
    )
    assert late.status_code == 409 and late.json()["state"] == "done"


def test_voiding_needs_a_reason(district_official, api_client_for):
    inspection = started(district_official)
    client = api_client_for(district_official)
    empty = post(
        client, f"/{inspection.pk}/void", {"expected_version": inspection.version, "reason": " "}
    )
    assert empty.status_code == 422
    voided = post(
        client,
        f"/{inspection.pk}/void",
        {"expected_version": inspection.version, "reason": "单位已停产，无法检查"},
    )
    assert voided.status_code == 200 and voided.json()["state"] == "voided"


# --- visits and checklists -----------------------------------------------------------------


def test_a_visit_is_recorded_and_listed_in_scope(
    district_official, neighbour_official, api_client_for
):
    unit = world.enterprise("yinhang_chemical")
    client = api_client_for(district_official)
    answer = post(
        client,
        "/visits/",
        {"enterprise_id": unit.pk, "method": "scan", "latitude": 31.3, "longitude": 121.5},
    )
    assert answer.status_code == 201
    assert answer.json()["enterprise_name"] == unit.name and answer.json()["method"] == "scan"
    assert [v["id"] for v in client.get(f"{API}/visits/").json()["items"]] == [answer.json()["id"]]
    assert api_client_for(neighbour_official).get(f"{API}/visits/").json()["items"] == []
    refused = post(api_client_for(neighbour_official), "/visits/", {"enterprise_id": unit.pk})
    assert refused.status_code == 404
    assert Visit.objects.filter(enterprise=unit).count() == 1


def test_the_checklists_of_a_unit_are_those_that_suit_it(
    district_official, neighbour_official, api_client_for
):
    unit = world.enterprise("yinhang_chemical")
    answer = api_client_for(district_official).get(f"{API}/units/{unit.pk}/checklists")
    assert answer.status_code == 200
    keys = [item["key"] for item in answer.json()]
    assert "hazchem" in keys and "construction" not in keys
    assert all(item["entries"] > 0 for item in answer.json())
    assert (
        api_client_for(neighbour_official).get(f"{API}/units/{unit.pk}/checklists").status_code
        == 404
    )


def test_a_leader_reads_but_does_not_mark(district_official, leader, api_client_for):
    inspection = started(district_official)
    client = api_client_for(leader)
    assert client.get(f"{API}/{inspection.pk}").json()["available"] == []
    answer = post(
        client, f"/{inspection.pk}/marks", {"expected_version": inspection.version, "marks": []}
    )
    assert answer.status_code == 403
