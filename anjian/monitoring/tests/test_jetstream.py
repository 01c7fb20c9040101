"""The production ingest path on a real NATS server of the test's own (JetStream + its MQTT
listener, credentials and permissions written from the registry): devices publish with
QoS 1 → the stream → ``jetstream.Worker`` → stored, alarms raised, messages acknowledged.
A poison message is dead-lettered while the good ones around it are stored; unknown
clients are refused; a device cannot publish under another device's topic."""

import asyncio
import json
import subprocess
import time
import uuid
from datetime import timedelta

import nats
import pytest

from anjian.core.models import Notification
from anjian.monitoring import broker, services
from anjian.monitoring.choices import RejectReason
from anjian.monitoring.jetstream import STREAM, Worker
from anjian.monitoring.models import Alarm, DeadLetter, Reading
from anjian.monitoring.tests.factories import device_with_token, group, now_ish, payload, threshold
from testsupport import world
from testsupport.brokers import INGEST_PASSWORD, INGEST_USER, NatsServer, mqtt_client

pytestmark = pytest.mark.usefixtures("ingest_account")


def logins_for(server: NatsServer) -> None:
    """What ``anjian broker_auth --broker nats --reload …`` does after a registration."""
    broker.write_auth("nats", server.auth_dir)
    server.reload()


def new_device(code_prefix="JS"):
    return device_with_token(f"{code_prefix}-{uuid.uuid4().hex[:6]}")


def publish(server, dev, token, *payloads, topic=None) -> int:
    """Publish with QoS 1 as the device; returns how many got their PUBACK."""
    client, reason = mqtt_client(
        server.mqtt_port, dev.code, token, client_id=f"pytest-{uuid.uuid4().hex[:8]}"
    )
    assert reason is not None and not reason.is_failure, reason
    try:
        infos = [client.publish(topic or dev.topic, body, qos=1) for body in payloads]
        for info in infos:
            info.wait_for_publish(timeout=10)
        return sum(info.is_published() for info in infos)
    finally:
        client.disconnect()
        client.loop_stop()


def worker(server) -> Worker:
    consumer = Worker(server.url, durable="anjian-ingest", batch_size=200, linger=0.3, ack_wait=5)
    consumer.start()
    return consumer


def stream_messages(server) -> int:
    async def count():
        nc = await nats.connect(server.url, user=INGEST_USER, password=INGEST_PASSWORD)
        try:
            return (await nc.jetstream().stream_info(STREAM)).state.messages
        finally:
            await nc.close()

    return asyncio.run(count())


def test_published_readings_are_stored_raise_an_alarm_and_leave_the_stream(nats_server, db):
    tank, token = new_device()
    threshold(tank, value=8.0)
    logins_for(nats_server)
    t = now_ish() - timedelta(minutes=1)
    consumer = worker(nats_server)
    try:
        acknowledged = publish(
            nats_server,
            tank,
            token,
            payload(group(t, level=3.0, temp=20.0)),
            payload(group(t + timedelta(seconds=10), level=8.8)),
        )
        consumer.run(max_messages=2, idle_timeout=10)
    finally:
        consumer.stop()
    assert acknowledged == 2
    assert Reading.objects.filter(device=tank).count() == 3
    alarm = Alarm.objects.get(device=tank)
    assert alarm.value == 8.8
    assert Notification.objects.filter(
        recipient=world.actor("enterprise_manager"), url=alarm.get_absolute_url()
    ).exists()
    assert stream_messages(nats_server) == 0  # acknowledged → removed from the work queue


