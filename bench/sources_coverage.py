"""The coverage half of bench/sources.py (issue 15 item 6): the 重大危险源在线监测率 of a city
— ~3,000 major hazard sources, ~15,000 devices — against the aim of well under 200 ms.
bench/sources.py calls ``run_coverage_bench`` once its units are identified and graded (the
sources exist); import this after ``django.setup()``.

    run_coverage_bench(units, by=admin, repeat=3)

1. builds, for the sources of ``units`` (a seeded RNG; replacing the bench's devices of a
   previous run): a device per required metric group — 1–6 tank or reactor monitors by the
   unit's kind, a combustible-gas and a toxic-gas detector where its chemicals ask for them
   (``coverage.required``) — about 5 a source, with their latest readings
   (``LatestReading``, what the ingest keeps); ~80 % of the sources covered, the rest
   offline (the readings of one kind of its devices two hours old), metric missing (a gas
   detector left out), no device, or with a switched-off device; ``bulk_create``, not
   timed;
2. times ``selectors_coverage.coverage_figure(by)`` (the city administrator: every source;
   assessment and the figure by grade) — the median of ``repeat`` runs, then once under
   tracemalloc with its SQL statements counted;
3. baseline in the same run: the same queries in hand-written SQL (``execute`` +
   ``fetchall``) and the same pure assessment (``coverage.assessed``) over them; ratio =
   figure ÷ baseline (what the ORM, the scope and the figure's grouping add);
4. checks the two agree source by source, and that the built cases came out as built.

Prints wall and CPU seconds, statements, Python peak; on SQLite the CPU includes the
database's work, on PostgreSQL only the client's.
"""

import json
import os
import random
import time
import tracemalloc
from collections import Counter
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from anjian.hazchem import coverage
from anjian.hazchem import selectors_coverage as reads
from anjian.hazchem.choices import Mixture, SourceState, UnitKind
from anjian.hazchem.coverage import Status
from anjian.hazchem.models import MajorHazardSource
from anjian.monitoring.models import Device, DeviceType, LatestReading
from bench.sources_data import log

TARGET_MS = 200
PREFIX = "BSC-"  # the bench's devices: BSC-<source pk>-<n>
STALE = timedelta(hours=2)
CASES = (  # (case, share): the rest are covered
    ("offline", 0.07),
    ("missing", 0.05),
    ("no_device", 0.04),
    ("idle", 0.02),  # its only device switched off: no device
)


def _case(rng: random.Random) -> str:
    draw = rng.random()
    for case, share in CASES:
        if draw < share:
            return case
        draw -= share
    return "covered"


def _clear() -> None:
    """The bench's devices of an earlier run, and latest readings whose device is gone
    (``bench/sources_data.reset`` deletes the sources' devices with the sources)."""
    ours = Device.objects.filter(code__startswith=PREFIX)
    LatestReading.objects.filter(device__in=ours).delete()
    ours.delete()
    LatestReading.objects.exclude(device_id__in=Device.objects.values("pk")).delete()


def build_devices(units, *, per_source: int, seed: int) -> dict:
    """Devices and latest readings for the sources of ``units``; the case each was built
    as (source pk → case)."""
    _clear()
    rng = random.Random(seed)
    now = timezone.now()
    types = {t.code: t for t in DeviceType.objects.prefetch_related("metrics")}
    sources = list(
        MajorHazardSource.objects.filter(unit__in=units)
        .current()
        .select_related("unit", "enterprise")
        .order_by("pk")
    )
    hazards = reads.unit_hazards(MajorHazardSource.objects.filter(pk__in=[s.pk for s in sources]))
    devices, stale, cases = [], set(), {}
    for source in sources:
        case = cases[source.pk] = _case(rng)
        if case == "no_device":
            continue
        gases = [
            kit
            for key, kit in (("lel", "gas_lel"), ("toxic", "gas_toxic"))
            if key in hazards.get(source.unit_id, ())
        ]
        process = "tank" if source.unit.kind == UnitKind.STORAGE else "reactor"
        kits = [process] * max(1, min(6, round(rng.gauss(per_source - len(gases), 1)))) + gases
        if case == "missing":
            kits = [kit for kit in kits if kit != (gases[0] if gases else process)]
            if not gases:
                kits = ["gas_lel"] if process == "reactor" else ["reactor"]
        if case == "idle":
            kits = kits[:1]
        # offline: every device of one kind reports late (the others cannot stand in)
        late = (gases[-1] if gases else process) if case == "offline" else None
        for n, kit in enumerate(kits, start=1):
            device = Device(
                enterprise=source.enterprise,
                device_type=types[kit],
                code=f"{PREFIX}{source.pk}-{n}",
                name=f"基准{kit}{n}",
                hazard_source=source,
                is_active=case != "idle",
                offline_after_seconds=180 if kit.startswith("gas") else 300,
            )
            device.copy_enterprise_scope()
            devices.append(device)
            if kit == late:
                stale.add(device.code)
    Device.objects.bulk_create(devices, batch_size=2000)
    readings = [
        LatestReading(
            device=device,
            metric=metric,
            ts=now - STALE if device.code in stale else now - timedelta(seconds=rng.randint(0, 60)),
            value=1.0,
        )
        for device in devices
        for metric in types[device.device_type.code].metrics.all()
    ]
    LatestReading.objects.bulk_create(readings, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE monitoring_device, monitoring_latestreading")
    log(
        f"生成 {len(sources):,} 个重大危险源的 {len(devices):,} 台设备、"
        f"{len(readings):,} 条最新读数"
        f"（{'、'.join(f'{k} {v:,}' for k, v in sorted(Counter(cases.values()).items()))}）"
    )
    return cases


# --- the baseline: the same aggregates by hand ------------------------------------------------


def _in(values) -> tuple[str, list]:
    values = list(values) or [None]
    return ", ".join(["%s"] * len(values)), values


COUNTED = (
    "SELECT s.id FROM hazchem_majorhazardsource s WHERE s.state <> %s AND s.monitoring_required"
)


def raw_states(now) -> dict[int, str]:
    """Source pk → its status: the same queries as ``selectors_coverage.assess_sources``
    written by hand (``execute`` + ``fetchall``), the same pure ``coverage.assessed``."""
    closed = [SourceState.CLOSED]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.id, s.unit_id, u.kind FROM hazchem_majorhazardsource s"
            " JOIN hazchem_chemicalunit u ON u.id = s.unit_id"
            " WHERE s.state <> %s AND s.monitoring_required",
            closed,
        )
        sources = cursor.fetchall()
        hazards = _hazards(cursor)
        types, metrics = _capable(cursor)
        measured = _measured(cursor, types)
        reporting = _reporting(cursor, metrics, now)
    found = {}
    for pk, unit, kind in sources:
        count, capable = measured.get(pk, (0, set()))
        assessed = coverage.assessed(
            kind,
            frozenset(hazards.get(unit, ())),
            devices=bool(count),
            measured=frozenset(capable),
            reporting=frozenset(reporting.get(pk, ())),
        )
        found[pk] = assessed.status
    return found


