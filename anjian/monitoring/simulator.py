"""The telemetry simulator: realistic readings for registered devices, over MQTT or HTTP.

``Generator`` is pure: what device *i* reports at time *t* depends only on the device
list, the seed and *t* — tests ask it for any moment, without a clock, broker or
database. Each metric follows a baseline inside its normal band (between its low and
high thresholds, clear of the dead band) with a slow drift (a sine of 2–6 h), a slower
wiggle (10–25 min) and bounded noise; on/off signals stay 0; an elevator's speed
alternates between standing and travelling. A device's role comes from its position in
the list — devices are taken in registration order, so a device keeps its role whatever
``--devices`` says, and the demo registers its enterprise manager's devices first:

==============  ===========================================================================
index % 10 = 0  misbehaves. Every 20 min (phase per device): an 8-min breach beyond the
                second limit (high-high / low-low — long enough to escalate to the street
                when nobody acknowledges), then 90-s breaches of the first limit at +10 and
                +15 min. Each ramps in and out over 15 s and comes back inside the dead
                band, so the alarms recover.
index % 10 = 5  goes silent for 10 min every 40 min (offline detection shows it).
index % 20 = 7  flat-lines for 25 min every hour: the same values repeated (data quality).
index % 10 = 3  reads 0 on a positive-only metric for 10 s every 15 min (an impossible
                value, too short to alarm), if it has such a metric.
==============  ===========================================================================

``Runner`` drives a transport at a rate: ``rate`` = device reports per second across all
devices, each report being one device's readings of all its metrics at one timestamp.
Devices take turns round-robin, so each reports every ``devices / rate`` seconds; a
silent device's turn is skipped. ``MqttTransport`` publishes with QoS 1 (MQTT 3.1.1) on
``anjian/v1/<credit code>/<device code>/telemetry``, each device on its own connection
logged in with its code and token (``gateway=True``: the reports of one enterprise due in
the same tick travel in one message on its gateway topic, one connection per gateway);
``HttpTransport`` POSTs each report with the device's token (standard library only).
Neither crashes on a lost connection: the runner says so in Chinese and retries with
backoff (1 s doubling to 30 s), dropping what fell due meanwhile.
"""

import hashlib
import json
import math
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

MISBEHAVE, SILENT, FLAT, IMPOSSIBLE = "misbehave", "silent", "flat", "impossible"

SPIKE_CYCLE = 1200  # seconds
# (start, end, beyond the second limit) within the cycle
SPIKES = ((0, 480, True), (600, 690, False), (900, 990, False))
RAMP = 15
SILENT_CYCLE, SILENT_FOR = 2400, 600
FLAT_CYCLE, FLAT_FOR = 3600, 1500
IMPOSSIBLE_CYCLE, IMPOSSIBLE_FOR = 900, 10
TRIP_PERIOD = 53.7  # an elevator's stand-travel cycle (s); not a round number, against aliasing
CST = timezone(timedelta(hours=8))
TOPIC_PREFIX = "anjian/v1/"


def roles_for(index: int, *, has_positive_metric: bool = True) -> frozenset[str]:
    """The deliberate misbehaviours of the device at ``index`` (see the module docstring)."""
    roles = set()
    if index % 10 == 0:
        roles.add(MISBEHAVE)
    if index % 10 == 5:
        roles.add(SILENT)
    if index % 20 == 7:
        roles.add(FLAT)
    if index % 10 == 3 and has_positive_metric:
        roles.add(IMPOSSIBLE)
    return frozenset(roles)


# --- what the generator knows about a device -------------------------------------------------


@dataclass(frozen=True)
class Limit:
    level: str  # high / high_high / low / low_low
    value: float
    hysteresis: float = 0.0

    @property
    def upper(self) -> bool:
        return self.level.startswith("high")


@dataclass(frozen=True)
class MetricSpec:
    code: str
    min_valid: float
    max_valid: float
    positive_only: bool = False
    limits: tuple[Limit, ...] = ()


