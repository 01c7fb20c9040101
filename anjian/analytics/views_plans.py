"""/analytics/plans/ — 指标规划: the plans that set the indicators' targets (a city's plan
applies to its districts), each with its targets; created and changed by the managers whose
scope covers the plan's region.

Reading: ``selectors.plans_for`` (the plans of the regions in the user's scope and above
it — a district reads the city's plan, which applies to it). Writing: ``services.plan_save``,
``target_save`` and ``target_delete`` through ``core.forms.submit`` (another region's plan
is 404, a changed plan 409)."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anjian.analytics import indicators, selectors, services
from anjian.analytics import permissions as perms
from anjian.analytics.forms import PlanForm, TargetForm
from anjian.analytics.models import IndicatorPlan
from anjian.core.access import requires
from anjian.core.exceptions import OutOfScope
from anjian.core.forms import submit, submit_on_page
from anjian.core.scoping import scope_of


def can_change(user, plan: IndicatorPlan) -> bool:
    return user.can(perms.INDICATOR_MANAGE) and scope_of(user).covers_region(plan.region_code)


@require_GET
@requires(perms.INDICATOR_VIEW)
def plan_list(request):
    plans = selectors.plans_for(request.user).order_by("region_code", "-target_year", "pk")
    context = {
        "plans": [(plan, can_change(request.user, plan)) for plan in plans],
        "can_manage": request.user.can(perms.INDICATOR_MANAGE),
    }
    return render(request, "analytics/plan_list.html", context)


def _target_rows(plan: IndicatorPlan) -> list[dict]:
    order = {indicator.key: n for n, indicator in enumerate(indicators.INDICATORS)}
    rows = []
    for target in sorted(plan.targets.all(), key=lambda t: order.get(t.indicator, 99)):
        indicator = indicators.BY_KEY.get(target.indicator)
        rows.append(
            {
                "target": target,
                "label": target.get_indicator_display(),
                "unit": indicator.unit if indicator else "",
                "text": _target_text(plan, target),
            }
        )
    return rows


def _target_text(plan: IndicatorPlan, target) -> str:
    value = format(target.value.normalize(), "f")
    if target.comparison == "at_most":
        return f"≤ {value}"
    if target.comparison == "below":
        return f"< {value}"
    text = _("比%(year)d年下降 %(p)s%%") % {"year": plan.baseline_year, "p": value}
    if target.baseline_value is not None:
        baseline = format(target.baseline_value.normalize(), "f")
        text += _("（基期数值 %(v)s）") % {"v": baseline}
    return text


def _detail(request, plan: IndicatorPlan, *, status: int = 200, target_form=None, error=""):
    editing = request.GET.get("target", "")
    current = plan.targets.filter(indicator=editing).first() if editing else None
    if target_form is None:
        initial = {}
        if current is not None:
            initial = {
                "indicator": current.indicator,
                "comparison": current.comparison,
                "value": format(current.value.normalize(), "f"),
                "baseline_value": ""
                if current.baseline_value is None
                else format(current.baseline_value.normalize(), "f"),
                "note": current.note,
            }
        target_form = TargetForm(initial=initial)
    context = {
        "plan": plan,
        "targets": _target_rows(plan),
        "can_change": can_change(request.user, plan),
        "target_form": target_form,
        "editing": current,
        "error": error,
        "years": f"{plan.baseline_year + 1}—{plan.target_year}",
    }
    return render(request, "analytics/plan_detail.html", context, status=status)


@require_GET
@requires(perms.INDICATOR_VIEW)
def plan_detail(request, pk: int):
    return _detail(request, selectors.plan_get(request.user, pk))


def _plan_page(request, form, plan, outcome):
    context = {"form": form, "plan": plan}
    if outcome.conflict and plan is not None:
        context.update(conflict=True, current=selectors.plan_get(request.user, plan.pk))
        context["reload_url"] = request.get_full_path()
    return render(request, "analytics/plan_form.html", context, status=outcome.status)


def _plan_save(user, data: dict, plan: IndicatorPlan | None):
    return services.plan_save(
        user,
        plan_id=plan.pk if plan else None,
        region_id=data["region"],
        name=data["name"],
        baseline_year=data["baseline_year"],
        target_year=data["target_year"],
        source=data.get("source", ""),
        is_active=data.get("is_active", False),
        expected_version=data.get("version") if plan else None,
    )


def _plan_saved(request, plan):
    messages.success(request, _("已保存规划“%(name)s”") % {"name": plan.name})
    return redirect("analytics:plan_detail", pk=plan.pk)


@require_http_methods(["GET", "POST"])
@requires(perms.INDICATOR_MANAGE)
def plan_create(request):
    form = PlanForm(request.POST or None, user=request.user)
    outcome = submit(request, form, lambda data: _plan_save(request.user, data, None))
    if outcome.done:
        return _plan_saved(request, outcome.result)
    return _plan_page(request, form, None, outcome)


def _plan_for_change(user, pk: int) -> IndicatorPlan:
    """A plan the user may change: read through the scope (404), and of a region the scope
    covers (a district's officials read the city's plan, but do not change it: 404)."""
    plan = selectors.plan_get(user, pk)
    if not scope_of(user).covers_region(plan.region_code):
        raise OutOfScope()
    return plan


@require_http_methods(["GET", "POST"])
@requires(perms.INDICATOR_MANAGE)
def plan_edit(request, pk: int):
    plan = _plan_for_change(request.user, pk)
    form = PlanForm(request.POST or None, user=request.user, instance=plan)
    outcome = submit(request, form, lambda data: _plan_save(request.user, data, plan))
    if outcome.done:
        return _plan_saved(request, outcome.result)
    return _plan_page(request, form, plan, outcome)


@require_POST
@requires(perms.INDICATOR_MANAGE)
def plan_target_save(request, pk: int):
    plan = _plan_for_change(request.user, pk)
    form = TargetForm(request.POST)
    return submit_on_page(
        request,
        form,
        lambda data: services.target_save(request.user, plan_id=plan.pk, **data),
        show=lambda bound=None, status=200, error="": _detail(
            request, plan, status=status, target_form=(bound or {}).get("form"), error=error
        ),
        name="form",
        answer=lambda target: _target_saved(request, plan, target),
    )


def _target_saved(request, plan, target):
    messages.success(
        request, _("已保存目标：%(label)s") % {"label": target.get_indicator_display()}
    )
    return redirect("analytics:plan_detail", pk=plan.pk)


@require_POST
@requires(perms.INDICATOR_MANAGE)
def plan_target_delete(request, pk: int, indicator: str):
    plan = _plan_for_change(request.user, pk)
    form = _Empty(request.POST)
    return submit_on_page(
        request,
        form,
        lambda _data: services.target_delete(request.user, plan_id=plan.pk, indicator=indicator),
        show=lambda bound=None, status=200, error="": _detail(
            request, plan, status=status, error=error or "；".join(_errors(bound))
        ),
        name="form",
        answer=lambda _none: _target_removed(request, plan, indicator),
    )


def _errors(bound) -> list[str]:
    form = (bound or {}).get("form")
    return [str(e) for e in form.non_field_errors()] if form is not None else []


def _target_removed(request, plan, indicator: str):
    label = dict(indicators.CHOICES).get(indicator, indicator)
    messages.success(request, _("已删除目标：%(label)s") % {"label": label})
    return redirect("analytics:plan_detail", pk=plan.pk)


class _Empty(forms.Form):
    """A form with no fields: the delete button's POST (the service's refusal lands on it)."""
