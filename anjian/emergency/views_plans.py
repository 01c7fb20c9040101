"""应急预案 pages: the list (and its Excel), a plan's page — its versions, the filing
deadline with the calendar that counted it, levels with their tasks, roles, attachments,
assessments and the timeline — and the forms on it, each posting to its own URL; the form
that writes or edits a draft.

Also what every emergency page shares (``RecordDetail``, ``PageAction``, the unit
picker): selectors read through the user's scope (404 outside it), services write through
``core.forms.submit``; a refused form shows its page again with its errors by field (422),
a concurrent change with the conflict's reason and the record as it is now (409)."""

import mimetypes
from pathlib import Path

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from anjian.core.access import requires
from anjian.core.excel import Column
from anjian.core.filters import SelectorFilter
from anjian.core.forms import attachment as attachment_header
from anjian.core.pages import PageAction, RecordDetail
from anjian.core.registry import (
    RegistryEdit,
    RegistryExport,
    RegistryList,
)
from anjian.emergency import lifecycle, selectors_plans, services_plans
from anjian.emergency import permissions as perms
from anjian.emergency.filters import PlanFilterForm
from anjian.emergency.forms_plans import (
    TRANSITION_FORMS,
    AssessForm,
    AttachForm,
    PlanForm,
    TriggerForm,
)
from anjian.emergency.lifecycle import PLAN
from anjian.emergency.models import EmergencyPlan, PlanState
from anjian.emergency.tables import PlanTable, owner_words, plan_state_badge
from anjian.enterprises.models import Enterprise

PICKER_LIMIT = 20
REPLACED = (PlanState.SUPERSEDED, PlanState.ABOLISHED)


# --- what the emergency pages share -----------------------------------------------------------


def timeline(obj, lifecycle_) -> dict:
    """The record's transitions and events, with their labels."""
    return {
        "timeline": obj.transitions.select_related("by").order_by("at", "id"),
        "labels": lifecycle_.labels(),
        "state_labels": dict(lifecycle_.states.choices),
    }


@require_GET
@requires(perms.PLAN_MANAGE, perms.DRILL_MANAGE, perms.RESOURCE_MANAGE)
def enterprise_matches(request):
    """The units in the user's scope that match ``?q=`` (the owner picker swaps them in)."""
    query = (request.GET.get("q") or "").strip()
    found = Enterprise.objects.none()
    if query:
        found = (
            Enterprise.objects.for_user(request.user)
            .search(query)
            .select_related("street")
            .order_by("name_sort_key")[:PICKER_LIMIT]
        )
    context = {"matches": found, "query": query, "form_id": request.GET.get("form", "")}
    return render(request, "emergency/_owner.html#matches", context)


# --- the list -------------------------------------------------------------------------------


def plan_filter(user, params) -> SelectorFilter:
    return SelectorFilter(user, params, form_class=PlanFilterForm, select=selectors_plans.plans)


class PlanList(RegistryList):
    access = perms.EMERGENCY_VIEW
    filterset = plan_filter
    table = PlanTable
    template_name = "emergency/plans/list.html"


def _day(value):
    return value or None


PLAN_COLUMNS = [
    Column("number", str(gettext_lazy("预案编号")), 16, export=lambda p: p.number),
    Column("title", str(gettext_lazy("预案名称")), 36, export=lambda p: p.title),
    Column("edition", str(gettext_lazy("版本")), 12, export=lambda p: p.edition),
    Column(
        "plan_type", str(gettext_lazy("预案类型")), 18, export=lambda p: p.get_plan_type_display()
    ),
    Column("owner", str(gettext_lazy("编制单位")), 28, export=owner_words),
    Column("region", str(gettext_lazy("所属区划")), 14, export=lambda p: p.region.name),
    Column("state", str(gettext_lazy("状态")), 12, export=lambda p: p.get_state_display()),
    Column(
        "published_on", str(gettext_lazy("发布日期")), 12, export=lambda p: _day(p.published_on)
    ),
    Column(
        "filing_due_on", str(gettext_lazy("备案期限")), 12, export=lambda p: _day(p.filing_due_on)
    ),
    Column(
        "filing_authority",
        str(gettext_lazy("备案受理单位")),
        20,
        export=lambda p: p.filing_authority,
    ),
    Column("filed_on", str(gettext_lazy("备案日期")), 12, export=lambda p: _day(p.filed_on)),
    Column("filing_number", str(gettext_lazy("备案编号")), 18, export=lambda p: p.filing_number),
    Column(
        "last_assessed_on",
        str(gettext_lazy("上次评估")),
        12,
        export=lambda p: _day(p.last_assessed_on),
    ),
    Column(
        "assessment_due_on",
        str(gettext_lazy("下次评估期限")),
        12,
        export=lambda p: _day(p.assessment_due_on),
    ),
    Column(
        "revision_due",
        str(gettext_lazy("需修订")),
        8,
        export=lambda p: _("是") if p.revision_due else "",
    ),
    Column("risks", str(gettext_lazy("针对的风险")), 40, export=lambda p: p.risks),
]


