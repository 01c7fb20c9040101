"""Reads of 应急资源: the scoped lists, the nearest available resources, the stock figures.

Every read starts from ``Model.objects.for_user(user)`` (``RESOURCE_SCOPE``: a department
user sees every resource of its region; an enterprise user its own unit's).

**Nearest** (``nearest``): the point's grid cell (``geo``) and the rings of cells around it
are read with one indexed ``cell IN (…)``, only rows that could be sent now (``available``);
what is found is ranked by exact great-circle distance. The search widens until the k-th
hit is nearer than anything in an unread cell can be (``geo.unread_distance_km``), so a
resource just across a district (or cell) edge ranks where its distance puts it. Usually
two reads: the first ring, then exactly the rings the k-th distance needs. Where fewer than
k lie within 10 rings (sparse kinds, narrow filters), the last read is the box out to
``MAX_RADIUS_KM`` by latitude and longitude: one scan of what the scope holds, not dozens of
ever wider rings.

**Stock figures** (``stock_figures``): each figure carries the ``supplies()`` filters that
list exactly the lines it counts, so a page links every number to its records.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from math import ceil, sqrt
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.exceptions import ValidationError
from anjian.emergency import geo
from anjian.emergency.checks import whole_number
from anjian.emergency.choices import (
    EquipmentStatus,
    ExpertField,
    Readiness,
    ResourceKind,
    ShelterStatus,
    Speciality,
    StorageLevel,
)
from anjian.emergency.models import (
    ACTIVE_ASSIGNMENT_STATES,
    Assignment,
    Equipment,
    Expert,
    RescueTeam,
    Shelter,
    StockMovement,
    Supply,
    Warehouse,
)

EXPIRY_SOON_DAYS = 30
MAX_RADIUS_KM = 200.0
FIRST_RINGS = 2  # the first read: the point's cell and two rings around it (≈ 5 × 5 km)
# Up to this many cells a read is one indexed ``cell IN (…)`` (10 rings around the point,
# ≈ 20 km across); a search that must go wider reads the box to ``MAX_RADIUS_KM`` at once —
# then what it looks for is sparse, and one scan of it is cheaper than a long IN list.
IN_LIST_CELLS = 441

MODELS = {
    ResourceKind.TEAM: RescueTeam,
    ResourceKind.SUPPLY: Supply,
    ResourceKind.EQUIPMENT: Equipment,
    ResourceKind.SHELTER: Shelter,
    ResourceKind.EXPERT: Expert,
}


def _filtered(queryset: QuerySet, *, region: str | None, q: str | None, **exact) -> QuerySet:
    """``exact`` filters whose value is not None, a region-code prefix, a name search."""
    queryset = queryset.filter(**{k: v for k, v in exact.items() if v is not None})
    if region:
        queryset = queryset.filter(scope_region_code__startswith=region)
    if q:
        queryset = queryset.filter(name__icontains=q.strip())
    return queryset


# --- lists ------------------------------------------------------------------------------------


def teams(user, *, kind=None, speciality=None, readiness=None, active=None, region=None, q=None):
    queryset = _filtered(
        RescueTeam.objects.for_user(user),
        region=region,
        q=q,
        kind=kind,
        readiness=readiness,
        active=active,
    )
    if speciality:
        queryset = queryset.filter(specialities__contains=f",{speciality},")
    return queryset


def warehouses(user, *, storage_level=None, active=None, region=None, q=None) -> QuerySet:
    return _filtered(
        Warehouse.objects.for_user(user),
        region=region,
        q=q,
        storage_level=storage_level,
        active=active,
    )


def expired_q(today: date) -> Q:
    """Lines with stock past their expiry date."""
    return Q(quantity__gt=0, expires_on__lt=today)


def expiring_q(today: date) -> Q:
    """Lines with stock that expire within ``EXPIRY_SOON_DAYS`` (not yet expired)."""
    soon = today + timedelta(days=EXPIRY_SOON_DAYS)
    return Q(quantity__gt=0, expires_on__gte=today, expires_on__lte=soon)


BELOW_TARGET_Q = Q(reserve_target__isnull=False, quantity__lt=F("reserve_target"))
EXPIRY = {"expired": expired_q, "soon": expiring_q}


def supplies(
    user,
    *,
    warehouse=None,
    category=None,
    storage_level=None,
    expiry: str | None = None,
    below_target: bool | None = None,
    active: bool | None = True,
    region=None,
    q=None,
    today: date | None = None,
) -> QuerySet:
    """Stock lines (in-register ones unless ``active=None``); ``expiry`` "expired" or "soon"
    (within ``EXPIRY_SOON_DAYS``), ``below_target`` under the reserve target."""
    queryset = _filtered(
        Supply.objects.for_user(user).select_related("warehouse"),
        region=region,
        q=q,
        warehouse=warehouse,
        category=category,
        warehouse__storage_level=storage_level,
        active=active,
    )
    if expiry:
        queryset = queryset.filter(EXPIRY[expiry](today or timezone.localdate()))
    if below_target:
        queryset = queryset.filter(BELOW_TARGET_Q)
    return queryset


def movements(user, *, supply=None, warehouse=None) -> QuerySet:
    """The stock ledger of the lines ``user`` sees, oldest first."""
    lines = Supply.objects.for_user(user)
    if supply is not None:
        lines = lines.filter(pk=getattr(supply, "pk", supply))
    if warehouse is not None:
        lines = lines.filter(warehouse=warehouse)
    return StockMovement.objects.filter(supply__in=lines).select_related(
        "supply__warehouse", "by", "counterpart"
    )


def equipment(user, *, category=None, status=None, team=None, warehouse=None, region=None, q=None):
    return _filtered(
        Equipment.objects.for_user(user).select_related("team", "warehouse"),
        region=region,
        q=q,
        category=category,
        status=status,
        team=team,
        warehouse=warehouse,
    )


def shelters(user, *, kind=None, status=None, region=None, q=None) -> QuerySet:
    return _filtered(Shelter.objects.for_user(user), region=region, q=q, kind=kind, status=status)


def experts(user, *, field=None, available=None, region=None, q=None) -> QuerySet:
    return _filtered(
        Expert.objects.for_user(user), region=region, q=q, field=field, available=available
    )


# --- nearest ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    resource: Any
    distance_km: float
    available: int  # teams and experts 1; supplies the stock; equipment and shelters free
    kind: str


def _not_assigned(resource: str) -> Exists:
    busy = Assignment.objects.filter(
        state__in=ACTIVE_ASSIGNMENT_STATES, **{resource: OuterRef("pk")}
    )
    return ~Exists(busy)


def available(
    user,
    kind: str,
    *,
    speciality: str | None = None,
    category: str | None = None,
    name: str | None = None,
    quantity=1,
    field: str | None = None,
    today: date | None = None,
) -> QuerySet:
    """What of ``kind`` in ``user``'s scope could be sent now: teams 待命 and in the register;
    supplies in use with at least ``quantity`` in stock, not expired, in a warehouse in use;
    equipment 完好 with ``quantity`` free; shelters 可启用/已启用 with ``quantity`` free
    places; experts available and not on an active assignment. Filters that do not apply
    to ``kind`` are ignored."""
    if kind not in MODELS:
        raise ValidationError({"kind": _("资源类型无效：“%(v)s”") % {"v": kind}})
    try:
        amount = whole_number(quantity, label=_("需要数量"))
    except ValueError as problem:
        raise ValidationError({"quantity": str(problem)}) from None
    queryset = MODELS[kind].objects.for_user(user)
    if name:
        queryset = queryset.filter(name__icontains=name.strip())
    if kind == ResourceKind.TEAM:
        # Dispatch makes a team 出动中 in the assignment's transaction and nobody may make it
        # 待命 by hand while it is assigned (services), so 待命 means not on an assignment.
        queryset = queryset.filter(readiness=Readiness.READY, active=True)
        if speciality:
            if speciality not in Speciality.values:
                raise ValidationError(
                    {"speciality": _("未知的专业方向：%(v)s") % {"v": speciality}}
                )
            queryset = queryset.filter(specialities__contains=f",{speciality},")
    elif kind == ResourceKind.SUPPLY:
        fresh = Q(expires_on__isnull=True) | Q(expires_on__gte=today or timezone.localdate())
        queryset = queryset.filter(
            fresh, active=True, warehouse__active=True, quantity__gte=amount
        ).select_related("warehouse")
    elif kind == ResourceKind.EQUIPMENT:
        queryset = queryset.filter(status=EquipmentStatus.USABLE, available__gte=amount)
    elif kind == ResourceKind.SHELTER:
        queryset = queryset.filter(
            status__in=(ShelterStatus.READY, ShelterStatus.OPEN),
            capacity__gte=F("occupancy") + amount,
        )
    else:
        queryset = queryset.filter(_not_assigned("expert"), available=True)
        if field:
            if field not in ExpertField.values:
                raise ValidationError({"field": _("未知的专业领域：%(v)s") % {"v": field}})
            queryset = queryset.filter(field=field)
    if category and kind in (ResourceKind.SUPPLY, ResourceKind.EQUIPMENT):
        queryset = queryset.filter(category=category)
    return queryset


def _free(kind: str, resource) -> int:
    if kind == ResourceKind.SUPPLY:
        return resource.quantity
    if kind == ResourceKind.EQUIPMENT:
        return resource.available
    if kind == ResourceKind.SHELTER:
        return resource.free_places
    return 1


def _cells(inner: int, outer: int) -> int:
    """How many cells rings ``inner``..``outer`` hold."""
    return (2 * outer + 1) ** 2 - max(0, 2 * inner - 1) ** 2


def _read(queryset: QuerySet, latitude: float, longitude: float, inner: int, outer: int):
    """The rows in rings ``inner``..``outer`` around the point's cell: an indexed
    ``cell IN (…)``; a read wider than ``IN_LIST_CELLS`` cells is a box of latitude and
    longitude instead (rings 0..``outer``, the inner ones again: the caller keeps each once)."""
    if _cells(inner, outer) <= IN_LIST_CELLS:
        return queryset.filter(cell__in=geo.square_cells(latitude, longitude, inner, outer))
    south, west, north, east = geo.square_box(latitude, longitude, outer)
    return queryset.filter(
        latitude__gte=south, latitude__lte=north, longitude__gte=west, longitude__lte=east
    )


def _widen(read: int, found: int, limit: int) -> int:
    """The next rings to read when fewer than ``limit`` were found in rings 0..``read``:
    double the square when nothing was found, else grow it by the density seen so far."""
    if not found:
        return 2 * read + 1
    side = (2 * read + 1) * sqrt(limit / found) * 1.2
    return max(read + 1, ceil((side - 1) / 2))


def nearest(
    user,
    *,
    kind: str,
    latitude: float,
    longitude: float,
    limit: int = 10,
    speciality: str | None = None,
    category: str | None = None,
    name: str | None = None,
    quantity=1,
    field: str | None = None,
    exclude_ids=(),
    max_km: float = MAX_RADIUS_KM,
) -> list[Candidate]:
    """The ``limit`` nearest resources of ``kind`` that could be sent now (``available``),
    nearest first (ties by id), within ``max_km`` of the point. The records are read
    after ranking (one more statement, by id), so ``Candidate.available`` is as of then:
    dispatch decides on the stock itself (``services_stock.take_stock``)."""
    queryset = available(
        user,
        kind,
        speciality=speciality,
        category=category,
        name=name,
        quantity=quantity,
        field=field,
    )
    if exclude_ids:
        queryset = queryset.exclude(pk__in=list(exclude_ids))
    ranked = _ranked(queryset.order_by(), float(latitude), float(longitude), limit, max_km)
    records = _records(kind, [pk for pk, _distance in ranked])
    return [
        Candidate(records[pk], distance, _free(kind, records[pk]), kind)
        for pk, distance in ranked
        if pk in records  # never deleted, but a read is not a lock
    ]


def _records(kind: str, ids: list[int]) -> dict:
    """The ranked rows' records by id (scoped and filtered by the read that found them)."""
    records = MODELS[kind].objects.filter(pk__in=ids).order_by()
    if kind == ResourceKind.SUPPLY:
        records = records.select_related("warehouse")
    return {record.pk: record for record in records}