def _json(value):
    """A JSON column as fetched: text on SQLite, decoded on PostgreSQL."""
    return json.loads(value) if isinstance(value, str) else value


def _flags(column: str, ids: dict[str, list[int]]) -> tuple[str, list]:
    """``MAX(CASE WHEN column IN (…) …)`` per requirement key, and their parameters."""
    parts = [(key, *_in(values)) for key, values in ids.items()]
    sql = ", ".join(
        f"MAX(CASE WHEN {column} IN ({marks}) THEN 1 ELSE 0 END)" for _k, marks, _p in parts
    )
    return sql, [v for _k, _m, params in parts for v in params]


def _hazards(cursor) -> dict[int, set[str]]:
    cursor.execute("SELECT id, table1_row, gb18218_classes FROM hazchem_chemical")
    kinds: dict[str, list[int]] = {"lel": [], "toxic": []}
    for pk, row, classes in cursor.fetchall():
        for hazard in coverage.line_hazards(row, _json(classes)):
            kinds[hazard].append(pk)
    flags, params = _flags("l.chemical_id", kinds)
    cursor.execute(
        f"SELECT s.unit_id, {flags} FROM hazchem_majorhazardsource s"
        " JOIN hazchem_inventoryline l ON l.unit_id = s.unit_id"
        " WHERE s.state <> %s AND s.monitoring_required AND l.mixture <> %s GROUP BY s.unit_id",
        [*params, SourceState.CLOSED, Mixture.OWN],
    )
    keys = list(kinds)
    hazards = {
        row[0]: {k for k, flag in zip(keys, row[1:], strict=True) if flag}
        for row in cursor.fetchall()
    }
    cursor.execute(
        "SELECT s.unit_id, l.own_classes FROM hazchem_majorhazardsource s"
        " JOIN hazchem_inventoryline l ON l.unit_id = s.unit_id"
        " WHERE s.state <> %s AND s.monitoring_required AND l.mixture = %s",
        [SourceState.CLOSED, Mixture.OWN],
    )
    for unit, classes in cursor.fetchall():
        hazards.setdefault(unit, set()).update(coverage.line_hazards(None, _json(classes)))
    return hazards


def _capable(cursor) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    cursor.execute(
        "SELECT m.id, m.device_type_id, m.code, t.category FROM monitoring_metric m"
        " JOIN monitoring_devicetype t ON t.id = m.device_type_id"
    )
    types: dict[str, list[int]] = {r.key: [] for r in coverage.REQUIREMENTS}
    metrics: dict[str, list[int]] = {r.key: [] for r in coverage.REQUIREMENTS}
    for pk, type_id, code, category in cursor.fetchall():
        for requirement in coverage.REQUIREMENTS:
            if requirement.matches(category, code):
                types[requirement.key].append(type_id)
                metrics[requirement.key].append(pk)
    return types, metrics


