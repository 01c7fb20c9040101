"""Benchmark of identification and grading at city scale (issue 15 item 6): 20,000 units
with 10 chemicals each, identified and graded again by ``evaluation.reevaluate``.

    .venv/bin/python bench/sources.py             # SQLite, in its own var/bench-sources/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/anjian_bench .venv/bin/python bench/sources.py
    … bench/sources.py --smoke                    # tiny sizes: does it still run? (CI)

A benchmark, not a test: it prints figures and fails only if an answer is wrong. In one run it

1. builds its data once (reused while the counts match): migrates; loads 上海's regions and
   the default industries if missing; ``bulk_create``s one 危险化学品 enterprise per 10 units
   (``enterprise_bulk_create``, over the city's streets), ``--units`` units (scope copied
   from the enterprise; the population within 500 m spread over all five α bands) and 10
   distinct chemicals each, drawn with a seeded RNG from the 85 shipped table 1 rows and the
   21 catalogue entries of ``BENCH_CHEMICALS`` (table 2 classes; ~4 % of lines mixtures with
   classes of their own, ~4 % mixtures counted as the pure substance). Every line can be
   evaluated: a shipped row outside table 3 needs classes for β, so the bench gives those
   rows classes in its own database (``SHIPPED_CLASSES``: 甲醇 W5.3, 乙炔 W2, 钠 W11 …,
   plausible for the substance's main hazard — bench data, not a reference). Quantities
   come from a target S per unit (~15 % ≥ 1, log-uniform up to 60) split over its lines, so
   the grades spread over 一级–四级. SQLite runs on its own file (``ANJIAN_VAR_DIR``
   defaults to var/bench-sources); PostgreSQL on a database whose name contains "bench";
2. times ``reevaluate(units, by=None, reason="bench")`` — ``ChemicalUnit.objects.all()``,
   or the bench's units if the database holds others — from units never evaluated (every
   unit changes: cached columns, a ``UnitEvaluation`` each, a ``MajorHazardSource`` opened
   for each major one), then with nothing changed (read and compute only). Each pass is
   timed, then run again from the same state under tracemalloc (Python peak, SQL count);
3. baselines in the same run: (a) the raw SQL read of the same lines joined to their
   chemicals, and the units' populations (``execute`` + ``fetchall``); (b) ``identify`` per
   unit over that data in memory; (b′) ``evaluation_values`` (b plus the stored form: terms
   as JSON, the explanation). Printed: the read, compute and remaining (write) shares;
   ratio = reevaluate ÷ (a + b);
4. checks ``--check`` seeded sample units: stored S, R, α, grade and 构成重大危险源 equal
   ``identify`` over the lines as stored; each major unit has exactly one source with its
   grade, no other unit has one; one evaluation row per unit.

Figures: wall and CPU seconds (this process; on SQLite that includes the database's work,
on PostgreSQL the client's share only), peak Python memory (tracemalloc, own run) and peak
RSS of the timed run (VmHWM, reset before the run). Aim (issue 15): under 5 s. Load on the
machine shows in the printed load averages.

5. then the other half of item 6, the 重大危险源在线监测率 of the city over the sources just
   opened (``bench/sources_coverage.run_coverage_bench``: ~5 devices a source with their
   latest readings, the figure as the city administrator against hand-written SQL and the
   same pure assessment; aim under 200 ms).
"""

import argparse
import json
import os
import platform
import random
import sys
import time
import tracemalloc
import unicodedata
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from bench.common import ensure_database  # noqa: E402


def prepare_database() -> str:
    """Point Django at the bench's own database before it reads its settings."""
    url = os.environ.get("DATABASE_URL", "")
    if url:
        name = urlsplit(url).path.lstrip("/")
        if "bench" not in name:
            sys.exit(f"只在名称含 bench 的数据库上运行（现为 {name!r}），如 …/anjian_bench")
        ensure_database(url)
        return f"PostgreSQL {name}"
    os.environ.setdefault("ANJIAN_VAR_DIR", str(ROOT / "var" / "bench-sources"))
    return f"SQLite {Path(os.environ['ANJIAN_VAR_DIR']) / 'anjian.sqlite3'}"


