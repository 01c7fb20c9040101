"""Benchmark of the nearest-resource search (issue 14): 100,000 resources across a city,
nearest-10 queries of one kind from 1,000 random points.

    .venv/bin/python bench/dispatch.py            # SQLite, in its own var/bench-dispatch/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/anjian_bench .venv/bin/python bench/dispatch.py
    … bench/dispatch.py --smoke                   # tiny sizes: does it still run? (CI)

A benchmark, not a test: it prints latency figures and fails only if an answer is wrong.
In one run it

1. builds its data once (reused while the counts match): migrates, loads the regions of
   上海 (GB/T 2260 and the district outlines, from the npm data packages) if missing, then
   ``bulk_create``s ``--resources`` resources spread evenly over the five kinds — teams,
   supply lines (in warehouses of 5 lines each, with their opening 入库 in the ledger),
   equipment, shelters, experts — uniformly over the city's box (30.7–31.5 N, 121.0–122.0 E),
   each owned by a street of the district whose label point is nearest; about four in five
   of each kind could be sent now (the rest deployed, in maintenance, out of stock, expired,
   full or unavailable); then ANALYZE. SQLite runs on its own file (``ANJIAN_VAR_DIR``
   defaults to var/bench-dispatch; never the one you keep); PostgreSQL on a database whose
   name contains "bench";
2. times ``selectors_resources.nearest(limit=10)`` — the whole selector: scope, availability
   filters, the grid-cell reads, exact great-circle ranking, model instances — from
   ``--points`` seeded random points, for each kind as a city-wide user, teams with a
   speciality, and teams as a district user (杨浦区) from points inside that district;
3. interleaved with those, the baseline: the same scoped availability queryset ordered by
   an approximate (equirectangular) distance in SQL, ``LIMIT 10`` — the plain query without
   the grid — on every ``--baseline-every``-th point;
4. checks the first ``--check`` answers of each scenario against an exact brute-force
   ranking (every available row, haversine in Python): the same ids in the same order.

Figures are p50/p95/max in milliseconds of wall time; ``cpu`` = this process's CPU time per
query (mean; on SQLite, which runs in the process, that includes the database's work, so it
is what a query costs on an idle machine; on PostgreSQL it is the client's share only);
``q`` = SQL statements per query (mean); ``ratio`` = baseline p50 / nearest p50. Aim
(issue 14): p95 < 5 ms. Other load on the machine shows in the printed load averages.
"""

import argparse
import math
import os
import platform
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

RESOURCES = 100_000
POINTS = 1_000
BOX = (30.7, 121.0, 31.5, 122.0)  # south, west, north, east
TARGET_P95_MS = 5.0
KINDS = ("team", "supply", "equipment", "shelter", "expert")
LINES_PER_WAREHOUSE = 5
DISTRICT = "310110"  # 杨浦区


def log(message: str = "") -> None:
    print(message, flush=True)


# --- 1. data ------------------------------------------------------------------------------


def prepare_database() -> str:
    """Point Django at the bench's own database before it reads its settings."""
    url = os.environ.get("DATABASE_URL", "")
    if url:
        name = urlsplit(url).path.lstrip("/")
        if "bench" not in name:
            sys.exit(f"只在名称含 bench 的数据库上运行（现为 {name!r}），如 …/anjian_bench")
        from bench.common import ensure_database

        ensure_database(url)
        return f"PostgreSQL {name}"
    os.environ.setdefault("ANJIAN_VAR_DIR", str(ROOT / "var" / "bench-dispatch"))
    return f"SQLite {Path(os.environ['ANJIAN_VAR_DIR']) / 'anjian.sqlite3'}"


def ensure_regions() -> None:
    from anjian.regions import services as region_services
    from anjian.regions.models import Region

    if not Region.objects.filter(code=DISTRICT).exists():
        started = time.perf_counter()
        region_services.regions_load(root="31")
        region_services.regions_load_boundaries(root="31")
        log(f"载入上海市区划与区界：{time.perf_counter() - started:.1f} s")


def ensure_users():
    """A city-wide user (superuser, no region) and an official of 杨浦区."""
    from anjian.accounts.models import User
    from anjian.accounts.roles import Role

    city, _ = User.objects.get_or_create(
        username="bench_dispatch_city",
        defaults={"name": "基准·全市", "role": Role.ADMIN, "is_superuser": True},
    )
    district, _ = User.objects.get_or_create(
        username="bench_dispatch_district",
        defaults={"name": "基准·杨浦区", "role": Role.SUPERVISOR, "region_id": DISTRICT},
    )
    return User.objects.get(pk=city.pk), User.objects.get(pk=district.pk)


