"""The MQTT ingest worker: a shared subscription, batches, acknowledgement after commit.

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

import itertools
import logging
import queue
import threading
import time
import uuid
from dataclasses import dataclass
from urllib.parse import urlparse

import paho.mqtt.client as mqtt
from django.db import DatabaseError, close_old_connections, connection
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from anjian.monitoring import ingest

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


@dataclass
class Stats:
    messages: int = 0
    batches: int = 0
    stored: int = 0
    rejected: int = 0
    alarms: int = 0


def parse_url(url: str) -> tuple[str, int, str | None, str | None]:
    parsed = urlparse(url if "://" in url else f"mqtt://{url}")
    if parsed.scheme not in ("mqtt", "tcp"):
        raise ValueError(f"不支持的地址：{url}（应为 mqtt://主机:端口）")
    return parsed.hostname or "127.0.0.1", parsed.port or 1883, parsed.username, parsed.password


class Worker:
    def __init__(
        self,
        url: str,
        *,
        client_id: str | None = None,
        group: str = "anjian-ingest",
        batch_size: int = 5000,
        linger: float = 0.2,
    ):
        self.host, self.port, username, password = parse_url(url)
        self.group = group
        self.batch_size = min(batch_size, RECEIVE_MAXIMUM)
        self.linger = linger
        self.inbox: queue.Queue[Received] = queue.Queue()
        self.connected = threading.Event()
        self.subscribed = threading.Event()
        self.stats = Stats()
        self.client = mqtt.Client(
            callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
            client_id=client_id or f"anjian-ingest-{uuid.uuid4().hex[:12]}",
            protocol=mqtt.MQTTv5,
            manual_ack=True,
        )
        if username:
            self.client.username_pw_set(username, password)
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
            self.host, self.port, keepalive=30, clean_start=False, properties=properties
        )
        self.client.loop_start()
        if not self.subscribed.wait(timeout):
            self.stop()
            raise ConnectionError(f"无法连接或订阅 MQTT {self.host}:{self.port}")

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

    def process(self, batch: list[Received]) -> ingest.Result:
        """Store and evaluate one batch, then acknowledge its messages (never before).

        A database failure (a deadlock, a lost connection, a restart) rolls the batch back;
        it is tried again after a pause, its messages still unacknowledged — if the worker
        dies meanwhile, the broker delivers them again."""
        messages = [ingest.Message("mqtt", item.topic, item.payload) for item in batch]
        for attempt in itertools.count():
            if not connection.in_atomic_block:  # a long-lived worker: drop broken connections
                close_old_connections()
            try:
                result = ingest.accept(messages)
                break
            except DatabaseError as error:
                if connection.in_atomic_block:
                    raise  # inside a caller's transaction (tests): nothing to retry
                pause = min(30.0, 0.2 * 2**attempt)
                logger.warning(
                    "批次入库失败（第 %s 次：%s），%.1f 秒后重试", attempt + 1, error, pause
                )
                time.sleep(pause)
        for item in batch:
            self.client.ack(item.mid, 1)
        self.stats.messages += len(batch)
        self.stats.batches += 1
        self.stats.stored += result.stored
        self.stats.rejected += result.rejected
        self.stats.alarms += len(result.raised)
        return result

    def run(self, *, stop: threading.Event | None = None, max_messages: int | None = None,
            idle_timeout: float | None = None) -> Stats:  # fmt: skip
        """Process batches until ``stop`` is set, ``max_messages`` were processed, or no
        message came for ``idle_timeout`` seconds."""
        idle_since = time.monotonic()
        while not (stop and stop.is_set()):
            if max_messages is not None and self.stats.messages >= max_messages:
                break
            batch = self._collect(wait=0.5)
            if not batch:
                if idle_timeout is not None and time.monotonic() - idle_since > idle_timeout:
                    break
                continue
            self.process(batch)
            idle_since = time.monotonic()
        return self.stats
