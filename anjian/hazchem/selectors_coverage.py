"""重大危险源在线监测率 — reads through the reader's scope.

    在线监测率 = sources covered ÷ sources counted

Counted: the major hazard sources in scope that are not closed (核销) and must be monitored
online (``monitoring_required``). Covered: every metric the source requires
(``coverage.required`` — from its unit's kind and chemicals) has a linked, active device
whose latest reading of that metric (``monitoring.LatestReading``) is within the device's
``offline_after_seconds``; otherwise the first reason that holds (``coverage.assess``).

``assess_sources`` answers for any set of sources in a fixed number of queries (sources;
the catalogue's and the device types' classification, small tables read whole; the units'
hazards and the mixtures of their own classes; the devices grouped by source; their
intervals; the fresh readings grouped by source) — never one per source, so a city's
3,000 sources and 15,000 devices stay within the aim of 200 ms
(``bench/sources_coverage.py``). The figure (by grade, street or industry), its drill-down
(exactly the sources a number counts, each with why it is not covered) and a source's own
card (its devices, each metric's latest reading, alarm statistics) read it.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Case, Count, IntegerField, Max, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.hazchem import coverage
from anjian.hazchem.choices import Grade, Mixture
from anjian.hazchem.choices import SourceState as State
from anjian.hazchem.coverage import Requirement, SourceCoverage, Status
from anjian.hazchem.models import Chemical, MajorHazardSource
from anjian.monitoring.choices import FIRST_GRADE_LEVELS, OPEN_ALARM_STATES
from anjian.monitoring.models import Alarm, Device, LatestReading, Metric
from anjian.regions.levels import street_of
from anjian.regions.models import Industry, Region

FLAMMABLE, TOXIC = coverage.FLAMMABLE_GAS.key, coverage.TOXIC_GAS.key
GROUPS = ("grade", "street", "industry")
ALL, UNCOVERED = "", "uncovered"  # the drill-down's statuses beyond coverage.Status
STATUSES = (ALL, Status.COVERED, UNCOVERED, *coverage.UNCOVERED)


def counted(user) -> QuerySet[MajorHazardSource]:
    """The sources the rate counts: in scope, not closed, monitoring required."""
    return MajorHazardSource.objects.for_user(user).current().filter(monitoring_required=True)


# --- the engine's inputs, by aggregate queries ------------------------------------------------


def _flag(condition: Q) -> Max:
    """1 when some row of the group meets ``condition``, else 0."""
    return Max(Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField()))


def _fetch(queryset: QuerySet) -> list[tuple]:
    """The rows of a ``values_list`` as the database returns them. The figure's columns
    are ids, codes and 0/1 flags, which need no conversion; Django's per-value converters
    took a third of the time of a city's figure."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # a condition that matches nothing (no device, say)
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def unit_hazards(sources: QuerySet) -> dict[int, set[str]]:
    """unit id → the chemical hazards its lines ask for (``coverage.line_hazards``): the
    catalogue classified once (a few thousand rows at most), then the sources' lines read
    grouped by unit from the sources' side, and the few mixtures judged by classes of
    their own."""
    kinds: dict[str, list[int]] = {FLAMMABLE: [], TOXIC: []}
    catalogue = Chemical.objects.order_by().values_list("pk", "table1_row", "gb18218_classes")
    for pk, row, classes in catalogue:
        for hazard in coverage.line_hazards(row, classes):
            kinds[hazard].append(pk)
    pure = [Mixture.NO, Mixture.AS_PURE]
    flags = {
        hazard: _flag(Q(unit__lines__chemical_id__in=ids, unit__lines__mixture__in=pure))
        for hazard, ids in kinds.items()
        if ids
    }
    found: dict[int, set[str]] = defaultdict(set)
    if flags:
        grouped = sources.values("unit_id").annotate(**flags).order_by()
        for unit_id, *marks in _fetch(grouped.values_list("unit_id", *flags)):
            found[unit_id] |= {hazard for hazard, mark in zip(flags, marks, strict=True) if mark}
    own = sources.filter(unit__lines__mixture=Mixture.OWN).order_by()
    for unit_id, classes in own.values_list("unit_id", "unit__lines__own_classes"):
        found[unit_id] |= coverage.line_hazards(None, classes)
    return found


