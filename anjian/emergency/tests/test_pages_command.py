"""The command page (指挥调度) and its forms: it shows the incident, the steps its commander
may take and the map's data; the nearest candidates come ranked by distance (htmx partial
and JSON); a dispatch creates the assignment and shows it; tasks are done, the log grows
newest first, a plan's activation lists its tasks; closing with resources still out is
refused with the reason; stale versions are conflicts; void and cancel need a reason and
ask first; another district gets 404 everywhere.

The scene (a responding incident at 殷行街道, two teams, a stock line, a plan) is built once
for the module; each test's writes are rolled back."""

import json
import re

import pytest
from django.db import transaction
from django.urls import reverse

from anjian.emergency import dispatch as dispatching
from anjian.emergency.models import Assignment, AssignmentState, IncidentState, IncidentTask
from anjian.emergency.tests import factories_incidents as make
from testsupport import world

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


class Scene:
    pass


@pytest.fixture(scope="module")
def scene(django_db_setup, django_db_blocker):
    """Built once: rolled back when the module ends."""
    with django_db_blocker.unblock(), transaction.atomic():
        s = Scene()
        s.official = world.actor("district_official")
        s.incident = make.responding(s.official)
        s.reported = make.incident(s.official, title="殷行路积水")
        s.near = make.team("殷行救援队", at=(31.3110, 121.5300))  # about 1 km
        s.far = make.team("平凉救援队", at=(31.2600, 121.5300))  # about 6.7 km
        s.supply = make.supply(10)
        s.plan = make.plan()
        yield s
        transaction.set_rollback(True)


@pytest.fixture
def commander(scene, client_for):
    return client_for(scene.official)


def url(name: str, *args) -> str:
    return reverse(f"emergency:{name}", args=args)


def html_of(response) -> str:
    return response.content.decode()


def send(scene, resource, *, kind="team", quantity=1) -> Assignment:
    return dispatching.dispatch(
        scene.official,
        incident_id=scene.incident.pk,
        kind=kind,
        resource_id=resource.pk,
        quantity=quantity,
    )


# --- the page ---------------------------------------------------------------------------------


def test_the_command_page_shows_the_incident_its_next_steps_and_the_map_data(scene, commander):
    response = commander.get(url("incident_detail", scene.incident.pk))
    assert response.status_code == 200
    html = html_of(response)
    assert scene.incident.title in html and "王指挥" in html
    assert 'data-state="responding"' in html and 'data-level="4"' in html
    # responding: close and 调整级别 offered, respond and void not
    assert 'id="action-close"' in html and 'id="action-level"' in html
    assert 'id="action-respond"' not in html and 'id="action-void"' not in html
    assert 'id="command-panels"' in html and 'id="finder"' in html
    assert "杨浦区生产安全事故应急预案" in html  # the plan offered for activation
    data = json.loads(re.search(r'id="command-map-data"[^>]*>(.*?)</script>', html, re.S)[1])
    assert data["incident"]["lat"] == pytest.approx(make.INCIDENT_POINT[0])
    assert data["assignments"] == []
    assert ' style="' not in html  # the CSP allows no inline styles


def test_a_reported_incident_offers_respond_and_void_which_asks_first(scene, commander):
    html = html_of(commander.get(url("incident_detail", scene.reported.pk)))
    assert 'id="action-respond"' in html and 'id="action-void"' in html
    assert re.search(r'id="action-void".*?data-confirm="[^"]+"', html, re.S)


def test_a_reader_sees_the_page_without_its_forms(scene, client_for):
    html = html_of(client_for(world.actor("leader")).get(url("incident_detail", scene.incident.pk)))
    assert scene.incident.title in html
    assert 'id="action-close"' not in html and 'id="finder"' not in html
    assert 'id="action-log"' not in html


def test_another_district_gets_404_on_the_page_and_its_forms(scene, client_for):
    neighbour = client_for(world.actor("neighbour_official"))
    pk = scene.incident.pk
    assert neighbour.get(url("incident_detail", pk)).status_code == 404
    assert (
        neighbour.get(url("incident_dispatch", pk), {"kind": "team"}, headers=HX).status_code == 404
    )
    posts = [
        (url("incident_log", pk), {"kind": "decision", "text": "越权"}),
        (url("incident_dispatch", pk), {"kind": "team", "resource_id": scene.near.pk}),
        (url("incident_transition", pk, "close"), {"version": scene.incident.version}),
    ]
    for target, data in posts:
        assert neighbour.post(target, data, headers=HX).status_code == 404
    assert not Assignment.objects.filter(incident=scene.incident).exists()