@dataclass(frozen=True)
class DeviceSpec:
    code: str
    credit_code: str
    kind: str  # device type code
    metrics: tuple[MetricSpec, ...]
    pk: int = 0


@dataclass(frozen=True)
class Profile:
    """How a metric behaves, relative to its first limit (or ``ref`` when it has none)."""

    ref: float  # a typical first limit
    ratio: float  # baseline = ratio × the first limit on ``side``
    noise: float  # bounded noise amplitude, × that limit
    drift: float  # slow drift amplitude, × that limit
    decimals: int = 2
    side: str = "upper"
    pattern: str = "smooth"  # "binary" (an on/off signal), "trips" (an elevator's speed)


PROFILES = {
    ("tank", "level"): Profile(8.5, 0.5, 0.002, 0.12, 3),
    ("tank", "temp"): Profile(40, 0.6, 0.01, 0.1, 1),
    ("tank", "pressure"): Profile(0.8, 0.55, 0.01, 0.08, 3),
    ("reactor", "temp"): Profile(100, 0.8, 0.005, 0.03, 1),
    ("reactor", "pressure"): Profile(1.0, 0.7, 0.01, 0.04, 3),
    ("gas_lel", "lel"): Profile(25, 0.04, 0.01, 0.02, 1),
    ("gas_toxic", "co"): Profile(30, 0.1, 0.02, 0.05, 1),
    ("gas_toxic", "h2s"): Profile(10, 0.05, 0.02, 0.03, 2),
    ("fire_water", "pressure"): Profile(0.10, 3.5, 0.1, 0.3, 3, side="lower"),
    ("fire_panel", "alarm"): Profile(1, 0, 0, 0, 0, pattern="binary"),
    ("fire_panel", "fault"): Profile(1, 0, 0, 0, 0, pattern="binary"),
    ("elevator", "speed"): Profile(2.0, 0.87, 0.01, 0, 2, pattern="trips"),
    ("elevator", "load"): Profile(100, 0.4, 0.1, 0.15, 1),
    ("elevator", "door_open"): Profile(1, 0, 0, 0, 0, pattern="binary"),
    ("structure", "displacement"): Profile(25, 0.2, 0.01, 0.1, 2),
    ("structure", "tilt"): Profile(1.0, 0.15, 0.02, 0.1, 3),
}


# --- deterministic noise ------------------------------------------------------------------------

_MASK = (1 << 64) - 1


def _key(*parts) -> int:
    return int.from_bytes(
        hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest()
    )


