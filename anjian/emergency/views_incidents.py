"""突发事件 pages: the list (and its Excel), opening an incident — by hand, from an
accident's quick report or from a monitoring alarm (the form prefilled from that record) —
the after-action review, and the timeline that replays an incident — and the badges and map
data the command page shares. The command page and its forms are in ``views_command``.

Reads go through ``selectors_incidents`` (scoped: another district's incident is 404);
writes through ``services_incidents`` via ``core.forms.submit``.
"""

from functools import cached_property

import django_tables2 as tables
from django import forms as django_forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from anjian.accidents import selectors as accident_selectors
from anjian.core.access import requires
from anjian.core.excel import Column
from anjian.core.forms import submit
from anjian.core.registry import RegistryExport, RegistryList
from anjian.emergency import forms_incidents as forms
from anjian.emergency import permissions as perms
from anjian.emergency import selectors_incidents as selectors
from anjian.emergency import services_incidents as services
from anjian.emergency.choices import IncidentLevel, IncidentSource, IncidentType, ResourceKind
from anjian.emergency.lifecycle import INCIDENT
from anjian.emergency.models import (
    AssignmentState,
    AssignmentTransition,
    Incident,
    IncidentState,
)
from anjian.monitoring import selectors as monitoring_selectors
from anjian.regions import selectors as region_selectors
from anjian.regions.levels import district_of
from anjian.regions.models import Region

STATE_COLOURS = {
    IncidentState.REPORTED: "azure",
    IncidentState.RESPONDING: "red",
    IncidentState.CLOSED: "green",
    IncidentState.REVIEWED: "teal",
    IncidentState.VOIDED: "secondary",
}
LEVEL_COLOURS = {"1": "red", "2": "orange", "3": "yellow", "4": "blue"}
OPEN = "open"
WIDE = {"th": {"class": "d-none d-md-table-cell"}, "td": {"class": "d-none d-md-table-cell"}}
WRAP = {"td": {"class": "text-wrap"}}


def badge(colour: str, text, **data) -> str:
    name, value = next(iter(data.items()))
    return format_html(
        '<span class="badge bg-{}-lt" data-{}="{}">{}</span>', colour, name, value, text
    )


def state_badge(incident) -> str:
    return badge(STATE_COLOURS[incident.state], incident.get_state_display(), state=incident.state)


def level_badge(incident) -> str:
    if not incident.level:
        return badge("secondary", _("未定级"), level="")
    return badge(LEVEL_COLOURS[incident.level], incident.get_level_display(), level=incident.level)


# --- what the incident pages draw (the command page's too) --------------------------------------


def place_of(resource) -> tuple[float, float] | None:
    latitude = getattr(resource, "latitude", None)
    longitude = getattr(resource, "longitude", None)
    if latitude is None or longitude is None:
        return None
    return float(latitude), float(longitude)


def unit_of(assignment) -> str:
    if assignment.kind == ResourceKind.SUPPLY:
        return assignment.supply.unit
    if assignment.kind == ResourceKind.SHELTER:
        return _("人")
    if assignment.kind == ResourceKind.EQUIPMENT:
        return _("台/套")
    return ""


def map_data(incident, assignments) -> dict:
    """What command.js draws: the incident, its district and streets, each resource sent
    (at its base; where it is is its state)."""
    district = Region.objects.filter(code=district_of(incident.region_code)).first()
    streets = Region.objects.filter(parent=district, latitude__isnull=False) if district else []
    sent = []
    for row in assignments:
        place = place_of(row.resource)
        sent.append(
            {
                "id": row.pk,
                "kind": row.kind,
                "name": str(row.resource),
                "state": row.state,
                "stateLabel": row.get_state_display(),
                "quantity": row.quantity,
                "unit": unit_of(row),
                "lat": place[0] if place else None,
                "lon": place[1] if place else None,
            }
        )
    return {
        "incident": {
            "lat": incident.latitude,
            "lon": incident.longitude,
            "title": incident.title,
            "place": incident.place,
        },
        "districts": [{"name": district.name, "geometry": district.boundary}]
        if district is not None and district.boundary
        else [],
        "streets": [
            {"name": s.name, "lat": float(s.latitude), "lon": float(s.longitude)} for s in streets
        ],
        "assignments": sent,
    }


# --- the list --------------------------------------------------------------------------------


