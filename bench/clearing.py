"""Benchmark of the dynamic-clearing figures (隐患动态清零) at city scale on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/anjian_bench .venv/bin/python bench/clearing.py
    make bench-clearing                         # the same, with the default URL above

5,000,000 hazards across 200,000 enterprises. A benchmark, not a test: it prints latency
figures and fails only if a figure is wrong. In one run it

1. builds its data: migrates the bench database, runs ``anjian demo --enterprises 200000``
   when the registry is empty (as bench/registry.py does), then tops the hazard ledger up
   to ``--hazards`` rows with PostgreSQL COPY straight into ``hazards_hazard`` (~25 per
   enterprise over the last 24 months; sources, grades, states, deadlines and close facts
   distributed as on a real ledger). For a large load the table's secondary indexes are
   dropped first and recreated afterwards from their exact ``pg_indexes`` definitions
   (saved to var/ first, so an interrupted run restores them next time); the foreign keys
   are checked in bulk after the load instead of row by row. Then ``tally.rebuild()`` and
   ``VACUUM (ANALYZE)``. Every phase is timed (rows/s). Existing data is reused;
2. requests the figures, in-process through Django's test ``Client`` (/hazards/figures/,
   the whole middleware/session/view/template stack) and through the selectors the page
   calls (one ``selectors.ClearingReport``: the totals of ``clearing_figures`` and the
   region, industry and month breakdowns of ``clearing_breakdown`` it shows), as
   ``admin`` (the city), ``yp_yjj`` (杨浦区 310110) and ``yp_street`` (殷行街道 310110016),
   for the page's default period (本年) and for 全部 (all 24 months);
3. runs, interleaved with those requests, the same figures as raw SQL over the hazard
   table itself through a separate psycopg connection (COUNT … FILTER / SUM for found,
   registered, closed, on time, close days, major, on the spot, per source over the period;
   overdue, overdue major, due soon as current figures, whenever found; grouped by district
   or street, industry and month found as the page shows, no overdue per month) — by
   default in one GROUPING SETS statement, one scan, the fastest plain SQL
   here; ``--raw separate`` runs one GROUP BY per breakdown) and checks that the
   application's figures equal them exactly (and the numbers shown on the page too);
4. times real service transitions (上账 → 开始整改 → 提请验收 → 验收销号 through
   ``anjian.hazards.services``) on generated open hazards, alternately with the tally
   upsert and with it deferred (then applied, timed per call, so the tally stays exact),
   prints the tally's share of a transition, and re-checks exactness afterwards.

Figures are p50/p95/p99 in milliseconds over ``--requests`` timed requests after
``--warmup`` untimed ones (raw SQL: as many as ``--raw-budget`` seconds allow, at least
``--raw-min``, spread evenly over the same loop). ``ratio`` = raw p50 / app p50: how many
times faster the application answers than aggregating the ledger. ``q`` = SQL statements
per request. Aims (issue 11): every scope p95 < 50 ms, street < 30 ms, figures always
exact. Other load on the machine shows in the printed load averages.

Options: ``--hazards N`` ``--requests N`` ``--warmup N`` ``--transitions N``
``--periods year,all`` ``--raw {grouping-sets,separate}`` ``--raw-budget S``
``--raw-min N`` ``--build-only``
``--skip-build`` ``--rebuild-tally`` ``--explain`` (EXPLAIN (ANALYZE, BUFFERS) of the
application's queries for each scope, and of the raw statements).
"""

import argparse
import bisect
import json
import os
import platform
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import psycopg  # noqa: E402
from registry import Stats, _conninfo, drop_database, ensure_database, timed  # noqa: E402

TARGET_ENTERPRISES = 200_000
TARGET_HAZARDS = 5_000_000
TARGETS_P95 = {"city": 50.0, "district": 50.0, "street": 30.0}  # ms, issue 11 item 4
COPY_BATCH = 500_000  # rows per COPY transaction (an interrupted load keeps whole batches)
INDEX_STATE = ROOT / "var" / "bench-clearing-indexes.json"
SCOPES = [("city", "admin"), ("district", "yp_yjj"), ("street", "yp_street")]
STREET_CODE = "310110016"  # 殷行街道, 杨浦区
DEADLINE_STATES = ("registered", "rectifying", "awaiting_acceptance")


def log(message: str = "") -> None:
    print(message, flush=True)


# --- 1. data ------------------------------------------------------------------------------
@dataclass
class Phase:
    name: str
    seconds: float
    rows: int | None = None

    def __str__(self) -> str:
        rate = f"（{self.rows / self.seconds:,.0f} 行/秒）" if self.rows and self.seconds else ""
        count = f"{self.rows:,} 行 " if self.rows else ""
        return f"{self.name}: {count}{self.seconds:.1f} s{rate}"


PHASES: list[Phase] = []


def phase(name: str, seconds: float, rows: int | None = None) -> None:
    PHASES.append(Phase(name, seconds, rows))
    log(f"  {PHASES[-1]}")


def ensure_enterprises(url: str, target: int) -> None:
    from django.core.management import call_command

    from anjian.enterprises.models import Enterprise

    name = urlparse_name(url)
    existing = Enterprise.objects.count()
    if 0 < existing < target:
        log(f"单位库只有 {existing:,} 家（不足 {target:,}），重建数据库 {name}")
        drop_database(url, name)
        call_command("migrate", interactive=False, verbosity=0)
        existing = 0
    if existing == 0:
        log(f"生成 {target:,} 家单位：anjian demo --enterprises {target} --no-progress")
        started = time.perf_counter()
        call_command("demo", enterprises=target, no_progress=True, verbosity=0)
        phase("anjian demo（单位库）", time.perf_counter() - started, target)
    else:
        log(f"单位库已有 {existing:,} 家，跳过生成")


def urlparse_name(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).path.lstrip("/")


def ensure_users() -> None:
    """The three scopes' users; ``anjian demo`` makes them, a partial database may not."""
    from anjian.accounts.models import User
    from anjian.accounts.roles import Role
    from anjian.accounts.services import user_create_basic
    from anjian.regions.models import Department, Region
    from anjian.web.management.commands.demo import DEFAULT_PASSWORD

    district = Region.objects.get(code="310110")
    specs = [
        ("yp_yjj", "王建国", Role.SUPERVISOR, district, "杨浦区应急管理局"),
        ("yp_street", "陈静", Role.STREET, Region.objects.get(code=STREET_CODE), None),
    ]
    for username, name, role, region, department in specs:
        user = User.objects.filter(username=username).first()
        if user is None:
            log(f"创建用户 {username}（{region.name}）")
            user_create_basic(
                username=username,
                name=name,
                phone="",
                role=role,
                password=DEFAULT_PASSWORD,
                region=region,
                department=department and Department.objects.get(region=district, name=department),
                is_demo=True,
            )
        elif user.region_id != region.code or user.role != role:
            sys.exit(
                f"用户 {username} 存在但不是 {role}@{region.code}"
                f"（现为 {user.role}@{user.region_id}）"
            )


