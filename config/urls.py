from django.urls import include, path

from config.api import api

urlpatterns = [
    path("", include("anjian.web.urls")),
    path("accounts/", include("anjian.accounts.urls")),
    path("enterprises/", include("anjian.enterprises.urls")),
    path("risks/", include("anjian.risks.urls")),
    path("regions/", include("anjian.regions.urls")),
    path("hazards/standards/", include("anjian.hazards.library.urls")),
    path("hazards/self-checks/", include("anjian.hazards.selfcheck.urls")),
    path("hazards/", include("anjian.hazards.urls")),
    path("monitoring/", include("anjian.monitoring.urls")),
    path("warnings/", include("anjian.cap.urls")),
    path("inspections/", include("anjian.inspections.urls")),
    path("accidents/", include("anjian.accidents.urls")),
    path("emergency/", include("anjian.emergency.urls")),
    path("hazchem/", include("anjian.hazchem.urls")),
    path("specialwork/", include("anjian.specialwork.urls")),
    path("analytics/", include("anjian.analytics.urls")),
    path("", include("anjian.core.urls")),
    path("api/v1/", api.urls),
]

handler403 = "anjian.web.errors.forbidden"
handler404 = "anjian.web.errors.not_found"
handler500 = "anjian.web.errors.server_error"