class IncidentFilterForm(django_forms.Form):
    q = django_forms.CharField(label=gettext_lazy("编号、名称或地点"), required=False)
    state = django_forms.ChoiceField(label=gettext_lazy("状态"), required=False)
    incident_type = django_forms.ChoiceField(label=gettext_lazy("事件类型"), required=False)
    level = django_forms.ChoiceField(label=gettext_lazy("事件级别"), required=False)
    source = django_forms.ChoiceField(label=gettext_lazy("来源"), required=False)
    region = django_forms.ChoiceField(label=gettext_lazy("街镇"), required=False)
    year = django_forms.ChoiceField(label=gettext_lazy("年度"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        states = [(OPEN, _("处置中（已接报、响应中）")), *IncidentState.choices]
        self.fields["state"].choices = forms.choices(states, _("全部状态"))
        self.fields["incident_type"].choices = forms.choices(IncidentType.choices, _("全部类型"))
        self.fields["level"].choices = forms.choices(IncidentLevel.choices, _("全部级别"))
        self.fields["source"].choices = forms.choices(IncidentSource.choices, _("全部来源"))
        streets = [(s.code, s.name) for s in region_selectors.streets_for(user)]
        if len(streets) > 1:
            self.fields["region"].choices = forms.choices(streets, _("全部街镇"))
        else:
            del self.fields["region"]
        this_year = timezone.localdate().year
        years = [(str(y), f"{y}年") for y in range(this_year, this_year - 10, -1)]
        self.fields["year"].choices = forms.choices(years, _("全部年度"))


class IncidentFilter:
    """What ``RegistryList`` / ``RegistryExport`` read of a FilterSet — ``form``, ``qs``,
    ``errors``, ``active_filters`` — over ``selectors_incidents.incidents``."""

    def __init__(self, user, params):
        self.user, self.params = user, params
        self.form = IncidentFilterForm(params or None, user=user)
        self.errors = {}  # a value the selector does not know is ignored, not refused

    def filters(self) -> dict:
        params = self.params
        found = {name: params.get(name, "") for name in ("q", "incident_type", "level", "source")}
        state = params.get("state", "")
        if state == OPEN:
            found["open"] = True
        else:
            found["state"] = state
        if "region" in self.form.fields:
            found["region"] = params.get("region", "")
        year = params.get("year", "")
        if year.isdigit() and 1900 < int(year) < 3000:
            zone = timezone.get_current_timezone()
            found["since"] = timezone.datetime(int(year), 1, 1, tzinfo=zone)
            found["until"] = timezone.datetime(int(year) + 1, 1, 1, tzinfo=zone)
        return found

    @cached_property
    def qs(self):
        return selectors.incidents(self.user, **self.filters())

    @cached_property
    def active_filters(self) -> list[tuple[str, str]]:
        shown = []
        for name, field in self.form.fields.items():
            value = (self.params.get(name) or "").strip()
            if not value:
                continue
            labels = dict(getattr(field, "choices", ()))
            if name != "q" and value not in labels:
                continue
            shown.append((str(field.label), str(labels.get(value, value))))
        return shown


def incident_filter(user, params) -> IncidentFilter:
    return IncidentFilter(user, params)


class IncidentTable(tables.Table):
    number = tables.Column(linkify=True, verbose_name=gettext_lazy("编号"))
    title = tables.Column(verbose_name=gettext_lazy("事件名称"), attrs=WRAP)
    occurred_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=gettext_lazy("发生时间"))
    place = tables.Column(verbose_name=gettext_lazy("地点"), order_by="region_code", attrs=WRAP)
    incident_type = tables.Column(verbose_name=gettext_lazy("类型"), attrs=WIDE)
    level = tables.Column(verbose_name=gettext_lazy("级别"))
    state = tables.Column(verbose_name=gettext_lazy("状态"))
    commander = tables.Column(verbose_name=gettext_lazy("现场总指挥"), attrs=WIDE)
    source = tables.Column(verbose_name=gettext_lazy("来源"), attrs=WIDE)

    card_fields = ("title", "number", "occurred_at", "place", "level", "state", "commander")

    class Meta:
        model = Incident
        fields = (
            "number",
            "title",
            "occurred_at",
            "place",
            "incident_type",
            "level",
            "state",
            "commander",
            "source",
        )
        order_by_field = "sort"
        page_field = "page"
        empty_text = gettext_lazy("没有符合条件的突发事件")

    def render_number(self, value, record):
        return format_html('<span class="font-monospace">{}</span>', value)

    def render_title(self, value, record):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def render_place(self, value, record):
        return format_html(
            '{}<div class="small text-secondary">{}</div>', value, record.region.name
        )

    def render_level(self, value, record):
        return level_badge(record)

    def render_state(self, value, record):
        return state_badge(record)

    def render_commander(self, value, record):
        return value or "—"


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _column(key: str, header, width: int, export) -> Column:
    return Column(key, str(header), width, export=export)


COLUMNS = [
    _column("number", gettext_lazy("事件编号"), 16, lambda i: i.number),
    _column("title", gettext_lazy("事件名称"), 30, lambda i: i.title),
    _column("incident_type", gettext_lazy("事件类型"), 12, lambda i: i.get_incident_type_display()),
    _column("subtype", gettext_lazy("事件细类"), 14, lambda i: i.subtype),
    _column("level", gettext_lazy("事件级别"), 14, lambda i: i.get_level_display() or ""),
    _column("occurred_at", gettext_lazy("发生时间"), 18, lambda i: _local(i.occurred_at)),
    _column("street", gettext_lazy("街道/镇"), 14, lambda i: i.region.name),
    _column("region_code", gettext_lazy("区划代码"), 12, lambda i: i.region_code),
    _column("place", gettext_lazy("发生地点"), 30, lambda i: i.place),
    _column(
        "unit", gettext_lazy("涉事单位"), 24, lambda i: i.enterprise.name if i.enterprise_id else ""
    ),
    _column("source", gettext_lazy("来源"), 10, lambda i: i.get_source_display()),
    _column("lead", gettext_lazy("牵头处置单位"), 20, lambda i: i.lead_organisation),
    _column("commander", gettext_lazy("现场总指挥"), 12, lambda i: i.commander),
    _column("state", gettext_lazy("状态"), 10, lambda i: i.get_state_display()),
    _column("reported_at", gettext_lazy("接报时间"), 18, lambda i: _local(i.reported_at)),
    _column("responding", gettext_lazy("启动响应时间"), 18, lambda i: _local(i.responding_since)),
    _column("closed_at", gettext_lazy("响应结束时间"), 18, lambda i: _local(i.closed_at)),
    _column("summary", gettext_lazy("事件概况"), 50, lambda i: i.summary),
]


class IncidentList(RegistryList):
    access = perms.EMERGENCY_VIEW
    filterset = incident_filter
    table = IncidentTable
    template_name = "emergency/incidents/list.html"


class IncidentExport(RegistryExport):
    """The filtered list as shown, every row (incidents are tens a year, not millions)."""

    access = perms.EMERGENCY_VIEW
    filterset = incident_filter
    columns = COLUMNS
    title = str(gettext_lazy("突发事件台账"))


# --- opening an incident -----------------------------------------------------------------------


def _asked_id(request, name: str) -> int | None:
    value = request.GET.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise Http404 from None


def origin_of(request) -> dict:
    """The accident or alarm the incident starts from (``?accident=`` / ``?alarm=``), read
    through the user's scope (404 outside it), and what the form takes from it."""
    user = request.user
    accident_id, alarm_id = _asked_id(request, "accident"), _asked_id(request, "alarm")
    Form = forms.IncidentOpenForm
    if accident_id is not None:
        accident = accident_selectors.accident_for_read(user, accident_id)
        return {
            "accident": accident,
            "origin": "accident",
            "located": Form.located(accident, accident.enterprise),
            "initial": Form.initial_from_accident(accident),
        }
    if alarm_id is not None:
        alarm = monitoring_selectors.alarm_get(user, alarm_id)
        return {
            "alarm": alarm,
            "origin": "alarm",
            "located": Form.located(alarm.device, alarm.enterprise),
            "initial": Form.initial_from_alarm(alarm),
        }
    return {"origin": "", "located": False, "initial": {}}


@require_http_methods(["GET", "POST"])
@requires(perms.INCIDENT_OPEN)
def incident_open(request):
    """接报登记: one column on a phone, a map to place the incident with a tap; from an
    accident or an alarm, what they say is shown and only the rest is asked."""
    user = request.user
    origin = origin_of(request)
    accident, alarm = origin.get("accident"), origin.get("alarm")
    form = forms.IncidentOpenForm(
        request.POST or None,
        user=user,
        origin=origin["origin"],
        located=origin["located"],
        initial=origin["initial"],
    )
    outcome = submit(
        request,
        form,
        lambda data: services.incident_open(
            user,
            data=form.service_data(),
            accident_id=accident.pk if accident else None,
            alarm_id=alarm.pk if alarm else None,
            token=data.get("token"),
        ),
    )
    if outcome.done:
        incident = outcome.result
        messages.success(
            request, _("已登记突发事件 %(n)s，请启动响应、调派力量") % {"n": incident.number}
        )
        return redirect(incident)
    source = {"accident": accident} if accident else {"alarm": alarm} if alarm else None
    context = {
        "form": form,
        "accident": accident,
        "alarm": alarm,
        "existing": selectors.incidents(user).filter(**source).exclude(state="voided").first()
        if source
        else None,
        "error": outcome.message if outcome.conflict else "",
        "pick_map": pick_map(user, form) if "latitude" in form.fields else None,
    }
    return render(request, "emergency/incidents/open.html", context, status=outcome.status)


def pick_map(user, form) -> dict:
    """What the open form's map draws: the districts in scope, and the streets one may pick
    (by code, so that picking a street moves the map there)."""
    streets = form.fields["region"].queryset if "region" in form.fields else []
    return {
        "districts": region_selectors.map_layers(user)["districts"],
        "streets": [
            {"code": s.code, "name": s.name, "lat": float(s.latitude), "lon": float(s.longitude)}
            for s in streets
            if s.latitude is not None and s.longitude is not None
        ],
    }


# --- the after-action review -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires(perms.INCIDENT_COMMAND)
def incident_after_action(request, pk: int):
    """复盘评估: the summary, what went well, the problems, and the lessons that become
    tasks; once the response has ended. A review already written is shown, not edited."""
    user = request.user
    incident = selectors.incident_for_read(user, pk)
    review = getattr(incident, "review", None)
    allowed = review is None and INCIDENT.may_operate(user, "after_action", incident)
    form = forms.AfterActionForm(request.POST if allowed and request.method == "POST" else None)
    if request.method == "POST" and not allowed:
        form = forms.AfterActionForm(request.POST)
    outcome = submit(
        request,
        form,
        lambda data: services.incident_after_action(
            user, incident_id=incident.pk, **form.service_data()
        ),
    )
    if outcome.done:
        lessons = len(form.service_data()["lessons"])
        messages.success(
            request,
            _("已登记复盘评估，%(n)d项整改任务已列入处置任务；核对无误后请“完成复盘”")
            % {"n": lessons},
        )
        return redirect(f"{incident.get_absolute_url()}#top")
    context = {
        "incident": selectors.incident_for_read(user, pk),
        "form": form,
        "allowed": allowed,
        "review": review,
        "error": outcome.message if outcome.conflict else "",
    }
    return render(request, "emergency/incidents/after_action.html", context, status=outcome.status)


# --- the timeline replay -----------------------------------------------------------------------


def replay(incident, entries) -> dict:
    """What the replay draws at any moment: the timeline's entries, the incident's state
    changes, and each assignment's moves (where it was, in which state, when)."""
    states = [{"at": incident.reported_at.isoformat(), "state": IncidentState.REPORTED}]
    for record in incident.transitions.exclude(to_state="").order_by("at", "id"):
        if record.to_state != record.from_state:
            states.append({"at": record.at.isoformat(), "state": record.to_state})
    rows = list(selectors.assignments(incident))
    moves: dict[int, list] = {row.pk: [] for row in rows}
    records = AssignmentTransition.objects.filter(assignment__incident=incident)
    for record in records.exclude(to_state="").order_by("at", "id"):
        moves[record.assignment_id].append({"at": record.at.isoformat(), "state": record.to_state})
    for row in rows:
        steps = moves[row.pk]
        if not steps or steps[0]["state"] != AssignmentState.DISPATCHED:  # no dispatch record
            steps.insert(0, {"at": row.dispatched_at.isoformat(), "state": "dispatched"})
    drawn = map_data(incident, rows)
    for row in drawn["assignments"]:
        row["moves"] = moves[row["id"]]
    return {
        **drawn,
        "states": states,
        "stateLabels": dict(IncidentState.choices),
        "assignmentStateLabels": dict(AssignmentState.choices),
        "entries": [
            {
                "at": entry.at.isoformat(),
                "when": f"{timezone.localtime(entry.at):%Y-%m-%d %H:%M:%S}",
                "label": entry.label,
                "kind": entry.kind,
            }
            for entry in entries
        ],
    }


@require_GET
@requires(perms.EMERGENCY_VIEW)
def incident_timeline(request, pk: int):
    """The incident replayed: every fact once, in time order, on a vertical line; a slider
    (command.js) shows the incident's state and the map as they were at any moment."""
    incident = selectors.incident_for_read(request.user, pk)
    entries = selectors.timeline(incident)
    context = {
        "incident": incident,
        "entries": entries,
        "state_badge": state_badge(incident),
        "level_badge": level_badge(incident),
        "replay": replay(incident, entries),
    }
    return render(request, "emergency/incidents/timeline.html", context)