def constraint_free_indexes(cursor) -> list[tuple[str, str]]:
    """The hazard table's indexes that back no constraint (pkey, unique number stay)."""
    cursor.execute(
        """SELECT c.relname, pg_get_indexdef(i.indexrelid)
             FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = 'hazards_hazard'::regclass
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
            ORDER BY 1"""
    )
    return cursor.fetchall()


def restore_indexes(conn, definitions: list[tuple[str, str]]) -> None:
    with conn.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        present = {name for name, _ in constraint_free_indexes(cursor)}
        conn.commit()
        total_started = time.perf_counter()
        for name, definition in definitions:
            if name in present:
                continue
            started = time.perf_counter()
            cursor.execute(definition)
            conn.commit()
            log(f"    {name}: {time.perf_counter() - started:.1f} s")
        phase(f"重建 {len(definitions)} 个二级索引", time.perf_counter() - total_started, None)
    INDEX_STATE.unlink(missing_ok=True)


def restore_pending_indexes(url: str) -> None:
    """An earlier load was interrupted after dropping the indexes: put them back first."""
    if not INDEX_STATE.exists():
        return
    definitions = [tuple(d) for d in json.loads(INDEX_STATE.read_text())]
    log(f"上次装载中断：按 {INDEX_STATE} 恢复 {len(definitions)} 个索引")
    with psycopg.connect(_conninfo(url)) as conn:
        restore_indexes(conn, definitions)


