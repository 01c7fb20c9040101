"""应急演练 pages: the list (and its Excel), the drill plan form, a drill's page — its record,
evaluation and the problems it found with their improvement tasks — with the forms on it
(实施, 评估, 取消, 整改完成), and drill-frequency compliance (演练完成率 and who is behind)
with its Excel (the rows the page shows, with the same filters)."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from anjian.core.access import requires
from anjian.core.excel import Column, write_ledger
from anjian.core.filters import SelectorFilter
from anjian.core.forms import attachment
from anjian.core.pages import PageAction, RecordDetail
from anjian.core.registry import XLSX, RegistryEdit, RegistryExport, RegistryList, about_lines
from anjian.emergency import compliance as rules
from anjian.emergency import permissions as perms
from anjian.emergency import selectors_drills, services_drills
from anjian.emergency.choices import OwnerKind, TaskState
from anjian.emergency.filters import ComplianceForm, DrillFilterForm
from anjian.emergency.forms_drills import (
    CancelForm,
    DrillCreateForm,
    EvaluateForm,
    HoldForm,
    ProblemDoneForm,
)
from anjian.emergency.lifecycle import DRILL
from anjian.emergency.models import DrillEvaluation, EmergencyPlan
from anjian.emergency.tables import DrillTable, drill_state_badge, owner_words, task_badge
from anjian.emergency.views_plans import timeline

STATUS_COLOURS = {rules.MET: "green", rules.OPEN: "azure", rules.BEHIND: "red"}


def drill_filter(user, params) -> SelectorFilter:
    return SelectorFilter(
        user,
        params,
        form_class=DrillFilterForm,
        select=selectors_drills.drills,
        related=("evaluation",),
    )


class DrillList(RegistryList):
    access = perms.EMERGENCY_VIEW
    filterset = drill_filter
    table = DrillTable
    template_name = "emergency/drills/list.html"


def _score(drill):
    try:
        return drill.evaluation.score
    except DrillEvaluation.DoesNotExist:
        return None


DRILL_COLUMNS = [
    Column("number", str(gettext_lazy("演练编号")), 16, export=lambda d: d.number),
    Column("title", str(gettext_lazy("演练名称")), 32, export=lambda d: d.title),
    Column("owner", str(gettext_lazy("组织单位")), 28, export=owner_words),
    Column("kind", str(gettext_lazy("演练类型")), 14, export=lambda d: d.get_kind_display()),
    Column("form", str(gettext_lazy("演练形式")), 10, export=lambda d: d.get_form_display()),
    Column(
        "plan",
        str(gettext_lazy("演练的预案")),
        30,
        export=lambda d: str(d.plan) if d.plan_id else "",
    ),
    Column("planned_on", str(gettext_lazy("计划日期")), 12, export=lambda d: d.planned_on),
    Column("held_on", str(gettext_lazy("实施日期")), 12, export=lambda d: d.held_on),
    Column("place", str(gettext_lazy("演练地点")), 24, export=lambda d: d.place),
    Column("participants", str(gettext_lazy("参演人数")), 10, export=lambda d: d.participants),
    Column("state", str(gettext_lazy("状态")), 10, export=lambda d: d.get_state_display()),
    Column("score", str(gettext_lazy("评估得分")), 10, export=_score),
]


class DrillExport(RegistryExport):
    access = perms.EMERGENCY_VIEW
    filterset = drill_filter
    columns = DRILL_COLUMNS
    title = str(gettext_lazy("应急演练台账"))


DRILL_SECTIONS = [
    (gettext_lazy("演练"), ["title", "kind", "form", "plan"]),
    (gettext_lazy("情景与安排"), ["scenario", "planned_on", "place"]),
]


class DrillCreate(RegistryEdit):
    """登记演练计划; ``?plan=<id>`` (from a plan's page) picks the plan and its owner."""

    access = perms.DRILL_MANAGE
    form_class = DrillCreateForm
    template_name = "emergency/form.html"
    sections = DRILL_SECTIONS
    list_url = "emergency:drill_list"
    success_message = gettext_lazy("已登记演练计划“%(title)s”")

    def get_form(self, obj, *, bound: bool = True):
        form = super().get_form(obj, bound=bound)
        plan_id = self.request.GET.get("plan", "")
        if not form.is_bound and plan_id.isdigit():
            plan = EmergencyPlan.objects.for_user(self.request.user).filter(pk=plan_id).first()
            if plan is not None:
                form.initial.update(plan=plan.pk, title=_("%(t)s演练") % {"t": plan.title})
                if not form.own_unit:
                    form.initial.update(
                        owner_kind=plan.owner_kind,
                        region=plan.region_id,
                        department=plan.department_id,
                        enterprise=plan.enterprise_id,
                    )
        return form

    def get_extra_context(self, obj=None, **context) -> dict:
        return {
            "heading": _("登记演练计划"),
            "back_url": reverse("emergency:drill_list"),
            "back_label": _("应急演练"),
        }

    def save(self, obj, data, version):
        return services_drills.drill_create(self.request.user, data=data)


class DrillDetail(RecordDetail):
    access = perms.EMERGENCY_VIEW
    read = selectors_drills.drill_for_read
    template_name = "emergency/drills/detail.html"
    context_object_name = "drill"

    def get_extra_context(self, obj, **context) -> dict:
        user, today = self.request.user, timezone.localdate()
        available = {a.name for a in DRILL.available(user, obj)}
        evaluation = DrillEvaluation.objects.filter(drill=obj).select_related("by").first()
        problems = list(obj.problems.all())
        may_close = "problem_done" in available
        for problem in problems:
            problem.badge = task_badge(problem)
            problem.overdue = problem.state == TaskState.OPEN and problem.due_on < today
            if may_close and problem.state == TaskState.OPEN:
                problem.form_id = f"action-problem_done-{problem.pk}"
                problem.form = self.form(
                    f"problem_done:{problem.pk}",
                    lambda p=problem: ProblemDoneForm(
                        initial={"version": p.version}, auto_id=f"done-{p.pk}-%s"
                    ),
                )
        context = {
            "state_badge": drill_state_badge(obj),
            "evaluation": evaluation,
            "problems": problems,
            "open_problems": sum(1 for p in problems if p.state == TaskState.OPEN),
            **timeline(obj, DRILL),
        }
        forms = {"hold": HoldForm, "evaluate": EvaluateForm, "cancel": CancelForm}
        for name, form_class in forms.items():
            if name in available:
                context[f"{name}_form"] = self.form(
                    name,
                    lambda f=form_class, n=name: f(
                        initial={"version": obj.version}, auto_id=f"{n}-%s"
                    ),
                )
        return context


class DrillHold(PageAction):
    access = perms.DRILL_MANAGE
    detail = DrillDetail
    form_class = HoldForm
    form_name = "hold"
    anchor = "record"
    success_message = gettext_lazy("已登记演练实施情况，请组织评估")

    def save(self, obj, data):
        data = dict(data)
        return services_drills.drill_hold(
            self.request.user, drill_id=obj.pk, expected_version=data.pop("version"), **data
        )


class DrillEvaluate(PageAction):
    access = perms.DRILL_MANAGE
    detail = DrillDetail
    form_class = EvaluateForm
    form_name = "evaluate"
    anchor = "evaluation"
    success_message = gettext_lazy("已登记演练评估，发现的问题已生成整改任务")

    def save(self, obj, data):
        return services_drills.drill_evaluate(
            self.request.user, drill_id=obj.pk, **self.form.service_data()
        )


class DrillCancel(PageAction):
    access = perms.DRILL_MANAGE
    detail = DrillDetail
    form_class = CancelForm
    form_name = "cancel"
    anchor = "top"
    success_message = gettext_lazy("已取消演练计划")

    def save(self, obj, data):
        return services_drills.drill_cancel(
            self.request.user,
            drill_id=obj.pk,
            expected_version=data["version"],
            reason=data["reason"],
        )


class DrillProblemDone(PageAction):
    access = perms.DRILL_MANAGE
    detail = DrillDetail
    form_class = ProblemDoneForm
    anchor = "problems"
    versions_the_page = False
    success_message = gettext_lazy("已登记整改完成")

    def problem(self, obj):
        return get_object_or_404(obj.problems.all(), pk=self.kwargs["problem_id"])

    def form_kwargs(self, obj) -> dict:
        problem = self.problem(obj)
        self.form_name = f"problem_done:{problem.pk}"
        return {"auto_id": f"done-{problem.pk}-%s"}

    def save(self, obj, data):
        return services_drills.drill_problem_done(
            self.request.user,
            problem_id=self.problem(obj).pk,
            expected_version=data["version"],
            done_on=data["done_on"],
            note=data["note"],
        )


# --- compliance ---------------------------------------------------------------------------------


def _link(name: str, query: dict) -> str:
    return f"{reverse(name)}?{urlencode(query)}"


def compliance_found(user, params) -> tuple[ComplianceForm, selectors_drills.Compliance]:
    """The compliance filter form and what it finds for the query ``params``: the page
    and its Excel read the same rows (a malformed year or status is ignored, as the
    page does: this year, every unit)."""
    form = ComplianceForm(params or None)
    year = form.chosen_year()
    status = form.cleaned_data.get("status", "") if form.is_bound and form.is_valid() else ""
    found = selectors_drills.compliance(
        user,
        year=year,
        today=timezone.localdate(),
        status=status,
        unit=params.get("unit", ""),
    )
    return form, found


@require_GET
@requires(perms.EMERGENCY_VIEW)
def drill_compliance(request):
    """演练完成率: every unit in scope with a plan in force, the drills it owes this year
    under 88号令 and 708号令, and whether it held them; each figure opens its units, each
    unit its drills."""
    form, found = compliance_found(request.user, request.GET)
    year = found.year
    rows = [
        {
            "row": row,
            "status_colour": STATUS_COLOURS[row.status],
            "status_label": rules.STATUS_LABELS[row.status],
            "checks": [(check, STATUS_COLOURS[check.status]) for check in row.checks],
            "drills_url": _link("emergency:drill_list", row.drills_filter(year)),
        }
        for row in found.rows
    ]
    figures = {
        key: {"figure": figure, "url": _link("emergency:drill_compliance", figure.filter)}
        for key, figure in found.figures.items()
    }
    context = {
        "form": form,
        "year": year,
        "rows": rows,
        "figures": figures,
        "rules": rules.RULES,
        "query": request.GET.urlencode(),
    }
    return render(request, "emergency/drills/compliance.html", context)


def check_words(check: rules.Check) -> str:
    """One check as the page words it: 期间 · 要求：完成情况（已演练 n 次 / 应 m 次）."""
    return _("%(period)s · %(rule)s：%(status)s（已演练 %(held)d 次 / 应 %(required)d 次）") % {
        "period": check.period.label,
        "rule": check.rule.label,
        "status": check.status_label,
        "held": check.held,
        "required": check.required,
    }


def _count(status: str):
    return lambda row: sum(1 for check in row.checks if check.status == status)


COMPLIANCE_COLUMNS = [
    Column("unit", str(gettext_lazy("单位")), 32, export=lambda r: r.name),
    Column(
        "owner_kind",
        str(gettext_lazy("主体类型")),
        12,
        export=lambda r: str(OwnerKind(r.result.unit.kind).label),
    ),
    Column(
        "status",
        str(gettext_lazy("完成情况")),
        12,
        export=lambda r: str(rules.STATUS_LABELS[r.status]),
    ),
    Column(
        "higher_risk",
        str(gettext_lazy("高危行业或人员密集场所")),
        28,
        export=lambda r: r.higher_risk_reason,
    ),
    Column("required", str(gettext_lazy("应演练（项）")), 12, export=lambda r: len(r.checks)),
    Column("met", str(gettext_lazy("已完成（项）")), 12, export=_count(rules.MET)),
    Column("open", str(gettext_lazy("待完成（项）")), 12, export=_count(rules.OPEN)),
    Column("behind", str(gettext_lazy("未按期完成（项）")), 14, export=_count(rules.BEHIND)),
    Column(
        "checks",
        str(gettext_lazy("各项演练情况")),
        80,
        export=lambda r: "\n".join(check_words(check) for check in r.checks),
    ),
]


@dataclass(frozen=True)
class CompliancePicked:
    """The filters a compliance export used, as its 导出说明 lists them (``about_lines``
    reads ``active_filters``)."""

    active_filters: list[tuple[str, str]]


def compliance_title(year: int) -> str:
    return _("%(y)d年演练完成情况") % {"y": year}


def compliance_about(
    user, form: ComplianceForm, found: selectors_drills.Compliance
) -> list[tuple[str, str]]:
    """The 导出说明: the year and the status picked, the figures as the page shows them."""
    picked = [(str(form.fields["year"].label), _("%(y)d年") % {"y": found.year})]
    status = form.cleaned_data.get("status") if form.is_bound and form.is_valid() else ""
    if status:
        picked.append(
            (str(form.fields["status"].label), str(dict(form.fields["status"].choices)[status]))
        )
    if form.data.get("unit"):
        names = "、".join(row.name for row in found.rows) or form.data["unit"]
        picked.append((_("单位"), names))
    rate = found.figures["rate"]
    percent = "—" if rate.percent is None else f"{rate.percent}%"
    figures = [
        (
            str(rate.label),
            _("%(p)s（%(on)d / %(all)d 家单位按期完成）")
            % {"p": percent, "on": rate.numerator.count, "all": rate.denominator.count},
        ),
        *(
            (str(found.figures[key].label), str(found.figures[key].count))
            for key in ("required", "behind", "done")
        ),
        (
            _("计算口径"),
            _(
                "未结束的期间为“待完成”，期间结束仍未演练的计为“未按期完成”。"
                "演练完成率 = 按期完成的单位 ÷ 应演练的单位。"
            ),
        ),
    ]
    ledger = compliance_title(found.year)
    return about_lines(user, CompliancePicked(picked), ledger=ledger, notes=figures)


@require_GET
@requires(perms.EMERGENCY_VIEW)
def drill_compliance_export(request):
    """演练完成情况 as shown, as a workbook (the same query string as the page): one row
    per unit, in the page's order."""
    form, found = compliance_found(request.user, request.GET)
    title = compliance_title(found.year)
    response = HttpResponse(content_type=XLSX)
    write_ledger(
        response,
        title=title,
        columns=COMPLIANCE_COLUMNS,
        objects=found.rows,
        about=compliance_about(request.user, form, found),
    )
    attachment(response, f"{title}-{timezone.localdate():%Y%m%d}.xlsx")
    return response
