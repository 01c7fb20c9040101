"""报警处置: filters by level, street, enterprise, device type and date (the export honours
the same filters), levels in their colours, cards on a phone, and 批量确认 — each alarm
through the lifecycle at the version the list showed, conflicts named, the rest done."""

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from anjian.core.exceptions import NotPermitted
from anjian.monitoring import ingest, services, sweeps
from anjian.monitoring.choices import AlarmState
from anjian.monitoring.models import Alarm, AlarmEvent, Threshold
from anjian.monitoring.tests.factories import device, metric
from testsupport import world


@pytest.fixture(autouse=True)
def fresh_registry():
    ingest.registry.clear()


def make_alarm(dev, *, level="high", code="level", value=9.0, limit=8.0, raised_at=None):
    """An active alarm of ``dev`` on one of its limits, made directly (list behaviour)."""
    raised_at = raised_at or timezone.now() - timedelta(seconds=1)
    measured = metric(dev.device_type.code, code)
    limit_row, _created = Threshold.objects.get_or_create(
        device=dev, metric=measured, level=level, defaults={"value": limit}
    )
    return Alarm.objects.create(
        device=dev,
        metric=measured,
        threshold=limit_row,
        enterprise=dev.enterprise,
        scope_region_code=dev.scope_region_code,
        industry_id=dev.industry_id,
        level=level,
        limit=limit,
        value=value,
        peak=value,
        breach_since=raised_at,
        raised_at=raised_at,
    )


@pytest.fixture
def alarms(db):
    """一级 today at 殷行 (a tank), 二级 today at 平凉 (a tank), 二级 three days ago at 殷行
    (a gas detector of another enterprise)."""
    return {
        "first": make_alarm(device("TK-A"), level="high_high", value=9.6, limit=9.2),
        "second": make_alarm(device("TK-B", enterprise="pingliang_factory")),
        "gas": make_alarm(
            device("GL-C", kind="gas_lel", enterprise="yinhang_site"),
            code="lel",
            value=31.0,
            limit=25.0,
            raised_at=timezone.now() - timedelta(days=3),
        ),
    }


def listed(client, **params) -> list[int]:
    page = client.get(reverse("monitoring:alarm_list"), params).content.decode()
    return [int(pk) for pk in re.findall(r'<tr[^>]*data-alarm="(\d+)"', page)]


