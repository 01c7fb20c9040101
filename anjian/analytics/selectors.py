"""Scoped reads of 指标与统计: the indicator report of a region, denominators and plans.

``indicator_report`` is what the figures page, its export, the API and the monthly report
read: each indicator's figure, last year's (the same months), the change, a five-year
trend, the target that applies and whether it is met, and the query that lists the
accident records behind the figure on the accidents page.

Which target applies (per indicator): the active plan covering the year (baseline_year <
year ≤ target_year) of the region itself, else of the nearest region above it, that sets a
target for that indicator — a city's plan applies to its districts unless a district's
own plan sets that indicator's target.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accidents.choices import RANK
from anjian.analytics import figures, indicators
from anjian.analytics.choices import Comparison
from anjian.analytics.indicators import INDICATORS, Figure, Indicator
from anjian.analytics.models import Denominator, IndicatorPlan, IndicatorTarget
from anjian.core.exceptions import OutOfScope
from anjian.core.scoping import scope_of
from anjian.regions.levels import ancestor_codes
from anjian.regions.models import Region

# The accidents list (issue 13) answers these parameters with the records a figure counts.
ACCIDENT_LIST_URL = "accidents:accident_list"
ACCIDENT_LIST_PATH = "/accidents/"


# --- scope ------------------------------------------------------------------------------------


def check_region(user, region: Region | str) -> Region:
    """``region`` (or its code) if the user's scope covers it, else OutOfScope (404)."""
    code = region if isinstance(region, str) else region.code
    if not scope_of(user).covers_region(code):
        raise OutOfScope()
    if isinstance(region, Region):
        return region
    found = Region.objects.filter(code=code).first()
    if found is None:
        raise OutOfScope()
    return found


def denominator_list(user, *, region_code: str = "", year: int | None = None) -> QuerySet:
    """The denominators in the user's scope, under ``region_code`` and of ``year`` if given."""
    rows = Denominator.objects.for_user(user).select_related("region", "updated_by")
    if region_code:
        rows = rows.filter(region_code__startswith=region_code)
    if year is not None:
        rows = rows.filter(year=year)
    return rows.order_by("region_code", "-year")


def plans_for(user) -> QuerySet:
    """The plans a user reads: those of regions in the scope and of the regions above it
    (a district reads the city's plan, which applies to it)."""
    scope = scope_of(user)
    rows = IndicatorPlan.objects.select_related("region").prefetch_related("targets")
    if scope.everything:
        return rows
    if scope.region_prefix is None:
        return rows.none()
    above = ancestor_codes(scope.region_prefix)
    return rows.filter(Q(region_code__startswith=scope.region_prefix) | Q(region_code__in=above))


def plan_get(user, pk: int) -> IndicatorPlan:
    found = plans_for(user).filter(pk=pk).first()
    if found is None:
        raise OutOfScope()
    return found


# --- drill-down -------------------------------------------------------------------------------


def drilldown(
    region_code: str,
    year: int,
    *,
    group: str = indicators.ALL,
    grades=None,
    category: str = "",
    through_month: int | None = None,
) -> dict:
    """The accidents list's query for the records a figure counts (``figures.
    counted_accidents`` with the same arguments). Several grades repeat ``grade``."""
    params: dict = {"region": region_code, "year": year, "group": group, "counted": 1}
    if grades:
        params["grade"] = sorted(grades, key=_grade_rank)  # lightest first
    if category:
        params["category"] = category
    if through_month is not None and through_month < 12:
        params["through_month"] = through_month
    return params


def _grade_rank(grade: str) -> int:
    return RANK.get(grade, len(RANK))


def drilldown_url(params: dict) -> str:
    try:
        path = reverse(ACCIDENT_LIST_URL)
    except NoReverseMatch:  # the accidents pages are not routed yet
        path = ACCIDENT_LIST_PATH
    return f"{path}?{urlencode(params, doseq=True)}"


# --- the report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetCheck:
    """A target that applies to the region's figure, and the verdict."""

    target: IndicatorTarget
    plan: IndicatorPlan
    inherited: bool  # set by a plan of a region above the one reported
    baseline: Decimal | int | None  # the baseline year's figure (reductions only)
    baseline_from_plan: bool  # stated in the plan, not computed from the records
    threshold: Decimal | None
    met: bool | None
    reason: str

    @property
    def text(self) -> str:
        """The target as the plan words it: "≤ 0.01", "< 0.01", "下降 7.5%"."""
        value = _plain(self.target.value)
        if self.target.comparison == Comparison.AT_MOST:
            return f"≤ {value}"
        if self.target.comparison == Comparison.BELOW:
            return f"< {value}"
        return _("比%(year)d年下降 %(p)s%%") % {"year": self.plan.baseline_year, "p": value}


def _plain(value: Decimal) -> str:
    """7.5000 → "7.5", 0.0100 → "0.01", 1.0000 → "1"."""
    return format(Decimal(value).normalize(), "f")


