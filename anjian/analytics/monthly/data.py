"""Every number of one 区情月报 — (region, month) → ``MonthlyFigures``, plain data.

Nothing here computes a figure of its own: each section calls the module that owns it, so
the report says what that module's page says —

- 事故: ``analytics.selectors.breakdown`` (by grade, category, street or district, month;
  January … the month, so the month alone is the month's line of the "by month"
  breakdown, or the year-to-date breakdown less the one through the month before) and the
  accidents list's own filter (``accidents.selectors.filter_accidents``) for the records;
- 指标: ``analytics.selectors.indicator_report`` (January … the month, against the targets);
- 隐患: ``hazards.selectors.ClearingReport`` (动态清零: the month found, January … the month,
  同比; the open, overdue and major figures are current, as on that page);
- 执法: ``inspections.figures.report.EnforcementReport`` (执法统计 of the month and of
  January … the month);
- 报警: ``monitoring.selectors.alarm_figures`` (the alarms raised since the month began,
  less those raised since it ended — every figure taken is a count, so the difference is
  the month's) and ``online_totals`` (the device online rate now); the
  重大危险源在线监测率 now: ``hazchem.selectors_coverage.coverage_figure``;
- 重点工作: the plan completion of 执法统计, the hazards 挂牌督办中 (the hazard list's
  filter) and the year's accident records by state.

The figures' shape is in ``figures``.

Whose view: the report is the region's, the same whoever generates it — so every read
runs as ``region_reader(region)``, an unsaved account whose scope is exactly the region
(a 综合监管 supervisor of it), never as the person who pressed the button (who may be a
city official, or nobody: the command line). The caller has checked that person's scope.
"""

from collections.abc import Callable
from datetime import date, datetime

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accidents.choices import Category, Grade
from anjian.accidents.models import AccidentState
from anjian.accidents.selectors import filter_accidents, visible_accidents
from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.analytics import selectors as indicator_selectors
from anjian.analytics.monthly.figures import (
    AccidentFigures,
    AccidentLine,
    AccidentRecord,
    AlarmFigures,
    EnforcementFigures,
    EnforcementLine,
    HazardArea,
    HazardFigures,
    IndicatorFigures,
    IndicatorLine,
    ListingLine,
    MonthlyFigures,
    Tally,
    TaskFigures,
)
from anjian.core.models import SiteFlag
from anjian.hazards.choices import ListingState
from anjian.hazards.selectors import ClearingReport, FigureFilters, hazard_filter
from anjian.hazchem.selectors_coverage import coverage_figure
from anjian.inspections.figures.report import EnforcementReport
from anjian.inspections.figures.selectors import Period, Where
from anjian.monitoring.selectors import alarm_figures, online_totals
from anjian.regions.choices import RegionLevel
from anjian.regions.levels import is_at_or_below
from anjian.regions.models import Region

RECORDS_LIMIT = 1000  # accident records of one month kept (a city's month is far fewer)
LISTINGS_LIMIT = 200

Step = Callable[[int, str], None]


def region_reader(region: Region) -> User:
    """An unsaved account whose scope is ``region`` exactly, with every industry (a
    综合监管 supervisor of it): what the report's figures are read as."""
    return User(
        username=f"monthly-report-{region.code}",
        name=region.name,
        role=Role.SUPERVISOR,
        region=region,
        is_active=True,
    )


def area_level(region: Region) -> RegionLevel:
    """What the tables break a region down by: streets of a district, districts above."""
    return (
        RegionLevel.STREET
        if is_at_or_below(region.code, RegionLevel.DISTRICT)
        else (RegionLevel.DISTRICT)
    )


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# --- gathering -------------------------------------------------------------------------------

SECTIONS = 6  # the steps ``gather`` reports