def _mix(x: int) -> int:
    """splitmix64: a well-spread 64-bit hash of ``x``."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def _noise(key: int, t: float) -> float:
    """Bounded noise in (-1, 1) (triangular), a pure function of ``key`` and ``t`` (ms)."""
    n = round(t * 1000) * 0xD1B54A32D192ED03
    return (_mix(key ^ (n & _MASK)) + _mix(key ^ ((n + 1) & _MASK))) / 2**64 - 1


# --- one metric of one device -----------------------------------------------------------------


@dataclass(frozen=True)
class _Track:
    code: str
    pattern: str
    base: float
    noise: float
    drift: float
    decimals: int
    floor: float
    ceiling: float
    key: int
    drift_period: float
    wave_period: float
    phase: float
    first: float | None = None  # the limit a spike crosses
    upper: bool = True
    peak_short: float | None = None
    peak_long: float | None = None

    def _round(self, value: float) -> float:
        return min(self.ceiling, max(self.floor, round(value, self.decimals)))

    def normal(self, t: float) -> float:
        if self.pattern == "binary":
            return 0.0
        if self.pattern == "trips":
            wave = math.sin(2 * math.pi * t / TRIP_PERIOD + self.phase)
            moving = min(1.0, max(0.0, 1.6 * wave + 0.3))
            return self._round(moving * (self.base + self.noise * _noise(self.key, t)))
        value = (
            self.base
            + self.drift * math.sin(2 * math.pi * t / self.drift_period + self.phase)
            + 0.3 * self.drift * math.sin(2 * math.pi * t / self.wave_period + 2 * self.phase)
            + self.noise * _noise(self.key, t)
        )
        return self._round(value)

    def spiked(self, t: float, shape: float, long: bool) -> float:
        """The value during a spike: ``shape`` 0→1 ramps from normal to the peak."""
        peak = self.peak_long if long else self.peak_short
        if self.pattern == "binary":
            return self.ceiling if shape >= 0.5 else 0.0
        if shape < 1:
            normal = self.normal(t)
            return self._round(normal + shape * (peak - normal))
        room = abs(peak - self.first) / 2
        value = self._round(peak + min(self.noise, room) * _noise(self.key ^ 1, t))
        return max(value, self.first) if self.upper else min(value, self.first)


def _limits(metric: MetricSpec) -> tuple[list[float], list[float]]:
    uppers = sorted(limit.value for limit in metric.limits if limit.upper)
    lowers = sorted((limit.value for limit in metric.limits if not limit.upper), reverse=True)
    return uppers, lowers


def _track(device: DeviceSpec, metric: MetricSpec, seed: int) -> _Track:
    span = metric.max_valid - metric.min_valid
    profile = PROFILES.get((device.kind, metric.code))
    uppers, lowers = _limits(metric)
    if profile is None:  # a device type the simulator does not know: generic behaviour
        if uppers:
            profile = Profile(uppers[0], 0.5, 0.01, 0.05, 3)
        elif lowers:
            profile = Profile(lowers[0], 2.0, 0.01, 0.05, 3, side="lower")
        else:
            profile = Profile(metric.min_valid + span / 2, 1.0, 0.01, 0.05, 3)
    resolution = 10.0**-profile.decimals
    floor = metric.min_valid
    if metric.positive_only:
        floor = max(floor, resolution)
    ceiling = metric.max_valid
    side_limits = uppers if profile.side == "upper" else lowers
    ref = side_limits[0] if side_limits else profile.ref
    scale = abs(ref) or 1.0
    base, noise, drift = profile.ratio * ref, profile.noise * scale, profile.drift * scale
    # The normal band: inside the valid range, clear of every limit and its dead band.
    low, high = floor, ceiling
    if profile.pattern != "binary":
        for limit in metric.limits:
            margin = limit.hysteresis + 0.05 * abs(limit.value) + resolution
            if limit.upper:
                high = min(high, limit.value - margin)
            else:
                low = max(low, limit.value + margin)
        if high <= low:
            base, noise, drift = (low + high) / 2, 0.0, 0.0
        else:
            base = min(max(base, low), high)
            reach = 1.3 * drift + noise
            if reach > 0:
                fit = min(1.0, (base - low) / reach, (high - base) / reach)
                noise, drift = noise * fit, drift * fit
    key = _key(seed, device.code, metric.code)
    spike = _spike_targets(profile, metric, uppers, lowers, noise, resolution, floor, ceiling)
    return _Track(
        metric.code,
        profile.pattern,
        base,
        noise,
        drift,
        profile.decimals,
        floor,
        ceiling,
        key,
        drift_period=7200 + key % 14400,
        wave_period=600 + (key >> 20) % 900,
        phase=(key >> 40) % 6283 / 1000,
        **spike,
    )


def _spike_targets(profile, metric, uppers, lowers, noise, resolution, floor, ceiling) -> dict:
    """The limit a spike crosses and its two peaks: just past the first limit (short
    spikes), past the second (long ones)."""
    if uppers or (not lowers and profile.side == "upper"):
        upper, limits = True, uppers or [profile.ref]
    else:
        upper, limits = False, lowers or [profile.ref]
    first = limits[0]
    second = limits[1] if len(limits) > 1 else None
    gap = abs(second - first) if second is not None else max(0.2 * abs(first), 4 * noise)
    gap = max(gap, resolution)
    sign = 1 if upper else -1
    short = first + sign * 0.4 * gap
    long = second + sign * 0.3 * gap if second is not None else first + sign * 0.6 * gap

    def clamp(value: float) -> float:
        value = min(ceiling, max(floor, value))
        return max(value, first) if upper else min(value, first)

    return {
        "first": first,
        "upper": upper,
        "peak_short": clamp(round(short, profile.decimals)),
        "peak_long": clamp(round(long, profile.decimals)),
    }


# --- the generator ----------------------------------------------------------------------------


class Generator:
    """Readings of ``devices`` at any moment; pure (no clock, no I/O, no state changes)."""

    def __init__(self, devices: Sequence[DeviceSpec], *, seed: int = 0):
        self.devices = list(devices)
        self.seed = seed
        self._tracks = [tuple(_track(d, m, seed) for m in d.metrics) for d in self.devices]
        self._roles = [
            roles_for(i, has_positive_metric=any(m.positive_only for m in d.metrics))
            for i, d in enumerate(self.devices)
        ]
        self._phase = [_key(seed, d.code, "phase") for d in self.devices]
        self._driven = [self._driven_metric(d) for d in self.devices]
        self._positive = [
            next((m.code for m in d.metrics if m.positive_only), None) for d in self.devices
        ]

    @staticmethod
    def _driven_metric(device: DeviceSpec) -> int:
        for i, metric in enumerate(device.metrics):
            if metric.limits:
                return i
        return 0

    def roles(self, index: int) -> frozenset[str]:
        return self._roles[index]

    def indices(self, role: str) -> list[int]:
        return [i for i, roles in enumerate(self._roles) if role in roles]

    def driven_metric(self, index: int) -> str:
        """The metric a misbehaving device drives over its limit."""
        return self.devices[index].metrics[self._driven[index]].code

    def _u(self, index: int, t: float, cycle: int) -> float:
        return (t + self._phase[index] % cycle) % cycle

    def silent(self, index: int, t: float) -> bool:
        return SILENT in self._roles[index] and self._u(index, t, SILENT_CYCLE) < SILENT_FOR

    def flat(self, index: int, t: float) -> bool:
        return FLAT in self._roles[index] and self._u(index, t, FLAT_CYCLE) < FLAT_FOR

    def impossible(self, index: int, t: float) -> bool:
        return (
            IMPOSSIBLE in self._roles[index]
            and self._u(index, t, IMPOSSIBLE_CYCLE) < IMPOSSIBLE_FOR
        )

    def spike(self, index: int, t: float) -> tuple[float, bool]:
        """(shape 0–1, beyond the second limit) of a misbehaving device's spike at ``t``."""
        if MISBEHAVE not in self._roles[index]:
            return 0.0, False
        u = self._u(index, t, SPIKE_CYCLE)
        for start, end, long in SPIKES:
            if start <= u < end:
                return min(1.0, (u - start) / RAMP, (end - u) / RAMP), long
        return 0.0, False

    def values(self, index: int, t: float) -> dict[str, float] | None:
        """Metric code → value of device ``index`` at Unix time ``t``; None when silent."""
        if self.silent(index, t):
            return None
        moment = t - self._u(index, t, FLAT_CYCLE) if self.flat(index, t) else t
        tracks = self._tracks[index]
        values = {track.code: track.normal(moment) for track in tracks}
        shape, long = self.spike(index, t)
        if shape > 0:
            track = tracks[self._driven[index]]
            values[track.code] = track.spiked(t, shape, long)
        if self.impossible(index, t):
            values[self._positive[index]] = 0.0
        return values

    def report(self, index: int, t: float) -> dict | None:
        """One reading group as the ingest takes it, or None when the device is silent."""
        values = self.values(index, t)
        if values is None:
            return None
        return {"device": self.devices[index].code, "ts": iso(t), "values": values}


