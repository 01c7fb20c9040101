"""The warning's area as CAP writes it: ``polygon``, ``circle`` and ``geocode``, WGS 84.

polygon: "lat,lon lat,lon …" — at least 4 pairs, the first equal to the last (closed).
circle:  "lat,lon radius" — radius in kilometres, greater than 0.
geocode: ``GEOCODE_NAME`` and a region code (GB/T 2260; a street's 9 digits extend it).

A composer picks the area as regions (districts and streets of their scope); the polygons
of the message are then the outlines the platform has for those regions
(``boundary_polygons``: each outer ring of a district's GeoJSON, turned into CAP's
"lat,lon" order), and every picked region goes out as a geocode. Typed polygons and
circles stay possible as an advanced option (older warnings have them).

The parsers raise ``ValidationError`` with a Chinese message naming the point that is
wrong; the model uses them as field validators and the map reads their results.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MIN_POLYGON_POINTS = 4
# The <valueName> of the region codes sent as <geocode> (one name for every level, so a
# receiver matches all of them with one rule).
GEOCODE_NAME = "GB/T 2260"
# Decimal places of a polygon point derived from an outline: 0.0001° ≈ 11 m, finer than
# the outlines themselves (the data package stores them to 1/1024°).
OUTLINE_DECIMALS = 4


@dataclass(frozen=True)
class Circle:
    lat: float
    lon: float
    radius_km: float


def _number(text: str) -> float:
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):  # NaN, inf
        raise ValueError(text)
    return value


def parse_point(text: str, *, position: int | None = None) -> tuple[float, float]:
    """One "lat,lon" pair, both in range."""
    where = _("第 %(n)d 个坐标") % {"n": position} if position else _("中心点坐标")
    parts = text.split(",")
    try:
        if len(parts) != 2:
            raise ValueError(text)
        lat, lon = _number(parts[0]), _number(parts[1])
    except ValueError:
        raise ValidationError(
            _("%(where)s“%(text)s”格式不正确，应为“纬度,经度”，如 31.2704,121.5228")
            % {"where": where, "text": text}
        ) from None
    if not -90 <= lat <= 90:
        raise ValidationError(
            _("%(where)s的纬度 %(lat)s 超出范围，应在 -90 到 90 之间")
            % {"where": where, "lat": parts[0].strip()}
        )
    if not -180 <= lon <= 180:
        raise ValidationError(
            _("%(where)s的经度 %(lon)s 超出范围，应在 -180 到 180 之间")
            % {"where": where, "lon": parts[1].strip()}
        )
    return lat, lon


def parse_polygon(text: str) -> list[tuple[float, float]]:
    pairs = text.split()
    if len(pairs) < MIN_POLYGON_POINTS:
        raise ValidationError(
            _("多边形至少需要 %(min)d 个坐标点（首尾为同一点），当前只有 %(n)d 个")
            % {"min": MIN_POLYGON_POINTS, "n": len(pairs)}
        )
    points = [parse_point(pair, position=n) for n, pair in enumerate(pairs, start=1)]
    if points[0] != points[-1]:
        raise ValidationError(_("多边形须闭合：最后一个坐标应与第一个坐标相同"))
    return points


def parse_circle(text: str) -> Circle:
    parts = text.split()
    if len(parts) != 2:
        raise ValidationError(
            _("圆形区域格式应为“纬度,经度 半径（公里）”，如 31.2704,121.5228 2.5")
        )
    lat, lon = parse_point(parts[0])
    try:
        radius = _number(parts[1])
    except ValueError:
        raise ValidationError(
            _("圆形区域的半径“%(r)s”不是数字（单位：公里）") % {"r": parts[1]}
        ) from None
    if radius <= 0:
        raise ValidationError(_("圆形区域的半径须大于 0 公里"))
    return Circle(lat, lon, radius)


def normalise(text: str) -> str:
    """One space between pairs, none around (what goes into the XML)."""
    return " ".join((text or "").split())


def validate_polygon(text: str) -> None:
    parse_polygon(text)


def validate_circle(text: str) -> None:
    parse_circle(text)


def _outer_rings(geometry: dict) -> list[list]:
    """The outer ring of each part of a GeoJSON Polygon or MultiPolygon (CAP has no holes)."""
    kind = (geometry or {}).get("type")
    if kind == "Polygon":
        return [geometry["coordinates"][0]] if geometry.get("coordinates") else []
    if kind == "MultiPolygon":
        return [part[0] for part in geometry.get("coordinates", []) if part]
    return []


def ring_to_cap(ring: list) -> str | None:
    """One GeoJSON ring ([lon, lat] pairs) as a CAP polygon ("lat,lon …", closed), or None
    when too little of it is left once rounded."""
    points: list[tuple[float, float]] = []
    for lon, lat, *_rest in ring:
        point = (round(float(lat), OUTLINE_DECIMALS), round(float(lon), OUTLINE_DECIMALS))
        if not points or points[-1] != point:
            points.append(point)
    if len(points) > 1 and points[0] != points[-1]:
        points.append(points[0])
    if len(set(points)) < MIN_POLYGON_POINTS - 1:
        return None
    return " ".join(f"{lat:.{OUTLINE_DECIMALS}f},{lon:.{OUTLINE_DECIMALS}f}" for lat, lon in points)


def boundary_polygons(geometry: dict | None) -> list[str]:
    """The CAP polygons of a region's outline (GeoJSON), one per part; none without one."""
    if not geometry:
        return []
    return [text for ring in _outer_rings(geometry) if (text := ring_to_cap(ring))]