def _capable() -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """For each requirement, the device types that measure it and the metrics that
    satisfy it (both tables are a few dozen rows): the figure's queries then group by
    ids, without joining them."""
    types: dict[str, set[int]] = defaultdict(set)
    metrics: dict[str, set[int]] = defaultdict(set)
    for pk, type_id, code, category in Metric.objects.order_by().values_list(
        "pk", "device_type_id", "code", "device_type__category"
    ):
        for requirement in coverage.REQUIREMENTS:
            if requirement.matches(category, code):
                types[requirement.key].add(type_id)
                metrics[requirement.key].add(pk)
    return (
        {key: sorted(ids) for key, ids in types.items()},
        {key: sorted(ids) for key, ids in metrics.items()},
    )


def _measured(devices: QuerySet, types: dict) -> dict[int, tuple[int, set[str]]]:
    """source id → (its active devices, the requirements some of them measure)."""
    flags = {key: _flag(Q(device_type_id__in=ids)) for key, ids in types.items()}
    grouped = devices.values("hazard_source_id").annotate(n=Count("id"), **flags).order_by()
    return {
        source_id: (n, {key for key, mark in zip(flags, marks, strict=True) if mark})
        for source_id, n, *marks in _fetch(grouped.values_list("hazard_source_id", "n", *flags))
    }


def _reporting(
    devices: QuerySet, source_ids: QuerySet, metrics: dict, now: datetime
) -> dict[int, set[str]]:
    """source id → the requirements with a latest reading within its device's interval.
    "Within" compares ``ts`` with ``now`` less each interval the devices use (a handful of
    distinct values: one parameter each, no date arithmetic in SQL)."""
    intervals = devices.order_by().values_list("offline_after_seconds", flat=True).distinct()
    fresh = Q(pk__in=[])
    for seconds in intervals:
        fresh |= Q(device__offline_after_seconds=seconds, ts__gte=now - timedelta(seconds=seconds))
    flags = {key: _flag(Q(metric_id__in=ids)) for key, ids in metrics.items()}
    readings = LatestReading.objects.filter(
        device__is_active=True, device__hazard_source__in=source_ids
    ).filter(fresh)
    grouped = readings.values("device__hazard_source_id").annotate(**flags).order_by()
    return {
        source_id: {key for key, mark in zip(flags, marks, strict=True) if mark}
        for source_id, *marks in _fetch(grouped.values_list("device__hazard_source_id", *flags))
    }


@dataclass(slots=True)
class Assessed:
    """One source as the figure counts it."""

    pk: int
    number: str
    grade: str
    street: str
    industry_id: int | None
    kind: str
    coverage: SourceCoverage


def assess_sources(sources: QuerySet, *, now: datetime | None = None) -> list[Assessed]:
    """The coverage of each of ``sources`` (a queryset, already scoped), in grade and
    number order."""
    now = now or timezone.now()
    rows = _fetch(
        sources.order_by("grade", "number").values_list(
            "pk", "number", "grade", "scope_region_code", "industry_id", "unit_id", "unit__kind"
        )
    )
    if not rows:
        return []
    hazards = unit_hazards(sources)
    ids = sources.values("pk")
    devices = Device.objects.filter(is_active=True, hazard_source__in=ids)
    types, metrics = _capable()
    measured = _measured(devices, types)
    reporting = _reporting(devices, ids, metrics, now)
    found = []
    for pk, number, grade, code, industry_id, unit_id, kind in rows:
        count, capable = measured.get(pk, (0, set()))
        assessed = coverage.assessed(
            kind,
            frozenset(hazards.get(unit_id, ())),
            devices=bool(count),
            measured=frozenset(capable),
            reporting=frozenset(reporting.get(pk, ())),
        )
        found.append(Assessed(pk, number, grade, street_of(code), industry_id, kind, assessed))
    return found


# --- the figure: by grade, street or industry -------------------------------------------------


@dataclass
class Tally:
    """The sources one row counts, by where they stand; ``params`` filter the drill-down
    list to exactly them (with a status)."""

    key: str
    label: str
    counted: int = 0
    covered: int = 0
    no_device: int = 0
    missing: int = 0
    offline: int = 0
    params: dict = field(default_factory=dict)

    def add(self, state: Assessed) -> None:
        self.counted += 1
        setattr(self, state.coverage.status, getattr(self, state.coverage.status) + 1)

    @property
    def uncovered(self) -> int:
        return self.counted - self.covered

    @property
    def rate(self) -> float | None:
        """重大危险源在线监测率 (%), None when nothing is counted."""
        return round(100 * self.covered / self.counted, 1) if self.counted else None