DATABASE = prepare_database()  # before Django reads its settings

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.urls import get_resolver  # noqa: E402

from anjian.hazchem import identification as engine  # noqa: E402
from anjian.hazchem.choices import Mixture  # noqa: E402
from anjian.hazchem.evaluation import evaluation_values, reevaluate  # noqa: E402
from anjian.hazchem.models import (  # noqa: E402
    ChemicalUnit,
    InventoryLine,
    MajorHazardSource,
    UnitEvaluation,
)
from bench.sources_coverage import run_coverage_bench  # noqa: E402
from bench.sources_data import (  # noqa: E402
    MARK,
    TONNE,
    UNITS,
    bench_units,
    build,
    ensure_base,
    log,
    reset,
)

TARGET_S = 5.0  # issue 15 item 6
STORED = Decimal("0.000001")

# --- 2.–4. measuring ----------------------------------------------------------------------


def rss_reset() -> bool:
    """Reset the kernel's peak RSS of this process (Linux ≥ 4.0); False if it cannot."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def rss_peak_mb() -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class Run:
    """One measured call: wall and CPU seconds, and either peak RSS or tracemalloc peak."""

    def __init__(self, name: str):
        self.name = name
        self.wall = self.cpu = 0.0
        self.rss = self.python = float("nan")
        self.statements = 0
        self.result = None

    def timed(self, call) -> "Run":
        exact = rss_reset()
        cpu, started = time.process_time(), time.perf_counter()
        self.result = call()
        self.wall = time.perf_counter() - started
        self.cpu = time.process_time() - cpu
        self.rss = rss_peak_mb() if exact else float("nan")
        return self

    def traced(self, call) -> "Run":
        statements = [0]

        def count(execute, sql, params, many, context):
            statements[0] += 1
            return execute(sql, params, many, context)

        tracemalloc.start()
        with connection.execute_wrapper(count):
            call()
        self.python = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        self.statements = statements[0]
        return self


def read_raw(bench_only: bool):
    """Baseline (a): the units' populations and their lines joined to their chemicals."""
    where = ""
    params: list = []
    if bench_only:
        where = " AND u.enterprise_id IN (SELECT id FROM enterprises_enterprise WHERE name LIKE %s)"
        params = [MARK + "%"]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT u.id, u.population_500m FROM hazchem_chemicalunit u WHERE u.active{where}",
            params,
        )
        units = cursor.fetchall()
        cursor.execute(
            "SELECT l.unit_id, l.max_quantity, l.mixture, l.own_classes, c.name, c.cas,"
            " c.table1_row, c.gb18218_classes FROM hazchem_inventoryline l"
            " JOIN hazchem_chemical c ON c.id = l.chemical_id"
            " JOIN hazchem_chemicalunit u ON u.id = l.unit_id"
            f" WHERE u.active{where} ORDER BY l.unit_id, l.id",
            params,
        )
        lines = cursor.fetchall()
    return units, lines


def line_of(quantity, mixture, own, name, cas, number, classes) -> engine.Line:
    """An inventory line's stored values as the engine's input, built here, not by
    ``evaluation.engine_line`` (raw JSON columns arrive as text)."""
    own = json.loads(own) if isinstance(own, str) else own
    classes = json.loads(classes) if isinstance(classes, str) else classes
    return engine.Line(
        quantity=Decimal(str(quantity)).quantize(TONNE),
        cas=cas,
        name=name,
        row=number,
        classes=tuple(own if mixture == Mixture.OWN else classes),
        mixture=engine.Mixture(mixture),
    )


def in_memory(units, lines) -> list[tuple[list, int]]:
    """The raw rows as the engine's input (not timed)."""
    by_unit = defaultdict(list)
    for unit_id, *values in lines:
        by_unit[unit_id].append(line_of(*values))
    return [(by_unit[unit_id], population) for unit_id, population in units]


