"""Reads of monitoring, always through the user's scope: the console, devices, alarms,
online rates and alarm statistics."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.todo import TodoItem
from anjian.enterprises.models import Enterprise
from anjian.monitoring import display
from anjian.monitoring import permissions as perms
from anjian.monitoring.choices import (
    FIRST_GRADE_LEVELS,
    AlarmCause,
    AlarmState,
    DeviceState,
)
from anjian.monitoring.filters import AlarmFilterSet, DeviceFilterSet, open_quality_flags
from anjian.monitoring.models import (
    Alarm,
    DeadLetter,
    Device,
    DutyPerson,
    Gateway,
    LatestReading,
    Metric,
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


def device_filter(user, params) -> DeviceFilterSet:
    """The active devices in scope narrowed by the console's filters (search, state,
    category, street, industry, enterprise, major hazard source — any or one —, data
    quality) — the
    console, the device map and the 在线率 table's links."""
    devices = device_queryset(user).filter(is_active=True)
    return DeviceFilterSet(params or None, queryset=devices, user=user)


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


def alarm_filter(user, params) -> AlarmFilterSet:
    """报警处置 and its export: the alarms in scope by the list's filters, newest first;
    without a state asked for, the open ones (未处置)."""
    data = params.copy()
    if not data.get("state"):
        data["state"] = "open"
    alarms = alarm_queryset(user).order_by("-raised_at", "-id")
    return AlarmFilterSet(data, queryset=alarms, user=user)


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


# The console announces (sound, browser notice) the first-grade alarms it has not seen
# before: the live part carries the newest of them, the page compares with its last poll.
CONSOLE_FEED_LIMIT = 50


def console_alarm_feed(user) -> list[dict]:
    """The unacknowledged first-grade (一级) alarms in scope, newest first, as the console's
    script reads them: id, headline, text, link. An alarm the page did not list at its
    previous refresh is new to it."""
    alarms = (
        alarm_queryset(user)
        .filter(state=AlarmState.ACTIVE, level__in=FIRST_GRADE_LEVELS)
        .order_by("-id")[:CONSOLE_FEED_LIMIT]
    )
    return [
        {
            "id": alarm.pk,
            "title": display.alarm_title(alarm),
            "body": f"{alarm.enterprise.name} · {alarm.reading_text}",
            "url": alarm.get_absolute_url(),
        }
        for alarm in alarms
    ]


def duty_persons(enterprise_id: int) -> list[DutyPerson]:
    """Who is on duty for the enterprise (told first, must acknowledge), with phones."""
    return list(
        DutyPerson.objects.filter(enterprise_id=enterprise_id, is_active=True)
        .select_related("user")
        .order_by("id")
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
    source_devices: int = 0  # devices linked to a major hazard source
    source_devices_online: int = 0
    quality_issues: int = 0  # open data-quality findings
    quality_devices: int = 0  # devices with at least one of them
    # The device list's filter that shows exactly this row's devices (the links' base).
    params: dict = field(default_factory=dict)

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def offline(self) -> int:
        """Not online: offline, or never seen."""
        return self.devices - self.online

    @property
    def online_rate(self):
        return self._rate(self.online, self.devices)

    @property
    def source_device_rate(self):
        """危险源设备在线率: devices linked to a major hazard source online / all of them —
        device uptime. The 重大危险源在线监测率 (coverage: sources whose every required
        metric is reporting) is hazchem's (``hazchem.selectors_coverage``)."""
        return self._rate(self.source_devices_online, self.source_devices)


def online_rates(user, group: str) -> list[OnlineRow]:
    """Online rates of the active devices in scope, by ``enterprise``, ``street`` or
    ``industry``; never-seen devices count as not online. Each row's ``params`` filter the
    device list (``device_filter``) to exactly the devices the row counts."""
    key = {
        "enterprise": "enterprise_id",
        "street": "street",
        "industry": "industry_id",
    }[group]
    devices = Device.objects.for_user(user).filter(is_active=True).order_by()
    if group == "street":
        devices = devices.annotate(street=code_at_sql("scope_region_code", RegionLevel.STREET))
    online = Q(state=DeviceState.ONLINE)
    source = Q(hazard_source__isnull=False)
    rows = (
        devices.annotate(flagged=open_quality_flags())
        .values(key)
        .annotate(
            n=Count("id"),
            up=Count("id", filter=online),
            hs=Count("id", filter=source),
            hs_up=Count("id", filter=source & online),
            qd=Count("id", filter=Q(flagged=True)),
        )
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
            source_devices=row["hs"],
            source_devices_online=row["hs_up"],
            quality_issues=issues.get(row[key], 0),
            quality_devices=row["qd"],
        )
        for row in rows
    ]
    if group == "enterprise":
        names = dict(
            Enterprise.objects.filter(pk__in=[int(r.key) for r in result]).values_list("pk", "name")
        )
        labels = {str(pk): name for pk, name in names.items()}
        params = {r.key: {"enterprise": r.key} for r in result}
    elif group == "street":
        labels = dict(
            Region.objects.filter(code__in=[r.key for r in result]).values_list("code", "name")
        )
        params = {r.key: {"street": r.key} for r in result}
    else:
        industries = Industry.objects.values_list("pk", "name", "code")
        labels = {str(pk): name for pk, name, _code in industries}
        params = {str(pk): {"industry": code} for pk, _name, code in industries}
    for row in result:
        row.label = labels.get(row.key, row.key)
        row.params = params.get(row.key, {})
    result.sort(key=lambda r: (r.online_rate if r.online_rate is not None else 101, r.label))
    return result


