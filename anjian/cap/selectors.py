"""Reads of the warnings: inside the platform through the user's scope; public ones for all.

Inside the platform a user sees the messages of their own region and below (the scope
rule), and in addition the *issued* messages of the regions above them — a street
officer reads the district's published warnings, which are public anyway; drafts of
other authorities stay invisible (404). Writes never use this widening: services look
messages up through the strict scope.
"""

from dataclasses import replace

from auditlog.models import LogEntry
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from anjian.cap.choices import ISSUED_STATES, OPEN_STATES, State
from anjian.cap.models import AUDITED_FIELDS, CapAlert
from anjian.core import audit
from anjian.core.scoping import scope_of
from anjian.regions import selectors as regions
from anjian.regions.choices import RegionLevel
from anjian.regions.levels import ancestor_codes
from anjian.regions.models import Region

LIST_RELATIONS = ("region", "created_by", "approved_by", "replaces")
# The picked regions' codes, for the API's ``areas`` (no outlines).
AREA_CODES = Prefetch("areas", queryset=Region.objects.only("code", "name").order_by("code"))
# Placeholder tiers of GB/T 2260 (市辖区, 县) that no authority issues from.
PLACEHOLDER_NAMES = ("市辖区", "县")


def _codes_above(code: str) -> list[str]:
    """The regions above ``code`` (310110016 → 310110, 3101, 31)."""
    return [above for above in ancestor_codes(code) if above != code]


def alert_queryset(user):
    """The messages ``user`` may read inside the platform."""
    visible = CapAlert.objects.for_user(user)
    scope = scope_of(user)
    if scope.region_prefix is not None and not scope.everything:
        visible = visible | CapAlert.objects.filter(
            region__code__in=_codes_above(scope.region_prefix), state__in=ISSUED_STATES
        )
    return visible


def alert_list(user, *, state: str = "", msg_type: str = ""):
    alerts = alert_queryset(user).select_related(*LIST_RELATIONS).prefetch_related(AREA_CODES)
    if state:
        alerts = alerts.filter(state=state)
    if msg_type:
        alerts = alerts.filter(msg_type=msg_type)
    return alerts


def alert_get(user, pk: int) -> CapAlert:
    """The message if the user may read it; 404 otherwise (whether or not it exists)."""
    return get_object_or_404(alert_queryset(user).select_related(*LIST_RELATIONS), pk=pk)


def open_successor(alert: CapAlert) -> CapAlert | None:
    """The Update of ``alert`` being written or waiting for approval, if any."""
    return alert.successors.filter(state__in=OPEN_STATES).first()


def issued_successor(alert: CapAlert) -> CapAlert | None:
    """The message that superseded or cancelled ``alert``, if any."""
    return alert.successors.filter(state__in=ISSUED_STATES).order_by("sent").first()


def timeline(alert: CapAlert):
    return alert.transitions.select_related("by")


def history(alert: CapAlert) -> list[audit.HistoryRow]:
    """The 变更记录: each change with the fields a composer wrote, by their labels. Entries
    written before ``AUDITED_FIELDS`` also hold the workflow's columns and reverse relations
    under internal names (``successors — cap.CapAlert.None``): those are left out, and a
    change left with nothing to show is not shown."""
    labels = {str(CapAlert._meta.get_field(name).verbose_name) for name in AUDITED_FIELDS}
    rows = []
    for row in audit.history(alert):
        changes = [change for change in row.changes if change[0] in labels]
        if changes or row.action == LogEntry.Action.CREATE:
            rows.append(replace(row, changes=changes))
    return rows


# --- the area ----------------------------------------------------------------------------


def area_regions(alert: CapAlert) -> list[Region]:
    """The regions picked as the message's area, by code, with their parents' names."""
    if not alert.pk:
        return []
    return list(alert.areas.select_related("parent").order_by("code"))


def area_names(regions: list[Region]) -> list[str]:
    """How pages and the timeline name the picked regions: 杨浦区, 杨浦区殷行街道 (load
    them with their parents)."""
    return [
        region.name
        if region.level == RegionLevel.DISTRICT
        else f"{region.parent.name}{region.name}"
        for region in regions
    ]


def area_choices(user) -> list[tuple[Region, list[Region]]]:
    """What a composer may pick as the area: each district of their scope, with its
    streets (both from the region tree, scoped to the user)."""
    streets: dict[str, list[Region]] = {}
    for street in regions.streets_for(user).defer("boundary").order_by("code"):
        streets.setdefault(street.parent_id, []).append(street)
    districts = regions.districts_in(user).defer("boundary").order_by("code")
    return [(district, streets.get(district.code, [])) for district in districts]


def issuing_regions(user):
    """The regions ``user`` may issue warnings for: their own region, or for an
    administrator the city and its districts (issuing authorities sit at those levels)."""
    scope = scope_of(user)
    regions = Region.objects.filter(level__lte=RegionLevel.DISTRICT).exclude(
        name__in=PLACEHOLDER_NAMES
    )
    if scope.everything:
        return regions.order_by("code")
    if scope.region_prefix is None or scope.enterprise_id is not None:
        return Region.objects.none()
    return Region.objects.filter(
        Q(code=scope.region_prefix) | Q(pk__in=regions.filter(code__startswith=scope.region_prefix))
    ).order_by("code")


# --- public -------------------------------------------------------------------------------


def active_alerts(now=None):
    """What the public feed lists: published and not yet expired, newest first.

    Cancel messages are published messages too: they stay in the feed until the expiry of
    the warning they cancel, so that subscribers learn of the cancellation.
    """
    now = now or timezone.now()
    return (
        CapAlert.objects.filter(state=State.PUBLISHED, expires__gt=now)
        .select_related("region")
        .order_by("-sent", "-id")
    )


def public_message(identifier: str) -> CapAlert:
    """An issued message by its CAP identifier (drafts have none: 404)."""
    return get_object_or_404(CapAlert, identifier=identifier, state__in=ISSUED_STATES)


def public_page(identifier: str) -> CapAlert:
    """An issued message for its public page, with its area's regions and the messages it
    replaces or was replaced by (their identifiers link to their own pages)."""
    return get_object_or_404(
        CapAlert.objects.select_related("replaces").prefetch_related(
            Prefetch(
                "areas",
                queryset=Region.objects.select_related("parent")
                .defer("boundary", "parent__boundary")
                .order_by("code"),
            ),
            Prefetch(
                "successors",
                queryset=CapAlert.objects.filter(state__in=ISSUED_STATES).order_by("sent"),
                to_attr="issued_successors",
            ),
        ),
        identifier=identifier,
        state__in=ISSUED_STATES,
    )
