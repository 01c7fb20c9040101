"""Monitoring and early warning (监测预警): devices, their readings, thresholds and alarms.

Readings arrive by MQTT or HTTP (``monitoring.ingest``); each batch is stored, the latest
value per device and metric is kept in ``LatestReading`` for the console, and the batch is
evaluated against the device's thresholds as it arrives (``monitoring.engine``). On
PostgreSQL ``monitoring_reading`` is partitioned by month (``monitoring.partitions``).
"""

import hashlib
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anjian.core.models import TransitionRecord, VersionedModel
from anjian.core.scoping import ScopedQuerySet, ScopePaths
from anjian.enterprises.owned import EnterpriseOwned
from anjian.monitoring import display, hashes
from anjian.monitoring.choices import (
    GRADE_COLOURS,
    OPEN_ALARM_STATES,
    AlarmCause,
    AlarmState,
    DeviceCategory,
    DeviceState,
    EscalationStep,
    ThresholdLevel,
    grade_of,
)

# Registered through this module, as every model of the app (split only to keep it short).
from anjian.monitoring.intake_models import (  # noqa: F401
    DeadLetter,
    QualityFlag,
    TelemetryAuthFailure,
)

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,47}$",
    _("编码只能由字母、数字、下划线、点和短横线组成（1–48 位，字母或数字开头）"),
)
# What reports under its code (devices, gateways): the code is a level of the MQTT topic,
# and NATS (the production broker) cannot carry a "." inside a topic level.
reporter_code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_-]{0,47}$",
    _("编码只能由字母、数字、下划线和短横线组成（1–48 位，字母或数字开头；不能含“.”）"),
)


class DeviceType(models.Model):
    """A kind of sensor or monitor and the metrics it reports (液位计: level, temperature)."""

    code = models.CharField(_("编码"), max_length=48, unique=True, validators=[code_validator])
    name = models.CharField(_("名称"), max_length=80)
    category = models.CharField(_("类别"), max_length=16, choices=DeviceCategory.choices)

    class Meta:
        verbose_name = _("设备类型")
        verbose_name_plural = _("设备类型")
        ordering = ["category", "code"]

    def __str__(self) -> str:
        return self.name


