"""Demo 危险化学品单元 and 重大危险源 (synthetic), entered through ``services`` as the demo
district's enterprises would have entered them — by the enterprise's own account where it
has one, otherwise by the district's 应急局 — so every unit is scoped, identified and graded
by the engine (GB 18218-2018) and its history recorded like real data. No grade is typed
here: each comes from the quantities and the population within 500 m.

- The pool: the district's operating enterprises of the 危化 and 燃气 industries and those
  flagged 涉氨制冷, sorted by what they are (``kind_of``: a petrol station, an LPG station,
  a town-gas company, an industrial-gas company, a chemicals trader, a chemical plant, a
  cold store).
- ``MAJOR``: thirteen units that are major hazard sources — one 一级, three 二级, five 三级,
  four 四级 — each on the least-loaded enterprise of the first kind it suits that the pool
  has (on any enterprise of the pool when it has none of them, as the test world has not).
- Every other enterprise of the pool gets one unit of its kind below its critical
  quantities (``ORDINARY``, quantities and population from a seeded RNG); petrol stations
  never hold a source.
- The catalogue: the shipped table 1 rows outside table 3 that the demo holds get their
  table 2 class (β needs it: ``identification`` rule 3) where an administrator has given
  none, and 柴油 is entered — standing in for the administrator's catalogue import.

- Their life so far (``_file_and_close``): identified months or years ago, most filed, one
  awaiting filing past its due day, one identified last week, one closed after its
  inventory was cut.

``ChemicalUnit`` has no synthetic flag; the demo site says every record is synthetic.
``build_demo_hazchem`` leaves a district that already has units alone.
"""

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from anjian.enterprises.models import Enterprise, EnterpriseUser
from anjian.hazchem import services, services_sources
from anjian.hazchem.choices import CatalogueSource, UnitKind
from anjian.hazchem.evaluation import FILING_DAYS
from anjian.hazchem.models import Chemical, ChemicalUnit, MajorHazardSource, UnitEvaluation

# The demo's chemicals: table 1 rows by number (Q from table 1), and 柴油 by name.
ROWS = {
    "液氨": 1,
    "二氧化硫": 4,
    "氯化氢": 11,
    "液氯": 12,
    "天然气": 49,
    "氢气": 51,
    "液化石油气": 52,
    "乙炔": 54,
    "氧气": 56,
    "苯": 57,
    "丙酮": 59,
    "甲苯": 64,
    "甲醇": 65,
    "汽油": 66,
    "乙醇": 67,
    "乙酸乙酯": 69,
}
# Table 2 classes for the table 1 rows above that are not table 3 gases: they give β only
# (table 4), Q stays table 1's. Our reading of RULES.md §1.3 with the 危险化学品目录 (2015)
# categories: 汽油, 甲醇, 乙醇, 丙酮, 乙酸乙酯, 甲苯 and 苯 are 易燃液体类别2, kept at ambient
# temperature below their boiling point without the special process conditions of W5.2,
# so W5.3 (β 1; W5.2 would give the same β); 汽油 of 类别1 would be W5.1 (β 1.5) — an
# administrator may class it so. 液化石油气, 天然气, 氢 and 乙炔 are 易燃气体类别1: W2 (β 1.5);
# 氧 is 氧化性气体类别1: W4 (β 1).
CLASSES = {
    66: ["W5.3"],
    65: ["W5.3"],
    67: ["W5.3"],
    59: ["W5.3"],
    69: ["W5.3"],
    64: ["W5.3"],
    57: ["W5.3"],
    52: ["W2"],
    49: ["W2"],
    51: ["W2"],
    54: ["W2"],
    56: ["W4"],
}
# 柴油 is not a table 1 row: 目录 序号1674 柴油[闭杯闪点≤60℃], 易燃液体类别3 → W5.4 (Q 5000 t).
DIESEL = {
    "name": "柴油[闭杯闪点≤60℃]",
    "aliases": "柴油",
    "cas": "68334-30-5",
    "un_number": "1202",
    "catalogue_number": 1674,
    "ghs_classes": "易燃液体，类别3",
    "gb18218_classes": ["W5.4"],
}

