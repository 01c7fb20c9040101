"""Incidents: opened by hand, from an accident or an alarm (idempotent, numbered, logged,
the commanders told); the response, its level, plan activation and its tasks, the command
log, tasks, close, the after-action review and void — with scope, bad input and stale
versions refused."""

from datetime import timedelta
from uuid import uuid4

import pytest
from django.utils import timezone

from anjian.accidents.tests.factories import report as accident_report
from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope, ValidationError
from anjian.core.models import Notification
from anjian.emergency import services_incidents as services
from anjian.emergency.choices import IncidentSource, IncidentType, LogKind, TaskSource, TaskState
from anjian.emergency.models import (
    CommandLogEntry,
    Incident,
    IncidentState,
    IncidentTask,
    PlanActivation,
    PlanState,
)
from anjian.emergency.tests import factories_incidents as make
from anjian.monitoring.tests.factories import device, plain_alarm
from testsupport import world

pytestmark = pytest.mark.django_db


def errors_of(raised) -> dict:
    return raised.value.message_dict


# --- opening ----------------------------------------------------------------------------------


def test_an_incident_opened_by_hand_is_numbered_logged_and_reported(
    district_official, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        incident = make.incident(district_official)
    year = timezone.localtime(incident.occurred_at).year
    assert incident.number == f"SJ{year}{incident.pk:06d}"
    assert (incident.state, incident.source, incident.region_code) == (
        IncidentState.REPORTED,
        IncidentSource.MANUAL,
        world.YINHANG,
    )
    first = CommandLogEntry.objects.get(incident=incident)
    assert first.by == district_official and first.kind == LogKind.SITUATION
    assert "殷行路仓库火灾" in first.text
    assert incident.transitions.get().action == "open"
    told = set(Notification.objects.filter(kind="incident").values_list("recipient", flat=True))
    # the district's commanders, not the one who opened it, not the neighbours
    assert world.actor("housing_official").pk in told
    assert district_official.pk not in told
    assert world.actor("neighbour_official").pk not in told
    assert world.actor("street_officer").pk not in told  # may open, not command


def test_nobody_is_told_of_an_incident_that_was_rolled_back(
    district_official, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        make.incident(district_official)
    assert len(callbacks) == 1  # queued for after the commit, not sent inside it
    assert not Notification.objects.filter(kind="incident").exists()


def test_the_same_form_sent_twice_opens_one_incident(district_official):
    token = uuid4()
    data = make.hand_data()
    first = services.incident_open(district_official, data=data, token=token)
    again = services.incident_open(district_official, data=data, token=token)
    assert again.pk == first.pk
    assert Incident.objects.filter(open_token=token).count() == 1


def test_an_incident_from_an_accident_copies_its_place_time_unit_and_summary(district_official):
    chemical = world.enterprise("yinhang_chemical")
    accident = accident_report(
        district_official, enterprise=chemical.pk, latitude="31.321000", longitude="121.531000"
    )
    incident = services.incident_open(district_official, data={}, accident_id=accident.pk)
    assert (incident.source, incident.incident_type) == (
        IncidentSource.ACCIDENT,
        IncidentType.ACCIDENT,
    )
    assert incident.accident == accident and incident.enterprise == chemical
    assert (incident.place, incident.occurred_at, incident.summary) == (
        accident.place,
        accident.occurred_at,
        accident.summary,
    )
    assert (incident.latitude, incident.longitude) == (31.321, 121.531)
    assert incident.region_code == accident.region_code
    with pytest.raises(Conflict, match=incident.number):  # one incident per accident
        services.incident_open(district_official, data={}, accident_id=accident.pk)


def test_an_accident_of_another_district_is_not_found(district_official):
    accident = accident_report(district_official)
    with pytest.raises(OutOfScope):
        services.incident_open(world.actor("neighbour_official"), data={}, accident_id=accident.pk)
    assert not Incident.objects.exists()


def test_an_incident_from_an_alarm_takes_the_units_place(district_official):
    alarm = plain_alarm(device("TK-900"))
    chemical = alarm.enterprise
    incident = services.incident_open(district_official, data={}, alarm_id=alarm.pk)
    assert (incident.source, incident.alarm, incident.enterprise) == (
        IncidentSource.ALARM,
        alarm,
        chemical,
    )
    assert (incident.latitude, incident.longitude) == (
        float(chemical.latitude),
        float(chemical.longitude),
    )
    assert incident.occurred_at == alarm.raised_at
    assert incident.region_code == chemical.scope_region_code
    assert "TK-900" in incident.title
    with pytest.raises(OutOfScope):
        services.incident_open(world.actor("neighbour_official"), data={}, alarm_id=alarm.pk)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"occurred_at": timezone.now() + timedelta(hours=2)}, "occurred_at"),
        ({"occurred_at": "2026-01-01 08:00"}, "occurred_at"),
        ({"latitude": None}, "latitude"),
        ({"latitude": "北纬31度"}, "latitude"),
        ({"longitude": 200}, "longitude"),
        ({"incident_type": "fire"}, "incident_type"),
        ({"title": "  "}, "title"),
        ({"summary": ""}, "summary"),
        ({"place": "路" * 201}, "place"),
        ({"region": world.YANGPU}, "region"),  # a district, not a street
        ({"region": ""}, "region"),
    ],
)
def test_bad_input_is_refused_naming_the_field(district_official, overrides, field):
    with pytest.raises(ValidationError) as raised:
        make.incident(district_official, **overrides)
    assert field in errors_of(raised)
    assert not Incident.objects.exists()


