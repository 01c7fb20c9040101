"""Alarms after they are raised: acknowledge, dispose with a cause, raise a hazard; the
escalation ladder and offline detection stepped directly; pages and scope."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from anjian.core.exceptions import Conflict, NotPermitted, ValidationError
from anjian.core.models import Notification
from anjian.hazards.choices import Source, State
from anjian.monitoring import ingest, services, sweeps
from anjian.monitoring.choices import AlarmState, DeviceState, EscalationStep, QualityKind
from anjian.monitoring.lifecycle import ALARM
from anjian.monitoring.models import Alarm, AlarmEvent, Device, QualityFlag
from anjian.monitoring.tests.factories import (
    device,
    group,
    hazard_source,
    now_ish,
    send,
    threshold,
)
from testsupport import world


@pytest.fixture(autouse=True)
def fresh_registry():
    ingest.registry.clear()


@pytest.fixture
def alarm(db):
    tank = device()
    threshold(tank, value=8.0, hysteresis=0.5)
    send(tank, group(now_ish() - timedelta(minutes=2), level=9.1))
    return Alarm.objects.get()


def test_acknowledge_then_dispose_as_real_records_who_and_when(alarm, enterprise_manager):
    services.alarm_acknowledge(
        by=enterprise_manager, alarm_id=alarm.pk, expected_version=alarm.version, note="已到场"
    )
    alarm.refresh_from_db()
    services.alarm_dispose(
        by=enterprise_manager,
        alarm_id=alarm.pk,
        expected_version=alarm.version,
        cause="real",
        note="液位计读数属实，已停止进料并倒罐",
    )

    alarm.refresh_from_db()
    assert alarm.state == AlarmState.DISPOSED
    assert alarm.acknowledged_by == enterprise_manager and alarm.cause == "real"
    assert list(alarm.events.values_list("action", flat=True)) == [
        "raised",
        "acknowledge",
        "dispose",
    ]


def test_a_stale_acknowledgement_is_a_conflict(alarm, enterprise_manager, district_official):
    services.alarm_acknowledge(
        by=district_official, alarm_id=alarm.pk, expected_version=alarm.version
    )

    with pytest.raises(Conflict):
        services.alarm_acknowledge(
            by=enterprise_manager, alarm_id=alarm.pk, expected_version=alarm.version
        )
    # The same person clicking twice is no conflict.
    services.alarm_acknowledge(by=district_official, alarm_id=alarm.pk, expected_version=None)


def test_disposing_needs_a_cause_and_a_note(alarm, enterprise_manager):
    with pytest.raises(ValidationError) as error:
        services.alarm_dispose(
            by=enterprise_manager, alarm_id=alarm.pk, expected_version=None, cause="", note=" "
        )
    assert set(error.value.message_dict) == {"cause", "disposal_note"}
    assert Alarm.objects.get(pk=alarm.pk).state == AlarmState.ACTIVE


def test_a_real_alarm_becomes_a_hazard_once_linked_both_ways(alarm, enterprise_manager):
    hazard = services.alarm_to_hazard(by=enterprise_manager, alarm_id=alarm.pk)

    assert (hazard.source, hazard.state) == (Source.ALARM, State.REPORTED)
    assert hazard.source_object == alarm and hazard.enterprise == alarm.enterprise
    assert "液位" in hazard.title and "9.1" in hazard.description
    assert Alarm.objects.get(pk=alarm.pk).hazard == hazard
    with pytest.raises(Conflict):
        services.alarm_to_hazard(by=enterprise_manager, alarm_id=alarm.pk)


def test_a_false_alarm_cannot_become_a_hazard(alarm, enterprise_manager):
    services.alarm_dispose(
        by=enterprise_manager,
        alarm_id=alarm.pk,
        expected_version=None,
        cause="false",
        note="探头进水",
    )
    with pytest.raises(ValidationError):
        services.alarm_to_hazard(by=enterprise_manager, alarm_id=alarm.pk)


def test_an_alarm_outside_scope_cannot_be_touched(alarm, neighbour_official, leader):
    with pytest.raises(Alarm.DoesNotExist):
        services.alarm_acknowledge(by=neighbour_official, alarm_id=alarm.pk, expected_version=None)
    with pytest.raises(NotPermitted):  # a leader reads, does not handle
        services.alarm_acknowledge(by=leader, alarm_id=alarm.pk, expected_version=None)


# --- the ladder ----------------------------------------------------------------------------


def test_unacknowledged_alarms_climb_to_the_street_then_the_district(alarm, settings):
    settings.MONITORING_ESCALATION_MINUTES = {"street": 5, "district": 15}
    raised = alarm.raised_at

    assert sweeps.escalate_alarms(raised + timedelta(minutes=4)) == 0
    assert sweeps.escalate_alarms(raised + timedelta(minutes=5)) == 1
    assert sweeps.escalate_alarms(raised + timedelta(minutes=6)) == 0  # once per rung
    alarm.refresh_from_db()
    assert alarm.escalation == EscalationStep.STREET
    street = world.actor("street_officer")
    assert Notification.objects.filter(recipient=street, kind="alarm_escalated").count() == 1
    assert not Notification.objects.filter(
        recipient=world.actor("district_official"), kind="alarm_escalated"
    ).exists()

    assert sweeps.escalate_alarms(raised + timedelta(minutes=15)) == 1
    alarm.refresh_from_db()
    assert alarm.escalation == EscalationStep.DISTRICT
    assert (
        Notification.objects.filter(
            recipient=world.actor("district_official"), kind="alarm_escalated"
        ).count()
        == 1
    )
    assert not Notification.objects.filter(
        recipient=world.actor("neighbour_official"), kind="alarm_escalated"
    ).exists()
    assert AlarmEvent.objects.filter(alarm=alarm, action="escalated").count() == 2


def test_an_acknowledged_or_recovered_alarm_does_not_climb(alarm, enterprise_manager):
    services.alarm_acknowledge(by=enterprise_manager, alarm_id=alarm.pk, expected_version=None)

    assert sweeps.escalate_alarms(alarm.raised_at + timedelta(hours=1)) == 0


def test_a_silent_device_goes_offline_is_flagged_and_comes_back(db, enterprise_manager):
    tank = device()
    seen = now_ish() - timedelta(minutes=1)
    send(tank, group(seen, level=3.0), now=seen)

    assert sweeps.detect_offline(seen + timedelta(seconds=299)) == 0
    assert sweeps.detect_offline(seen + timedelta(seconds=301)) == 1
    assert sweeps.detect_offline(seen + timedelta(seconds=400)) == 0  # once
    assert Device.objects.get(pk=tank.pk).state == DeviceState.OFFLINE
    flag = QualityFlag.objects.get(device=tank, kind=QualityKind.GAP)
    assert flag.cleared_at is None
    assert Notification.objects.filter(recipient=enterprise_manager, kind="device_offline").exists()

    later = seen + timedelta(minutes=10)
    send(tank, group(later, level=3.1), now=later)
    sweeps.detect_offline(later + timedelta(seconds=1))

    assert Device.objects.get(pk=tank.pk).state == DeviceState.ONLINE
    flag.refresh_from_db()
    assert flag.cleared_at is not None


# --- pages ---------------------------------------------------------------------------------


def test_the_alarm_page_acknowledges_and_disposes(alarm, client_for):
    client = client_for(world.actor("enterprise_manager"))
    url = reverse("monitoring:alarm_detail", args=[alarm.pk])
    assert "确认报警" in client.get(url).content.decode()

    response = client.post(
        reverse("monitoring:alarm_acknowledge", args=[alarm.pk]), {"version": alarm.version}
    )
    assert response.status_code == 302
    alarm.refresh_from_db()
    bad = client.post(
        reverse("monitoring:alarm_dispose", args=[alarm.pk]),
        {"version": alarm.version, "cause": "", "note": ""},
    )
    assert bad.status_code == 422
    assert "请选择" in bad.content.decode() or "必填" in bad.content.decode()
    good = client.post(
        reverse("monitoring:alarm_dispose", args=[alarm.pk]),
        {"version": alarm.version, "cause": "maintenance", "note": "检修时误触"},
    )
    assert good.status_code == 302
    assert Alarm.objects.get(pk=alarm.pk).state == AlarmState.DISPOSED


def test_a_stale_page_gets_a_conflict_message(alarm, client_for, district_official):
    services.alarm_acknowledge(by=district_official, alarm_id=alarm.pk, expected_version=None)
    client = client_for(world.actor("enterprise_manager"))

    response = client.post(
        reverse("monitoring:alarm_dispose", args=[alarm.pk]),
        {"version": alarm.version, "cause": "real", "note": "已处理"},
    )

    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode() or "刷新" in response.content.decode()


def test_the_alarm_page_raises_a_hazard(alarm, client_for):
    client = client_for(world.actor("district_official"))

    response = client.post(reverse("monitoring:alarm_hazard", args=[alarm.pk]), {})

    alarm.refresh_from_db()
    assert response.status_code == 302 and response.url == alarm.hazard.get_absolute_url()


@pytest.mark.parametrize(
    ("name", "status"),
    [("neighbour_official", 404), ("expert", 403), ("district_official", 200), ("leader", 200)],
)
def test_alarm_pages_answer_by_scope_and_role(alarm, client_for, name, status):
    response = client_for(world.actor(name)).get(
        reverse("monitoring:alarm_detail", args=[alarm.pk])
    )
    assert response.status_code == status


def test_the_console_shows_latest_values_and_refreshes_its_live_part(alarm, client_for):
    client = client_for(world.actor("street_officer"))
    page = client.get(reverse("monitoring:console")).content.decode()
    assert "TK-101" in page and 'hx-trigger="every 5s"' in page and "9.1" in page

    live = client.get(
        reverse("monitoring:console"), headers={"HX-Request": "true", "HX-Target": "live"}
    ).content.decode()
    assert live.lstrip().startswith('<div id="live"') and "<html" not in live
    assert f'data-alarm="{alarm.pk}"' in live

    neighbour = client_for(world.actor("neighbour_official")).get(reverse("monitoring:console"))
    assert "TK-101" not in neighbour.content.decode()


def test_online_rates_by_street_industry_enterprise(db, client_for):
    t = timezone.now() - timedelta(minutes=1)
    online = device("TK-A", hazard_source=hazard_source(name="一号罐区"))
    device("TK-B", hazard_source=hazard_source(name="二号罐区"))  # never seen
    send(online, group(t, level=2.0), now=t)
    client = client_for(world.actor("district_official"))

    for by in ("street", "industry", "enterprise"):
        page = client.get(reverse("monitoring:rates"), {"by": by}).content.decode()
        assert "50.0%" in page, by


def test_dead_letters_are_for_administrators(db, client_for):
    assert (
        client_for(world.actor("admin")).get(reverse("monitoring:dead_letters")).status_code == 200
    )
    assert (
        client_for(world.actor("district_official"))
        .get(reverse("monitoring:dead_letters"))
        .status_code
        == 403
    )


def test_a_flat_line_is_flagged_and_cleared_when_the_value_moves(db):
    from anjian.monitoring.models import LatestReading, Metric

    tank = device()
    Metric.objects.filter(device_type__code="tank", code="level").update(flat_line_samples=5)
    t = now_ish() - timedelta(minutes=10)
    send(tank, *[group(t + timedelta(seconds=10 * i), level=4.2, temp=20.0 + i) for i in range(3)])
    send(tank, *[group(t + timedelta(seconds=10 * i), level=4.2) for i in range(3, 6)])

    level = LatestReading.objects.get(device=tank, metric__code="level")
    temp = LatestReading.objects.get(device=tank, metric__code="temp")
    assert (level.unchanged, temp.unchanged) == (5, 0)
    assert sweeps.detect_flat_lines() == 1
    assert sweeps.detect_flat_lines() == 0  # once
    flag = QualityFlag.objects.get(device=tank, kind=QualityKind.FLAT_LINE)
    assert flag.metric.code == "level" and "4.2" in flag.detail

    send(tank, group(t + timedelta(seconds=70), level=4.3))
    sweeps.detect_flat_lines()

    assert LatestReading.objects.get(device=tank, metric__code="level").unchanged == 0
    flag.refresh_from_db()
    assert flag.cleared_at is not None


def test_on_off_signals_never_flat_line(db):
    from anjian.monitoring.models import Metric

    assert Metric.objects.get(device_type__code="fire_panel", code="alarm").flat_line_samples == 0
    assert Metric.objects.get(device_type__code="tank", code="level").flat_line_samples == 60


def test_the_device_map_shows_located_devices_in_scope_red_when_alarmed(alarm, client_for):
    from anjian.monitoring.models import Device

    Device.objects.filter(pk=alarm.device_id).update(latitude=31.32, longitude=121.52)
    device(
        "TK-FAR",
        enterprise="hongkou_shop",
        by=world.actor("admin"),
        latitude="31.27",
        longitude="121.49",
    )
    client = client_for(world.actor("district_official"))

    assert client.get(reverse("monitoring:device_map")).status_code == 200
    data = client.get(reverse("monitoring:device_map_data")).json()

    assert data["total"] == 1
    point = data["points"][0]
    assert point[0] == alarm.device_id and point[5] is True
    mine = client.get(reverse("monitoring:device_map_data"), {"state": "offline"}).json()
    assert mine["total"] == 0


def test_the_alarm_timeline_reads_in_chinese(alarm, client_for, enterprise_manager):
    services.alarm_acknowledge(by=enterprise_manager, alarm_id=alarm.pk, expected_version=None)

    page = (
        client_for(enterprise_manager)
        .get(reverse("monitoring:alarm_detail", args=[alarm.pk]))
        .content.decode()
    )

    timeline = page.split('id="timeline"')[1].split("</ul>")[0]
    assert "报警" in timeline and "确认" in timeline
    assert "raised" not in timeline.replace('data-action="raised"', "")


def test_the_device_page_charts_each_metric_with_its_limits(alarm, client_for):
    import json

    page = (
        client_for(world.actor("district_official"))
        .get(reverse("monitoring:device_detail", args=[alarm.device_id]))
        .content.decode()
    )

    data = json.loads(page.split('id="readings-data" type="application/json">')[1].split("<")[0])
    level = next(entry for entry in data if entry["code"] == "level")
    assert [value for _ms, value in level["points"]] == [9.1]
    assert level["limits"] == [{"label": "高报（二级）", "value": 8.0}]


def test_a_pause_in_the_readings_breaks_the_chart_line(db):
    from anjian.monitoring import selectors

    tank = device()
    t = now_ish() - timedelta(hours=1)
    send(tank, group(t, level=3.0), group(t + timedelta(seconds=10), level=3.1))
    send(tank, group(t + timedelta(minutes=20), level=3.2))

    level = next(
        entry
        for entry in selectors.readings_chart(tank, selectors.recent_readings(tank))
        if entry["code"] == "level"
    )
    assert [value for _ms, value in level["points"]] == [3.0, 3.1, None, 3.2]


def test_the_alarm_ledger_exports_exactly_the_filtered_alarms_in_scope(alarm, client_for):
    from io import BytesIO

    from openpyxl import load_workbook

    response = client_for(world.actor("district_official")).get(
        reverse("monitoring:alarm_export"), {"state": "active"}
    )
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    header = rows.index(next(r for r in rows if r and "设备编码" in r))
    codes = [r[rows[header].index("设备编码")] for r in rows[header + 1 :] if r and r[1]]
    assert codes == ["TK-101"]

    neighbour = client_for(world.actor("neighbour_official")).get(
        reverse("monitoring:alarm_export")
    )
    sheet = load_workbook(BytesIO(neighbour.content)).worksheets[0]
    assert "TK-101" not in {c for row in sheet.iter_rows(values_only=True) for c in row}


class RolledBack(Exception):
    pass


def test_alarm_texts_leave_only_after_the_batch_that_raised_them_commits(
    db, caplog, django_capture_on_commit_callbacks
):
    tank = device("TK-SMS")
    threshold(tank, value=8.0)
    t = now_ish() - timedelta(minutes=1)
    caplog.set_level("INFO", logger="anjian.monitoring.alarms")
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RolledBack),
        transaction.atomic(),  # a batch that is rolled back
    ):
        send(tank, group(t, level=9.0))
        assert Alarm.objects.filter(device=tank).exists()
        raise RolledBack
    assert "ALARM NOTICE" not in caplog.text  # no text about an alarm that never existed
    assert not Alarm.objects.filter(device=tank).exists()

    with django_capture_on_commit_callbacks(execute=True):
        send(tank, group(t, level=9.0))
    assert "ALARM NOTICE" in caplog.text
    assert tank.name in caplog.text


def test_an_escalation_text_leaves_after_its_rung_is_committed(
    alarm, settings, caplog, django_capture_on_commit_callbacks
):
    settings.MONITORING_ESCALATION_MINUTES = {"street": 5, "district": 15}
    caplog.set_level("INFO", logger="anjian.monitoring.alarms")
    later = alarm.raised_at + timedelta(minutes=6)
    with django_capture_on_commit_callbacks(execute=False) as pending:
        assert sweeps.escalate_alarms(later) == 1
    assert "ALARM NOTICE" not in caplog.text  # queued for after the commit, not sent
    for callback in pending:
        callback()
    assert "ALARM NOTICE" in caplog.text


def offered(alarm, user) -> set[str]:
    return {action.name for action in ALARM.available(user, alarm)}


def test_what_is_offered_follows_the_state_the_role_and_the_alarm(alarm, enterprise_manager):
    assert offered(alarm, enterprise_manager) == {"acknowledge", "dispose", "to_hazard"}
    assert offered(alarm, world.actor("leader")) == set()
    services.alarm_dispose(
        by=enterprise_manager,
        alarm_id=alarm.pk,
        expected_version=alarm.version,
        cause="false",
        note="探头受潮，误报",
    )
    alarm.refresh_from_db()
    assert offered(alarm, enterprise_manager) == set()  # a false alarm is no hazard


def test_the_api_says_what_the_caller_may_do_now(alarm, api_client_for, enterprise_manager):
    body = api_client_for(enterprise_manager).get(f"/api/v1/monitoring/alarms/{alarm.pk}").json()
    assert {a["name"] for a in body["actions"]} == {"acknowledge", "dispose", "to_hazard"}
    leader = api_client_for(world.actor("leader")).get(f"/api/v1/monitoring/alarms/{alarm.pk}")
    assert leader.json()["actions"] == []


def test_a_second_acknowledgement_by_someone_else_is_a_conflict_naming_the_state(
    alarm, enterprise_manager, api_client_for
):
    services.alarm_acknowledge(
        by=enterprise_manager, alarm_id=alarm.pk, expected_version=alarm.version
    )
    again = services.alarm_acknowledge(by=enterprise_manager, alarm_id=alarm.pk, expected_version=1)
    assert again.state == AlarmState.ACKNOWLEDGED  # the same person's double click
    answer = api_client_for(world.actor("district_official")).post(
        f"/api/v1/monitoring/alarms/{alarm.pk}/acknowledge",
        {"version": 1},
        content_type="application/json",
    )
    assert answer.status_code == 409
    assert answer.json()["state"] == "acknowledged" and answer.json()["state_label"] == "已确认"
