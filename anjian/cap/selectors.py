"""Reads of the warnings: inside the platform through the user's scope; public ones for all.

Inside the platform a user sees the messages of their own region and below (the scope
rule), and in addition the *issued* messages of the regions above them — a street
officer reads the district's published warnings, which are public anyway; drafts of
other authorities stay invisible (404). Writes never use this widening: services look
messages up through the strict scope.
"""

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from anjian.cap.choices import ISSUED_STATES, OPEN_STATES, State
from anjian.cap.models import CapAlert
from anjian.core.scoping import scope_of
from anjian.regions.choices import RegionLevel
from anjian.regions.levels import ancestor_codes
from anjian.regions.models import Region

LIST_RELATIONS = ("region", "created_by", "approved_by", "replaces")
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
    alerts = alert_queryset(user).select_related(*LIST_RELATIONS)
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
