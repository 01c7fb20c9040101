"""应急准备 at a glance — the overview of plans, drills and stock, each figure a link to the
list filtered to exactly the records it counts — and the resource map (一张图): every kind
of resource as a layer the user switches on and off, filtered by speciality and level."""

from urllib.parse import urlencode

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from anjian.core.access import requires
from anjian.core.filters import SelectorFilter
from anjian.core.registry import RegistryMap, RegistryMapPoints
from anjian.emergency import permissions as perms
from anjian.emergency import selectors_drills, selectors_plans
from anjian.emergency import selectors_resources as selectors
from anjian.emergency.choices import Readiness, ShelterStatus
from anjian.emergency.filters import MAP_KINDS, MapFilterForm
from anjian.emergency.views_resources import tabs
from anjian.regions import selectors as region_selectors

BEHIND_SHOWN = 10


def link(name: str, filters: dict) -> str:
    """The list at ``name`` with ``filters`` as its query (True as "1")."""
    query = {key: "1" if value is True else value for key, value in filters.items()}
    return f"{reverse(name)}?{urlencode(query)}" if query else reverse(name)


def _linked(figure, name: str) -> dict:
    filters = getattr(figure, "filters", None)
    if filters is None:
        filters = figure.filter
    return {"figure": figure, "url": link(name, filters)}


@require_GET
@requires(perms.EMERGENCY_VIEW)
def overview(request):
    """预案备案率 and the plans overdue for filing or assessment; 演练完成率 and who is
    behind; stock expiring, expired or below its reserve; what the resources add up to."""
    user, today = request.user, timezone.localdate()
    plans = {
        key: _linked(figure, "emergency:plan_list")
        for key, figure in selectors_plans.plan_figures(user, today=today).items()
    }
    drills = selectors_drills.compliance(user, year=today.year, today=today)
    behind = [row for row in drills.rows if row.behind]
    stock = selectors.stock_figures(user, today=today)
    context = {
        "today": today,
        "plans": plans,
        "drills": {
            key: _linked(figure, "emergency:drill_compliance")
            for key, figure in drills.figures.items()
        },
        "behind": [
            {"row": row, "url": link("emergency:drill_list", row.drills_filter(today.year))}
            for row in behind[:BEHIND_SHOWN]
        ],
        "behind_more": max(0, len(behind) - BEHIND_SHOWN),
        "stock": {
            key: _linked(figure, "emergency:supply_list")
            for key, figure in stock.items()
            if key != "by_level"
        },
        "levels": [_linked(figure, "emergency:supply_list") for figure in stock["by_level"]],
        "resources": resource_counts(user),
        "year": today.year,
    }
    return render(request, "emergency/overview/overview.html", context)


def resource_counts(user) -> list[dict]:
    """How many of each kind are ready now, of how many — each a link to its list."""
    ready_teams = {"readiness": Readiness.READY, "active": True}
    ready_shelters = selectors.shelters(user, status=ShelterStatus.READY)
    return [
        {
            "key": "teams",
            "label": _("救援队伍（待命）"),
            "count": selectors.teams(user, **ready_teams).count(),
            "note": _("在册 %(n)d 支") % {"n": selectors.teams(user, active=True).count()},
            "url": link("emergency:team_list", ready_teams),
        },
        {
            "key": "warehouses",
            "label": _("物资储备库（在用）"),
            "count": selectors.warehouses(user, active=True).count(),
            "url": link("emergency:warehouse_list", {"active": True}),
        },
        {
            "key": "shelters",
            "label": _("避难场所（可启用）"),
            "count": ready_shelters.count(),
            "note": _("可容纳 %(n)d 人")
            % {"n": sum(ready_shelters.values_list("capacity", flat=True))},
            "url": link("emergency:shelter_list", {"status": ShelterStatus.READY}),
        },
        {
            "key": "experts",
            "label": _("应急专家（可参与处置）"),
            "count": selectors.experts(user, available=True).count(),
            "url": link("emergency:expert_list", {"available": True}),
        },
    ]


# --- the map ------------------------------------------------------------------------------------

MAP_LIMIT = 5000


def map_filter(user, params):
    return SelectorFilter(user, params, form_class=MapFilterForm, select=selectors.teams)


def map_rows(user, form) -> dict:
    """Each layer asked for: its records with a place, filtered as the form says."""
    data = form.cleaned_data if form.is_valid() else {}
    common = {"region": data.get("region") or None, "q": data.get("q") or None}
    level = data.get("storage_level") or None
    speciality, field = data.get("speciality") or None, data.get("field") or None
    return {
        "team": selectors.teams(user, speciality=speciality, active=True, **common),
        "warehouse": selectors.warehouses(user, storage_level=level, active=True, **common),
        "equipment": selectors.equipment(user, **common),
        "shelter": selectors.shelters(user, **common),
        "expert": selectors.experts(user, field=field, **common),
    }


STATUS_FIELD = {
    "team": "readiness",
    "warehouse": "storage_level",
    "equipment": "status",
    "shelter": "status",
    "expert": "field",
}


class ResourceMap(RegistryMap):
    access = perms.EMERGENCY_VIEW
    filterset = map_filter
    layers = region_selectors.map_layers
    template_name = "emergency/resources/map.html"
    points_url = "emergency:resource_map_data"

    def map_context(self) -> dict:
        return {
            "detailUrls": {
                key: reverse(f"emergency:{key}_detail", args=[0]) for key in STATUS_FIELD
            },
            "kinds": {key: str(label) for key, label in MAP_KINDS},
        }

    def get_extra_context(self, **context) -> dict:
        return {"tabs": tabs("map")}


class ResourceMapPoints(RegistryMapPoints):
    """[kind, id, lat, lon, name, status label] of each layer asked for."""

    access = perms.EMERGENCY_VIEW
    filterset = map_filter
    limit = MAP_LIMIT

    def points(self):
        form = self.get_filterset().form
        form.is_valid()
        rows = map_rows(self.request.user, form)
        points, total, located = [], 0, 0
        for key in form.kinds():
            queryset = rows[key]
            total += queryset.count()
            placed = queryset.exclude(latitude=None).exclude(longitude=None)
            located += placed.count()
            model = queryset.model
            labels = dict(model._meta.get_field(STATUS_FIELD[key]).choices)
            room = self.limit - len(points)
            for pk, lat, lon, name, status in placed.values_list(
                "pk", "latitude", "longitude", "name", STATUS_FIELD[key]
            )[: max(room, 0)]:
                points.append(
                    [key, pk, round(lat, 6), round(lon, 6), name, str(labels.get(status, status))]
                )
        self.located = located
        return points, total

    def get(self, request, *args, **kwargs):
        points, total = self.points()
        return JsonResponse(
            {"points": points, "total": total, "located": self.located, "limit": self.limit},
            json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
        )
