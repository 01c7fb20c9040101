"""The hazard page offers a correction only to the finding side, a note to everyone who works
on the hazard, and only the photo stages the user may add; the timeline shows old → new."""

import re

import pytest
from django.urls import reverse

from anjian.hazards.choices import Grade, PhotoStage, Source, State
from anjian.hazards.models import Hazard
from anjian.hazards.tests.factories import photo, report
from anjian.hazards.tests.support import run, stored
from testsupport import world


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def inspector_found(state=State.REPORTED):
    hazard = report(by=world.actor("inspector"), source=Source.INSPECTION)
    for name in ("register", "start", "submit"):
        if hazard.state == state:
            break
        hazard = run(name, by=world.actor("enterprise_manager"), hazard=hazard)
    return Hazard.objects.get(pk=hazard.pk)


def self_reported(state=State.REPORTED, grade=Grade.GENERAL):
    manager = world.actor("enterprise_manager")
    hazard = report(by=manager, source=Source.SELF_CHECK)
    for name in ("register", "start", "submit"):
        if hazard.state == state:
            break
        hazard = run(name, by=manager, hazard=hazard, grade=grade)
    return Hazard.objects.get(pk=hazard.pk)


def page(client, hazard) -> str:
    response = client.get(reverse("hazards:hazard_detail", args=[hazard.pk]))
    assert response.status_code == 200
    return response.content.decode()


def details_post(hazard, **changes) -> dict:
    data = {
        "version": hazard.version,
        "title": hazard.title,
        "description": hazard.description,
        "location": hazard.location,
        "category": hazard.category,
    }
    data.update(changes)
    return data


def changes_shown(html: str) -> dict[str, str]:
    """The timeline's correction lines (field → text as read, tags stripped)."""
    timeline = html.split('id="timeline"', 1)[1]
    lines = re.findall(r'<li data-field="(\w+)"[^>]*>(.*?)</li>', timeline, re.S)
    return {
        field: " ".join(re.sub(r"<[^>]+>", "", text).split()).replace(" ：", "：")
        for field, text in lines
    }


def stage_options(html: str) -> list[str]:
    card = html.split('id="action-photos"', 1)[1].split("</form>", 1)[0]
    return re.findall(r'<option value="([a-z]+)"', card)


# --- an inspector's finding, seen by the enterprise --------------------------------------------


def test_the_enterprise_is_offered_a_note_but_no_correction_of_an_inspector_s_finding(
    client_for, enterprise_manager
):
    html = page(client_for(enterprise_manager), inspector_found())

    assert 'id="action-note"' in html
    assert 'id="action-details"' not in html


def test_an_enterprise_user_posting_a_correction_of_an_inspector_s_finding_gets_403(
    client_for, enterprise_manager
):
    hazard = inspector_found(State.RECTIFYING)
    before = stored(hazard)

    response = client_for(enterprise_manager).post(
        reverse("hazards:hazard_edit", args=[hazard.pk]),
        details_post(hazard, title="企业改写的名称"),
    )

    assert response.status_code == 403
    assert "该隐患由监管部门发现" in response.content.decode()
    assert stored(hazard) == before


def test_the_enterprise_adds_a_note_from_the_page_and_the_timeline_shows_it(
    client_for, enterprise_manager
):
    hazard = inspector_found(State.RECTIFYING)
    client = client_for(enterprise_manager)

    response = client.post(
        reverse("hazards:hazard_note", args=[hazard.pk]), {"note": "配电箱实为北侧，非东侧"}
    )

    assert response.status_code == 302
    timeline = page(client, hazard).split('id="timeline"', 1)[1]
    assert "补充说明" in timeline and "配电箱实为北侧，非东侧" in timeline


def test_an_empty_note_is_refused_on_the_page(client_for, enterprise_manager):
    hazard = inspector_found()
    response = client_for(enterprise_manager).post(
        reverse("hazards:hazard_note", args=[hazard.pk]), {"note": ""}
    )
    assert response.status_code == 422
    assert not hazard.transitions.filter(action="note").exists()


# --- the inspector corrects its own finding -----------------------------------------------------


def test_the_inspector_corrects_its_finding_and_the_timeline_shows_old_and_new(
    client_for, inspector
):
    hazard = inspector_found()
    client = client_for(inspector)
    assert 'id="action-details"' in page(client, hazard)

    response = client.post(
        reverse("hazards:hazard_edit", args=[hazard.pk]),
        details_post(hazard, title="配电箱门未上锁", category="2"),
    )

    assert response.status_code == 302
    assert changes_shown(page(client, hazard)) == {
        "title": "隐患名称：配电箱门未关闭 → 配电箱门未上锁",
        "category": "危险有害因素类别：未分类 → 物的因素",
    }


# --- an enterprise's own finding, seen by the government ---------------------------------------


def test_the_government_is_offered_a_note_but_no_correction_of_a_self_reported_finding(
    client_for, district_official
):
    hazard = self_reported()
    client = client_for(district_official)
    html = page(client, hazard)
    assert 'id="action-note"' in html
    assert 'id="action-details"' not in html

    response = client.post(
        reverse("hazards:hazard_edit", args=[hazard.pk]),
        details_post(hazard, title="监管部门改写的名称"),
    )

    assert response.status_code == 403
    assert "该隐患由企业自行发现" in response.content.decode()
    assert Hazard.objects.get(pk=hazard.pk).title == "配电箱门未关闭"


# --- acceptance photos --------------------------------------------------------------------------


def test_the_enterprise_is_not_offered_acceptance_photos_on_a_major_hazard(
    client_for, enterprise_manager, district_official
):
    hazard = self_reported(State.AWAITING_ACCEPTANCE, grade=Grade.MAJOR)

    assert stage_options(page(client_for(enterprise_manager), hazard)) == [
        "found",
        "before",
        "after",
    ]
    assert "acceptance" in stage_options(page(client_for(district_official), hazard))


def test_an_enterprise_user_posting_acceptance_photos_on_a_major_hazard_gets_403(
    client_for, enterprise_manager
):
    hazard = self_reported(State.AWAITING_ACCEPTANCE, grade=Grade.MAJOR)
    before = stored(hazard)

    response = client_for(enterprise_manager).post(
        reverse("hazards:hazard_add_photos", args=[hazard.pk]),
        {"stage": PhotoStage.ACCEPTANCE, "photos": [photo()]},
    )

    assert response.status_code == 403
    assert "验收照片" in response.content.decode()
    assert stored(hazard) == before
