"""The alarm page: who is on duty for the enterprise (with a phone to call), and the
alarmed metric's readings from two hours before the alarm to one hour after (or now),
with the limit it crossed, for the chart."""

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from anjian.monitoring import ingest, selectors, services
from anjian.monitoring.models import Alarm, Reading
from anjian.monitoring.tests.factories import device, metric, threshold
from testsupport import world


@pytest.fixture(autouse=True)
def fresh_registry():
    ingest.registry.clear()


def raise_alarm(tank, raised_at, *, value=9.5, limit=8.0):
    limit_row = threshold(tank, value=limit)
    return Alarm.objects.create(
        device=tank,
        metric=limit_row.metric,
        threshold=limit_row,
        enterprise=tank.enterprise,
        scope_region_code=tank.scope_region_code,
        industry_id=tank.industry_id,
        level=limit_row.level,
        limit=limit,
        value=value,
        peak=value,
        breach_since=raised_at,
        raised_at=raised_at,
    )


def readings(tank, code: str, *pairs):
    measured = metric("tank", code)
    Reading.objects.bulk_create(
        [Reading(device=tank, metric=measured, ts=ts, value=value) for ts, value in pairs]
    )


def chart_on(page: str) -> list[dict]:
    return json.loads(page.split('id="readings-data" type="application/json">')[1].split("<")[0])


def test_it_names_the_duty_persons_with_their_phones(db, client_for, enterprise_manager):
    tank = device()
    services.duty_person_set(
        by=world.actor("district_official"),
        enterprise=world.enterprise("yinhang_chemical"),
        user=enterprise_manager,
        phone="13912345678",
    )
    alarm = raise_alarm(tank, timezone.now() - timedelta(minutes=5))
    page = (
        client_for(world.actor("district_official"))
        .get(reverse("monitoring:alarm_detail", args=[alarm.pk]))
        .content.decode()
    )
    duty = page.split('id="duty-persons"')[1].split("</div></div>")[0]
    assert enterprise_manager.name in duty or enterprise_manager.username in duty
    assert 'href="tel:13912345678"' in duty


def test_off_duty_persons_are_not_shown(db, client_for, enterprise_manager):
    tank = device()
    services.duty_person_set(
        by=world.actor("district_official"),
        enterprise=world.enterprise("yinhang_chemical"),
        user=enterprise_manager,
        phone="13912345678",
        is_active=False,
    )
    alarm = raise_alarm(tank, timezone.now() - timedelta(minutes=5))
    page = (
        client_for(world.actor("district_official"))
        .get(reverse("monitoring:alarm_detail", args=[alarm.pk]))
        .content.decode()
    )
    assert "13912345678" not in page and "未设置在岗值班人员" in page


def test_the_chart_shows_two_hours_before_to_one_hour_after(db, client_for):
    tank = device()
    at = (timezone.now() - timedelta(hours=4)).replace(microsecond=0)
    readings(
        tank,
        "level",
        (at - timedelta(hours=2, minutes=1), 1.0),  # before the window
        (at - timedelta(hours=1), 7.5),
        (at - timedelta(seconds=10), 8.4),
        (at, 9.5),
        (at + timedelta(minutes=59), 7.9),
        (at + timedelta(hours=1, minutes=1), 6.0),  # after it
    )
    readings(tank, "temp", (at, 30.0))  # another metric of the device: not this chart
    alarm = raise_alarm(tank, at)

    page = (
        client_for(world.actor("district_official"))
        .get(reverse("monitoring:alarm_detail", args=[alarm.pk]))
        .content.decode()
    )
    [chart] = chart_on(page)
    assert chart["code"] == "level" and chart["decimals"] == 2
    values = [value for _ms, value in chart["points"] if value is not None]
    assert values == [7.5, 8.4, 9.5, 7.9]
    assert {"label": "高报（二级）", "value": 8.0} in chart["limits"]
    at_ms = int(at.timestamp() * 1000)
    assert chart["marks"] == [{"label": "报警", "at": at_ms}]
    assert chart["window"] == [at_ms - 2 * 3600_000, at_ms + 3600_000]
    assert re.search(r'<script src="/static/vendor/echarts/echarts\.min[.\w]*\.js">', page)
    assert re.search(r'<script src="/static/monitoring/js/readings[.\w]*\.js">', page)


def test_a_recent_alarm_is_charted_until_now(db):
    tank = device()
    at = timezone.now() - timedelta(minutes=10)
    readings(tank, "level", (at, 9.5), (at + timedelta(seconds=10), 9.6))
    alarm = raise_alarm(tank, at)
    now = timezone.now()
    chart = selectors.alarm_chart(alarm, now=now)
    assert chart["window"][1] == int(now.timestamp() * 1000)
    assert [v for _ms, v in chart["points"]] == [9.5, 9.6]


def test_the_limit_crossed_is_drawn_even_if_changed_since(db):
    tank = device()
    at = timezone.now() - timedelta(minutes=10)
    alarm = raise_alarm(tank, at, limit=8.0)
    threshold(tank, value=8.5)  # raised since
    limits = selectors.alarm_chart(alarm)["limits"]
    assert {"label": "高报（二级）", "value": 8.5} in limits
    assert {"label": "高报（二级）（报警时）", "value": 8.0} in limits


def test_a_recovery_is_marked(db):
    tank = device()
    at = timezone.now() - timedelta(minutes=30)
    alarm = raise_alarm(tank, at)
    services.alarm_recover(alarm.pk, at + timedelta(minutes=5), 7.0)
    alarm.refresh_from_db()
    marks = selectors.alarm_chart(alarm)["marks"]
    assert [m["label"] for m in marks] == ["报警", "恢复"]


def test_a_dense_series_is_thinned_but_keeps_its_peak(db):
    tank = device()
    at = (timezone.now() - timedelta(hours=3)).replace(microsecond=0)
    start = at - timedelta(hours=2)
    pairs = [(start + timedelta(seconds=i), 5.0 + (i % 7) / 100) for i in range(0, 3 * 3600, 2)]
    pairs[2700] = (pairs[2700][0], 12.34)  # the peak
    readings(tank, "level", *pairs)
    alarm = raise_alarm(tank, at)
    points = selectors.alarm_chart(alarm)["points"]
    assert len(points) <= selectors.ALARM_CHART_POINTS + 1
    assert 12.34 in [v for _ms, v in points]
