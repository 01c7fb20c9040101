"""/analytics/indicators/ — 指标监测: the plan indicators of a region for a year, each with
last year's figure, the change, a five-year trend and the target that applies, the
breakdowns by grade, category, street (or district) and month, and the definitions; and the
same as a workbook.

Thin: ``selectors.indicator_report`` and ``selectors.breakdown`` compute (scope-checked: a
region outside the user's scope is 404); ``page_context`` only reads the query string and
puts the figures in the words and links the page shows. Every number links to the
accidents list showing the records it counts (the line's drill-down).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from anjian.accidents.choices import Grade
from anjian.analytics import exports, forms, indicators, selectors
from anjian.analytics import permissions as perms
from anjian.analytics.choices import Comparison
from anjian.analytics.indicators import GROUP_LABELS, INDICATORS
from anjian.analytics.models import FIRST_YEAR, IndicatorPlan
from anjian.analytics.services import REGION_LEVELS
from anjian.core.access import requires
from anjian.core.forms import attachment
from anjian.core.scoping import scope_of
from anjian.regions.choices import RegionLevel
from anjian.regions.levels import ancestor_codes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BREAKDOWN_TITLES = {
    "grade": gettext_lazy("按事故等级"),
    "category": gettext_lazy("按事故类别"),
    "street": gettext_lazy("按街镇"),
    "district": gettext_lazy("按区"),
    "month": gettext_lazy("按月份"),
}


# --- the period asked for ---------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    year: int
    through_month: int | None  # None: the whole year (or, this year, up to today)
    to_date: bool  # this year, up to today

    @property
    def text(self) -> str:
        if self.to_date:
            today = timezone.localdate()
            return _("%(y)d年1月1日至今日（%(m)d月%(d)d日）") % {
                "y": self.year,
                "m": today.month,
                "d": today.day,
            }
        return months_text(self.year, self.through_month)

    @property
    def previous_text(self) -> str:
        return months_text(self.year - 1, self.through_month)


def months_text(year: int, through_month: int | None) -> str:
    if through_month is None or through_month == 12:
        return _("%(y)d年全年") % {"y": year}
    if through_month == 1:
        return _("%(y)d年1月") % {"y": year}
    return _("%(y)d年1—%(m)d月") % {"y": year, "m": through_month}


def _int(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def read_period(params, errors: list) -> Period:
    """The year (default this one) and the month it runs to. This year defaults to today:
    January up to the current month, whose later days hold no records yet; an earlier
    year to December. What was wrong with the query is said, and the default used."""
    today = timezone.localdate()
    year = _int(params.get("year"))
    if params.get("year") and (year is None or not FIRST_YEAR <= year <= today.year):
        errors.append(_("年份无效，已显示本年"))
        year = None
    year = year or today.year
    month = _int(params.get("through_month"))
    if params.get("through_month") and (month is None or not 1 <= month <= 12):
        errors.append(_("截止月份无效，已按默认月份统计"))
        month = None
    if year == today.year:
        month = min(month or today.month, today.month)
        to_date = month == today.month
    else:
        month = month or 12
        to_date = False
    return Period(year, None if month == 12 else month, to_date)


# --- the words and links of one indicator -------------------------------------------------------


def number_text(value, decimals: int = 0) -> str:
    """A figure as published: counts with thousands separators, rates to their decimals."""
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return f"{indicators.round_to(value, decimals):,.{decimals}f}"
    return f"{value:,}"


def change_text(value, decimals: int) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{indicators.round_to(value, decimals):+,.{decimals}f}"
    return f"{value:+,}"


def plain(value) -> str:
    """A bound as it is (2.3125 stays 2.3125: rounding it would misstate what is compared)."""
    if value is None:
        return ""
    return format(Decimal(value).quantize(Decimal("0.000001")).normalize(), "f")


def direction(indicator, change) -> str:
    """ "worse", "better" or "same": a rise is worse when lower is better."""
    if change is None:
        return ""
    if change == 0:
        return "same"
    return "worse" if (change > 0) == indicator.lower_is_better else "better"


def year_url(region_code: str, year: int, indicator, through_month: int | None) -> str:
    return selectors.drilldown_url(
        selectors.drilldown(
            region_code,
            year,
            group=indicator.group,
            grades=indicator.grades,
            through_month=through_month,
        )
    )


def _as_float(value) -> float | None:
    return None if value is None else float(value)


def card(line, region_code: str, period: Period) -> dict:
    """What one card shows: the figure, what it was computed from, last year, the change,
    the target and its verdict, and a link for each number."""
    indicator = line.indicator
    decimals = indicator.decimals
    figure = line.figure
    target = line.target
    shown = {
        "key": indicator.key,
        "label": indicator.label,
        "unit": indicator.unit,
        "is_rate": indicator.is_rate,
        "value": number_text(figure.value, decimals),
        "available": figure.available,
        "reason": figure.reason_text,
        "numerator": number_text(figure.numerator),
        "numerator_label": _("死亡人数")
        if indicator.measure == indicators.DEATHS
        else _("事故起数"),
        "denominator_label": indicators.DENOMINATOR_LABELS.get(indicator.denominator, ""),
        "denominator": number_text(figure.denominator, 2)
        if isinstance(figure.denominator, Decimal)
        else number_text(figure.denominator),
        "url": line.drilldown_url,
        "previous": number_text(line.previous.value, decimals),
        "previous_reason": line.previous.reason_text,
        "previous_url": year_url(region_code, period.year - 1, indicator, period.through_month),
        "change": change_text(line.change, decimals),
        "change_percent": "" if line.change_percent is None else f"{line.change_percent:+}%",
        "direction": direction(indicator, line.change),
        "pending_missing": line.pending_missing,
        # The numbers themselves, for the workbook (a cell holds a number, not its text).
        "raw": {
            "value": figure.value,
            "numerator": figure.numerator,
            "denominator": figure.denominator,
            "previous": line.previous.value,
            "change": line.change,
            "change_percent": line.change_percent,
        },
        "target": None,
        "trend": {
            "years": [year for year, _figure in line.trend],
            "values": [_as_float(f.value) for _year, f in line.trend],
            "urls": [
                year_url(region_code, year, indicator, period.through_month)
                for year, _figure in line.trend
            ],
            "unit": str(indicator.unit),
            "decimals": decimals,
        },
    }
    if target is not None:
        shown["target"] = {
            "text": target.text,
            "met": target.met,
            "reason": target.reason,
            "plan": target.plan,
            "inherited": target.inherited,
            "threshold": plain(target.threshold),
            "reduction": target.target.comparison == Comparison.REDUCE_BY_PERCENT,
            "baseline": plain(target.baseline),
            "baseline_from_plan": target.baseline_from_plan,
            "note": target.target.note,
        }
    return shown


# --- the page -----------------------------------------------------------------------------------


def breakdown_dimension(region) -> str | None:
    """The places a region's figures break down into: its districts (a city), its streets
    (a district); a street has none."""
    if region.level in (RegionLevel.PROVINCE, RegionLevel.CITY):
        return "district"
    if region.level == RegionLevel.DISTRICT:
        return "street"
    return None


def breakdowns(user, region, period: Period) -> list[dict]:
    place = breakdown_dimension(region)
    dimensions = ["grade", "category", *([place] if place else []), "month"]
    found = []
    for by in dimensions:
        rows = selectors.breakdown(
            user, region, period.year, by, through_month=period.through_month
        )
        found.append(
            {
                "by": by,
                "title": BREAKDOWN_TITLES[by],
                "rows": [
                    {
                        "label": row.label,
                        "accidents": row.accidents,
                        "deaths": row.deaths,
                        "pending_missing": row.pending_missing,
                        "url": url,
                    }
                    for row, url in rows
                ],
                "accidents": sum(row.accidents for row, _url in rows),
                "deaths": sum(row.deaths for row, _url in rows),
            }
        )
    return found


def definitions() -> list[dict]:
    """Each indicator's formula and the records it counts (``indicators.INDICATORS``)."""
    grade_labels = dict(Grade.choices)
    shown = []
    for indicator in INDICATORS:
        scope = str(GROUP_LABELS[indicator.group])
        if indicator.grades is not None:
            names = "、".join(str(grade_labels[g]) for g in Grade.values if g in indicator.grades)
            scope = _("%(group)s，%(grades)s") % {"group": scope, "grades": names}
        shown.append(
            {
                "label": indicator.label,
                "unit": indicator.unit,
                "formula": indicator.formula,
                "scope": scope,
                "decimals": indicator.decimals,
            }
        )
    return shown