@dataclass
class Figure:
    group: str
    total: Tally
    rows: list[Tally]


def group_key(state: Assessed, group: str) -> str:
    if group == "grade":
        return state.grade
    if group == "street":
        return state.street
    return str(state.industry_id or "")


def _labels(group: str, keys: set[str]) -> dict[str, tuple[str, dict]]:
    """key → (label, the drill-down's parameter for it)."""
    if group == "grade":
        return {key: (str(Grade(key).label), {"grade": key}) for key in keys if key}
    if group == "street":
        names = dict(Region.objects.filter(code__in=keys).values_list("code", "name"))
        return {key: (names.get(key, key), {"street": key}) for key in keys}
    found = Industry.objects.filter(pk__in=[int(k) for k in keys if k])
    return {
        str(pk): (name, {"industry": code})
        for pk, name, code in found.values_list("pk", "name", "code")
    }


def figure(states: list[Assessed], group: str) -> Figure:
    """The rate of ``states`` in all and by ``group`` (grade, street or industry); rows in
    the group's order (一级 first; streets and industries by their lowest rate first)."""
    total = Tally("", _("合计"))
    rows: dict[str, Tally] = {}
    for state in states:
        key = group_key(state, group)
        total.add(state)
        rows.setdefault(key, Tally(key, key)).add(state)
    labels = _labels(group, set(rows))
    for key, row in rows.items():
        row.label, row.params = labels.get(key, (key or _("未分类"), {}))
    ordered = sorted(rows.values(), key=lambda r: r.key)
    if group != "grade":
        ordered.sort(key=lambda r: (r.rate if r.rate is not None else 101, r.label))
    return Figure(group, total, ordered)


def coverage_figure(user, group: str = "grade", *, now: datetime | None = None) -> Figure:
    return figure(assess_sources(counted(user), now=now), group)


# --- the drill-down ------------------------------------------------------------------------


def matching(
    states: list[Assessed],
    *,
    status: str = ALL,
    grade: str = "",
    street: str = "",
    industry: int | None = None,
) -> list[Assessed]:
    """The states a figure's link names: its row (grade, street code, industry id) and
    its number (``status``: all counted, covered, uncovered, or one reason)."""
    found = []
    for state in states:
        if grade and state.grade != grade:
            continue
        if street and not state.street.startswith(street):
            continue
        if industry is not None and state.industry_id != industry:
            continue
        covered = state.coverage.covered
        if status == UNCOVERED and covered:
            continue
        if status not in (ALL, UNCOVERED) and state.coverage.status != status:
            continue
        found.append(state)
    return found


@dataclass
class AlarmCount:
    open: int = 0
    month: int = 0  # raised since the month began
    first_grade: int = 0  # of those, 一级


def month_start(now: datetime | None = None) -> datetime:
    local = timezone.localtime(now or timezone.now())
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def alarm_counts(user, source_ids, *, now: datetime | None = None) -> dict[int, AlarmCount]:
    """source id → its devices' alarms: open, raised this month, and 一级 of those (one
    grouped read)."""
    from_month = Q(raised_at__gte=month_start(now))
    rows = (
        Alarm.objects.for_user(user)
        .filter(device__hazard_source_id__in=list(source_ids))
        .values("device__hazard_source_id")
        .annotate(
            open=Count("id", filter=Q(state__in=OPEN_ALARM_STATES)),
            month=Count("id", filter=from_month),
            first_grade=Count("id", filter=from_month & Q(level__in=FIRST_GRADE_LEVELS)),
        )
        .order_by()
    )
    return {
        row["device__hazard_source_id"]: AlarmCount(row["open"], row["month"], row["first_grade"])
        for row in rows
    }


@dataclass
class Listed:
    """A source of the drill-down list: the record, its coverage and its alarms."""

    source: MajorHazardSource
    coverage: SourceCoverage
    alarms: AlarmCount