def exported(client, **params) -> list[str]:
    response = client.get(reverse("monitoring:alarm_export"), params)
    rows = list(load_workbook(BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    header = next(r for r in rows if r and "设备编码" in r)
    column = header.index("设备编码")
    return sorted(r[column] for r in rows[rows.index(header) + 1 :] if r and r[column])


def today() -> str:
    return timezone.localdate().isoformat()


def test_each_filter_narrows_the_list_and_the_export_the_same_way(alarms, client_for):
    client = client_for(world.actor("district_official"))
    first, second, gas = alarms["first"].pk, alarms["second"].pk, alarms["gas"].pk
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    cases = [
        ({}, {first, second, gas}),
        ({"level": "1"}, {first}),
        ({"level": "2"}, {second, gas}),
        ({"level": "high_high"}, {first}),
        ({"street": world.YINHANG}, {first, gas}),
        ({"street": world.PINGLIANG}, {second}),
        ({"enterprise": str(world.enterprise("pingliang_factory").pk)}, {second}),
        ({"device_type": "gas_lel"}, {gas}),
        ({"date_from": today()}, {first, second}),
        ({"date_to": yesterday}, {gas}),
        ({"street": world.YINHANG, "level": "2"}, {gas}),
        ({"q": "TK-B"}, {second}),
    ]
    codes = {a.pk: a.device.code for a in alarms.values()}
    for params, expected in cases:
        assert set(listed(client, **params)) == expected, params
        assert exported(client, **params) == sorted(codes[pk] for pk in expected), params


def test_the_list_shows_open_alarms_unless_another_state_is_asked_for(alarms, client_for):
    alarm = alarms["second"]
    services.alarm_dispose(
        by=world.actor("district_official"),
        alarm_id=alarm.pk,
        expected_version=alarm.version,
        cause="false",
        note="探头受潮",
    )
    client = client_for(world.actor("district_official"))
    assert alarm.pk not in listed(client)
    assert listed(client, state="disposed") == [alarm.pk]
    assert alarm.pk in listed(client, state="all")
    assert alarm.pk not in listed(client, state="active")


def test_the_filters_stay_inside_the_scope(alarms, client_for):
    client = client_for(world.actor("street_officer"))  # 殷行 only
    mine = {alarms["first"].pk, alarms["gas"].pk}
    assert set(listed(client)) == mine
    # Another street or enterprise is no choice of theirs: nothing outside comes through.
    assert set(listed(client, street=world.PINGLIANG)) <= mine
    pingliang = str(world.enterprise("pingliang_factory").pk)
    assert "TK-B" not in exported(client, enterprise=pingliang)


def test_levels_are_coloured_first_red_second_orange(alarms, client_for):
    page = client_for(world.actor("district_official")).get(reverse("monitoring:alarm_list"))
    html = page.content.decode()
    assert 'bg-red text-red-fg" data-grade="1">高高报（一级）<' in html
    assert 'bg-orange text-orange-fg" data-grade="2">高报（二级）<' in html


def test_on_a_phone_each_alarm_is_a_card_with_its_tick_box(alarms, client_for):
    html = (
        client_for(world.actor("enterprise_manager"))
        .get(reverse("monitoring:alarm_list"))
        .content.decode()
    )
    assert html.count("data-card>") == 1  # the manager's enterprise has one alarm
    card = html.split("data-card>")[1].split("</dl>")[0]
    assert "高高报（一级）" in card and 'name="alarm"' in card
    # One box in the card, one in the table row: both belong to the batch form.
    assert html.count(f'value="{alarms["first"].pk}:{alarms["first"].version}"') == 2
    assert 'form="alarm-batch"' in html and 'id="alarm-batch"' in html


def test_who_cannot_handle_alarms_gets_no_tick_boxes(alarms, client_for):
    html = client_for(world.actor("leader")).get(reverse("monitoring:alarm_list")).content.decode()
    assert 'name="alarm"' not in html and 'id="alarm-batch"' not in html


# --- 批量确认 ----------------------------------------------------------------------------------


def ticked(client, **params) -> list[str]:
    page = client.get(reverse("monitoring:alarm_list"), params).content.decode()
    return sorted(set(re.findall(r'name="alarm" value="(\d+:\d+)"', page)))


def test_a_batch_acknowledges_all_but_the_one_someone_else_changed(alarms, client_for):
    official = world.actor("district_official")
    client = client_for(official)
    boxes = ticked(client)
    assert len(boxes) == 3
    # Meanwhile the street officer acknowledges the gas alarm the official is looking at.
    gas = alarms["gas"]
    services.alarm_acknowledge(
        by=world.actor("street_officer"), alarm_id=gas.pk, expected_version=gas.version
    )

    response = client.post(
        reverse("monitoring:alarm_acknowledge_batch"),
        {"alarm": boxes, "note": "已电话通知企业", "query": "level=&street="},
        follow=True,
    )

    assert response.redirect_chain[-1][0].startswith(reverse("monitoring:alarm_list") + "?")
    page = response.content.decode()
    assert "已确认 2 条报警。" in page
    assert "1 条报警在您查看后已有变化" in page
    assert f"{gas.device.name} 可燃气体浓度（现为“已确认”）" in page
    states = {a.pk: a for a in Alarm.objects.all()}
    for name in ("first", "second"):
        alarm = states[alarms[name].pk]
        assert alarm.state == AlarmState.ACKNOWLEDGED and alarm.acknowledged_by == official
    assert states[gas.pk].acknowledged_by == world.actor("street_officer")
    records = AlarmEvent.objects.filter(action="acknowledge", by=official)
    assert sorted(records.values_list("alarm_id", flat=True)) == sorted(
        [alarms["first"].pk, alarms["second"].pk]
    )
    assert set(records.values_list("reason", flat=True)) == {"已电话通知企业"}


def test_an_alarm_escalated_since_the_list_was_read_is_a_conflict_too(alarms, settings):
    settings.MONITORING_ESCALATION_MINUTES = {"street": 1, "district": 60}
    first = alarms["first"]
    later = first.raised_at + timedelta(minutes=2)
    assert sweeps.escalate_alarms(later) >= 1  # the version moves, the state does not
    outcome = services.alarm_acknowledge_batch(
        by=world.actor("district_official"), items=[(first.pk, first.version)]
    )
    assert outcome.acknowledged == [] and [a.pk for a, _r in outcome.conflicts] == [first.pk]
    assert Alarm.objects.get(pk=first.pk).state == AlarmState.ACTIVE


def test_a_double_submit_of_the_same_batch_changes_nothing_more(alarms):
    official = world.actor("district_official")
    items = [(a.pk, a.version) for a in alarms.values()]
    services.alarm_acknowledge_batch(by=official, items=items)
    again = services.alarm_acknowledge_batch(by=official, items=items)
    assert len(again.acknowledged) == 3 and again.conflicts == []
    assert AlarmEvent.objects.filter(action="acknowledge").count() == 3


def test_alarms_outside_the_scope_are_not_found_and_untouched(alarms):
    shop = make_alarm(device("TK-HK", enterprise="hongkou_shop", by=world.actor("admin")))
    outcome = services.alarm_acknowledge_batch(
        by=world.actor("district_official"),
        items=[(shop.pk, shop.version), (alarms["first"].pk, alarms["first"].version)],
    )
    assert outcome.missing == [shop.pk] and len(outcome.acknowledged) == 1
    assert Alarm.objects.get(pk=shop.pk).state == AlarmState.ACTIVE


def test_a_role_that_cannot_handle_alarms_is_refused(alarms, client_for):
    first = alarms["first"]
    with pytest.raises(NotPermitted):
        services.alarm_acknowledge_batch(by=world.actor("leader"), items=[(first.pk, 1)])
    response = client_for(world.actor("leader")).post(
        reverse("monitoring:alarm_acknowledge_batch"), {"alarm": [f"{first.pk}:1"]}
    )
    assert response.status_code == 403


def test_nothing_ticked_is_said_plainly(alarms, client_for):
    response = client_for(world.actor("district_official")).post(
        reverse("monitoring:alarm_acknowledge_batch"), {"query": "state=open"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("monitoring:alarm_list") + "?state=open"
    assert "请先勾选要确认的报警" in response.content.decode()
    assert not Alarm.objects.filter(state=AlarmState.ACKNOWLEDGED).exists()


def test_the_way_back_is_only_ever_the_list(alarms, client_for):
    response = client_for(world.actor("district_official")).post(
        reverse("monitoring:alarm_acknowledge_batch"),
        {"alarm": [f"{alarms['first'].pk}:1"], "query": "//evil.example/?x=1"},
    )
    assert response["Location"].startswith(reverse("monitoring:alarm_list") + "?")