def gather(
    region: Region,
    year: int,
    month: int,
    *,
    as_of: datetime | None = None,
    step: Step | None = None,
) -> MonthlyFigures:
    """Every figure of ``region``'s report for ``month`` of ``year``, read as the region's
    own reader; ``step(n, message)`` after each of the ``SECTIONS`` sections."""
    as_of = as_of or timezone.now()
    reader = region_reader(region)
    level = area_level(region)
    report = step or (lambda n, message: None)
    accidents = _accidents(reader, region, year, month, as_of, level)
    report(1, _("事故情况"))
    indicators = _indicators(reader, region, year, month, as_of)
    report(2, _("指标完成情况"))
    hazards = _hazards(reader, region, year, month, level)
    report(3, _("隐患排查治理"))
    enforcement = _enforcement(reader, region, year, month, level)
    report(4, _("监督检查与执法"))
    alarms = _alarms(reader, year, month)
    report(5, _("监测预警"))
    tasks = _tasks(reader, region, year, month, enforcement, accidents)
    report(6, _("重点工作进展"))
    return MonthlyFigures(
        region_code=region.code,
        region_name=region.name,
        year=year,
        month=month,
        as_of=as_of,
        synthetic=SiteFlag.objects.filter(key=SiteFlag.DEMO_DATA).exists(),
        area_label=_("街镇") if level == RegionLevel.STREET else _("区"),
        accidents=accidents,
        indicators=indicators,
        hazards=hazards,
        enforcement=enforcement,
        alarms=alarms,
        tasks=tasks,
    )


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """[start, end) of the month in local time."""
    start = timezone.make_aware(datetime(year, month, 1))
    end = timezone.make_aware(datetime(year + month // 12, month % 12 + 1, 1))
    return start, end


# --- 事故 ------------------------------------------------------------------------------------


def _breakdown(reader, region, year: int, by: str, through: int, as_of) -> dict:
    if through < 1:
        return {}
    rows = indicator_selectors.breakdown(
        reader, region, year, by, through_month=through, as_of=as_of
    )
    return {row.key: row for row, _url in rows}


def _lines(reader, region, year, month, by, as_of, *, keep_empty=False) -> list[AccidentLine]:
    to_date = _breakdown(reader, region, year, by, month, as_of)
    before = _breakdown(reader, region, year, by, month - 1, as_of)
    lines = []
    for key, row in to_date.items():
        earlier = before.get(key)
        month_only = Tally(
            row.accidents - (earlier.accidents if earlier else 0),
            row.deaths - (earlier.deaths if earlier else 0),
        )
        if keep_empty or row.accidents:
            lines.append(AccidentLine(key, row.label, month_only, Tally(row.accidents, row.deaths)))
    return lines


def _accidents(reader, region, year, month, as_of, level) -> AccidentFigures:
    this_year = _breakdown(reader, region, year, "month", month, as_of)
    last_year = _breakdown(reader, region, year - 1, "month", month, as_of)
    by_month = []
    for m in range(1, month + 1):
        now, then = this_year.get(str(m)), last_year.get(str(m))
        by_month.append(
            (
                m,
                Tally(now.accidents, now.deaths) if now else Tally(),
                Tally(then.accidents, then.deaths) if then else Tally(),
            )
        )

    def total(rows) -> Tally:
        return Tally(sum(r.accidents for r in rows.values()), sum(r.deaths for r in rows.values()))

    current = this_year.get(str(month))
    area = "street" if level == RegionLevel.STREET else "district"
    records, records_total = _records(reader, region, year, month)
    return AccidentFigures(
        month=by_month[-1][1],
        month_last_year=by_month[-1][2],
        year=total(this_year),
        year_last_year=total(last_year),
        pending_missing=current.pending_missing if current else 0,
        by_grade=_lines(reader, region, year, month, "grade", as_of, keep_empty=True),
        by_category=_lines(reader, region, year, month, "category", as_of),
        by_area=_lines(reader, region, year, month, area, as_of),
        by_month=by_month,
        records=records,
        records_total=records_total,
        by_state=_by_state(reader, region, year, month),
    )


def _month_records(reader, region, year, month, *, through=False):
    params = {"region": region.code, "year": str(year), "month": str(month), "counted": "1"}
    if through:
        params["through"] = "1"
    return filter_accidents(visible_accidents(reader), params)


def _records(reader, region, year, month) -> tuple[list[AccidentRecord], int]:
    rows = _month_records(reader, region, year, month).select_related("region")
    total = rows.count()
    grades, categories = dict(Grade.choices), dict(Category.choices)
    records = [
        AccidentRecord(
            number=row.number,
            occurred_at=timezone.localtime(row.occurred_at),
            area=row.region.name,
            unit_name=row.unit_name,
            category=str(categories.get(row.category, row.category)),
            grade=str(grades.get(row.grade, row.grade)),
            deaths=row.deaths,
            missing=row.missing,
            serious_injuries=row.serious_injuries,
            direct_loss=row.direct_loss,
        )
        for row in rows.order_by("occurred_at", "id")[:RECORDS_LIMIT]
    ]
    return records, total


def _by_state(reader, region, year, month) -> dict[str, int]:
    rows = (
        _month_records(reader, region, year, month, through=True)
        .order_by()
        .values("state")
        .annotate(n=Count("id"))
    )
    found = {row["state"]: row["n"] for row in rows}
    return {
        state: found.get(state, 0)
        for state in AccidentState.values
        if state != AccidentState.VOIDED
    }


# --- 指标 ------------------------------------------------------------------------------------


def _indicators(reader, region, year, month, as_of) -> IndicatorFigures:
    report = indicator_selectors.indicator_report(
        reader, region, year, through_month=month, as_of=as_of
    )
    lines = []
    for line in report.lines:
        check = line.target
        lines.append(
            IndicatorLine(
                key=line.indicator.key,
                label=str(line.indicator.label),
                unit=str(line.indicator.unit),
                value=line.figure.value,
                reason=line.figure.reason_text,
                previous=line.previous.value,
                change=line.change,
                change_percent=line.change_percent,
                target=check.text if check else "",
                plan=check.plan.name if check else "",
                met=check.met if check else None,
                verdict_reason=check.reason if check else "",
                is_rate=line.indicator.is_rate,
                trend=[(y, figure.value) for y, figure in line.trend],
            )
        )
    return IndicatorFigures(
        year=year,
        through_month=month,
        denominator_missing=report.denominator is None,
        lines=lines,
    )


# --- 隐患 ------------------------------------------------------------------------------------


def _hazards(reader, region, year, month, level) -> HazardFigures:
    first = date(year, month, 1)
    group = "street" if level == RegionLevel.STREET else "district"
    today = timezone.localdate()
    the_month = ClearingReport(
        reader,
        FigureFilters(region=region.code, month_from=first, month_to=first),
        today=today,
        breakdowns=(group,),
    )
    figures = the_month.figures()
    last_year = the_month.compared()["last_year"].figures
    to_date = ClearingReport(
        reader,
        FigureFilters(region=region.code, month_from=date(year, 1, 1), month_to=first),
        today=today,
    )
    year_figures = to_date.figures()
    months = {row.key[:7]: row for row in to_date.breakdown("month")}
    by_month = []
    for m in range(1, month + 1):
        row = months.get(f"{year}-{m:02d}")
        by_month.append((m, row.found if row else 0, row.closed if row else 0))
    return HazardFigures(
        found=figures.found,
        registered=figures.registered,
        closed=figures.closed,
        major=figures.major,
        major_closed=figures.major_closed,
        rectification_rate=figures.rectification_rate,
        found_last_year=last_year.found,
        closed_last_year=last_year.closed,
        year_found=year_figures.found,
        year_closed=year_figures.closed,
        year_major=year_figures.major,
        year_major_closed=year_figures.major_closed,
        year_rectification_rate=year_figures.rectification_rate,
        open_now=figures.open,
        major_open_now=figures.major_open,
        overdue=figures.overdue,
        overdue_major=figures.overdue_major,
        due_soon=figures.due_soon,
        by_area=[
            HazardArea(
                key=row.key,
                label=row.label,
                found=row.found,
                closed=row.closed,
                open=row.open,
                overdue=row.overdue,
                overdue_major=row.overdue_major,
            )
            for row in sorted(the_month.breakdown(group), key=lambda r: r.key)
        ],
        by_month=by_month,
    )


# --- 执法 ------------------------------------------------------------------------------------


def _enforcement_line(row) -> EnforcementLine:
    return EnforcementLine(
        key=str(row.key or ""),
        label=row.label,
        planned=row.planned,
        inspected=row.inspected,
        done=row.done,
        inspection_rate=row.inspection_rate,
        findings=row.findings,
        rectified=row.rectified,
        rectification_rate=row.rectification_rate,
        violating=row.violating,
        punished=row.punished,
        penalty_rate=row.penalty_rate,
        cases=row.punished_cases + row.other_cases,
        fines=row.fines,
        unannounced=row.unannounced,
    )


def _enforcement(reader, region, year, month, level) -> EnforcementFigures:
    where = Where(region=region.code)
    the_month = EnforcementReport(reader, Period(year, month, month), where, level=level).read()
    to_date = EnforcementReport(reader, Period(year, 1, month), where, level=level).read()
    last = to_date.months[-1] if to_date.months else None
    return EnforcementFigures(
        month=_enforcement_line(the_month.total),
        year=_enforcement_line(to_date.total),
        by_area=[_enforcement_line(row) for row in the_month.regions],
        by_month=[(row.key, row.inspected, row.cumulative_rate) for row in to_date.months],
        year_planned=to_date.year_planned,
        cumulative=last.cumulative if last else 0,
        plan_rate=last.cumulative_rate if last else None,
    )


# --- 报警 ------------------------------------------------------------------------------------


def _alarms(reader, year, month) -> AlarmFigures:
    start, end = month_bounds(year, month)
    since_start, since_end = alarm_figures(reader, since=start), alarm_figures(reader, since=end)

    def raised_in_month(name: str) -> int:
        return getattr(since_start, name) - getattr(since_end, name)

    raised = raised_in_month("count")
    first = raised_in_month("first_grade")
    disposed = raised_in_month("disposed")
    false_alarms = raised_in_month("false_alarms")
    online = online_totals(reader)
    coverage = coverage_figure(reader).total
    return AlarmFigures(
        raised=raised,
        first_grade=first,
        second_grade=raised - first,
        disposed=disposed,
        open=raised_in_month("open"),
        unacknowledged=raised_in_month("unacknowledged"),
        false_alarms=false_alarms,
        disposal_rate=_rate(disposed, raised),
        false_alarm_rate=_rate(false_alarms, disposed),
        devices=online.devices,
        online=online.online,
        online_rate=online.online_rate,
        sources_monitored=coverage.counted,
        sources_covered=coverage.covered,
        sources_no_device=coverage.no_device,
        sources_missing=coverage.missing,
        sources_offline=coverage.offline,
        coverage_rate=coverage.rate,
    )


# --- 重点工作 ----------------------------------------------------------------------------------


def _listings(reader, region) -> tuple[list[ListingLine], int]:
    key = "street" if is_at_or_below(region.code, RegionLevel.STREET) else "district"
    hazards = (
        hazard_filter(reader, {key: region.code, "progress": "listed"})
        .qs.select_related("enterprise", "place")
        .prefetch_related("listings")
        .order_by("number")
    )
    today = timezone.localdate()
    lines = []
    total = hazards.count()
    for hazard in hazards[:LISTINGS_LIMIT]:
        listing = next((x for x in hazard.listings.all() if x.state == ListingState.LISTED), None)
        if listing is None:
            continue
        lines.append(
            ListingLine(
                number=hazard.number,
                title=hazard.title,
                unit=hazard.owner.name if hazard.owner else "",
                authority=listing.authority,
                document_number=listing.document_number,
                listed_on=listing.listed_on,
                deadline=listing.deadline,
                overdue=listing.is_overdue(today),
            )
        )
    return lines, total


def _tasks(reader, region, year, month, enforcement, accidents) -> TaskFigures:
    listings, listed = _listings(reader, region)
    return TaskFigures(
        plan_rate=enforcement.plan_rate,
        schedule_rate=round(100 * month / 12, 1),
        year_planned=enforcement.year_planned,
        cumulative=enforcement.cumulative,
        listed=listed,
        listings_overdue=sum(1 for line in listings if line.overdue),
        listings=listings,
        accidents_by_state=accidents.by_state,
    )
