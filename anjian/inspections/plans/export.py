"""A plan's units as an Excel ledger (计划检查对象): what the plan page shows, every row,
with the 导出说明 sheet (which plan, its state, who exported, the filters in use)."""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.excel import Column, write_ledger
from anjian.core.exports import XLSX
from anjian.inspections.plan_models import InspectionPlan


def _joint(entry) -> str:
    return "、".join(d.short_name or d.name for d in entry.joint_departments.all())


COLUMNS = [
    Column("name", _("单位名称"), 36, export=lambda e: e.enterprise.name),
    Column("credit_code", _("统一社会信用代码"), 22, export=lambda e: e.enterprise.credit_code),
    Column(
        "street",
        _("街镇"),
        14,
        export=lambda e: e.enterprise.street.name if e.enterprise.street_id else "",
    ),
    Column("grade", _("监管等级"), 10, export=lambda e: e.grade),
    Column("major_risk", _("存在重大风险"), 12, export=lambda e: _("是") if e.major_risk else ""),
    Column("proposed", _("建议次数"), 10, export=lambda e: e.proposed_visits),
    Column("visits", _("计划次数"), 10, export=lambda e: e.visits),
    Column("reason", _("调整理由"), 30, export=lambda e: e.reason),
    Column("joint", _("联合检查部门"), 24, export=_joint),
]


def plan_entries_response(plan: InspectionPlan, entries, *, user, filters: dict) -> HttpResponse:
    about = [
        (_("台账"), _("计划检查对象")),
        (_("计划"), plan.title),
        (_("编制部门"), plan.department.name),
        (_("状态"), plan.get_state_display()),
        (_("导出时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")),
        (_("导出人"), user.name or user.username),
        *[(label, value) for label, value in filters.items() if value],
    ]
    response = HttpResponse(content_type=XLSX)
    write_ledger(response, title=_("计划检查对象"), columns=COLUMNS, objects=entries, about=about)
    stamp = f"{timezone.localtime():%Y%m%d-%H%M%S}"
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}-{stamp}.xlsx"'
    return response
