"""实时监测 announces new 一级 alarms: each refresh of the live part carries the
unacknowledged first-grade alarms in scope; the page's script (static/monitoring/js/
console.js) plays the shipped sound and shows a browser notice for an id it had not seen at
the previous refresh. Here: the data each refresh carries, from one poll to the next."""

import json
import re
import wave
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from django.urls import reverse

from anjian.monitoring import ingest, selectors, services, sound
from anjian.monitoring.models import Alarm
from anjian.monitoring.tests.factories import device, group, now_ish, send, threshold
from testsupport import world

STATIC = Path(__file__).resolve().parent.parent / "static" / "monitoring"
LIVE = {"HX-Request": "true", "HX-Target": "live"}


@pytest.fixture(autouse=True)
def fresh_registry():
    ingest.registry.clear()


def poll(client) -> list[dict]:
    """One refresh of the console's live part, as the page's script reads it."""
    live = client.get(reverse("monitoring:console"), headers=LIVE).content.decode()
    assert live.lstrip().startswith('<div id="live"')
    return json.loads(live.split('id="alarm-feed" type="application/json">')[1].split("<")[0])


def new_since(before: list[dict], after: list[dict]) -> list[dict]:
    """What console.js announces: the alarms of this refresh the previous one had not."""
    seen = {alarm["id"] for alarm in before}
    return [alarm for alarm in after if alarm["id"] not in seen]


@pytest.fixture
def tank(db):
    tank = device()
    threshold(tank, level="high", value=8.0)
    threshold(tank, level="high_high", value=9.0)
    return tank


def test_a_new_first_grade_alarm_is_in_the_next_refresh_and_new_to_it(tank, client_for):
    client = client_for(world.actor("street_officer"))
    first = poll(client)
    assert first == []

    send(tank, group(now_ish() - timedelta(minutes=1), level=9.456))
    second = poll(client)
    alarm = Alarm.objects.get(device=tank, level="high_high")
    assert new_since(first, second) == [
        {
            "id": alarm.pk,
            "title": "一级报警：TK-101 储罐",
            "body": f"{alarm.enterprise.name} · 液位 9.46 m（阈值 9.00 m）",
            "url": reverse("monitoring:alarm_detail", args=[alarm.pk]),
        }
    ]
    assert new_since(second, poll(client)) == []  # announced once


def test_second_grade_acknowledged_and_outside_alarms_are_not_announced(tank, client_for):
    send(tank, group(now_ish() - timedelta(minutes=1), level=8.5))  # 二级 only
    assert Alarm.objects.filter(device=tank, level="high").exists()
    assert selectors.console_alarm_feed(world.actor("street_officer")) == []

    send(tank, group(now_ish() - timedelta(seconds=30), level=9.5))
    first_grade = Alarm.objects.get(device=tank, level="high_high")
    assert [a["id"] for a in selectors.console_alarm_feed(world.actor("street_officer"))] == [
        first_grade.pk
    ]
    assert selectors.console_alarm_feed(world.actor("neighbour_official")) == []
    services.alarm_acknowledge(
        by=world.actor("enterprise_manager"),
        alarm_id=first_grade.pk,
        expected_version=first_grade.version,
    )
    assert poll(client_for(world.actor("street_officer"))) == []


def test_the_page_offers_sound_notices_and_mute_without_inline_script(tank, client_for):
    page = (
        client_for(world.actor("street_officer"))
        .get(reverse("monitoring:console"))
        .content.decode()
    )
    panel = page.split('id="alarm-alerts"')[1].split("</div>")[0]
    assert re.search(r'data-sound="/static/monitoring/sound/alarm[.\w]*\.wav"', panel)
    assert 'id="alarm-sound"' in panel and 'id="alarm-notify"' in panel
    assert re.search(r'<script src="/static/monitoring/js/console[.\w]*\.js"></script>', page)
    for tag in re.findall(r"<script[^>]*>", page):  # strict CSP: data or files, never code
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert " style=" not in page and "onclick" not in page


def test_the_script_asks_on_a_click_and_keeps_the_mute_in_local_storage():
    script = (STATIC / "js" / "console.js").read_text()
    click = script.split('notifyButton.addEventListener("click"')[1].split("});")[0]
    assert "Notification.requestPermission()" in click
    assert script.count("requestPermission") == 1  # never asked without a click
    assert "localStorage.setItem(MUTED" in script and "localStorage.getItem(MUTED" in script
    assert "htmx:afterSettle" in script


def test_the_shipped_sound_is_a_short_wav_made_by_the_generator():
    shipped = (STATIC / "sound" / "alarm.wav").read_bytes()
    with wave.open(BytesIO(shipped)) as audio:
        assert (audio.getnchannels(), audio.getsampwidth()) == (1, 2)
        assert 0.5 < audio.getnframes() / audio.getframerate() < 2
    assert shipped == sound.wav()