def build(url: str, args) -> None:
    import django
    from django.core.management import call_command

    ensure_database(url)
    django.setup()
    from django.db import connection

    from anjian.hazards import tally
    from anjian.hazards.models import HazardOpenTally, HazardTally

    log("准备数据：")
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    phase("migrate", time.perf_counter() - started)
    ensure_enterprises(url, args.enterprises)
    ensure_users()
    restore_pending_indexes(url)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM hazards_hazard")
        existing = cursor.fetchone()[0]
    loaded = 0
    if existing < args.hazards:
        loaded = load_hazards(url, args.hazards - existing, existing)
    else:
        log(f"隐患台账已有 {existing:,} 条（≥ {args.hazards:,}），跳过生成")
    kept = HazardTally.objects.exists() and HazardOpenTally.objects.exists()
    if loaded or args.rebuild_tally or not kept:
        started = time.perf_counter()
        rows = tally.rebuild()
        took = time.perf_counter() - started
        phase(
            f"tally.rebuild()（{existing + loaded:,} 条隐患 → {rows:,} 行汇总，"
            f"{HazardOpenTally.objects.count():,} 行未销号期限汇总）",
            took,
            existing + loaded,
        )
    else:
        log(f"汇总表已有 {HazardTally.objects.count():,} 行，沿用（精确性在测量时核对）")
    # As every night does (prune_open_tally): past deadlines folded into one row each.
    started = time.perf_counter()
    removed = tally.prune_open()
    phase(
        f"每夜整理未销号期限汇总（tally.prune_open：并入已过期 {removed:,} 行，"
        f"余 {HazardOpenTally.objects.count():,} 行）",
        time.perf_counter() - started,
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    phase("VACUUM (ANALYZE)", time.perf_counter() - started)


# The generated ledger ------------------------------------------------------------------------
COLUMNS = [
    "id",
    "number",
    "scope_region_code",
    "source",
    "source_id",
    "title",
    "description",
    "location",
    "latitude",
    "longitude",
    "category",
    "found_at",
    "found_month",
    "grade",
    "state",
    "version",
    "deadline",
    "owner_name",
    "owner_phone",
    "measures",
    "funds",
    "contingency_plan",
    "interim_measures",
    "registered_at",
    "rectification_note",
    "submitted_at",
    "acceptance_note",
    "closed_at",
    "days_to_close",
    "closed_on_time",
    "fixed_on_spot",
    "void_reason",
    "escalation_level",
    "reminded_for",
    "search_document",
    "search_tokens",
    "created_at",
    "updated_at",
    "accepted_by_id",
    "enterprise_id",
    "industry_id",
    "merged_into_id",
    "reported_by_id",
    "source_type_id",
]

SOURCE_MIX = [
    ("self_check", 0.55),
    ("inspection", 0.15),
    ("patrol", 0.15),
    ("tipoff", 0.05),
    ("alarm", 0.05),
    ("other", 0.05),
]
P_CLOSED, P_VOID, P_MAJOR = 0.88, 0.02, 0.03
OPEN_MIX = [("reported", 0.20), ("registered", 0.25), ("rectifying", 0.35)]  # rest: awaiting
P_ON_SPOT = 0.20  # of closed general hazards: 即查即改
P_ON_TIME = 0.92  # of the other closed hazards
DEADLINE_DAYS = (7, 15, 15, 30, 30, 60)
MAJOR_DEADLINE_DAYS = (30, 60, 90)
HISTORY_DAYS = 730

TEXTS = [
    ("配电箱门未关闭", "车间配电箱门敞开，内部线路裸露"),
    ("消防通道堵塞", "货物堆放占用疏散通道，宽度不足"),
    ("灭火器压力不足", "部分灭火器压力表指针位于红区"),
    ("安全出口指示灯损坏", "应急照明及疏散指示标志不亮"),
    ("有限空间作业未审批", "污水池清淤作业未办理作业审批"),
    ("危化品仓库通风不良", "仓库机械通风设施停用，气味明显"),
    ("叉车司机无证操作", "现场叉车操作人员未取得特种作业证"),
    ("临边防护栏缺失", "二层平台临边未设置防护栏杆"),
    ("应急预案未演练", "本年度未组织综合应急预案演练"),
    ("粉尘清扫不及时", "除尘管道及地面积尘较厚"),
    ("燃气管道锈蚀", "厨房燃气管道外表面锈蚀严重"),
    ("特种设备超期未检", "电梯定期检验已超期"),
    ("员工未佩戴防护用品", "打磨作业人员未佩戴防尘口罩"),
    ("安全培训记录缺失", "新员工三级安全教育记录不全"),
    ("电线私拉乱接", "办公区插线板串接使用"),
    ("气瓶未固定", "乙炔气瓶未设防倾倒措施"),
]
LOCATIONS = [
    "一号车间",
    "二号车间东侧",
    "成品仓库",
    "配电房",
    "办公楼三层",
    "厨房操作间",
    "锅炉房",
    "屋面",
    "地下车库",
    "危化品仓库",
]
VOID_REASONS = ["误报，经核实不构成隐患", "与已登记隐患重复"]
OWNERS = ["李四", "王芳", "张伟", "刘强", "陈军"]
NULL = r"\N"
TIMES = [f" {t // 3600:02d}:{t // 60 % 60:02d}:{t % 60:02d}+08" for t in range(86400)]


def _day_tables(today: date) -> tuple[dict, dict]:
    """Local day ordinal → 'YYYY-MM-DD' and → 'YYYY-MM-01' (found_month)."""
    days, months = {}, {}
    for offset in range(-HISTORY_DAYS - 10, 200):
        d = today + timedelta(days=offset)
        days[d.toordinal()] = d.isoformat()
        months[d.toordinal()] = d.replace(day=1).isoformat()
    return days, months


def hazard_lines(rng, count, first_id, enterprises, cum_weights, admin_id, today):
    """``count`` COPY text lines: hazards in every state, their facts mutually consistent.

    All times are local (+08) working hours, at the latest yesterday; found_month is the
    first of the local month found, as ``Hazard.refresh_derived_fields`` computes it.
    """
    days, months = _day_tables(today)
    today_o = today.toordinal()
    random_ = rng.random

    def randint(lo: int, hi: int) -> int:  # random.randint is most of the time otherwise
        return lo + int(random_() * (hi - lo + 1))

    def choice(seq):
        return seq[int(random_() * len(seq))]

    expo = rng.expovariate
    source_names = [s for s, _ in SOURCE_MIX]
    source_cum = []
    acc = 0.0
    for _, p in SOURCE_MIX:
        acc += p
        source_cum.append(acc)
    open_cum = []
    acc = 0.0
    for _, p in OPEN_MIX:
        acc += p
        open_cum.append(acc)
    source_total = source_cum[-1]
    open_share = 1 - P_CLOSED - P_VOID
    picks = rng.choices(range(len(enterprises)), cum_weights=cum_weights, k=count)
    admin = str(admin_id)

    def ts(day_o: int, lo: int, hi: int) -> str:
        return days[day_o] + TIMES[lo + int(random_() * (hi - lo))]

    lines = []
    for n in range(count):
        hid = first_id + n
        ent_id, scope, industry, lat, lon = enterprises[picks[n]]
        title, description = TEXTS[int(random_() * len(TEXTS))]
        location = LOCATIONS[int(random_() * len(LOCATIONS))]
        source = source_names[bisect.bisect(source_cum, random_() * source_total)]
        u = random_()
        if u < P_CLOSED:
            state = "closed"
        elif u < P_CLOSED + P_VOID:
            state = "void"
        else:
            state = ("reported", "registered", "rectifying", "awaiting_acceptance")[
                bisect.bisect(open_cum, (u - P_CLOSED - P_VOID) / open_share)
            ]
        major = state != "void" and random_() < P_MAJOR
        category = ("", "1", "2", "3", "4")[int(random_() * 5)]
        # Found: closed and void ones over the whole history; open ones mostly recent,
        # a few stubborn ones (5%) from any time (those are the long overdue).
        if state in ("closed", "void"):
            age = randint(1, HISTORY_DAYS)
        elif state == "reported":
            age = 1 + min(HISTORY_DAYS - 1, int(expo(1 / 4)))
        elif random_() < 0.05:
            age = randint(1, HISTORY_DAYS)
        else:
            age = 1 + min(HISTORY_DAYS - 1, int(expo(1 / 12)))
        found_o = today_o - age
        found_at = ts(found_o, 8 * 3600, 11 * 3600)
        grade = "major" if major else ("" if state in ("reported", "void") else "general")
        deadline = funds = accepted_by = NULL
        registered_at = submitted_at = closed_at = days_to_close = on_time = NULL
        owner = phone = measures = plan = interim = rect_note = accept_note = void_reason = ""
        on_spot = "f"
        escalation = "0"
        updated_at = found_at
        if state == "void":
            void_reason = choice(VOID_REASONS)
            updated_at = ts(min(found_o + randint(0, 5), today_o - 1), 16 * 3600, 18 * 3600)
        elif state == "closed" and not major and random_() < P_ON_SPOT:
            on_spot = "t"
            rect_note = "现场立即整改完毕"
            registered_at = closed_at = updated_at = ts(found_o, 11 * 3600, 12 * 3600)
            days_to_close = "0"
            on_time = "t"
            accepted_by = admin
        elif state != "reported":
            span = choice(MAJOR_DEADLINE_DAYS if major else DEADLINE_DAYS)
            deadline_o = found_o + span
            deadline = days[deadline_o]
            reg_o = min(found_o + randint(0, 2), today_o - 1)
            registered_at = ts(reg_o, 11 * 3600, 13 * 3600)
            owner = choice(OWNERS)
            phone = f"1380013{randint(0, 9999):04d}"
            measures = "落实整改措施，明确责任人和完成时限"
            if major:
                funds = f"{randint(5, 200)}.00"
                plan = "启动专项应急处置方案"
                interim = "设置警戒区，停用相关设备并专人看护"
            updated_at = registered_at
            if state == "closed":
                if random_() < P_ON_TIME:
                    close_o = found_o + randint(1, span)
                else:
                    close_o = deadline_o + randint(1, 45)
                close_o = max(reg_o, min(close_o, today_o - 1))
                sub_o = max(reg_o, close_o - randint(0, 2))
                rect_note = "已按整改措施完成整改"
                submitted_at = ts(sub_o, 13 * 3600, 16 * 3600)
                closed_at = updated_at = ts(close_o, 16 * 3600, 18 * 3600)
                accept_note = "整改到位，同意销号"
                accepted_by = admin
                days_to_close = str(close_o - found_o)
                on_time = "t" if close_o <= deadline_o else "f"
            else:
                if state == "awaiting_acceptance":
                    sub_o = max(reg_o, today_o - 1 - randint(0, 5))
                    rect_note = "已按整改措施完成整改"
                    submitted_at = updated_at = ts(sub_o, 13 * 3600, 16 * 3600)
                if deadline_o < today_o:  # overdue: the sweep has climbed the ladder
                    escalation = str(min(3, 1 + (today_o - deadline_o) // 7))
        lines.append(
            "\t".join(
                (
                    str(hid),
                    f"YH{days[found_o][:4]}{hid:08d}",
                    scope,
                    source,
                    NULL,
                    title,
                    description,
                    location,
                    lat,
                    lon,
                    category,
                    found_at,
                    months[found_o],
                    grade,
                    state,
                    "1",
                    deadline,
                    owner,
                    phone,
                    measures,
                    funds,
                    plan,
                    interim,
                    registered_at,
                    rect_note,
                    submitted_at,
                    accept_note,
                    closed_at,
                    days_to_close,
                    on_time,
                    on_spot,
                    void_reason,
                    escalation,
                    NULL,
                    "",
                    "",
                    found_at,
                    updated_at,
                    accepted_by,
                    str(ent_id),
                    str(industry),
                    NULL,
                    admin,
                    NULL,
                )
            )
            + "\n"
        )
    return lines


def load_hazards(url: str, count: int, existing: int) -> int:
    """COPY ``count`` generated hazards into hazards_hazard; returns the rows loaded."""
    from django.utils import timezone

    today = timezone.localdate()
    log(f"生成 {count:,} 条隐患（已有 {existing:,}）：COPY → hazards_hazard")
    conn = psycopg.connect(_conninfo(url))
    cursor = conn.cursor()
    cursor.execute(
        "SELECT id, scope_region_code, industry_id, latitude, longitude, status,"
        " industry_id IN (SELECT id FROM regions_industry"
        "                  WHERE code IN ('hazchem', 'construction', 'gas', 'metallurgy'))"
        " FROM enterprises_enterprise ORDER BY id"
    )
    rng = random.Random(2026 + existing)
    enterprises, weights = [], []
    for ent_id, scope, industry, lat, lon, status, risky in cursor.fetchall():
        enterprises.append(
            (
                ent_id,
                scope,
                industry,
                NULL if lat is None else str(lat),
                NULL if lon is None else str(lon),
            )
        )
        # Hazards per enterprise vary (gamma, mean 1); higher-risk industries find more,
        # closed and deregistered enterprises far fewer.
        weight = rng.gammavariate(2.0, 0.5) * (1.6 if risky else 1.0)
        weights.append(weight * (0.2 if status in ("closed", "deregistered") else 1.0))
    cum_weights = list(_accumulate(weights))
    cursor.execute("SELECT id FROM accounts_user WHERE username = 'admin'")
    admin_id = cursor.fetchone()[0]
    cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM hazards_hazard")
    first_id = cursor.fetchone()[0]
    conn.commit()

    drop = count >= max(100_000, existing // 2)
    definitions: list[tuple[str, str]] = []
    if drop:
        started = time.perf_counter()
        definitions = constraint_free_indexes(cursor)
        INDEX_STATE.parent.mkdir(parents=True, exist_ok=True)
        INDEX_STATE.write_text(json.dumps(definitions, ensure_ascii=False, indent=1))
        for name, _ in definitions:
            cursor.execute(f'DROP INDEX "{name}"')
        conn.commit()
        phase(
            f"删除 {len(definitions)} 个二级索引（定义存于 {INDEX_STATE.name}）",
            time.perf_counter() - started,
        )
    loaded = 0
    generate_s = 0.0
    try:
        # FK triggers off for this session (superuser): the keys are valid by
        # construction and are checked in bulk below, not 4 lookups + locks per row.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET synchronous_commit = off")
        copy_sql = f"COPY hazards_hazard ({', '.join(COLUMNS)}) FROM STDIN"
        started = time.perf_counter()
        while loaded < count:
            batch = min(COPY_BATCH, count - loaded)
            with cursor.copy(copy_sql) as copy:
                done = 0
                while done < batch:
                    chunk = min(20_000, batch - done)
                    g0 = time.perf_counter()
                    lines = hazard_lines(
                        rng,
                        chunk,
                        first_id + loaded + done,
                        enterprises,
                        cum_weights,
                        admin_id,
                        today,
                    )
                    generate_s += time.perf_counter() - g0
                    copy.write("".join(lines))
                    done += chunk
            conn.commit()
            loaded += batch
            took = time.perf_counter() - started
            log(f"    {loaded:,}/{count:,}  {took:.0f} s  {loaded / took:,.0f} 行/秒")
        took = time.perf_counter() - started
        phase("COPY（含 Python 生成）", took, loaded)
        log(f"    其中 Python 生成行 {generate_s:.1f} s（与服务器写入并行）")
        cursor.execute("SET session_replication_role = DEFAULT")
        conn.commit()
    finally:
        conn.rollback()
        if definitions:
            restore_indexes(conn, definitions)
    started = time.perf_counter()
    checks = {
        "enterprise_id": "enterprises_enterprise",
        "industry_id": "regions_industry",
        "reported_by_id": "accounts_user",
        "accepted_by_id": "accounts_user",
    }
    for column, table in checks.items():
        cursor.execute(
            f"SELECT count(*) FROM hazards_hazard h WHERE h.id >= %s AND h.{column} IS NOT NULL"
            f" AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.id = h.{column})",
            [first_id],
        )
        broken = cursor.fetchone()[0]
        if broken:
            sys.exit(f"外键检查失败：{broken} 行 hazards_hazard.{column} 在 {table} 中不存在")
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence('hazards_hazard', 'id'), max(id)) FROM hazards_hazard"
    )
    conn.commit()
    phase("外键批量核对 + 序列", time.perf_counter() - started)
    cursor.execute(
        "SELECT state, count(*), count(*) FILTER (WHERE grade = 'major'),"
        " count(*) FILTER (WHERE deadline < %s AND state = ANY(%s)) FROM hazards_hazard"
        " GROUP BY 1 ORDER BY 2 DESC",
        [today, list(DEADLINE_STATES)],
    )
    total = existing + loaded
    log(
        "    状态分布："
        + "；".join(
            f"{s} {n:,}（{100 * n / total:.1f}%，重大 {m:,}{f'，逾期 {o:,}' if o else ''}）"
            for s, n, m, o in cursor.fetchall()
        )
    )
    conn.close()
    return loaded


def _accumulate(values):
    total = 0.0
    for v in values:
        total += v
        yield total


# --- 2./3. figures ---------------------------------------------------------------------------
@dataclass
class Scenario:
    scope: str
    username: str
    period: str
    page: Stats | None = None
    selectors: Stats | None = None
    raw: Stats | None = None
    page_q: int = 0
    selectors_q: int = 0
    raw_q: int = 0
    found: int = 0
    notes: list[str] = field(default_factory=list)

    def ratio(self, app: Stats) -> float:
        return self.raw.pct(50) / app.pct(50)


def figure_keys() -> list[str]:
    from anjian.hazards.models import COUNTERS
    from anjian.hazards.selectors import CURRENT

    return [*COUNTERS, *CURRENT, "overdue", "overdue_major", "due_soon"]


OPEN_STATES_SQL = "state IN ('reported', 'registered', 'rectifying', 'awaiting_acceptance')"
# Per month found, "open" is found that month and open now (the trend's 未销号 line).
MONTH_OPEN_KEYS = ("open_in_period", "major_open_in_period")


def raw_aggregates(period: str, today: date, soon: date) -> list[tuple[str, str]]:
    """The figures as SQL aggregates. The counters cover hazards found in the period; the
    deadline counts are current (every open hazard past its deadline now, whenever found),
    as the page states and ``clearing._deadline_rows`` computes."""
    from anjian.hazards.choices import Source

    open_ = "state IN ('registered', 'rectifying', 'awaiting_acceptance')"
    valid, closed = f"{period} AND state <> 'void'", f"{period} AND state = 'closed'"
    aggs = [
        ("found", f"count(*) FILTER (WHERE {valid})"),
        ("voided", f"count(*) FILTER (WHERE {period} AND state = 'void')"),
        ("registered", f"count(*) FILTER (WHERE {valid} AND state <> 'reported')"),
        ("closed", f"count(*) FILTER (WHERE {closed})"),
        ("closed_on_time", f"count(*) FILTER (WHERE {closed} AND closed_on_time)"),
        ("close_days", f"coalesce(sum(days_to_close) FILTER (WHERE {closed}), 0)"),
        ("major", f"count(*) FILTER (WHERE {valid} AND grade = 'major')"),
        ("major_closed", f"count(*) FILTER (WHERE {closed} AND grade = 'major')"),
        ("on_spot", f"count(*) FILTER (WHERE {valid} AND fixed_on_spot)"),
    ]
    for s in Source.values:
        aggs.append((f"found_{s}", f"count(*) FILTER (WHERE {valid} AND source = '{s}')"))
    for s in Source.values:
        aggs.append((f"closed_{s}", f"count(*) FILTER (WHERE {closed} AND source = '{s}')"))
    aggs += [
        ("open_now", f"count(*) FILTER (WHERE {OPEN_STATES_SQL})"),
        ("major_open_now", f"count(*) FILTER (WHERE {OPEN_STATES_SQL} AND grade = 'major')"),
        ("overdue", f"count(*) FILTER (WHERE {open_} AND deadline < '{today}')"),
        (
            "overdue_major",
            f"count(*) FILTER (WHERE {open_} AND deadline < '{today}' AND grade = 'major')",
        ),
        (
            "due_soon",
            f"count(*) FILTER (WHERE {open_} AND deadline BETWEEN '{today}' AND '{soon}')",
        ),
        ("open_in_period", f"count(*) FILTER (WHERE {period} AND {OPEN_STATES_SQL})"),
        (
            "major_open_in_period",
            f"count(*) FILTER (WHERE {period} AND {OPEN_STATES_SQL} AND grade = 'major')",
        ),
    ]
    return aggs


DEADLINE_KEYS = ("overdue", "overdue_major", "due_soon")


class RawFigures:
    """The page's figures as hand-written SQL over hazards_hazard (no summary table).

    What the page shows: totals; per district or street and per industry the counters of
    the period and the current overdue counts; per month found the counters only (no
    overdue per month). A breakdown lists the groups with hazards found (or voided) in the
    period.
    """

    def __init__(self, cursor, user, filters, region_group: str, mode: str):
        from django.utils import timezone

        from anjian.hazards.filters import DUE_SOON_DAYS

        today = timezone.localdate()
        soon = today + timedelta(days=DUE_SOON_DAYS)
        self.cursor = cursor
        self.keys = figure_keys()
        months = []
        if filters.month_from:
            months.append(f"found_month >= '{filters.month_from}'")
        if filters.month_to:
            months.append(f"found_month <= '{filters.month_to}'")
        period = " AND ".join(months) or "true"
        aggs = raw_aggregates(f"({period})", today, soon)
        self.columns = [k for k, _ in aggs]
        assert self.columns == [*self.keys, *MONTH_OPEN_KEYS]
        select = ",\n       ".join(f"{expr} AS {key}" for key, expr in aggs)
        where = []
        scope = user.scope
        if not scope.everything:
            where.append(f"scope_region_code LIKE '{scope.region_prefix}%'")
            if scope.industry_ids is not None:
                where.append(f"industry_id IN ({', '.join(map(str, sorted(scope.industry_ids)))})")
        if months:
            # Open hazards found before the period still count in the current figures.
            where.append(f"({period} OR {OPEN_STATES_SQL})")
        where_sql = f"\n WHERE {' AND '.join(where)}" if where else ""
        length = 6 if region_group == "district" else 9
        groups = {
            "region": f"substr(scope_region_code, 1, {length})",
            "industry": "industry_id",
            "month": "found_month",
        }
        if mode == "grouping-sets":
            exprs = ", ".join(groups.values())
            sets = ", ".join(f"({e})" for e in groups.values())
            self.statements = [
                (
                    None,
                    f"SELECT GROUPING({exprs}), {exprs},\n       {select}\n  FROM hazards_hazard"
                    f"{where_sql}\n GROUP BY GROUPING SETS ((), {sets})",
                )
            ]
        else:
            self.statements = [("total", f"SELECT {select}\n  FROM hazards_hazard{where_sql}")]
            for kind, expr in groups.items():
                self.statements.append(
                    (
                        kind,
                        f"SELECT {expr},\n       {select}\n  FROM hazards_hazard{where_sql}"
                        f"\n GROUP BY 1",
                    )
                )

    # GROUPING(region, industry, month) bits: 1 = aggregated over.
    _SETS = {7: "total", 3: "region", 5: "industry", 6: "month"}

    def __call__(self) -> dict:
        result = {}
        for kind, statement in self.statements:
            self.cursor.execute(statement)
            for row in self.cursor.fetchall():
                if kind is None:
                    grouping, region, industry, month, *values = row
                    which = self._SETS[grouping]
                    key = {"total": "", "region": region, "industry": industry, "month": month}[
                        which
                    ]
                elif kind == "total":
                    which, key, values = "total", "", row
                else:
                    which, key, values = kind, row[0], row[1:]
                figures = dict(zip(self.columns, (int(v or 0) for v in values), strict=True))
                in_period = [figures.pop(key) for key in MONTH_OPEN_KEYS]
                if which == "month":
                    figures["open_now"], figures["major_open_now"] = in_period
                shown = figures["found"] or figures["voided"] or figures["open_now"]
                if which != "total" and not shown:
                    continue  # nothing found in the period, nothing open: no such row
                if which == "month":
                    figures.update(dict.fromkeys(DEADLINE_KEYS, 0))
                result[(which, "" if key is None else str(key))] = figures
        return result


def app_figures(username: str, filters, region_group: str):
    """What the page computes (``figures_page.figures_context``): one ``ClearingReport``,
    its totals and the three breakdowns the page shows."""
    from anjian.accounts.models import User
    from anjian.hazards import selectors

    # A fresh user per call, as each request has one (the scope is cached on it).
    user = User.objects.get(username=username)
    report = selectors.ClearingReport(user, filters)
    figures = report.figures()
    breakdowns = {
        "region": report.breakdown(region_group),
        "industry": report.breakdown("industry"),
        "month": report.breakdown("month"),
    }
    return figures, breakdowns


def normalise(figures, breakdowns) -> dict:
    from anjian.hazards.selectors import BREAKDOWN_COUNTERS, CURRENT

    keys = figure_keys()

    def values(f) -> dict:
        # A region or industry row carries what its table shows (BREAKDOWN_COUNTERS and the
        # current figures); totals and months carry every counter.
        counters = {c: int(f.counters[c] or 0) for c in keys[:-3] if c in f.counters}
        assert {*BREAKDOWN_COUNTERS, *CURRENT} <= set(counters), counters
        return {
            **counters,
            "overdue": f.overdue,
            "overdue_major": f.overdue_major,
            "due_soon": f.due_soon,
        }

    result = {("total", ""): values(figures)}
    for kind, rows in breakdowns.items():
        for f in rows:
            result[(kind, f.key)] = values(f)
    return result


def differences(app: dict, raw: dict) -> list[str]:
    problems = []
    for key in sorted(set(app) | set(raw), key=str):
        a, r = app.get(key), raw.get(key)
        if a is None or r is None:
            problems.append(
                f"{key}: app {'无' if a is None else '有'}，raw {'无' if r is None else '有'}"
            )
            continue
        for name in a:
            if a[name] != r[name]:
                problems.append(f"{key} {name}: app {a[name]} ≠ raw {r[name]}")
    return problems


# The big number of each figure card: the first "h1/h2 mb-0" element after its data-figure.
PAGE_FIGURE = re.compile(
    r'data-figure="(\w+)".*?class="[^"]*\bh[12] mb-0[^"]*"[^>]*>([^<]*)<', re.DOTALL
)


def page_figures(content: bytes) -> dict[str, str]:
    return dict(PAGE_FIGURE.findall(content.decode()))


def check_page(label: str, content: bytes, raw_total: dict) -> None:
    shown = page_figures(content)
    expected = {
        "found": raw_total["found"],
        "open": raw_total["open_now"],  # current figures: whenever found
        "major_open": raw_total["major_open_now"],
        "overdue": raw_total["overdue"],
    }
    for name, value in expected.items():
        if name not in shown:
            sys.exit(f"{label}: 页面上没有 data-figure={name}")
        if int(shown[name].replace(",", "")) != value:
            sys.exit(f"{label}: 页面显示 {name}={shown[name]}，raw SQL {value}")


def scope_setup(username: str, period: str, cursor, raw_mode: str):
    from django.utils import timezone

    from anjian.accounts.models import User
    from anjian.hazards import figures_page, selectors

    user = User.objects.get(username=username)
    month_from, month_to = figures_page.period_months(period, timezone.localdate())
    filters = selectors.FigureFilters(month_from=month_from, month_to=month_to)
    scope = user.scope
    region_group = (
        "district" if (scope.everything or len(scope.region_prefix or "") < 6) else "street"
    )
    raw = RawFigures(cursor, user, filters, region_group, raw_mode)
    return user, filters, region_group, raw


def count_queries(fn) -> tuple[int, list[str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries), [q["sql"] for q in captured.captured_queries]


def explain(cursor, statements: list[str], title: str) -> None:
    log(f"\n=== EXPLAIN (ANALYZE, BUFFERS) {title}")
    for statement in statements:
        if "hazards_" not in statement or not statement.lstrip().startswith("SELECT"):
            continue
        log(f"--- {statement[:600]}{' …' if len(statement) > 600 else ''}")
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}")
        for (line,) in cursor.fetchall():
            log(f"    {line}")


def measure_scope(scenario: Scenario, client, cursor, args) -> None:
    label = f"{scenario.scope} {scenario.username} {scenario.period}"
    _, filters, region_group, raw_fn = scope_setup(
        scenario.username, scenario.period, cursor, args.raw
    )
    url = "/hazards/figures/" + ("" if scenario.period == "year" else f"?period={scenario.period}")

    def page_fn():
        response = client.get(url)
        if response.status_code != 200:
            sys.exit(f"{label}: HTTP {response.status_code}\n{response.content[:500]!r}")
        return response

    def selectors_fn():
        return app_figures(scenario.username, filters, region_group)

    # Counted on the second request, as a user's next page: the session write of the first
    # and the pickers' first read (cached after it, core/caching.py) are not every page's.
    page_fn()
    scenario.page_q, _ = count_queries(page_fn)
    scenario.selectors_q, selectors_sql = count_queries(selectors_fn)
    scenario.raw_q = len(raw_fn.statements)
    if args.explain:
        explain(cursor, selectors_sql, f"{label}: selectors（页面的数字查询）")
        explain(cursor, [s for _, s in raw_fn.statements], f"{label}: raw SQL")
    for _ in range(args.warmup):
        page_fn()
        selectors_fn()
    raw_warm, raw_result = timed(raw_fn)
    raw_n = max(args.raw_min, min(args.requests, int(args.raw_budget * 1000 / max(raw_warm, 1.0))))
    raw_n = min(raw_n, args.requests)
    every = args.requests / raw_n
    raw_at = {int(i * every) for i in range(raw_n)}
    pages, sels, raws = [], [], []
    page_result = selectors_result = None
    for i in range(args.requests):
        ms, page_result = timed(page_fn)
        pages.append(ms)
        ms, selectors_result = timed(selectors_fn)
        sels.append(ms)
        if i in raw_at:
            ms, raw_result = timed(raw_fn)
            raws.append(ms)
    scenario.page, scenario.selectors, scenario.raw = Stats(pages), Stats(sels), Stats(raws)
    problems = differences(normalise(*selectors_result), raw_result)
    if problems:
        sys.exit(f"{label}: 应用的数字与 raw SQL 不一致：\n  " + "\n  ".join(problems[:20]))
    check_page(label, page_result.content, raw_result[("total", "")])
    scenario.found = raw_result[("total", "")]["found"]
    if len(raws) < args.requests:
        scenario.notes.append(f"raw n={len(raws)}")


def verify(cursor, args, when: str) -> int:
    """App figures == raw SQL for every scope and period; returns the groups compared."""
    compared = 0
    for _, username in SCOPES:
        for period in args.periods:
            _, filters, region_group, raw_fn = scope_setup(username, period, cursor, args.raw)
            problems = differences(
                normalise(*app_figures(username, filters, region_group)), raw_fn()
            )
            if problems:
                sys.exit(
                    f"{when}：{username} {period} 的数字与 raw SQL 不一致：\n  "
                    + "\n  ".join(problems[:20])
                )
            compared += 1
    return compared


# --- 4. cost per transition --------------------------------------------------------------------
@dataclass
class TransitionCost:
    name: str
    with_tally: list[float] = field(default_factory=list)
    without: list[float] = field(default_factory=list)
    apply_inside: list[float] = field(default_factory=list)  # tally.apply within "with"
    apply_alone: list[float] = field(default_factory=list)  # deferred calls, one each
    queries_with: int = 0
    queries_without: int = 0


def jpeg_bytes() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (64, 48), (40, 160, 60)).save(buffer, "JPEG")
    return buffer.getvalue()


def measure_transitions(cursor, count: int) -> list[TransitionCost]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from django.utils import timezone

    from anjian.accounts.models import User
    from anjian.hazards import services
    from anjian.hazards import tally as tally_module

    admin = User.objects.get(username="admin")
    deadline = timezone.localdate() + timedelta(days=15)
    jpeg = jpeg_bytes()

    def register(hazard_id, grade):
        extra = {}
        if grade == "major":
            extra = {
                "funds": 20,
                "contingency_plan": "启动专项应急处置方案",
                "interim_measures": "设置警戒区，专人看护",
            }
        services.hazard_register(
            by=admin,
            hazard_id=hazard_id,
            expected_version=None,
            grade="major" if grade == "major" else "general",
            deadline=deadline,
            owner_name="李四",
            owner_phone="13800138000",
            measures="更换门锁，整理线路并加装防护罩",
            **extra,
        )

    def start(hazard_id, grade):
        services.hazard_start(by=admin, hazard_id=hazard_id, expected_version=None)

    def submit(hazard_id, grade):
        services.hazard_submit(
            by=admin,
            hazard_id=hazard_id,
            expected_version=None,
            rectification_note="已完成整改",
            photos=[SimpleUploadedFile("整改后.jpg", jpeg, content_type="image/jpeg")],
        )

    def accept(hazard_id, grade):
        services.hazard_accept(
            by=admin,
            hazard_id=hazard_id,
            expected_version=None,
            acceptance_note="整改到位，同意销号",
        )

    kinds = [
        ("上账 register", "reported", register),
        ("开始整改 start", "registered", start),
        ("提请验收 submit", "rectifying", submit),
        ("验收销号 accept", "awaiting_acceptance", accept),
    ]
    per_kind = max(2, count // len(kinds))  # per variant
    real_apply = tally_module.apply
    state = {"defer": False, "cost": None}
    deferred: list[tuple] = []

    def apply(before, after):
        if state["defer"]:
            deferred.append((before, after))
            return
        started = time.perf_counter()
        real_apply(before, after)
        if state["cost"] is not None:
            state["cost"].apply_inside.append((time.perf_counter() - started) * 1000)

    results = []
    tally_module.apply = apply
    try:
        for name, source_state, fn in kinds:
            cursor.execute(
                "SELECT id, grade FROM hazards_hazard WHERE state = %s ORDER BY random() LIMIT %s",
                [source_state, 2 * per_kind + 2],
            )
            picked = cursor.fetchall()
            if len(picked) < 2 * per_kind + 2:
                sys.exit(
                    f"{name}: 只有 {len(picked)} 条 {source_state} 隐患，不足 {2 * per_kind + 2}"
                )
            cost = TransitionCost(name)
            # One of each variant with the queries counted (untimed).
            state["defer"] = False
            cost.queries_with, _ = count_queries(lambda h=picked[0], fn=fn: fn(*h))
            state["defer"] = True
            cost.queries_without, _ = count_queries(lambda h=picked[1], fn=fn: fn(*h))
            for i, (hazard_id, grade) in enumerate(picked[2:]):
                with_tally = i % 2 == 0
                state["defer"] = not with_tally
                state["cost"] = cost if with_tally else None
                ms, _ = timed(lambda h=hazard_id, g=grade, fn=fn: fn(h, g))
                (cost.with_tally if with_tally else cost.without).append(ms)
            state["defer"] = False
            state["cost"] = None
            # The deferred tally changes, one call each (timed without its commit).
            for before, after in deferred:
                with transaction.atomic():
                    started = time.perf_counter()
                    real_apply(before, after)
                    cost.apply_alone.append((time.perf_counter() - started) * 1000)
            deferred.clear()
            results.append(cost)
            log(
                f"  {name:<18} 含汇总 p50 {Stats(cost.with_tally).pct(50):6.2f} ms"
                f"  不含 {Stats(cost.without).pct(50):6.2f} ms"
                f"  tally.apply {statistics.mean(cost.apply_alone):.3f} ms/次"
            )
    finally:
        tally_module.apply = real_apply
        if deferred:  # interrupted: keep the figures exact anyway
            for before, after in deferred:
                with transaction.atomic():
                    real_apply(before, after)
    return results


# --- output ---------------------------------------------------------------------------------
HEADER = (
    f"{'scope':<8} {'user':<9} {'period':<6} {'kind':<9} {'found':>9} {'q':>3} "
    f"{'app p50':>8} {'p95':>7} {'p99':>7}   {'raw p50':>8} {'p95':>7} {'p99':>7} {'q':>2}   "
    f"{'ratio':>6}  note"
)


def print_scenario(s: Scenario) -> None:
    for kind, stats, q in (("page", s.page, s.page_q), ("selectors", s.selectors, s.selectors_q)):
        notes = list(s.notes)
        target = TARGETS_P95.get(s.scope)
        if target is not None:
            notes.insert(0, f"p95 {'<' if stats.pct(95) < target else '≥'} {target:.0f} ms")
        log(
            f"{s.scope:<8} {s.username:<9} {s.period:<6} {kind:<9} {s.found:>9,} {q:>3} "
            f"{stats.pct(50):>8.1f} {stats.pct(95):>7.1f} {stats.pct(99):>7.1f}   "
            f"{s.raw.pct(50):>8.1f} {s.raw.pct(95):>7.1f} {s.raw.pct(99):>7.1f} {s.raw_q:>2}   "
            f"{s.ratio(stats):>5.0f}×  {' '.join(notes)}"
        )


def print_transitions(costs: list[TransitionCost]) -> None:
    log(
        f"{'transition':<18} {'n':>5} {'q':>4} {'含汇总 p50':>10} {'mean':>7}"
        f"   {'不含 p50':>8} {'mean':>7}"
        f"   {'差 (mean)':>9}   {'apply 事务内':>11} {'单独 ms/次':>10}   {'汇总占比':>8}"
    )
    for c in costs:
        w, wo = Stats(c.with_tally), Stats(c.without)
        mean_w, mean_wo = statistics.mean(c.with_tally), statistics.mean(c.without)
        inside = statistics.mean(c.apply_inside) if c.apply_inside else 0.0
        alone = statistics.mean(c.apply_alone) if c.apply_alone else 0.0
        log(
            f"{c.name:<18} {len(c.with_tally):>5} {c.queries_with:>2}/{c.queries_without:<2}"
            f" {w.pct(50):>10.2f} {mean_w:>7.2f}   {wo.pct(50):>8.2f} {mean_wo:>7.2f}"
            f"   {mean_w - mean_wo:>+9.2f}   {inside:>11.3f} {alone:>10.3f}"
            f"   {100 * inside / mean_w:>7.1f}%"
        )


def describe_environment(url: str) -> None:
    with psycopg.connect(_conninfo(url), autocommit=True) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
        settings = {
            name: conn.execute(f"SHOW {name}").fetchone()[0]
            for name in ("shared_buffers", "work_mem", "max_parallel_workers_per_gather")
        }
        sizes = conn.execute(
            "SELECT pg_size_pretty(pg_table_size('hazards_hazard')),"
            " pg_size_pretty(pg_indexes_size('hazards_hazard')),"
            " pg_size_pretty(pg_total_relation_size('hazards_hazardtally')),"
            " (SELECT count(*) FROM hazards_hazardtally),"
            " (SELECT reltuples::bigint FROM pg_class WHERE relname = 'hazards_hazard')"
        ).fetchone()
    import subprocess

    rev = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "anjian"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    log(
        f"Python {platform.python_version()}, {os.cpu_count()} CPU; PostgreSQL {version} "
        f"(shared_buffers {settings['shared_buffers']}, work_mem {settings['work_mem']}, "
        f"max_parallel_workers_per_gather {settings['max_parallel_workers_per_gather']}); "
        f"git {rev}{' +local changes' if dirty else ''}"
    )
    log(
        f"hazards_hazard ≈{sizes[4]:,} 行：表 {sizes[0]}，索引 {sizes[1]}；"
        f"hazards_hazardtally {sizes[3]:,} 行，{sizes[2]}（含索引）"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hazards", type=int, default=TARGET_HAZARDS)
    parser.add_argument("--enterprises", type=int, default=TARGET_ENTERPRISES)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument(
        "--transitions", type=int, default=2000, help="每种方式（含/不含汇总）的次数"
    )
    parser.add_argument("--periods", default="year,all", help="统计期：year（页面默认）,all 等")
    parser.add_argument(
        "--raw",
        choices=("separate", "grouping-sets"),
        default="grouping-sets",
        help="raw SQL：一条 GROUPING SETS（默认，一次扫描，最快），或每个分组一条 GROUP BY",
    )
    parser.add_argument(
        "--raw-budget",
        type=float,
        default=90.0,
        help="每项 raw SQL 计时的大致秒数上限（至少 --raw-min 次）",
    )
    parser.add_argument("--raw-min", type=int, default=20, help="raw SQL 至少计时的次数")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--rebuild-tally", action="store_true", help="即使未装载也重建汇总表")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--smoke", action="store_true", help="极小规模，只检验能否跑通（CI 用）")
    args = parser.parse_args()
    if args.smoke:
        args.enterprises, args.hazards, args.requests, args.warmup = 300, 3000, 2, 1
        args.transitions, args.raw_budget, args.raw_min = 8, 1.0, 1
    args.periods = [p for p in args.periods.split(",") if p]
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        sys.exit("请设置 DATABASE_URL=postgres://postgres@127.0.0.1:5432/anjian_bench")
    log("命令：DATABASE_URL=" + url + " " + " ".join([sys.executable, *sys.argv]))
    log(f"负载（loadavg 1/5/15 分钟）开始时：{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    # Photos stored by the transitions (提请验收) go to a throw-away directory (set before
    # Django reads its settings).
    media = tempfile.mkdtemp(prefix="anjian-bench-media-")
    os.environ["ANJIAN_MEDIA_ROOT"] = media
    try:
        run(url, args)
    finally:
        shutil.rmtree(media, ignore_errors=True)


def run(url: str, args) -> None:
    if args.skip_build:
        import django

        django.setup()
    else:
        build(url, args)
    if args.build_only:
        return
    from django.test import Client

    from anjian.accounts.models import User

    describe_environment(url)
    log(
        "方式：页面 = 进程内 django.test.Client GET /hazards/figures/"
        "（完整中间件/会话/视图/模板）；"
        "selectors = ClearingReport 的合计 + 页面显示的 区域/行业/月份 三个分组；"
        f"raw = psycopg 直接对 hazards_hazard 聚合（{args.raw}），与应用交替执行"
    )
    raw_conn = psycopg.connect(_conninfo(url), autocommit=True, cursor_factory=psycopg.ClientCursor)
    cursor = raw_conn.cursor()

    def logged_in(username: str) -> Client:
        # Logged in just before use: the session expires after ANJIAN_SESSION_IDLE_MINUTES
        # without a request, shorter than the city's measurements take.
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    log(
        f"\n每项 {args.warmup} 次预热 + {args.requests} 次计时（页面与 selectors 交替；"
        f"raw 约 {args.raw_budget:.0f} s 预算，至少 {args.raw_min} 次，穿插其间）"
    )
    started = time.perf_counter()
    log(HEADER)
    scenarios = []
    for scope, username in SCOPES:
        for period in args.periods:
            scenario = Scenario(scope, username, period)
            measure_scope(scenario, logged_in(username), cursor, args)
            print_scenario(scenario)
            scenarios.append(scenario)
    log(
        f"测量耗时 {time.perf_counter() - started:.0f} s；"
        f"负载：{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )

    log(
        f"\n处理成本：每种处理 {args.transitions // 4} 次含汇总 + "
        f"{args.transitions // 4} 次不含（交替），"
        "admin 经 anjian.hazards.services"
    )
    started = time.perf_counter()
    costs = measure_transitions(cursor, args.transitions)
    log(f"处理耗时 {time.perf_counter() - started:.0f} s")
    compared = verify(cursor, args, "处理之后")
    log(
        f"处理之后核对：{compared} 组（3 个范围 × {len(args.periods)} 个统计期，"
        "合计与各分组）应用 = raw SQL ✓"
    )
    raw_conn.close()

    log("\n==== 汇总 ====")
    if PHASES:
        log("数据准备：")
        for p in PHASES:
            log(f"  {p}")
    describe_environment(url)
    log(f"负载结束时：{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    log("\n动态清零数字（ms；ratio = raw p50 / app p50；q = 每次请求的 SQL 条数）")
    log(HEADER)
    for s in scenarios:
        print_scenario(s)
    log(
        "\n每次处理的成本（ms；q = 含/不含汇总时的 SQL 条数；"
        "汇总占比 = 事务内 tally.apply / 含汇总 mean）"
    )
    print_transitions(costs)
    verdicts = []
    for s in scenarios:
        target = TARGETS_P95.get(s.scope)
        if target is not None and s.period == "year":
            verdicts.append(
                f"{s.scope} 页面 p95 {s.page.pct(95):.1f} ms "
                f"{'<' if s.page.pct(95) < target else '≥'} {target:.0f}"
            )
    log(
        "\n目标（页面默认统计期）：" + "；".join(verdicts) + "；数字与 raw SQL 完全一致（处理前后）"
    )


if __name__ == "__main__":
    main()
