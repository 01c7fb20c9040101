"""执法统计: 检查率, 整改率, 处罚率, 罚款, 覆盖率 and 四不两直, by department, region and month.

What each figure counts (shown on the page and in the export as ``DEFINITIONS``; this is
exactly what the code below computes):

- 应检查次数 = 本年度已批准的年度监督检查计划（季度为 0）中各单位的计划检查次数之和
  + 统计期内抽取、未作废的双随机抽取所产生的检查任务数（已取消的任务不计）。年度计划按全年
  计入，不按月折算。
- 已检查次数 = 统计期内开始、状态为“已完成”的计划检查和双随机抽查次数。
  检查率 = 已检查次数 ÷ 应检查次数。按月份只列各月已检查次数，及截至当月的累计已检查次数
  ÷ 全年应检查次数（全年计划 + 全年抽取的任务）。
- 发现问题数 = 统计期内已完成检查中结果为“不符合”的检查项数（所登记隐患已作废的不计）；
  已整改 = 其中所登记隐患已销号的；整改率 = 已整改 ÷ 发现问题数。
- 有违法行为的检查 = 统计期内已完成、至少有一项计入的“不符合”的检查；
  处罚案件 = 来源于这些检查、状态为已决定/已执行/已结案的案件（决定日期不限）；
  实施处罚的检查 = 有此类案件的检查（按检查计，不重复）；
  处罚率 = 实施处罚的检查 ÷ 有违法行为的检查。
  其他来源处罚 = 没有来源检查、统计期内作出决定的已决定/已执行/已结案案件。
- 罚款金额 = 统计期内作出决定的已决定/已执行/已结案案件的罚款金额之和（元）。
- 监管对象库 = 范围内经营状态为“在营”、所属行业为部门监管行业且位于部门所属区划内的
  单位（合计为各部门对象库的并集）；覆盖单位 = 其中统计期内有已完成检查（任何类型）的单位；
  覆盖率 = 覆盖单位 ÷ 对象库单位。检查单位 = 统计期内有已完成检查的单位（不论是否在库）。
- 四不两直 = 统计期内已完成、标记“四不两直”的检查次数；占比 = 四不两直 ÷ 全部已完成检查。

Grouping: inspections, findings and the cases from them by the inspecting department and
the inspected unit's street, by the month the inspection started; other cases and fines by
the filing department and the party's street, by the month decided; plan visits by the
plan's department; drawn tasks by the drawing department and the month drawn.

Scope: the user's (``for_user``); a 行业部门 user or an 执法人员 counts only their own
department's inspections, cases, plans and tasks (as ``selectors._visible_draws``); plans
and draws must also be in the user's scope (their department's region).

How: each figure is a queryset (``records``) listing exactly what it counts; the report
(``report.py``) groups the same querysets in SQL (nine GROUP BY statements, whatever the
number of records) and sums the rows in Python into the total, departments, regions and
months — so a figure and the list behind its link cannot disagree.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.accounts.roles import Role
from anjian.core.scoping import NOTHING, ScopePaths, scope_of, scope_q
from anjian.enterprises.choices import Status as EnterpriseStatus
from anjian.enterprises.models import Enterprise
from anjian.hazards.choices import State as HazardState
from anjian.inspections.case_models import Case, CaseState
from anjian.inspections.choices import DrawState, TaskState
from anjian.inspections.models import InspectionTask
from anjian.inspections.plan_models import PlanEntry, PlanState
from anjian.inspections.record_models import (
    Inspection,
    InspectionKind,
    InspectionMark,
    InspectionState,
    MarkResult,
)
from anjian.regions import selectors as region_selectors
from anjian.regions.models import Department

PLANNED_KINDS = (InspectionKind.PLANNED, InspectionKind.RANDOM)
PUNITIVE = (CaseState.DECIDED, CaseState.EXECUTED, CaseState.CLOSED)
UNIT_PATHS = ScopePaths(region="enterprise__scope_region_code", industry="enterprise__industry_id")
PLAN_PATHS = ScopePaths(region="plan__department__region__code")
DRAW_PATHS = ScopePaths(region="draw__department__region__code")
CLOSED = HazardState.CLOSED  # a finding whose hazard is 已销号 is rectified
# A failed mark counts as a finding unless the hazard it raised was voided (误报).
COUNTED = Q(result=MarkResult.FAIL) & (Q(hazard__isnull=True) | ~Q(hazard__state=HazardState.VOID))

DEFINITIONS = [
    (
        _("应检查次数"),
        _(
            "本年度已批准的年度监督检查计划（季度为0）中各单位计划检查次数之和，加上统计期内"
            "抽取且未作废的双随机抽查任务数（已取消的任务不计）。年度计划按全年计入，不按月折算。"
        ),
    ),
    (
        _("已检查次数、检查率"),
        _(
            "统计期内开始、状态为“已完成”的计划检查和双随机抽查次数；检查率 = 已检查次数 ÷ "
            "应检查次数。按月份只列各月已检查次数，以及截至当月的累计已检查次数 ÷ 全年应检查"
            "次数（全年计划加全年抽取的任务）。"
        ),
    ),
    (
        _("发现问题、整改率"),
        _(
            "统计期内已完成检查中结果为“不符合”的检查项数（所登记隐患已作废的不计）；已整改 = "
            "其中所登记隐患已销号的；整改率 = 已整改 ÷ 发现问题数。"
        ),
    ),
    (
        _("处罚率"),
        _(
            "有违法行为的检查 = 统计期内已完成、至少有一项计入的“不符合”的检查；处罚案件 = "
            "来源于这些检查、状态为已决定/已执行/已结案的案件；实施处罚的检查 = 有此类案件的"
            "检查（不重复计）；处罚率 = 实施处罚的检查 ÷ 有违法行为的检查。其他来源处罚 = "
            "无来源检查、统计期内作出决定的已决定/已执行/已结案案件。"
        ),
    ),
    (
        _("罚款金额"),
        _("统计期内作出决定、状态为已决定/已执行/已结案的案件罚款金额之和（元）。"),
    ),
    (
        _("覆盖率"),
        _(
            "监管对象库 = 范围内经营状态为“在营”、所属行业为部门监管行业且位于部门所属区划内的"
            "单位（合计为各部门对象库的并集）；覆盖单位 = 其中统计期内有已完成检查（任何类型）的"
            "单位；覆盖率 = 覆盖单位 ÷ 对象库单位。检查单位 = 统计期内有已完成检查的单位。"
        ),
    ),
    (
        _("四不两直"),
        _("统计期内已完成、标记“四不两直”的检查次数；占比 = 四不两直 ÷ 全部已完成检查次数。"),
    ),
    (
        _("分组"),
        _(
            "检查、问题及其处罚按实施检查的部门、被检查单位所属街镇、检查开始月份；其他来源处罚"
            "和罚款按立案部门、当事人所属街镇、决定月份；计划次数按计划编制部门；双随机任务按"
            "抽取部门和抽取月份。行业部门和执法人员只统计本部门。"
        ),
    ),
]


# --- filters ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Months ``month_from`` … ``month_to`` of ``year`` (local time)."""

    year: int
    month_from: int = 1
    month_to: int = 12

    @property
    def first_day(self) -> date:
        return date(self.year, self.month_from, 1)

    @property
    def end_day(self) -> date:
        """The day after the period (exclusive bound)."""
        if self.month_to == 12:
            return date(self.year + 1, 1, 1)
        return date(self.year, self.month_to + 1, 1)

    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.first_day, datetime.min.time()))

    def end(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end_day, datetime.min.time()))

    def months(self) -> range:
        return range(self.month_from, self.month_to + 1)

    @property
    def to_date(self) -> "Period":
        """January to the period's last month (the cumulative figures)."""
        return Period(self.year, 1, self.month_to)

    @property
    def whole_year(self) -> "Period":
        return Period(self.year)