FUEL, LPG, TOWN_GAS, GASES, TRADE, PLANT, COLD = (
    "fuel",
    "lpg",
    "town_gas",
    "gases",
    "trade",
    "plant",
    "cold",
)
NAMED = (
    ("加油站", FUEL),
    ("液化气", LPG),
    ("燃气", TOWN_GAS),
    ("气体", GASES),
    ("化学品", TRADE),
    ("化工", PLANT),
)
STORAGE, PRODUCTION = UnitKind.STORAGE, UnitKind.PRODUCTION


@dataclass(frozen=True)
class Plan:
    """A unit to enter: the kinds of enterprise it suits (preferred first), its fields and
    lines (chemical, tonnes, note)."""

    suits: tuple[str, ...]
    name: str
    kind: str
    boundary: str
    population: int
    lines: tuple[tuple[str, str, str], ...]


# The figures in each comment are the engine's (α: 2 for 100 people or more, 1.5 for
# 50–99, 1.2 for 30–49, 1 for 1–29); the test checks the grades.
MAJOR: tuple[Plan, ...] = (
    # S = 80/5 = 16; R = 2·4·16 = 128 → 一级
    Plan(
        (PLANT, GASES),
        "液氯储罐区",
        STORAGE,
        "液氯卧式储罐2台（各40吨）及围堰",
        3200,
        (("液氯", "80", "2×40吨卧式储罐"),),
    ),
    # S = 7; R = 2·4·7 = 56 → 二级
    Plan(
        (GASES, PLANT),
        "液氯钢瓶库",
        STORAGE,
        "独立液氯钢瓶库房（1吨钢瓶）",
        1800,
        (("液氯", "35", "1吨钢瓶35只"),),
    ),
    # S = 5 + 3 + 0.5; R = 2·(20 + 6 + 1) = 54 → 二级
    Plan(
        (GASES, PLANT),
        "有毒气体钢瓶库",
        STORAGE,
        "有毒气体钢瓶独立库房",
        900,
        (("液氯", "25", "1吨钢瓶"), ("液氨", "30", "钢瓶及槽罐"), ("二氧化硫", "10", "钢瓶")),
    ),
    # S = 13; R = 2·2·13 = 52 → 二级
    Plan(
        (PLANT,),
        "液氨储罐区",
        STORAGE,
        "液氨球罐区防火堤内",
        5000,
        (("液氨", "130", "2×65吨球罐"),),
    ),
    # S = 4; R = 2·2·4 = 16 → 三级
    Plan(
        (COLD, PLANT),
        "氨制冷系统",
        PRODUCTION,
        "氨制冷机房、贮氨器及冷库蒸发排管，以机房切断阀为界",
        2600,
        (("液氨", "40", "贮氨器及系统充注量"),),
    ),
    # S = 2.4 + 0.4 + 0.8; R = 2·(9.6 + 1.2 + 0.8) = 23.2 → 三级
    Plan(
        (PLANT,),
        "氯化反应装置",
        PRODUCTION,
        "氯化工段，以进出装置切断阀为界",
        2100,
        (("液氯", "12", "汽化器及缓冲罐"), ("氯化氢", "8", "副产氯化氢"), ("苯", "40", "反应釜")),
    ),
    # S = 6 + 1.6 + 3; R = 2·10.6 = 21.2 → 三级
    Plan(
        (TRADE, PLANT),
        "甲类储罐区",
        STORAGE,
        "甲类液体储罐区防火堤内",
        1500,
        (("苯", "300", ""), ("甲苯", "800", ""), ("甲醇", "1500", "")),
    ),
    # S = 6 + 0.6; R = 2·(6 + 0.6) = 13.2 → 三级
    Plan(
        (TRADE, PLANT),
        "油品储罐区",
        STORAGE,
        "成品油储罐区防火堤内",
        260,
        (("汽油", "1200", "内浮顶罐"), ("柴油", "3000", "拱顶罐")),
    ),
    # S = 4; R = 2·1.5·4 = 12 → 三级
    Plan(
        (LPG,),
        "液化石油气储配站储罐区",
        STORAGE,
        "液化石油气储罐区防火墙内",
        160,
        (("液化石油气", "200", "4×100立方米卧式储罐"),),
    ),
    # S = 2.4; R = 1.5·1.5·2.4 = 5.4 → 四级
    Plan(
        (LPG,),
        "液化石油气储罐区",
        STORAGE,
        "液化石油气储罐区防火墙内",
        70,
        (("液化石油气", "120", "2×120立方米卧式储罐"),),
    ),
    # S = 2.4; R = 1.2·1.5·2.4 = 4.32 → 四级
    Plan(
        (TOWN_GAS, LPG),
        "LNG储罐区",
        STORAGE,
        "LNG应急气源站储罐区",
        40,
        (("天然气", "120", "LNG储罐"),),
    ),
    # S = 0.6 + 0.5 + 0.4 + 0.3 + 0.2 = 2; R = 2·2 = 4 → 四级
    Plan(
        (TRADE, PLANT),
        "甲类仓库",
        STORAGE,
        "甲类危险化学品独立库房",
        800,
        (
            ("甲醇", "300", "桶装"),
            ("乙醇", "250", "桶装"),
            ("丙酮", "200", "桶装"),
            ("乙酸乙酯", "150", "桶装"),
            ("甲苯", "100", "桶装"),
        ),
    ),
    # S = 0.8 + 0.3 + 0.12; R = 2·(1.6 + 0.45 + 0.12) = 4.34 → 四级
    Plan(
        (PLANT,),
        "胺化反应装置",
        PRODUCTION,
        "胺化工段，以进出装置切断阀为界",
        1200,
        (("液氨", "8", ""), ("氢气", "1.5", "加氢单元"), ("甲醇", "60", "溶剂")),
    ),
)