def _measured(cursor, types) -> dict[int, tuple[int, set[str]]]:
    flags, params = _flags("d.device_type_id", types)
    cursor.execute(
        f"SELECT d.hazard_source_id, COUNT(*), {flags} FROM monitoring_device d"
        f" WHERE d.is_active AND d.hazard_source_id IN ({COUNTED}) GROUP BY d.hazard_source_id",
        [*params, SourceState.CLOSED],
    )
    keys = list(types)
    return {
        row[0]: (row[1], {k for k, flag in zip(keys, row[2:], strict=True) if flag})
        for row in cursor.fetchall()
    }


def _reporting(cursor, metrics, now) -> dict[int, set[str]]:
    cursor.execute(
        "SELECT DISTINCT offline_after_seconds FROM monitoring_device"
        f" WHERE is_active AND hazard_source_id IN ({COUNTED})",
        [SourceState.CLOSED],
    )
    intervals = [row[0] for row in cursor.fetchall()]
    if not intervals:
        return {}
    fresh = " OR ".join(["(d.offline_after_seconds = %s AND r.ts >= %s)"] * len(intervals))
    fresh_params = [v for s in intervals for v in (s, now - timedelta(seconds=s))]
    flags, params = _flags("r.metric_id", metrics)
    cursor.execute(
        f"SELECT d.hazard_source_id, {flags} FROM monitoring_latestreading r"
        " JOIN monitoring_device d ON d.id = r.device_id"
        f" WHERE d.is_active AND d.hazard_source_id IN ({COUNTED}) AND ({fresh})"
        " GROUP BY d.hazard_source_id",
        [*params, SourceState.CLOSED, *fresh_params],
    )
    keys = list(metrics)
    return {
        row[0]: {k for k, flag in zip(keys, row[1:], strict=True) if flag}
        for row in cursor.fetchall()
    }


# --- measuring --------------------------------------------------------------------------------


def _timed(call, repeat: int) -> tuple[float, float, object]:
    runs = []
    for _ in range(repeat):
        cpu, started = time.process_time(), time.perf_counter()
        result = call()
        runs.append((time.perf_counter() - started, time.process_time() - cpu, result))
    return sorted(runs, key=lambda r: r[0])[len(runs) // 2]


def _traced(call) -> tuple[int, float]:
    statements = [0]

    def count(execute, sql, params, many, context):
        statements[0] += 1
        return execute(sql, params, many, context)

    tracemalloc.start()
    with connection.execute_wrapper(count):
        call()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return statements[0], peak


def run_coverage_bench(units, *, by, repeat: int = 3, per_source: int = 5, seed: int = 15) -> dict:
    """Build the devices of ``units``' sources, time the city's figure as ``by`` (an
    administrator of the whole city) against the baseline, check, print; returns the
    figures (milliseconds, counts)."""
    built = build_devices(units, per_source=per_source, seed=seed)
    now = timezone.now()

    def figure():
        return reads.coverage_figure(by, "grade", now=now)

    def states():
        return {s.pk: s.coverage.status for s in reads.assess_sources(reads.counted(by), now=now)}

    wall, cpu, found = _timed(figure, repeat)
    statements, peak = _traced(figure)
    base_wall, base_cpu, base = _timed(lambda: raw_states(now), repeat)
    ours = states()
    if ours != base:
        wrong = [pk for pk in ours.keys() | base.keys() if ours.get(pk) != base.get(pk)][:10]
        raise SystemExit(f"错误：在线监测率与原生 SQL 基线不一致，如重大危险源 {wrong}")
    expected = {"covered": Status.COVERED, "offline": Status.OFFLINE}
    expected |= {"missing": Status.MISSING, "no_device": Status.NO_DEVICE, "idle": Status.NO_DEVICE}
    wrong = [pk for pk, case in built.items() if pk in ours and ours[pk] != expected[case]]
    if wrong:
        raise SystemExit(f"错误：{len(wrong)} 个重大危险源不在所建情况，如 {wrong[:10]}")
    total = found.total
    log(
        f"在线监测率 {total.rate}%：须在线监测 {total.counted:,}，已覆盖 {total.covered:,}，"
        f"未关联设备 {total.no_device:,}、缺少监测项 {total.missing:,}、离线 {total.offline:,}"
    )
    log(
        f"coverage_figure（全市，按级别）：墙钟 {wall * 1000:.0f} ms，CPU {cpu * 1000:.0f} ms，"
        f"SQL {statements} 条，Python 峰值 {peak:.1f} MB；"
        f"基线（手写 SQL + 同一判定）{base_wall * 1000:.0f} ms（CPU {base_cpu * 1000:.0f} ms），"
        f"{wall / base_wall:.1f}×；与基线逐个一致"
    )
    log(f"负载（loadavg 1/5/15 分钟）：{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    verdict = "<" if wall * 1000 < TARGET_MS else "≥"
    log(f"在线监测率 {wall * 1000:.0f} ms {verdict} 目标 {TARGET_MS} ms")
    return {
        "ms": wall * 1000,
        "baseline_ms": base_wall * 1000,
        "statements": statements,
        "sources": total.counted,
        "devices": Device.objects.filter(code__startswith=PREFIX).count(),
    }