def iso(t: float) -> str:
    return datetime.fromtimestamp(t, CST).isoformat(timespec="milliseconds")


def device_topic(credit_code: str, device_code: str, prefix: str = TOPIC_PREFIX) -> str:
    return f"{prefix}{credit_code}/{device_code}/telemetry"


def gateway_topic(credit_code: str, prefix: str = TOPIC_PREFIX) -> str:
    return f"{prefix}{credit_code}/gateway/telemetry"


def encode(groups: list[dict]) -> bytes:
    return json.dumps({"readings": groups}, ensure_ascii=False, separators=(",", ":")).encode()


# --- the database side (devices to drive, tokens) -------------------------------------------------


def load_devices(
    *, limit: int | None = None, codes: Sequence[str] | None = None
) -> list[DeviceSpec]:
    """Active devices in registration order (the first ``limit``, or those ``codes``) with
    their metrics and active thresholds."""
    from anjian.monitoring.models import Device, Metric, Threshold

    devices = Device.objects.active().select_related("enterprise", "device_type").order_by("pk")
    if codes is not None:
        devices = devices.filter(code__in=list(codes))
    devices = list(devices[:limit] if limit is not None else devices)
    metrics: dict[int, list] = {}
    for metric in Metric.objects.filter(
        device_type_id__in={d.device_type_id for d in devices}
    ).order_by("id"):
        metrics.setdefault(metric.device_type_id, []).append(metric)
    limits: dict[tuple[int, int], list[Limit]] = {}
    for device_id, metric_id, level, value, hysteresis in Threshold.objects.filter(
        device_id__in=[d.pk for d in devices], is_active=True
    ).values_list("device_id", "metric_id", "level", "value", "hysteresis"):
        limits.setdefault((device_id, metric_id), []).append(Limit(level, value, hysteresis))
    return [
        DeviceSpec(
            code=d.code,
            credit_code=d.enterprise.credit_code,
            kind=d.device_type.code,
            pk=d.pk,
            metrics=tuple(
                MetricSpec(
                    m.code,
                    m.min_valid,
                    m.max_valid,
                    m.positive_only,
                    tuple(limits.get((d.pk, m.pk), ())),
                )
                for m in metrics.get(d.device_type_id, ())
            ),
        )
        for d in devices
    ]