# One unit below its critical quantities for each other unit of the pool: its name,
# boundary, kind, and lines (chemical, low and high tonnes, note) — the highest figures
# keep S < 1 (汽油 0.35 + 柴油 0.01; 氧 0.2 + 乙炔 0.4 + 氢 0.2; 甲醇 0.3 + 乙酸乙酯 0.16 …).
ORDINARY: dict[str, tuple[str, str, str, tuple[tuple[str, str, str, str], ...]]] = {
    FUEL: (
        "埋地油罐区",
        "加油站埋地卧式储罐罐池",
        STORAGE,
        (("汽油", "36", "70", "埋地卧式储罐"), ("柴油", "20", "50", "埋地卧式储罐")),
    ),
    LPG: ("液化石油气瓶库", "钢瓶库房", STORAGE, (("液化石油气", "2", "12", "钢瓶"),)),
    TOWN_GAS: (
        "门站调压计量区",
        "进出站切断阀之间的工艺管线及设备",
        PRODUCTION,
        (("天然气", "1", "3", "管存量"),),
    ),
    GASES: (
        "气瓶库",
        "工业气瓶库房",
        STORAGE,
        (
            ("氧气", "10", "40", "液氧储槽及钢瓶"),
            ("乙炔", "0.1", "0.4", "溶解乙炔钢瓶"),
            ("氢气", "0.1", "1", "钢瓶"),
        ),
    ),
    TRADE: (
        "危险化学品仓库",
        "危险化学品独立库房",
        STORAGE,
        (("甲苯", "10", "60", "桶装"), ("丙酮", "10", "50", "桶装"), ("乙醇", "10", "50", "桶装")),
    ),
    PLANT: (
        "原料罐区",
        "原料储罐区防火堤内",
        STORAGE,
        (("甲醇", "40", "150", ""), ("乙酸乙酯", "20", "80", "")),
    ),
    COLD: (
        "氨制冷机房",
        "氨制冷机房及贮氨器",
        PRODUCTION,
        (("液氨", "2", "6", "系统充注量"),),
    ),
}