def test_a_poison_message_is_dead_lettered_and_the_good_ones_around_it_are_stored(nats_server, db):
    tank, token = new_device()
    other, other_token = new_device()
    logins_for(nats_server)
    t = now_ish() - timedelta(minutes=2)
    nested = b'{"readings": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    consumer = worker(nats_server)
    try:
        publish(
            nats_server,
            tank,
            token,
            payload(group(t, level=1.0)),
            nested,
            b"{broken",
            payload(group(t + timedelta(seconds=10), level=2.0)),
        )
        publish(nats_server, other, other_token, payload(group(t, level=5.0)))
        consumer.run(max_messages=5, idle_timeout=10)
        # … and the worker is still consuming:
        publish(nats_server, tank, token, payload(group(t + timedelta(seconds=20), level=3.0)))
        consumer.run(max_messages=6, idle_timeout=10)
    finally:
        consumer.stop()

    levels = Reading.objects.filter(device=tank).values_list("value", flat=True)
    assert sorted(levels) == [1.0, 2.0, 3.0]
    assert Reading.objects.filter(device=other).count() == 1
    poison = DeadLetter.objects.get(topic=tank.topic, detail="报文嵌套过深，无法解析")
    assert poison.reason == RejectReason.MALFORMED
    assert DeadLetter.objects.filter(topic=tank.topic, payload="{broken").exists()
    assert consumer.stats.messages == 6
    assert stream_messages(nats_server) == 0


def test_an_unknown_client_or_a_wrong_token_is_refused(nats_server, db):
    tank, token = new_device()
    logins_for(nats_server)
    for username, password in [(tank.code, "dv_wrong"), ("nobody", token), ("", "")]:
        client, reason = mqtt_client(
            nats_server.mqtt_port, username, password, client_id=f"pytest-{uuid.uuid4().hex[:8]}"
        )
        client.loop_stop()
        assert reason is None or reason.is_failure, (username, reason)


def test_a_device_cannot_publish_under_another_devices_topic(nats_server, db):
    tank, token = new_device()
    victim, _victim_token = new_device()
    logins_for(nats_server)
    t = now_ish() - timedelta(minutes=1)
    before = stream_messages(nats_server)
    # NATS answers a refused publish with a PUBACK (MQTT 3.1.1 has no refusal) but drops it.
    publish(nats_server, tank, token, payload(group(t, level=9.9)), topic=victim.topic)
    assert stream_messages(nats_server) == before
    assert "Publish Violation" in nats_server.log.read_text()


def test_a_deactivated_device_can_no_longer_log_in(nats_server, db):
    tank, token = new_device()
    logins_for(nats_server)
    client, reason = mqtt_client(nats_server.mqtt_port, tank.code, token, client_id="pytest-on")
    client.disconnect()
    client.loop_stop()
    assert not reason.is_failure
    services.device_update(
        by=world.actor("district_official"),
        device_id=tank.pk,
        data={"is_active": False},
        expected_version=tank.version,
    )
    logins_for(nats_server)
    client, reason = mqtt_client(nats_server.mqtt_port, tank.code, token, client_id="pytest-off")
    client.loop_stop()
    assert reason is None or reason.is_failure


