"""What the telemetry intake refused (未入库报文, 认证失败的上报) and the data-quality
findings on devices — records about the data rather than the data; split from
``models.py`` (imported there, so the app's models stay ``anjian.monitoring.models.*``)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.monitoring.choices import Channel, QualityKind, RejectReason


class DeadLetter(models.Model):
    """Something the ingest could not store, with the reason; valid readings of the same
    message were kept. Administrators read these on the dead-letter page."""

    received_at = models.DateTimeField(_("接收时间"), default=timezone.now)
    channel = models.CharField(_("通道"), max_length=4, choices=Channel.choices)
    topic = models.CharField(_("主题/地址"), max_length=200, blank=True)
    device_code = models.CharField(_("设备编码"), max_length=64, blank=True)
    metric_code = models.CharField(_("监测项"), max_length=64, blank=True)
    reason = models.CharField(_("原因"), max_length=20, choices=RejectReason.choices)
    detail = models.CharField(_("说明"), max_length=300, blank=True)
    payload = models.TextField(_("报文（节选）"), max_length=4000, blank=True)

    class Meta:
        verbose_name = _("未入库报文")
        verbose_name_plural = _("未入库报文")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["-received_at"], name="dead_letter_recent")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.device_code}"


class TelemetryAuthFailure(models.Model):
    """Telemetry that did not authenticate over HTTP (unknown device, wrong token), counted
    per source address, device code and reason instead of stored: a flood costs one row
    per (address, code), never one per request, and its body is not kept."""

    source = models.GenericIPAddressField(_("来源地址"))
    device_code = models.CharField(_("设备编码"), max_length=64, blank=True)
    reason = models.CharField(_("原因"), max_length=20, choices=RejectReason.choices)
    count = models.PositiveBigIntegerField(_("次数"), default=0)
    first_at = models.DateTimeField(_("首次"), default=timezone.now)
    last_at = models.DateTimeField(_("最近"), default=timezone.now)

    class Meta:
        verbose_name = _("认证失败的上报")
        verbose_name_plural = _("认证失败的上报")
        ordering = ["-last_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "device_code", "reason"], name="telemetry_auth_failure_key"
            )
        ]
        indexes = [models.Index(fields=["-last_at"], name="telemetry_auth_failure_recent")]

    def __str__(self) -> str:
        return f"{self.source} {self.device_code} ×{self.count}"


class QualityFlag(models.Model):
    """A data-quality finding on a device (flat line, impossible value, gap, changed
    thresholds/settings), shown beside its online rate and counted in the figures. Read
    through its (scoped) device."""

    device = models.ForeignKey(
        "monitoring.Device", on_delete=models.PROTECT, related_name="quality_flags"
    )
    metric = models.ForeignKey(
        "monitoring.Metric", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=QualityKind.choices)
    at = models.DateTimeField(_("发现时间"), default=timezone.now)
    detail = models.CharField(_("说明"), max_length=300, blank=True)
    cleared_at = models.DateTimeField(_("消除时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("数据质量问题")
        verbose_name_plural = _("数据质量问题")
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["device", "metric", "kind"],
                condition=models.Q(cleared_at__isnull=True, metric__isnull=False),
                name="quality_flag_open_once",
            ),
            models.UniqueConstraint(
                fields=["device", "kind"],
                condition=models.Q(cleared_at__isnull=True, metric__isnull=True),
                name="quality_flag_device_open_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.device} {self.get_kind_display()}"