class PlanExport(RegistryExport):
    access = perms.EMERGENCY_VIEW
    filterset = plan_filter
    columns = PLAN_COLUMNS
    title = str(gettext_lazy("应急预案台账"))


# --- a plan ---------------------------------------------------------------------------------


def versions(user, plan) -> list[EmergencyPlan]:
    """Every version of the plan the user can see, oldest first (the chain through
    ``previous`` and every revision made from any of them)."""
    visible = EmergencyPlan.objects.for_user(user)
    root = plan
    seen = {plan.pk}
    while root.previous_id and root.previous_id not in seen:
        earlier = visible.filter(pk=root.previous_id).first()
        if earlier is None:
            break
        seen.add(earlier.pk)
        root = earlier
    found, frontier = [root], [root.pk]
    while frontier:
        later = list(visible.filter(previous_id__in=frontier).order_by("id"))
        later = [p for p in later if p.pk not in {f.pk for f in found}]
        found += later
        frontier = [p.pk for p in later]
    return found


def filing_status(plan, today) -> dict | None:
    """The filing deadline as the page says it: days left, or overdue."""
    if plan.filing_due_on is None:
        return None
    awaiting = plan.state in (PlanState.PUBLISHED, PlanState.SUBMITTED, PlanState.RETURNED)
    days = (plan.filing_due_on - today).days
    late = plan.filed_on is not None and plan.filed_on > plan.filing_due_on
    return {
        "awaiting": awaiting,
        "days": days,
        "overdue": awaiting and days < 0,
        "late": late,
        "overdue_days": -days,
    }


class PlanDetail(RecordDetail):
    access = perms.EMERGENCY_VIEW
    read = selectors_plans.plan_for_read
    template_name = "emergency/plans/detail.html"
    context_object_name = "plan"

    def get_extra_context(self, obj, **context) -> dict:
        user, today = self.request.user, timezone.localdate()
        tasks = list(obj.tasks.all())
        levels = [
            (level, [t for t in tasks if t.level == level.level]) for level in obj.levels.all()
        ]
        actions = PLAN.available(user, obj)
        transitions = [
            {
                "name": a.name,
                "label": a.label,
                "form": self.form(
                    f"transition_{a.name}",
                    lambda a=a: TRANSITION_FORMS[a.name](
                        initial={"version": obj.version}, auto_id=f"transition_{a.name}-%s"
                    ),
                ),
            }
            for a in actions
            if a.kind == "transition"
        ]
        operations = {a.name for a in actions if a.kind == "operation"}
        context = {
            "state_badge": plan_state_badge(obj),
            "versions": versions(user, obj),
            "filing": filing_status(obj, today),
            "levels": levels,
            "roles": obj.roles.all(),
            "attachments": obj.attachments.filter(withdrawn_at__isnull=True).select_related(
                "uploaded_by"
            ),
            "assessments": obj.assessments.select_related("by").order_by("-at", "-id"),
            "drills": obj.drills.order_by("-planned_on")[:10],
            "transitions": transitions,
            "may_edit": obj.state == PlanState.DRAFT and PLAN.refusal(user, "publish", obj) is None,
            "may_revise": "revise" in operations,
            "today": today,
            **timeline(obj, PLAN),
        }
        if obj.state == PlanState.DRAFT and context["may_edit"]:
            context["publish_blocked"] = lifecycle.plan_has_levels(obj)
        if "assess" in operations:
            context["assess_form"] = self.form("assess", lambda: AssessForm(auto_id="assess-%s"))
        if "trigger" in operations:
            context["trigger_form"] = self.form(
                "trigger", lambda: TriggerForm(auto_id="trigger-%s")
            )
        may_attach = user.can(perms.PLAN_MANAGE) and obj.state not in REPLACED
        if may_attach and lifecycle.enterprise_plan_by_its_unit(user, obj) is None:
            context["attach_form"] = self.form("attach", lambda: AttachForm(auto_id="attach-%s"))
        return context


PLAN_SECTIONS = [
    (gettext_lazy("预案"), ["title", "plan_type", "edition", "assessment_cycle_years"]),
    (gettext_lazy("内容"), ["scope_text", "risks", "command_structure", "roles"]),
]