def online_totals(user) -> OnlineRow:
    rows = online_rates(user, "industry")
    total = OnlineRow(key="", label="")
    for row in rows:
        total.devices += row.devices
        total.online += row.online
        total.source_devices += row.source_devices
        total.source_devices_online += row.source_devices_online
        total.quality_issues += row.quality_issues
        total.quality_devices += row.quality_devices
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


def _series(metric: Metric, limits: list[dict], rows, *, stride: int = 1) -> dict:
    """One metric's chart: its points (oldest first, ms since the epoch; a pause longer
    than three samples breaks the line), its limits, and how its values read (decimals,
    a signal's meaning) for the tooltips and the axis."""
    points: list[list] = []
    gap = 3000 * metric.sampling_seconds * stride
    for ts, value in rows:
        ms = int(ts.timestamp() * 1000)
        if points and ms - points[-1][0] > gap:
            points.append([points[-1][0] + 1, None])
        # Rounded to the metric's precision: what the tooltip shows, and a smaller page.
        points.append([ms, round(value, metric.decimals) + 0.0])
    return {
        "code": metric.code,
        "name": metric.name,
        "unit": metric.unit,
        "decimals": metric.decimals,
        "signal": metric.signal_label,
        "points": points,
        "limits": limits,
    }


def _limits(device: Device) -> dict[int, list[dict]]:
    limits: dict[int, list] = {}
    for threshold in device.thresholds.filter(is_active=True).select_related("metric"):
        limits.setdefault(threshold.metric_id, []).append(
            {"label": threshold.level_label, "value": threshold.value}
        )
    return limits


def readings_chart(device: Device, readings: list[Reading]) -> list[dict]:
    """The device page's chart data: per metric its points and its active limits."""
    limits = _limits(device)
    rows: dict[int, list] = {}
    for reading in reversed(readings):
        rows.setdefault(reading.metric_id, []).append((reading.ts, reading.value))
    series = [
        _series(metric, limits.get(metric.pk, []), rows.get(metric.pk, []))
        for metric in device.device_type.metrics.all()
    ]
    return [entry for entry in series if entry["points"] or entry["limits"]]


ALARM_CHART_BEFORE = timedelta(hours=2)
ALARM_CHART_AFTER = timedelta(hours=1)
ALARM_CHART_ROWS = 20_000  # read at most; drawn as at most ALARM_CHART_POINTS
ALARM_CHART_POINTS = 2_000


def _thin(rows: list[tuple], most: int) -> tuple[list[tuple], int]:
    """At most ``most`` points of ``rows``: per bucket its lowest and highest reading, in
    time order (a peak is never thinned away); and the bucket size."""
    if len(rows) <= most:
        return rows, 1
    size = -(-2 * len(rows) // most)
    kept = []
    for start in range(0, len(rows), size):
        bucket = rows[start : start + size]
        low = min(bucket, key=lambda r: r[1])
        high = max(bucket, key=lambda r: r[1])
        kept.extend(sorted({low, high}, key=lambda r: r[0]))
    return kept, size


def alarm_chart(alarm: Alarm, now: datetime | None = None) -> dict:
    """The alarm page's chart: the alarmed metric from two hours before the alarm to one
    hour after it (or now, if sooner), its limits (the one it crossed included, even if
    changed since) and marks at the alarm and the recovery. The readings are one range of
    the table's key (device, metric, ts), so one index scan of the month's partition."""
    now = now or timezone.now()
    start = alarm.raised_at - ALARM_CHART_BEFORE
    end = max(min(alarm.raised_at + ALARM_CHART_AFTER, now), alarm.raised_at)
    rows = list(
        Reading.objects.filter(
            device_id=alarm.device_id, metric_id=alarm.metric_id, ts__gte=start, ts__lte=end
        )
        .order_by("ts")
        .values_list("ts", "value")[:ALARM_CHART_ROWS]
    )
    rows, stride = _thin(rows, ALARM_CHART_POINTS)
    limits = _limits(alarm.device).get(alarm.metric_id, [])
    if not any(limit["value"] == alarm.limit for limit in limits):
        label = _("%(l)s（报警时）") % {"l": alarm.level_label}
        limits.append({"label": label, "value": alarm.limit})
    series = _series(alarm.metric, limits, rows, stride=stride)

    def ms(moment: datetime) -> int:
        return int(moment.timestamp() * 1000)

    series["marks"] = [{"label": str(_("报警")), "at": ms(alarm.raised_at)}]
    if alarm.recovered_at is not None and alarm.recovered_at <= end:
        series["marks"].append({"label": str(_("恢复")), "at": ms(alarm.recovered_at)})
    series["window"] = [ms(start), ms(end)]
    return series