def next_covered_year(region_code: str, year: int) -> int | None:
    """The last year before ``year`` an active plan of the region or above covers (where
    the page can send a reader when this year has no target)."""
    plans = IndicatorPlan.objects.filter(
        region_code__in=ancestor_codes(region_code), is_active=True, baseline_year__lt=year - 1
    )
    latest = max((min(plan.target_year, year - 1) for plan in plans), default=None)
    return latest


def denominator_link(user, report) -> str:
    """Where a manager enters the year's missing denominator (its row, or a new one)."""
    region = report.region
    if not user.can(perms.INDICATOR_MANAGE) or region.level not in REGION_LEVELS:
        return ""
    if not scope_of(user).covers_region(region.code):
        return ""
    if report.denominator is not None:
        return reverse("analytics:denominator_edit", args=[report.denominator.pk])
    return f"{reverse('analytics:denominator_create')}?region={region.code}&year={report.year}"


def page_context(user, params) -> dict:
    errors: list[str] = []
    period = read_period(params, errors)
    region_code = (params.get("region") or "").strip() or forms.default_region(user)
    report = selectors.indicator_report(
        user, region_code, period.year, through_month=period.through_month
    )
    region = report.region
    cards = [card(line, region.code, period) for line in report.lines]
    has_target = any(c["target"] for c in cards)
    this_year = timezone.localdate().year
    return {
        "report": report,
        "region": region,
        "period": period,
        "errors": errors,
        "cards": cards,
        "trends": {c["key"]: c["trend"] for c in cards},
        "breakdowns": breakdowns(user, region, period),
        "definitions": definitions(),
        "regions": region_choices(user, region),
        "years": forms.year_choices(min(this_year - 9, period.year)),
        "months": month_choices(period.year),
        "through_month": period.through_month or 12,
        "has_target": has_target,
        "covered_year": None if has_target else next_covered_year(region.code, period.year),
        "denominator_link": denominator_link(user, report),
        "is_street": region.level not in REGION_LEVELS,
        "can_manage": user.can(perms.INDICATOR_MANAGE),
        "query": _query(region.code, period),
    }