def test_unknown_fields_are_refused(district_official):
    with pytest.raises(ValidationError, match="state"):
        services.incident_open(district_official, data=make.hand_data(state="closed"))


def test_a_street_officer_opens_in_the_own_street_only_and_cannot_command(street_officer):
    mine = make.incident(street_officer)
    assert mine.reported_by == street_officer
    with pytest.raises(OutOfScope):
        make.incident(street_officer, region=world.PINGLIANG)
    with pytest.raises(NotPermitted):
        services.incident_respond(
            street_officer,
            incident_id=mine.pk,
            expected_version=mine.version,
            level="4",
            lead_organisation="街道",
            commander="某人",
        )


def test_an_enterprise_user_cannot_open_an_incident(db):
    with pytest.raises(NotPermitted):
        make.incident(world.actor("enterprise_manager"))


# --- the response and its level ---------------------------------------------------------------


def test_respond_records_the_level_lead_and_commander(district_official):
    incident = make.responding(district_official)
    assert incident.state == IncidentState.RESPONDING and incident.level == "4"
    assert incident.responding_since is not None and incident.commander == "王指挥"
    line = CommandLogEntry.objects.filter(incident=incident, kind=LogKind.DECISION).get()
    assert "启动响应" in line.text and "王指挥" in line.text


def test_respond_needs_its_fields_and_the_current_version(district_official):
    incident = make.incident(district_official)
    with pytest.raises(ValidationError) as raised:
        services.incident_respond(
            district_official,
            incident_id=incident.pk,
            expected_version=incident.version,
            level="5",
            lead_organisation="",
            commander=" ",
        )
    assert set(errors_of(raised)) == {"level", "lead_organisation", "commander"}
    with pytest.raises(Conflict):
        services.incident_respond(
            district_official,
            incident_id=incident.pk,
            expected_version=incident.version + 1,
            level="4",
            lead_organisation="区应急局",
            commander="王指挥",
        )


def test_the_neighbouring_district_cannot_see_or_command_the_incident(district_official):
    incident = make.incident(district_official)
    with pytest.raises(OutOfScope):
        services.incident_respond(
            world.actor("neighbour_official"),
            incident_id=incident.pk,
            expected_version=incident.version,
            level="4",
            lead_organisation="虹口区应急局",
            commander="某人",
        )
    with pytest.raises(OutOfScope):
        services.incident_log(
            world.actor("neighbour_official"), incident_id=incident.pk, kind="decision", text="x"
        )


def test_a_level_change_needs_a_reason_and_is_logged(district_official):
    incident = make.responding(district_official)
    with pytest.raises(ValidationError) as raised:
        services.incident_set_level(
            district_official,
            incident_id=incident.pk,
            expected_version=incident.version,
            level="3",
            reason="",
        )
    assert "reason" in errors_of(raised)
    raised_to = services.incident_set_level(
        district_official,
        incident_id=incident.pk,
        expected_version=incident.version,
        level="3",
        reason="火势蔓延至相邻厂房",
    )
    assert raised_to.level == "3" and raised_to.version == incident.version + 1
    line = CommandLogEntry.objects.filter(incident=incident).latest("id")
    assert "Ⅳ级" in line.text and "Ⅲ级" in line.text and "火势蔓延" in line.text
    with pytest.raises(Conflict):  # the version it was started from has gone
        services.incident_set_level(
            district_official,
            incident_id=incident.pk,
            expected_version=incident.version,
            level="2",
            reason="再升级",
        )