@dataclass(frozen=True)
class Where:
    """A row's key (or the page's filter): the department, the unit's region code prefix."""

    department_id: int | None = None
    region: str = ""


# --- who sees what ----------------------------------------------------------------------------


def own_department(user) -> int | None:
    """The department a 行业部门 user or an 执法人员 is limited to (None: every one)."""
    if user.role in (Role.DEPARTMENT, Role.INSPECTOR) and user.department_id:
        return user.department_id
    return None


def _narrow(rows: QuerySet, user, where: Where, *, department: str, unit: str) -> QuerySet:
    own = own_department(user)
    if own:
        rows = rows.filter(**{department: own})
    if where.department_id:
        rows = rows.filter(**{department: where.department_id})
    if where.region:
        rows = rows.filter(**{f"{unit}scope_region_code__startswith": where.region})
    return rows


def _done_q(user, period: Period, where: Where, prefix: str = "") -> Q:
    """DONE inspections started in the period, as a filter on the inspection at ``prefix``
    (the marks and cases filter through the join, not an IN over the inspections)."""
    paths = ScopePaths(
        region=f"{prefix}enterprise__scope_region_code", industry=f"{prefix}enterprise__industry_id"
    )
    return scope_q(scope_of(user), paths) & Q(
        **{
            f"{prefix}state": InspectionState.DONE,
            f"{prefix}started_at__gte": period.start(),
            f"{prefix}started_at__lt": period.end(),
        }
    )