# --- dispatch ---------------------------------------------------------------------------------


def test_the_candidates_come_ranked_by_distance_as_a_partial_and_as_json(scene, commander):
    response = commander.get(
        url("incident_dispatch", scene.incident.pk), {"kind": "team"}, headers=HX
    )
    assert response.status_code == 200
    html = html_of(response)
    ranked = [int(pk) for pk in re.findall(r'data-candidate="(\d+)"', html)]
    assert ranked.index(scene.near.pk) < ranked.index(scene.far.pk)
    assert "<html" not in html  # the partial alone
    found = commander.get(
        url("incident_dispatch", scene.incident.pk), {"kind": "team", "format": "json"}
    ).json()["candidates"]
    distances = [row["distance"] for row in found]
    assert distances == sorted(distances) and found[0]["id"] == scene.near.pk
    assert found[0]["distance"] == pytest.approx(1.0, abs=0.2)


def test_the_finder_refuses_a_bad_quantity_in_chinese(scene, commander):
    response = commander.get(
        url("incident_dispatch", scene.incident.pk), {"kind": "supply", "quantity": "0"}, headers=HX
    )
    assert response.status_code == 422
    assert "需要数量/安置人数不能小于 1" in html_of(response)


def test_a_dispatch_creates_the_assignment_and_shows_it(scene, commander):
    target = url("incident_dispatch", scene.incident.pk) + "?kind=team"
    response = commander.post(
        target,
        {"kind": "team", "resource_id": scene.near.pk, "quantity": 1, "task": "灭火"},
        headers=HX,
    )
    assert response.status_code == 200
    assignment = Assignment.objects.get(incident=scene.incident)
    assert (assignment.team, assignment.state, assignment.task) == (
        scene.near,
        AssignmentState.DISPATCHED,
        "灭火",
    )
    assert response["HX-Trigger"] == "incident-changed"
    html = html_of(response)
    assert "已调派：殷行救援队" in html
    assert f'data-assignment="{assignment.pk}"' in html and 'hx-swap-oob="true"' in html
    # the team sent is no longer a candidate; the map data has it
    assert f'data-candidate="{scene.near.pk}"' not in html
    assert '"state": "dispatched"' in html


def test_a_dispatch_of_more_than_the_stock_is_refused_with_the_reason(scene, commander):
    target = url("incident_dispatch", scene.incident.pk) + "?kind=supply"
    data = {"kind": "supply", "resource_id": scene.supply.pk, "quantity": 11}
    response = commander.post(target, data, headers=HX)
    assert response.status_code in (409, 422)
    assert "data-refused" in html_of(response)
    assert not Assignment.objects.filter(incident=scene.incident).exists()


def test_an_assignment_departs_arrives_and_a_stale_move_is_a_conflict(scene, commander):
    assignment = send(scene, scene.near)
    depart = url("assignment_move", scene.incident.pk, assignment.pk, "depart")
    response = commander.post(depart, {"version": assignment.version}, headers=HX)
    assert response.status_code == 200 and "赶赴途中" in html_of(response)
    stale = commander.post(
        url("assignment_move", scene.incident.pk, assignment.pk, "arrive"),
        {"version": assignment.version},
        headers=HX,
    )
    assert stale.status_code == 409 and "data-conflict" in html_of(stale)
    assert Assignment.objects.get(pk=assignment.pk).state == AssignmentState.EN_ROUTE


def test_cancelling_an_assignment_needs_a_reason_and_asks_first(scene, commander):
    assignment = send(scene, scene.near)
    html = html_of(commander.get(url("incident_detail", scene.incident.pk)))
    assert re.search(rf'id="move-{assignment.pk}-cancel".*?data-confirm=', html, re.S)
    cancel = url("assignment_move", scene.incident.pk, assignment.pk, "cancel")
    refused = commander.post(cancel, {"version": assignment.version, "reason": ""}, headers=HX)
    assert refused.status_code == 422 and "请填写取消调派的理由" in html_of(refused)
    done = commander.post(cancel, {"version": assignment.version, "reason": "误派"}, headers=HX)
    assert done.status_code == 200
    assert Assignment.objects.get(pk=assignment.pk).state == AssignmentState.CANCELLED