def compute(data, stored: bool) -> int:
    """Baseline (b): ``identify`` per unit (b′: with the stored form); major units."""
    majors = 0
    for lines, population in data:
        if stored:
            majors += evaluation_values(lines, population)["is_major"]
        else:
            majors += engine.identify(lines, population=population).is_major
    return majors


def check(units, sample: int) -> int:
    """The stored figures and sources of ``sample`` units against ``identify`` (exits on a
    mismatch); returns how many units were checked."""
    ids = sorted(units.values_list("pk", flat=True))
    chosen = random.Random(15).sample(ids, min(sample, len(ids)))
    fields = ("max_quantity", "mixture", "own_classes")
    fields += tuple(f"chemical__{f}" for f in ("name", "cas", "table1_row", "gb18218_classes"))
    found = InventoryLine.objects.filter(unit_id__in=chosen).order_by("unit_id", "id")
    lines = defaultdict(list)
    for unit_id, *values in found.values_list("unit_id", *fields):
        lines[unit_id].append(line_of(*values))
    sources = defaultdict(list)
    opened = MajorHazardSource.objects.filter(unit_id__in=chosen)
    for unit_id, *values in opened.values_list("unit_id", "grade", "qualifies"):
        sources[unit_id].append(tuple(values))
    for unit in ChemicalUnit.objects.filter(pk__in=chosen):
        result = engine.identify(lines[unit.pk], population=unit.population_500m)
        expected = (
            result.s.quantize(STORED),
            result.r.quantize(STORED) if result.r is not None else None,
            result.alpha,
            result.is_major,
            str(result.grade.grade) if result.grade is not None else "",
            "",
        )
        names = ("s_value", "r_value", "alpha", "is_major", "grade", "evaluation_error")
        stored = tuple(getattr(unit, name) for name in names)
        if stored != expected:
            sys.exit(f"错误：单元 {unit.pk} 存储 {stored}，独立计算 {expected}")
        wanted = [(unit.grade, True)] if result.is_major else []
        if sources[unit.pk] != wanted:
            sys.exit(f"错误：单元 {unit.pk} 的重大危险源 {sources[unit.pk]}，应为 {wanted}")
    majors = units.filter(is_major=True).count()
    opened = MajorHazardSource.objects.filter(unit__in=units).count()
    history = UnitEvaluation.objects.filter(unit__in=units).count()
    if (opened, history) != (majors, units.count()):
        sys.exit(
            f"错误：{opened} 个重大危险源、{history} 条辨识记录，应为 {majors}、{units.count()}"
        )
    return len(chosen)


def describe(database: str) -> None:
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


def spread(units) -> str:
    grades = Counter(units.filter(is_major=True).values_list("grade", flat=True))
    alphas = Counter(units.values_list("alpha", flat=True))
    total = units.count()
    majors = sum(grades.values())
    shown = "、".join(f"{g}级 {grades[g]:,}" for g in "1234")
    bands = "、".join(f"α={a.normalize()} {n:,}" for a, n in sorted(alphas.items()))
    return f"重大危险源 {majors:,}/{total:,}（{majors / total:.1%}）：{shown}；{bands}"


def pad(text: str, width: int, right: bool = False) -> str:
    """``text`` padded to ``width`` terminal columns (a Chinese character takes two)."""
    wide = sum(unicodedata.east_asian_width(c) in "WF" for c in text)
    space = " " * max(0, width - len(text) - wide)
    return space + text if right else text + space


HEADER = ("", "墙钟 s", "CPU s", "Python 峰 MB", "RSS 峰 MB", "SQL", "÷(a+b)")
WIDTHS = (34, 9, 8, 13, 10, 8, 8)


def table_line(cells) -> str:
    return "".join(
        pad(str(c), w, n > 0) for n, (c, w) in enumerate(zip(cells, WIDTHS, strict=True))
    )


def figures(name: str, run: Run, baseline: float | None = None) -> str:
    def known(value: float, form: str) -> str:
        return format(value, form) if value == value else "—"

    return table_line(
        (
            name,
            f"{run.wall:.2f}",
            f"{run.cpu:.2f}",
            known(run.python, ".1f"),
            known(run.rss, ".0f"),
            f"{run.statements:,}" if run.statements else "—",
            f"{run.wall / baseline:.1f}×" if baseline else "",
        )
    )