def _inspection_filter(rows: QuerySet, user, period: Period, where: Where, prefix="") -> QuerySet:
    rows = rows.filter(_done_q(user, period, where, prefix))
    return _narrow(
        rows, user, where, department=f"{prefix}department_id", unit=f"{prefix}enterprise__"
    )


def inspections_done(user, period: Period, where: Where) -> QuerySet:
    """DONE inspections started in the period (any kind)."""
    return _inspection_filter(Inspection.objects.all(), user, period, where)


def failed_marks(inspection: str = "pk") -> QuerySet:
    """The counted findings of the outer query's inspection (for ``Exists``)."""
    return InspectionMark.objects.filter(COUNTED, inspection=OuterRef(inspection))


def punitive_cases(user) -> QuerySet:
    return Case.objects.for_user(user).filter(state__in=PUNITIVE)


def violating(user, period: Period, where: Where) -> QuerySet:
    return inspections_done(user, period, where).filter(Exists(failed_marks()))


def punished(user, period: Period, where: Where) -> QuerySet:
    penalised = punitive_cases(user).filter(inspection=OuterRef("pk"))
    return violating(user, period, where).filter(Exists(penalised))


def findings(user, period: Period, where: Where) -> QuerySet:
    marks = InspectionMark.objects.filter(COUNTED)
    return _inspection_filter(marks, user, period, where, "inspection__")


def rectified(user, period: Period, where: Where) -> QuerySet:
    return findings(user, period, where).filter(hazard__state=CLOSED)


def punished_cases(user, period: Period, where: Where) -> QuerySet:
    """Punitive cases whose inspection is a violating one (``violating``)."""
    cases = punitive_cases(user).filter(Exists(failed_marks("inspection_id")))
    return _inspection_filter(cases, user, period, where, "inspection__")


def decided_cases(user, period: Period, where: Where) -> QuerySet:
    found = punitive_cases(user).filter(
        decided_on__gte=period.first_day, decided_on__lt=period.end_day
    )
    return _narrow(found, user, where, department="department_id", unit="enterprise__")


def plan_visits(user, period: Period, where: Where) -> QuerySet:
    """Units of approved annual plans of the year with at least one planned visit."""
    scope = scope_of(user)
    found = PlanEntry.objects.filter(
        scope_q(scope, PLAN_PATHS),
        scope_q(scope, UNIT_PATHS),
        plan__year=period.year,
        plan__quarter=0,
        plan__state=PlanState.APPROVED,
        visits__gt=0,
    )
    return _narrow(found, user, where, department="plan__department_id", unit="enterprise__")


def drawn_tasks(user, period: Period, where: Where) -> QuerySet:
    found = (
        InspectionTask.objects.for_user(user)
        .filter(
            scope_q(scope_of(user), DRAW_PATHS),
            draw__drawn_on__gte=period.first_day,
            draw__drawn_on__lt=period.end_day,
        )
        .exclude(state=TaskState.CANCELLED)
        .exclude(draw__state=DrawState.VOIDED)
    )
    return _narrow(found, user, where, department="department_id", unit="enterprise__")


