"""The 执法统计 page's context: the filters from the query string, the report, and for every
number the link to the records it counts (``figure=<name>`` + the page's filters + the
row's key: its department, its region or its months)."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from anjian.inspections.figures.report import EnforcementReport, Report, Row
from anjian.inspections.figures.selectors import (
    DEFINITIONS,
    Period,
    Where,
    own_department,
)
from anjian.regions import selectors as region_selectors
from anjian.regions.choices import RegionLevel
from anjian.regions.levels import is_at_or_below
from anjian.regions.models import Department, Region

FIRST_YEAR = 2000
YEARS_SHOWN = 6  # the year picker: this year and the five before


@dataclass(frozen=True)
class Column:
    """One column of a breakdown: a ``Row`` attribute, its heading and the figure its
    numbers open (none for a rate)."""

    name: str
    label: str
    figure: str = ""

    @property
    def is_rate(self) -> bool:
        return not self.figure


BREAKDOWN_COLUMNS = (
    Column("planned", _("应检查"), "planned"),
    Column("inspected", _("已检查"), "inspected"),
    Column("inspection_rate", _("检查率")),
    Column("findings", _("发现问题"), "findings"),
    Column("rectified", _("已整改"), "rectified"),
    Column("rectification_rate", _("整改率")),
    Column("violating", _("有违法行为的检查"), "violating"),
    Column("punished", _("实施处罚的检查"), "punished"),
    Column("penalty_rate", _("处罚率")),
    Column("punished_cases", _("处罚案件"), "punished_cases"),
    Column("other_cases", _("其他来源处罚"), "other_cases"),
    Column("fines", _("罚款金额（元）"), "fines"),
    Column("units", _("检查单位"), "units"),
    Column("covered", _("覆盖单位"), "covered"),
    Column("pool", _("对象库单位"), "pool"),
    Column("coverage_rate", _("覆盖率")),
    Column("unannounced", _("四不两直"), "unannounced"),
    Column("unannounced_share", _("四不两直占比")),
)
# 累计已检查 opens January to the row's month ("to_date" below).
MONTH_COLUMNS = (
    Column("inspected", _("已检查"), "inspected"),
    Column("cumulative", _("累计已检查"), "inspected"),
    Column("cumulative_rate", _("累计检查率")),
    Column("done", _("全部检查"), "done"),
    *(
        column
        for column in BREAKDOWN_COLUMNS
        if column.name not in ("planned", "inspected", "inspection_rate")
        and column.name not in ("units", "covered", "pool", "coverage_rate")
    ),
)

FIGURE_LABELS = {
    "planned": _("应检查次数"),
    "plan_visits": _("年度计划检查次数"),
    "drawn_tasks": _("双随机抽查任务"),
    "inspected": _("已检查次数（计划检查和双随机抽查）"),
    "done": _("全部已完成检查"),
    "findings": _("发现问题"),
    "rectified": _("已整改的问题"),
    "violating": _("有违法行为的检查"),
    "punished": _("实施处罚的检查"),
    "punished_cases": _("处罚案件（来源于有违法行为的检查）"),
    "other_cases": _("其他来源处罚"),
    "fined_cases": _("罚款案件（统计期内决定）"),
    "fines": _("罚款金额（元）"),
    "unannounced": _("四不两直检查"),
    "units": _("检查单位"),
    "covered": _("覆盖单位（对象库内有检查的单位）"),
    "pool": _("监管对象库单位"),
}


# The headline numbers (each shown as a link to its records).
SHOWN = tuple(FIGURE_LABELS)


def number(value) -> str:
    return f"{value:,}"


def percent(value) -> str:
    return "—" if value is None else f"{value}%"


@dataclass(frozen=True)
class Filters:
    period: Period
    where: Where
    errors: tuple[str, ...] = ()
    department_name: str = ""

    def query(self) -> dict:
        """The page's filters as query parameters (what every link carries)."""
        query = {
            "year": self.period.year,
            "month_from": self.period.month_from,
            "month_to": self.period.month_to,
        }
        if self.where.department_id:
            query["department"] = self.where.department_id
        if self.where.region:
            query["region"] = self.where.region
        return query