def region_choices(user, region) -> list[tuple[str, str]]:
    """The picker's regions; the one shown among them even when asked for by URL (a
    street of a city-wide user's scope, which the picker does not list)."""
    choices = [(r.code, forms.region_label(r)) for r in forms.readable_regions(user)]
    if region.code not in dict(choices):
        choices.insert(0, (region.code, forms.region_label(region)))
    return choices


def month_choices(year: int) -> list[tuple[int, str]]:
    """截至 1–12月; this year only up to the current month."""
    today = timezone.localdate()
    last = today.month if year == today.year else 12
    return [
        (
            month,
            _("截至今日")
            if (year, month) == (today.year, today.month)
            else _("截至%(m)d月") % {"m": month},
        )
        for month in range(1, last + 1)
    ]


def _query(region_code: str, period: Period) -> str:
    query = f"region={region_code}&year={period.year}"
    if period.through_month is not None:
        query += f"&through_month={period.through_month}"
    return query


@require_GET
@requires(perms.INDICATOR_VIEW)
def indicators_page(request):
    return render(request, "analytics/indicators.html", page_context(request.user, request.GET))


@require_GET
@requires(perms.INDICATOR_VIEW)
def indicators_export(request):
    """The page's figures as a workbook (the same query string as the page)."""
    context = page_context(request.user, request.GET)
    response = HttpResponse(content_type=XLSX)
    exports.write_indicators(response, context, user=request.user)
    name = _("安全生产指标_%(region)s_%(period)s_%(day)s.xlsx") % {
        "region": context["region"].name,
        "period": context["period"].year,
        "day": f"{timezone.localdate():%Y%m%d}",
    }
    attachment(response, name)
    return response
