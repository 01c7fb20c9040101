"""Writes of monitoring: alarms through their lifecycle, and the registry of devices.

Alarm lifecycle (``lifecycle.ALARM`` on the workflow kernel): raised by the engine as
readings arrive → acknowledged by a duty person (or anyone in scope with
``alarm.handle``) → disposed with a cause (real / false / maintenance / device fault);
``recovered_at`` when the value came back. A real alarm can raise a hazard in the ledger
in one step. Every change is an ``AlarmEvent``; concurrent changes: one wins
(compare-and-set on state and version), the other gets a Conflict.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.exceptions import Conflict, NotPermitted, ValidationError
from anjian.core.notifications import notify
from anjian.core.scoping import ensure_in_scope
from anjian.core.services import writable
from anjian.enterprises.selectors import enterprise_for_write

# 转为隐患: the one declared edge between domain apps from monitoring to hazards (see the
# import-linter contract in pyproject.toml); hazards never imports monitoring.
from anjian.hazards import services as hazard_services
from anjian.hazards.choices import Source
from anjian.monitoring import channels, display, lifecycle
from anjian.monitoring import permissions as perms
from anjian.monitoring.choices import (
    OPEN_ALARM_STATES,
    AlarmCause,
    EscalationStep,
    QualityKind,
    ThresholdLevel,
)
from anjian.monitoring.lifecycle import ALARM
from anjian.monitoring.models import (
    Alarm,
    Device,
    DutyPerson,
    Gateway,
    QualityFlag,
    Threshold,
)
from anjian.monitoring.recipients import duty_users


def _event(alarm: Alarm, action: str, *, by=None, note: str = "", at=None) -> None:
    ALARM.record_event(alarm, action=action, by=by, reason=note, at=at)


def alarm_raise(rule, breach, ts: datetime, value: float) -> tuple[Alarm, bool]:
    """The engine's RAISE: a new alarm for the threshold, or the one already open."""
    device = Device.objects.select_related("enterprise").get(pk=rule.device_id)
    threshold = Threshold.objects.select_related("metric").get(pk=rule.id)
    alarm = Alarm(
        device=device,
        metric_id=rule.metric_id,
        threshold=threshold,
        enterprise_id=device.enterprise_id,
        scope_region_code=device.scope_region_code,
        industry_id=device.industry_id,
        level=rule.level,
        limit=rule.value,
        value=value,
        peak=breach.peak,
        breach_since=breach.since,
        raised_at=ts,
    )
    try:
        with transaction.atomic():
            alarm.save()
    except IntegrityError:
        return Alarm.objects.get(
            threshold_id=rule.id, recovered_at__isnull=True, state__in=OPEN_ALARM_STATES
        ), False
    alarm.metric = threshold.metric
    _event(alarm, "raised", at=ts, note=alarm.reading_text)
    notify(
        users=duty_users(device.enterprise_id),
        title=_("监测报警：%(d)s %(l)s") % {"d": device.name, "l": alarm.level_label},
        body=_("%(r)s。请立即确认并处置。") % {"r": alarm.reading_text},
        url=alarm.get_absolute_url(),
        kind="alarm_raised",
        dedupe_key=f"alarm-{alarm.pk}",
    )
    channels.send_alarm(alarm, step=EscalationStep.ENTERPRISE)
    return alarm, True


def alarm_recover(alarm_id: int, ts: datetime, value: float) -> Alarm | None:
    """The engine's RECOVER: the value came back past the dead band."""
    updated = Alarm.objects.filter(pk=alarm_id, recovered_at__isnull=True).update(
        recovered_at=ts, version=F("version") + 1
    )
    if not updated:
        return None
    alarm = Alarm.objects.select_related("metric").get(pk=alarm_id)
    _event(alarm, "recovered", at=ts, note=display.value_text(alarm.metric, value))
    return alarm


