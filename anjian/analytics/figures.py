"""The numbers behind the indicators, read from the accident records and the denominators.

``counted_accidents`` is the one definition of which records a figure counts (the page's
drill-down lists the same ones); ``totals`` sums them in one aggregate query, grouped by
category and grade, and every indicator's numerator is read off that (``Totals``), so the
figures of one page cannot disagree with each other. ``breakdown`` is one GROUP BY per
dimension (grade, category, street or district, month).

What counts is explained in ``indicators`` (and docs/indicators.md). Deaths are computed
"as of" a moment (``as_of``, by default now): a record's missing persons count as deaths
once its casualty window has passed by then.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Case, Count, F, IntegerField, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.utils import timezone

from anjian.accidents import selectors as accident_selectors
from anjian.accidents.choices import Category, Grade
from anjian.accidents.models import COUNTED_STATES, Accident
from anjian.analytics import indicators
from anjian.analytics.indicators import ALL, GROUPS, Figure, Indicator
from anjian.analytics.models import Denominator
from anjian.regions.choices import RegionLevel
from anjian.regions.levels import code_at_sql, code_length
from anjian.regions.models import Region

TREND_YEARS = 5


# --- the period -------------------------------------------------------------------------------


def period(year: int, through_month: int | None = None) -> tuple[datetime, datetime]:
    """[start, end) of ``year`` (or January … ``through_month``) in local time: the
    accidents list's own cut (``accidents.selectors.period``), so drill-downs match."""
    return accident_selectors.period(year, through_month)


def _check_month(through_month: int | None) -> None:
    if through_month is not None and not 1 <= through_month <= 12:
        raise ValueError(f"through_month must be 1–12, not {through_month!r}")


# --- the records ------------------------------------------------------------------------------


def counted_accidents(
    region_code: str,
    year: int,
    *,
    through_month: int | None = None,
    group: str = ALL,
    grades: Iterable[str] | None = None,
) -> QuerySet:
    """The accident records a figure of ``region_code`` for ``year`` counts: counted states
    (never voided), occurred in the period, inside the region, of ``group``'s categories
    and of ``grades`` (None: any). Unscoped: the caller has checked the region's scope."""
    _check_month(through_month)
    start, end = period(year, through_month)
    rows = Accident.objects.filter(
        state__in=COUNTED_STATES,
        region_code__startswith=region_code,
        occurred_at__gte=start,
        occurred_at__lt=end,
    )
    if group != ALL:
        rows = rows.filter(category__in=sorted(GROUPS[group]))
    if grades is not None:
        rows = rows.filter(grade__in=sorted(grades))
    return rows


def _sums(as_of: datetime) -> dict:
    """Per group of rows: accidents, deaths (with the missing of records whose window has
    passed by ``as_of``) and the missing still within their window."""
    missing_counted = Case(
        When(window_ends_at__lte=as_of, then=F("missing")),
        default=Value(0),
        output_field=IntegerField(),
    )
    missing_pending = Case(
        When(window_ends_at__gt=as_of, then=F("missing")),
        default=Value(0),
        output_field=IntegerField(),
    )
    return {
        "accidents": Count("pk"),
        "deaths": Coalesce(Sum(F("deaths") + missing_counted), 0),
        "pending_missing": Coalesce(Sum(missing_pending), 0),
    }


@dataclass
class Totals:
    """Accidents, deaths and pending missing per (category, grade) of one period."""

    cells: dict[tuple[str, str], tuple[int, int, int]] = field(default_factory=dict)

    def _sum(self, position: int, group: str, grades) -> int:
        categories = GROUPS[group]
        return sum(
            cell[position]
            for (category, grade), cell in self.cells.items()
            if category in categories and (grades is None or grade in grades)
        )

    def accidents(self, group: str = ALL, grades=None) -> int:
        return self._sum(0, group, grades)

    def deaths(self, group: str = ALL, grades=None) -> int:
        return self._sum(1, group, grades)

    def pending_missing(self, group: str = ALL, grades=None) -> int:
        return self._sum(2, group, grades)

    def numerator(self, indicator: Indicator) -> int:
        """What ``indicator`` counts: its group's deaths or accidents, of its grades."""
        if indicator.measure == indicators.ACCIDENTS:
            return self.accidents(indicator.group, indicator.grades)
        return self.deaths(indicator.group, indicator.grades)