def street_picker(rng: random.Random):
    """(latitude, longitude) → a street code of the district whose label point is nearest."""
    from anjian.regions.choices import RegionLevel
    from anjian.regions.models import Region

    districts = list(
        Region.objects.filter(level=RegionLevel.DISTRICT, code__startswith="31")
        .exclude(latitude=None)
        .values_list("code", "latitude", "longitude")
    )
    streets: dict[str, list[str]] = {}
    for code in Region.objects.filter(level=RegionLevel.STREET, code__startswith="31").values_list(
        "code", flat=True
    ):
        streets.setdefault(code[:6], []).append(code)
    districts = [(c, float(lat), float(lon)) for c, lat, lon in districts if c in streets]

    def pick(lat: float, lon: float) -> str:
        code = min(districts, key=lambda d: (d[1] - lat) ** 2 + ((d[2] - lon) * 0.86) ** 2)[0]
        return rng.choice(streets[code])

    return pick


def counts(total: int) -> dict[str, int]:
    each = total // len(KINDS)
    return dict.fromkeys(KINDS, each)


MARK = "基准"  # the bench's rows: synthetic, and named so (the demo's are synthetic too)


def existing() -> dict[str, int]:
    from anjian.emergency.models import Equipment, Expert, RescueTeam, Shelter, Supply

    ours = {"synthetic": True, "name__startswith": MARK}
    return {
        "team": RescueTeam.objects.filter(**ours).count(),
        "supply": Supply.objects.filter(
            warehouse__synthetic=True, warehouse__name__startswith=MARK
        ).count(),
        "equipment": Equipment.objects.filter(**ours).count(),
        "shelter": Shelter.objects.filter(**ours).count(),
        "expert": Expert.objects.filter(**ours).count(),
    }


def clear() -> None:
    from anjian.emergency.models import (
        Equipment,
        Expert,
        RescueTeam,
        Shelter,
        StockMovement,
        Supply,
        Warehouse,
    )

    ours = {"synthetic": True, "name__startswith": MARK}
    lines = Supply.objects.filter(warehouse__synthetic=True, warehouse__name__startswith=MARK)
    StockMovement.objects.filter(supply__in=lines).delete()
    lines.delete()
    for model in (Equipment, RescueTeam, Shelter, Expert, Warehouse):
        model.objects.filter(**ours).delete()