def _ranked(queryset, latitude: float, longitude: float, limit: int, max_km: float):
    """[(pk, distance)] of the ``limit`` nearest rows within ``max_km``, nearest first: the
    rings are read as (pk, latitude, longitude) only, the records once ranked."""
    last = geo.rings_for(latitude, longitude, max_km)
    places = queryset.values_list("pk", "latitude", "longitude")
    found: dict[int, float] = {}
    read, goal = -1, FIRST_RINGS
    while True:
        goal = min(goal, last)
        if _cells(read + 1, goal) > IN_LIST_CELLS:
            goal = last  # one box read to the end rather than ever wider rings
        for pk, lat, lon in _read(places, latitude, longitude, read + 1, goal):
            distance = geo.distance_km(latitude, longitude, lat, lon)
            if distance <= max_km:
                found[pk] = distance
        read = goal
        ranked = sorted(found.items(), key=lambda item: (item[1], item[0]))
        if read >= last:
            return ranked[:limit]
        if len(ranked) < limit:
            goal = _widen(read, len(ranked), limit)
            continue
        kth = ranked[limit - 1][1]
        if kth <= geo.unread_distance_km(latitude, longitude, read):
            return ranked[:limit]
        goal = geo.rings_for(latitude, longitude, kth)


# --- stock figures ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    count: int
    filters: dict  # supplies(user, **filters) lists exactly the lines counted