def _alarm_for_write(by, alarm_id: int) -> Alarm:
    if not by.can(perms.ALARM_HANDLE):
        raise NotPermitted()
    return (
        Alarm.objects.for_user(by).select_related("device", "enterprise", "metric").get(pk=alarm_id)
    )


@transaction.atomic
def alarm_acknowledge(*, by, alarm_id: int, expected_version: int | None, note: str = "") -> Alarm:
    alarm = _alarm_for_write(by, alarm_id)
    step = ALARM.begin(by=by, obj=alarm, name="acknowledge", expected_version=expected_version)
    if step.replay:
        return alarm  # a double click
    return ALARM.commit(
        step,
        by=by,
        values={"acknowledged_at": timezone.now(), "acknowledged_by": by},
        reason=(note or "").strip(),
    )


@dataclass
class BatchAcknowledged:
    """What a batch 确认 did: the alarms acknowledged (a double submit of one's own
    acknowledgement counts as done), those that changed since the list was read
    (``conflicts``: the alarm as it is now and the reason), and the ids not found in the
    user's scope."""

    acknowledged: list[Alarm] = field(default_factory=list)
    conflicts: list[tuple[Alarm, str]] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)


def alarm_acknowledge_batch(
    *, by, items: list[tuple[int, int]], note: str = ""
) -> BatchAcknowledged:
    """确认 several alarms at once: each ``(alarm id, version read)`` goes through the
    ALARM lifecycle on its own (``alarm_acknowledge``, its own savepoint), so one that
    someone else changed meanwhile is a conflict and the rest are still acknowledged."""
    if not by.can(perms.ALARM_HANDLE):
        raise NotPermitted()
    outcome = BatchAcknowledged()
    seen = set()
    for alarm_id, version in items:
        if alarm_id in seen:
            continue
        seen.add(alarm_id)
        try:
            alarm = alarm_acknowledge(by=by, alarm_id=alarm_id, expected_version=version, note=note)
        except Alarm.DoesNotExist:
            outcome.missing.append(alarm_id)
        except Conflict as refusal:
            current = _alarm_for_write(by, alarm_id)
            outcome.conflicts.append((current, str(refusal)))
        else:
            outcome.acknowledged.append(alarm)
    return outcome


@transaction.atomic
def alarm_dispose(
    *, by, alarm_id: int, expected_version: int | None, cause: str, note: str
) -> Alarm:
    """Close the alarm with its cause; an unacknowledged alarm is acknowledged with it."""
    alarm = _alarm_for_write(by, alarm_id)
    errors = {}
    if cause not in AlarmCause.values:
        errors["cause"] = _("请选择报警原因")
    if not (note or "").strip():
        errors["disposal_note"] = _("请填写处置情况")
    if errors:
        raise ValidationError(errors)
    step = ALARM.begin(by=by, obj=alarm, name="dispose", expected_version=expected_version)
    if step.replay:
        return alarm
    now = timezone.now()
    values = {"disposed_at": now, "disposed_by": by, "cause": cause, "disposal_note": note.strip()}
    if alarm.acknowledged_at is None:
        values.update(acknowledged_at=now, acknowledged_by=by)
    return ALARM.commit(
        step, by=by, values=values, reason=f"{AlarmCause(cause).label}：{note.strip()}"
    )


def _description(alarm: Alarm, metric) -> str:
    """The hazard's description when the user leaves it empty: what the alarm read."""
    at = timezone.localtime(alarm.raised_at).strftime("%Y-%m-%d %H:%M")
    if metric.signal_label:
        return _("%(s)s（%(at)s）") % {"s": alarm.level_label, "at": at}
    return _("%(m)s %(v)s，超过%(l)s %(t)s（%(at)s）") % {
        "m": metric.name,
        "v": display.value_text(metric, alarm.peak),
        "l": alarm.level_label,
        "t": display.value_text(metric, alarm.limit),
        "at": at,
    }


