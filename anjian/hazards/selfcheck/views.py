"""Self-check pages. Thin: selectors read, services write, forms read the browser's input.

Enterprise users (``selfcheck.manage``) keep their plans and run checks, usually on a
phone; government users in scope (``hazard.view``) read plans and records.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anjian.core.access import requires
from anjian.core.forms import submit
from anjian.core.pagination import page_of
from anjian.enterprises.models import Enterprise
from anjian.hazards import permissions as perms
from anjian.hazards.choices import CheckFrequency
from anjian.hazards.models import CheckItem, CheckPlan, Hazard
from anjian.hazards.selfcheck import checklists, selectors, services
from anjian.hazards.selfcheck.forms import (
    PlanForm,
    RecordForm,
    field_names,
    items_text,
    results_from,
)

READ = (perms.SELFCHECK_MANAGE, perms.HAZARD_VIEW)
PER_PAGE = 50
ITEM_KEY = services.result_key(0).removesuffix("0")  # an item's errors: shown on its card
DUE_LABELS = {
    CheckFrequency.DAILY: gettext_lazy("今日待检"),
    CheckFrequency.WEEKLY: gettext_lazy("本周待检"),
    CheckFrequency.MONTHLY: gettext_lazy("本月待检"),
}


def _int_param(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def _own_enterprise(user) -> Enterprise:
    """The enterprise an enterprise user keeps plans for (its scope is exactly that one)."""
    enterprise_id = user.scope.enterprise_id
    if enterprise_id is None:
        raise PermissionDenied
    return get_object_or_404(
        Enterprise.objects.for_user(user).select_related("industry"), pk=enterprise_id
    )


def _label_due(plans):
    for plan in plans:
        plan.due_label = DUE_LABELS.get(plan.frequency, "") if plan.is_due else ""
    return plans


def _page(request, queryset):
    return page_of(request, queryset, per_page=PER_PAGE)


# --- plans --------------------------------------------------------------------------------


@require_GET
@requires(*READ)
def plan_list(request):
    user = request.user
    enterprise_id = _int_param(request, "enterprise")
    enterprise = None
    if enterprise_id is not None:
        enterprise = get_object_or_404(Enterprise.objects.for_user(user), pk=enterprise_id)
    include_inactive = request.GET.get("inactive") == "1"
    plans = selectors.plan_list(
        user, enterprise_id=enterprise_id, include_inactive=include_inactive
    )
    page = _page(request, plans)
    _label_due(page.object_list)
    return render(
        request,
        "selfcheck/plan_list.html",
        {
            "page": page,
            "enterprise": enterprise,
            "include_inactive": include_inactive,
            "can_manage": user.can(perms.SELFCHECK_MANAGE),
            "own_enterprise": user.scope.enterprise_id is not None,
            "due_count": selectors.plans_due(user, enterprise_id=enterprise_id).count(),
        },
    )


def _plan_form_context(form, enterprise, plan=None, **extra) -> dict:
    return {
        "form": form,
        "plan": plan,
        "enterprise": enterprise,
        "clauses": selectors.clauses_for(enterprise),
        "checklists": checklists.checklists_for(enterprise),
        **extra,
    }


def _initial_for_create(request, enterprise) -> tuple[dict, object]:
    """Prefill from a typical checklist (``?checklist=``) or an existing plan (``?copy=``)."""
    key = request.GET.get("checklist", "")
    copy_id = _int_param(request, "copy")
    if key:
        checklist = checklists.checklist_get(key)
        if checklist is None:
            raise Http404
        items = services.checklist_items(key, enterprise)
        initial = {
            "name": str(checklist.name),
            "frequency": checklist.frequency,
            "scope_note": str(checklist.scope_note),
            "items": items_text(items),
        }
        return initial, checklist
    if copy_id is not None:
        source = selectors.plan_get(request.user, copy_id)
        initial = {
            "name": _("%(name)s（新）") % {"name": source.name},
            "frequency": source.frequency,
            "scope_note": source.scope_note,
            "items": items_text(source.item_list),
        }
        return initial, source
    return {"frequency": CheckFrequency.DAILY}, None


@require_http_methods(["GET", "POST"])
@requires(perms.SELFCHECK_MANAGE)
def plan_create(request):
    enterprise = _own_enterprise(request.user)
    if request.method == "POST":
        form = PlanForm(request.POST, enterprise=enterprise)
        started_from = None
    else:
        initial, started_from = _initial_for_create(request, enterprise)
        form = PlanForm(initial=initial, enterprise=enterprise)
    outcome = submit(
        request,
        form,
        lambda data: services.plan_create(
            by=request.user, enterprise=enterprise, **_plan_data(data)
        ),
    )
    if outcome.done:
        return _plan_saved(request, outcome.result, _("已新建检查计划“%(name)s”"))
    return render(
        request,
        "selfcheck/plan_form.html",
        _plan_form_context(form, enterprise, started_from=started_from),
        status=outcome.status,
    )


def _plan_data(data) -> dict:
    return {name: data[name] for name in ("name", "frequency", "scope_note", "items")}


def _plan_saved(request, plan, text):
    messages.success(request, text % {"name": plan.name})
    return redirect("selfcheck:plan_detail", pk=plan.pk)


@require_GET
@requires(*READ)
def plan_detail(request, pk: int):
    plan = selectors.plan_get(request.user, pk)
    _label_due([plan])
    records = selectors.record_list(request.user, plan_id=plan.pk)[:20]
    return render(
        request,
        "selfcheck/plan_detail.html",
        {
            "plan": plan,
            "records": records,
            "can_manage": request.user.can(perms.SELFCHECK_MANAGE),
        },
    )


@require_http_methods(["GET", "POST"])
@requires(perms.SELFCHECK_MANAGE)
def plan_edit(request, pk: int):
    plan = selectors.plan_get(request.user, pk)
    enterprise = plan.enterprise
    if request.method == "POST":
        form = PlanForm(request.POST, enterprise=enterprise)
    else:
        initial = {
            "name": plan.name,
            "frequency": plan.frequency,
            "scope_note": plan.scope_note,
            "items": items_text(plan.item_list),
        }
        form = PlanForm(initial=initial, enterprise=enterprise)
    outcome = submit(
        request,
        form,
        lambda data: services.plan_update(by=request.user, plan_id=plan.pk, **_plan_data(data)),
    )
    if outcome.done:
        return _plan_saved(request, outcome.result, _("已保存检查计划“%(name)s”"))
    return render(
        request,
        "selfcheck/plan_form.html",
        _plan_form_context(form, enterprise, plan),
        status=outcome.status,
    )


def _toggle(request, pk: int, active: bool):
    service = services.plan_activate if active else services.plan_deactivate
    try:
        plan = service(by=request.user, plan_id=pk)
    except CheckPlan.DoesNotExist:
        raise Http404 from None
    text = _("已启用检查计划“%(name)s”") if active else _("已停用检查计划“%(name)s”")
    messages.success(request, text % {"name": plan.name})
    return redirect("selfcheck:plan_detail", pk=plan.pk)


@require_POST
@requires(perms.SELFCHECK_MANAGE)
def plan_deactivate(request, pk: int):
    return _toggle(request, pk, False)


@require_POST
@requires(perms.SELFCHECK_MANAGE)
def plan_activate(request, pk: int):
    return _toggle(request, pk, True)


# --- doing a check ----------------------------------------------------------------------------


@dataclass
class Row:
    """One item card on the check page, with what the user entered and its errors. The
    hazard title starts as the item's finding and the place as its area; both can be
    changed when the item fails."""

    item: CheckItem
    names: dict
    passed: bool | None = None
    title: str = ""
    place: str = ""
    note: str = ""
    had_photos: bool = False
    errors: list = field(default_factory=list)
    open_hazard: Hazard | None = None


def _rows(request, plan, results=None, errors=None) -> list[Row]:
    open_hazards = selectors.open_hazards_by_item(request.user, plan)
    by_item = {result["item_id"]: result for result in results or ()}
    rows = []
    for item in plan.item_list:
        result = by_item.get(item.pk, {})
        rows.append(
            Row(
                item=item,
                names=field_names(item.pk),
                passed=result.get("passed"),
                title=result.get("title") or services.default_title(item),
                place=result.get("place") or item.area,
                note=result.get("note", ""),
                had_photos=bool(result.get("photos")),
                errors=list((errors or {}).get(services.result_key(item.pk), [])),
                open_hazard=open_hazards.get(item.pk),
            )
        )
    return rows


@require_http_methods(["GET", "POST"])
@requires(perms.SELFCHECK_MANAGE)
def check_perform(request, pk: int):
    plan = selectors.plan_get(request.user, pk)
    if not plan.is_active:
        messages.warning(request, _("该检查计划已停用，不能再录入检查结果"))
        return redirect("selfcheck:plan_detail", pk=plan.pk)
    if request.method == "GET":
        form = RecordForm(initial=RecordForm.initial_now())
        return render(
            request,
            "selfcheck/check_form.html",
            {"plan": plan, "form": form, "rows": _rows(request, plan)},
        )
    form = RecordForm(request.POST)
    results = results_from(plan.item_list, request.POST, request.FILES)
    outcome = submit(
        request,
        form,
        lambda data: services.check_record_submit(
            by=request.user,
            plan_id=plan.pk,
            results=results,
            note=data["note"],
            performed_at=data["performed_at"],
        ),
        elsewhere=lambda key: key.startswith(ITEM_KEY),
    )
    if outcome.done:
        return _check_saved(request, outcome.result)
    item_errors = outcome.errors
    rows = _rows(request, plan, results, item_errors)
    return render(
        request,
        "selfcheck/check_form.html",
        {
            "plan": plan,
            "form": form,
            "rows": rows,
            "failed_rows": [row for row in rows if row.errors],
            "photos_dropped": any(row.had_photos for row in rows),
        },
        status=422,
    )


def _check_saved(request, record):
    raised = record.results.filter(hazard__isnull=False).count()
    if raised:
        messages.warning(
            request,
            _("检查记录已保存，%(n)s 项不合格，已登记为隐患，请尽快上账整改。") % {"n": raised},
        )
    else:
        messages.success(request, _("检查记录已保存，全部合格。"))
    return redirect("selfcheck:record_detail", pk=record.pk)


# --- records ------------------------------------------------------------------------------


@require_GET
@requires(*READ)
def record_list(request):
    user = request.user
    plan_id = _int_param(request, "plan")
    enterprise_id = _int_param(request, "enterprise")
    plan = selectors.plan_get(user, plan_id) if plan_id is not None else None
    enterprise = None
    if enterprise_id is not None:
        enterprise = get_object_or_404(Enterprise.objects.for_user(user), pk=enterprise_id)
    records = selectors.record_list(user, plan_id=plan_id, enterprise_id=enterprise_id)
    return render(
        request,
        "selfcheck/record_list.html",
        {"page": _page(request, records), "plan": plan, "enterprise": enterprise},
    )


@require_GET
@requires(*READ)
def record_detail(request, pk: int):
    record = selectors.record_get(request.user, pk)
    failed = [result for result in record.result_list if not result.passed]
    return render(
        request,
        "selfcheck/record_detail.html",
        {"record": record, "failed": failed, "passed_count": len(record.result_list) - len(failed)},
    )
