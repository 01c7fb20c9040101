"""The 执法统计 report: the figures of ``selectors`` grouped by department, region and month.

Nine GROUP BY statements over the querysets of ``selectors`` (the same ones the lists
behind the links read), whatever the number of records; their rows are summed in Python
into the total, each department, each region (street, or district for a city-wide scope)
and each month of the period. The definitions are in ``selectors``' docstring.
"""

from collections import defaultdict
from dataclasses import dataclass, fields

from django.db import connections
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth
from django.utils.translation import gettext_lazy as _

from anjian.enterprises.choices import Status as EnterpriseStatus
from anjian.enterprises.models import Enterprise
from anjian.inspections.figures.selectors import (
    CLOSED,
    PLANNED_KINDS,
    Period,
    Where,
    considered_departments,
    decided_cases,
    departments,
    drawn_tasks,
    enterprises_in,
    findings,
    inspections_done,
    plan_visits,
    punished_cases,
    units,
)
from anjian.regions.choices import RegionLevel
from anjian.regions.levels import code_at_sql, district_of, street_of
from anjian.regions.models import Region

PERCENT = 1  # decimals of a rate


def rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, PERCENT) if whole else None


@dataclass
class Row:
    """The figures of one group (the total, a department, a region or a month)."""

    key: object = None
    label: str = ""
    plan_visits: int = 0
    drawn_tasks: int = 0
    inspected: int = 0
    done: int = 0
    findings: int = 0
    rectified: int = 0
    violating: int = 0
    punished: int = 0
    punished_cases: int = 0
    other_cases: int = 0
    fined_cases: int = 0
    fines: int = 0
    unannounced: int = 0
    units: int = 0
    covered: int = 0
    pool: int = 0
    cumulative: int = 0  # months: inspected from January to this month
    year_planned: int = 0  # months: the whole year's planned visits

    @property
    def planned(self) -> int:
        return self.plan_visits + self.drawn_tasks

    @property
    def inspection_rate(self):
        return rate(self.inspected, self.planned)

    @property
    def cumulative_rate(self):
        return rate(self.cumulative, self.year_planned)

    @property
    def rectification_rate(self):
        return rate(self.rectified, self.findings)

    @property
    def penalty_rate(self):
        return rate(self.punished, self.violating)

    @property
    def coverage_rate(self):
        return rate(self.covered, self.pool)

    @property
    def unannounced_share(self):
        return rate(self.unannounced, self.done)

    def is_empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self)[2:])


@dataclass
class Report:
    total: Row
    departments: list[Row]
    regions: list[Row]
    months: list[Row]
    year_planned: int
    region_level: RegionLevel = RegionLevel.STREET


STREET = code_at_sql("enterprise__scope_region_code", RegionLevel.STREET)
INSPECTION_STREET = code_at_sql("inspection__enterprise__scope_region_code", RegionLevel.STREET)


class _Sums:
    """Rows by group, filled from grouped statements (key: department, street, month)."""

    def __init__(self, period: Period, level: RegionLevel):
        self.period, self.level = period, level
        self.total = Row()
        self.by_department: dict[int, Row] = defaultdict(Row)
        self.by_region: dict[str, Row] = defaultdict(Row)
        self.by_month: dict[int, Row] = defaultdict(Row)

    def region_of(self, code: str) -> str:
        return district_of(code) if self.level == RegionLevel.DISTRICT else street_of(code)

    def add(self, row: dict, counters: dict[str, str], *, months=True) -> None:
        """Add ``row``'s values (``counters``: Row field → row key) to its groups; a row of
        a month outside the period only to the month's cumulative figures."""
        month = row.get("month")
        in_period = month is None or month in self.period.months()
        groups = [self.by_month[month]] if (months and month is not None and in_period) else []
        if in_period:
            groups += [
                self.total,
                self.by_department[row["dept"]],
                self.by_region[self.region_of(row["street"] or "")],
            ]
        for name, key in counters.items():
            value = row[key] or 0
            for group in groups:
                setattr(group, name, getattr(group, name) + value)


def _grouped(rows: QuerySet, *, department: str, street, month=None) -> QuerySet:
    keys = {"dept": F(department), "street": street}
    if month is not None:
        keys["month"] = ExtractMonth(month)
    return rows.order_by().values(**keys)


