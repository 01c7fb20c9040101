"""挂图作战 — the hazard map and its points feed — and the report page's nearby units.

The map filters as the ledger does (``selectors.hazard_filter``); opened without a
整改进度 it shows the open hazards (``progress=open``), and the query it asks the feed for
is the one its 列表 button opens, so both count the same hazards.
"""

from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from anjian.core.access import requires
from anjian.core.registry import RegistryMap, RegistryMapPoints
from anjian.enterprises import nearby
from anjian.hazards import hazard_map, selectors
from anjian.hazards import permissions as perms
from anjian.hazards.choices import Grade, State
from anjian.regions import selectors as region_selectors

DEFAULT_PROGRESS = "open"
NEARBY_DEFAULT = 10
NEARBY_MAX = 50
JSON_COMPACT = {"ensure_ascii": False, "separators": (",", ":")}


def map_params(params):
    """The page's filter: the request's, with 整改进度 = 未销号 unless it names one."""
    params = params.copy()
    if "progress" not in params:
        params["progress"] = DEFAULT_PROGRESS
    return params


class HazardMap(RegistryMap):
    access = perms.HAZARD_VIEW
    filterset = selectors.hazard_filter
    layers = region_selectors.map_layers
    template_name = "hazards/map.html"
    points_url = "hazards:hazard_map_data"

    def get_filterset(self):
        return selectors.hazard_filter(self.request.user, map_params(self.request.GET))

    def map_context(self) -> dict:
        return {
            "detailUrl": reverse("hazards:hazard_detail", args=[0]),
            "query": map_params(self.request.GET).urlencode(),
            "states": {state.value: str(state.label) for state in State},
            "grades": {grade.value: str(grade.label) for grade in Grade},
        }

    def get_extra_context(self, **context) -> dict:
        user = self.request.user
        return {
            "query": map_params(self.request.GET).urlencode(),
            "streets": region_selectors.streets_for(user).defer("boundary").order_by("code"),
            "street": self.request.GET.get("street", ""),
        }


class HazardMapPoints(RegistryMapPoints):
    """The filtered ledger's hazards with a position, at most ``limit``: ``total`` is the
    ledger's count for the same query, ``located`` how many of them have a position."""

    access = perms.HAZARD_VIEW
    filterset = selectors.hazard_filter
    limit = hazard_map.MAP_POINT_LIMIT

    def get(self, request, *args, **kwargs):
        points, total, located = hazard_map.map_points(self.get_filterset().qs)
        return JsonResponse(
            {"points": points, "total": total, "located": located, "limit": self.limit},
            json_dumps_params=JSON_COMPACT,
        )


def _coordinate(params, name: str, bound: float) -> float | None:
    try:
        value = float(params.get(name, ""))
    except ValueError:
        return None
    return value if -bound <= value <= bound else None


@require_GET
@requires(perms.HAZARD_REPORT)
def report_nearby(request):
    """The enterprises and public places in scope nearest to ``lat``/``lon`` (the browser's
    position), nearest first, each with the link that reports a hazard of it."""
    latitude = _coordinate(request.GET, "lat", 90)
    longitude = _coordinate(request.GET, "lon", 180)
    if latitude is None or longitude is None:
        return JsonResponse({"error": _("位置无效：需要纬度 lat 和经度 lon")}, status=400)
    try:
        limit = min(max(int(request.GET.get("limit", NEARBY_DEFAULT)), 1), NEARBY_MAX)
    except ValueError:
        limit = NEARBY_DEFAULT
    units = nearby.nearest(request.user, latitude=latitude, longitude=longitude, limit=limit)
    report_url = reverse("hazards:hazard_report")
    return JsonResponse(
        {
            "units": [
                {
                    "id": unit.id,
                    "kind": unit.kind,
                    "name": unit.name,
                    "address": unit.address,
                    "distance_m": round(unit.distance_m),
                    "url": f"{report_url}?{unit.kind}={unit.id}",
                }
                for unit in units
            ]
        },
        json_dumps_params=JSON_COMPACT,
    )
