"""Telemetry ingest shared by MQTT and HTTP: parse, validate, store, evaluate — one batch
in one transaction.

Topics (MQTT 3.1.1 or 5, QoS 1; docs/broker.md)::

    anjian/v1/<enterprise credit code>/<device code>/telemetry   one device's readings
    anjian/v1/<enterprise credit code>/gateway/telemetry         a gateway, several devices

Payload (UTF-8 JSON; HTTP ``POST /api/v1/monitoring/devices/<code>/telemetry`` takes the
same body)::

    {"readings": [{"device": "TK-101", "ts": "2026-12-02T09:00:00+08:00",
                   "values": {"level": 3.42, "temp": 21.5}}, ...]}

``device`` may be left out on a device topic; ``ts`` is ISO 8601 with an offset or Unix
time in seconds or milliseconds. Whatever cannot be stored goes to ``DeadLetter`` with its
reason (unknown device, bad token, malformed JSON, unknown metric, out-of-range value,
timestamp in the future, too old or duplicated); the valid readings of the same message
are kept. Readings are idempotent on (device, metric, ts): a redelivered message stores
nothing twice.
"""

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.monitoring import engine, partitions, storage
from anjian.monitoring.choices import DeviceState, QualityKind, RejectReason
from anjian.monitoring.models import (
    DeadLetter,
    Device,
    Metric,
    QualityFlag,
    Threshold,
)

TOPIC_PREFIX = "anjian/v1/"
GATEWAY = "gateway"
PAYLOAD_EXCERPT = 2000
# How often one device's row is touched to say it is alive (a device reporting every 10 s
# would otherwise update its row on every batch).
SEEN_EVERY = timedelta(seconds=30)


@dataclass(frozen=True)
class MetricInfo:
    id: int
    min_valid: float
    max_valid: float
    positive_only: bool


@dataclass(frozen=True)
class DeviceInfo:
    id: int
    code: str
    credit_code: str
    is_active: bool
    token_hash: str
    metrics: dict  # metric code → MetricInfo


@dataclass
class Message:
    channel: str  # "mqtt" / "http"
    topic: str
    payload: bytes
    device: DeviceInfo | None = None  # HTTP: the device the token authenticated


@dataclass
class Result:
    stored: int = 0
    rejected: int = 0
    raised: list = field(default_factory=list)
    recovered: list = field(default_factory=list)
    rejects: list = field(default_factory=list)  # DeadLetter rows (unsaved copies)


class Registry:
    """Devices, metrics and thresholds as the ingest reads them, cached per process.

    Reloaded after ``MONITORING_REGISTRY_SECONDS`` (default 15) and at once in this
    process when a device, metric or threshold is saved (signals below); another process
    sees a change within the period."""

    def __init__(self):
        self._lock = threading.Lock()
        self._loaded_at = 0.0
        self._ttl = 0.0
        self._devices: dict[str, DeviceInfo] = {}
        self._rules: dict[tuple[int, int], list[engine.Rule]] = {}

    def clear(self) -> None:
        self._loaded_at = 0.0

    def _fresh(self) -> None:
        if time.monotonic() - self._loaded_at < self._ttl:
            return
        with self._lock:
            self._ttl = float(settings.MONITORING_REGISTRY_SECONDS)
            if time.monotonic() - self._loaded_at < self._ttl:
                return
            metrics: dict[int, dict] = {}
            for m in Metric.objects.values(
                "id", "device_type_id", "code", "min_valid", "max_valid", "positive_only"
            ):
                metrics.setdefault(m["device_type_id"], {})[m["code"]] = MetricInfo(
                    m["id"], m["min_valid"], m["max_valid"], m["positive_only"]
                )
            devices = {
                d["code"]: DeviceInfo(
                    d["id"],
                    d["code"],
                    d["enterprise__credit_code"],
                    d["is_active"],
                    d["token_hash"],
                    metrics.get(d["device_type_id"], {}),
                )
                for d in Device.objects.values(
                    "id",
                    "code",
                    "enterprise__credit_code",
                    "is_active",
                    "token_hash",
                    "device_type_id",
                )
            }
            rules: dict[tuple[int, int], list[engine.Rule]] = {}
            for t in Threshold.objects.filter(is_active=True, device__is_active=True).values(
                "id", "device_id", "metric_id", "level", "value", "hysteresis",
                "min_duration_seconds",
            ):  # fmt: skip
                rules.setdefault((t["device_id"], t["metric_id"]), []).append(
                    engine.Rule(
                        t["id"],
                        t["device_id"],
                        t["metric_id"],
                        t["level"],
                        t["value"],
                        t["hysteresis"],
                        timedelta(seconds=t["min_duration_seconds"]),
                    )
                )
            self._devices, self._rules = devices, rules
            self._loaded_at = time.monotonic()

    def device(self, code: str) -> DeviceInfo | None:
        self._fresh()
        return self._devices.get(code)

    def rules_for(self, key: tuple[int, int]) -> list[engine.Rule]:
        return self._rules.get(key, ())

    def codes(self) -> tuple[dict[int, str], dict[int, str]]:
        """Device codes and metric codes by id (for messages about stored rows)."""
        self._fresh()
        devices = {info.id: info.code for info in self._devices.values()}
        metrics = {
            metric.id: code
            for info in self._devices.values()
            for code, metric in info.metrics.items()
        }
        return devices, metrics