@transaction.atomic
def alarm_to_hazard(*, by, alarm_id: int, title: str = "", description: str = ""):
    """Raise a hazard (source 监测报警, linked to the alarm) from a real alarm, once."""
    alarm = _alarm_for_write(by, alarm_id)
    refused = lifecycle.not_a_false_alarm(alarm)
    if refused:  # what the user chose (the cause), not a race: a form error
        raise ValidationError(refused)
    ALARM.check_operation(by, "to_hazard", alarm)
    device = alarm.device
    metric = alarm.threshold.metric
    hazard = hazard_services.hazard_report(
        by=by,
        enterprise=alarm.enterprise,
        source=Source.ALARM,
        title=(title or "").strip() or _("%(d)s %(m)s超限") % {"d": device.name, "m": metric.name},
        description=(description or "").strip() or _description(alarm, metric),
        location=device.location or device.name,
        found_at=alarm.raised_at,
        latitude=device.latitude,
        longitude=device.longitude,
        source_object=alarm,
    )
    if not Alarm.objects.filter(pk=alarm.pk, hazard__isnull=True).update(
        hazard=hazard, version=F("version") + 1
    ):
        raise Conflict(_("该报警已转为隐患"))
    alarm.hazard = hazard
    _event(alarm, "hazard", by=by, note=hazard.number)
    return hazard


# --- the registry: devices, thresholds, duty persons ----------------------------------------

DEVICE_FIELDS = (
    "device_type",
    "code",
    "name",
    "risk_point",
    "hazard_source",
    "location",
    "latitude",
    "longitude",
    "offline_after_seconds",
    "is_active",
)
# What an update may change: a device's code and type are what it reports under (a new
# code is a new device; its readings and alarms stay with the old one).
DEVICE_CHANGEABLE = tuple(name for name in DEVICE_FIELDS if name not in ("code", "device_type"))


def _require_manage(by) -> None:
    if not by.can(perms.MONITOR_MANAGE):
        raise NotPermitted()


def _sources():
    """The major hazard sources (hazchem's model, read through the device's relation:
    monitoring does not import hazchem, a layer above it)."""
    return Device._meta.get_field("hazard_source").related_model.objects


def _source_refusal(device: Device, *, linking: bool) -> str:
    """Why the device may not watch its ``hazard_source``: another enterprise's, or — when
    the link is new — one already closed (核销); "" when it may."""
    source = device.hazard_source
    if source.enterprise_id != device.enterprise_id:
        return _("重大危险源不属于该单位")
    if linking and not _sources().current().filter(pk=source.pk).exists():
        return _("该重大危险源已核销，不能再关联设备")
    if linking and not device.is_active:
        return _("设备%(code)s已停用，不计入在线监测，不能关联重大危险源；请先启用") % {
            "code": device.code
        }
    return ""


def _check_device(device: Device, *, linking: bool = True) -> None:
    """``linking``: the device's source is new to it (a source closed since it was linked
    stays linked: its devices' history is the source's)."""
    errors = {}
    if device.risk_point_id and device.risk_point.enterprise_id != device.enterprise_id:
        errors["risk_point"] = _("风险点不属于该单位")
    if device.hazard_source_id and (refusal := _source_refusal(device, linking=linking)):
        errors["hazard_source"] = refusal
    if (device.latitude is None) != (device.longitude is None):
        errors["latitude"] = _("经度和纬度须同时填写")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def device_register(*, by, enterprise, data: dict) -> tuple[Device, str]:
    """Register a device of ``enterprise``; returns it and its HTTP token (shown once).
    ``data``: values of DEVICE_FIELDS; any other key is refused, named."""
    _require_manage(by)
    data = writable(data, DEVICE_FIELDS)
    enterprise = enterprise_for_write(by, enterprise)
    device = Device(enterprise=enterprise, **data)
    token = device.issue_token()
    device.full_clean(exclude=["scope_region_code", "industry", "token_hash"])
    _check_device(device)
    device.save()
    ensure_in_scope(by, device, field="enterprise")
    return device, token


