"""Benchmark of the double-random draw (双随机, issue 12): 2,000 targets from a pool of
200,000 enterprises with 500 inspectors and conflict rules, in memory (the engine is pure).

    .venv/bin/python bench/draw.py            # full size
    .venv/bin/python bench/draw.py --smoke    # tiny, for CI

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
    args = parser.parse_args()
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
