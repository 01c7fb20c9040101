"""The incident pages around the command page: the list (scoped, filtered) and its Excel,
opening an incident by hand (refused by field in Chinese, keeping what was valid), from an
accident's quick report and from an alarm (prefilled, linked, out of scope 404), the
after-action review whose lessons become tasks, and the timeline that replays it in order.

The scene is built once for the module; each test's writes are rolled back."""

import json
import re
from datetime import timedelta
from io import BytesIO
from uuid import uuid4

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from anjian.accidents.tests.factories import report as accident_report
from anjian.emergency import dispatch as dispatching
from anjian.emergency import services_incidents as services
from anjian.emergency.choices import IncidentSource, TaskSource
from anjian.emergency.models import Incident, IncidentState, IncidentTask
from anjian.emergency.tests import factories_incidents as make
from anjian.monitoring.tests.factories import device, plain_alarm
from testsupport import world

pytestmark = pytest.mark.django_db
OPEN = reverse("emergency:incident_open")
LIST = reverse("emergency:incident_list")


class Scene:
    pass


@pytest.fixture(scope="module")
def scene(django_db_setup, django_db_blocker):
    """Built once: a responding incident with a dispatched and arrived team and a log line,
    a closed one, an accident and an alarm at 殷行; rolled back when the module ends."""
    with django_db_blocker.unblock(), transaction.atomic():
        s = Scene()
        s.official = by = world.actor("district_official")
        s.incident = make.responding(by)
        team = make.team("殷行救援队", at=(31.3110, 121.5300))
        sent = dispatching.dispatch(by, incident_id=s.incident.pk, kind="team", resource_id=team.pk)
        dispatching.assignment_move(
            by, assignment_id=sent.pk, expected_version=sent.version, name="arrive"
        )
        services.incident_log(by, incident_id=s.incident.pk, kind="decision", text="划定警戒区")
        closed = make.responding(by, title="平凉路燃气泄漏")
        s.closed = services.incident_close(
            by, incident_id=closed.pk, expected_version=closed.version
        )
        s.accident = accident_report(by, enterprise=world.enterprise("yinhang_chemical").pk)
        s.alarm = plain_alarm(device("TK-777"))
        yield s
        transaction.set_rollback(True)


@pytest.fixture
def official(scene, client_for):
    return client_for(scene.official)


def html_of(response) -> str:
    return response.content.decode()


def by_hand(**overrides) -> dict:
    occurred = timezone.localtime() - timedelta(minutes=20)
    data = {
        "token": str(uuid4()),
        "title": "军工路仓库火灾",
        "incident_type": "accident",
        "subtype": "火灾",
        "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M"),
        "region": world.YINHANG,
        "place": "军工路100号",
        "latitude": "31.3205",
        "longitude": "121.5310",
        "summary": "仓库起火，无人员被困",
    }
    data.update(overrides)
    return data


# --- the list -----------------------------------------------------------------------------------


def test_the_list_shows_the_districts_incidents_and_filters_the_open_ones(scene, official):
    html = html_of(official.get(LIST))
    assert scene.incident.number in html and scene.closed.number in html
    opened = html_of(
        official.get(
            LIST, {"state": "open"}, headers={"HX-Request": "true", "HX-Target": "results"}
        )
    )
    assert scene.incident.number in opened and scene.closed.number not in opened
    assert "处置中" in opened  # the condition, in words


def test_another_district_sees_none_of_them(scene, client_for):
    neighbour = client_for(world.actor("neighbour_official"))
    html = html_of(neighbour.get(LIST))
    assert scene.incident.number not in html
    for name in ("incident_timeline", "incident_after_action"):
        assert (
            neighbour.get(reverse(f"emergency:{name}", args=[scene.incident.pk])).status_code == 404
        )


