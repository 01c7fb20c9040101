"""Benchmark of the double-random draw (双随机, issue 12): 2,000 targets from a pool of
200,000 enterprises with 500 inspectors and conflict rules, in memory (the engine is pure).

    .venv/bin/python bench/draw.py            # full size
    .venv/bin/python bench/draw.py --smoke    # tiny, for CI
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/anjian_bench \\
        .venv/bin/python bench/draw.py --stored

``--stored`` measures the whole stored draw (``services.draw_run``) on a database that
holds the registry (``bench/registry.py --build-only``): reading both pools and the
conflicts, the engine, storing the record and the tasks, in one transaction that is
rolled back after each run; then ``selectors.draw_check`` of a stored draw. Its baseline
is the raw SQL that reads the target pool's rows.

Prints the draw's time (best and median of ``--repeat`` runs), its peak memory
(tracemalloc) and, as the baseline measured in the same run, ``random.sample`` of the same
targets and inspectors without fingerprints, conflicts or load spreading — what a draw
that could not be verified would cost. A benchmark, not a test: it fails only if the draw
is wrong (a conflict drawn, fewer than two inspectors, not reproducible).
"""

import argparse
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from anjian.inspections.draw import Inspector, Rules, Target, draw, verify


def build(targets: int, inspectors: int, conflicts: int, seed: int = 2026):
    rng = random.Random(seed)
    streets = [f"310{d:03d}{s:03d}" for d in range(101, 117) for s in range(1, 15)]
    target_pool = [
        Target(id=n, region=rng.choice(streets), weight=rng.choice([1.0, 1.0, 1.0, 2.0, 4.0]))
        for n in range(1, targets + 1)
    ]
    inspector_pool = [
        Inspector(id=n, home_regions=(rng.choice(streets),)) for n in range(1, inspectors + 1)
    ]
    pairs = lambda k: frozenset(  # noqa: E731
        (rng.randrange(1, inspectors + 1), rng.randrange(1, targets + 1)) for _ in range(k)
    )
    return target_pool, inspector_pool, pairs(conflicts), pairs(conflicts)