@transaction.atomic
def device_update(*, by, device_id: int, data: dict, expected_version: int) -> Device:
    """Change a device at ``expected_version``; ``data``: values of DEVICE_CHANGEABLE (any
    other key, the code and the type included, is refused, named). A changed setting is
    flagged as a configuration change (data quality)."""
    _require_manage(by)
    data = writable(data, DEVICE_CHANGEABLE)
    device = Device.objects.for_user(by).select_for_update().get(pk=device_id)
    if device.version != expected_version:
        raise Conflict()
    return _change(device, data)


def _change(device: Device, data: dict) -> Device:
    """Write ``data`` onto the locked ``device``: checked, version bumped, and a changed
    setting flagged as a configuration change (data quality)."""
    before = device.hazard_source_id
    changed = []
    for name, value in data.items():
        if getattr(device, name) != value:
            setattr(device, name, value)
            changed.append(name)
    device.full_clean(exclude=["scope_region_code", "industry", "token_hash"])
    _check_device(device, linking=device.hazard_source_id != before)
    device.version += 1
    device.save()
    if changed:
        labels = "、".join(str(Device._meta.get_field(name).verbose_name) for name in changed)
        _flag_config_change(device, _("设置被修改：%(f)s") % {"f": labels})
    return device


@transaction.atomic
def device_link_source(
    *, by, device_id: int, source, expected_version: int | None = None
) -> Device:
    """Link the device to ``source`` (a major hazard source of its own enterprise, not
    closed), or unlink it (``source=None``) — from the source's page (hazchem calls this).
    ``expected_version``: the device's version as read (None: as it is now). A device
    already as asked (a double submit) is returned unchanged, whatever its version."""
    _require_manage(by)
    device = Device.objects.for_user(by).select_for_update().get(pk=device_id)
    if device.hazard_source_id == getattr(source, "pk", source):
        return device
    if expected_version is not None and device.version != expected_version:
        raise Conflict()
    return _change(device, {"hazard_source": source})


@transaction.atomic
def device_issue_token(*, by, device_id: int) -> str:
    """A new HTTP token for the device; the old one stops working at once."""
    _require_manage(by)
    device = Device.objects.for_user(by).select_for_update().get(pk=device_id)
    token = device.issue_token()
    Device.objects.filter(pk=device.pk).update(**device.token_fields)
    return token


GATEWAY_FIELDS = ("code", "name", "location", "is_active")
GATEWAY_CHANGEABLE = ("name", "location", "is_active")  # the code is its broker login


@transaction.atomic
def gateway_register(*, by, enterprise, data: dict) -> tuple[Gateway, str]:
    """Register a data gateway of ``enterprise``; returns it and its token (shown once:
    the gateway's MQTT password, user name ``gw.<code>``). ``data``: values of
    GATEWAY_FIELDS; any other key is refused, named."""
    _require_manage(by)
    data = writable(data, GATEWAY_FIELDS)
    enterprise = enterprise_for_write(by, enterprise)
    gateway = Gateway(enterprise=enterprise, **data)
    token = gateway.issue_token()
    gateway.full_clean(exclude=["token_hash"])
    if Device.objects.filter(code=gateway.code).exists():
        raise ValidationError({"code": _("已有设备使用该编码，请换一个网关编码")})
    gateway.save()
    ensure_in_scope(by, gateway, field="enterprise")
    return gateway, token


@transaction.atomic
def gateway_update(*, by, gateway_id: int, data: dict, expected_version: int) -> Gateway:
    """Rename, move or switch a gateway off (an inactive gateway loses its broker login
    at the next ``anjian broker_auth``); its code stays. ``data``: values of
    GATEWAY_CHANGEABLE; any other key, the code included, is refused, named."""
    _require_manage(by)
    data = writable(data, GATEWAY_CHANGEABLE)
    gateway = Gateway.objects.for_user(by).select_for_update().get(pk=gateway_id)
    if gateway.version != expected_version:
        raise Conflict()
    for name, value in data.items():
        setattr(gateway, name, value)
    gateway.full_clean(exclude=["token_hash"])
    gateway.version += 1
    gateway.save()
    return gateway


