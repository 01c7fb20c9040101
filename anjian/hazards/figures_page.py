"""The figures page's context: filters from the query string, figures, drill-down links."""

from datetime import date
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.hazards import selectors
from anjian.hazards.filters import OWNER_CHOICES
from anjian.regions import selectors as region_selectors
from anjian.regions.choices import RegionLevel
from anjian.regions.levels import is_at_or_below

PERIODS = [
    ("year", _("本年")),
    ("quarter", _("本季度")),
    ("month", _("本月")),
    ("12m", _("近12个月")),
    ("all", _("全部")),
    ("custom", _("自定义")),
]

# The headline figures set beside 同比 and 环比: (name, a rate compared in points).
COMPARED = (
    ("found", False),
    ("major", False),
    ("registered_rate", True),
    ("rectification_rate", True),
    ("on_time_rate", True),
    ("average_days", False),
)
COMPARISON_LABELS = {"last_year": _("同比"), "previous": _("环比")}


def _month(value: str) -> date | None:
    try:
        year, month = value.split("-")[:2]
        return date(int(year), int(month), 1)
    except (ValueError, AttributeError):
        return None


def period_months(period: str, today: date) -> tuple[date | None, date | None]:
    this_month = today.replace(day=1)
    if period == "month":
        return this_month, this_month
    if period == "quarter":
        return today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), this_month
    if period == "12m":
        if today.month == 12:
            start = date(today.year, 1, 1)
        else:
            start = date(today.year - 1, today.month + 1, 1)
        return start, this_month
    if period == "all":
        return None, None
    return date(today.year, 1, 1), this_month


def _change(now, before, *, rate: bool) -> str:
    """How ``now`` differs from ``before``: points for a rate, per cent otherwise."""
    if now is None or before is None:
        return "—"
    if rate:
        return _("%(d)+.1f个百分点") % {"d": now - before}
    if not before:
        return "—"
    return f"{100 * (now - before) / before:+.1f}%"


def _period(params, today: date) -> tuple[str, date | None, date | None, str]:
    """The period asked for, its first and last month, and what is wrong with a custom
    range (empty when nothing)."""
    period = params.get("period") or ""
    typed = params.get("month_from") or params.get("month_to")
    if period == "custom" or (not period and typed):
        month_from = _month(params.get("month_from", ""))
        month_to = _month(params.get("month_to", ""))
        if month_from is None or month_to is None:
            start, end = period_months("year", today)
            return "custom", month_from or start, month_to or end, _("请选择起止月份")
        if month_from > month_to:
            return "custom", month_to, month_from, _("起始月份晚于截止月份，已对调")
        return "custom", month_from, month_to, ""
    if period not in dict(PERIODS):
        period = "year"
    month_from, month_to = period_months(period, today)
    return period, month_from, month_to, ""


def figures_context(user, params) -> dict:
    today = timezone.localdate()
    period, month_from, month_to, period_error = _period(params, today)
    region = (params.get("region") or "").strip()
    if region and not region.isdigit():
        region = ""
    industries = list(region_selectors.industries_for(user))
    industry = next((i for i in industries if i.code == params.get("industry")), None)
    owner = params.get("owner") if params.get("owner") in dict(OWNER_CHOICES) else ""
    filters = selectors.FigureFilters(
        region=region,
        industry_id=industry.pk if industry else None,
        owner=owner,
        month_from=month_from,
        month_to=month_to,
    )
    scope = user.scope
    enterprise_scope = scope.enterprise_id is not None
    region_group = (
        "district"
        if (scope.everything or not is_at_or_below(scope.region_prefix or "", RegionLevel.DISTRICT))
        else "street"
    )
    if region and is_at_or_below(region, RegionLevel.DISTRICT):
        region_group = "street"
    report = selectors.ClearingReport(
        user, filters, breakdowns=() if enterprise_scope else (region_group, "industry")
    )
    base = filters.query()
    list_url = reverse("hazards:hazard_list")
    link = _links(list_url, base)
    current_link = _links(list_url, {k: v for k, v in base.items() if not k.startswith("month")})

    regions = [] if enterprise_scope else _regions(user)
    names = dict(regions) | {str(i.pk): i.name for i in industries}
    breakdowns = {}
    if not enterprise_scope:
        breakdowns["region"] = report.breakdown(region_group, names=names)
        breakdowns["industry"] = report.breakdown("industry", names=names)
    breakdowns["month"] = report.breakdown("month")
    # After the breakdowns: the headline's deadline counts reuse their street-level rows.
    figures = report.figures()
    codes = {str(i.pk): i.code for i in industries}

    def row_links(row, **where) -> None:
        """The row's label and each of its numbers open the hazards they count."""
        row.url = link(**where)
        row.urls = {
            "found": link(**where, counted=1),
            "closed": link(**where, progress="closed"),
            "overdue": current_link(**where, progress="overdue"),
            "major_open": current_link(**where, grade="major", progress="open"),
        }

    for row in breakdowns.get("region", []):
        row_links(row, **{region_group: row.key})
    for row in breakdowns.get("industry", []):
        row_links(row, industry=codes.get(row.key, ""))
    return {
        "figures": figures,
        "filters": filters,
        "period": period,
        "periods": PERIODS,
        "region": region,
        "regions": regions,
        "industry": industry,
        "industries": industries,
        "industry_choices": [(i.code, i.name) for i in industries],
        "owner": owner,
        "owners": OWNER_CHOICES,
        "region_group": region_group,
        "breakdowns": breakdowns,
        "link": link,
        "sources": [
            {
                "label": label,
                "found": found,
                "closed": closed,
                "found_url": link(source=key, counted=1),
                "closed_url": link(source=key, progress="closed"),
            }
            for key, label, found, closed in figures.by_source
        ],
        "links": {
            "found": link(counted=1),
            "registered": link(state=["registered", "rectifying", "awaiting_acceptance", "closed"]),
            "closed": link(progress="closed"),
            "on_time": link(progress="on_time"),
            "open": current_link(progress="open"),
            "major": link(grade="major", counted=1),
            "major_open": current_link(grade="major", progress="open"),
            "overdue": current_link(progress="overdue"),
            "overdue_major": current_link(progress="overdue", grade="major"),
            "due_soon": current_link(progress="due_soon"),
            "reported": link(state="reported"),
            "on_spot": link(progress="on_spot"),
            "void": link(state="void"),
        },
        "month_from": month_from.strftime("%Y-%m") if month_from else "",
        "month_to": month_to.strftime("%Y-%m") if month_to else "",
        "chart": _trend(breakdowns["month"], link),
        "period_error": period_error,
        "comparisons": _comparisons(
            figures, report.compared(), link, skip_previous=period == "year"
        ),
    }