def test_the_export_is_the_list_as_a_ledger(scene, official):
    response = official.get(reverse("emergency:incident_export"), {"state": "open"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    numbers = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert scene.incident.number in numbers and scene.closed.number not in numbers


# --- opening ------------------------------------------------------------------------------------


def test_opening_by_hand_files_the_incident_and_goes_to_its_command_page(scene, official):
    page = html_of(official.get(OPEN))
    assert 'id="pick-map"' in page and 'name="token"' in page
    data = by_hand()
    response = official.post(OPEN, data)
    incident = Incident.objects.get(title="军工路仓库火灾")
    assert response.status_code == 302 and response["Location"] == incident.get_absolute_url()
    assert (incident.source, incident.region_code, incident.state) == (
        IncidentSource.MANUAL,
        world.YINHANG,
        IncidentState.REPORTED,
    )
    again = official.post(OPEN, data)  # the same form sent twice: one incident
    assert again["Location"] == incident.get_absolute_url()
    assert Incident.objects.filter(title="军工路仓库火灾").count() == 1


def test_a_bad_open_form_names_each_field_and_keeps_what_was_valid(scene, official):
    response = official.post(OPEN, by_hand(title="", latitude="北纬31度"))
    assert response.status_code == 422
    html = html_of(response)
    assert "请填写事件名称" in html and "纬度须为数字" in html
    assert 'value="军工路100号"' in html and "仓库起火，无人员被困" in html
    assert not Incident.objects.filter(place="军工路100号").exists()


def test_opening_from_an_accident_shows_it_and_links_the_incident(scene, official, client_for):
    target = f"{OPEN}?accident={scene.accident.pk}"
    page = html_of(official.get(target))
    assert scene.accident.number in page and 'data-origin="accident"' in page
    assert 'name="place"' not in page  # taken from the quick report
    response = official.post(
        target, {"token": str(uuid4()), "title": "殷行化工机械伤害事故", "subtype": ""}
    )
    incident = Incident.objects.get(accident=scene.accident)
    assert response.status_code == 302 and incident.source == IncidentSource.ACCIDENT
    assert incident.enterprise == world.enterprise("yinhang_chemical")
    assert incident.number in html_of(official.get(target))  # opened once: a link to it
    neighbour = client_for(world.actor("neighbour_official"))
    assert neighbour.get(target).status_code == 404
    assert official.get(f"{OPEN}?accident=abc").status_code == 404


def test_opening_from_an_alarm_prefills_what_the_alarm_says(scene, official):
    target = f"{OPEN}?alarm={scene.alarm.pk}"
    page = html_of(official.get(target))
    assert 'data-origin="alarm"' in page and "TK-777" in page
    data = {
        "token": str(uuid4()),
        "title": "储罐液位报警",
        "incident_type": "accident",
        "summary": "液位超高",
    }
    assert official.post(target, data).status_code == 302
    assert Incident.objects.get(alarm=scene.alarm).source == IncidentSource.ALARM


def test_a_street_officer_may_open_but_a_reader_may_not(scene, client_for):
    assert client_for(world.actor("street_officer")).get(OPEN).status_code == 200
    assert client_for(world.actor("leader")).get(OPEN).status_code == 403


# --- after the response -------------------------------------------------------------------------


def test_the_after_action_review_turns_lessons_into_tasks(scene, official):
    target = reverse("emergency:incident_after_action", args=[scene.closed.pk])
    assert 'name="lessons-0-title"' in html_of(official.get(target))
    data = {
        "summary": "处置及时",
        "went_well": "",
        "problems": "通信不畅",
        "reviewed_on": timezone.localdate().isoformat(),
        "lessons-TOTAL_FORMS": "3",
        "lessons-INITIAL_FORMS": "0",
        "lessons-0-title": "配备卫星电话",
        "lessons-0-responsible": "区应急局",
        "lessons-0-due_at": "",
    }
    refused = official.post(target, {**data, "summary": "", "lessons-0-responsible": ""})
    assert refused.status_code == 422
    html = html_of(refused)
    assert "请填写处置总结" in html and "请填写该整改事项的责任单位" in html
    assert official.post(target, data).status_code == 302
    lesson = IncidentTask.objects.get(incident=scene.closed, source=TaskSource.REVIEW)
    assert (lesson.title, lesson.responsible) == ("配备卫星电话", "区应急局")
    page = html_of(official.get(scene.closed.get_absolute_url()))
    assert 'id="action-review"' in page and "通信不畅" in page
    assert "data-review" in html_of(official.get(target))  # shown, not asked again


def test_the_review_is_not_asked_while_responding(scene, official):
    html = html_of(
        official.get(reverse("emergency:incident_after_action", args=[scene.incident.pk]))
    )
    assert "data-not-yet" in html and 'name="summary"' not in html


def test_the_timeline_replays_every_fact_in_order(scene, official):
    response = official.get(reverse("emergency:incident_timeline", args=[scene.incident.pk]))
    assert response.status_code == 200
    html = html_of(response)
    labels = re.findall(r'class="replay-label">([^<]+)<', html)
    assert (
        labels.index("接报")
        < labels.index("启动响应")
        < labels.index("调派")
        < labels.index("到场")
    )
    times = re.findall(r'<time datetime="([^"]+)"', html)
    assert times == sorted(times) and len(times) == len(labels)
    replay = json.loads(re.search(r'id="replay-data"[^>]*>(.*?)</script>', html, re.S)[1])
    assert [s["state"] for s in replay["states"]] == ["reported", "responding"]
    moves = replay["assignments"][0]["moves"]
    assert [m["state"] for m in moves] == ["dispatched", "on_scene"]