def test_a_gateway_reports_for_its_enterprises_devices_only(nats_server, db):
    tank, _token = new_device()
    stranger, _stranger_token = device_with_token(
        f"JS-{uuid.uuid4().hex[:6]}", enterprise="pingliang_factory"
    )
    gateway, gateway_token = services.gateway_register(
        by=world.actor("district_official"),
        enterprise=tank.enterprise,
        data={"code": f"GW-{uuid.uuid4().hex[:6]}", "name": "一号网关"},
    )
    logins_for(nats_server)
    t = now_ish() - timedelta(minutes=1)
    client, reason = mqtt_client(
        nats_server.mqtt_port, gateway.username, gateway_token, client_id="pytest-gw"
    )
    assert not reason.is_failure
    body = payload(group(t, tank.code, level=4.0), group(t, stranger.code, level=4.0))
    client.publish(gateway.topic, body, qos=1).wait_for_publish(timeout=10)
    client.disconnect()
    client.loop_stop()
    consumer = worker(nats_server)
    try:
        consumer.run(max_messages=1, idle_timeout=10)
    finally:
        consumer.stop()
    assert Reading.objects.filter(device=tank).count() == 1
    assert not Reading.objects.filter(device=stranger).exists()
    refused = DeadLetter.objects.get(device_code=stranger.code)
    assert refused.reason == RejectReason.TOPIC_MISMATCH
    assert json.loads(refused.payload)["device"] == stranger.code


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    """A CA and a server certificate for 127.0.0.1, made with the openssl command line."""
    folder = tmp_path_factory.mktemp("tls")

    def openssl(*args):
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-subj",
        "/CN=anjian test CA",
    )
    openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=127.0.0.1",
    )
    (folder / "san.ext").write_text("subjectAltName=IP:127.0.0.1\n")
    openssl(
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-out",
        "server.crt",
        "-extfile",
        "san.ext",
    )
    openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "client.key",
        "-out",
        "client.csr",
        "-subj",
        "/CN=anjian.ingest",
    )
    openssl("x509", "-req", "-in", "client.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
            "-CAcreateserial", "-days", "2", "-out", "client.crt")  # fmt: skip
    return folder


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory, certificates):
    server = NatsServer(
        tmp_path_factory.mktemp("nats-tls"),
        tls={
            "cert": certificates / "server.crt",
            "key": certificates / "server.key",
            "ca": certificates / "ca.crt",
            "verify": True,  # a client certificate too
        },
    ).start()
    yield server
    server.stop()


def test_the_worker_checks_the_broker_certificate_and_shows_its_own(
    tls_server, certificates, settings, db
):
    tank, token = new_device()
    logins_for(tls_server)
    settings.BROKER_TLS_CA = str(certificates / "ca.crt")
    settings.BROKER_TLS_CERT = str(certificates / "client.crt")
    settings.BROKER_TLS_KEY = str(certificates / "client.key")
    consumer = worker(tls_server)
    try:
        publish(
            tls_server, tank, token, payload(group(now_ish() - timedelta(minutes=1), level=2.0))
        )
        consumer.run(max_messages=1, idle_timeout=10)
    finally:
        consumer.stop()
    assert Reading.objects.filter(device=tank).count() == 1


def test_without_the_ca_the_worker_does_not_trust_the_broker(
    tls_server, certificates, settings, db
):
    settings.BROKER_TLS_CA = ""
    settings.BROKER_TLS_CERT = str(certificates / "client.crt")
    settings.BROKER_TLS_KEY = str(certificates / "client.key")
    with pytest.raises(ConnectionError, match="无法连接 NATS"):
        Worker(tls_server.url, ack_wait=5).start(timeout=5)


def test_without_a_client_certificate_the_broker_refuses_the_worker(
    tls_server, certificates, settings, db
):
    settings.BROKER_TLS_CA = str(certificates / "ca.crt")
    settings.BROKER_TLS_CERT = settings.BROKER_TLS_KEY = ""
    with pytest.raises(ConnectionError):
        Worker(tls_server.url, ack_wait=5).start(timeout=5)


def test_the_periodic_job_gives_a_new_device_its_login_and_tells_the_broker(
    nats_server, settings, db
):
    from anjian.monitoring import tasks

    settings.BROKER_KIND = "nats"
    settings.BROKER_AUTH_DIR = str(nats_server.auth_dir)
    settings.BROKER_PID_FILE = str(nats_server.pid_file)
    tank, token = new_device()
    result = tasks.sync_broker_auth.call()
    assert result["changed"] and result["reloaded"] == nats_server.process.pid
    time.sleep(0.5)  # the server re-reads its files
    client, reason = mqtt_client(nats_server.mqtt_port, tank.code, token, client_id="pytest-sync")
    client.disconnect()
    client.loop_stop()
    assert reason is not None and not reason.is_failure
    assert tasks.sync_broker_auth.call()["changed"] is False  # nothing new: nothing written
