"""The units near a grid worker, for the hazard report's pick page: the enterprises and the
public places in the user's scope nearest to a position, and those of the user's own grid.

Nearest: a bounding box around the position narrows the candidates in SQL (by the
enterprises' latitude/longitude), then the exact great-circle (haversine) distance is
computed in Python. The box grows (``RADII_M``) until it holds enough enterprises inside
its circle, so the answer is exact: every enterprise within the radius lies in the box.
"""

from dataclasses import dataclass
from decimal import Decimal
from math import asin, cos, degrees, radians, sin, sqrt

from django.db.models import F, QuerySet

from anjian.enterprises.models import Enterprise, PublicPlace
from anjian.regions.choices import RegionLevel
from anjian.regions.levels import level_of

EARTH_RADIUS_M = 6_371_000
RADII_M = (500, 2_000, 8_000, 30_000)
# At most this many candidates are read from one box, the nearest first by a flat-earth
# approximation (only a crowded box reaches it; the exact order is the haversine's).
CANDIDATES = 5_000
GRID_LIST_LIMIT = 200


@dataclass(frozen=True)
class NearbyUnit:
    id: int
    name: str
    address: str
    distance_m: float
    kind: str = "enterprise"  # or "place": a public place (ADR 14)


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance in metres between two points given in degrees."""
    phi1, phi2 = radians(lat1), radians(lat2)
    dphi, dlambda = phi2 - phi1, radians(lon2 - lon1)
    a = sin(dphi / 2) ** 2 + cos(phi1) * cos(phi2) * sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * asin(min(1.0, sqrt(a)))


def _box(queryset: QuerySet, latitude: float, longitude: float, radius_m: float) -> QuerySet:
    dlat = degrees(radius_m / EARTH_RADIUS_M)
    dlon = dlat / max(cos(radians(latitude)), 0.01)
    here_lat = Decimal(f"{latitude:.6f}")
    here_lon = Decimal(f"{longitude:.6f}")
    scale = Decimal(f"{cos(radians(latitude)):.6f}")
    north_south = F("latitude") - here_lat
    east_west = (F("longitude") - here_lon) * scale
    return (
        queryset.filter(
            latitude__range=(latitude - dlat, latitude + dlat),
            longitude__range=(longitude - dlon, longitude + dlon),
        )
        .order_by(north_south * north_south + east_west * east_west, "pk")
        .values_list("pk", "name", "address", "latitude", "longitude")[:CANDIDATES]
    )


def _nearest(
    located: QuerySet, kind: str, latitude: float, longitude: float, limit: int
) -> list[NearbyUnit]:
    found: list[NearbyUnit] = []
    for radius in RADII_M:
        found = []
        for pk, name, address, lat, lon in _box(located, latitude, longitude, radius):
            distance = haversine_m(latitude, longitude, float(lat), float(lon))
            if distance <= radius:
                found.append(NearbyUnit(pk, name, address, distance, kind))
        if len(found) >= limit:
            break
    found.sort(key=lambda unit: (unit.distance_m, unit.id))
    return found[:limit]


def nearest_enterprises(
    user, *, latitude: float, longitude: float, limit: int = 10
) -> list[NearbyUnit]:
    """Up to ``limit`` enterprises in ``user``'s scope nearest to the position, nearest
    first (within the largest radius of ``RADII_M``)."""
    located = Enterprise.objects.for_user(user).filter(
        latitude__isnull=False, longitude__isnull=False
    )
    return _nearest(located, "enterprise", latitude, longitude, limit)


def nearest_places(user, *, latitude: float, longitude: float, limit: int = 10) -> list[NearbyUnit]:
    """The public places in use in ``user``'s scope nearest to the position, as above."""
    located = (
        PublicPlace.objects.for_user(user)
        .in_use()
        .filter(latitude__isnull=False, longitude__isnull=False)
    )
    return _nearest(located, "place", latitude, longitude, limit)


def nearest(user, *, latitude: float, longitude: float, limit: int = 10) -> list[NearbyUnit]:
    """Units and public places together, nearest first."""
    both = [
        *nearest_enterprises(user, latitude=latitude, longitude=longitude, limit=limit),
        *nearest_places(user, latitude=latitude, longitude=longitude, limit=limit),
    ]
    both.sort(key=lambda unit: (unit.distance_m, unit.kind, unit.id))
    return both[:limit]


def own_grid_enterprises(user) -> QuerySet[Enterprise]:
    """The enterprises of the user's own grid (or community), for a user placed in one;
    none for anybody else."""
    region = getattr(user, "region_id", None) or ""
    if level_of(region) not in (RegionLevel.GRID, RegionLevel.COMMUNITY):
        return Enterprise.objects.none()
    return (
        Enterprise.objects.for_user(user)
        .filter(grid_id=region)
        .order_by("name_sort_key")[:GRID_LIST_LIMIT]
    )


def own_grid_places(user) -> QuerySet[PublicPlace]:
    """The public places in use of the user's own grid (or community), as above."""
    region = getattr(user, "region_id", None) or ""
    if level_of(region) not in (RegionLevel.GRID, RegionLevel.COMMUNITY):
        return PublicPlace.objects.none()
    return (
        PublicPlace.objects.for_user(user)
        .in_use()
        .filter(grid_id=region)
        .order_by("name_sort_key")[:GRID_LIST_LIMIT]
    )
