"""Reads of the region tree, industries and departments.

The pickers (``streets_for``, ``districts_in``, ``industries_for``, ``departments_for``)
come from the cache under the reference stamp read with a request's user
(``core.caching.cached_rows``): no statement on a warm cache, fresh after any change
(``regions.receivers``).
"""

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db.models import QuerySet

from anjian.core.caching import cached_rows
from anjian.regions.choices import RegionLevel
from anjian.regions.levels import district_of, is_at_or_below, street_of
from anjian.regions.models import Department, Industry, Region, ancestor_codes


@dataclass(frozen=True)
class Bounds:
    south: float
    west: float
    north: float
    east: float
    name: str

    def contains(self, latitude: float, longitude: float) -> bool:
        return self.south <= latitude <= self.north and self.west <= longitude <= self.east


# China's extreme points, for deployments whose region outlines are not loaded.
CHINA = Bounds(3.8, 73.4, 53.6, 135.1, "中国")
MARGIN_DEGREES = 0.05


def _rings(geometry: dict):
    if geometry["type"] == "Polygon":
        yield from geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield from polygon


@lru_cache(maxsize=1)
def deployment_bounds() -> Bounds:
    """A box around the districts this deployment serves, from their outlines (with a margin)."""
    root = Region.objects.filter(code=settings.REGION_ROOT).first()
    boundaries = Region.objects.filter(
        level=RegionLevel.DISTRICT, code__startswith=settings.REGION_ROOT, boundary__isnull=False
    ).values_list("boundary", flat=True)
    points = [point for geometry in boundaries for ring in _rings(geometry) for point in ring]
    if not points or root is None:
        return CHINA
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    return Bounds(
        min(lats) - MARGIN_DEGREES,
        min(lons) - MARGIN_DEGREES,
        max(lats) + MARGIN_DEGREES,
        max(lons) + MARGIN_DEGREES,
        root.full_name,
    )


def streets_for(user) -> QuerySet[Region]:
    """Active streets inside the user's scope (a grid-scoped user gets their own street)."""
    return cached_rows(_streets_for(user), user)


def _streets_for(user) -> QuerySet[Region]:
    streets = Region.objects.streets().active()
    scope = user.scope
    if scope.everything:
        return streets.filter(code__startswith=settings.REGION_ROOT)
    if scope.region_prefix is None:
        return streets.none()
    prefix = scope.region_prefix
    if is_at_or_below(prefix, RegionLevel.STREET):
        return streets.filter(code=street_of(prefix))
    return streets.filter(code__startswith=prefix)


def grids_for(user, street_code: str | None) -> QuerySet[Region]:
    """Grids and communities under ``street_code`` that lie inside the user's scope."""
    grids = Region.objects.active().filter(level__in=(RegionLevel.COMMUNITY, RegionLevel.GRID))
    if not street_code:
        return grids.none()
    grids = grids.filter(code__startswith=street_code)
    scope = user.scope
    if scope.everything:
        return grids
    if scope.region_prefix is None:
        return grids.none()
    # Either the street lies inside the scope (district, street users) or the scope lies
    # inside the street (grid users): keep whichever of the two prefixes is longer.
    if street_code.startswith(scope.region_prefix):
        return grids
    if scope.region_prefix.startswith(street_code):
        return grids.filter(code__startswith=scope.region_prefix)
    return grids.none()


def industries_for(user) -> QuerySet[Industry]:
    industries = Industry.objects.filter(is_active=True)
    scope = user.scope
    if scope.industry_ids is not None:
        industries = industries.filter(id__in=scope.industry_ids)
    return cached_rows(industries, user)


def unit_industries_for(user) -> QuerySet[Industry]:
    """The industries a unit may be registered in: the user's, without the 公共区域 ones
    (those are public places' domains, ADR 14)."""
    return industries_for(user).filter(for_places=False)


def departments_for(user) -> QuerySet[Department]:
    """Departments of the regions above and inside the user's scope."""
    return cached_rows(_departments_for(user), user)


def _departments_for(user) -> QuerySet[Department]:
    # Not the region's outline: a district's GeoJSON, decoded once per department, was
    # most of the time spent rendering a city-wide filter form's department choices.
    departments = (
        Department.objects.filter(is_active=True).select_related("region").defer("region__boundary")
    )
    scope = user.scope
    if scope.everything:
        return departments
    if scope.region_prefix is None:
        return departments.none()
    return departments.filter(
        region_id__in=ancestor_codes(scope.region_prefix)
    ) | departments.filter(region__code__startswith=scope.region_prefix)


def departments_managed_by(user) -> QuerySet[Department]:
    """Departments the user may edit: those inside their scope (not the ones above it)."""
    departments = Department.objects.select_related("region").defer("region__boundary")
    scope = user.scope
    if scope.everything:
        return departments
    if scope.region_prefix is None:
        return departments.none()
    return departments.filter(region__code__startswith=scope.region_prefix)


def districts_in(user) -> QuerySet[Region]:
    """Districts whose outline a map for this user should draw."""
    return cached_rows(_districts_in(user), user)


def _districts_in(user) -> QuerySet[Region]:
    districts = Region.objects.filter(level=RegionLevel.DISTRICT)
    scope = user.scope
    if scope.everything:
        return districts.filter(code__startswith=settings.REGION_ROOT)
    if scope.region_prefix is None:
        return districts.none()
    prefix = scope.region_prefix
    if is_at_or_below(prefix, RegionLevel.DISTRICT):
        return districts.filter(code=district_of(prefix))
    return districts.filter(code__startswith=prefix)


def map_layers(user) -> dict:
    """What a registry map draws under its points for this user: the outlines of the
    districts and the names of the streets at their positions (core.registry.RegistryMap)."""
    districts = districts_in(user).exclude(boundary__isnull=True)
    streets = streets_for(user).exclude(latitude=None)
    return {
        "districts": [{"name": d.name, "geometry": d.boundary} for d in districts],
        "streets": [
            {"name": s.name, "lat": float(s.latitude), "lon": float(s.longitude)} for s in streets
        ],
    }
