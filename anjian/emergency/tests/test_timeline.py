"""The timeline replays an incident: every fact once, in time order, with its Chinese label
and who did it — from the command log where a service wrote a line, from the record where
none did."""

from datetime import timedelta

import pytest
from django.utils import timezone

from anjian.emergency import dispatch
from anjian.emergency import services_incidents as services
from anjian.emergency.choices import LogKind, ResourceKind, TaskSource
from anjian.emergency.lifecycle import INCIDENT
from anjian.emergency.models import IncidentTask, PlanActivation
from anjian.emergency.selectors_incidents import timeline
from anjian.emergency.tests import factories_incidents as make

pytestmark = pytest.mark.django_db


def _move(by, assignment, name, **extra):
    assignment.refresh_from_db()
    return dispatch.assignment_move(
        by, assignment_id=assignment.pk, expected_version=assignment.version, name=name, **extra
    )


def test_a_whole_incident_replays_in_order_each_fact_once(district_official):
    by = district_official
    incident = make.responding(by)
    services.incident_set_level(
        by, incident_id=incident.pk, expected_version=incident.version, level="3", reason="蔓延"
    )
    services.incident_activate(by, incident_id=incident.pk, plan_id=make.plan().pk, level="3")
    services.incident_log(by, incident_id=incident.pk, kind=LogKind.REPORT, text="已报区政府")
    task = services.incident_task_add(by, incident_id=incident.pk, title="封路", responsible="交警")
    services.incident_task_done(by, task_id=task.pk, expected_version=task.version)
    sent = dispatch.dispatch(
        by, incident_id=incident.pk, kind=ResourceKind.TEAM, resource_id=make.team().pk
    )
    for name in ("depart", "arrive", "release"):
        _move(by, sent, name)
    incident.refresh_from_db()
    incident = services.incident_close(
        by, incident_id=incident.pk, expected_version=incident.version
    )
    services.incident_after_action(
        by,
        incident_id=incident.pk,
        summary="处置得当",
        went_well="",
        problems="",
        reviewed_on=timezone.localdate(),
    )
    services.incident_review(by, incident_id=incident.pk, expected_version=incident.version)

    entries = timeline(incident)
    assert [e.label for e in entries] == [
        "接报",
        "启动响应",
        "调整级别",
        "启动预案",
        "信息报送",
        "指派任务",
        "任务完成",
        "调派",
        "出发",
        "到场",
        "撤离",
        "结束响应",
        "登记复盘评估",
        "完成复盘",
    ]
    assert [e.at for e in entries] == sorted(e.at for e in entries)
    assert [e.kind for e in entries][:4] == ["incident", "incident", "incident", "activation"]
    assert {e.kind for e in entries[7:11]} == {"assignment"}
    assert entries[4].kind == "log" and entries[4].text == "已报区政府"
    assert all(e.by == by.name for e in entries)
    # the plan's two level-Ⅲ tasks are told by the activation line, not listed again
    assert "生成2项" in entries[3].text
    assert entries[-1].text == "已复盘"  # a transition no line names: from its record


def test_records_no_log_line_names_still_appear(district_official):
    """Written without the services (an import, an older record): each shows once, from
    the record itself, where it belongs in time."""
    incident = make.incident(district_official)
    now = timezone.now()
    activation = PlanActivation.objects.create(
        incident=incident,
        plan=make.plan(),
        level="4",
        activated_at=now + timedelta(minutes=1),
        activated_by=district_official,
        ended_at=now + timedelta(minutes=9),
    )
    IncidentTask.objects.create(
        incident=incident,
        activation=activation,
        source=TaskSource.MANUAL,
        title="转移群众",
        responsible="街道",
        created_at=now + timedelta(minutes=2),
        done_at=now + timedelta(minutes=5),
        done_by=district_official,
        state="done",
    )
    INCIDENT.record_event(
        incident,
        action="level",
        by=district_official,
        reason="人工补录",
        at=now + timedelta(minutes=3),
    )
    entries = timeline(incident)
    assert [(e.kind, e.label) for e in entries] == [
        ("incident", "接报"),
        ("activation", "启动预案"),
        ("task", "指派任务"),
        ("incident", "调整级别"),
        ("task", "任务完成"),
        ("activation", "终止预案响应"),
    ]
    assert "转移群众" in entries[2].text and entries[4].by == district_official.name
    assert entries[3].text == "人工补录"