def _links(url: str, base: dict):
    """``link(**extra)``: ``url`` with the query ``base`` updated by ``extra`` (empty values
    left out) — the page's hundred-odd drill-down links, each parameter encoded once."""
    encoded: dict = {}

    def pair(key: str, value) -> str:
        hashable = (key, tuple(value) if isinstance(value, list) else value)
        if hashable not in encoded:
            encoded[hashable] = urlencode({key: value}, doseq=True)
        return encoded[hashable]

    fixed = {key: pair(key, value) for key, value in base.items()}

    def link(**extra) -> str:
        parts = dict(fixed)
        for key, value in extra.items():
            if value not in (None, ""):
                parts[key] = pair(key, value)
        return f"{url}?{'&'.join(parts.values())}"

    return link


def _regions(user) -> list[tuple[str, str]]:
    """(code, name) of the districts and streets of the user's scope, districts first, for
    the region picker and the breakdown's labels — one cached read of three columns (a
    city's 231 regions as model objects cost milliseconds to unpickle on every page)."""
    both = region_selectors.districts_in(user) | region_selectors.streets_for(user)
    return [
        (code, name) for _level, code, name in sorted(both.values_list("level", "code", "name"))
    ]


def _trend(months: list, link) -> dict:
    """The 按月趋势 series, each bar or point with the ledger link of what it counts: found
    that month (not void), closed, and found that month still open now."""

    def month_link(row, **extra) -> str:
        return link(month_from=row.key[:7], month_to=row.key[:7], **extra)

    return {
        "months": [f.key[:7] for f in months],
        "found": [f.found for f in months],
        "closed": [f.closed for f in months],
        "open": [f.open for f in months],
        "links": {
            "found": [month_link(f, counted=1) for f in months],
            "closed": [month_link(f, progress="closed") for f in months],
            "open": [month_link(f, progress="open") for f in months],
        },
    }


def _comparisons(figures, compared: dict, link, *, skip_previous: bool) -> dict:
    """Per headline figure: [(label, change, the earlier window's months, its ledger link)].
    本年 is set beside last year only (环比 of a year to date says little)."""
    shown: dict[str, list] = {name: [] for name, _rate in COMPARED}
    for key, comparison in compared.items():
        if key == "previous" and skip_previous:
            continue
        before = comparison.figures
        months = f"{comparison.month_from:%Y-%m} — {comparison.month_to:%Y-%m}"
        url = link(
            month_from=f"{comparison.month_from:%Y-%m}",
            month_to=f"{comparison.month_to:%Y-%m}",
            counted=1,
        )
        for name, rate in COMPARED:
            change = _change(getattr(figures, name), getattr(before, name), rate=rate)
            shown[name].append(
                {"label": COMPARISON_LABELS[key], "change": change, "months": months, "url": url}
            )
    return shown
