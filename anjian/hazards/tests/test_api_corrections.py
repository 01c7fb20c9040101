"""/api/v1/hazards/{id} corrections (PATCH), notes and acceptance photos: the same rules as
the page — the finding side corrects, the other side adds notes."""

import json

import pytest

from anjian.hazards.choices import Grade, PhotoStage, Source, State
from anjian.hazards.models import Hazard
from anjian.hazards.tests.factories import photo, report
from anjian.hazards.tests.support import run, stored
from testsupport import world


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def inspector_found():
    return report(by=world.actor("inspector"), source=Source.INSPECTION)


def self_reported(state=State.REPORTED, grade=Grade.GENERAL):
    manager = world.actor("enterprise_manager")
    hazard = report(by=manager, source=Source.SELF_CHECK)
    for name in ("register", "start", "submit"):
        if hazard.state == state:
            break
        hazard = run(name, by=manager, hazard=hazard, grade=grade)
    return Hazard.objects.get(pk=hazard.pk)


def patch(client, hazard, body):
    return client.patch(
        f"/api/v1/hazards/{hazard.pk}", json.dumps(body), content_type="application/json"
    )


def note(client, hazard, text):
    return client.post(
        f"/api/v1/hazards/{hazard.pk}/notes",
        json.dumps({"note": text}),
        content_type="application/json",
    )


def test_an_enterprise_user_cannot_correct_an_inspector_s_finding(
    api_client_for, enterprise_manager
):
    hazard = inspector_found()
    before = stored(hazard)

    response = patch(
        api_client_for(enterprise_manager),
        hazard,
        {"version": hazard.version, "title": "企业改写的名称"},
    )

    assert response.status_code == 403
    assert "该隐患由监管部门发现" in response.json()["detail"]
    assert stored(hazard) == before


def test_the_inspector_corrects_its_finding_and_the_timeline_has_old_and_new(
    api_client_for, inspector
):
    hazard = inspector_found()
    client = api_client_for(inspector)

    response = patch(client, hazard, {"version": hazard.version, "location": "二号车间西侧"})

    assert response.status_code == 200, response.content
    assert (response.json()["location"], response.json()["version"]) == (
        "二号车间西侧",
        hazard.version + 1,
    )
    edit = client.get(f"/api/v1/hazards/{hazard.pk}/timeline").json()[-1]
    assert edit["action"] == "edit"
    assert edit["data"]["changes"] == {"location": {"from": "二号车间东侧", "to": "二号车间西侧"}}


def test_a_stale_or_empty_correction_is_refused(api_client_for, inspector):
    hazard = inspector_found()
    client = api_client_for(inspector)

    stale = patch(client, hazard, {"version": hazard.version - 1, "title": "新"})
    empty = patch(client, hazard, {"version": hazard.version, "title": " "})

    assert stale.status_code == 409
    assert empty.status_code == 422
    assert Hazard.objects.get(pk=hazard.pk).title == "配电箱门未关闭"


def test_the_enterprise_adds_a_note_to_an_inspector_s_finding(api_client_for, enterprise_manager):
    hazard = inspector_found()

    response = note(api_client_for(enterprise_manager), hazard, "配电箱实为北侧")

    assert response.status_code == 201, response.content
    assert (response.json()["action"], response.json()["reason"]) == ("note", "配电箱实为北侧")
    assert hazard.transitions.filter(action="note", by=enterprise_manager).exists()


def test_the_government_cannot_rewrite_a_self_reported_finding_but_adds_a_note(
    api_client_for, district_official
):
    hazard = self_reported()
    client = api_client_for(district_official)

    refused = patch(client, hazard, {"version": hazard.version, "title": "监管部门改写的名称"})
    noted = note(client, hazard, "现场核实：属实")

    assert refused.status_code == 403
    assert "该隐患由企业自行发现" in refused.json()["detail"]
    assert noted.status_code == 201
    assert Hazard.objects.get(pk=hazard.pk).title == "配电箱门未关闭"


def test_an_empty_note_is_422(api_client_for, enterprise_manager):
    hazard = inspector_found()
    response = note(api_client_for(enterprise_manager), hazard, "")
    assert response.status_code == 422
    assert not hazard.transitions.filter(action="note").exists()


def test_an_enterprise_user_uploading_acceptance_photos_for_a_major_hazard_gets_403(
    api_client_for, enterprise_manager
):
    hazard = self_reported(State.AWAITING_ACCEPTANCE, grade=Grade.MAJOR)
    before = stored(hazard)

    response = api_client_for(enterprise_manager).post(
        f"/api/v1/hazards/{hazard.pk}/photos",
        {"stage": PhotoStage.ACCEPTANCE, "photos": [photo()]},
    )

    assert response.status_code == 403
    assert "验收照片" in response.json()["detail"]
    assert stored(hazard) == before