class PlanCreate(RegistryEdit):
    access = perms.PLAN_MANAGE
    form_class = PlanForm
    template_name = "emergency/plans/form.html"
    context_object_name = "plan"
    sections = PLAN_SECTIONS
    list_url = "emergency:plan_list"
    success_message = gettext_lazy("已登记预案“%(title)s”（编制中），登记响应级别和任务后可发布")

    def get_extra_context(self, obj=None, **context) -> dict:
        if obj is None:
            return {
                "heading": _("登记应急预案"),
                "back_url": reverse("emergency:plan_list"),
                "back_label": _("应急预案"),
            }
        return {
            "heading": _("修改应急预案"),
            "back_url": obj.get_absolute_url(),
            "back_label": str(obj),
        }

    def save(self, obj, data, version):
        return services_plans.plan_create(self.request.user, **data)


class PlanEdit(PlanCreate):
    read = selectors_plans.plan_for_read
    success_message = gettext_lazy("已保存预案“%(title)s”")

    def refuse(self, obj):
        if obj.state != PlanState.DRAFT:
            messages.warning(self.request, _("预案已发布，不能再修改；如需修改请编制修订版"))
            return redirect(obj)
        return None

    def save(self, obj, data, version):
        return services_plans.plan_update(
            self.request.user, plan_id=obj.pk, expected_version=version, **data
        )


class PlanTransitionView(PageAction):
    """发布 / 报送备案 / 备案 / 退回 / 废止, by ``name``: each has its own form."""

    access = (perms.PLAN_MANAGE, perms.PLAN_FILE)
    detail = PlanDetail
    anchor = "filing"
    DONE = {
        "publish": gettext_lazy("已发布：请在备案期限前报送备案"),
        "submit": gettext_lazy("已报送备案"),
        "file": gettext_lazy("已备案"),
        "return": gettext_lazy("已退回编制单位"),
        "abolish": gettext_lazy("已废止：本预案不再计入现行预案"),
    }

    def name(self) -> str:
        name = self.request.POST.get("name", "")
        if name not in TRANSITION_FORMS:
            raise Http404
        return name

    def get_form_class(self, obj):
        self.form_name = f"transition_{self.name()}"
        return TRANSITION_FORMS[self.name()]

    def save(self, obj, data):
        data = dict(data)
        version = data.pop("version")
        call = getattr(services_plans, f"plan_{self.name()}")
        return call(self.request.user, plan_id=obj.pk, expected_version=version, **data)

    def saved(self, obj, result):
        messages.success(self.request, str(self.DONE[self.name()]))
        return redirect(f"{obj.get_absolute_url()}#filing")


class PlanAssess(PageAction):
    access = perms.PLAN_MANAGE
    detail = PlanDetail
    form_class = AssessForm
    form_name = "assess"
    anchor = "assessments"
    success_message = gettext_lazy("已登记评估")

    def save(self, obj, data):
        return services_plans.plan_assess(self.request.user, plan_id=obj.pk, **data)


class PlanTrigger(PageAction):
    access = perms.PLAN_MANAGE
    detail = PlanDetail
    form_class = TriggerForm
    form_name = "trigger"
    anchor = "assessments"
    success_message = gettext_lazy("已登记修订情形：本预案标记为需修订")

    def save(self, obj, data):
        return services_plans.plan_trigger(self.request.user, plan_id=obj.pk, **data)


class PlanAttach(PageAction):
    access = perms.PLAN_MANAGE
    detail = PlanDetail
    form_class = AttachForm
    form_name = "attach"
    anchor = "attachments"
    success_message = gettext_lazy("已上传附件“%(name)s”")

    def save(self, obj, data):
        return services_plans.plan_attach(
            self.request.user, plan_id=obj.pk, name=data["name"], file=data["file"]
        )


class PlanRevise(PageAction):
    """编制修订版: a new draft copied from this version (its levels, roles and tasks)."""

    access = perms.PLAN_MANAGE
    detail = PlanDetail
    form_name = "revise"

    def get_form_class(self, obj):
        return forms.Form

    def form_kwargs(self, obj) -> dict:
        return {}

    def save(self, obj, data):
        return services_plans.plan_revise(self.request.user, plan_id=obj.pk)

    def saved(self, obj, result):
        messages.success(self.request, _("已复制为修订版草稿，修改后发布即替代本版"))
        return redirect(reverse("emergency:plan_edit", args=[result.pk]))


@require_GET
@requires(perms.EMERGENCY_VIEW)
def plan_attachment(request, pk: int, attachment_id: int):
    """An attachment, only for those who may see its plan."""
    plan = selectors_plans.plan_for_read(request.user, pk)
    attachment = get_object_or_404(plan.attachments.all(), pk=attachment_id)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    kind = mimetypes.guess_type(attachment.file.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=kind)
    response["Cache-Control"] = "private, max-age=3600"
    suffix = Path(attachment.file.name).suffix
    attachment_header(response, f"{attachment.name}{suffix}")
    return response