def _int(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def department_choices(user) -> list[tuple[int, str]]:
    own = own_department(user)
    if own:
        return list(Department.objects.filter(pk=own).values_list("pk", "name"))
    return [(d.pk, d.name) for d in region_selectors.departments_for(user)]


def region_choices(user) -> list[tuple[str, str]]:
    """(code, name) of the districts and streets of the user's scope, districts first."""
    both = region_selectors.districts_in(user) | region_selectors.streets_for(user)
    return [(code, name) for _l, code, name in sorted(both.values_list("level", "code", "name"))]


def _period(params, errors: list) -> Period:
    today = timezone.localdate()
    year = _int(params.get("year"))
    if params.get("year") and (year is None or not FIRST_YEAR <= year <= today.year + 1):
        errors.append(_("年度无效，已显示本年"))
        year = None
    year = year or today.year
    months = []
    for key, default in (
        ("month_from", 1),
        ("month_to", today.month if year == today.year else 12),
    ):
        month = _int(params.get(key))
        if params.get(key) and (month is None or not 1 <= month <= 12):
            errors.append(_("月份无效，已按默认月份统计"))
            month = None
        months.append(month or default)
    month_from, month_to = months
    if month_from > month_to:
        errors.append(_("起始月份晚于截止月份，已对调"))
        month_from, month_to = month_to, month_from
    return Period(year, month_from, month_to)


def _department(user, params, errors: list) -> tuple[int | None, str]:
    if not params.get("department"):
        return None, ""
    wanted = _int(params.get("department"))
    own = own_department(user)
    if own and wanted != own:
        errors.append(_("只能查看本部门的执法统计"))
        return None, ""
    name = Department.objects.filter(pk=wanted).values_list("name", flat=True).first()
    if wanted is None or name is None:
        errors.append(_("所选部门不存在"))
        return None, ""
    return wanted, name


def _region(user, params, errors: list) -> str:
    code = (params.get("region") or "").strip()
    if not code:
        return ""
    scope = user.scope
    prefix = scope.region_prefix or ""
    inside = scope.everything or code.startswith(prefix) or prefix.startswith(code)
    if not (code.isdigit() and len(code) in (6, 9) and inside):
        errors.append(_("所选区域不在您的管辖范围内"))
        return ""
    return code


def read_filters(user, params) -> Filters:
    """The period, department and region asked for; what was wrong with them is said and
    the default used instead (nothing valid is dropped)."""
    errors: list = []
    period = _period(params, errors)
    department_id, department_name = _department(user, params, errors)
    region = _region(user, params, errors)
    return Filters(
        period=period,
        where=Where(department_id=department_id, region=region),
        errors=tuple(str(e) for e in errors),
        department_name=department_name,
    )


def region_name(code: str) -> str:
    if not code:
        return ""
    return Region.objects.filter(code=code).values_list("name", flat=True).first() or code


def region_level(user, where: Where) -> RegionLevel:
    """Streets for a district (or narrower) scope or region filter, districts above."""
    scope = user.scope
    if where.region and is_at_or_below(where.region, RegionLevel.DISTRICT):
        return RegionLevel.STREET
    if scope.everything or not is_at_or_below(scope.region_prefix or "", RegionLevel.DISTRICT):
        return RegionLevel.DISTRICT
    return RegionLevel.STREET


def linker(filters: Filters):
    """``link(figure, **extra)``: the records page of ``figure`` under the page's filters,
    ``extra`` replacing some of them (a row's department, region or months)."""
    url = reverse("inspections:figures_records")
    base = filters.query()

    def link(figure: str, **extra) -> str:
        query = {"figure": figure, **base, **{k: v for k, v in extra.items() if v}}
        return f"{url}?{urlencode(query)}"

    return link


def cells(row: Row, columns, link, **where) -> list[dict]:
    """A row's numbers as shown: text, and the link to what each number counts."""
    shown = []
    for column in columns:
        value = getattr(row, column.name)
        if column.is_rate:
            shown.append({"label": column.label, "text": percent(value), "url": ""})
            continue
        extra = dict(where)
        if column.name == "cumulative":
            extra.update(month_from=1, month_to=row.key)
        url = link(column.figure, **extra)
        shown.append(
            {"label": column.label, "text": number(value), "url": url, "name": column.name}
        )
    return shown


def figures_context(user, params) -> dict:
    filters = read_filters(user, params)
    level = region_level(user, filters.where)
    report: Report = EnforcementReport(user, filters.period, filters.where, level=level).read()
    link = linker(filters)
    for row in report.departments:
        row.cells = cells(row, BREAKDOWN_COLUMNS, link, department=row.key)
    for row in report.regions:
        row.cells = cells(row, BREAKDOWN_COLUMNS, link, region=row.key)
    for row in report.months:
        row.cells = cells(row, MONTH_COLUMNS, link, month_from=row.key, month_to=row.key)
    total = report.total
    regions = region_choices(user)
    region = filters.where.region
    links = {figure: link(figure) for figure in FIGURE_LABELS}
    links["year_planned"] = link("planned", month_from=1, month_to=12)
    return {
        "filters": filters,
        "report": report,
        "total": total,
        "shown": {name: number(getattr(total, name)) for name in SHOWN},
        "links": links,
        "breakdown_columns": BREAKDOWN_COLUMNS,
        "month_columns": MONTH_COLUMNS,
        "region_title": _("按区") if level == RegionLevel.DISTRICT else _("按街道"),
        "years": [(y, y) for y in _years(filters.period.year)],
        "months": [(m, gettext("%(m)s月") % {"m": m}) for m in range(1, 13)],
        "departments": department_choices(user),
        "regions": regions,
        "region_name": dict(regions).get(region) or region_name(region),
        "definitions": DEFINITIONS,
        "own_department": own_department(user),
        "query": urlencode(filters.query()),
        "rates": {
            "inspection": percent(total.inspection_rate),
            "rectification": percent(total.rectification_rate),
            "penalty": percent(total.penalty_rate),
            "coverage": percent(total.coverage_rate),
            "unannounced": percent(total.unannounced_share),
        },
    }


def _years(selected: int) -> list[int]:
    this_year = timezone.localdate().year
    years = list(range(this_year, this_year - YEARS_SHOWN, -1))
    if selected not in years:
        years.append(selected)
    return years