registry = Registry()


def _forget(**kwargs) -> None:
    registry.clear()


for _model in (Device, Metric, Threshold):
    post_save.connect(_forget, sender=_model, dispatch_uid=f"ingest-registry-{_model.__name__}")


# --- parsing ------------------------------------------------------------------------------


class Rejected(Exception):
    def __init__(self, reason: str, detail: str = "", device: str = "", metric: str = ""):
        super().__init__(detail)
        self.reason, self.detail, self.device, self.metric = reason, detail, device, metric


def parse_ts(raw) -> datetime:
    if isinstance(raw, bool):
        raise Rejected(RejectReason.BAD_TIMESTAMP, _("时间应为 ISO 8601 或 Unix 时间戳"))
    if isinstance(raw, int | float):
        seconds = raw / 1000 if raw > 1e11 else raw
        try:
            return datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError):
            raise Rejected(RejectReason.BAD_TIMESTAMP, _("时间戳超出范围")) from None
    if isinstance(raw, str):
        try:
            value = datetime.fromisoformat(raw.strip())
        except ValueError:
            raise Rejected(RejectReason.BAD_TIMESTAMP, _("无法识别的时间：%s") % raw[:40]) from None
        if value.tzinfo is None:
            raise Rejected(RejectReason.BAD_TIMESTAMP, _("时间缺少时区（如 +08:00）"))
        return value
    raise Rejected(RejectReason.BAD_TIMESTAMP, _("缺少时间 ts"))


def topic_parts(topic: str) -> tuple[str, str] | None:
    """(credit code, device code or ``gateway``) of a telemetry topic, else None."""
    if not topic.startswith(TOPIC_PREFIX) or not topic.endswith("/telemetry"):
        return None
    parts = topic[len(TOPIC_PREFIX) : -len("/telemetry")].split("/")
    if len(parts) != 2 or not all(parts):
        return None
    return parts[0], parts[1]


