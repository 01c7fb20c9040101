"""Demo public places (公共区域) of a district: road sections, bridges, facades, self-built
houses and public spaces near its streets, named after the district's roads."""

import random
from decimal import Decimal

from anjian.enterprises.fixtures import load_places
from anjian.enterprises.places.models import DEFAULT_INDUSTRY, PlaceKind, PublicPlace
from anjian.enterprises.places.services import place_create
from anjian.regions.models import Industry

# (kind, name pattern, address pattern): {road}, {n}, {street} are filled in.
PATTERNS = [
    (PlaceKind.ROAD_SECTION, "{road}（{street}段）", "{road}{street}段机动车道及人行道"),
    (PlaceKind.ROAD_SECTION, "{road}与{other}交叉口", "{road}与{other}交叉口"),
    (PlaceKind.BRIDGE, "{road}人行天桥", "{road}{n}号附近"),
    (PlaceKind.FACADE, "{road}{n}号沿街商铺外立面及店招", "{road}{n}号"),
    (PlaceKind.FACADE, "{road}{n}号高层住宅外墙", "{road}{n}号"),
    (PlaceKind.BUILDING, "{street}{road}{n}弄自建房", "{road}{n}弄"),
    (PlaceKind.BUILDING, "{road}{n}号老旧公房", "{road}{n}号"),
    (PlaceKind.PUBLIC_SPACE, "{street}社区文化广场", "{road}{n}号旁"),
    (PlaceKind.PUBLIC_SPACE, "{road}地下人行通道", "{road}{n}号对面"),
]
CONTACTS = ["王建国", "李卫东", "陈晓燕", "张志强", "刘海涛", "周敏"]


def build_demo_places(*, by, district_codes, per_street: int = 2, seed: int = 2026) -> int:
    """``per_street`` places in use in every street of each district (so every street and
    grid user has some), through ``place_create``; returns how many were created (an
    existing name in a street is skipped)."""
    rng = random.Random(seed)
    industries = {i.code: i for i in Industry.objects.filter(for_places=True)}
    if not industries:
        return 0
    created = 0
    for area in load_places(list(district_codes)):
        if not area.streets:
            continue
        for index in range(per_street * len(area.streets)):
            kind, name, address = PATTERNS[index % len(PATTERNS)]
            at = index % len(area.streets)
            street = area.streets[at]
            lon, lat = area.street_points[at]
            road, other = rng.sample(area.roads, 2) if len(area.roads) > 1 else (area.roads[0],) * 2
            words = {
                "road": road,
                "other": other,
                "street": street.name.removesuffix("街道").removesuffix("镇"),
                "n": rng.randrange(8, 680, 2),
            }
            if PublicPlace.objects.filter(street=street, name=name.format(**words)).exists():
                continue
            grids = area.grids.get(street.code) or [None]
            place_create(
                by=by,
                data={
                    "kind": kind,
                    "name": name.format(**words),
                    "address": address.format(**words),
                    "street": street,
                    "grid": rng.choice(grids),
                    "industry": industries[DEFAULT_INDUSTRY[kind]],
                    "latitude": Decimal(f"{lat + rng.uniform(-0.006, 0.006):.6f}"),
                    "longitude": Decimal(f"{lon + rng.uniform(-0.006, 0.006):.6f}"),
                    "contact_name": rng.choice(CONTACTS),
                    "contact_phone": f"139{rng.randrange(10**7, 10**8)}",
                },
            )
            created += 1
    return created