@dataclass
class Built:
    """What the demo built (for the command and the tests)."""

    units: list = field(default_factory=list)
    sources: list = field(default_factory=list)


def build_demo_hazchem(*, district, official, seed: int = 2026, progress=None) -> Built:
    """Units and inventories of ``district``'s chemical enterprises, entered by each
    enterprise's account or by ``official`` (its 应急局, who may keep any unit of the
    district); ``progress()`` is called after each enterprise."""
    if ChemicalUnit.objects.filter(scope_region_code__startswith=district.code).exists():
        return Built()
    rng = random.Random(seed)
    tick = progress or (lambda: None)
    pool = _pool(district)
    keepers = _keepers(pool)
    built = Built()
    with transaction.atomic():
        chemicals = _catalogue()
        placed = _place(pool)
        for enterprise in pool:
            plans = placed.get(enterprise.pk) or [_ordinary(kind_of(enterprise), rng)]
            by = keepers.get(enterprise.pk, official)
            for plan in plans:
                built.units.append(_enter(by, enterprise, plan, chemicals, rng))
            tick()
        _file_and_close(official, built.units, rng)
    built.sources = list(
        MajorHazardSource.objects.filter(unit__in=built.units).select_related("unit")
    )
    return built


def _file_and_close(official, units: list[ChemicalUnit], rng: random.Random) -> None:
    """The sources' life so far, as the district's 应急局 would have recorded it: each was
    identified some months or years ago (the dates are set back: synthetic), most filed
    within the 15 days; one is still awaiting filing and overdue, one was identified last
    week; the smallest one's inventory was cut below the critical quantities and it was
    closed (核销)."""
    sources = list(MajorHazardSource.objects.filter(unit__in=units).order_by("grade", "pk"))
    if len(sources) < 3:
        return
    today = timezone.localdate()
    overdue, recent, closing = sources[0].pk, sources[1].pk, sources[-1].pk
    for source in sources:
        ago = {overdue: 40, recent: 5}.get(source.pk, rng.randint(60, 900))
        identified = today - timedelta(days=ago)
        MajorHazardSource.objects.filter(pk=source.pk).update(
            identified_on=identified, filing_due_on=identified + timedelta(days=FILING_DAYS)
        )
        at = timezone.make_aware(datetime.combine(identified, time(9)))
        source.transitions.filter(action="identify").update(at=at)
        # The unit's evaluations so far led to that identification: they move with it.
        evaluations = list(
            source.unit.evaluations.order_by("-at", "-id").values_list("pk", flat=True)
        )
        for minutes, pk in enumerate(evaluations):
            UnitEvaluation.objects.filter(pk=pk).update(at=at - timedelta(minutes=minutes))
        ChemicalUnit.objects.filter(pk=source.unit_id).update(evaluated_at=at)
        if source.pk in (overdue, recent):
            continue
        filed = services_sources.source_file(
            official,
            source_id=source.pk,
            expected_version=None,
            filed_on=identified + timedelta(days=rng.randint(3, 14)),
            filing_number=f"杨浦应急危备〔{identified.year}〕{source.pk:03d}号",
        )
        if source.pk == closing:
            _close(official, filed)


def _close(official, source: MajorHazardSource) -> None:
    """Cut the unit's inventory to a twentieth (below its critical quantities) and close."""
    for line in source.unit.lines.all():
        quantity = (line.max_quantity / 20).quantize(Decimal("0.0001"))
        services.line_update(
            official,
            line_id=line.pk,
            expected_version=line.version,
            data={"max_quantity": quantity, "note": "设备减量改造后"},
        )
    source.refresh_from_db()
    if not source.qualifies:
        services_sources.source_close(
            official,
            source_id=source.pk,
            expected_version=source.version,
            closed_on=timezone.localdate(),
            reason="储存设施减量改造，经重新辨识不再构成重大危险源",
        )


def kind_of(enterprise: Enterprise) -> str:
    """What an enterprise of the pool is, from its name (the demo's names say it) or its
    涉氨制冷 flag."""
    if enterprise.ammonia_refrigeration:
        return COLD
    for word, kind in NAMED:
        if word in enterprise.name:
            return kind
    return TOWN_GAS if enterprise.industry.code == "gas" else PLANT


