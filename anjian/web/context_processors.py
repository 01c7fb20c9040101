from django.conf import settings

from anjian.core.models import SiteFlag
from anjian.core.notifications import unread_count
from anjian.web.navigation import menu_for


def _section(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.url_name in ("enterprise_map",):
        return "enterprises-map"
    if match.url_name in ("clearing_figures",):
        return "hazards-figures"
    if match.url_name and match.url_name.startswith("department"):
        return "departments"
    if match.url_name and match.url_name.startswith("user"):
        return "users"
    return match.namespace


def shell(request) -> dict:
    """Menu, demo banner and map settings for every page."""
    user = getattr(request, "user", None)
    demo = SiteFlag.objects.filter(key=SiteFlag.DEMO_DATA).values_list("value", flat=True).first()
    return {
        "menu": menu_for(user, _section(request)) if user is not None else [],
        "demo_data": demo,
        "unread_notifications": unread_count(user) if user is not None else 0,
        "map_settings": {
            "tileUrl": settings.MAP_TILE_URL,
            "attribution": settings.MAP_TILE_ATTRIBUTION,
        },
    }
