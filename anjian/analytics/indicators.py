"""The plan indicators, each a named definition — and the arithmetic, pure, no database.

Every figure a leader reads on the indicators page, in the monthly report or through the
API is one of ``INDICATORS``: what it counts is written here once (docs/indicators.md is
the same text for readers), and ``compute`` turns plain numbers into the figure, so each
can be checked by hand without a database (``figures`` gathers the numbers).

Which accidents: the accident records (``accidents.Accident``) in a counted state (voided
records never count), that happened in the period (local time, Asia/Shanghai) inside the
region (the record's street code starts with the region's code); an indicator then keeps
a group of categories (RULES.md §8): all of them (the GDP rate), 工矿商贸 (煤矿, 金属非金属
矿山, 建筑施工, 危险化学品, 烟花爆竹, 工矿商贸其他) or 道路交通.

Which deaths (RULES.md §2.4, the 2016 statistics system): a death is one who died within
30 days of the accident (road traffic and fire: 7), or one missing for longer. So a
record's deaths count at once, and its missing count as deaths once the record's window
(``Accident.window_ends_at``) has passed at the time of the computation; before, they are
not deaths (they are shown separately as ``pending_missing``). The record's figures are
its latest report's (快报 or 续报), so a follow-up moves the figures.

Rates: deaths ÷ denominator × scale, where the denominator is the region's own figure for
the same year (never a sum of its children's: GDP is not additive across the statistical
levels). A missing denominator gives no figure (None, with the reason), never 0.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from anjian.accidents.choices import INDUSTRY_TRADE, Category, Grade
from anjian.analytics.choices import Comparison

# The groups of categories an indicator counts.
ALL = "all"
INDUSTRY_TRADE_GROUP = "industry_trade"
ROAD = "road"
GROUPS = {
    ALL: frozenset(Category.values),
    INDUSTRY_TRADE_GROUP: frozenset(str(c) for c in INDUSTRY_TRADE),
    ROAD: frozenset({str(Category.ROAD)}),
}
GROUP_LABELS = {
    ALL: _("全部类别"),
    INDUSTRY_TRADE_GROUP: _("工矿商贸"),
    ROAD: _("道路交通"),
}

LARGER_AND_ABOVE = frozenset({Grade.LARGER, Grade.MAJOR, Grade.EXTRAORDINARY})
MAJOR_AND_ABOVE = frozenset({Grade.MAJOR, Grade.EXTRAORDINARY})

# What a figure measures.
DEATHS = "deaths"
ACCIDENTS = "accidents"

# The denominators a region enters per year (``models.Denominator``'s fields).
GDP = "gdp"
EMPLOYEES = "industry_trade_employees"
VEHICLES = "motor_vehicles"
DENOMINATOR_LABELS = {
    GDP: _("地区生产总值（亿元）"),
    EMPLOYEES: _("工矿商贸就业人员（人）"),
    VEHICLES: _("机动车保有量（辆）"),
}


@dataclass(frozen=True)
class Indicator:
    """One indicator. ``measure`` is what is counted (deaths or accidents) in ``group``,
    of the ``grades`` given (None: every grade); a rate divides it by ``denominator``
    (a ``Denominator`` field) and multiplies by ``scale``."""

    key: str
    label: str
    unit: str
    formula: str
    group: str = ALL
    measure: str = DEATHS
    grades: frozenset[str] | None = None
    denominator: str | None = None
    scale: int = 1
    decimals: int = 0
    lower_is_better: bool = True

    @property
    def is_rate(self) -> bool:
        return self.denominator is not None


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        key="gdp_death_rate",
        label=_("亿元GDP生产安全事故死亡率"),
        unit=_("人/亿元"),
        formula=_("各类生产安全事故死亡人数 ÷ 地区生产总值（亿元）"),
        denominator=GDP,
        decimals=4,
    ),
    Indicator(
        key="industry_trade_death_rate",
        label=_("工矿商贸就业人员十万人生产安全事故死亡率"),
        unit=_("人/10万人"),
        formula=_("工矿商贸事故死亡人数 ÷ 工矿商贸就业人员数 × 100000"),
        group=INDUSTRY_TRADE_GROUP,
        denominator=EMPLOYEES,
        scale=100_000,
        decimals=3,
    ),
    Indicator(
        key="road_death_rate",
        label=_("道路交通万车死亡率"),
        unit=_("人/万车"),
        formula=_("道路交通事故死亡人数 ÷ 机动车保有量 × 10000"),
        group=ROAD,
        denominator=VEHICLES,
        scale=10_000,
        decimals=2,
    ),
    Indicator(
        key="deaths",
        label=_("生产安全事故死亡人数"),
        unit=_("人"),
        formula=_("各类生产安全事故死亡人数（含失踪超过补报期限者）"),
    ),
    Indicator(
        key="accident_count",
        label=_("生产安全事故起数"),
        unit=_("起"),
        formula=_("各类生产安全事故起数"),
        measure=ACCIDENTS,
    ),
    Indicator(
        key="larger_and_above_count",
        label=_("较大及以上事故起数"),
        unit=_("起"),
        formula=_("较大、重大、特别重大事故起数（各类别）"),
        measure=ACCIDENTS,
        grades=LARGER_AND_ABOVE,
    ),
    Indicator(
        key="major_and_above_count",
        label=_("重大及以上事故起数"),
        unit=_("起"),
        formula=_("重大、特别重大事故起数（各类别）"),
        measure=ACCIDENTS,
        grades=MAJOR_AND_ABOVE,
    ),
    Indicator(
        key="industry_trade_deaths",
        label=_("工矿商贸事故死亡人数"),
        unit=_("人"),
        formula=_("工矿商贸事故死亡人数"),
        group=INDUSTRY_TRADE_GROUP,
    ),
    Indicator(
        key="road_deaths",
        label=_("道路交通事故死亡人数"),
        unit=_("人"),
        formula=_("道路交通事故死亡人数"),
        group=ROAD,
    ),
)
BY_KEY = {indicator.key: indicator for indicator in INDICATORS}
CHOICES = [(indicator.key, indicator.label) for indicator in INDICATORS]


def get(key: str) -> Indicator:
    """The indicator called ``key`` (KeyError for an unknown one)."""
    return BY_KEY[key]


# --- the arithmetic -------------------------------------------------------------------------

NO_DENOMINATOR = "no_denominator"
REASONS = {
    NO_DENOMINATOR: _("未填报%(what)s，无法计算"),
}


@dataclass(frozen=True)
class Figure:
    """One computed figure: ``value`` (int for counts, Decimal rounded to the indicator's
    decimals for rates) or None with ``reason`` and its Chinese ``reason_text``;
    ``numerator`` and ``denominator`` are what it was computed from."""

    key: str
    value: int | Decimal | None
    numerator: int
    denominator: int | Decimal | None = None
    reason: str = ""
    reason_text: str = ""

    @property
    def available(self) -> bool:
        return self.value is not None


def round_to(value: Decimal, decimals: int) -> Decimal:
    """Half up, as statistics are published (0.01235 → 0.0124 at 4 decimals)."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def rate(deaths: int, denominator: int | Decimal | None, *, scale: int, decimals: int):
    """``deaths`` ÷ ``denominator`` × ``scale`` rounded to ``decimals``; None when there is
    no denominator (None or not positive: a rate of 0 would claim there were no deaths)."""
    if denominator is None or Decimal(denominator) <= 0:
        return None
    return round_to(Decimal(deaths) * scale / Decimal(denominator), decimals)


