"""Scoped reads of incidents: the list with its filters, one incident for a page or a write
(locked), what an incident opened from an accident or an alarm carries, the plans an
incident may activate, the nearest available resources from its place, and the timeline
that replays it.

The timeline merges what the incident's records say — state changes, the command log,
plan activations, tasks created and done, each assignment's moves — into one list in time
order. Each fact appears once: a service that writes a command-log line about a record
names that record in the line's ``data["refs"]``, and the record itself is then left out
(the log line, with its author's wording, stands for it). A record no line names (demo
data, an older record) still appears, from the record.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accidents.selectors import accident_for_read, accident_for_write
from anjian.core.exceptions import OutOfScope, ValidationError
from anjian.emergency import selectors_resources
from anjian.emergency.choices import (
    IncidentLevel,
    IncidentSource,
    IncidentType,
    LogKind,
    ResourceKind,
    TaskSource,
)
from anjian.emergency.lifecycle import ASSIGNMENT, INCIDENT
from anjian.emergency.models import (
    IN_FORCE_STATES,
    OPEN_INCIDENT_STATES,
    Assignment,
    AssignmentTransition,
    CommandLogEntry,
    EmergencyPlan,
    Incident,
    IncidentState,
    IncidentTask,
    IncidentTransition,
    PlanActivation,
)
from anjian.enterprises.selectors import enterprise_for_write
from anjian.monitoring.models import Alarm
from anjian.regions.choices import RegionLevel
from anjian.regions.levels import ancestor_codes
from anjian.regions.models import Region

# --- the list and one record ------------------------------------------------------------------


def visible_incidents(user) -> QuerySet[Incident]:
    return Incident.objects.for_user(user)


def incidents(user, **filters) -> QuerySet[Incident]:
    """The incidents in ``user``'s scope, newest first. Filters (each optional; unknown or
    malformed values are ignored): ``state`` (or ``open=True``: reported or responding),
    ``incident_type``, ``level``, ``source``, ``region`` (a code prefix), ``q`` (number,
    title, place), ``since``/``until`` (occurred_at, datetimes)."""
    found = visible_incidents(user).select_related("region", "enterprise")
    state = filters.get("state")
    if state in IncidentState.values:
        found = found.filter(state=state)
    if filters.get("open"):
        found = found.filter(state__in=OPEN_INCIDENT_STATES)
    for name in ("incident_type", "source"):
        value = filters.get(name)
        if value:
            found = found.filter(**{name: value})
    if filters.get("level") in IncidentLevel.values:
        found = found.filter(level=filters["level"])
    region = str(filters.get("region") or "").strip()
    if region:
        found = found.filter(region_code__startswith=region)
    query = str(filters.get("q") or "").strip()
    if query:
        found = found.filter(
            Q(number__icontains=query) | Q(title__icontains=query) | Q(place__icontains=query)
        )
    if isinstance(filters.get("since"), datetime):
        found = found.filter(occurred_at__gte=filters["since"])
    if isinstance(filters.get("until"), datetime):
        found = found.filter(occurred_at__lt=filters["until"])
    return found.order_by("-occurred_at", "-id")


def incident_for_read(user, incident_id) -> Incident:
    found = (
        visible_incidents(user)
        .select_related("region", "enterprise", "accident", "alarm", "reported_by")
        .filter(pk=incident_id)
        .first()
    )
    if found is None:
        raise OutOfScope()
    return found


def incident_for_write(user, incident_id) -> Incident:
    """The incident through ``user``'s scope, locked until the transaction ends (every
    write to an incident and its dispatch takes this lock first)."""
    found = (
        visible_incidents(user)
        .select_for_update(of=("self",))
        .select_related("region")
        .filter(pk=incident_id)
        .first()
    )
    if found is None:
        raise OutOfScope()
    return found


def assignments(incident: Incident) -> QuerySet[Assignment]:
    return incident.assignments.select_related(
        "team", "supply__warehouse", "equipment", "shelter", "expert", "dispatched_by"
    ).order_by("dispatched_at", "id")


def tasks(incident: Incident) -> QuerySet[IncidentTask]:
    return incident.tasks.select_related("activation__plan", "done_by").order_by(
        "state", "due_at", "id"
    )


def opening_values(
    user, *, data: dict, accident_id=None, alarm_id=None, lock: bool = False
) -> dict:
    """The field values of an incident opened from ``accident_id`` or ``alarm_id`` (else
    by hand, from ``data``); their texts, times and points unchecked: the opening service
    checks them, the form shows them. What they come from is read through the user's
    scope (``OutOfScope``): the street or grid and the unit given by hand, the accident
    (its place, time, coordinates, unit and summary) or the alarm (its device's or unit's
    place), locked with ``lock``. ``data`` gives the title and subtype (and an alarm's
    type), and the point when the source has none on the map."""
    if accident_id is not None:
        return _accident_values(user, accident_id, data, lock)
    if alarm_id is not None:
        return _alarm_values(user, alarm_id, data, lock)
    names = ("incident_type", "subtype", "title", "place", "summary", "latitude", "longitude")
    return {
        "source": IncidentSource.MANUAL,
        **{name: data.get(name) or "" for name in names[:2]},
        **{name: data.get(name) for name in (*names[2:], "occurred_at")},
        **_place_by_hand(user, data),
    }


def _place_by_hand(user, data: dict) -> dict:
    """The street or grid (in scope; not a district) and the unit (in scope) of an incident
    entered by hand."""
    code = data.get("region", data.get("region_id"))
    code = getattr(code, "pk", code)
    region = Region.objects.filter(pk=code).first() if code not in (None, "") else None
    if region is None:
        raise ValidationError({"region": _("请选择事发地所在的街道/镇或网格")})
    if not user.scope.covers_region(region.code):
        raise OutOfScope(field="region")
    if region.level not in (RegionLevel.STREET, RegionLevel.GRID):
        raise ValidationError({"region": _("请选择事发地所在的街道/镇或网格，不能只选到区")})
    unit = data.get("enterprise", data.get("enterprise_id"))
    enterprise = enterprise_for_write(user, unit) if unit not in (None, "") else None
    return {"region": region, "region_code": region.code, "enterprise": enterprise}


def _point(*places, data: dict) -> tuple:
    """The first of ``places`` (objects with latitude and longitude) that is on the map,
    else the form's point."""
    for place in places:
        if place is not None and place.latitude is not None:
            return place.latitude, place.longitude
    return data.get("latitude"), data.get("longitude")