class Metric(models.Model):
    device_type = models.ForeignKey(DeviceType, on_delete=models.PROTECT, related_name="metrics")
    code = models.CharField(_("编码"), max_length=32, validators=[code_validator])
    name = models.CharField(_("名称"), max_length=60)
    unit = models.CharField(_("单位"), max_length=16, blank=True)
    min_valid = models.FloatField(_("有效下限"))
    max_valid = models.FloatField(_("有效上限"))
    # A reading of exactly zero or below cannot be real (a pressure, a water level): such
    # values are stored but flagged as impossible in the data-quality figures.
    positive_only = models.BooleanField(_("只能为正"), default=False)
    sampling_seconds = models.PositiveIntegerField(
        _("采样间隔（秒）"), default=10, validators=[MinValueValidator(1)]
    )
    # A real sensor's value always moves a little: this many identical samples in a row
    # is a flat line (a stuck or faked sensor). 0 = not checked (on/off signals).
    flat_line_samples = models.PositiveIntegerField(_("不变判定（次）"), default=60)
    # How its values read everywhere (pages, notices, texts, chart tooltips, the ledger):
    # this many decimals, whatever the float carries (``monitoring.display``).
    decimals = models.PositiveSmallIntegerField(
        _("小数位数"), default=2, validators=[MaxValueValidator(6)]
    )
    # An on/off signal (0/1) names what 1 means — 火警, 故障 — and reads as that word,
    # never as a number; empty for a measured value.
    signal_label = models.CharField(
        _("开关量含义"),
        max_length=20,
        blank=True,
        help_text=_("开关量（0/1）监测项：值为 1 时的含义，如“火警”“故障”；测量值留空"),
    )

    class Meta:
        verbose_name = _("监测项")
        verbose_name_plural = _("监测项")
        ordering = ["device_type", "id"]
        constraints = [
            models.UniqueConstraint(fields=["device_type", "code"], name="metric_code_per_type"),
            models.CheckConstraint(
                condition=models.Q(min_valid__lt=models.F("max_valid")), name="metric_valid_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）" if self.unit else self.name

    @property
    def is_signal(self) -> bool:
        return bool(self.signal_label)


class DeviceQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(is_active=True)


class Reporter(VersionedModel):
    """Something that reports telemetry under its own secret token: over HTTP the token
    itself, over MQTT the token as the broker password. Only hashes are kept: SHA-256 for
    HTTP, and the hashes the brokers read from the files ``anjian broker_auth`` writes —
    bcrypt for NATS, PBKDF2-SHA512 for Mosquitto. The token is 32 random bytes, so a low
    bcrypt cost loses nothing and keeps a reconnect storm of thousands of devices cheap."""

    BCRYPT_COST = 5

    token_hash = models.CharField(max_length=64, editable=False)
    broker_bcrypt = models.CharField(max_length=60, editable=False, blank=True)
    broker_pbkdf2 = models.CharField(max_length=120, editable=False, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    TOKEN_PREFIX = "dv_"

    class Meta:
        abstract = True

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def issue_token(self) -> str:
        """A new secret; only its hashes are kept (the token is shown once)."""
        token = self.TOKEN_PREFIX + secrets.token_urlsafe(24)
        self.token_hash = self.hash_token(token)
        self.broker_bcrypt = hashes.bcrypt_hash(token, cost=self.BCRYPT_COST)
        self.broker_pbkdf2 = hashes.pbkdf2_hash(token)
        return token

    def token_matches(self, token: str) -> bool:
        return bool(self.token_hash) and secrets.compare_digest(
            self.token_hash, self.hash_token(token or "")
        )

    @property
    def token_fields(self) -> dict:
        return {
            "token_hash": self.token_hash,
            "broker_bcrypt": self.broker_bcrypt,
            "broker_pbkdf2": self.broker_pbkdf2,
        }


class Device(EnterpriseOwned, Reporter):
    """A sensor or monitor of one enterprise. ``scope_region_code`` and ``industry`` are
    copied from the enterprise (``EnterpriseOwned``), like hazards'."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="devices",
        verbose_name=_("所属单位"),
    )
    device_type = models.ForeignKey(
        DeviceType, on_delete=models.PROTECT, related_name="devices", verbose_name=_("设备类型")
    )
    code = models.CharField(
        _("设备编码"),
        max_length=48,
        unique=True,
        validators=[reporter_code_validator],
        help_text=_("设备上报时使用的编码（MQTT 主题和 HTTP 地址中的设备段）"),
    )
    name = models.CharField(_("名称"), max_length=80)
    risk_point = models.ForeignKey(
        "risks.RiskPoint",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="devices",
        verbose_name=_("风险点"),
    )
    # The major hazard source it watches (一源一档), of its own enterprise; monitoring does
    # not import hazchem (a layer above it): the reference is by name, and the checks read
    # the source through this relation (services._check_device).
    hazard_source = models.ForeignKey(
        "hazchem.MajorHazardSource",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="devices",
        verbose_name=_("重大危险源"),
    )
    location = models.CharField(_("安装位置"), max_length=240, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    state = models.CharField(
        _("状态"), max_length=8, choices=DeviceState.choices, default=DeviceState.NEVER
    )
    last_seen_at = models.DateTimeField(_("最后上报时间"), null=True, blank=True)
    offline_after_seconds = models.PositiveIntegerField(
        _("离线判定（秒）"),
        default=300,
        validators=[MinValueValidator(30)],
        help_text=_("超过该时间没有上报即判定离线"),
    )
    # Indexed on its own as well (the console's street and district counts).
    scope_region_code = models.CharField(max_length=24, editable=False, db_index=True)

    objects = DeviceQuerySet.as_manager()

    class Meta:
        verbose_name = _("监测设备")
        verbose_name_plural = _("监测设备")
        ordering = ["enterprise", "code"]
        indexes = [
            models.Index(
                fields=["scope_region_code", "state"],
                name="device_scope_state",
                opclasses=["varchar_pattern_ops", "varchar_ops"],
            ),
            models.Index(
                fields=["last_seen_at"],
                name="device_online_seen",
                condition=models.Q(is_active=True, state="online"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:device_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        self.copy_enterprise_scope()
        super().save(*args, **kwargs)

    @property
    def topic(self) -> str:
        return f"anjian/v1/{self.enterprise.credit_code}/{self.code}/telemetry"

    @property
    def is_major_hazard_source(self) -> bool:
        """重大危险源监测 — derived from the link, never set on its own."""
        return self.hazard_source_id is not None


class GatewayQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(is_active=True)


class Gateway(Reporter):
    """A data gateway (数据采集网关) of one enterprise: it reports for several of the
    enterprise's devices in one message on the enterprise's gateway topic, and logs in to
    the broker with its own token. Readings it carries must name devices of its enterprise
    (the ingest checks each one)."""

    TOKEN_PREFIX = "gw_"
    scope_paths = ScopePaths(
        region="enterprise__scope_region_code",
        industry="enterprise__industry_id",
        enterprise="enterprise_id",
    )

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="gateways",
        verbose_name=_("所属单位"),
    )
    code = models.CharField(
        _("网关编码"),
        max_length=48,
        unique=True,
        validators=[reporter_code_validator],
        help_text=_("网关登录消息服务器的用户名为“gw.编码”"),
    )
    name = models.CharField(_("名称"), max_length=80)
    location = models.CharField(_("安装位置"), max_length=120, blank=True)

    objects = GatewayQuerySet.as_manager()

    class Meta:
        verbose_name = _("采集网关")
        verbose_name_plural = _("采集网关")
        ordering = ["enterprise", "code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:gateway_detail", args=[self.pk])

    @property
    def username(self) -> str:
        return f"gw.{self.code}"

    @property
    def topic(self) -> str:
        return f"anjian/v1/{self.enterprise.credit_code}/gateway/telemetry"


class Threshold(VersionedModel):
    """A limit on one metric of one device. A value at or beyond ``value`` (above for the
    high levels, below for the low) for at least ``min_duration_seconds`` raises an alarm;
    the breach ends only when the value is back by more than ``hysteresis`` (dead band),
    so a value hovering at the limit does not flap. Read through its (scoped) device."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="thresholds")
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("级别"), max_length=10, choices=ThresholdLevel.choices)
    value = models.FloatField(_("阈值"))
    hysteresis = models.FloatField(_("回差（死区）"), default=0, validators=[MinValueValidator(0)])
    min_duration_seconds = models.PositiveIntegerField(_("持续时间（秒）"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("报警阈值")
        verbose_name_plural = _("报警阈值")
        ordering = ["device", "metric", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["device", "metric", "level"], name="threshold_once_per_level"
            )
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.level_label} {self.value_text}"

    @property
    def level_label(self) -> str:
        return display.level_label(self.metric, self.level)

    @property
    def value_text(self) -> str:
        return display.value_text(self.metric, self.value)


class DutyPerson(models.Model):
    """Who is told first, and must acknowledge, when an enterprise's device alarms.
    Written through ``services.duty_person_set`` (which checks the enterprise's scope)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="duty_persons"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    phone = models.CharField(_("值班电话"), max_length=20, blank=True)
    is_active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        verbose_name = _("值班人员")
        verbose_name_plural = _("值班人员")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "user"], name="duty_person_once")
        ]

    def __str__(self) -> str:
        return str(self.user)


class Reading(models.Model):
    """One value of one metric of one device at one moment. Idempotent on its key: a
    redelivered message stores nothing twice. PostgreSQL: partitioned by month on ``ts``
    (created by migration 0001's SQL, not by Django)."""

    pk = models.CompositePrimaryKey("device_id", "metric_id", "ts")
    # No foreign-key constraints or extra indexes: the key is the only index, so a batch
    # costs one index insert per row (devices and metrics are never deleted).
    device = models.ForeignKey(
        Device, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    metric = models.ForeignKey(
        Metric, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    ts = models.DateTimeField()
    value = models.FloatField()

    class Meta:
        verbose_name = _("监测读数")
        verbose_name_plural = _("监测读数")

    def __str__(self) -> str:
        return f"{self.device_id}/{self.metric_id}@{self.ts:%Y-%m-%d %H:%M:%S} = {self.value:g}"


class LatestReading(models.Model):
    """The newest value per device and metric: what the console and the map show."""

    pk = models.CompositePrimaryKey("device_id", "metric_id")
    device = models.ForeignKey(
        Device,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="latest",
    )
    metric = models.ForeignKey(
        Metric, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    ts = models.DateTimeField()
    value = models.FloatField()
    unchanged = models.PositiveIntegerField(default=0)  # identical samples in a row so far

    class Meta:
        verbose_name = _("最新读数")
        verbose_name_plural = _("最新读数")

    def __str__(self) -> str:
        return f"{self.device_id}/{self.metric_id} = {self.value:g}"


class BreachState(models.Model):
    """A threshold currently breached (from ``since``); gone when the value is back past
    the dead band. Only breaching readings write here, so a healthy batch reads one small
    index and writes nothing."""

    threshold = models.OneToOneField(
        Threshold, on_delete=models.CASCADE, primary_key=True, related_name="breach"
    )
    since = models.DateTimeField()
    last_ts = models.DateTimeField()
    peak = models.FloatField()
    alarm = models.ForeignKey(
        "Alarm", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.threshold_id} since {self.since:%Y-%m-%d %H:%M:%S}"


class AlarmQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(state__in=OPEN_ALARM_STATES)


class Alarm(EnterpriseOwned, VersionedModel):
    """A threshold breach that lasted: active → acknowledged → disposed (with a cause);
    ``recovered_at`` when the value came back. Unacknowledged alarms escalate
    enterprise → street → district (``monitoring.sweeps``)."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="alarms")
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, related_name="+")
    threshold = models.ForeignKey(Threshold, on_delete=models.PROTECT, related_name="alarms")
    level = models.CharField(_("级别"), max_length=10, choices=ThresholdLevel.choices)
    limit = models.FloatField(_("阈值"))
    value = models.FloatField(_("报警值"))
    peak = models.FloatField(_("峰值"))
    breach_since = models.DateTimeField(_("超限开始"))
    raised_at = models.DateTimeField(_("报警时间"))  # the reading's time; created_at = evaluated
    state = models.CharField(
        _("状态"), max_length=12, choices=AlarmState.choices, default=AlarmState.ACTIVE
    )
    recovered_at = models.DateTimeField(_("恢复时间"), null=True, blank=True)
    escalation = models.PositiveSmallIntegerField(
        _("已通知至"), choices=EscalationStep.choices, default=EscalationStep.ENTERPRISE
    )
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    disposed_at = models.DateTimeField(_("处置时间"), null=True, blank=True)
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cause = models.CharField(_("原因"), max_length=12, choices=AlarmCause.choices, blank=True)
    disposal_note = models.TextField(_("处置情况"), max_length=2000, blank=True)
    hazard = models.OneToOneField(
        "hazards.Hazard",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alarm",
        verbose_name=_("转为隐患"),
    )

    objects = AlarmQuerySet.as_manager()

    class Meta:
        verbose_name = _("报警")
        verbose_name_plural = _("报警")
        ordering = ["-raised_at", "-id"]
        constraints = [
            # One alarm per threshold until it recovers or is disposed, whichever worker
            # evaluates the readings.
            models.UniqueConstraint(
                fields=["threshold"],
                condition=models.Q(recovered_at__isnull=True)
                & ~models.Q(state=AlarmState.DISPOSED),
                name="alarm_one_open_per_threshold",
            )
        ]
        indexes = [
            models.Index(
                fields=["scope_region_code", "-raised_at"],
                name="alarm_scope_raised",
                opclasses=["varchar_pattern_ops", "timestamptz_ops"],
            ),
            models.Index(
                fields=["raised_at"],
                name="alarm_unacknowledged",
                condition=models.Q(state=AlarmState.ACTIVE),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.device} {self.level_label} {self.value_text}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:alarm_detail", args=[self.pk])

    @property
    def grade(self) -> int:
        return grade_of(self.level)

    @property
    def colour(self) -> str:
        """The badge colour of its grade (一级 red, 二级 orange)."""
        return GRADE_COLOURS[self.grade]

    # How it reads (``monitoring.display``): the metric's precision, a signal's meaning.
    @property
    def level_label(self) -> str:
        return display.level_label(self.metric, self.level)

    @property
    def reading_text(self) -> str:
        return display.alarm_reading(self)

    @property
    def value_text(self) -> str:
        return display.value_text(self.metric, self.value)

    @property
    def peak_text(self) -> str:
        return display.value_text(self.metric, self.peak)

    @property
    def limit_text(self) -> str:
        return display.value_text(self.metric, self.limit)


class AlarmEvent(TransitionRecord):
    """The alarm's timeline: raised, escalated, acknowledged, recovered, disposed, hazard
    (the transitions of ``lifecycle.ALARM`` and the events around them)."""

    alarm = models.ForeignKey(Alarm, on_delete=models.CASCADE, related_name="events")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("报警处理记录")
        verbose_name_plural = _("报警处理记录")

    def __str__(self) -> str:
        return f"{self.alarm_id} {self.action}"
