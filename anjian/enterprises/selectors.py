"""Reads of the registry, always through the user's scope."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Value
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.exceptions import OutOfScope
from anjian.enterprises.choices import KEY_FLAGS, Status, SupervisionGrade
from anjian.enterprises.filters import NO_GRID, EnterpriseFilterSet
from anjian.enterprises.models import Enterprise
from anjian.regions.choices import RegionLevel
from anjian.regions.levels import is_at_or_below
from anjian.regions.models import Industry, Region

LIST_RELATIONS = ("street", "industry", "supervising_department")


def enterprise_queryset(user) -> QuerySet[Enterprise]:
    return Enterprise.objects.for_user(user)


def enterprise_filter(user, params) -> EnterpriseFilterSet:
    """The filtered registry for ``user``; ``.qs`` is what the list, export, map and API show.

    Pages of it are read ids first (``EnterpriseQuerySet.ids_first``).
    """
    queryset = enterprise_queryset(user).select_related(*LIST_RELATIONS).ids_first()
    return EnterpriseFilterSet(params or None, queryset=queryset, user=user)


def enterprise_get(user, pk: int) -> Enterprise:
    """The enterprise if the user may see it; 404 otherwise (whether or not it exists)."""
    return get_object_or_404(
        enterprise_queryset(user).select_related(*LIST_RELATIONS, "grid", "created_by"), pk=pk
    )


def enterprise_for_write(user, enterprise) -> Enterprise:
    """The enterprise (an instance or a pk) as a write about it sees it: re-read through
    ``user``'s scope, else ``OutOfScope`` on the ``enterprise`` field."""
    found = (
        enterprise_queryset(user)
        .select_related("industry")
        .filter(pk=getattr(enterprise, "pk", enterprise))
        .first()
    )
    if found is None:
        raise OutOfScope(field="enterprise")
    return found


@dataclass(frozen=True)
class CountRow:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class RegistryCounts:
    total: int
    operating: int
    by_industry: list[CountRow]
    by_street: list[CountRow]
    by_grade: list[CountRow]
    flags: list[CountRow]
    insurance_expired: int
    standardised: int


def _count(condition: Q | None = None) -> Count:
    return Count(Value(1), filter=condition)


def by_grid(user) -> bool:
    """Whether the user's registry figures break down by grid (a street or grid scope)."""
    prefix = user.scope.region_prefix
    return prefix is not None and is_at_or_below(prefix, RegionLevel.STREET)


def registry_counts(user) -> RegistryCounts:
    """The home page's figures: one pass per grouping over the user's scope.

    Rows are counted with COUNT(1), not COUNT(id): the same figures, but no column is
    read, so PostgreSQL answers from the region-prefixed indexes alone (index-only
    scans) instead of visiting every row of the scope in the table.
    """
    scoped = enterprise_queryset(user)
    today = timezone.localdate()
    totals = scoped.aggregate(
        total=_count(),
        operating=_count(Q(status=Status.OPERATING)),
        insurance_expired=_count(
            Q(status=Status.OPERATING)
            & (Q(insured_until__lt=today) | Q(insured_until__isnull=True))
        ),
        standardised=_count(~Q(standardisation_grade="")),
        **{flag: _count(Q(**{flag: True})) for flag in KEY_FLAGS},
    )
    industries = {
        pk: (code, name) for pk, code, name in Industry.objects.values_list("id", "code", "name")
    }
    by_industry = [
        CountRow(*industries[row["industry"]], row["n"])
        for row in scoped.values("industry").annotate(n=_count()).order_by("-n")
    ]
    # By street; a street's or grid's own users see their units by grid instead (one
    # street bar says nothing to them).
    place = "grid" if by_grid(user) else "street"
    place_rows = list(scoped.values(place).annotate(n=_count()).order_by("-n"))
    place_names = dict(
        Region.objects.filter(code__in=[r[place] for r in place_rows if r[place]]).values_list(
            "code", "name"
        )
    )
    by_street = [
        CountRow(r[place], place_names.get(r[place], r[place]), r["n"])
        if r[place]
        else CountRow(NO_GRID, str(_("未划分网格")), r["n"])
        for r in place_rows
    ]
    grade_counts = dict(
        scoped.values_list("supervision_grade")
        .annotate(n=_count())
        .values_list("supervision_grade", "n")
    )
    by_grade = [
        CountRow(grade.value, str(grade.label), grade_counts.get(grade.value, 0))
        for grade in SupervisionGrade
    ]
    flags = [CountRow(flag, str(label), totals[flag]) for flag, label in KEY_FLAGS.items()]
    return RegistryCounts(
        total=totals["total"],
        operating=totals["operating"],
        by_industry=by_industry,
        by_street=by_street,
        by_grade=by_grade,
        flags=flags,
        insurance_expired=totals["insurance_expired"],
        standardised=totals["standardised"],
    )


MAP_POINT_LIMIT = 50_000


def map_points(queryset: QuerySet[Enterprise]) -> tuple[list[list], int]:
    """Compact [id, lat, lon, name, grade, industry] rows for the map, and the full count."""
    located = queryset.filter(latitude__isnull=False).order_by()
    total = located.count()
    rows = located.values_list(
        "id", "latitude", "longitude", "name", "supervision_grade", "industry__name"
    )[:MAP_POINT_LIMIT]
    return [
        [pk, float(lat), float(lon), name, grade, industry]
        for pk, lat, lon, name, grade, industry in rows
    ], total


def detail_map_context(enterprise: Enterprise) -> dict | None:
    """What the small map on a detail page draws: the point, its district and street labels."""
    if not enterprise.has_location:
        return None
    district = enterprise.street.parent
    streets = Region.objects.filter(parent=district, latitude__isnull=False) if district else []
    return {
        "name": enterprise.name,
        "lat": float(enterprise.latitude),
        "lon": float(enterprise.longitude),
        "districts": [{"name": district.name, "geometry": district.boundary}]
        if district is not None and district.boundary
        else [],
        "streets": [
            {"name": s.name, "lat": float(s.latitude), "lon": float(s.longitude)} for s in streets
        ],
    }
