"""The warning's area as CAP writes it: ``polygon`` and ``circle`` strings, WGS 84.

polygon: "lat,lon lat,lon …" — at least 4 pairs, the first equal to the last (closed).
circle:  "lat,lon radius" — radius in kilometres, greater than 0.

The parsers raise ``ValidationError`` with a Chinese message naming the point that is
wrong; the model uses them as field validators and the map reads their results.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MIN_POLYGON_POINTS = 4


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
