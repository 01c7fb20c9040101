"""The Mosquitto path (the development option) on a real broker of the test's own,
configured by deploy/mosquitto/anjian.conf with logins and ACL written from the registry:
publish → stored → alarm → notification; a worker that dies before acknowledging loses
nothing and stores nothing twice when the broker delivers again; anonymous and unknown
clients are refused and a device cannot publish under another device's topic."""

import json
import time
import uuid
from contextlib import suppress
from datetime import timedelta

import pytest

from anjian.core.models import Notification
from anjian.monitoring import broker, ingest
from anjian.monitoring.choices import RejectReason
from anjian.monitoring.models import Alarm, DeadLetter, Reading
from anjian.monitoring.mqtt import Worker
from anjian.monitoring.tests.factories import (
    device_with_token,
    group,
    now_ish,
    payload,
    threshold,
    topic,
)
from testsupport import world
from testsupport.brokers import (
    mqtt_client,
)

pytestmark = pytest.mark.usefixtures("ingest_account")


TOKENS: dict[str, str] = {}


def device(code, server):
    """A device registered through the services, with its login on the broker."""
    found, token = device_with_token(code)
    TOKENS[found.code] = token
    broker.write_auth("mosquitto", server.auth_dir)
    server.reload()
    return found


def publisher(server, dev):
    client, reason = mqtt_client(
        server.mqtt_port, dev.code, TOKENS[dev.code], client_id=f"pytest-{uuid.uuid4().hex[:8]}"
    )
    assert reason is not None and not reason.is_failure, reason
    return client


def publish(client, dev, *groups) -> None:
    info = client.publish(topic(dev), payload(*groups), qos=1)
    info.wait_for_publish(timeout=5)


def worker(server, client_id=None, group_name=None) -> Worker:
    return Worker(
        server.url,
        client_id=client_id or f"pytest-{uuid.uuid4().hex[:10]}",
        group=group_name or f"pytest-{uuid.uuid4().hex[:8]}",
        batch_size=100,
        linger=0.3,
    )


def ours(dev):
    return Reading.objects.filter(device=dev)


def test_published_readings_are_stored_and_raise_an_alarm_end_to_end(mosquitto, db):
    tank = device(f"MQ-{uuid.uuid4().hex[:6]}", mosquitto)
    threshold(tank, value=8.0)
    consumer = worker(mosquitto)
    consumer.start()
    sender = publisher(mosquitto, tank)
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


def test_a_malformed_message_is_dead_lettered_and_acknowledged(mosquitto, db):
    tank = device(f"MQ-{uuid.uuid4().hex[:6]}", mosquitto)
    consumer = worker(mosquitto)
    consumer.start()
    sender = publisher(mosquitto, tank)
    try:
        sender.publish(topic(tank), b"{broken", qos=1).wait_for_publish(timeout=5)
        consumer.run(max_messages=1, idle_timeout=10)
    finally:
        sender.loop_stop()
        sender.disconnect()
        consumer.stop(end_session=True)

    letter = DeadLetter.objects.get(topic=topic(tank))
    assert letter.reason == RejectReason.MALFORMED and letter.payload == "{broken"


def test_a_worker_that_dies_before_acknowledging_loses_nothing_and_duplicates_nothing(
    mosquitto, db
):
    tank = device(f"MQ-{uuid.uuid4().hex[:6]}", mosquitto)
    client_id, group_name = f"pytest-crash-{uuid.uuid4().hex[:8]}", f"pytest-{uuid.uuid4().hex[:8]}"
    t = now_ish() - timedelta(minutes=5)
    first = worker(mosquitto, client_id, group_name)
    first.start()
    sender = publisher(mosquitto, tank)
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

        second = worker(mosquitto, client_id, group_name)  # the same session, resumed
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


def test_anonymous_and_unknown_clients_are_refused(mosquitto, db):
    tank = device(f"MQ-{uuid.uuid4().hex[:6]}", mosquitto)
    for username, password in [("", ""), ("nobody", "x"), (tank.code, "dv_wrong")]:
        client, reason = mqtt_client(
            mosquitto.mqtt_port, username, password, client_id=f"pytest-{uuid.uuid4().hex[:8]}"
        )
        client.loop_stop()
        assert reason is None or reason.is_failure, (username, reason)


def test_a_device_cannot_publish_under_another_devices_topic(mosquitto, db):
    tank = device(f"MQ-{uuid.uuid4().hex[:6]}", mosquitto)
    victim = device(f"MQ-{uuid.uuid4().hex[:6]}", mosquitto)
    consumer = worker(mosquitto)
    consumer.start()
    t = now_ish() - timedelta(minutes=1)
    try:
        # Mosquitto drops the publish, or drops the connection with it (MQTT 3.1.1 has no
        # refusal): either way nothing reaches the workers.
        intruder = publisher(mosquitto, tank)
        with suppress(RuntimeError, ValueError):
            intruder.publish(topic(victim), payload(group(t, level=9.9)), qos=1).wait_for_publish(5)
        intruder.loop_stop()
        intruder.disconnect()
        sender = publisher(mosquitto, tank)
        publish(sender, tank, group(t, level=1.0))  # its own topic: delivered
        sender.loop_stop()
        sender.disconnect()
        consumer.run(max_messages=1, idle_timeout=5)
        consumer.run(max_messages=2, idle_timeout=2)  # nothing more comes
    finally:
        consumer.stop(end_session=True)
    assert consumer.stats.messages == 1
    assert not Reading.objects.filter(device=victim).exists()
    assert Reading.objects.filter(device=tank).count() == 1


def test_a_poison_message_does_not_stop_the_worker(mosquitto, db):
    tank = device(f"MQ-{uuid.uuid4().hex[:6]}", mosquitto)
    consumer = worker(mosquitto)
    consumer.start()
    sender = publisher(mosquitto, tank)
    t = now_ish() - timedelta(minutes=1)
    nested = b'{"readings": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    try:
        publish(sender, tank, group(t, level=1.0))
        sender.publish(topic(tank), nested, qos=1).wait_for_publish(timeout=5)
        publish(sender, tank, group(t + timedelta(seconds=10), level=2.0))
        consumer.run(max_messages=3, idle_timeout=10)
    finally:
        sender.loop_stop()
        sender.disconnect()
        consumer.stop(end_session=True)
    assert sorted(Reading.objects.filter(device=tank).values_list("value", flat=True)) == [1, 2]
    assert DeadLetter.objects.filter(topic=topic(tank), reason=RejectReason.MALFORMED).count() == 1
