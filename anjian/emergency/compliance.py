"""Drill frequency (演练频次): which drills each unit owes in a year and whether it held
them — pure functions over plain data (no ORM), the rules as data (RULES.md §10.1).

The rules:

- ``yearly_comprehensive`` — 88号令 Art. 33 (H): at least one comprehensive or specific
  (综合或专项) drill a calendar year; owed by a unit with a comprehensive or specific plan.
- ``half_year_onsite`` — 88号令 Art. 33 (H): at least one on-site (现场处置方案) drill each
  half-year; owed by a unit with an on-site plan. The ministry's rescue centre reads the
  article as a per-unit minimum, not one drill per plan, and so do we (Jiangsu reads it
  per plan; that stricter reading is not applied).
- ``half_year_higher_risk`` — 708号令 Art. 8 (H): a higher-risk unit (``higher_risk``)
  drills at least once every six months, of any kind.
- ``biennial_government`` — 708号令 Art. 8 (**M**: one secondary source): a government or
  one of its departments drills at least once every two years; counted over the two
  calendar years ending with the year looked at.

Which rules a unit owes follows the plans it has: the platform knows a unit by its plans
(``selectors_drills.compliance`` takes the units in scope with a plan in force), and an
on-site drill cannot be asked of a unit that keeps no on-site plan. A period is owed when
the unit had such a plan for at least half of it (first published on or before the
period's middle day): a plan published on 20 December does not make that year's drill
overdue at once.

A period not yet ended is never "behind": it is ``open`` until its last day has passed
without the drill; then ``behind``. A drill counts in the period its held day falls in.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from anjian.emergency.choices import DrillKind, PlanType

ENTERPRISE = "enterprise"
GOVERNMENT = "government"
DEPARTMENT = "department"

MET = "met"
OPEN = "open"
BEHIND = "behind"
STATUS_LABELS = {MET: _("已完成"), OPEN: _("待完成"), BEHIND: _("未按期完成")}

# 708号令 Art. 8 names the higher-risk units by trade; mapped onto the platform's industries
# (anjian/regions/defaults.py). The catalogue has no mining or urban-rail industry; a unit
# of those would be added here with its industry.
HIGHER_RISK_INDUSTRIES = {
    "hazchem": _("危险物品的生产、经营、储存单位"),
    "fireworks": _("危险物品的生产、经营、储存单位"),
    "gas": _("危险物品的经营、储存单位（燃气）"),
    "hazardous_waste": _("危险物品的储存、处置单位"),
    "metallurgy": _("金属冶炼单位"),
    "nonferrous": _("金属冶炼单位"),
    "construction": _("建筑施工单位"),
    "commerce": _("人员密集场所经营单位（商场、餐饮）"),
    "culture_tourism": _("人员密集场所经营单位（文化娱乐、旅游景区）"),
}
# The registry's flags that make any unit a higher-risk one: it handles dangerous
# chemicals (a carrier or storer of another trade), or it runs a crowded place.
HIGHER_RISK_FLAGS = {
    "involves_hazchem": _("涉及危险化学品"),
    "crowded_place": _("人员密集场所"),
}


def higher_risk_reason(industry_code: str | None, flags: Mapping[str, bool]) -> str:
    """Why a unit is a higher-risk one under 708号令 Art. 8 ("" when it is not)."""
    if industry_code in HIGHER_RISK_INDUSTRIES:
        return str(HIGHER_RISK_INDUSTRIES[industry_code])
    for flag, label in HIGHER_RISK_FLAGS.items():
        if flags.get(flag):
            return str(label)
    return ""


@dataclass(frozen=True)
class Rule:
    code: str
    label: str
    basis: str
    span: str  # "year", "half" or "biennium"
    kinds: frozenset[str] | None  # the drill kinds that count (None: any)
    plan_types: frozenset[str] | None  # the plans that make a unit owe it (None: any)
    owners: frozenset[str]
    higher_risk_only: bool = False
    confidence: str = "H"


YEARLY_COMPREHENSIVE = Rule(
    "yearly_comprehensive",
    _("每年至少一次综合或专项应急预案演练"),
    _("《生产安全事故应急预案管理办法》第三十三条"),
    "year",
    frozenset({DrillKind.COMPREHENSIVE, DrillKind.SPECIAL}),
    frozenset({PlanType.COMPREHENSIVE, PlanType.SPECIAL}),
    frozenset({ENTERPRISE}),
)
HALF_YEAR_ONSITE = Rule(
    "half_year_onsite",
    _("每半年至少一次现场处置方案演练"),
    _("《生产安全事故应急预案管理办法》第三十三条"),
    "half",
    frozenset({DrillKind.ONSITE}),
    frozenset({PlanType.ONSITE}),
    frozenset({ENTERPRISE}),
)
HALF_YEAR_HIGHER_RISK = Rule(
    "half_year_higher_risk",
    _("高危行业和人员密集场所单位每半年至少演练一次"),
    _("《生产安全事故应急条例》第八条"),
    "half",
    None,
    None,
    frozenset({ENTERPRISE}),
    higher_risk_only=True,
)
BIENNIAL_GOVERNMENT = Rule(
    "biennial_government",
    _("人民政府及其部门每两年至少演练一次"),
    _("《生产安全事故应急条例》第八条"),
    "biennium",
    None,
    None,
    frozenset({GOVERNMENT, DEPARTMENT}),
    confidence="M",  # one secondary source (RULES.md §10.1); keep it visible as such
)
RULES = (YEARLY_COMPREHENSIVE, HALF_YEAR_ONSITE, HALF_YEAR_HIGHER_RISK, BIENNIAL_GOVERNMENT)
RULES_BY_CODE = {rule.code: rule for rule in RULES}


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str

    @property
    def middle(self) -> date:
        return self.start + (self.end - self.start) / 2


def half_years(year: int) -> tuple[Period, Period]:
    return (
        Period(date(year, 1, 1), date(year, 6, 30), f"{year}年上半年"),
        Period(date(year, 7, 1), date(year, 12, 31), f"{year}年下半年"),
    )


def periods(rule: Rule, year: int) -> tuple[Period, ...]:
    """The periods of ``year`` in which ``rule`` asks for a drill."""
    if rule.span == "half":
        return half_years(year)
    if rule.span == "year":
        return (Period(date(year, 1, 1), date(year, 12, 31), f"{year}年"),)
    return (Period(date(year - 1, 1, 1), date(year, 12, 31), f"{year - 1}—{year}年"),)


def first_day(year: int) -> date:
    """The earliest day a drill can count for ``year`` (the biennium's start)."""
    return date(year - 1, 1, 1)


@dataclass(frozen=True)
class Unit:
    """A unit as the rules see it: its key, owner kind, whether it is a higher-risk one,
    and the day each type of its plans was first published (any version)."""

    key: str
    kind: str
    plans_since: Mapping[str, date]
    higher_risk: bool = False


@dataclass(frozen=True)
class HeldDrill:
    unit: str
    kind: str
    held_on: date


@dataclass(frozen=True)
class Check:
    rule: Rule
    period: Period
    required: int
    held: int
    status: str

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


@dataclass(frozen=True)
class UnitResult:
    unit: Unit
    checks: tuple[Check, ...] = field(default_factory=tuple)

    @property
    def required(self) -> bool:
        return bool(self.checks)

    @property
    def behind(self) -> bool:
        return any(check.status == BEHIND for check in self.checks)

    @property
    def on_track(self) -> bool:
        """Owes drills and none of its ended periods went without one."""
        return self.required and not self.behind

    @property
    def done(self) -> bool:
        """Every period of the year has its drill, the ones still running included."""
        return self.required and all(check.status == MET for check in self.checks)

    @property
    def status(self) -> str:
        if self.behind:
            return BEHIND
        return MET if self.done else OPEN


def applicable(rule: Rule, unit: Unit) -> date | None:
    """Since when ``unit`` owes ``rule`` (the first publication of a plan that makes it
    owe it), or None when it does not."""
    if unit.kind not in rule.owners or (rule.higher_risk_only and not unit.higher_risk):
        return None
    days = [
        day
        for plan_type, day in unit.plans_since.items()
        if rule.plan_types is None or plan_type in rule.plan_types
    ]
    return min(days) if days else None


def check_unit(unit: Unit, drills: Iterable[HeldDrill], *, year: int, today: date) -> UnitResult:
    """What ``unit`` owes in ``year`` and what it held, as of ``today``."""
    own = [drill for drill in drills if drill.unit == unit.key and drill.held_on <= today]
    checks = []
    for rule in RULES:
        since = applicable(rule, unit)
        if since is None:
            continue
        for period in periods(rule, year):
            if since > period.middle:
                continue
            held = sum(
                1
                for drill in own
                if period.start <= drill.held_on <= period.end
                and (rule.kinds is None or drill.kind in rule.kinds)
            )
            if held >= 1:
                status = MET
            elif today > period.end:
                status = BEHIND
            else:
                status = OPEN
            checks.append(Check(rule, period, 1, held, status))
    return UnitResult(unit, tuple(checks))


def assess(
    units: Iterable[Unit], drills: Iterable[HeldDrill], *, year: int, today: date
) -> list[UnitResult]:
    """Every unit's result for ``year`` as of ``today``."""
    by_unit: dict[str, list[HeldDrill]] = {}
    for drill in drills:
        by_unit.setdefault(drill.unit, []).append(drill)
    return [check_unit(unit, by_unit.get(unit.key, ()), year=year, today=today) for unit in units]


def completion_rate(results: Iterable[UnitResult]) -> tuple[int, int]:
    """演练完成率 as (units on track, units that owe drills)."""
    owing = [result for result in results if result.required]
    return sum(1 for result in owing if result.on_track), len(owing)


REMIND_BEFORE = timedelta(days=30)


def closing_soon(result: UnitResult, today: date) -> list[Check]:
    """The checks still without their drill whose period ends within ``REMIND_BEFORE``
    of ``today`` (the reminder at the end of a half-year minus 30 days)."""
    return [
        check
        for check in result.checks
        if check.status == OPEN and check.period.end - REMIND_BEFORE <= today <= check.period.end
    ]