def _units_by_department(done: QuerySet) -> list[dict]:
    """(department, industry, region code, status, units) of the distinct (department, unit)
    pairs of the inspections ``done``. The pairs are made distinct first (a hash of the pairs,
    not a sort of every inspection as ``COUNT(DISTINCT …)`` per group would need), then
    joined to the units and grouped — the ORM cannot group a derived table, so the outer
    statement is written here around the inner one the ORM compiles."""
    pairs = done.order_by().values("department_id", "enterprise_id").distinct()
    inner, params = pairs.query.sql_with_params()
    quote = connections[done.db].ops.quote_name
    dept, unit = quote("department_id"), quote("enterprise_id")
    columns = [quote(c) for c in ("industry_id", "scope_region_code", "status")]
    keys = ", ".join([f"p.{dept}", *(f"u.{c}" for c in columns)])
    sql = (
        f"SELECT {keys}, COUNT(*) FROM ({inner}) p "
        f"JOIN {quote(Enterprise._meta.db_table)} u ON u.{quote('id')} = p.{unit} "
        f"GROUP BY {keys}"
    )
    with connections[done.db].cursor() as cursor:
        cursor.execute(sql, params)
        names = ("dept", "industry", "code", "status", "n")
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


class EnforcementReport:
    """The figures of ``user``'s scope for ``period`` under ``where`` (the page's filters)."""

    def __init__(
        self, user, period: Period, where: Where | None = None, *, level=RegionLevel.STREET
    ):
        self.user, self.period, self.level = user, period, level
        self.where = where or Where()
        self.cumulative: dict[int, int] = defaultdict(int)
        self.year_planned = 0
        self.infos: dict = {}  # the departments of the rows (read with the units)

    def read(self) -> Report:
        sums = _Sums(self.period, self.level)
        self._inspections(sums)
        self._findings(sums)
        self._decided(sums)
        self._planned(sums)
        self._units(sums)
        return self._report(sums)

    def _inspections(self, sums: _Sums) -> None:
        """Inspections from January (the months before the period only for the cumulative
        已检查 of the month rows)."""
        done = inspections_done(self.user, self.period.to_date, self.where)
        rows = _grouped(done, department="department_id", street=STREET, month="started_at")
        rows = rows.annotate(
            done=Count("id"),
            inspected=Count("id", filter=Q(kind__in=PLANNED_KINDS)),
            unannounced=Count("id", filter=Q(unannounced=True)),
        )
        for row in rows:
            self.cumulative[row["month"]] += row["inspected"]
            sums.add(row, {"done": "done", "inspected": "inspected", "unannounced": "unannounced"})

    def _findings(self, sums: _Sums) -> None:
        """The findings, and the cases from violating inspections, grouped by the
        inspection's department, street and month: so the inspections a group's findings
        (cases) belong to are its violating (punished) inspections, counted once each."""
        user, period, where = self.user, self.period, self.where
        marks = _grouped(
            findings(user, period, where),
            department="inspection__department_id",
            street=INSPECTION_STREET,
            month="inspection__started_at",
        ).annotate(
            found=Count("id"),
            closed=Count("id", filter=Q(hazard__state=CLOSED)),
            inspections=Count("inspection_id", distinct=True),
        )
        for row in marks:
            sums.add(row, {"findings": "found", "rectified": "closed", "violating": "inspections"})
        cases = _grouped(
            punished_cases(user, period, where),
            department="inspection__department_id",
            street=INSPECTION_STREET,
            month="inspection__started_at",
        ).annotate(n=Count("id"), inspections=Count("inspection_id", distinct=True))
        for row in cases:
            sums.add(row, {"punished_cases": "n", "punished": "inspections"})

    def _decided(self, sums: _Sums) -> None:
        """Cases decided in the period, by the filing department and the month decided."""
        decided = _grouped(
            decided_cases(self.user, self.period, self.where),
            department="department_id",
            street=STREET,
            month="decided_on",
        ).annotate(
            other=Count("id", filter=Q(inspection__isnull=True)),
            fined=Count("id", filter=Q(fine__gt=0)),
            amount=Sum("fine"),
        )
        for row in decided:
            sums.add(row, {"other_cases": "other", "fined_cases": "fined", "fines": "amount"})

    def _planned(self, sums: _Sums) -> None:
        """The year's plan visits, and the tasks drawn in the whole year (the months' 全年
        应检查) of which those drawn in the period count in the period's 应检查."""
        user, period, where = self.user, self.period, self.where
        plans = _grouped(
            plan_visits(user, period, where), department="plan__department_id", street=STREET
        ).annotate(visits=Sum("visits"))
        for row in plans:
            self.year_planned += row["visits"] or 0
            sums.add(row, {"plan_visits": "visits"}, months=False)
        tasks = _grouped(
            drawn_tasks(user, period.whole_year, where),
            department="department_id",
            street=STREET,
            month="draw__drawn_on",
        ).annotate(n=Count("id"))
        for row in tasks:
            self.year_planned += row["n"]
            sums.add(row, {"drawn_tasks": "n"}, months=False)

    def _units(self, sums: _Sums) -> None:
        """检查单位, 覆盖单位 and 对象库单位 of the total, each department and each region:
        distinct units counted per (department,) industry, region code and status, and
        each cell matched against the departments' pools in Python."""
        user, period, where = self.user, self.period, self.where
        done = inspections_done(user, period, where)
        by_department = _units_by_department(done)
        overall = (
            units(user, period, where)
            .order_by()
            .values("industry_id", "scope_region_code", "status")
            .annotate(n=Count("id"))
        )
        pool_cells = list(
            enterprises_in(user, where)
            .filter(status=EnterpriseStatus.OPERATING)
            .order_by()
            .values("industry_id", "scope_region_code")
            .annotate(n=Count("id"))
        )
        considered = considered_departments(user, where)
        ids = set(considered) | set(sums.by_department) | {r["dept"] for r in by_department}
        infos = departments(ids)
        self.infos = infos
        union = [infos[pk] for pk in considered if pk in infos]
        operating = EnterpriseStatus.OPERATING

        def pooled(pools, industry, code) -> bool:
            return any(info.covers(industry, code) for info in pools)

        for row in by_department:
            group = sums.by_department[row["dept"]]
            group.units += row["n"]
            info = infos.get(row["dept"])
            if row["status"] == operating and info and info.covers(row["industry"], row["code"]):
                group.covered += row["n"]
        for row in overall:
            industry, code = row["industry_id"], row["scope_region_code"]
            in_pool = row["status"] == operating and pooled(union, industry, code)
            for group in (sums.total, sums.by_region[sums.region_of(code)]):
                group.units += row["n"]
                group.covered += row["n"] if in_pool else 0
        for cell in pool_cells:
            industry, code, n = cell["industry_id"], cell["scope_region_code"], cell["n"]
            if pooled(union, industry, code):
                sums.total.pool += n
                sums.by_region[sums.region_of(code)].pool += n
            for pk, info in infos.items():
                if info.covers(industry, code):
                    sums.by_department[pk].pool += n

    def _report(self, sums: _Sums) -> Report:
        infos = self.infos

        def department_order(row: Row):
            info = infos.get(row.key)
            return (info.region_id, info.sort_order, row.key) if info else ("", 0, row.key)

        department_rows = []
        for pk, row in sums.by_department.items():
            info = infos.get(pk)
            row.key, row.label = pk, info.name if info else str(pk)
            if not row.is_empty():
                department_rows.append(row)
        department_rows.sort(key=department_order)
        codes = sorted(sums.by_region)
        names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
        region_rows = []
        for code in codes:
            row = sums.by_region[code]
            row.key, row.label = code, names.get(code, code or str(_("未知街镇")))
            if not row.is_empty():
                region_rows.append(row)
        month_rows, running = [], 0
        for month in range(1, self.period.month_to + 1):
            running += self.cumulative.get(month, 0)
            if month < self.period.month_from:
                continue
            row = sums.by_month[month]
            row.key, row.label = month, str(_("%(m)s月") % {"m": month})
            row.cumulative, row.year_planned = running, self.year_planned
            month_rows.append(row)
        sums.total.label = str(_("合计"))
        return Report(
            total=sums.total,
            departments=department_rows,
            regions=region_rows,
            months=month_rows,
            year_planned=self.year_planned,
            region_level=self.level,
        )
