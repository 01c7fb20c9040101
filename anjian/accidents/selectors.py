"""Scoped reads of accident records: the list with its filters (the indicators' drill-down
opens exactly the accidents a figure counts), one record for a page or a write, and what
the reporting chain looks like now."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from anjian.accidents.choices import INDUSTRY_TRADE, Category, Grade, Level
from anjian.accidents.models import COUNTED_STATES, Accident, ReportingStep
from anjian.core.exceptions import OutOfScope

# The category groups the indicators count by (RULES.md §8).
GROUPS = {
    "all": None,
    "industry_trade": sorted(INDUSTRY_TRADE),
    "road": [Category.ROAD],
}


def visible_accidents(user) -> QuerySet[Accident]:
    return Accident.objects.for_user(user)


def accident_for_read(user, accident_id: int) -> Accident:
    found = (
        visible_accidents(user)
        .select_related("region", "enterprise", "industry", "reported_by")
        .filter(pk=accident_id)
        .first()
    )
    if found is None:
        raise OutOfScope()
    return found


def accident_for_write(user, accident_id: int) -> Accident:
    """The accident through ``user``'s scope, locked until the transaction ends."""
    found = visible_accidents(user).select_for_update(of=("self",)).filter(pk=accident_id).first()
    if found is None:
        raise OutOfScope()
    return found


def period(year: int, through_month: int | None = None) -> tuple[datetime, datetime]:
    """[start, end) of ``year`` — or of January … ``through_month`` — in the deployment's
    local time (Asia/Shanghai, not a zone a request may have activated): an accident at
    23:30 on 31 December counts in that year. The one cut the list and the indicators
    (``analytics.figures``) share, so a figure's drill-down opens exactly its records."""
    zone = timezone.get_default_timezone()
    last = through_month or 12
    end = datetime(year + 1, 1, 1) if last == 12 else datetime(year, last + 1, 1)
    return timezone.make_aware(datetime(year, 1, 1), zone), timezone.make_aware(end, zone)


def month_period(year: int, month: int) -> tuple[datetime, datetime]:
    """[start, end) of one month, in the same local time as ``period``."""
    start = timezone.make_aware(datetime(year, month, 1), timezone.get_default_timezone())
    return start, period(year, month)[1]


def filter_accidents(accidents: QuerySet[Accident], params) -> QuerySet[Accident]:
    """Apply the list's query parameters: ``region`` (code prefix), ``year`` with ``month``
    (that month) or ``through_month`` (January to that month), ``group``
    (all/industry_trade/road), ``category``, ``grade`` (repeatable: any of them),
    ``grade_at_least``, ``state``, ``counted`` (1: not voided — what the figures count),
    ``q`` (number, unit, place). This is the drill-down the indicators link to
    (``analytics.selectors.drilldown``): the same rules, the year cut in local time.
    Unknown or malformed values are ignored (the API refuses them before they get here)."""
    region = (params.get("region") or "").strip()
    if region.isdigit():
        accidents = accidents.filter(region_code__startswith=region)
    year = _int(params.get("year"))
    if year and 1900 < year < 3000:
        start, end = period(year)
        month = _int(params.get("month"))
        through = _int(params.get("through_month"))
        if params.get("through") == "1" and month:  # the list page's "累计" box
            month, through = None, month
        if month and 1 <= month <= 12:
            start, end = month_period(year, month)
        elif through and 1 <= through <= 12:
            start, end = period(year, through)
        accidents = accidents.filter(occurred_at__gte=start, occurred_at__lt=end)
    group = params.get("group")
    if group in GROUPS and GROUPS[group] is not None:
        accidents = accidents.filter(category__in=GROUPS[group])
    if params.get("category") in Category.values:
        accidents = accidents.filter(category=params["category"])
    grades = [g for g in _many(params, "grade") if g in Grade.values]
    if grades:
        accidents = accidents.filter(grade__in=grades)
    if params.get("grade_at_least") in Grade.values:
        order = list(Grade.values)
        accidents = accidents.filter(grade__in=order[order.index(params["grade_at_least"]) :])
    if params.get("state"):
        accidents = accidents.filter(state=params["state"])
    if params.get("counted") == "1":
        accidents = accidents.filter(state__in=COUNTED_STATES)
    query = (params.get("q") or "").strip()
    if query:
        accidents = accidents.filter(
            Q(number__icontains=query) | Q(unit_name__icontains=query) | Q(place__icontains=query)
        )
    return accidents


def _many(params, name: str) -> list[str]:
    if hasattr(params, "getlist"):
        return params.getlist(name)
    value = params.get(name)
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class ChainLine:
    step: ReportingStep
    status: str  # informed / late / due / overdue / not_required
    label: str


def chain(accident: Accident, now: datetime | None = None) -> list[ChainLine]:
    """The reporting chain as the record page shows it, from the county up."""
    now = now or timezone.now()
    lines = []
    order = {level: rank for rank, level in enumerate(Level)}
    for step in sorted(accident.steps.all(), key=lambda step: order[step.level]):
        if step.informed_at is not None:
            status = "late" if step.informed_at > step.due_at else "informed"
            label = "迟报" if status == "late" else "按时报告"
        elif not step.required:
            status, label = "not_required", "按现等级无须报告"
        elif now > step.due_at:
            status, label = "overdue", "已超时未报告"
        else:
            status, label = "due", "待报告"
        lines.append(ChainLine(step, status, label))
    return lines


def overdue_steps(now: datetime | None = None) -> QuerySet[ReportingStep]:
    """Required steps of open accidents past their time limit and not yet informed."""
    return ReportingStep.objects.filter(
        required=True,
        informed_at__isnull=True,
        due_at__lt=now or timezone.now(),
        accident__state__in=COUNTED_STATES,
    ).select_related("accident")