def issue_tokens(*, by, devices: Sequence[DeviceSpec]) -> dict[str, str]:
    """Fresh HTTP tokens for ``devices`` (their old tokens stop working), kept in memory."""
    from anjian.monitoring import services

    return {d.code: services.device_issue_token(by=by, device_id=d.pk) for d in devices}


Logins = dict[str, tuple[str, str]]  # MQTT topic → (user name, password)


def device_logins(*, by, devices: Sequence[DeviceSpec]) -> Logins:
    """Fresh tokens for ``devices`` as their MQTT logins (their old tokens stop working)."""
    tokens = issue_tokens(by=by, devices=devices)
    return {device_topic(d.credit_code, d.code): (d.code, tokens[d.code]) for d in devices}


def gateway_logins(*, by, devices: Sequence[DeviceSpec]) -> Logins:
    """A simulator gateway (``SIM-<credit code>``) for each enterprise of ``devices``, made
    if missing, with a fresh token."""
    from anjian.enterprises.models import Enterprise
    from anjian.monitoring import services
    from anjian.monitoring.models import Gateway

    logins = {}
    for credit_code in sorted({d.credit_code for d in devices}):
        code = f"SIM-{credit_code}"
        gateway = Gateway.objects.filter(code=code).first()
        if gateway is None:
            gateway, token = services.gateway_register(
                by=by,
                enterprise=Enterprise.objects.get(credit_code=credit_code),
                data={"code": code, "name": "模拟器网关"},
            )
        else:
            token = services.gateway_issue_token(by=by, gateway_id=gateway.pk)
        logins[gateway_topic(credit_code)] = (gateway.username, token)
    return logins