# --- plan activation --------------------------------------------------------------------------


def test_activation_creates_exactly_that_levels_tasks_with_due_times(district_official):
    incident = make.responding(district_official)
    plan = make.plan()
    activation = services.incident_activate(
        district_official, incident_id=incident.pk, plan_id=plan.pk, level="3"
    )
    tasks = list(IncidentTask.objects.filter(incident=incident).order_by("id"))
    assert [(t.title, t.responsible, t.source) for t in tasks] == [
        ("成立现场指挥部", "区应急局", TaskSource.PLAN),
        ("疏散周边群众", "属地街道", TaskSource.PLAN),
    ]
    assert [t.due_at - activation.activated_at for t in tasks] == [
        timedelta(minutes=30),
        timedelta(minutes=60),
    ]
    assert all(t.activation == activation for t in tasks)
    line = CommandLogEntry.objects.filter(incident=incident, kind=LogKind.ACTIVATION).get()
    assert "生成2项" in line.text


def test_a_level_the_plan_does_not_define_is_refused_naming_the_ones_it_does(district_official):
    incident = make.responding(district_official)
    plan = make.plan()
    with pytest.raises(ValidationError) as raised:
        services.incident_activate(
            district_official, incident_id=incident.pk, plan_id=plan.pk, level="1"
        )
    message = errors_of(raised)["level"][0]
    assert "Ⅰ级响应" in message and "Ⅲ级响应、Ⅳ级响应" in message
    with pytest.raises(ValidationError, match="响应级别"):
        services.incident_activate(
            district_official, incident_id=incident.pk, plan_id=plan.pk, level="九"
        )
    assert not PlanActivation.objects.exists() and not IncidentTask.objects.exists()


def test_the_same_plan_at_the_same_level_is_not_started_twice(district_official):
    incident = make.responding(district_official)
    plan = make.plan()
    services.incident_activate(
        district_official, incident_id=incident.pk, plan_id=plan.pk, level="4"
    )
    with pytest.raises(Conflict, match="不能重复启动"):
        services.incident_activate(
            district_official, incident_id=incident.pk, plan_id=plan.pk, level="4"
        )
    assert IncidentTask.objects.filter(incident=incident).count() == 2


def test_another_level_of_the_same_plan_ends_the_running_one(district_official):
    incident = make.responding(district_official)
    plan = make.plan()
    lower = services.incident_activate(
        district_official, incident_id=incident.pk, plan_id=plan.pk, level="4"
    )
    higher = services.incident_activate(
        district_official, incident_id=incident.pk, plan_id=plan.pk, level="3"
    )
    lower.refresh_from_db()
    assert lower.ended_at == higher.activated_at and higher.ended_at is None
    assert IncidentTask.objects.filter(incident=incident).count() == 4


def test_which_plans_the_district_may_start(district_official):
    incident = make.responding(district_official, region=world.YINHANG)
    city = make.plan(region="3101", title="上海市生产安全事故应急预案")
    unit = make.plan(enterprise=world.enterprise("yinhang_chemical"), title="殷行化工综合预案")
    for plan in (city, unit):
        services.incident_activate(
            district_official, incident_id=incident.pk, plan_id=plan.pk, level="4"
        )
    neighbour = make.plan(region=world.HONGKOU, title="虹口区预案")
    with pytest.raises(OutOfScope):
        services.incident_activate(
            district_official, incident_id=incident.pk, plan_id=neighbour.pk, level="4"
        )
    draft = make.plan(state=PlanState.DRAFT, title="草稿预案")
    with pytest.raises(ValidationError, match="编制中"):
        services.incident_activate(
            district_official, incident_id=incident.pk, plan_id=draft.pk, level="4"
        )


# --- the command log and tasks ----------------------------------------------------------------


def test_the_log_appends_lines_under_the_user_and_refuses_bad_ones(district_official):
    incident = make.incident(district_official)
    line = services.incident_log(
        district_official,
        incident_id=incident.pk,
        kind=LogKind.INSTRUCTION,
        text=" 区长指示：全力救援 ",
    )
    assert (line.by, line.kind, line.text) == (
        district_official,
        "instruction",
        "区长指示：全力救援",
    )
    with pytest.raises(ValidationError) as raised:
        services.incident_log(district_official, incident_id=incident.pk, kind="gossip", text="")
    assert set(errors_of(raised)) == {"kind", "text"}
    with pytest.raises(ValidationError, match="text"):
        services.incident_log(district_official, incident_id=incident.pk, kind="other", text=42)
    with pytest.raises(NotPermitted):
        services.incident_log(
            world.actor("leader"), incident_id=incident.pk, kind="other", text="我来记一笔"
        )