@transaction.atomic
def gateway_issue_token(*, by, gateway_id: int) -> str:
    """A new token for the gateway; the old one stops working at the next broker_auth."""
    _require_manage(by)
    gateway = Gateway.objects.for_user(by).select_for_update().get(pk=gateway_id)
    token = gateway.issue_token()
    Gateway.objects.filter(pk=gateway.pk).update(**gateway.token_fields)
    return token


def _flag_config_change(device: Device, detail: str) -> None:
    # Each change is its own finding (a faked sensor often starts with widened limits).
    QualityFlag.objects.filter(
        device=device, metric=None, kind=QualityKind.CONFIG_CHANGE, cleared_at__isnull=True
    ).update(cleared_at=timezone.now())
    QualityFlag.objects.create(device=device, kind=QualityKind.CONFIG_CHANGE, detail=detail[:300])


@transaction.atomic
def threshold_set(
    *,
    by,
    device_id: int,
    metric_id: int,
    level: str,
    value: float,
    hysteresis: float = 0,
    min_duration_seconds: int = 0,
    is_active: bool = True,
) -> Threshold:
    """Add or change the limit of one level on one metric of a device."""
    _require_manage(by)
    device = Device.objects.for_user(by).select_related("device_type").get(pk=device_id)
    metric = device.device_type.metrics.filter(pk=metric_id).first()
    errors = {}
    if metric is None:
        errors["metric"] = _("该设备类型没有这个监测项")
    if level not in ThresholdLevel.values:
        errors["level"] = _("请选择报警级别")
    if metric is not None and not metric.min_valid <= value <= metric.max_valid:
        errors["value"] = _("阈值应在有效范围 %(lo)g–%(hi)g 内") % {
            "lo": metric.min_valid,
            "hi": metric.max_valid,
        }
    if hysteresis < 0:
        errors["hysteresis"] = _("回差不能为负")
    if min_duration_seconds < 0:
        errors["min_duration_seconds"] = _("持续时间不能为负")
    if errors:
        raise ValidationError(errors)
    threshold, created = Threshold.objects.select_for_update().get_or_create(
        device=device,
        metric=metric,
        level=level,
        defaults={
            "value": value,
            "hysteresis": hysteresis,
            "min_duration_seconds": min_duration_seconds,
            "is_active": is_active,
        },
    )
    if not created:
        before = (threshold.value, threshold.hysteresis, threshold.min_duration_seconds)
        threshold.value, threshold.hysteresis = value, hysteresis
        threshold.min_duration_seconds, threshold.is_active = min_duration_seconds, is_active
        threshold.version += 1
        threshold.save()
        if before != (value, hysteresis, min_duration_seconds):
            _flag_config_change(
                device,
                _("%(m)s %(l)s 阈值由 %(a)s 改为 %(b)s")
                % {
                    "m": metric.name,
                    "l": threshold.level_label,
                    "a": display.value_text(metric, before[0]),
                    "b": display.value_text(metric, value),
                },
            )
    return threshold


@transaction.atomic
def duty_person_set(*, by, enterprise, user, phone: str = "", is_active: bool = True):
    _require_manage(by)
    enterprise = enterprise_for_write(by, enterprise)
    link = getattr(user, "enterprise_link", None)
    if link is None or link.enterprise_id != enterprise.pk:
        raise ValidationError({"user": _("值班人员须是本单位的账号")})
    person, _created = DutyPerson.objects.update_or_create(
        enterprise=enterprise, user=user, defaults={"phone": phone.strip(), "is_active": is_active}
    )
    return person