def build(total: int, owner) -> None:
    from django.db import connection, transaction

    from anjian.emergency import choices as c
    from anjian.emergency.models import (
        Equipment,
        Expert,
        RescueTeam,
        Shelter,
        StockMovement,
        Supply,
        Warehouse,
    )

    wanted = counts(total)
    if existing() == wanted:
        log(f"已有基准数据 {sum(wanted.values()):,} 条，跳过生成")
        return
    clear()
    rng = random.Random(2026)
    pick = street_picker(rng)
    today = date.today()
    specialities = c.Speciality.values
    started = time.perf_counter()

    def placed(obj, lat=None, lon=None):
        lat = rng.uniform(BOX[0], BOX[2]) if lat is None else lat
        lon = rng.uniform(BOX[1], BOX[3]) if lon is None else lon
        street = pick(lat, lon)
        obj.owner_kind, obj.region_id, obj.scope_region_code = "government", street, street
        obj.synthetic = True
        obj.place_at(round(lat, 6), round(lon, 6))
        return obj

    def ready(rate=0.8) -> bool:
        return rng.random() < rate

    with transaction.atomic():
        teams = []
        for n in range(wanted["team"]):
            chosen = rng.sample(specialities, rng.randint(1, 3))
            teams.append(
                placed(
                    RescueTeam(
                        name=f"基准救援队{n}",
                        kind=rng.choice(c.TeamKind.values),
                        specialities=",{},".format(",".join(chosen)),
                        leader="队长",
                        phone="021-65012345",
                        headcount=rng.randint(5, 60),
                        readiness=c.Readiness.READY if ready() else c.Readiness.DEPLOYED,
                    )
                )
            )
        RescueTeam.objects.bulk_create(teams, batch_size=2000)
        stores = [
            placed(
                Warehouse(
                    name=f"基准储备库{n}",
                    storage_level=c.StorageLevel.STREET,
                    manager="库管",
                    phone="13800138000",
                )
            )
            for n in range(math.ceil(wanted["supply"] / LINES_PER_WAREHOUSE))
        ]
        Warehouse.objects.bulk_create(stores, batch_size=2000)
        lines = []
        for n in range(wanted["supply"]):
            store = stores[n // LINES_PER_WAREHOUSE]
            line = Supply(
                warehouse=store,
                name=f"物资{n % LINES_PER_WAREHOUSE}",
                category=rng.choice(c.SupplyCategory.values),
                unit="件",
                quantity=rng.randint(1, 200) if ready(0.9) else 0,
                expires_on=today + timedelta(days=rng.randint(-60, 900)),
            )
            line.copy_warehouse()
            lines.append(line)
        Supply.objects.bulk_create(lines, batch_size=2000)
        StockMovement.objects.bulk_create(
            (
                StockMovement(
                    supply=line,
                    kind="receipt",
                    delta=line.quantity,
                    balance=line.quantity,
                    by=owner,
                    reason="基准数据",
                )
                for line in lines
                if line.quantity
            ),
            batch_size=2000,
        )
        Equipment.objects.bulk_create(
            (
                placed(
                    Equipment(
                        name=f"基准装备{n}",
                        category=rng.choice(("排水设备", "照明设备", "破拆工具", "发电机")),
                        quantity=(q := rng.randint(1, 5)),
                        available=q,
                        status=c.EquipmentStatus.USABLE if ready(0.85) else "maintenance",
                    )
                )
                for n in range(wanted["equipment"])
            ),
            batch_size=2000,
        )
        Shelter.objects.bulk_create(
            (
                placed(
                    Shelter(
                        name=f"基准避难场所{n}",
                        kind=rng.choice(c.ShelterKind.values),
                        area_m2=(area := rng.randint(500, 50_000)),
                        capacity=(room := area // 2),
                        occupancy=room if not ready(0.9) else rng.randint(0, room // 2),
                        manager="管理人",
                        phone="021-65011111",
                    )
                )
                for n in range(wanted["shelter"])
            ),
            batch_size=2000,
        )
        Expert.objects.bulk_create(
            (
                placed(
                    Expert(
                        name=f"基准专家{n}",
                        field=rng.choice(c.ExpertField.values),
                        phone="13900139000",
                        available=ready(0.85),
                    )
                )
                for n in range(wanted["expert"])
            ),
            batch_size=2000,
        )
    took = time.perf_counter() - started
    made = sum(wanted.values())
    log(
        f"生成 {made:,} 条资源（另 {len(stores):,} 个储备库）：{took:.1f} s"
        f"（{made / took:,.0f} 行/秒）"
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log(f"ANALYZE：{time.perf_counter() - started:.1f} s")


# --- 2.–4. measuring ----------------------------------------------------------------------


@dataclass
class Series:
    times: list[float] = field(default_factory=list)  # ms

    def pct(self, p: float) -> float:
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass
class Scenario:
    name: str
    user: object
    kind: str
    filters: dict
    box: tuple[float, float, float, float] = BOX
    nearest: Series = field(default_factory=Series)
    baseline: Series = field(default_factory=Series)
    cpu: float = 0.0  # ms of this process's CPU over all timed nearest calls
    statements: int = 0
    checked: int = 0
    found: int = 0


def baseline_rows(user, kind: str, lat: float, lon: float, filters: dict):
    """The plain query: the same scoped availability, ORDER BY an approximate distance."""
    from django.db.models import F, FloatField, Value
    from django.db.models.functions import Power

    from anjian.emergency.selectors_resources import available

    scale = Value(math.cos(math.radians(lat)), output_field=FloatField())
    approx = Power(F("latitude") - Value(lat), 2) + Power((F("longitude") - Value(lon)) * scale, 2)
    queryset = available(user, kind, **filters).filter(latitude__isnull=False)
    return list(queryset.annotate(approx=approx).order_by("approx", "pk")[:10])


def exact_top(rows, lat: float, lon: float, limit: int = 10) -> list[int]:
    from anjian.emergency import geo

    ranked = sorted(rows, key=lambda r: (geo.distance_km(lat, lon, r[1], r[2]), r[0]))
    return [pk for pk, _lat, _lon in ranked[:limit]]


def measure(scenario: Scenario, args) -> None:
    from django.db import connection

    from anjian.emergency.selectors_resources import available, nearest

    rng = random.Random(f"{scenario.name}-2026")
    points = [
        (
            rng.uniform(scenario.box[0], scenario.box[2]),
            rng.uniform(scenario.box[1], scenario.box[3]),
        )
        for _ in range(args.points)
    ]
    everything = list(
        available(scenario.user, scenario.kind, **scenario.filters)
        .filter(latitude__isnull=False)
        .values_list("pk", "latitude", "longitude")
    )
    statements = [0]

    def count(execute, sql, params, many, context):
        statements[0] += 1
        return execute(sql, params, many, context)

    for warm in points[: args.warmup]:
        nearest(
            scenario.user,
            kind=scenario.kind,
            latitude=warm[0],
            longitude=warm[1],
            limit=10,
            **scenario.filters,
        )
        baseline_rows(scenario.user, scenario.kind, *warm, scenario.filters)
    for n, (lat, lon) in enumerate(points):
        with connection.execute_wrapper(count):
            cpu, started = time.process_time(), time.perf_counter()
            found = nearest(
                scenario.user,
                kind=scenario.kind,
                latitude=lat,
                longitude=lon,
                limit=10,
                **scenario.filters,
            )
            scenario.nearest.times.append((time.perf_counter() - started) * 1000)
            scenario.cpu += (time.process_time() - cpu) * 1000
        scenario.found += len(found)
        if n % args.baseline_every == 0:
            started = time.perf_counter()
            baseline_rows(scenario.user, scenario.kind, lat, lon, scenario.filters)
            scenario.baseline.times.append((time.perf_counter() - started) * 1000)
        if n < args.check:
            expected = exact_top(everything, lat, lon)
            got = [c.resource.pk for c in found]
            if got != expected:
                sys.exit(
                    f"错误：{scenario.name} 在 ({lat:.6f}, {lon:.6f}) 得到 {got}，应为 {expected}"
                )
            scenario.checked += 1
    scenario.statements = statements[0]


def district_box():
    from anjian.regions.models import Region

    boundary = Region.objects.get(code=DISTRICT).boundary
    polygons = (
        boundary["coordinates"] if boundary["type"] == "MultiPolygon" else [boundary["coordinates"]]
    )
    points = [p for polygon in polygons for ring in polygon for p in ring]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return (min(lats), min(lons), max(lats), max(lons))


HEADER = (
    f"{'场景':<26}{'p50':>8}{'p95':>8}{'max':>8}{'cpu':>7}{'q':>5}   "
    f"{'基线 p50':>9}{'p95':>8}{'ratio':>7}  核对"
)


def print_scenario(s: Scenario) -> None:
    n = s.nearest
    b = s.baseline
    ratio = b.pct(50) / n.pct(50) if n.times and b.times else float("nan")
    log(
        f"{s.name:<26}{n.pct(50):>8.2f}{n.pct(95):>8.2f}{max(n.times):>8.2f}"
        f"{s.cpu / len(n.times):>7.2f}{s.statements / len(n.times):>5.1f}   "
        f"{b.pct(50):>9.2f}{b.pct(95):>8.2f}{ratio:>6.1f}×"
        f"  {s.checked} ✓（平均 {s.found / len(n.times):.1f} 个）"
    )


def describe(database: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    log(
        f"Python {platform.python_version()}, {os.cpu_count()} CPU; {connection.vendor} {version}; "
        f"{database}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, default=RESOURCES)
    parser.add_argument("--points", type=int, default=POINTS)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--baseline-every", type=int, default=5, help="基线每隔几个点测一次")
    parser.add_argument("--check", type=int, default=100, help="与暴力计算核对的点数")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--smoke", action="store_true", help="极小规模，只检验能否跑通（CI 用）")
    args = parser.parse_args()
    if args.smoke:
        args.resources, args.points, args.warmup, args.baseline_every, args.check = (
            2000,
            30,
            2,
            3,
            10,
        )
    database = prepare_database()
    log("命令：" + " ".join([sys.executable, *sys.argv]))
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    log(f"migrate：{time.perf_counter() - started:.1f} s")
    ensure_regions()
    city, district = ensure_users()
    build(args.resources, city)
    if args.build_only:
        return
    describe(database)
    log(f"负载（loadavg 1/5/15 分钟）开始时：{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    log(
        f"方式：selectors_resources.nearest(limit=10)，每个场景 {args.points} 个随机点"
        f"（{args.warmup} 个预热）；基线 = 同样的范围与可用条件 ORDER BY 近似距离 LIMIT 10"
        f"（每 {args.baseline_every} 个点一次，与 nearest 交替）；核对 = 与暴力精确排序逐个比较"
    )
    scenarios = [Scenario(f"{kind}（全市）", city, kind, {}) for kind in KINDS]
    scenarios.insert(1, Scenario("team 危化专业（全市）", city, "team", {"speciality": "hazchem"}))
    scenarios.append(Scenario("team（杨浦区用户）", district, "team", {}, box=district_box()))
    log()
    log(HEADER)
    for scenario in scenarios:
        measure(scenario, args)
        print_scenario(scenario)
    log(f"负载结束时：{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    worst = max(scenarios, key=lambda s: s.nearest.pct(95))
    verdict = "<" if worst.nearest.pct(95) < TARGET_P95_MS else "≥"
    log(
        f"\n最差 p95 {worst.nearest.pct(95):.2f} ms（{worst.name}）"
        f"{verdict} 目标 {TARGET_P95_MS:.0f} ms；"
        f"全部答案与暴力精确排序一致（{sum(s.checked for s in scenarios)} 次）"
    )


if __name__ == "__main__":
    main()
