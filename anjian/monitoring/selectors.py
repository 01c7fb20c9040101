"""Reads of monitoring, always through the user's scope: the console, devices, alarms,
online rates and alarm statistics."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.todo import TodoItem
from anjian.enterprises.models import Enterprise
from anjian.monitoring import permissions as perms
from anjian.monitoring.choices import AlarmCause, AlarmState, DeviceState
from anjian.monitoring.models import (
    Alarm,
    DeadLetter,
    Device,
    Gateway,
    LatestReading,
    QualityFlag,
    Reading,
    TelemetryAuthFailure,
)
from anjian.regions.choices import RegionLevel
from anjian.regions.levels import code_at_sql, street_of
from anjian.regions.models import Industry, Region


def device_queryset(user):
    return Device.objects.for_user(user).select_related("enterprise", "device_type")


def device_get(user, pk: int) -> Device:
    return get_object_or_404(device_queryset(user), pk=pk)


def devices_with_latest(devices) -> list[Device]:
    """The devices, each with ``latest_values``: [(metric, value, ts)] in metric order."""
    devices = list(devices)
    latest: dict[int, list] = {}
    for row in (
        LatestReading.objects.filter(device_id__in=[d.pk for d in devices])
        .select_related("metric")
        .order_by("device_id", "metric_id")
    ):
        latest.setdefault(row.device_id, []).append((row.metric, row.value, row.ts))
    for device in devices:
        device.latest_values = latest.get(device.pk, [])
    return devices


MAP_POINT_LIMIT = 5000


def filtered_devices(user, data: dict):
    """The active devices in scope narrowed by the console's filter (q, state, category)."""
    devices = device_queryset(user).filter(is_active=True)
    if data.get("q"):
        q = data["q"]
        devices = devices.filter(
            Q(code__icontains=q) | Q(name__icontains=q) | Q(enterprise__name__icontains=q)
        )
    if data.get("state"):
        devices = devices.filter(state=data["state"])
    if data.get("category"):
        devices = devices.filter(device_type__category=data["category"])
    return devices


def map_points(devices) -> tuple[list[list], int]:
    """[id, lat, lon, name, state, has an open alarm, enterprise] for located devices."""
    located = devices.exclude(latitude=None).exclude(longitude=None)
    total = located.count()
    alarmed = set(
        Alarm.objects.open()
        .filter(device__in=located, recovered_at__isnull=True)
        .values_list("device_id", flat=True)
    )
    rows = located.order_by("pk").values_list(
        "pk", "latitude", "longitude", "name", "state", "enterprise__name"
    )[:MAP_POINT_LIMIT]
    return [
        [pk, float(lat), float(lon), name, state, pk in alarmed, enterprise]
        for pk, lat, lon, name, state, enterprise in rows
    ], total


def alarm_queryset(user):
    return Alarm.objects.for_user(user).select_related("device", "enterprise", "metric")


def todo_items(user) -> list[TodoItem]:
    """未确认报警, for whoever handles alarms: the alarm list's 待确认 filter, counted."""
    if not user.can(perms.ALARM_HANDLE):
        return []
    waiting = Alarm.objects.for_user(user).filter(state=AlarmState.ACTIVE).count()
    url = f"{reverse('monitoring:alarm_list')}?state={AlarmState.ACTIVE}"
    return [TodoItem("alarms", str(_("未确认报警")), waiting, url, urgent=True)]


def alarm_get(user, pk: int) -> Alarm:
    return get_object_or_404(
        alarm_queryset(user).select_related(
            "threshold", "acknowledged_by", "disposed_by", "hazard"
        ),
        pk=pk,
    )


def open_alarms(user, limit: int = 50) -> list[Alarm]:
    """Unfinished alarms, unacknowledged first, newest first."""
    return list(
        alarm_queryset(user)
        .open()
        .order_by(F("acknowledged_at").asc(nulls_first=True), "-raised_at")[:limit]
    )


def recent_readings(device: Device, hours: int = 6, limit: int = 2000) -> list[Reading]:
    since = timezone.now() - timedelta(hours=hours)
    return list(
        Reading.objects.filter(device=device, ts__gte=since)
        .select_related("metric")
        .order_by("-ts")[:limit]
    )


def dead_letters(reason: str = ""):
    letters = DeadLetter.objects.all()
    if reason:
        letters = letters.filter(reason=reason)
    return letters


def auth_failures():
    """Failed telemetry logins, counted per source address, device code and reason."""
    return TelemetryAuthFailure.objects.order_by("-last_at", "-id")


def gateway_queryset(user):
    return Gateway.objects.for_user(user).select_related("enterprise")


def gateway_get(user, pk: int) -> Gateway:
    return get_object_or_404(gateway_queryset(user), pk=pk)


# --- figures -------------------------------------------------------------------------------


@dataclass
class OnlineRow:
    key: str
    label: str
    devices: int = 0
    online: int = 0
    hazard_sources: int = 0
    hazard_sources_online: int = 0
    quality_issues: int = 0

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def online_rate(self):
        return self._rate(self.online, self.devices)

    @property
    def hazard_source_rate(self):
        """重大危险源在线监测率: major-hazard-source devices online / all of them."""
        return self._rate(self.hazard_sources_online, self.hazard_sources)