def median_run(name: str, call, repeat: int) -> Run:
    runs = [Run(name).timed(call) for _ in range(repeat)]
    return sorted(runs, key=lambda r: r.wall)[len(runs) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=UNITS)
    parser.add_argument("--check", type=int, default=200, help="与独立计算核对的单元数")
    parser.add_argument("--repeat", type=int, default=3, help="基线各测几次（取中位数）")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--smoke", action="store_true", help="极小规模，只检验能否跑通（CI 用）")
    args = parser.parse_args()
    if args.smoke:
        args.units, args.check, args.repeat = 200, 50, 1
    log("命令：" + " ".join([sys.executable, *sys.argv]))
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    log(f"migrate：{time.perf_counter() - started:.1f} s")
    by = ensure_base()
    build(args.units, by)
    if args.build_only:
        return
    units, called = bench_units()
    reset(units)
    # A running server or worker has its URLs loaded (a new source's notice links to it).
    get_resolver().url_patterns  # noqa: B018
    describe(DATABASE)
    log(f"负载（loadavg 1/5/15 分钟）开始时：{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    log(
        f'方式：reevaluate({called}, by=None, reason="bench")；先从未辨识（全部变化），再复核'
        f"（无变化）；各先计时，再在同样状态下用 tracemalloc 测 Python 峰值与 SQL 语句数；"
        f"基线各 {args.repeat} 次取中位数"
    )

    def everything():
        return reevaluate(units, by=None, reason="bench")

    first = Run("reevaluate 全部变化").timed(everything)
    second = Run("reevaluate 无变化").timed(everything)
    n = units.count()
    majors = units.filter(is_major=True).count()
    if first.result != {"units": n, "changed": n, "failed": 0, "opened": majors}:
        sys.exit(f"错误：首次辨识 {first.result}")
    if second.result != {"units": n, "changed": 0, "failed": 0, "opened": 0}:
        sys.exit(f"错误：复核 {second.result}")
    reset(units)
    first.traced(everything)
    second.traced(everything)
    checked = check(units, args.check)
    log(spread(units))

    bench_only = called != "ChemicalUnit.objects.all()"
    read = median_run("基线 a：原生 SQL 读取", lambda: read_raw(bench_only), args.repeat)
    data = in_memory(*read.result)
    engine_run = median_run("基线 b：identify（内存中）", lambda: compute(data, False), args.repeat)
    stored_run = median_run(
        "基线 b′：identify + 存储形式", lambda: compute(data, True), args.repeat
    )
    majors = units.filter(is_major=True).count()
    if engine_run.result != majors or stored_run.result != majors:
        sys.exit(f"错误：基线得到 {engine_run.result} 个重大危险源，应为 {majors}")
    baseline = read.wall + engine_run.wall

    log()
    log(table_line(HEADER))
    log(figures(f"{first.name}（{n:,} 单元）", first, baseline))
    log(figures(second.name, second, baseline))
    for run in (read, engine_run, stored_run):
        log(figures(run.name, run))
    log(f"负载结束时：{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    shared = read.wall + stored_run.wall
    log(
        f"\n首次辨识 {first.wall:.2f} s ≈ 读取 {read.wall:.2f}（a）"
        f"+ 计算 {engine_run.wall:.2f}（b）+ 存储形式 {stored_run.wall - engine_run.wall:.2f}"
        f"（b′−b）+ 其余（ORM、写入、记录、重大危险源）{first.wall - shared:.2f}；"
        f"复核 {second.wall:.2f} s ≈ a + b′ + 其余 {second.wall - shared:.2f}"
    )
    verdict = "<" if first.wall < TARGET_S else "≥"
    log(
        f"首次辨识 {first.wall:.2f} s {verdict} 目标 {TARGET_S:.0f} s；"
        f"核对 {checked} 个单元与独立计算一致，重大危险源与辨识记录数一致"
    )
    log()
    run_coverage_bench(units, by=by, repeat=args.repeat)


if __name__ == "__main__":
    main()
