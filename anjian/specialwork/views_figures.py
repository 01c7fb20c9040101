"""What officials see of special work at a glance: the map of the permits open now in their
scope (特级动火 first, on the map and in the list beside it; the registry map of
``core.registry`` with Leaflet from npm, as the hazard and resource maps), and the figures by
kind and grade in a period, each figure a link to exactly the permits it counts, with their
Excel."""

from datetime import date
from urllib.parse import urlencode

from django import forms
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from anjian.core.access import requires
from anjian.core.excel import write_tables
from anjian.core.forms import attachment
from anjian.core.registry import XLSX, RegistryMap, RegistryMapPoints
from anjian.regions import selectors as region_selectors
from anjian.regions.forms import region_filter_choices
from anjian.specialwork import permissions as perms
from anjian.specialwork import selectors
from anjian.specialwork.choices import Grade, Kind, State
from anjian.specialwork.filters import OPEN, date_filter, permit_filter
from anjian.specialwork.selectors import SEVERITY

MAP_LIMIT = 5000
LISTED = 100  # the open permits listed beside the map, 特级动火 first
HIGH = {("hot", "1"), ("height", "IV"), ("lifting", "1")}  # drawn orange after 特级动火 (red)


def map_params(params):
    """The map's filter: the request's, with 状态 = 有效 unless it names one."""
    params = params.copy()
    if not params.get("state"):
        params["state"] = OPEN
    return params


def severity_class(kind: str, grade: str) -> str:
    if kind == Kind.HOT and grade == Grade.SPECIAL:
        return "special"
    return "high" if (kind, grade) in HIGH else "other"


class PermitMap(RegistryMap):
    access = perms.SPECIALWORK_VIEW
    filterset = permit_filter
    layers = region_selectors.map_layers
    template_name = "specialwork/map.html"
    points_url = "specialwork:permit_map_data"

    def get_filterset(self):
        return permit_filter(self.request.user, map_params(self.request.GET))

    def map_context(self) -> dict:
        return {
            "detailUrl": reverse("specialwork:permit_detail", args=[0]),
            "query": map_params(self.request.GET).urlencode(),
            "states": dict(State.choices),
        }

    def get_extra_context(self, **context) -> dict:
        listed = context["filterset"].qs.annotate(severity=SEVERITY)
        listed = listed.order_by("severity", "valid_until", "id")
        return {
            "query": map_params(self.request.GET).urlencode(),
            "listed": listed[:LISTED],
            "listed_total": listed.count(),
            "now": timezone.now(),
        }


class PermitMapPoints(RegistryMapPoints):
    """[id, lat, lon, number, what, severity, state, enterprise, place, valid until] of the
    filtered permits with a position (the unit's, else the enterprise's), 特级动火 last so
    that they are drawn on top."""

    access = perms.SPECIALWORK_VIEW
    filterset = permit_filter
    limit = MAP_LIMIT

    def get(self, request, *args, **kwargs):
        found = permit_filter(request.user, map_params(request.GET)).qs
        total = found.count()
        rows = found.annotate(severity=SEVERITY).order_by("-severity", "-valid_until", "-id")
        points, located = [], 0
        for permit in rows.select_related("enterprise", "unit")[: self.limit]:
            place = permit.unit if permit.unit and permit.unit.latitude is not None else None
            place = place or permit.enterprise
            if place.latitude is None or place.longitude is None:
                continue
            located += 1
            points.append(
                [
                    permit.pk,
                    round(float(place.latitude), 6),
                    round(float(place.longitude), 6),
                    permit.number,
                    permit.grade_label,
                    severity_class(permit.kind, permit.grade),
                    permit.state,
                    permit.enterprise.name,
                    permit.place,
                    timezone.localtime(permit.valid_until).strftime("%m-%d %H:%M"),
                ]
            )
        return JsonResponse(
            {"points": points, "total": total, "located": located, "limit": self.limit},
            json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
        )


# --- figures by kind and grade -------------------------------------------------------------------


class FiguresForm(forms.Form):
    date_from = date_filter(gettext_lazy("计划开始自"))
    date_to = date_filter(gettext_lazy("计划开始至"))
    street = forms.ChoiceField(label=gettext_lazy("地区"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].choices = region_filter_choices(user)
        if len(self.fields["street"].choices) <= 2:
            del self.fields["street"]


def figures_of(request):
    """The form and the figures it asks for (the current year by default)."""
    today = timezone.localdate()
    params = request.GET.copy()
    if "date_from" not in params and "date_to" not in params:
        params.update(
            {
                "date_from": date(today.year, 1, 1).isoformat(),
                "date_to": date(today.year, 12, 31).isoformat(),
            }
        )
    form = FiguresForm(params, user=request.user)
    values = form.cleaned_data if form.is_valid() else {}
    figures = selectors.figures(
        request.user,
        date_from=values.get("date_from"),
        date_to=values.get("date_to"),
        street=values.get("street") or None,
    )
    return form, figures


def list_link(filters: dict) -> str:
    return f"{reverse('specialwork:permit_list')}?{urlencode(filters)}"


@require_GET
@requires(perms.SPECIALWORK_VIEW)
def figures(request):
    """Permits by kind and grade in the period (planned start), drafts left out; each count
    opens the list filtered to exactly those permits."""
    form, found = figures_of(request)
    grade_labels = dict(Grade.choices)
    rows = [
        {
            "row": row,
            "url": list_link(row.total.filters),
            "grades": [
                {"cell": cell, "label": grade_labels[cell.grade], "url": list_link(cell.filters)}
                for cell in row.grades
            ],
        }
        for row in found.rows
    ]
    context = {
        "form": form,
        "figures": found,
        "rows": rows,
        "total_url": list_link(found.total.filters),
        "states": [(label, cell, list_link(cell.filters)) for label, cell in found.by_state],
        "query": request.GET.urlencode(),
    }
    return render(request, "specialwork/figures.html", context)


@require_GET
@requires(perms.SPECIALWORK_VIEW)
def figures_export(request):
    """The figures as shown, as Excel: by kind and grade, and by state."""
    _form, found = figures_of(request)
    grade_labels = dict(Grade.choices)
    by_grade = []
    for row in found.rows:
        by_grade.append([row.label, _("合计"), row.total.count])
        by_grade += [[row.label, str(grade_labels[c.grade]), c.count] for c in row.grades]
    by_grade.append([_("全部"), _("合计"), found.total.count])
    by_state = [[str(label), cell.count] for label, cell in found.by_state]
    period = "—".join(day.isoformat() if day else "…" for day in (found.date_from, found.date_to))
    about = [
        (_("统计"), _("特殊作业票（按计划开始时间，不含草稿）")),
        (_("期间"), period),
        (_("导出人"), str(request.user)),
        (_("可见范围"), request.user.scope.label),
        (_("导出时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
        (_("依据"), "GB 30871-2022"),
    ]
    response = HttpResponse(content_type=XLSX)
    write_tables(
        response,
        sheets=[
            (_("按类别和级别"), [_("作业类别"), _("作业级别"), _("作业票数")], by_grade),
            (_("按状态"), [_("状态"), _("作业票数")], by_state),
        ],
        about=about,
    )
    attachment(response, f"特殊作业统计-{timezone.localtime():%Y%m%d-%H%M%S}.xlsx")
    return response