def online_rates(user, group: str) -> list[OnlineRow]:
    """Online rates of the active devices in scope, by ``enterprise``, ``street`` or
    ``industry``; never-seen devices count as not online."""
    key = {
        "enterprise": "enterprise_id",
        "street": "street",
        "industry": "industry_id",
    }[group]
    devices = Device.objects.for_user(user).filter(is_active=True).order_by()
    if group == "street":
        devices = devices.annotate(street=code_at_sql("scope_region_code", RegionLevel.STREET))
    online = Q(state=DeviceState.ONLINE)
    source = Q(is_major_hazard_source=True)
    rows = devices.values(key).annotate(
        n=Count("id"),
        up=Count("id", filter=online),
        hs=Count("id", filter=source),
        hs_up=Count("id", filter=source & online),
    )
    issues = dict(
        QualityFlag.objects.filter(
            device__in=Device.objects.for_user(user),
            cleared_at__isnull=True,
            device__is_active=True,
        )
        .annotate(k=F(f"device__{key}") if group != "street" else F("device__scope_region_code"))
        .values_list("k")
        .annotate(c=Count("id"))
        .values_list("k", "c")
    )
    if group == "street":
        merged: dict = {}
        for code, count in issues.items():
            merged[street_of(code)] = merged.get(street_of(code), 0) + count
        issues = merged
    result = [
        OnlineRow(
            key=str(row[key]),
            label=str(row[key]),
            devices=row["n"],
            online=row["up"],
            hazard_sources=row["hs"],
            hazard_sources_online=row["hs_up"],
            quality_issues=issues.get(row[key], 0),
        )
        for row in rows
    ]
    if group == "enterprise":
        names = dict(
            Enterprise.objects.filter(pk__in=[int(r.key) for r in result]).values_list("pk", "name")
        )
        labels = {str(pk): name for pk, name in names.items()}
    elif group == "street":
        labels = dict(
            Region.objects.filter(code__in=[r.key for r in result]).values_list("code", "name")
        )
    else:
        labels = {str(pk): name for pk, name in Industry.objects.values_list("pk", "name")}
    for row in result:
        row.label = labels.get(row.key, row.key)
    result.sort(key=lambda r: (r.online_rate if r.online_rate is not None else 101, r.label))
    return result


def online_totals(user) -> OnlineRow:
    rows = online_rates(user, "industry")
    total = OnlineRow(key="", label="")
    for row in rows:
        total.devices += row.devices
        total.online += row.online
        total.hazard_sources += row.hazard_sources
        total.hazard_sources_online += row.hazard_sources_online
        total.quality_issues += row.quality_issues
    return total


@dataclass
class AlarmFigures:
    count: int
    open: int
    unacknowledged: int
    first_grade: int
    mean_to_acknowledge: timedelta | None
    mean_to_dispose: timedelta | None
    disposed: int
    false_alarms: int

    @property
    def false_alarm_rate(self) -> float | None:
        """误报率: alarms disposed as false / all disposed."""
        return round(100 * self.false_alarms / self.disposed, 1) if self.disposed else None


def alarm_figures(user, since: datetime | None = None) -> AlarmFigures:
    alarms = Alarm.objects.for_user(user).order_by()
    if since is not None:
        alarms = alarms.filter(raised_at__gte=since)
    to_ack = ExpressionWrapper(F("acknowledged_at") - F("raised_at"), output_field=DurationField())
    to_dispose = ExpressionWrapper(F("disposed_at") - F("raised_at"), output_field=DurationField())
    figures = alarms.aggregate(
        count=Count("id"),
        open=Count("id", filter=~Q(state=AlarmState.DISPOSED)),
        unacknowledged=Count("id", filter=Q(state=AlarmState.ACTIVE)),
        first_grade=Count("id", filter=Q(level__in=["high_high", "low_low"])),
        mean_to_acknowledge=Avg(to_ack, filter=Q(acknowledged_at__isnull=False)),
        mean_to_dispose=Avg(to_dispose, filter=Q(disposed_at__isnull=False)),
        disposed=Count("id", filter=Q(state=AlarmState.DISPOSED)),
        false_alarms=Count("id", filter=Q(state=AlarmState.DISPOSED, cause=AlarmCause.FALSE)),
    )
    return AlarmFigures(**figures)


def readings_chart(device: Device, readings: list[Reading]) -> list[dict]:
    """The device page's chart data: per metric its points (oldest first, ms since the
    epoch) and its active limits."""
    limits: dict[int, list] = {}
    for threshold in device.thresholds.filter(is_active=True):
        limits.setdefault(threshold.metric_id, []).append(
            {"label": str(threshold.get_level_display()), "value": threshold.value}
        )
    series: dict[int, dict] = {}
    gaps: dict[int, int] = {}  # ms: a pause longer than three samples breaks the line
    for metric in device.device_type.metrics.all():
        series[metric.pk] = {
            "code": metric.code,
            "name": metric.name,
            "unit": metric.unit,
            "points": [],
            "limits": limits.get(metric.pk, []),
        }
        gaps[metric.pk] = 3000 * metric.sampling_seconds
    for reading in reversed(readings):
        entry = series.get(reading.metric_id)
        if entry is None:
            continue
        ms = int(reading.ts.timestamp() * 1000)
        points = entry["points"]
        if points and ms - points[-1][0] > gaps[reading.metric_id]:
            points.append([points[-1][0] + 1, None])
        points.append([ms, reading.value])
    return [entry for entry in series.values() if entry["points"] or entry["limits"]]
