"""The Mosquitto ingest worker (the development option; production uses NATS JetStream,
``jetstream.py``): a shared subscription, batches, acknowledgement after commit.

Mosquitto keeps queued messages in memory and writes them to disk only every
``autosave_interval``: a broker process crash loses readings it already acknowledged to
devices (docs/broker.md). Use it to develop against, not to run a city on.

Each worker joins the shared subscription ``$share/<group>/anjian/v1/+/+/telemetry`` (MQTT
v5), so the broker spreads messages over however many workers run. Messages arrive with
QoS 1 on a persistent session (clean start off, session expiry set) and are *not*
acknowledged on receipt (``manual_ack``): they are collected into a batch (up to
``batch_size`` messages or ``linger`` seconds), stored and evaluated in one transaction
(``ingest.accept``), and only then acknowledged. A worker that dies mid-batch leaves its
messages unacknowledged; the broker delivers them again (to it when it reconnects, or to
another worker) and the idempotent readings table stores nothing twice.

paho's network loop runs in its own thread and only queues messages; the database work
happens in the thread that calls ``run``.
"""

import logging
import queue
import threading
import time
import uuid
from dataclasses import dataclass

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from anjian.monitoring.broker import Endpoint
from anjian.monitoring.consumer import (
    Backoff,
    BatchHandler,
    BatchWorker,
    Delivery,
    Handled,
    Stats,
)

logger = logging.getLogger("anjian.monitoring.mqtt")

TOPIC = "anjian/v1/+/+/telemetry"
SESSION_EXPIRY_SECONDS = 7 * 24 * 3600
# How many unacknowledged messages the broker may have in flight to one worker (MQTT 5
# Receive Maximum): a batch can never be larger than this.
RECEIVE_MAXIMUM = 20_000


@dataclass
class Received:
    mid: int
    topic: str
    payload: bytes


class Worker(BatchWorker):
    def __init__(
        self,
        url: str,
        *,
        client_id: str | None = None,
        group: str = "anjian-ingest",
        batch_size: int = 5000,
        linger: float = 0.2,
    ):
        self.endpoint = Endpoint.parse(url, default_scheme="mqtt")
        self.group = group
        self.batch_size = min(batch_size, RECEIVE_MAXIMUM)
        self.linger = linger
        self.inbox: queue.Queue[Received] = queue.Queue()
        self.connected = threading.Event()
        self.subscribed = threading.Event()
        self.stats = Stats()
        self.handler = BatchHandler(channel="mqtt")
        self.backoff = Backoff()
        self.sleep = time.sleep
        self.retry: list[Received] = []
        self.client = mqtt.Client(
            callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
            client_id=client_id or f"anjian-ingest-{uuid.uuid4().hex[:12]}",
            protocol=mqtt.MQTTv5,
            manual_ack=True,
        )
        if self.endpoint.username:
            self.client.username_pw_set(self.endpoint.username, self.endpoint.password or None)
        if self.endpoint.uses_tls:
            self.client.tls_set_context(self.endpoint.ssl_context())
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message
        self.client.on_disconnect = self._on_disconnect

    @property
    def subscription(self) -> str:
        return f"$share/{self.group}/{TOPIC}"

    # --- paho callbacks (network thread) ---------------------------------------------------

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            logger.error("MQTT 连接被拒绝：%s", reason_code)
            return
        self.connected.set()
        # Subscribe on every connect: a persistent session keeps it, a new one needs it.
        client.subscribe(self.subscription, qos=1)

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties):
        self.subscribed.set()

    def _on_message(self, client, userdata, message):
        self.inbox.put(Received(message.mid, message.topic, message.payload))

    def _on_disconnect(self, client, userdata, flags, reason_code, properties):
        self.connected.clear()
        if reason_code.value != 0:
            logger.warning("MQTT 连接断开（%s），自动重连", reason_code)

    # --- running ---------------------------------------------------------------------------

    def start(self, timeout: float = 10.0) -> None:
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = SESSION_EXPIRY_SECONDS
        properties.ReceiveMaximum = RECEIVE_MAXIMUM
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)
        self.client.connect(
            self.endpoint.host,
            self.endpoint.port,
            keepalive=30,
            clean_start=False,
            properties=properties,
        )
        self.client.loop_start()
        if not self.subscribed.wait(timeout):
            self.stop()
            raise ConnectionError(f"无法连接或订阅 MQTT {self.endpoint.display()}")

    def stop(self, *, end_session: bool = False) -> None:
        """Disconnect; ``end_session`` also drops the broker's session for this client id
        (queued messages included) — for throw-away workers, not for a service."""
        properties = None
        if end_session:
            properties = Properties(PacketTypes.DISCONNECT)
            properties.SessionExpiryInterval = 0
        self.client.disconnect(properties=properties)
        self.client.loop_stop()

    def _collect(self, wait: float) -> list[Received]:
        try:
            first = self.inbox.get(timeout=wait)
        except queue.Empty:
            return []
        batch = [first]
        deadline = time.monotonic() + self.linger
        while len(batch) < self.batch_size:
            remaining = deadline - time.monotonic()
            try:
                batch.append(
                    self.inbox.get(timeout=max(remaining, 0))
                    if remaining > 0
                    else self.inbox.get_nowait()
                )
            except queue.Empty:
                break
        return batch

    def process(self, batch: list[Received]) -> Handled:
        """Store and evaluate one batch (``consumer.BatchHandler``: poison messages
        dead-lettered, failing batches retried then split), then acknowledge what it
        settled — never before. What it could not settle (the database is unreachable)
        stays unacknowledged and is tried again after a pause."""
        handled = self.handler.handle([Delivery(r.topic, r.payload, r.mid) for r in batch])
        for delivery in handled.settled:
            self.client.ack(delivery.handle, 1)
        if handled.unsettled:
            self.stats.failed_batches += 1
            self.retry = [Received(d.handle, d.topic, d.payload) for d in handled.unsettled]
            self.sleep(self.backoff.next())
        else:
            self.retry = []
            self.backoff.reset()
        self.stats.add(handled)
        return handled

    def next_batch(self, wait: float) -> list[Received]:
        return self.retry or self._collect(wait)