class _Batch:
    """Readings and rejections of the messages of one batch, before storing."""

    def __init__(self, now: datetime):
        self.now = now
        self.future_limit = now + timedelta(seconds=settings.MONITORING_FUTURE_TOLERANCE_SECONDS)
        self.oldest = partitions.cutoff(now.date())
        self.readings: dict[tuple[int, int, datetime], float] = {}
        self.rejects: list[DeadLetter] = []
        self.impossible: set[tuple[int, int]] = set()
        self.added: list[tuple[int, int, datetime]] = []  # keys of the message being parsed

    def reject(self, message: Message, error: Rejected, payload: str = "") -> None:
        self.rejects.append(
            DeadLetter(
                received_at=self.now,
                channel=message.channel,
                topic=message.topic[:200],
                device_code=str(error.device)[:64],
                metric_code=str(error.metric)[:64],
                reason=error.reason,
                detail=str(error.detail)[:300],
                payload=payload[:PAYLOAD_EXCERPT],
            )
        )

    def add_message(self, message: Message) -> None:
        """Parse one message into the batch. Whatever goes wrong with this message (even a
        parser that gives up on 5,000 levels of nesting) rejects this message only: its
        readings parsed so far are withdrawn and the rest of the batch goes on."""
        text = message.payload.decode("utf-8", errors="replace")
        rejects, self.added = len(self.rejects), []
        try:
            self._add_message(message, text)
        except Exception as error:  # one message must never stop the batch
            for key in self.added:
                self.readings.pop(key, None)
            del self.rejects[rejects:]
            detail = (
                _("报文嵌套过深，无法解析")
                if isinstance(error, RecursionError)
                else _("报文无法处理：%s") % type(error).__name__
            )
            self.reject(message, Rejected(RejectReason.MALFORMED, detail), text)

    def _add_message(self, message: Message, text: str) -> None:
        try:
            body = json.loads(message.payload)
        except (ValueError, UnicodeDecodeError) as error:
            self.reject(
                message, Rejected(RejectReason.MALFORMED, _("不是有效的 JSON：%s") % error), text
            )
            return
        topic_device = topic_credit = None
        if message.channel == "mqtt":
            parts = topic_parts(message.topic)
            if parts is None:
                self.reject(message, Rejected(RejectReason.MALFORMED, _("主题格式错误")), text)
                return
            topic_credit, topic_device = parts
            if topic_device == GATEWAY:
                topic_device = None
        elif message.device is not None:
            topic_device = message.device.code
        groups = body.get("readings") if isinstance(body, dict) else body
        if not isinstance(groups, list) or not groups:
            self.reject(
                message, Rejected(RejectReason.MALFORMED, _("缺少 readings 数组或为空")), text
            )
            return
        for group in groups:
            try:
                self._add_group(message, group, topic_device, topic_credit)
            except Rejected as error:
                self.reject(message, error, json.dumps(group, ensure_ascii=False, default=str))

    def _add_group(self, message, group, topic_device, topic_credit) -> None:
        if not isinstance(group, dict):
            raise Rejected(RejectReason.MALFORMED, _("每条读数应为 JSON 对象"))
        code = group.get("device", topic_device)
        if not isinstance(code, str) or not code:
            raise Rejected(RejectReason.MALFORMED, _("缺少设备编码 device"))
        if topic_device is not None and code != topic_device:
            raise Rejected(RejectReason.TOPIC_MISMATCH, _("报文中的设备与地址不符"), code)
        device = registry.device(code)
        if device is None:
            raise Rejected(RejectReason.UNKNOWN_DEVICE, _("设备 %s 未登记") % code[:48], code)
        if not device.is_active:
            raise Rejected(RejectReason.INACTIVE_DEVICE, _("设备已停用"), code)
        if topic_credit is not None and device.credit_code != topic_credit:
            raise Rejected(
                RejectReason.TOPIC_MISMATCH, _("设备不属于主题中的单位 %s") % topic_credit, code
            )
        ts = parse_ts(group.get("ts"))
        if ts > self.future_limit:
            raise Rejected(
                RejectReason.FUTURE_TIMESTAMP, _("时间 %s 晚于当前时间") % ts.isoformat(), code
            )
        if ts < self.oldest:
            raise Rejected(RejectReason.TOO_OLD, _("时间 %s 早于数据保留期") % ts.isoformat(), code)
        values = group.get("values")
        if not isinstance(values, dict) or not values:
            raise Rejected(RejectReason.MALFORMED, _("缺少 values 对象或为空"), code)
        for metric_code, raw in values.items():
            self._add_value(message, device, metric_code, ts, raw)

    def _add_value(self, message, device: DeviceInfo, metric_code, ts, raw) -> None:
        metric = device.metrics.get(metric_code)
        if metric is None:
            self.reject(
                message,
                Rejected(
                    RejectReason.UNKNOWN_METRIC,
                    _("设备类型没有监测项 %s") % str(metric_code)[:32],
                    device.code,
                    metric_code,
                ),
                json.dumps({metric_code: raw}, ensure_ascii=False, default=str),
            )
            return
        if isinstance(raw, bool) or not isinstance(raw, int | float) or raw != raw:
            self.reject(
                message,
                Rejected(RejectReason.BAD_VALUE, _("数值应为数字"), device.code, metric_code),
                json.dumps({metric_code: raw}, ensure_ascii=False, default=str),
            )
            return
        value = float(raw)
        if not metric.min_valid <= value <= metric.max_valid:
            self.impossible.add((device.id, metric.id))
            self.reject(
                message,
                Rejected(
                    RejectReason.OUT_OF_RANGE,
                    _("%(v)g 超出有效范围 %(lo)g–%(hi)g")
                    % {"v": value, "lo": metric.min_valid, "hi": metric.max_valid},
                    device.code,
                    metric_code,
                ),
                json.dumps({metric_code: raw, "ts": ts.isoformat()}, ensure_ascii=False),
            )
            return
        if metric.positive_only and value <= 0:
            self.impossible.add((device.id, metric.id))
        key = (device.id, metric.id, ts)
        if key in self.readings:
            self.reject(
                message,
                Rejected(
                    RejectReason.DUPLICATE,
                    _("同一时间的读数重复出现"),
                    device.code,
                    metric_code,
                ),
                json.dumps({metric_code: raw, "ts": ts.isoformat()}, ensure_ascii=False),
            )
            return
        self.readings[key] = value
        self.added.append(key)


