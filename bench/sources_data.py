"""The data of bench/sources.py: ``--units`` units of synthetic 危险化学品 enterprises with
10 chemicals each, built once and reused, and the reset to "never evaluated" before each
timed pass (see bench/sources.py's docstring). Import it after ``django.setup()``."""

import math
import random
import sys
import time
from decimal import ROUND_DOWN, Decimal

from django.db import connection, transaction
from stdnum.cn import uscc

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.enterprises.choices import Scale, SupervisionGrade
from anjian.enterprises.fixtures import CODE_ALPHABET
from anjian.enterprises.models import Enterprise
from anjian.enterprises.services import DepartmentResolver, enterprise_bulk_create, prepare_for_bulk
from anjian.hazchem import gb18218
from anjian.hazchem import identification as engine
from anjian.hazchem.choices import CatalogueSource, Mixture, UnitKind
from anjian.hazchem.models import (
    Chemical,
    ChemicalUnit,
    InventoryLine,
    MajorHazardSource,
    UnitEvaluation,
)
from anjian.regions import services as region_services
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Industry, Region

UNITS = 20_000
LINES_PER_UNIT = 10
UNITS_PER_ENTERPRISE = 10
MARK = "基准危化"  # the bench's enterprises: synthetic, and named so
TONNE = Decimal("0.0001")

# Table 2 classes for the shipped table 1 rows that table 3 gives no β (bench data, chosen
# for the substance's main hazard; a deployment imports them with the catalogue).
SHIPPED_CLASSES: dict[int, tuple[str, ...]] = {
    **dict.fromkeys((2, 5), ("J1", "W4")),  # 二氟化氧, 氟
    **dict.fromkeys((14, 15, 16), ("J1", "W2")),  # 砷化氢, 锑化氢, 硒化氢
    8: ("W2", "J3"),  # 甲醛 (>90 %, a gas)
    **dict.fromkeys((18, 29), ("J2",)),  # 丙酮氰醇, 乙撑亚胺
    **dict.fromkeys((19, 21, 22, 23, 24, 26, 27, 28), ("J5",)),
    **dict.fromkeys((31, 32, 33, 34, 35, 36, 37, 38, 43), ("W1.1",)),  # explosives
    **dict.fromkeys((39, 40, 41), ("W10",)),  # wetted or low-nitrogen nitrocellulose
    42: ("W5.3",),  # nitrocellulose solution
    **dict.fromkeys((44, 45, 46, 81, 82), ("W9.2",)),
    **dict.fromkeys((47, 48, 49, 50, 51, 52, 53, 54, 55), ("W2",)),  # flammable gases
    56: ("W4",),  # oxygen
    **dict.fromkeys((61, 63, 68), ("W5.1",)),  # 二硫化碳, 环氧丙烷, 乙醚
    **dict.fromkeys((57, 59, 60, 62, 64, 65, 66, 67, 69, 70), ("W5.3",)),
    58: ("W5.4",),  # 苯乙烯
    **dict.fromkeys((71, 72), ("W7.2",)),  # organic peroxides
    **dict.fromkeys((73, 74, 75), ("W8",)),  # pyrophoric
    **dict.fromkeys((76, 77, 78, 79, 80), ("W9.1",)),
    **dict.fromkeys((83, 84, 85), ("W11",)),  # 碳化钙, 钾, 钠
}

BENCH_CHEMICALS = tuple(
    (name, cas, tuple(classes.split("+")))
    for name, cas, classes in (
        entry.split()
        for entry in """
        二甲苯 1330-20-7 W5.4 | 乙酸丁酯 123-86-4 W5.4 | 异丙醇 67-63-0 W5.3 | 正丁醇 71-36-3 W5.4
        环己酮 108-94-1 W5.4 | 乙腈 75-05-8 W5.3 | 四氢呋喃 109-99-9 W5.3 | 丙烯酸 79-10-7 W5.4
        甲基叔丁基醚 1634-04-4 W5.3 | 丙烯 115-07-1 W2 | 乙烷 74-84-0 W2 | 氯甲烷 74-87-3 W2
        过氧化氢溶液(含量>60%) 7722-84-1 W9.1 | 次氯酸钙 7778-54-3 W9.2 | 氰化钠 143-33-9 J2
        三氯化磷 7719-12-2 J5 | 甲基肼 60-34-4 J5+W5.3 | 过氧化苯甲酰 94-36-0 W7.1
        偶氮二异丁腈 78-67-1 W6.2 | 氢化钠 7646-69-7 W11 | 硫磺 7704-34-9 W10
        """.replace("\n", "|").split("|")
        if entry.strip()
    )
)  # catalogue entries outside table 1: name, CAS, table 2 classes
OWN_CLASSES = (("W5.3",), ("W5.4",), ("J5",), ("W9.2",))
POPULATION_BANDS = ((0, 0), (1, 29), (30, 49), (50, 99), (100, 3000))  # table 5