def totals_by_year(
    region_code: str,
    years: Iterable[int],
    *,
    through_month: int | None = None,
    as_of: datetime | None = None,
) -> dict[int, Totals]:
    """``Totals`` of each of ``years`` (each January … ``through_month`` when given), in one
    aggregate query grouped by year, category and grade."""
    _check_month(through_month)
    years = sorted(set(years))
    result = {year: Totals() for year in years}
    if not years:
        return result
    as_of = as_of or timezone.now()
    local = timezone.get_default_timezone()
    start, _end = period(years[0])
    _start, end = period(years[-1])
    rows = Accident.objects.filter(
        state__in=COUNTED_STATES,
        region_code__startswith=region_code,
        occurred_at__gte=start,
        occurred_at__lt=end,
    ).annotate(year=ExtractYear("occurred_at", tzinfo=local))
    if through_month is not None and through_month < 12:
        rows = rows.annotate(month=ExtractMonth("occurred_at", tzinfo=local)).filter(
            month__lte=through_month
        )
    grouped = rows.values("year", "category", "grade").annotate(**_sums(as_of)).order_by()
    for row in grouped:
        if row["year"] in result:
            result[row["year"]].cells[(row["category"], row["grade"])] = (
                row["accidents"],
                row["deaths"],
                row["pending_missing"],
            )
    return result


def totals(
    region_code: str,
    year: int,
    through_month: int | None = None,
    *,
    as_of: datetime | None = None,
) -> Totals:
    """``Totals`` of one year (or January … ``through_month``): one aggregate query."""
    return totals_by_year(region_code, [year], through_month=through_month, as_of=as_of)[year]


# --- denominators and figures ------------------------------------------------------------------


def denominators(region_code: str, years: Iterable[int]) -> dict[int, Denominator]:
    """The region's own denominators for ``years`` (a year without a row is absent)."""
    rows = Denominator.objects.filter(region_code=region_code, year__in=sorted(set(years)))
    return {row.year: row for row in rows}


def figure_from(indicator: Indicator, totals_: Totals, denominator: Denominator | None) -> Figure:
    """The figure from already-read numbers (no query)."""
    value = None
    if indicator.is_rate and denominator is not None:
        value = getattr(denominator, indicator.denominator)
    return indicators.compute(indicator, totals_.numerator(indicator), value)


def figure(
    key: str,
    region: Region | str,
    year: int,
    *,
    through_month: int | None = None,
    as_of: datetime | None = None,
) -> Figure:
    """The figure of indicator ``key`` for ``region`` in ``year`` (two queries)."""
    indicator = indicators.get(key)
    code = region if isinstance(region, str) else region.code
    found = denominators(code, [year]).get(year) if indicator.is_rate else None
    return figure_from(indicator, totals(code, year, through_month, as_of=as_of), found)


# --- breakdowns ---------------------------------------------------------------------------------

BREAKDOWNS = ("grade", "category", "street", "district", "month")


@dataclass(frozen=True)
class BreakdownRow:
    key: str
    label: str
    accidents: int = 0
    deaths: int = 0
    pending_missing: int = 0


def breakdown(
    region: Region,
    year: int,
    by: str = "grade",
    *,
    through_month: int | None = None,
    as_of: datetime | None = None,
) -> list[BreakdownRow]:
    """Accidents and deaths of ``region`` in ``year`` per grade, category, street, district
    or month (one GROUP BY query), every grade, category, month, or active street/district
    under the region listed even with nothing in it."""
    if by not in BREAKDOWNS:
        raise ValueError(f"breakdown by {by!r}: not one of {BREAKDOWNS}")
    as_of = as_of or timezone.now()
    rows = counted_accidents(region.code, year, through_month=through_month)
    if by in ("grade", "category"):
        expression = F(by)
    elif by == "month":
        expression = ExtractMonth("occurred_at", tzinfo=timezone.get_default_timezone())
    else:
        expression = code_at_sql("region_code", _level(by))
    grouped = rows.annotate(key=expression).values("key").annotate(**_sums(as_of)).order_by()
    found = {str(row["key"]): row for row in grouped}
    result = []
    for key, label in _labels(region, by, through_month, extra=found):
        row = found.get(key, {})
        result.append(
            BreakdownRow(
                key=key,
                label=str(label),
                accidents=row.get("accidents", 0),
                deaths=row.get("deaths", 0),
                pending_missing=row.get("pending_missing", 0),
            )
        )
    return result


def _level(by: str) -> RegionLevel:
    return RegionLevel.STREET if by == "street" else RegionLevel.DISTRICT


def _labels(region: Region, by: str, through_month: int | None, *, extra) -> list[tuple]:
    if by == "grade":
        return list(Grade.choices)
    if by == "category":
        return list(Category.choices)
    if by == "month":
        return [(str(m), f"{m}月") for m in range(1, (through_month or 12) + 1)]
    level = _level(by)
    length = code_length(level)
    if len(region.code) >= length:
        names = {region.code[:length]: region.name}
    else:
        names = dict(
            Region.objects.under(region.code)
            .filter(level=level, is_active=True)
            .values_list("code", "name")
        )
    # A record under a region since deactivated or renamed still counts, under its code.
    for code in extra:
        names.setdefault(code, code)
    return sorted(names.items())
