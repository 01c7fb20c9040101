"""年度/季度监督检查计划 pages: the list, drawing one up, a plan with its units, adjusting
a unit, the approval steps, and the region's frequency policy.

Thin like the draw pages (``inspections/views.py``): selectors read, services write
through ``core.forms.submit``/``submit_on_page``, the lifecycle offers the buttons.
"""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from anjian.core.access import requires
from anjian.core.forms import submit
from anjian.core.pagination import paginate_table
from anjian.core.registry import RegistryEdit, RegistryList
from anjian.inspections import permissions as perms
from anjian.inspections.forms import ReasonForm, VersionForm
from anjian.inspections.lifecycle import PLAN
from anjian.inspections.plan_models import PLAN_STATE_COLOURS, PlanState
from anjian.inspections.plans import selectors, services
from anjian.inspections.plans.export import plan_entries_response
from anjian.inspections.plans.forms import GRADE_CHOICES, EntryForm, PolicyForm, ProposeForm
from anjian.inspections.plans.tables import EntryTable, PlanFilterSet, PlanTable
from anjian.inspections.views import action_cards, transition_view
from anjian.regions.models import Region

BUTTONS = {"submit": "btn-primary", "approve": "btn-success", "return": "btn-outline-danger"}
DONE = {
    "submit": gettext_lazy("已提交审批"),
    "approve": gettext_lazy("计划已批准"),
    "return": gettext_lazy("已退回修改"),
}


class PlanList(RegistryList):
    access = perms.INSPECTION_VIEW
    table = PlanTable
    template_name = "inspections/plans/plan_list.html"

    def get_filterset(self):
        user = self.request.user
        return PlanFilterSet(self.request.GET or None, queryset=selectors.plans(user), user=user)


class PlanCreate(RegistryEdit):
    """编制计划: the platform proposes every unit's visits from the policy."""

    access = perms.INSPECTION_PLAN
    form_class = ProposeForm
    template_name = "inspections/plans/plan_form.html"
    context_object_name = "plan"
    list_url = "inspections:plan_list"
    sections = [(gettext_lazy("计划"), ["department", "year", "quarter", "title"])]
    success_message = gettext_lazy("已按检查频次生成“%(title)s”：请逐项核对、调整后提交审批")

    def form_kwargs(self, obj) -> dict:
        return {"user": self.request.user}

    def save(self, obj, data, version):
        return services.plan_propose(self.request.user, **data)


def _form(name: str, data=None, *, version=None):
    if name == "return":
        form = ReasonForm(data, initial={"version": version})
        form.fields["reason"].label = gettext_lazy("退回原因")
        return form
    return VersionForm(data, initial={"version": version})


def _plan_page(request, plan, *, bound=None, status=200, error: str = ""):
    user = request.user
    plan = selectors.plan_get(user, plan.pk)
    grade = request.GET.get("grade", "")
    adjusted = request.GET.get("adjusted") == "1"
    editable = plan.state == PlanState.DRAFT and user.can(perms.INSPECTION_PLAN)
    table = EntryTable(
        selectors.entries(plan, grade=grade if grade in "ABCD" else "", adjusted=adjusted),
        editable=editable,
    )
    context = {
        "plan": plan,
        "table": paginate_table(request, table, per_page=50),
        "totals": selectors.totals(plan),
        "over_cap": selectors.over_cap(plan),
        "policy": services.policy_for(plan.department.region_id),
        "grades": GRADE_CHOICES,
        "grade": grade,
        "adjusted": adjusted,
        "actions": action_cards(
            "plan", plan, PLAN.available(user, plan), bound, form=_form, buttons=BUTTONS
        ),
        "state_colour": PLAN_STATE_COLOURS[plan.state],
        "timeline": plan.transitions.select_related("by").order_by("at", "id"),
        "labels": PLAN.labels(),
        "state_labels": dict(PlanState.choices),
        "error": error,
    }
    return render(request, "inspections/plans/plan_detail.html", context, status=status)


@require_GET
@requires(perms.INSPECTION_VIEW)
def plan_detail(request, pk: int):
    return _plan_page(request, selectors.plan_get(request.user, pk))


@require_GET
@requires(perms.INSPECTION_VIEW)
def plan_export(request, pk: int):
    """The plan's units as shown (the same 等级 / 已调整 filters), every row, as Excel."""
    plan = selectors.plan_get(request.user, pk)
    grade = request.GET.get("grade", "")
    grade = grade if grade in ("A", "B", "C", "D") else ""
    adjusted = request.GET.get("adjusted") == "1"
    rows = selectors.entries(plan, grade=grade, adjusted=adjusted)
    filters = {str(_("监管等级")): grade, str(_("只看已调整")): _("是") if adjusted else ""}
    return plan_entries_response(plan, rows, user=request.user, filters=filters)


CALLS = {
    "submit": lambda user, pk, data: services.plan_submit(
        user, plan_id=pk, version=data["version"]
    ),
    "approve": lambda user, pk, data: services.plan_approve(
        user, plan_id=pk, version=data["version"]
    ),
    "return": lambda user, pk, data: services.plan_return(
        user, plan_id=pk, reason=data["reason"], version=data["version"]
    ),
}


def _plan_action(name: str):
    return transition_view(
        PLAN,
        name,
        prefix="plan",
        read=selectors.plan_get,
        form=_form,
        call=CALLS[name],
        show=_plan_page,
        done=DONE[name],
    )


plan_submit = _plan_action("submit")
plan_approve = _plan_action("approve")
plan_return = _plan_action("return")


@require_http_methods(["GET", "POST"])
@requires(perms.INSPECTION_PLAN)
def entry_edit(request, pk: int, entry_pk: int):
    """调整 one unit: its visits (a reason when they differ from the proposal) and the
    departments that join them."""
    plan = selectors.plan_get(request.user, pk)
    entry = get_object_or_404(plan.entries.select_related("enterprise"), pk=entry_pk)
    initial = {
        "visits": entry.visits,
        "reason": entry.reason,
        "joint_departments": list(entry.joint_departments.all()),
        "version": plan.version,
    }
    form = EntryForm(request.POST or None, initial=initial, plan=plan)
    outcome = submit(
        request,
        form,
        lambda data: services.entry_adjust(
            request.user,
            entry_id=entry.pk,
            visits=data["visits"],
            reason=data["reason"],
            joint_departments=data["joint_departments"],
            plan_version=data["version"],
        ),
    )
    if outcome.done:
        messages.success(
            request, str(gettext_lazy("已调整“%(name)s”") % {"name": entry.enterprise})
        )
        return redirect(plan)
    context = {"plan": plan, "entry": entry, "form": form}
    return render(request, "inspections/plans/entry_form.html", context, status=outcome.status)


@require_http_methods(["GET", "POST"])
@requires(perms.INSPECTION_PLAN)
def policy_edit(request):
    """The frequencies of the user's own region (检查频次政策: local policy)."""
    region = get_object_or_404(Region, code=request.user.region_id or settings.REGION_ROOT)
    policy = services.policy_for(region.code)
    own = policy.region_id == region.code
    form = PolicyForm(request.POST or None, policy=policy, own=own)
    outcome = submit(
        request,
        form,
        lambda data: services.policy_save(
            request.user,
            region=region,
            data=data,
            version=data.get("version") if own else None,
        ),
    )
    if outcome.done:
        messages.success(request, str(gettext_lazy("检查频次政策已保存")))
        return redirect("inspections:plan_list")
    context = {"form": form, "region": region, "policy": policy, "own": own}
    return render(request, "inspections/plans/policy_form.html", context, status=outcome.status)