# --- transports -------------------------------------------------------------------------------


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
        import paho.mqtt.client as mqtt

        from anjian.monitoring.broker import Endpoint

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


# --- the runner -------------------------------------------------------------------------------


@dataclass
class Stats:
    sent: int = 0
    silent: int = 0  # turns skipped because the device is silent
    errors: int = 0
    dropped: int = 0  # turns not sent in time (during a retry pause)
    rejected: int = 0
    alarms: int = 0


class Runner:
    """Sends ``rate`` device reports per second (round-robin over the generator's devices)
    through ``transport`` until ``duration`` seconds passed or ``stop`` is set."""

    TICK = 0.1
    MAX_LAG = 2.0  # seconds of backlog kept; older turns are dropped
    MAX_BACKOFF = 30.0

    def __init__(
        self,
        generator: Generator,
        transport,
        *,
        rate: float,
        duration: float | None = None,
        report_every: float = 5.0,
        out: Callable[[str], None] = print,
        clock: Callable[[], float] = time.time,
    ):
        if rate <= 0:
            raise ValueError("rate must be positive")
        if not generator.devices:
            raise ValueError("no devices")
        self.generator, self.transport = generator, transport
        self.rate, self.duration, self.report_every = rate, duration, report_every
        self.out, self.clock = out, clock
        self.stats = Stats()

    def progress_line(self, elapsed: float) -> str:
        s = self.stats
        line = (
            f"已发送 {s.sent} 条（{s.sent / max(elapsed, 1e-9):.1f} 条/秒），"
            f"静默跳过 {s.silent}，错误 {s.errors}"
        )
        if s.dropped:
            line += f"，未按时发送而放弃 {s.dropped}"
        if s.rejected or s.alarms:
            line += f"，未入库 {s.rejected}，新报警 {s.alarms}"
        return line

    def _add(self, delivery: Delivery) -> None:
        self.stats.sent += delivery.sent
        self.stats.errors += delivery.errors
        self.stats.rejected += delivery.rejected
        self.stats.alarms += delivery.alarms

    def _due(self, start: float, turn: int, now: float) -> tuple[list[Report], int]:
        due = int((now - start) * self.rate)
        lag = int(self.MAX_LAG * self.rate) + 1
        if due - turn > lag:
            self.stats.dropped += due - turn - lag
            turn = due - lag
        reports = []
        count = len(self.generator.devices)
        for n in range(turn, due):
            index = n % count
            group = self.generator.report(index, start + n / self.rate)
            if group is None:
                self.stats.silent += 1
            else:
                reports.append(Report(self.generator.devices[index], group))
        return reports, due

    def run(self, stop: threading.Event | None = None) -> Stats:
        stop = stop or threading.Event()
        start = self.clock()
        begun = time.monotonic()
        next_report = begun + self.report_every
        turn, backoff = 0, 0.0
        while not stop.is_set():
            now = self.clock()
            if self.duration is not None and now - start >= self.duration:
                break
            reports, turn = self._due(start, turn, now)
            if reports:
                try:
                    self._add(self.transport.deliver(reports))
                    backoff = 0.0
                except Unreachable as error:
                    self._add(error.delivered)
                    self.stats.errors += (
                        len(reports) - error.delivered.sent - error.delivered.errors
                    )
                    backoff = min(max(backoff * 2, 1.0), self.MAX_BACKOFF)
                    self.out(f"{error}；{backoff:g} 秒后重试")
                    left = None if self.duration is None else start + self.duration - now
                    stop.wait(backoff if left is None else max(0.0, min(backoff, left)))
                    continue
            if time.monotonic() >= next_report:
                self.out(self.progress_line(time.monotonic() - begun))
                next_report += self.report_every
            stop.wait(self.TICK)
        return self.stats