def listed(user, states: list[Assessed], *, now: datetime | None = None) -> list[Listed]:
    """The records of ``states`` (a page of the drill-down, or all of it for the Excel),
    in their order, with their alarm counts."""
    by_pk = {state.pk: state for state in states}
    records = MajorHazardSource.objects.filter(pk__in=list(by_pk)).select_related(
        "enterprise", "unit"
    )
    records = {record.pk: record for record in records}
    alarms = alarm_counts(user, by_pk, now=now)
    return [
        Listed(records[pk], state.coverage, alarms.get(pk, AlarmCount()))
        for pk, state in by_pk.items()
    ]


# --- a source's own card -------------------------------------------------------------------


@dataclass
class MetricLine:
    """One metric of a linked device: its latest reading's time, and whether that is
    within the device's interval (an inactive device reports nothing that counts)."""

    code: str
    name: str
    at: datetime | None
    fresh: bool
    counts_for: tuple[str, ...]  # the requirement labels it can satisfy


@dataclass
class DeviceLine:
    device: Device
    metrics: list[MetricLine]


@dataclass
class RequirementLine:
    requirement: Requirement
    status: str
    reporting: list[str]  # the devices reporting it in time
    measuring: list[str]  # the devices that measure it (reporting or not)


@dataclass
class SourceCard:
    counted: bool
    why_not_counted: str
    coverage: SourceCoverage
    requirements: list[RequirementLine]
    devices: list[DeviceLine]
    alarms: AlarmCount


def _device_lines(devices: list[Device], now: datetime) -> list[DeviceLine]:
    latest = {
        (row.device_id, row.metric_id): row.ts
        for row in LatestReading.objects.filter(device__in=devices)
    }
    lines = []
    for device in devices:
        category = device.device_type.category
        metrics = []
        for metric in device.device_type.metrics.all():
            at = latest.get((device.pk, metric.pk))
            fresh = bool(
                device.is_active
                and at is not None
                and at >= now - timedelta(seconds=device.offline_after_seconds)
            )
            counts_for = tuple(
                str(req.label)
                for req in coverage.REQUIREMENTS
                if req.matches(category, metric.code)
            )
            metrics.append(MetricLine(metric.code, metric.name, at, fresh, counts_for))
        lines.append(DeviceLine(device, metrics))
    return lines


def _requirement_lines(state: Assessed, lines: list[DeviceLine]) -> list[RequirementLine]:
    found = []
    for metric_coverage in state.coverage.metrics:
        requirement = metric_coverage.requirement
        reporting, measuring = [], []
        for line in lines:
            if not line.device.is_active:
                continue
            category = line.device.device_type.category
            matched = [m for m in line.metrics if requirement.matches(category, m.code)]
            if matched:
                measuring.append(line.device.name)
            if any(m.fresh for m in matched):
                reporting.append(line.device.name)
        found.append(RequirementLine(requirement, metric_coverage.status, reporting, measuring))
    return found


def source_card(user, source: MajorHazardSource, *, now: datetime | None = None) -> SourceCard:
    """What the source's page shows of its online monitoring: whether the rate counts it
    (and why not), each required metric covered or why not and by which devices, every
    linked device (active or not) with each metric's latest reading, and the devices'
    alarms."""
    now = now or timezone.now()
    [state] = assess_sources(MajorHazardSource.objects.filter(pk=source.pk), now=now)
    devices = list(
        Device.objects.for_user(user)
        .filter(hazard_source=source)
        .select_related("device_type")
        .prefetch_related("device_type__metrics")
        .order_by("-is_active", "code")
    )
    lines = _device_lines(devices, now)
    why = ""
    if source.state == State.CLOSED:
        why = _("已核销，不计入在线监测率")
    elif not source.monitoring_required:
        why = _("不要求在线监测，不计入在线监测率")
    return SourceCard(
        counted=not why,
        why_not_counted=why,
        coverage=state.coverage,
        requirements=_requirement_lines(state, lines),
        devices=lines,
        alarms=alarm_counts(user, [source.pk], now=now).get(source.pk, AlarmCount()),
    )


def linkable_devices(user, source: MajorHazardSource) -> QuerySet[Device]:
    """The devices the source's page offers to link: the active devices of its enterprise
    in ``user``'s scope not linked to it already (one linked to another source moves)."""
    return (
        Device.objects.for_user(user)
        .filter(enterprise_id=source.enterprise_id, is_active=True)
        .exclude(hazard_source=source)
        .select_related("device_type", "hazard_source")
        .order_by("code")
    )
