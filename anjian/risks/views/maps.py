"""The risk map (四色图) with its points feed, and the concentration figures."""

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from anjian.accounts import permissions as perms
from anjian.core.access import requires
from anjian.regions import selectors as region_selectors
from anjian.risks import selectors
from anjian.risks.choices import LEVEL_HEX, Level
from anjian.risks.views.common import legend


@require_GET
@requires(perms.RISK_VIEW)
def risk_map(request):
    filterset = selectors.risk_point_filter(request.user, request.GET)
    districts = region_selectors.districts_in(request.user).exclude(boundary__isnull=True)
    streets = region_selectors.streets_for(request.user).exclude(latitude=None)
    return render(
        request,
        "risks/map.html",
        {
            "filterset": filterset,
            "legend": legend(),
            "map_context": {
                "pointsUrl": reverse("risks:risk_map_data"),
                "listUrl": reverse("risks:risk_point_list"),
                "colours": {level.value: LEVEL_HEX[level] for level in Level},
                "labels": {level.value: str(level.label) for level in Level},
                "districts": [{"name": d.name, "geometry": d.boundary} for d in districts],
                "streets": [
                    {"name": s.name, "lat": float(s.latitude), "lon": float(s.longitude)}
                    for s in streets
                ],
            },
        },
    )


@require_GET
@requires(perms.RISK_VIEW)
def risk_map_data(request):
    points, total = selectors.map_points(request.user, request.GET)
    return JsonResponse(
        {"points": points, "total": total, "limit": selectors.MAP_POINT_LIMIT},
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )


@require_GET
@requires(perms.RISK_VIEW)
def risk_concentration(request):
    filterset = selectors.risk_point_filter(request.user, request.GET)
    figures = selectors.concentration(request.user, request.GET)
    levels = [level.value for level in Level]

    def rows(items, param):
        return [[row.key, row.label, [row.counts[level] for level in levels]] for row in items]

    charts = {
        "listUrl": reverse("risks:risk_point_list"),
        "base": {k: v for k, v in request.GET.items() if k in ("industry", "street", "kind")},
        "levels": [[level.value, str(level.label), LEVEL_HEX[level]] for level in Level],
        "street": rows(figures.by_street, "street"),
        "industry": rows(figures.by_industry, "industry"),
    }
    return render(
        request,
        "risks/concentration.html",
        {
            "filterset": filterset,
            "figures": figures,
            "legend": legend(),
            "charts": charts,
            "query": request.GET.urlencode(),
        },
    )
