from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage

from anjian.core.caching import demo_flag
from anjian.core.notifications import unread_count
from anjian.web.navigation import menu_for

# 监督检查: which of the group's entries a page of /inspections/ belongs to.
INSPECTION_SECTIONS = (
    ("plan", "inspections-plans"),
    ("task", "inspections-tasks"),
    ("inspector", "inspections-inspectors"),
    ("conflict", "inspections-inspectors"),
    ("matter", "inspections-matters"),
    ("inspection", "inspections-onsite"),
    ("visit", "inspections-onsite"),
    ("case", "inspections-cases"),
    ("discretion", "inspections-standards"),
    ("checklist", "inspections-standards"),
    ("document", "inspections-documents"),
    ("figures", "inspections-figures"),
)


EMERGENCY_SECTIONS = (
    (("incident", "assignment"), "emergency-incidents"),
    (("plan",), "emergency-plans"),
    (("drill",), "emergency-drills"),
    (("resource_map",), "emergency-map"),
    (
        ("team", "warehouse", "supply", "equipment", "shelter", "expert", "resource_"),
        "emergency-resources",
    ),
)


def _section(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    if match.namespace == "inspections":
        for prefix, section in INSPECTION_SECTIONS:
            if (match.url_name or "").startswith(prefix):
                return section
        return "inspections"
    if match.namespace == "analytics":
        name = match.url_name or ""
        if name.startswith("indicator"):
            return "analytics-indicators"
        if name.startswith(("denominator", "plan")):
            return "analytics-bases"
        return "analytics"
    if match.namespace == "emergency":
        name = match.url_name or ""
        for prefixes, section in EMERGENCY_SECTIONS:
            if name.startswith(prefixes):
                return section
        return "emergency"
    if match.namespace == "hazchem":
        name = match.url_name or ""
        if name.startswith(("duty", "source_dut", "source_check")):
            return "hazchem-duties"
        if name.startswith("coverage"):
            return "hazchem-coverage"
        if name.startswith("source"):
            return "hazchem-sources"
        return "hazchem-chemicals" if name.startswith("chemical") else "hazchem-units"
    if match.namespace == "cap" and (match.url_name or "").startswith(("reach", "delivery")):
        return "cap-reach"
    if match.namespace == "cap" and (match.url_name or "").startswith("contact"):
        return "cap-contacts"
    if match.url_name == "work_calendar":
        return "core-calendar"
    if match.namespace == "enterprises" and (match.url_name or "").startswith("place"):
        return "enterprises-places"
    if match.url_name in ("enterprise_map",):
        return "enterprises-map"
    if match.url_name in ("clearing_figures",):
        return "hazards-figures"
    if match.url_name in ("hazard_map",):
        return "hazards-map"
    if match.url_name and match.url_name.startswith("department"):
        return "departments"
    if match.url_name and match.url_name.startswith("user"):
        return "users"
    return match.namespace


@cache
def base_map_url() -> str:
    """The offline base layer (district outlines, ``scripts/vendor.py``) for this deployment's
    ANJIAN_REGION_ROOT, or "" when it was not built for that root (once per process)."""
    name = f"vendor/basemap/districts-{settings.REGION_ROOT}.json"
    if not (finders.find(name) or staticfiles_storage.exists(name)):
        return ""
    try:
        return staticfiles_storage.url(name)
    except ValueError:  # vendored after the last collectstatic: not in the manifest yet
        return ""


def shell(request) -> dict:
    """Menu, demo banner and map settings for every page."""
    user = getattr(request, "user", None)
    return {
        "menu": menu_for(user, _section(request)) if user is not None else [],
        # Read with the signed-in user (accounts.backends): no statement of its own.
        "demo_data": demo_flag(user),
        "unread_notifications": unread_count(user) if user is not None else 0,
        "map_settings": {
            "tileUrl": settings.MAP_TILE_URL,
            "attribution": settings.MAP_TILE_ATTRIBUTION,
            "baseUrl": "" if settings.MAP_TILE_URL else base_map_url(),
        },
    }
