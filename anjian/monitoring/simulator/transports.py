"""Transports: how reports leave the simulator. ``MqttTransport`` publishes with QoS 1
(MQTT 3.1.1) on ``anjian/v1/<credit code>/<device code>/telemetry``, each device on its own
connection logged in with its code and token (``gateway=True``: the reports of one
enterprise due in the same tick travel in one message on its gateway topic, one connection
per gateway); ``HttpTransport`` POSTs each report with the device's token (standard
library only). Neither crashes on a lost connection: ``deliver`` raises ``Unreachable``
with what went before, and the runner retries."""

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import paho.mqtt.client as mqtt

from anjian.monitoring.broker import Endpoint
from anjian.monitoring.simulator.generator import DeviceSpec

TOPIC_PREFIX = "anjian/v1/"


def device_topic(credit_code: str, device_code: str, prefix: str = TOPIC_PREFIX) -> str:
    return f"{prefix}{credit_code}/{device_code}/telemetry"


def gateway_topic(credit_code: str, prefix: str = TOPIC_PREFIX) -> str:
    return f"{prefix}{credit_code}/gateway/telemetry"


def encode(groups: list[dict]) -> bytes:
    return json.dumps({"readings": groups}, ensure_ascii=False, separators=(",", ":")).encode()


Logins = dict[str, tuple[str, str]]  # MQTT topic → (user name, password)


@dataclass(frozen=True)
class Report:
    device: DeviceSpec
    group: dict


@dataclass
class Delivery:
    sent: int = 0  # reports handed over
    errors: int = 0
    rejected: int = 0  # readings the platform refused (HTTP answers say)
    alarms: int = 0  # alarms raised (HTTP answers say)


def mqtt_messages(
    reports: list[Report], *, gateway: bool = False, prefix: str = TOPIC_PREFIX
) -> list[tuple[str, bytes, int]]:
    """(topic, payload, reports carried) per MQTT message: one per report, or with
    ``gateway`` one per enterprise on its gateway topic (the gateway's login may publish
    nowhere else)."""
    if not gateway:
        return [
            (device_topic(r.device.credit_code, r.device.code, prefix), encode([r.group]), 1)
            for r in reports
        ]
    by_enterprise: dict[str, list[Report]] = {}
    for report in reports:
        by_enterprise.setdefault(report.device.credit_code, []).append(report)
    return [
        (gateway_topic(credit_code, prefix), encode([r.group for r in items]), len(items))
        for credit_code, items in by_enterprise.items()
    ]


class Unreachable(Exception):
    """The broker or server cannot be reached; ``delivered`` is what went before."""

    def __init__(self, message: str, delivered: Delivery | None = None):
        super().__init__(message)
        self.delivered = delivered or Delivery()