# --- the target pool ----------------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentInfo:
    pk: int
    name: str
    region_id: str
    sort_order: int
    industry_ids: frozenset[int]

    def covers(self, industry_id: int, code: str) -> bool:
        return industry_id in self.industry_ids and code.startswith(self.region_id)


def departments(ids) -> dict[int, DepartmentInfo]:
    """The departments ``ids`` with their industries (two statements)."""
    industries = defaultdict(set)
    through = Department.industries.through.objects.filter(department_id__in=ids)
    for department_id, industry_id in through.values_list("department_id", "industry_id"):
        industries[department_id].add(industry_id)
    rows = Department.objects.filter(pk__in=ids).values_list(
        "pk", "name", "region_id", "sort_order"
    )
    return {
        pk: DepartmentInfo(pk, name, region, order, frozenset(industries[pk]))
        for pk, name, region, order in rows
    }


def considered_departments(user, where: Where) -> list[int]:
    """The departments whose pools make the pool of ``where``: the one asked for, the
    user's own, else every active department above and inside the user's scope."""
    if where.department_id:
        return [where.department_id]
    own = own_department(user)
    if own:
        return [own]
    return [department.pk for department in region_selectors.departments_for(user)]


def _pool_q(pools) -> Q:
    by_region: dict[str, set[int]] = defaultdict(set)
    for info in pools:
        by_region[info.region_id] |= info.industry_ids
    condition = NOTHING
    for region, industry_ids in sorted(by_region.items()):
        if industry_ids:
            condition |= Q(
                scope_region_code__startswith=region, industry_id__in=sorted(industry_ids)
            )
    return condition


def enterprises_in(user, where: Where) -> QuerySet:
    found = Enterprise.objects.for_user(user)
    if where.region:
        found = found.filter(scope_region_code__startswith=where.region)
    return found


def pool(user, period: Period, where: Where) -> QuerySet:
    pools = departments(considered_departments(user, where)).values()
    return enterprises_in(user, where).filter(_pool_q(pools), status=EnterpriseStatus.OPERATING)


def units(user, period: Period, where: Where) -> QuerySet:
    inspected = inspections_done(user, period, where).values("enterprise_id")
    return enterprises_in(user, where).filter(pk__in=inspected)


def covered(user, period: Period, where: Where) -> QuerySet:
    inspected = inspections_done(user, period, where).values("enterprise_id")
    return pool(user, period, where).filter(pk__in=inspected)


# --- the records behind each figure -----------------------------------------------------------

RECORD_SETS = {
    "plan_visits": plan_visits,
    "drawn_tasks": drawn_tasks,
    "inspected": lambda user, period, where: inspections_done(user, period, where).filter(
        kind__in=PLANNED_KINDS
    ),
    "done": inspections_done,
    "findings": findings,
    "rectified": rectified,
    "violating": violating,
    "punished": punished,
    "punished_cases": punished_cases,
    "other_cases": lambda user, period, where: decided_cases(user, period, where).filter(
        inspection__isnull=True
    ),
    "fined_cases": lambda user, period, where: decided_cases(user, period, where).filter(
        fine__gt=0
    ),
    "unannounced": lambda user, period, where: inspections_done(user, period, where).filter(
        unannounced=True
    ),
    "units": units,
    "covered": covered,
    "pool": pool,
}


@dataclass(frozen=True)
class Section:
    """One record set of a figure, and what the figure adds up: its rows, or a column."""

    name: str
    rows: QuerySet
    measure: str = ""

    def total(self) -> int:
        if self.measure:
            return self.rows.aggregate(total=Sum(self.measure))["total"] or 0
        return self.rows.count()


# A figure → its record sets, each with what it adds up ("" = its rows): 应检查 = the plan
# visits + the drawn tasks; 罚款金额 = the fines of the fined cases.
FIGURES = {name: ((name, ""),) for name in RECORD_SETS} | {
    "plan_visits": (("plan_visits", "visits"),),
    "planned": (("plan_visits", "visits"), ("drawn_tasks", "")),
    "fines": (("fined_cases", "fine"),),
}


def records(user, figure: str, period: Period, where: Where) -> list[Section]:
    """The records the figure ``figure`` counts, one section per record set."""
    return [
        Section(name, RECORD_SETS[name](user, period, where), measure)
        for name, measure in FIGURES[figure]
    ]