def _mark_seen(device_ids: set[int], now: datetime) -> None:
    """Devices that reported are online; each row is touched at most every SEEN_EVERY,
    and locked in id order (several workers mark the same devices)."""
    due = Device.objects.filter(pk__in=sorted(device_ids)).exclude(
        state=DeviceState.ONLINE, last_seen_at__gte=now - SEEN_EVERY
    )
    ids = list(due.order_by("pk").select_for_update(skip_locked=True).values_list("pk", flat=True))
    if ids:
        Device.objects.filter(pk__in=ids).update(last_seen_at=now, state=DeviceState.ONLINE)


def _flag_impossible(keys: set[tuple[int, int]], now: datetime) -> None:
    for device_id, metric_id in sorted(keys):
        if QualityFlag.objects.filter(
            device_id=device_id, metric_id=metric_id, kind=QualityKind.IMPOSSIBLE, cleared_at=None
        ).exists():
            continue
        try:
            with transaction.atomic():
                QualityFlag.objects.create(
                    device_id=device_id,
                    metric_id=metric_id,
                    kind=QualityKind.IMPOSSIBLE,
                    at=now,
                    detail=_("收到不可能的数值（超出有效范围或非正值）"),
                )
        except IntegrityError:  # another worker flagged it at the same moment
            pass


def accept(messages: list[Message], now: datetime | None = None) -> Result:
    """Store one batch of messages and evaluate it, in one transaction. The caller
    acknowledges the messages (MQTT) or answers (HTTP) only after this returns."""
    now = now or timezone.now()
    batch = _Batch(now)
    for message in messages:
        batch.add_message(message)
    rows = [(d, m, t, v) for (d, m, t), v in batch.readings.items()]
    result = Result()
    with transaction.atomic():
        stored = []
        if rows:
            stored = storage.store(rows)
            if len(stored) < len(rows):
                _reject_duplicates(batch, rows, stored, messages)
            _mark_seen({row[0] for row in rows}, now)
        if batch.impossible:
            _flag_impossible(batch.impossible, now)
        if batch.rejects:
            DeadLetter.objects.bulk_create(batch.rejects, batch_size=500)
        outcome = engine.evaluate(stored, registry.rules_for) if stored else engine.Outcome()
    result.stored = len(stored)
    result.rejected = len(batch.rejects)
    result.rejects = batch.rejects
    result.raised, result.recovered = outcome.raised, outcome.recovered
    return result


def dead_letter(message: Message, *, reason: str, detail: str) -> None:
    """Set one message aside with its reason (a message the ingest could not store even
    on its own); its own transaction, so the caller can acknowledge it afterwards."""
    with transaction.atomic():
        DeadLetter.objects.create(
            channel=message.channel,
            topic=message.topic[:200],
            reason=reason,
            detail=detail[:300],
            payload=message.payload[:PAYLOAD_EXCERPT].decode("utf-8", errors="replace"),
        )


def _reject_duplicates(batch: _Batch, rows, stored, messages) -> None:
    kept = {(r[0], r[1], r[2]) for r in stored}
    codes, metric_codes = registry.codes()
    channel = messages[0].channel if messages else "mqtt"
    for device_id, metric_id, ts, value in rows:
        if (device_id, metric_id, ts) in kept:
            continue
        batch.rejects.append(
            DeadLetter(
                received_at=batch.now,
                channel=channel,
                device_code=codes.get(device_id, str(device_id)),
                metric_code=metric_codes.get(metric_id, str(metric_id)),
                reason=RejectReason.DUPLICATE,
                detail=_("该时间的读数已入库（重复投递）"),
                payload=json.dumps({"ts": ts.isoformat(), "value": value}),
            )
        )