class MqttTransport:
    """QoS 1 publishes through paho-mqtt v2 (MQTT 3.1.1: NATS and Mosquitto both speak
    it), one connection per login — a device or gateway may publish only its own topic;
    paho reconnects on its own."""

    # paho waits on its sockets with select(), which cannot watch file descriptors past
    # 1023; each connection takes three (its socket and a wake-up socket pair).
    MAX_CONNECTIONS = 300

    def __init__(
        self,
        url: str,
        *,
        logins: Logins,
        gateway: bool = False,
        topic_prefix: str = TOPIC_PREFIX,
        out: Callable[[str], None] = print,
    ):
        self.mqtt = mqtt
        self.endpoint = Endpoint.parse(url, default_scheme="mqtt")
        if len(logins) > self.MAX_CONNECTIONS:
            raise ValueError(
                f"{len(logins)} 个连接过多（上限 {self.MAX_CONNECTIONS}）：请加 --gateway，"
                "每家单位一个网关连接"
            )
        self.logins = logins
        self.gateway, self.prefix, self.out = gateway, topic_prefix, out
        self.clients: dict[str, object] = {}
        self.connected: dict[str, threading.Event] = {}
        self._pending: deque = deque()
        self._reported: set[str] = set()

    @property
    def where(self) -> str:
        return f"MQTT 服务器 {self.endpoint.display()}（{len(self.logins)} 个连接）"

    def _client(self, topic: str, username: str, password: str):
        mqtt = self.mqtt
        client = mqtt.Client(
            callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
            client_id=f"anjian-sim-{username}"[:64],
            protocol=mqtt.MQTTv311,
        )
        client.username_pw_set(username, password)
        if self.endpoint.uses_tls:
            client.tls_set_context(self.endpoint.ssl_context())
        client.max_inflight_messages_set(100)
        client.max_queued_messages_set(10_000)
        client.reconnect_delay_set(min_delay=1, max_delay=30)
        connected = threading.Event()

        def on_connect(_client, _userdata, _flags, reason_code, _properties):
            if reason_code.is_failure:
                if username not in self._reported:
                    self._reported.add(username)
                    self.out(f"{self.endpoint.display()} 拒绝 {username} 登录：{reason_code}")
                return
            connected.set()

        def on_disconnect(_client, _userdata, _flags, reason_code, _properties):
            connected.clear()

        client.on_connect = on_connect
        client.on_disconnect = on_disconnect
        self.clients[topic], self.connected[topic] = client, connected
        return client

    def open(self, timeout: float = 10.0) -> None:
        """Connect every login in the background; paho keeps retrying the ones that fail."""
        for topic, (username, password) in self.logins.items():
            client = self._client(topic, username, password)
            client.connect_async(self.endpoint.host, self.endpoint.port, keepalive=30)
            client.loop_start()
        deadline = time.monotonic() + timeout
        for event in self.connected.values():
            event.wait(max(0.0, deadline - time.monotonic()))
        up = sum(event.is_set() for event in self.connected.values())
        if up < len(self.connected):
            self.out(f"{self.where}：{up} 个已连接，其余将自动重试")

    def deliver(self, reports: list[Report]) -> Delivery:
        delivery = Delivery()
        ok = (self.mqtt.MQTT_ERR_SUCCESS, self.mqtt.MQTT_ERR_NO_CONN)  # NO_CONN: queued
        for topic, payload, count in mqtt_messages(
            reports, gateway=self.gateway, prefix=self.prefix
        ):
            client = self.clients.get(topic)
            if client is None or not self.connected[topic].is_set():
                delivery.errors += count
                continue
            info = client.publish(topic, payload, qos=1)
            if info.rc in ok:
                delivery.sent += count
                self._pending.append(info)
            else:
                delivery.errors += count
        while self._pending and self._pending[0].is_published():
            self._pending.popleft()
        if delivery.errors and not delivery.sent:
            raise Unreachable(f"{self.where} 未连接（正在自动重连）", delivery)
        return delivery

    def close(self, timeout: float = 5.0) -> None:
        """Wait (up to ``timeout``) for the broker to acknowledge what was sent; disconnect."""
        deadline = time.monotonic() + timeout
        while self._pending and time.monotonic() < deadline:
            if self._pending[0].is_published():
                self._pending.popleft()
            else:
                time.sleep(0.02)
        for client in self.clients.values():
            client.disconnect()
            client.loop_stop()


class HttpTransport:
    """``POST <url>/api/v1/monitoring/devices/<code>/telemetry`` per report (urllib)."""

    MAX_NOTES = 5

    def __init__(
        self,
        url: str,
        tokens: dict[str, str],
        *,
        timeout: float = 5.0,
        out: Callable[[str], None] = print,
    ):
        parsed = urllib.parse.urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError(f"不支持的地址：{url}（应为 http://主机:端口）")
        self.base = url.rstrip("/")
        self.tokens, self.timeout, self.out = tokens, timeout, out
        self._notes = 0

    @property
    def where(self) -> str:
        return self.base

    def open(self) -> None:
        pass

    def close(self) -> None:
        pass

    def _note(self, text: str) -> None:
        self._notes += 1
        if self._notes <= self.MAX_NOTES:
            self.out(text)
        elif self._notes == self.MAX_NOTES + 1:
            self.out("（后续错误不再逐条显示，见进度行的错误数）")

    def url(self, code: str) -> str:
        return (
            f"{self.base}/api/v1/monitoring/devices/{urllib.parse.quote(code, safe='')}/telemetry"
        )

    def deliver(self, reports: list[Report]) -> Delivery:
        delivery = Delivery()
        for report in reports:
            code = report.device.code
            request = urllib.request.Request(
                self.url(code),
                data=encode([report.group]),
                method="POST",
                headers={
                    "Content-Type": "application/json",
                    "X-Device-Token": self.tokens.get(code, ""),
                },
            )
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    answer = json.loads(response.read() or b"{}")
            except urllib.error.HTTPError as error:
                if error.code >= 500:  # the server is in trouble: back off, as if away
                    raise Unreachable(f"{self.base} 返回 HTTP {error.code}", delivery) from error
                delivery.errors += 1
                detail = error.read()[:200].decode("utf-8", errors="replace")
                hint = "（新令牌需等服务端设备缓存刷新，约 15 秒）" if error.code == 401 else ""
                self._note(f"设备 {code} 上报失败：HTTP {error.code} {detail}{hint}")
                continue
            except (urllib.error.URLError, OSError) as error:
                reason = getattr(error, "reason", error)
                raise Unreachable(f"无法连接 {self.base}：{reason}", delivery) from error
            except ValueError:
                answer = {}
            delivery.sent += 1
            delivery.rejected += int(answer.get("rejected", 0))
            delivery.alarms += int(answer.get("alarms_raised", 0))
        return delivery
