"""Reads of the warnings: inside the platform through the user's scope; public ones for all.

Inside the platform a user sees the messages of their own region and below (the scope
rule), and in addition the *issued* messages of the regions above them — a street
officer reads the district's published warnings, which are public anyway; drafts of
other authorities stay invisible (404). Writes never use this widening: services look
messages up through the strict scope.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from auditlog.models import LogEntry
from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.cap.choices import ISSUED_STATES, OPEN_STATES, Severity, State
from anjian.cap.models import (
    AUDITED_FIELDS,
    CapAlert,
    CapCoIssuer,
    CapContact,
    CapDelivery,
    DeliveryState,
    RecipientKind,
)
from anjian.core import audit
from anjian.core.scoping import scope_of
from anjian.regions import selectors as regions
from anjian.regions.choices import RegionLevel
from anjian.regions.levels import ancestor_codes
from anjian.regions.models import Department, Region

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


# --- prefill from another record (an incident issues a warning) -----------------------------

# The query parameters the compose page takes as its starting values:
# ?headline=…&event=…&description=…&severity=Severe&areas=310110016&areas=310110006
# (``areas`` repeated or comma-separated). Unknown or out-of-scope values are dropped.
PREFILL_TEXT = {"headline": 160, "event": 100, "description": 4000}
PREFILL_AREAS = "areas"
PREFILL_SEVERITY = "severity"


def alert_prefill(user, query) -> dict:
    """The compose form's initial values from ``query`` (a QueryDict or dict)."""
    getlist = getattr(query, "getlist", lambda key: [query[key]] if key in query else [])
    initial = {}
    for name, length in PREFILL_TEXT.items():
        value = (query.get(name) or "").strip()
        if value:
            initial[name] = value[:length]
    severity = query.get(PREFILL_SEVERITY) or ""
    if severity in Severity.values:
        initial[PREFILL_SEVERITY] = severity
    wanted = {code.strip() for item in getlist(PREFILL_AREAS) for code in str(item).split(",")}
    allowed = {
        region.code for district, streets in area_choices(user) for region in (district, *streets)
    }
    picked = sorted(wanted & allowed)
    if picked:
        initial[PREFILL_AREAS] = picked
    return initial


# --- co-issuing -----------------------------------------------------------------------------


def co_issuers(alert: CapAlert) -> list[CapCoIssuer]:
    """The departments issuing ``alert`` together with its authority, who agreed when."""
    return list(alert.co_issuers.select_related("department", "approved_by"))


def co_issuer_choices(alert: CapAlert):
    """The departments a draft may name: the issuing region's, in use."""
    return Department.objects.filter(region_id=alert.region_id, is_active=True).order_by(
        "sort_order", "pk"
    )


# --- deliveries and reach --------------------------------------------------------------------

# What each reach figure counts — the figures and the lists they link to use the same
# conditions, so a figure and its list always agree.
COUNTED = {
    "intended": Q(),
    "sent": Q(sent_at__isnull=False) | Q(state__in=(DeliveryState.SENT, DeliveryState.DELIVERED)),
    "delivered": Q(state=DeliveryState.DELIVERED),
}
COUNTED_LABELS = {"intended": _("应发"), "sent": _("已发送"), "delivered": _("已送达")}


@dataclass(frozen=True)
class Reach:
    """Intended, sent and delivered deliveries; reach = delivered ÷ intended."""

    intended: int = 0
    sent: int = 0
    delivered: int = 0

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def reach(self) -> float | None:
        return self._rate(self.delivered, self.intended)

    @property
    def sent_rate(self) -> float | None:
        return self._rate(self.sent, self.intended)

    def meets(self, target: float) -> bool | None:
        return None if self.reach is None else self.reach >= target


def reach_target() -> float:
    """Seed 004: 气象灾害预警信息公众覆盖率 ≥ 95 %."""
    return float(settings.CAP_REACH_TARGET)


def _counts():
    return {
        "intended": Count("pk"),
        "sent": Count("pk", filter=COUNTED["sent"]),
        "delivered": Count("pk", filter=COUNTED["delivered"]),
    }