def _pool(district) -> list[Enterprise]:
    found = Enterprise.objects.filter(
        Q(industry__code__in=("hazchem", "gas")) | Q(ammonia_refrigeration=True),
        scope_region_code__startswith=district.code,
        status="operating",
    )
    return list(found.select_related("industry").order_by("pk"))


def _keepers(pool: list[Enterprise]) -> dict[int, object]:
    links = EnterpriseUser.objects.filter(enterprise__in=pool, user__is_active=True)
    keepers: dict[int, object] = {}
    for link in links.select_related("user").order_by("pk"):
        keepers.setdefault(link.enterprise_id, link.user)
    return keepers


def _place(pool: list[Enterprise]) -> dict[int, list[Plan]]:
    """Each major plan on the least-loaded enterprise of the first kind it suits that the
    pool has (any enterprise of the pool when it has none)."""
    by_kind: dict[str, list[Enterprise]] = {}
    for enterprise in pool:
        by_kind.setdefault(kind_of(enterprise), []).append(enterprise)
    load: Counter = Counter()
    placed: dict[int, list[Plan]] = {}
    for plan in MAJOR if pool else ():
        candidates = next((by_kind[k] for k in plan.suits if k in by_kind), pool)
        chosen = min(candidates, key=lambda e: (load[e.pk], e.pk))
        load[chosen.pk] += 1
        placed.setdefault(chosen.pk, []).append(plan)
    return placed


def _ordinary(kind: str, rng: random.Random) -> Plan:
    name, boundary, unit_kind, lines = ORDINARY[kind]
    return Plan(
        suits=(kind,),
        name=name,
        kind=unit_kind,
        boundary=boundary,
        population=rng.randint(100, 4000) if rng.random() < 0.7 else rng.randint(20, 99),
        lines=tuple(
            (chemical, str(_tonnes(rng, low, high)), note) for chemical, low, high, note in lines
        ),
    )


def _tonnes(rng: random.Random, low: str, high: str) -> Decimal:
    """A quantity from ``low`` to ``high`` tonnes, to 0.1 t."""
    return Decimal(rng.randint(int(Decimal(low) * 10), int(Decimal(high) * 10))) / 10


def _enter(by, enterprise: Enterprise, plan: Plan, chemicals: dict, rng) -> ChemicalUnit:
    data = {
        "enterprise": enterprise.pk,
        "kind": plan.kind,
        "name": plan.name,
        "boundary": plan.boundary,
        "population_500m": plan.population,
    }
    if enterprise.has_location:
        jitter = Decimal(rng.randint(-400, 400)) / 1_000_000
        data.update(latitude=enterprise.latitude + jitter, longitude=enterprise.longitude - jitter)
    unit = services.unit_create(by, data=data)
    for chemical, tonnes, note in plan.lines:
        line = {"chemical": chemicals[chemical].pk, "max_quantity": tonnes, "note": note}
        services.line_add(by, unit_id=unit.pk, data=line)
    return unit


def _catalogue() -> dict[str, Chemical]:
    """The demo's chemicals by the names ``MAJOR`` and ``ORDINARY`` use; the shipped rows
    it holds get their table 2 class where none is given; 柴油 is entered once."""
    shipped = {
        chemical.table1_row: chemical
        for chemical in Chemical.objects.filter(
            source=CatalogueSource.SHIPPED, table1_row__in=ROWS.values()
        )
    }
    for row, classes in CLASSES.items():
        chemical = shipped[row]
        if not chemical.gb18218_classes:
            chemical.gb18218_classes = classes
            chemical.version += 1
            chemical.save()
    diesel = Chemical.objects.filter(name=DIESEL["name"]).first()
    if diesel is None:
        diesel = Chemical.objects.create(source=CatalogueSource.IMPORTED, **DIESEL)
    return {**{name: shipped[row] for name, row in ROWS.items()}, "柴油": diesel}