def stock_figures(user, *, today: date | None = None) -> dict:
    """In-register stock lines in ``user``'s scope: ``lines``, ``expiring`` (within
    ``EXPIRY_SOON_DAYS``), ``expired``, ``below_target`` (under the reserve target) — the
    expiry figures count lines that still hold stock — and ``by_level``, a list per
    storage level. Each is a ``Figure`` whose ``filters`` open exactly its lines."""
    today = today or timezone.localdate()
    lines = supplies(user, today=today)
    totals = lines.aggregate(
        lines=Count("pk"),
        expiring=Count("pk", filter=expiring_q(today)),
        expired=Count("pk", filter=expired_q(today)),
        below_target=Count("pk", filter=BELOW_TARGET_Q),
    )
    per_level = dict(
        lines.order_by()
        .values_list("warehouse__storage_level")
        .annotate(n=Count("pk"))
        .values_list("warehouse__storage_level", "n")
    )
    return {
        "lines": Figure("lines", _("在册物资"), totals["lines"], {}),
        "expiring": Figure(
            "expiring",
            _("%(d)d天内到期") % {"d": EXPIRY_SOON_DAYS},
            totals["expiring"],
            {"expiry": "soon"},
        ),
        "expired": Figure("expired", _("已过期"), totals["expired"], {"expiry": "expired"}),
        "below_target": Figure(
            "below_target", _("低于储备定额"), totals["below_target"], {"below_target": True}
        ),
        "by_level": [
            Figure(level, str(label), per_level.get(level, 0), {"storage_level": level})
            for level, label in StorageLevel.choices
        ],
    }