@dataclass(frozen=True)
class IndicatorLine:
    indicator: Indicator
    figure: Figure
    previous: Figure
    change: int | Decimal | None
    change_percent: Decimal | None
    trend: list[tuple[int, Figure]]
    target: TargetCheck | None
    pending_missing: int  # missing persons still within their window (not yet deaths)
    drilldown: dict
    drilldown_url: str


@dataclass(frozen=True)
class IndicatorReport:
    region: Region
    year: int
    through_month: int | None
    as_of: datetime
    complete: bool  # a whole year that has ended (else the figures are provisional)
    denominator: Denominator | None
    lines: list[IndicatorLine]

    def line(self, key: str) -> IndicatorLine:
        return next(line for line in self.lines if line.indicator.key == key)


def indicator_report(
    user,
    region: Region | str,
    year: int,
    *,
    through_month: int | None = None,
    as_of: datetime | None = None,
) -> IndicatorReport:
    """Every indicator of ``region`` for ``year`` (January … ``through_month`` when given;
    last year's figure and the trend cover the same months). OutOfScope when the region is
    not in the user's scope. A handful of queries, whatever the number of records."""
    region = check_region(user, region)
    as_of = as_of or timezone.now()
    years = list(range(year - figures.TREND_YEARS + 1, year + 1))
    by_year = figures.totals_by_year(region.code, years, through_month=through_month, as_of=as_of)
    applying = applicable_targets(region.code, year)
    baseline_years = {
        plan.baseline_year
        for target, plan in applying.values()
        if target.comparison == Comparison.REDUCE_BY_PERCENT and target.baseline_value is None
    }
    baselines = figures.totals_by_year(region.code, baseline_years, as_of=as_of)
    found = figures.denominators(region.code, set(years) | baseline_years)
    lines = []
    for indicator in INDICATORS:
        trend = [(y, figures.figure_from(indicator, by_year[y], found.get(y))) for y in years]
        current, previous = trend[-1][1], trend[-2][1]
        change, percent = indicators.change(current.value, previous.value)
        check = None
        if indicator.key in applying:
            target, plan = applying[indicator.key]
            check = _check(indicator, target, plan, region, current, baselines, found)
        params = drilldown(
            region.code,
            year,
            group=indicator.group,
            grades=indicator.grades,
            through_month=through_month,
        )
        lines.append(
            IndicatorLine(
                indicator=indicator,
                figure=current,
                previous=previous,
                change=change,
                change_percent=percent,
                trend=trend,
                target=check,
                pending_missing=by_year[year].pending_missing(indicator.group, indicator.grades),
                drilldown=params,
                drilldown_url=drilldown_url(params),
            )
        )
    _start, end = figures.period(year)
    return IndicatorReport(
        region=region,
        year=year,
        through_month=through_month,
        as_of=as_of,
        complete=(through_month in (None, 12)) and as_of >= end,
        denominator=found.get(year),
        lines=lines,
    )


def applicable_targets(region_code: str, year: int) -> dict[str, tuple]:
    """indicator key → (target, plan): for each indicator, the target of the active plan
    covering ``year`` of the nearest region, from ``region_code`` up, that sets one."""
    codes = ancestor_codes(region_code)
    plans = list(
        IndicatorPlan.objects.filter(
            region_code__in=codes, is_active=True, baseline_year__lt=year, target_year__gte=year
        ).prefetch_related("targets")
    )
    plans.sort(key=lambda p: (codes.index(p.region_code), -p.target_year, p.pk))
    result: dict[str, tuple] = {}
    for plan in plans:
        for target in plan.targets.all():
            result.setdefault(target.indicator, (target, plan))
    return result


def _check(indicator, target, plan, region, current: Figure, baselines, found) -> TargetCheck:
    baseline, from_plan = None, False
    if target.comparison == Comparison.REDUCE_BY_PERCENT:
        if target.baseline_value is not None:
            baseline, from_plan = target.baseline_value, True
        else:
            baseline = figures.figure_from(
                indicator, baselines[plan.baseline_year], found.get(plan.baseline_year)
            ).value
    verdict = indicators.judge(target.comparison, target.value, current.value, baseline)
    return TargetCheck(
        target=target,
        plan=plan,
        inherited=plan.region_code != region.code,
        baseline=baseline,
        baseline_from_plan=from_plan,
        threshold=verdict.threshold,
        met=verdict.met,
        reason=verdict.reason,
    )


def breakdown(
    user,
    region: Region | str,
    year: int,
    by: str = "grade",
    *,
    through_month: int | None = None,
    as_of: datetime | None = None,
) -> list[tuple[figures.BreakdownRow, str]]:
    """``figures.breakdown`` for a region in the user's scope, each row with the URL of
    the accidents list showing its records."""
    region = check_region(user, region)
    rows = figures.breakdown(region, year, by, through_month=through_month, as_of=as_of)
    result = []
    for row in rows:
        params = drilldown(region.code, year, through_month=through_month)
        if by == "grade":
            params["grade"] = [row.key]
        elif by == "category":
            params["category"] = row.key
        elif by in ("street", "district"):
            params["region"] = row.key
        else:
            params["month"] = row.key
        result.append((row, drilldown_url(params)))
    return result