def compute(indicator: Indicator, numerator: int, denominator: int | Decimal | None = None):
    """The figure of ``indicator`` from what it counts (``numerator``: deaths or accidents
    of its group and grades) and, for a rate, the region's denominator for the year."""
    if not indicator.is_rate:
        return Figure(indicator.key, int(numerator), int(numerator))
    value = rate(numerator, denominator, scale=indicator.scale, decimals=indicator.decimals)
    if value is None:
        what = DENOMINATOR_LABELS[indicator.denominator]
        return Figure(
            indicator.key,
            None,
            int(numerator),
            None,
            reason=NO_DENOMINATOR,
            reason_text=str(REASONS[NO_DENOMINATOR] % {"what": what}),
        )
    return Figure(indicator.key, value, int(numerator), denominator)


def change(current, previous) -> tuple[int | Decimal | None, Decimal | None]:
    """Year-on-year change: (current − previous, the same in % of previous, 1 decimal).
    None where either is missing; the percentage is None when previous is 0."""
    if current is None or previous is None:
        return None, None
    difference = current - previous
    if not previous:
        return difference, None
    return difference, round_to(Decimal(difference) * 100 / Decimal(previous), 1)


# --- targets --------------------------------------------------------------------------------

AT_MOST = Comparison.AT_MOST
BELOW = Comparison.BELOW
REDUCE_BY_PERCENT = Comparison.REDUCE_BY_PERCENT


@dataclass(frozen=True)
class Verdict:
    """A figure against a target: ``threshold`` is the value the figure must not exceed
    (at_most, reduce_by_percent) or must stay under (below); ``met`` is None when it
    cannot be said (no figure, or no baseline for a reduction), with ``reason``."""

    met: bool | None
    threshold: Decimal | None
    reason: str = ""


def threshold_for(comparison: str, value: Decimal, baseline: Decimal | None) -> Decimal | None:
    """The bound a target sets: its value, or for a reduction by ``value`` percent the
    baseline × (1 − value/100) (None without a baseline)."""
    if comparison != REDUCE_BY_PERCENT:
        return Decimal(value)
    if baseline is None:
        return None
    return Decimal(baseline) * (100 - Decimal(value)) / 100


def judge(comparison: str, target: Decimal, figure, baseline: Decimal | None = None) -> Verdict:
    """Whether ``figure`` (the value as published: rounded to the indicator's decimals)
    meets the target. at_most: figure ≤ target (控制在…以内); below: figure < target
    (＜0.01); reduce_by_percent: figure ≤ baseline × (1 − target/100) (下降7.5%)."""
    threshold = threshold_for(comparison, target, baseline)
    if figure is None:
        return Verdict(None, threshold, reason=str(_("本年度数值无法计算")))
    if threshold is None:
        return Verdict(None, None, reason=str(_("基期数值无法计算")))
    if comparison == BELOW:
        return Verdict(Decimal(figure) < threshold, threshold)
    return Verdict(Decimal(figure) <= threshold, threshold)
