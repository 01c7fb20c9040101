"""The MQTT path on a real broker (Mosquitto on 127.0.0.1:1883, started if not running):
publish → stored → alarm → notification; a worker that dies before acknowledging loses
nothing and stores nothing twice when the broker delivers again."""

import json
import socket
import subprocess
import time
import uuid
from datetime import timedelta

import paho.mqtt.client as mqtt
import pytest

from anjian.core.models import Notification
from anjian.core.testing import world
from anjian.monitoring import ingest
from anjian.monitoring.choices import RejectReason
from anjian.monitoring.models import Alarm, DeadLetter, Reading
from anjian.monitoring.mqtt import Worker
from anjian.monitoring.tests.factories import device, group, now_ish, payload, threshold, topic

BROKER = "mqtt://127.0.0.1:1883"


def _listening() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 1883), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def broker():
    if not _listening():
        subprocess.run(
            ["mosquitto", "-d", "-c", "/etc/mosquitto/mosquitto.conf"], check=False, timeout=10
        )
        deadline = time.monotonic() + 10
        while not _listening() and time.monotonic() < deadline:
            time.sleep(0.2)
    if not _listening():
        pytest.fail("Mosquitto does not answer on 127.0.0.1:1883 and could not be started")
    return BROKER


@pytest.fixture(autouse=True)
def fresh_registry():
    ingest.registry.clear()


def publisher():
    client = mqtt.Client(
        callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
        client_id=f"pytest-pub-{uuid.uuid4().hex[:8]}",
        protocol=mqtt.MQTTv5,
    )
    client.connect("127.0.0.1", 1883)
    client.loop_start()
    return client


def publish(client, dev, *groups) -> None:
    info = client.publish(topic(dev), payload(*groups), qos=1)
    info.wait_for_publish(timeout=5)


def worker(client_id=None, group_name=None) -> Worker:
    return Worker(
        BROKER,
        client_id=client_id or f"pytest-{uuid.uuid4().hex[:10]}",
        group=group_name or f"pytest-{uuid.uuid4().hex[:8]}",
        batch_size=100,
        linger=0.3,
    )


def ours(dev):
    return Reading.objects.filter(device=dev)


def test_published_readings_are_stored_and_raise_an_alarm_end_to_end(broker, db):
    tank = device(f"MQ-{uuid.uuid4().hex[:6]}")
    threshold(tank, value=8.0)
    consumer = worker()
    consumer.start()
    sender = publisher()
    t = now_ish() - timedelta(minutes=1)
    try:
        publish(sender, tank, group(t, level=3.0, temp=20.0))
        publish(sender, tank, group(t + timedelta(seconds=10), level=8.8))
        publish(sender, tank, group(t + timedelta(seconds=20), level=9.0, colour=1))
        consumer.run(max_messages=3, idle_timeout=10)
    finally:
        sender.loop_stop()
        sender.disconnect()
        consumer.stop(end_session=True)

    assert ours(tank).count() == 4
    assert (
        DeadLetter.objects.filter(device_code=tank.code, reason=RejectReason.UNKNOWN_METRIC).count()
        == 1
    )
    alarm = Alarm.objects.get(device=tank)
    assert alarm.value == 8.8
    assert Notification.objects.filter(
        recipient=world.actor("enterprise_manager"),
        kind="alarm_raised",
        url=alarm.get_absolute_url(),
    ).exists()


def test_a_malformed_message_is_dead_lettered_and_acknowledged(broker, db):
    tank = device(f"MQ-{uuid.uuid4().hex[:6]}")
    consumer = worker()
    consumer.start()
    sender = publisher()
    try:
        sender.publish(topic(tank), b"{broken", qos=1).wait_for_publish(timeout=5)
        consumer.run(max_messages=1, idle_timeout=10)
    finally:
        sender.loop_stop()
        sender.disconnect()
        consumer.stop(end_session=True)

    letter = DeadLetter.objects.get(topic=topic(tank))
    assert letter.reason == RejectReason.MALFORMED and letter.payload == "{broken"


def test_a_worker_that_dies_before_acknowledging_loses_nothing_and_duplicates_nothing(broker, db):
    tank = device(f"MQ-{uuid.uuid4().hex[:6]}")
    client_id, group_name = f"pytest-crash-{uuid.uuid4().hex[:8]}", f"pytest-{uuid.uuid4().hex[:8]}"
    t = now_ish() - timedelta(minutes=5)
    first = worker(client_id, group_name)
    first.start()
    sender = publisher()
    try:
        for i in range(5):
            publish(sender, tank, group(t + timedelta(seconds=10 * i), level=1.0 + i, temp=20.0))
        # The first worker stores its batch … and dies before it acknowledges anything:
        # no DISCONNECT, the socket just goes away.
        batch = []
        deadline = time.monotonic() + 10
        while len(batch) < 5 and time.monotonic() < deadline:
            batch += first._collect(wait=0.5)
        assert len(batch) == 5
        ingest.accept([ingest.Message("mqtt", item.topic, item.payload) for item in batch])
        first.client.loop_stop()
        first.client.socket().close()
        assert ours(tank).count() == 10

        # Meanwhile more readings arrive.
        for i in range(5, 8):
            publish(sender, tank, group(t + timedelta(seconds=10 * i), level=1.0 + i, temp=20.0))

        second = worker(client_id, group_name)  # the same session, resumed
        second.start()
        try:
            second.run(max_messages=8, idle_timeout=10)
        finally:
            second.stop(end_session=True)
    finally:
        sender.loop_stop()
        sender.disconnect()

    assert second.stats.messages == 8  # the 5 unacknowledged again, and the 3 new ones
    assert ours(tank).count() == 16  # 8 readings × 2 metrics, each once
    assert sorted(ours(tank).filter(metric__code="level").values_list("value", flat=True)) == [
        float(v) for v in range(1, 9)
    ]
    assert (
        DeadLetter.objects.filter(device_code=tank.code, reason=RejectReason.DUPLICATE).count()
        == 10
    )
    assert json.loads(DeadLetter.objects.filter(device_code=tank.code).first().payload)["value"]
