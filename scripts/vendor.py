"""Copy the front-end files the pages use from node_modules into build/static/vendor.

The npm lockfile pins every version; this script only picks files, so the static
tree stays small and nothing is fetched at run time (intranets have no internet).
"""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
TARGET = ROOT / "build" / "static" / "vendor"

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
    return 0


if __name__ == "__main__":
    sys.exit(main())