def reach(deliveries) -> Reach:
    return Reach(**deliveries.aggregate(**_counts()))


def reach_by(deliveries, field: str) -> dict[str, Reach]:
    rows = deliveries.order_by().values(field).annotate(**_counts())
    return {
        row[field]: Reach(row["intended"], row["sent"], row["delivered"])
        for row in sorted(rows, key=lambda row: str(row[field]))
    }


def area_labels(codes) -> dict[str, str]:
    """杨浦区殷行街道 for a street code, 杨浦区 for a district's."""
    found = Region.objects.filter(code__in=list(codes)).select_related("parent")
    return {
        region.code: region.name
        if region.level <= RegionLevel.DISTRICT or region.parent is None
        else f"{region.parent.name}{region.name}"
        for region in found.defer("boundary", "parent__boundary")
    }


@dataclass(frozen=True)
class DeliveryFilters:
    """What a delivery list is narrowed by (the query string of its page)."""

    alert: int | None = None
    state: str = ""
    channel: str = ""
    area: str = ""
    kind: str = ""
    counted: str = ""
    since: date | None = None
    until: date | None = None

    @classmethod
    def from_query(cls, query) -> "DeliveryFilters":
        alert = query.get("alert") or ""
        return cls(
            alert=int(alert) if alert.isdigit() else None,
            state=_one_of(query.get("state"), DeliveryState.values),
            channel=(query.get("channel") or "")[:20],
            area=(query.get("area") or "")[:24],
            kind=_one_of(query.get("kind"), RecipientKind.values),
            counted=_one_of(query.get("counted"), COUNTED),
            since=_date(query.get("since")),
            until=_date(query.get("until")),
        )

    def query(self, **changes) -> str:
        """The query string of these filters with ``changes`` (None drops a key)."""
        values = {
            "alert": self.alert,
            "state": self.state,
            "channel": self.channel,
            "area": self.area,
            "kind": self.kind,
            "counted": self.counted,
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
            **changes,
        }
        return urlencode({k: v for k, v in values.items() if v not in (None, "")})


def _one_of(value, allowed) -> str:
    return value if value in allowed else ""


def _date(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def issued_alerts(user, *, since: date | None = None, until: date | None = None):
    """The issued messages ``user`` may read, newest first, published in [since, until]
    (local dates)."""
    alerts = alert_queryset(user).filter(state__in=ISSUED_STATES)
    if since:
        alerts = alerts.filter(published_at__gte=_day_start(since))
    if until:
        alerts = alerts.filter(published_at__lt=_day_start(until + timedelta(days=1)))
    return alerts.order_by("-published_at", "-id")


def _day_start(day: date):
    return timezone.make_aware(datetime.combine(day, time.min))


def delivery_queryset(user):
    """The deliveries ``user`` may see: of a message they may read, to a recipient inside
    their scope (a street officer sees their street's)."""
    return CapDelivery.objects.for_user(user).filter(
        alert__in=alert_queryset(user).order_by().values("pk")
    )


def delivery_list(user, filters: DeliveryFilters):
    deliveries = delivery_queryset(user)
    if filters.alert is not None:
        deliveries = deliveries.filter(alert_id=filters.alert)
    if filters.since or filters.until:
        alerts = issued_alerts(user, since=filters.since, until=filters.until)
        deliveries = deliveries.filter(alert__in=alerts.order_by().values("pk"))
    if filters.state:
        deliveries = deliveries.filter(state=filters.state)
    if filters.channel:
        deliveries = deliveries.filter(channel=filters.channel)
    if filters.area:
        deliveries = deliveries.filter(area_code=filters.area)
    if filters.kind:
        deliveries = deliveries.filter(recipient_kind=filters.kind)
    if filters.counted:
        deliveries = deliveries.filter(COUNTED[filters.counted])
    return deliveries.select_related("alert").order_by("alert_id", "area_code", "id")


def contact_list(user):
    return (
        CapContact.objects.for_user(user)
        .select_related("region")
        .order_by("region_id", "-is_active", "name", "pk")
    )