def _accident_values(user, accident_id, data: dict, lock: bool) -> dict:
    read = accident_for_write if lock else accident_for_read
    accident = read(user, accident_id)
    unit = accident.enterprise
    latitude, longitude = _point(accident, unit, data=data)
    kind = accident.get_accident_type_display()
    return {
        "source": IncidentSource.ACCIDENT,
        "incident_type": IncidentType.ACCIDENT,
        "subtype": data.get("subtype") or kind,
        "title": data.get("title") or f"{accident.unit_name}{kind}事故",
        "place": accident.place,
        "summary": accident.summary,
        "latitude": latitude,
        "longitude": longitude,
        "occurred_at": accident.occurred_at,
        "region": accident.region,
        "region_code": accident.region_code,
        "enterprise": unit,
        "accident": accident,
    }


def _alarm_values(user, alarm_id, data: dict, lock: bool) -> dict:
    alarms = Alarm.objects.for_user(user).select_related("device", "enterprise__street", "metric")
    if lock:
        alarms = alarms.select_for_update(of=("self",))
    alarm = alarms.filter(pk=alarm_id).first()
    if alarm is None:
        raise OutOfScope(field="alarm_id")
    device, unit = alarm.device, alarm.enterprise
    latitude, longitude = _point(device, unit, data=data)
    where = f"{device.name}（{device.location}）" if device.location else device.name
    summary = _("%(unit)s %(where)s 监测报警：%(reading)s") % {
        "unit": unit.name,
        "where": where,
        "reading": alarm.reading_text,
    }
    return {
        "source": IncidentSource.ALARM,
        "incident_type": data.get("incident_type") or IncidentType.ACCIDENT,
        "subtype": data.get("subtype") or "",
        "title": data.get("title") or f"{unit.name}{device.name}监测报警",
        "place": f"{unit.address}{device.location}"[:200] or unit.name,
        "summary": data.get("summary") or summary,
        "latitude": latitude,
        "longitude": longitude,
        "occurred_at": alarm.raised_at,
        "region": unit.street,
        "region_code": unit.scope_region_code,
        "enterprise": unit,
        "alarm": alarm,
    }


# --- plans and resources ----------------------------------------------------------------------


def plans_within_reach(user, incident: Incident) -> QuerySet[EmergencyPlan]:
    """The plans (any state) the user may start for ``incident`` once they are in force:
    those in the user's own scope, the governments' and departments' plans of the place
    and of every level above it (a city's plan is started by the district where it
    happens), and the plans of the incident's unit."""
    places = ancestor_codes(incident.region_code)
    mine = EmergencyPlan.objects.for_user(user).values("pk")
    condition = Q(pk__in=mine) | Q(enterprise__isnull=True, scope_region_code__in=places)
    if incident.enterprise_id:
        condition |= Q(enterprise_id=incident.enterprise_id)
    return EmergencyPlan.objects.filter(condition)


def activatable_plans(user, incident: Incident) -> QuerySet[EmergencyPlan]:
    """``plans_within_reach`` in force, with their levels, for the activation form."""
    return (
        plans_within_reach(user, incident)
        .filter(state__in=IN_FORCE_STATES)
        .prefetch_related("levels")
        .order_by("scope_region_code", "plan_type", "title", "-id")
    )