# --- tasks, log, plans, close -----------------------------------------------------------------


def test_activating_a_plan_lists_its_tasks_and_a_task_is_done(scene, commander):
    pk = scene.incident.pk
    response = commander.post(
        url("incident_activate", pk), {"plan_level": f"{scene.plan.pk}:4"}, headers=HX
    )
    assert response.status_code == 200 and "核实现场情况" in html_of(response)
    task = IncidentTask.objects.get(incident=scene.incident, title="核实现场情况")
    done = commander.post(
        url("incident_task_done", pk, task.pk),
        {"version": task.version, "note": "已核实"},
        headers=HX,
    )
    assert done.status_code == 200 and 'data-task-state="done"' in html_of(done)
    assert IncidentTask.objects.get(pk=task.pk).state == "done"
    again = commander.post(
        url("incident_task_done", pk, task.pk), {"version": task.version}, headers=HX
    )
    assert again.status_code == 409


def test_a_plan_level_the_plan_does_not_define_is_refused(scene, commander):
    response = commander.post(
        url("incident_activate", scene.incident.pk),
        {"plan_level": f"{scene.plan.pk}:1"},
        headers=HX,
    )
    assert response.status_code == 422
    assert "请选择可启动的现行预案已规定的响应级别" in html_of(response)


def test_a_log_entry_is_shown_first_and_an_empty_one_is_refused(scene, commander):
    target = url("incident_log", scene.incident.pk)
    empty = commander.post(target, {"kind": "decision", "text": ""}, headers=HX)
    assert empty.status_code == 422 and "请填写日志内容" in html_of(empty)
    response = commander.post(target, {"kind": "decision", "text": "划定警戒区"}, headers=HX)
    assert response.status_code == 200
    lines = re.findall(r'class="text-wrap">([^<]*)</div>', html_of(response))
    assert lines[0] == "划定警戒区"


def test_a_form_posted_without_htmx_goes_back_to_the_page(scene, commander):
    response = commander.post(
        url("incident_log", scene.incident.pk), {"kind": "report", "text": "已报区政府"}
    )
    assert response.status_code == 302
    assert response["Location"] == url("incident_detail", scene.incident.pk) + "#log"


def test_closing_with_resources_still_out_is_refused_with_the_reason(scene, commander):
    send(scene, scene.near)
    page = html_of(commander.get(url("incident_detail", scene.incident.pk)))
    assert "data-blocked" in page  # the button says why before anyone tries
    response = commander.post(
        url("incident_transition", scene.incident.pk, "close"), {"version": scene.incident.version}
    )
    assert response.status_code == 409
    assert "还有1项调派的力量或物资未撤离" in html_of(response)
    scene.incident.refresh_from_db()
    assert scene.incident.state == IncidentState.RESPONDING


def test_void_needs_a_reason_and_an_unknown_step_is_404(scene, commander):
    pk = scene.reported.pk
    response = commander.post(
        url("incident_transition", pk, "void"), {"version": scene.reported.version}
    )
    assert response.status_code == 422 and "请填写作废理由" in html_of(response)
    assert (
        commander.post(url("incident_transition", pk, "reopen"), {"version": 1}).status_code == 404
    )
    done = commander.post(
        url("incident_transition", pk, "void"),
        {"version": scene.reported.version, "reason": "重复登记"},
    )
    assert done.status_code == 302
    scene.reported.refresh_from_db()
    assert scene.reported.state == IncidentState.VOIDED


def test_responding_keeps_what_was_valid_and_names_the_missing_field(scene, commander):
    pk = scene.reported.pk
    data = {
        "version": scene.reported.version,
        "level": "3",
        "lead_organisation": "区应急局",
        "commander": "",
    }
    response = commander.post(url("incident_transition", pk, "respond"), data)
    assert response.status_code == 422
    html = html_of(response)
    assert "请填写现场总指挥" in html and 'value="区应急局"' in html