def timed(work, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return times


def stored(args) -> None:
    import os
    from datetime import date, timedelta

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings
    from django.db import connection, transaction

    from anjian.accounts.models import User
    from anjian.accounts.roles import Role
    from anjian.enterprises.models import Enterprise
    from anjian.inspections import selectors, services
    from anjian.inspections.models import Inspector, InspectorConflict
    from anjian.regions.models import Department, Industry

    admin = User.objects.get(username="admin")
    department, _ = Department.objects.get_or_create(
        region_id=settings.REGION_ROOT,
        name="市应急管理局（基准测试）",
        defaults={"short_name": "市应急局"},
    )
    have = Inspector.objects.filter(department=department).count()
    rng = random.Random(2026)
    streets = list(Enterprise.objects.values_list("street_id", flat=True).distinct())
    for n in range(have, args.inspectors):
        user = User.objects.create(
            username=f"bench_zf_{n}",
            name=f"基准执法{n}",
            role=Role.INSPECTOR,
            region_id=settings.REGION_ROOT,
            department=department,
        )
        inspector = Inspector.objects.create(
            user=user,
            department=department,
            certificate_number=f"BENCH{n:06d}",
            certificate_valid_until=date.today() + timedelta(days=365),
        )
        inspector.home_regions.set([rng.choice(streets)])
    pool = list(Inspector.objects.filter(department=department).values_list("pk", flat=True))
    if not InspectorConflict.objects.filter(inspector__department=department).exists():
        ids = list(Enterprise.objects.values_list("pk", flat=True))
        pairs = {(rng.choice(pool), rng.choice(ids)) for _ in range(args.conflicts)}
        InspectorConflict.objects.bulk_create(
            InspectorConflict(inspector_id=i, enterprise_id=e, reason="基准测试", declared_by=admin)
            for i, e in pairs
        )
    matter, _ = services.CheckMatter.objects.get_or_create(
        department=department,
        name="全行业安全生产随机抽查（基准测试）",
        defaults={"basis": "《中华人民共和国安全生产法》"},
    )
    matter.industries.set(Industry.objects.all())
    pool_size = services.target_pool(admin, department=department, matter=matter).count()
    print(
        f"对象库 {pool_size:,} 家（在营） · 执法人员 {len(pool)} 人 · 抽取 {args.count:,} 个对象 · "
        f"回避 {InspectorConflict.objects.filter(inspector__department=department).count():,} 对",
        flush=True,
    )
    times, raw = [], []
    for n in range(args.repeat):
        with transaction.atomic():
            started = time.perf_counter()
            drawn = services.draw_run(
                admin, department=department, matter=matter, title=f"基准 {n}", count=args.count
            )
            times.append(time.perf_counter() - started)
            if n == 0:
                started = time.perf_counter()
                problems = selectors.draw_check(drawn)
                check_s = time.perf_counter() - started
                assert problems == [], problems
            transaction.set_rollback(True)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, grid_id, street_id, supervision_grade FROM enterprises_enterprise"
                " WHERE status = 'operating' ORDER BY id"
            )
            cursor.fetchall()
        raw.append(time.perf_counter() - started)
    print(
        f"存储的抽取（读名录库 + 抽取 + 保存记录和 {args.count:,} 个任务）："
        f"best {min(times):.2f} s · median {statistics.median(times):.2f} s · "
        f"复核 {check_s:.2f} s · 基线 raw SQL 读对象库 {min(raw) * 1000:.0f} ms",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=200_000)
    parser.add_argument("--inspectors", type=int, default=500)
    parser.add_argument("--count", type=int, default=2_000)
    parser.add_argument(
        "--conflicts", type=int, default=5_000, help="回避 pairs, and as many last-time pairs"
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--stored", action="store_true", help="services.draw_run on DATABASE_URL")
    args = parser.parse_args()
    if args.stored:
        stored(args)
        return
    if args.smoke:
        args.targets, args.inspectors, args.count, args.conflicts, args.repeat = 2000, 20, 50, 50, 2
    targets, inspectors, conflicts, last_time = build(args.targets, args.inspectors, args.conflicts)
    print(
        f"对象库 {len(targets):,} 家 · 执法人员 {len(inspectors)} 人 · "
        f"抽取 {args.count:,} 个对象 · 回避 {len(conflicts):,} 对 + 上次 {len(last_time):,} 对",
        flush=True,
    )
    for weighted in (False, True):
        rules = Rules(count=args.count, weighted=weighted, conflicts=conflicts, last_time=last_time)
        result = draw("bench-2026", targets, inspectors, rules)
        homes = {i.id: i.home_regions for i in inspectors}
        regions = {t.id: t.region for t in targets}
        for a in result.assignments:
            assert len(a.inspectors) >= 2
            for i in a.inspectors:
                assert (i, a.target) not in conflicts | last_time
                assert regions[a.target] not in homes[i]
        times = timed(lambda: draw("bench-2026", targets, inspectors, rules), args.repeat)  # noqa: B023
        tracemalloc.start()
        draw("bench-2026", targets, inspectors, rules)
        _size, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        verify_started = time.perf_counter()
        assert verify(result, targets, inspectors, rules) == []
        verify_s = time.perf_counter() - verify_started
        rng = random.Random(1)
        baseline = timed(
            lambda: [
                (t, rng.sample(inspectors, 2))  # noqa: B023
                for t in rng.sample(targets, args.count)  # noqa: B023
            ],
            args.repeat,
        )
        label = "按风险加权" if weighted else "等概率"
        print(
            f"{label}：抽取 best {min(times):.3f} s · median {statistics.median(times):.3f} s · "
            f"峰值内存 {peak / 2**20:.1f} MiB · 验证 {verify_s:.3f} s · "
            f"基线 random.sample {min(baseline) * 1000:.1f} ms · "
            f"倍数 {min(times) / min(baseline):.0f}×",
            flush=True,
        )


if __name__ == "__main__":
    main()
