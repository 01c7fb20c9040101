"""The risk map (四色图) with its points feed, and the concentration figures."""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from anjian.core.access import requires
from anjian.core.registry import RegistryMap, RegistryMapPoints
from anjian.regions import selectors as region_selectors
from anjian.risks import permissions as perms
from anjian.risks import selectors
from anjian.risks.choices import LEVEL_HEX, Level
from anjian.risks.views.common import legend


class RiskMap(RegistryMap):
    access = perms.RISK_VIEW
    filterset = selectors.risk_point_filter
    layers = region_selectors.map_layers
    template_name = "risks/map.html"
    points_url = "risks:risk_map_data"

    def map_context(self) -> dict:
        return {
            "listUrl": reverse("risks:risk_point_list"),
            "colours": {level.value: LEVEL_HEX[level] for level in Level},
            "labels": {level.value: str(level.label) for level in Level},
        }

    def get_extra_context(self, **context) -> dict:
        return {"legend": legend()}


class RiskMapPoints(RegistryMapPoints):
    """One point per enterprise, coloured by its highest risk level."""

    access = perms.RISK_VIEW
    limit = selectors.MAP_POINT_LIMIT

    def points(self):
        return selectors.map_points(self.request.user, self.request.GET)


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
