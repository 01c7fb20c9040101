"""Periodic monitoring sweeps: alarm escalation and offline detection.

Plain functions of ``now`` that tests call directly; ``tasks.py`` wraps them for the
scheduler. Idempotent and safe with several workers: every step is a conditional UPDATE
that one worker wins, and notices carry dedupe keys.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.notifications import notify
from anjian.monitoring import channels
from anjian.monitoring.choices import AlarmState, DeviceState, EscalationStep, QualityKind
from anjian.monitoring.lifecycle import ALARM
from anjian.monitoring.models import Alarm, Device, LatestReading, QualityFlag
from anjian.monitoring.recipients import duty_users, step_users


def escalation_minutes() -> dict[int, int]:
    """Minutes an alarm may stay unacknowledged before each rung is told
    (``MONITORING_ESCALATION_MINUTES``, from ANJIAN_MONITORING_ESCALATION_MINUTES)."""
    configured = settings.MONITORING_ESCALATION_MINUTES
    return {
        EscalationStep.STREET: configured["street"],
        EscalationStep.DISTRICT: configured["district"],
    }


def escalate_alarms(now: datetime | None = None) -> int:
    """Tell the street, then the district, of alarms nobody acknowledged in time.
    A recovered alarm still waits for its disposal but climbs no further."""
    now = now or timezone.now()
    climbed = 0
    for step, minutes in sorted(escalation_minutes().items()):
        due = Alarm.objects.filter(
            state=AlarmState.ACTIVE,
            recovered_at__isnull=True,
            escalation__lt=step,
            raised_at__lte=now - timedelta(minutes=minutes),
        ).values_list("pk", flat=True)
        for alarm_id in list(due[:1000]):
            with transaction.atomic():
                won = Alarm.objects.filter(
                    pk=alarm_id, state=AlarmState.ACTIVE, escalation__lt=step
                ).update(escalation=step, version=F("version") + 1)
                if not won:
                    continue
                alarm = Alarm.objects.select_related("device", "metric").get(pk=alarm_id)
                label = EscalationStep(step).label
                ALARM.record_event(
                    alarm,
                    action="escalated",
                    at=now,
                    reason=_("超过 %(m)s 分钟未确认，已通知%(to)s") % {"m": minutes, "to": label},
                )
                notify(
                    users=step_users(alarm, step),
                    title=_("报警未确认（已上报%(to)s）：%(d)s")
                    % {"to": label, "d": alarm.device.name},
                    body=_("%(r)s，%(m)s 分钟内无人确认。")
                    % {"r": _escalated_reading(alarm), "m": minutes},
                    url=alarm.get_absolute_url(),
                    kind="alarm_escalated",
                    dedupe_key=f"alarm-{alarm.pk}-step-{step}",
                )
                channels.send_alarm(alarm, step=step)
                climbed += 1
    return climbed


def _escalated_reading(alarm: Alarm) -> str:
    """ "高报（二级），液位 9.50 m（阈值 9.20 m）"; a signal says it once: "火警（一级）"."""
    if alarm.metric.signal_label:
        return alarm.level_label
    return f"{alarm.level_label}，{alarm.reading_text}"


def detect_offline(now: datetime | None = None) -> int:
    """Flag devices silent for longer than their ``offline_after_seconds`` (and clear the
    flag of devices that came back). Returns how many went offline."""
    now = now or timezone.now()
    # Candidates: silent longer than the shortest allowed limit (30 s, index
    # ``device_online_seen``); each one's own limit is checked below.
    candidates = Device.objects.filter(
        is_active=True, state=DeviceState.ONLINE, last_seen_at__lt=now - timedelta(seconds=30)
    ).select_related("enterprise")
    silent = [
        device
        for device in candidates.iterator(chunk_size=2000)
        if device.last_seen_at < now - timedelta(seconds=device.offline_after_seconds)
    ]
    went = 0
    for device in silent:
        with transaction.atomic():
            won = Device.objects.filter(
                pk=device.pk, state=DeviceState.ONLINE, last_seen_at=device.last_seen_at
            ).update(state=DeviceState.OFFLINE)
            if not won:
                continue
            went += 1
            try:
                with transaction.atomic():
                    QualityFlag.objects.create(
                        device=device,
                        kind=QualityKind.GAP,
                        at=now,
                        detail=_("自 %(t)s 起无数据")
                        % {"t": timezone.localtime(device.last_seen_at).strftime("%m-%d %H:%M")},
                    )
            except IntegrityError:
                pass
            notify(
                users=duty_users(device.enterprise_id),
                title=_("设备离线：%(d)s") % {"d": device.name},
                body=_("超过 %(s)s 秒未收到数据，请检查设备和网络。")
                % {"s": device.offline_after_seconds},
                url=device.get_absolute_url(),
                kind="device_offline",
                dedupe_key=f"device-offline-{device.pk}-{device.last_seen_at:%Y%m%d%H%M%S}",
            )
    QualityFlag.objects.filter(
        kind=QualityKind.GAP,
        cleared_at__isnull=True,
        device__state=DeviceState.ONLINE,
    ).update(cleared_at=now)
    return went


def detect_flat_lines(now: datetime | None = None) -> int:
    """Flag metrics whose value has not moved for their ``flat_line_samples`` samples (a
    stuck or faked sensor), and clear the flag once the value moves again. Reads the
    latest-state table only (the ingest keeps the count). Returns how many were flagged."""
    now = now or timezone.now()
    flat = LatestReading.objects.filter(
        metric__flat_line_samples__gt=0,
        unchanged__gte=F("metric__flat_line_samples"),
        device__is_active=True,
    ).select_related("metric")
    flagged = 0
    for latest in flat.iterator(chunk_size=2000):
        if QualityFlag.objects.filter(
            device_id=latest.device_id,
            metric_id=latest.metric_id,
            kind=QualityKind.FLAT_LINE,
            cleared_at__isnull=True,
        ).exists():
            continue
        try:
            with transaction.atomic():
                QualityFlag.objects.create(
                    device_id=latest.device_id,
                    metric_id=latest.metric_id,
                    kind=QualityKind.FLAT_LINE,
                    at=now,
                    detail=_("%(m)s 连续 %(n)s 次为 %(v)g")
                    % {"m": latest.metric.name, "n": latest.unchanged + 1, "v": latest.value},
                )
            flagged += 1
        except IntegrityError:
            pass
    moving = LatestReading.objects.filter(unchanged__lt=F("metric__flat_line_samples"))
    for device_id, metric_id in moving.filter(
        device__quality_flags__kind=QualityKind.FLAT_LINE,
        device__quality_flags__cleared_at__isnull=True,
    ).values_list("device_id", "metric_id"):
        QualityFlag.objects.filter(
            device_id=device_id,
            metric_id=metric_id,
            kind=QualityKind.FLAT_LINE,
            cleared_at__isnull=True,
        ).update(cleared_at=now)
    return flagged