def test_a_task_is_done_once_against_its_version(district_official):
    incident = make.responding(district_official)
    with pytest.raises(ValidationError) as raised:
        services.incident_task_add(
            district_official, incident_id=incident.pk, title="", responsible=""
        )
    assert set(errors_of(raised)) == {"title", "responsible"}
    task = services.incident_task_add(
        district_official,
        incident_id=incident.pk,
        title="设置警戒区",
        responsible="殷行派出所",
        due_at=timezone.now() + timedelta(minutes=20),
    )
    with pytest.raises(Conflict):
        services.incident_task_done(
            district_official, task_id=task.pk, expected_version=task.version + 1
        )
    done = services.incident_task_done(
        district_official, task_id=task.pk, expected_version=task.version, note="已设置"
    )
    assert (done.state, done.done_by, done.note) == (TaskState.DONE, district_official, "已设置")
    with pytest.raises(Conflict, match="已完成"):
        services.incident_task_done(
            district_official, task_id=task.pk, expected_version=done.version
        )
    with pytest.raises(OutOfScope):
        services.incident_task_done(
            world.actor("neighbour_official"), task_id=task.pk, expected_version=done.version
        )


# --- close, review, void ----------------------------------------------------------------------


def _close(by, incident, **extra):
    return services.incident_close(
        by, incident_id=incident.pk, expected_version=incident.version, **extra
    )


def test_closing_ends_the_running_activations(district_official):
    incident = make.responding(district_official)
    activation = services.incident_activate(
        district_official, incident_id=incident.pk, plan_id=make.plan().pk, level="4"
    )
    closed = _close(district_official, incident, reason="明火扑灭，无次生灾害")
    activation.refresh_from_db()
    assert closed.state == IncidentState.CLOSED and closed.closed_at is not None
    assert activation.ended_at == closed.closed_at


def test_the_review_needs_the_after_action_review_whose_lessons_become_tasks(district_official):
    incident = make.responding(district_official)
    review_args = {
        "summary": "处置及时",
        "went_well": "联动顺畅",
        "problems": "物资前置不足",
        "reviewed_on": timezone.localdate(),
        "lessons": [{"title": "增设前置储备点", "responsible": "区应急局", "due_at": None}],
    }
    with pytest.raises(Conflict):  # only after the response has ended
        services.incident_after_action(district_official, incident_id=incident.pk, **review_args)
    incident = _close(district_official, incident)
    with pytest.raises(Conflict, match="复盘评估"):
        services.incident_review(
            district_official, incident_id=incident.pk, expected_version=incident.version
        )
    with pytest.raises(ValidationError) as raised:
        services.incident_after_action(
            district_official,
            incident_id=incident.pk,
            **{**review_args, "summary": "", "lessons": [{"title": "", "responsible": "x"}]},
        )
    assert set(errors_of(raised)) == {"summary", "lessons.1.title"}
    services.incident_after_action(district_official, incident_id=incident.pk, **review_args)
    lesson = IncidentTask.objects.get(incident=incident)
    assert (lesson.source, lesson.title) == (TaskSource.REVIEW, "增设前置储备点")
    with pytest.raises(Conflict):
        services.incident_after_action(district_official, incident_id=incident.pk, **review_args)
    reviewed = services.incident_review(
        district_official, incident_id=incident.pk, expected_version=incident.version
    )
    assert reviewed.state == IncidentState.REVIEWED


def test_void_needs_a_reason_and_comes_only_before_the_response(district_official):
    incident = make.incident(district_official)
    with pytest.raises(ValidationError, match="reason"):
        services.incident_void(
            district_official, incident_id=incident.pk, expected_version=incident.version, reason=""
        )
    voided = services.incident_void(
        district_official,
        incident_id=incident.pk,
        expected_version=incident.version,
        reason="重复登记",
    )
    assert voided.state == IncidentState.VOIDED
    responding = make.responding(district_official)
    with pytest.raises(Conflict):
        services.incident_void(
            district_official,
            incident_id=responding.pk,
            expected_version=responding.version,
            reason="误报",
        )
