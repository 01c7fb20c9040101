"""A fire alarm controller's 火警 reads as 火警 at the top grade (一级) — on the alarm list,
the alarm page, the console, the notice, the SMS text and the Excel ledger — never as
"高报（二级） 1（阈值 1）"; its 故障 reads as 故障 at the grade set for it (二级)."""

import random
import re
from datetime import timedelta
from importlib import import_module
from io import BytesIO

import pytest
from django.apps import apps
from django.urls import reverse
from openpyxl import load_workbook

from anjian.core.models import Notification
from anjian.monitoring import fixtures, ingest, selectors, services, sweeps
from anjian.monitoring.models import Alarm, Metric, Threshold
from anjian.monitoring.tests.factories import device, group, metric, now_ish, send
from testsupport import world

OLD_LABEL = "高报（二级）"


@pytest.fixture(autouse=True)
def fresh_registry():
    ingest.registry.clear()


def test_the_shipped_signals_name_what_they_mean(db):
    assert metric("fire_panel", "alarm").signal_label == "火警"
    assert metric("fire_panel", "fault").signal_label == "故障"
    assert metric("elevator", "door_open").signal_label == "运行中开门"
    assert not Metric.objects.filter(device_type__code="tank", signal_label__gt="").exists()


def install_fire_panel(code: str = "FP-101"):
    """A fire panel with the demo's limits (fixtures' kit: 火警 一级, 故障 二级)."""
    panel = device(code, kind="fire_panel", name="1号火灾报警控制器")
    kit = fixtures.KITS["fire_panel"](random.Random(1), 1)
    for limit in kit.limits:
        services.threshold_set(
            by=world.actor("district_official"),
            device_id=panel.pk,
            metric_id=metric("fire_panel", limit.metric).pk,
            level=limit.level,
            value=limit.value,
            hysteresis=limit.hysteresis,
            min_duration_seconds=limit.seconds,
        )
    return panel


@pytest.fixture
def fire(db, enterprise_manager, django_capture_on_commit_callbacks, caplog):
    services.duty_person_set(
        by=world.actor("district_official"),
        enterprise=world.enterprise("yinhang_chemical"),
        user=enterprise_manager,
        phone="13800000002",
    )
    panel = install_fire_panel()
    caplog.set_level("INFO", logger="anjian.monitoring.alarms")
    with django_capture_on_commit_callbacks(execute=True):
        send(panel, group(now_ish() - timedelta(minutes=1), alarm=1, fault=0))
    return Alarm.objects.select_related("metric", "device").get(device=panel)


def test_a_fire_signal_is_a_first_grade_alarm_reading_fire(fire):
    assert fire.grade == 1 and fire.colour == "red"
    assert fire.level_label == "火警（一级）"
    assert fire.reading_text == "火警"
    assert str(fire) == "1号火灾报警控制器（FP-101） 火警（一级） 火警"


def test_the_notice_and_the_text_say_fire(fire, enterprise_manager, caplog):
    notice = Notification.objects.get(recipient=enterprise_manager, kind="alarm_raised")
    assert notice.title == "监测报警：1号火灾报警控制器 火警（一级）"
    assert notice.body.startswith("火警。")
    texts = "\n".join(record.getMessage() for record in caplog.get_records("setup"))
    assert "1号火灾报警控制器 火警（一级） — 火警 /monitoring/alarms/" in texts
    assert OLD_LABEL not in notice.title + notice.body + texts
    assert "阈值" not in notice.body


def test_the_pages_say_fire_at_the_top_grade(fire, client_for):
    client = client_for(world.actor("district_official"))
    listing = client.get(reverse("monitoring:alarm_list")).content.decode()
    page = client.get(reverse("monitoring:alarm_detail", args=[fire.pk])).content.decode()
    console = client.get(reverse("monitoring:console")).content.decode()
    for name, html in {"list": listing, "page": page, "console": console}.items():
        html = re.sub(r"<option[^>]*>[^<]*</option>", "", html)  # the filter's choices
        assert re.search(r'bg-red text-red-fg[^"]*" data-grade="1">火警（一级）<', html), name
        assert OLD_LABEL not in html and "（阈值 1" not in html, name


def test_an_unacknowledged_fire_climbs_as_fire(fire, settings):
    settings.MONITORING_ESCALATION_MINUTES = {"street": 5, "district": 15}
    assert sweeps.escalate_alarms(fire.raised_at + timedelta(minutes=6)) == 1
    notice = Notification.objects.filter(kind="alarm_escalated").first()
    assert notice.body == "火警（一级），5 分钟内无人确认。"


def test_the_console_announces_it_as_fire(fire):
    [entry] = selectors.console_alarm_feed(world.actor("district_official"))
    assert entry["title"] == "火警：1号火灾报警控制器"
    assert entry["body"].endswith("· 火警")


def test_the_ledger_says_fire(fire, client_for):
    response = client_for(world.actor("district_official")).get(reverse("monitoring:alarm_export"))
    rows = list(load_workbook(BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    header = next(r for r in rows if r and "报警值" in r)
    cell = dict(zip(header, rows[rows.index(header) + 1], strict=True))
    assert cell["级别"] == "火警（一级）" and cell["报警值"] == "火警"
    assert cell["阈值"] in ("", None)


def test_a_fault_reads_as_fault_at_the_second_grade(db, client_for):
    panel = install_fire_panel("FP-102")
    send(panel, group(now_ish() - timedelta(minutes=2), alarm=0, fault=1))
    send(panel, group(now_ish() - timedelta(seconds=30), alarm=0, fault=1))
    fault = Alarm.objects.get(device=panel)
    assert (fault.level_label, fault.reading_text, fault.colour) == (
        "故障（二级）",
        "故障",
        "orange",
    )
    page = client_for(world.actor("district_official")).get(
        reverse("monitoring:alarm_detail", args=[fault.pk])
    )
    assert "故障（二级）" in page.content.decode()
    assert selectors.console_alarm_feed(world.actor("district_official")) == []


def test_the_migration_moves_fire_limits_set_at_the_second_grade_to_the_first(db):
    migration = import_module("anjian.monitoring.migrations.0007_metric_precision_and_signals")
    panel = device("FP-103", kind="fire_panel")
    fire_limit = Threshold.objects.create(
        device=panel, metric=metric("fire_panel", "alarm"), level="high", value=1
    )
    fault_limit = Threshold.objects.create(
        device=panel, metric=metric("fire_panel", "fault"), level="high", value=1
    )
    migration.fire_is_first_grade(apps, None)
    fire_limit.refresh_from_db()
    fault_limit.refresh_from_db()
    assert (fire_limit.level, fault_limit.level) == ("high_high", "high")
