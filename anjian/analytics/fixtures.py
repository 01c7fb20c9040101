"""Demo denominators and plans (演示数据), entered through the services as an official would.

- **Denominators** of the demo district (杨浦区) and of the city (上海市) for the plans'
  baseline year (2020) and the six years up to this one: GDP in 亿元 rising (杨浦 about
  2,300 → 2,700; the city about 38,700 in 2020 → 47,000 in 2024), 工矿商贸 employees
  (杨浦 about 280,000; the city about 8,500,000), motor vehicles (杨浦 about 300,000; the
  city 4,600,000 → 5,300,000). Synthetic, and labelled so (``SOURCE``).
- **The city's plan** — seed 000, 上海市安全生产“十四五”规划 (baseline 2020, target 2025):
  单位生产总值生产安全事故死亡率 ＜0.01 人/亿元 (2020: 0.013) and 工矿商贸就业人员10万人
  生产安全事故死亡率 下降7.5%. The plan does not state the 2020 rate the reduction is
  measured from, and the demo ledger holds no 2020 accidents (a rate computed from it would
  be 0 and every later year "not met"), so the demo enters a synthetic baseline and says so
  in the target's note.
- **The district's plan** — seed 004, 杨浦区应急管理“十四五”规划 主要指标: 重大及特别重大生产
  安全事故起数 0, 年均道路交通事故死亡人数 13.4 (judged year by year). Its 单位生产总值死亡率
  is "在市下达控制指标范围内": no target of its own, so the city's applies (inherited).
  Its 重大及特别重大火灾事故起数 0 has no indicator in the engine (fires are counted with
  all categories) and the non-accident indicators (定检率, 覆盖率 …) are not figures of
  the accident records: both are left out.

Idempotent: a year already entered, a plan already there (by region and name) or a target
already set as here is left alone, so running it twice changes nothing (no version moves).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from anjian.analytics import services
from anjian.analytics.choices import Comparison
from anjian.analytics.models import Denominator, IndicatorPlan, IndicatorTarget
from anjian.regions.models import Region

SOURCE = "演示数据（合成）"
BASELINE_YEAR = 2020
TARGET_YEAR = 2025
YEARS_BACK = 6

CITY_PLAN = "上海市安全生产“十四五”规划"
DISTRICT_PLAN = "杨浦区应急管理“十四五”规划"


@dataclass(frozen=True)
class Growth:
    """A denominator's 2020 value and its yearly change (GDP with two decimals)."""

    gdp: int
    gdp_step: int
    employees: int
    employees_step: int
    vehicles: int
    vehicles_step: int

    def values(self, year: int) -> dict:
        n = year - BASELINE_YEAR
        cents = (year * 37) % 100  # a fixed, plausible-looking fraction per year
        return {
            "gdp": Decimal(self.gdp + self.gdp_step * n) + Decimal(cents) / 100,
            "industry_trade_employees": self.employees + self.employees_step * n,
            "motor_vehicles": self.vehicles + self.vehicles_step * n,
        }


DISTRICT_GROWTH = Growth(2300, 65, 286_000, -1_200, 288_000, 3_500)
CITY_GROWTH = Growth(38_700, 2_075, 8_560_000, -15_000, 4_600_000, 115_000)

# (indicator, comparison, value, baseline stated or synthetic, note)
CITY_TARGETS = (
    (
        "gdp_death_rate",
        Comparison.BELOW,
        "0.01",
        None,
        "2025年＜0.01人/亿元（约束性）；2020年为0.013人/亿元",
    ),
    (
        "industry_trade_death_rate",
        Comparison.REDUCE_BY_PERCENT,
        "7.5",
        "1.5",
        "2025年比2020年下降7.5%（约束性）；规划未载明2020年数值，基期数值1.5为演示数据（合成）",
    ),
)
DISTRICT_TARGETS = (
    (
        "major_and_above_count",
        Comparison.AT_MOST,
        "0",
        None,
        "重大及特别重大生产安全事故起数：0（约束性）",
    ),
    (
        "road_deaths",
        Comparison.AT_MOST,
        "13.4",
        None,
        "年均道路交通事故死亡人数：13.4人（约束性），按每年数值对照",
    ),
)
DISTRICT_SOURCE = (
    "《杨浦区应急管理“十四五”规划》主要指标；单位生产总值生产安全事故死亡率"
    "“在市下达控制指标范围内”，沿用市级目标"
)


def demo_years(today=None) -> list[int]:
    """The baseline year and the six years up to this one."""
    this_year = (today or timezone.localdate()).year
    return sorted({BASELINE_YEAR, *range(this_year - YEARS_BACK + 1, this_year + 1)})


def _denominators(by, region: Region, growth: Growth, years: list[int]) -> int:
    entered = set(
        Denominator.objects.filter(region_code=region.code, year__in=years).values_list(
            "year", flat=True
        )
    )
    added = 0
    for year in years:
        if year in entered:
            continue
        services.denominator_save(
            by, region_id=region.code, year=year, source=SOURCE, **growth.values(year)
        )
        added += 1
    return added


def _plan(by, region: Region, name: str, source: str, targets) -> IndicatorPlan:
    plan = IndicatorPlan.objects.filter(region_code=region.code, name=name).first()
    if plan is None:
        plan = services.plan_save(
            by,
            region_id=region.code,
            name=name,
            baseline_year=BASELINE_YEAR,
            target_year=TARGET_YEAR,
            source=source,
        )
    for indicator, comparison, value, baseline, note in targets:
        wanted = (comparison, Decimal(value), None if baseline is None else Decimal(baseline), note)
        found = IndicatorTarget.objects.filter(plan=plan, indicator=indicator).first()
        if (
            found is not None
            and (
                found.comparison,
                found.value,
                found.baseline_value,
                found.note,
            )
            == wanted
        ):
            continue
        services.target_save(
            by,
            plan_id=plan.pk,
            indicator=indicator,
            comparison=comparison,
            value=value,
            baseline_value=baseline,
            note=note,
        )
    return plan


def build_demo_indicators(*, by, district: Region, city: Region) -> dict:
    """Denominators of ``district`` and ``city`` and their plans, entered by ``by`` (whose
    scope must cover both, and who may manage indicators: the city's administrator)."""
    years = demo_years()
    added = _denominators(by, district, DISTRICT_GROWTH, years)
    added += _denominators(by, city, CITY_GROWTH, years)
    city_plan = _plan(by, city, CITY_PLAN, "《上海市安全生产“十四五”规划》", CITY_TARGETS)
    district_plan = _plan(by, district, DISTRICT_PLAN, DISTRICT_SOURCE, DISTRICT_TARGETS)
    return {"denominators": added, "plans": [city_plan, district_plan]}