def log(message: str = "") -> None:
    print(message, flush=True)


def ensure_base() -> User:
    if not Region.objects.filter(code="310110").exists():
        started = time.perf_counter()
        region_services.regions_load(root="31")
        log(f"载入上海市区划：{time.perf_counter() - started:.1f} s")
    region_services.industries_seed()
    user, _ = User.objects.get_or_create(
        username="bench_sources_city",
        defaults={"name": "基准·全市", "role": Role.ADMIN, "is_superuser": True},
    )
    return User.objects.get(pk=user.pk)


def ensure_catalogue() -> list[Chemical]:
    """The shipped rows with classes where they need them, and the bench's own entries."""
    for chemical in Chemical.objects.filter(source=CatalogueSource.SHIPPED):
        row = gb18218.row(chemical.table1_row)
        wanted = [] if row.beta is not None else list(SHIPPED_CLASSES[row.number])
        if chemical.gb18218_classes != wanted:
            chemical.gb18218_classes = wanted
            chemical.version += 1
            chemical.save()
    for name, cas, classes in BENCH_CHEMICALS:
        Chemical.objects.update_or_create(
            name=name,
            defaults={
                "cas": cas,
                "gb18218_classes": list(classes),
                "source": CatalogueSource.IMPORTED,
            },
        )
    names = [entry[0] for entry in BENCH_CHEMICALS]
    pool = list(Chemical.objects.filter(source=CatalogueSource.SHIPPED).order_by("table1_row"))
    pool += list(Chemical.objects.filter(name__in=names).order_by("name"))
    if len(pool) != len(gb18218.TABLE_1) + len(BENCH_CHEMICALS):
        sys.exit(f"目录行数不对：{len(pool)}")
    return pool


def bench_enterprises():
    return Enterprise.objects.filter(name__startswith=MARK)


def bench_units():
    """Every unit when the database holds only the bench's, else the bench's units."""
    if ChemicalUnit.objects.exclude(enterprise__name__startswith=MARK).exists():
        return ChemicalUnit.objects.filter(enterprise__name__startswith=MARK), "本基准的单元"
    return ChemicalUnit.objects.all(), "ChemicalUnit.objects.all()"


def delete_sources(units) -> None:
    """The units' sources and what refers to them (their timeline …; the bench makes no
    包保 duties or checks)."""
    sources = MajorHazardSource.objects.filter(unit__in=units)
    for relation in MajorHazardSource._meta.related_objects:
        related = relation.related_model._base_manager
        related.filter(**{f"{relation.field.name}__in": sources}).delete()
    sources.delete()


def clear() -> None:
    units = ChemicalUnit.objects.filter(enterprise__name__startswith=MARK)
    delete_sources(units)
    UnitEvaluation.objects.filter(unit__in=units).delete()
    InventoryLine.objects.filter(unit__in=units).delete()
    units.delete()
    bench_enterprises().delete()


def make_enterprises(count: int, by, rng: random.Random) -> list[Enterprise]:
    streets = list(
        Region.objects.filter(level=RegionLevel.STREET, code__startswith="31").order_by("code")
    )
    hazchem = Industry.objects.get(code="hazchem")
    used = set(Enterprise.objects.values_list("credit_code", flat=True))
    departments = DepartmentResolver()
    rows = []
    for n in range(count):
        street = rng.choice(streets)
        while True:
            body = "91" + street.code[:6] + "".join(rng.choice(CODE_ALPHABET) for _ in range(9))
            code = body + uscc.calc_check_digit(body)
            if code not in used:
                used.add(code)
                break
        enterprise = Enterprise(
            name=f"{MARK}{n:05d}化工有限公司",
            credit_code=code,
            legal_representative="张三",
            principal_name="张三",
            principal_phone="13800138000",
            address=f"{street.full_name}化工路{n + 1}号",
            street=street,
            industry=hazchem,
            economic_code="C2614",
            employees=rng.randint(20, 800),
            scale=Scale.BELOW,
            supervision_grade=rng.choice(list(SupervisionGrade)),
            involves_hazchem=True,
        )
        prepare_for_bulk(enterprise, by=by, departments=departments)
        rows.append(enterprise)
    return enterprise_bulk_create(by=by, enterprises=rows, batch_size=2000)


