"""An acknowledged reading is never lost and never stored twice — with real processes.

A throwaway installation (its own database), a NATS server configured as shipped (its
logins written by ``anjian broker_auth``) and ``anjian ingest --nats`` workers as
subprocesses. Devices publish with QoS 1 and we keep every message that got its PUBACK.
Then, in turn: the worker is killed with SIGKILL mid-stream; the broker is restarted
gracefully with readings queued; the broker is killed with SIGKILL right after the last
PUBACK with 3,000 readings queued. After each, every acknowledged reading is in the
database exactly once.
"""

import json
import os
import signal
import subprocess
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from testsupport import processes
from testsupport.brokers import INGEST_PASSWORD, INGEST_USER, NatsServer, mqtt_client

DEVICES = 10
PER_PHASE = 3000

SETUP = """
import json
from testsupport import world
from anjian.monitoring.tests.factories import device_with_token
world.build_world()
found = {}
for index in range(%(n)d):
    device, token = device_with_token(f"CR-{index:02d}")
    found[device.code] = {"token": token, "topic": device.topic}
print(json.dumps(found))
"""

STORED = """
import json
from anjian.monitoring.models import Reading
rows = Reading.objects.filter(device__code__startswith="CR-").values_list("device__code", "ts")
print(json.dumps([[code, ts.isoformat()] for code, ts in rows]))
"""


@pytest.fixture(scope="module")
def plant(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("broker-crash")
    with processes.installation(var_dir, label="crash") as env:
        env.update(
            ANJIAN_BROKER_USER=INGEST_USER,
            ANJIAN_BROKER_PASSWORD=INGEST_PASSWORD,
            PYTHONUNBUFFERED="1",
        )
        processes.anjian(env, "migrate", "--noinput", "-v0")
        devices = json.loads(processes.manage(env, SETUP % {"n": DEVICES}).splitlines()[-1])
        nats = NatsServer(var_dir / "nats")
        processes.anjian(env, "broker_auth", "--broker", "nats", "--out", str(nats.auth_dir))
        nats.start()
        plant = Plant(env, nats, devices, var_dir)
        try:
            yield plant
        finally:
            plant.stop_workers(kill=True)
            nats.kill()


class Plant:
    def __init__(self, env, nats: NatsServer, devices: dict, var_dir):
        self.env, self.nats, self.devices, self.var_dir = env, nats, devices, var_dir
        self.workers: list[subprocess.Popen] = []
        self.acknowledged: set[tuple[str, str]] = set()
        self.clock = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=6)

    def start_worker(self) -> subprocess.Popen:
        log = (self.var_dir / f"worker-{len(self.workers)}.log").open("wb")
        worker = subprocess.Popen(
            [*processes.ANJIAN, "ingest", "--nats", self.nats.url, "--ack-wait", "3",
             "--batch", "200", "--linger", "0.05", "--report", "0.2"],
            env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        worker.log_path = log.name
        self.workers.append(worker)
        # Devices publish only once the stream exists (the worker makes sure it does):
        # NATS acknowledges a publish that no stream captures (docs/broker.md).
        processes.wait_until(
            lambda: "已开始接入" in Path(worker.log_path).read_text(errors="replace"),
            timeout=60,
            what="the ingest worker connected",
        )
        return worker

    def worker_stored(self, worker) -> int:
        """What the worker's last progress line says it stored."""
        with open(worker.log_path, errors="replace") as log:
            lines = [line for line in log if line.startswith("入库 ")]
        return int(lines[-1].split()[1]) if lines else 0

    def stop_workers(self, *, kill: bool = False) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
                worker.wait(timeout=30)

    def publish(self, count: int, *, during=None) -> None:
        """``count`` readings (one per message, a new time each) spread over the devices,
        QoS 1; remember those that got a PUBACK. ``during(sent)`` is called as it goes."""
        clients = {}
        for code, device in self.devices.items():
            client_id = f"crash-{uuid.uuid4().hex[:8]}"
            client, reason = mqtt_client(
                self.nats.mqtt_port, code, device["token"], client_id=client_id
            )
            assert reason is not None and not reason.is_failure, reason
            clients[code] = client
        pending = []
        codes = list(self.devices)
        for index in range(count):
            code = codes[index % len(codes)]
            self.clock += timedelta(seconds=1)
            ts = self.clock.isoformat()
            body = json.dumps({"readings": [{"ts": ts, "values": {"level": index % 97 / 10}}]})
            info = clients[code].publish(self.devices[code]["topic"], body, qos=1)
            pending.append((info, code, ts))
            if during:
                during(index)
        for info, code, ts in pending:
            info.wait_for_publish(timeout=30)
            if info.is_published():
                self.acknowledged.add((code, ts))
        for client in clients.values():
            client.disconnect()
            client.loop_stop()

    def stored(self) -> list[tuple[str, str]]:
        rows = json.loads(processes.manage(self.env, STORED).splitlines()[-1])
        return [(code, datetime.fromisoformat(ts).astimezone(UTC).isoformat()) for code, ts in rows]

    def wait_all_stored(self, timeout: float = 120) -> list[tuple[str, str]]:
        deadline = time.monotonic() + timeout
        while True:
            rows = self.stored()
            if len(set(rows)) >= len(self.acknowledged) or time.monotonic() > deadline:
                return rows
            time.sleep(1)


def test_every_acknowledged_reading_is_stored_exactly_once_through_worker_and_broker_crashes(
    plant,
):
    # 1. The worker is killed (SIGKILL) mid-stream; a new one takes over.
    first = plant.start_worker()

    def kill_midway(index):
        if index == PER_PHASE // 2:
            processes.wait_until(
                lambda: plant.worker_stored(first) > 0, timeout=60, what="the worker storing"
            )
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)

    plant.publish(PER_PHASE, during=kill_midway)
    assert 0 < plant.worker_stored(first) < PER_PHASE
    plant.start_worker()
    rows = plant.wait_all_stored()
    assert len(rows) == len(set(rows)) and set(rows) == plant.acknowledged

    # 2. With the workers stopped and readings queued, the broker restarts gracefully.
    plant.stop_workers()
    plant.publish(PER_PHASE)
    plant.nats.stop()
    plant.nats.start()
    plant.start_worker()
    rows = plant.wait_all_stored()
    assert len(rows) == len(set(rows)) and set(rows) == plant.acknowledged

    # 3. With readings queued, the broker process crashes right after the last PUBACK.
    plant.stop_workers()
    plant.publish(PER_PHASE)
    plant.nats.kill()
    plant.nats.start()
    plant.start_worker()
    rows = plant.wait_all_stored()
    assert len(plant.acknowledged) == 3 * PER_PHASE  # every publish was acknowledged …
    assert len(rows) == len(set(rows))  # … nothing stored twice …
    assert set(rows) == plant.acknowledged  # … and nothing acknowledged is missing
    assert os.path.exists(plant.nats.directory / "js")
