"""Demo data for the region tree: label points for the demo district's streets and a few grids.

The street list and codes come from the GB/T 2260 data package; only the label points
below are ours — approximate centres of Yangpu's streets (WGS-84), good enough to
place labels and synthetic enterprises on a map without tiles. Other districts get
pseudo-centres spread inside their outline.
"""

import random
from decimal import Decimal

from anjian.regions import services
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Region

DEMO_DISTRICT = "310110"  # 上海市杨浦区
NEIGHBOUR_DISTRICT = "310109"  # 上海市虹口区

# Approximate street centres in 杨浦区 (longitude, latitude), keyed by street name.
YANGPU_STREET_POINTS = {
    "定海路街道": (121.5530, 31.2700),
    "平凉路街道": (121.5300, 31.2620),
    "江浦路街道": (121.5150, 31.2640),
    "四平路街道": (121.5050, 31.2800),
    "控江路街道": (121.5270, 31.2770),
    "长白新村街道": (121.5420, 31.2830),
    "延吉新村街道": (121.5310, 31.2870),
    "殷行街道": (121.5310, 31.3200),
    "大桥街道": (121.5200, 31.2680),
    "五角场街道": (121.5120, 31.2990),
    "新江湾城街道": (121.4990, 31.3320),
    "长海路街道": (121.4950, 31.3130),
    "五角场镇": (121.5000, 31.3000),
}


def polygon_rings(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    return [polygon[0] for polygon in geometry["coordinates"]]


def point_in_ring(lon: float, lat: float, ring: list[list[float]]) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def random_point_in(geometry: dict, rng: random.Random) -> tuple[float, float]:
    rings = polygon_rings(geometry)
    points = [p for ring in rings for p in ring]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    for _attempt in range(10_000):
        lon, lat = rng.uniform(west, east), rng.uniform(south, north)
        if any(point_in_ring(lon, lat, ring) for ring in rings):
            return lon, lat
    return (west + east) / 2, (south + north) / 2


def _quantize(value: float) -> Decimal:
    return Decimal(str(round(value, 6)))


def place_street_labels(district: Region, rng: random.Random) -> None:
    """Give each street of ``district`` a label point (known centres, else inside the outline)."""
    for street in Region.objects.filter(parent=district, level=RegionLevel.STREET):
        if street.latitude is not None:
            continue
        known = YANGPU_STREET_POINTS.get(street.name) if district.code == DEMO_DISTRICT else None
        if known is None and district.boundary:
            known = random_point_in(district.boundary, rng)
        if known is None:
            continue
        street.longitude, street.latitude = _quantize(known[0]), _quantize(known[1])
        street.save(update_fields=["longitude", "latitude", "updated_at"])


def add_demo_grids(district: Region, *, by, per_street: int = 3) -> list[Region]:
    grids = []
    for street in Region.objects.filter(parent=district, level=RegionLevel.STREET):
        existing = street.children.filter(level=RegionLevel.GRID).count()
        for number in range(existing + 1, per_street + 1):
            grids.append(
                services.region_add_child(
                    parent=street, name=f"第{number}网格", level=RegionLevel.GRID, by=by
                )
            )
    return grids