def candidates(user, incident: Incident, *, kind: str, limit: int = 10, **criteria):
    """The nearest available resources of ``kind`` from the incident's place, in
    ``user``'s scope (``selectors_resources.nearest``: speciality, category, name,
    quantity, field, exclude_ids)."""
    return selectors_resources.nearest(
        user,
        kind=ResourceKind(kind),
        latitude=incident.latitude,
        longitude=incident.longitude,
        limit=limit,
        **criteria,
    )


# --- the timeline -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # incident / log / activation / task / assignment
    label: str
    text: str
    by: str  # who, by name; "" for the system


def _name(user) -> str:
    if user is None:
        return ""
    return user.name or user.username


def _local(at: datetime | None) -> str:
    return f"{timezone.localtime(at):%m-%d %H:%M}" if at else ""


def timeline(incident: Incident) -> list[TimelineEntry]:
    """The incident replayed: every fact once, oldest first."""
    rows: list[tuple[datetime, int, int, TimelineEntry]] = []
    covered: set[str] = set()
    labels = _event_labels()
    for line in CommandLogEntry.objects.filter(incident=incident).select_related("by"):
        data = line.data or {}
        covered.update(data.get("refs") or ())
        event = data.get("event")
        label = labels.get(event) or str(LogKind(line.kind).label)
        kind = data.get("about") or "log"
        entry = TimelineEntry(line.at, kind, label, line.text, _name(line.by))
        rows.append((line.at, 1, line.pk, entry))
    rows += _incident_records(incident, covered)
    rows += _activations(incident, covered)
    rows += _tasks(incident, covered)
    rows += _assignment_records(incident, covered)
    rows.sort(key=lambda row: (row[0], row[1], row[2]))
    return [row[3] for row in rows]


def _event_labels() -> dict[str, str]:
    """The label of each event a log line or a record may name (in the active language)."""
    labels = {name: str(label) for name, label in INCIDENT.labels().items()}
    labels.update({f"assignment_{n}": str(label) for n, label in ASSIGNMENT.labels().items()})
    return labels


def _incident_records(incident, covered):
    labels = _event_labels()
    for record in IncidentTransition.objects.filter(incident=incident).select_related("by"):
        if f"incident:{record.pk}" in covered:
            continue
        text = record.reason
        if record.to_state and record.to_state != record.from_state:
            state = str(IncidentState(record.to_state).label)
            text = f"{state}。{record.reason}" if record.reason else state
        entry = TimelineEntry(
            record.at, "incident", labels.get(record.action, record.action), text, _name(record.by)
        )
        yield (record.at, 0, record.pk, entry)


def _activations(incident, covered):
    for activation in PlanActivation.objects.filter(incident=incident).select_related(
        "plan", "activated_by"
    ):
        what = _("《%(plan)s》%(level)s") % {
            "plan": activation.plan.title,
            "level": activation.get_level_display(),
        }
        if f"activation:{activation.pk}" not in covered:
            entry = TimelineEntry(
                activation.activated_at,
                "activation",
                _("启动预案"),
                _("启动%(what)s") % {"what": what},
                _name(activation.activated_by),
            )
            yield (activation.activated_at, 2, activation.pk, entry)
        if activation.ended_at and f"activation_end:{activation.pk}" not in covered:
            entry = TimelineEntry(activation.ended_at, "activation", _("终止预案响应"), what, "")
            yield (activation.ended_at, 2, activation.pk, entry)


def _tasks(incident, covered):
    for task in IncidentTask.objects.filter(incident=incident).select_related("done_by"):
        if f"task:{task.pk}" not in covered:
            due = _("，时限%(due)s") % {"due": _local(task.due_at)} if task.due_at else ""
            text = _("%(title)s（%(who)s%(due)s）") % {
                "title": task.title,
                "who": task.responsible,
                "due": due,
            }
            label = _("复盘整改任务") if task.source == TaskSource.REVIEW else _("指派任务")
            entry = TimelineEntry(task.created_at, "task", label, text, "")
            yield (task.created_at, 3, task.pk, entry)
        if task.done_at and f"task_done:{task.pk}" not in covered:
            text = f"{task.title}。{task.note}" if task.note else task.title
            entry = TimelineEntry(task.done_at, "task", _("任务完成"), text, _name(task.done_by))
            yield (task.done_at, 3, task.pk, entry)


def _assignment_records(incident, covered):
    labels = _event_labels()
    records = AssignmentTransition.objects.filter(assignment__incident=incident).select_related(
        "by",
        "assignment__team",
        "assignment__supply",
        "assignment__equipment",
        "assignment__shelter",
        "assignment__expert",
    )
    for record in records:
        if f"assignment:{record.pk}" in covered:
            continue
        assignment = record.assignment
        text = _("%(kind)s：%(name)s") % {
            "kind": assignment.get_kind_display(),
            "name": assignment.resource,
        }
        if record.reason:
            text = f"{text}。{record.reason}"
        label = labels.get(f"assignment_{record.action}", record.action)
        entry = TimelineEntry(record.at, "assignment", label, text, _name(record.by))
        yield (record.at, 4, record.pk, entry)