def draw_lines(unit: ChemicalUnit, pool: list[Chemical], rng: random.Random) -> list:
    """10 distinct chemicals whose q/Q add up to the unit's drawn S."""
    if rng.random() < 0.15:
        target = Decimal(str(round(math.exp(rng.uniform(0.05, 4.1)), 4)))  # 1.05–60
    else:
        target = Decimal(str(round(rng.uniform(0.02, 0.95), 4)))
    weights = [rng.expovariate(1.0) for _ in range(LINES_PER_UNIT)]
    total = sum(weights)
    lines = []
    for chemical, weight in zip(rng.sample(pool, LINES_PER_UNIT), weights, strict=True):
        draw = rng.random()
        mixture, own = Mixture.NO, []
        if draw < 0.04:
            mixture, own = Mixture.OWN, list(rng.choice(OWN_CLASSES))
        elif draw < 0.08:
            mixture = Mixture.AS_PURE
        critical = engine.evaluate_line(
            engine.Line(
                quantity=1,
                cas=chemical.cas,
                name=chemical.name,
                row=chemical.table1_row,
                classes=tuple(own if mixture == Mixture.OWN else chemical.gb18218_classes),
                mixture=engine.Mixture(mixture),
            )
        ).critical
        share = Decimal(str(weight / total))
        quantity = (target * share * critical).quantize(TONNE, rounding=ROUND_DOWN)
        lines.append(
            InventoryLine(
                unit=unit,
                chemical=chemical,
                max_quantity=max(quantity, TONNE),
                mixture=mixture,
                own_classes=own,
            )
        )
    return lines


def build(count: int, by) -> None:
    pool = ensure_catalogue()
    enterprises = -(-count // UNITS_PER_ENTERPRISE)
    have = (
        bench_enterprises().count(),
        ChemicalUnit.objects.filter(enterprise__name__startswith=MARK).count(),
        InventoryLine.objects.filter(unit__enterprise__name__startswith=MARK).count(),
    )
    if have == (enterprises, count, count * LINES_PER_UNIT):
        log(f"已有基准数据 {count:,} 个单元、{count * LINES_PER_UNIT:,} 条储存量，跳过生成")
        return
    started = time.perf_counter()
    clear()
    rng = random.Random(2026)
    with transaction.atomic():
        owners = make_enterprises(enterprises, by, rng)
        units = []
        for n in range(count):
            low, high = rng.choice(POPULATION_BANDS)
            unit = ChemicalUnit(
                enterprise=owners[n // UNITS_PER_ENTERPRISE],
                kind=rng.choice((UnitKind.STORAGE, UnitKind.PRODUCTION)),
                name=f"基准单元{n % UNITS_PER_ENTERPRISE + 1}号",
                population_500m=rng.randint(low, high),
            )
            unit.copy_enterprise_scope()
            units.append(unit)
        ChemicalUnit.objects.bulk_create(units, batch_size=2000)
        batch = []
        for unit in units:
            batch += draw_lines(unit, pool, rng)
            if len(batch) >= 20_000:
                InventoryLine.objects.bulk_create(batch, batch_size=2000)
                batch = []
        InventoryLine.objects.bulk_create(batch, batch_size=2000)
    took = time.perf_counter() - started
    log(
        f"生成 {enterprises:,} 家单位、{count:,} 个单元、{count * LINES_PER_UNIT:,} 条储存量："
        f"{took:.1f} s"
    )


def reset(units) -> None:
    """Back to never evaluated: no sources, no history, no cached figures (not timed)."""
    delete_sources(units)
    UnitEvaluation.objects.filter(unit__in=units).delete()
    empty = dict.fromkeys(("grade", "evaluation_error", "edition", "inputs_digest"), "")
    empty.update(dict.fromkeys(("s_value", "r_value", "alpha", "evaluated_at")))
    units.update(is_major=False, evaluation={}, version=1, **empty)
    analyse()


def analyse() -> None:
    tables = "hazchem_chemicalunit, hazchem_unitevaluation, hazchem_majorhazardsource"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM (ANALYZE) {tables}, hazchem_inventoryline, hazchem_chemical")
        else:
            cursor.execute("ANALYZE")
