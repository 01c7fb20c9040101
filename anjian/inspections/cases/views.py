"""行政处罚案件 pages: the list, filing a case (optionally from a completed inspection), a
case with its steps, weighing it against the discretion table, the 法制审核 queue, and the
discretion table itself.

Thin like the draw pages (``inspections/views.py``): selectors read, services write
through ``core.forms.submit`` / ``submit_on_page``, the lifecycle offers the steps (each a
card on the case's page posting to ``/inspections/cases/<id>/<step>/``).
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anjian.core.access import requires
from anjian.core.forms import submit, submit_on_page
from anjian.core.pagination import paginate_table
from anjian.core.registry import RegistryEdit, RegistryList
from anjian.inspections import permissions as perms
from anjian.inspections.case_models import CaseState
from anjian.inspections.cases import forms, selectors, services
from anjian.inspections.cases.tables import (
    CASE_STATE_COLOURS,
    CaseFilterSet,
    CaseTable,
    decide_overdue,
)
from anjian.inspections.forms import VersionForm
from anjian.inspections.lifecycle import CASE
from anjian.inspections.views import action_cards, transition_view

BUTTONS = {
    "pass_review": "btn-success",
    "return_review": "btn-outline-danger",
    "decide": "btn-success",
    "transfer": "btn-outline-danger",
    "drop": "btn-outline-secondary",
}
DONE = {
    "investigate": gettext_lazy("已开始调查取证"),
    "submit_review": gettext_lazy("已提交法制审核"),
    "pass_review": gettext_lazy("法制审核已通过"),
    "return_review": gettext_lazy("已退回承办人"),
    "notify": gettext_lazy("已制作行政处罚告知书，请送达当事人"),
    "decide": gettext_lazy("已作出处罚决定，请送达行政处罚决定书"),
    "execute": gettext_lazy("执行情况已登记"),
    "close": gettext_lazy("已结案"),
    "transfer": gettext_lazy("已移送，涉嫌犯罪案件移送书已制作"),
    "drop": gettext_lazy("已决定不予处罚"),
}


# --- the list and the review queue --------------------------------------------------------------


class CaseList(RegistryList):
    access = perms.INSPECTION_VIEW
    table = CaseTable
    template_name = "inspections/cases/list.html"

    def get_filterset(self):
        user = self.request.user
        return CaseFilterSet(self.request.GET or None, queryset=selectors.cases(user), user=user)

    def get_extra_context(self, **context) -> dict:
        return {"review_count": selectors.review_queue(self.request.user).count()}


@require_GET
@requires(perms.INSPECTION_LEGAL_REVIEW)
def review_queue(request):
    """法制审核: the cases waiting for the user's review (none they took part in)."""
    table = paginate_table(request, CaseTable(selectors.review_queue(request.user)))
    return render(request, "inspections/cases/review_queue.html", {"table": table})


# --- filing -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires(perms.INSPECTION_CASE)
def case_create(request):
    """立案: pick the party (``?q=`` searches the user's units, ``?enterprise=`` picks one)
    or start from a completed inspection (``?inspection=``: its unit, department,
    inspectors and failed items)."""
    user = request.user
    source = selectors.source_inspection(user, request.GET.get("inspection"))
    initial = {}
    if source is not None:
        initial = {
            "enterprise": source.enterprise_id,
            "inspection": source.pk,
            "department": source.department_id,
            "title": gettext_lazy("%(unit)s安全生产违法案") % {"unit": source.enterprise.name},
            "facts": selectors.facts_from(source),
            "handlers": list(source.inspectors.all()),
        }
    picked_id = request.POST.get("enterprise") or request.GET.get("enterprise")
    picked = selectors.enterprise_pick(user, picked_id) if picked_id else None
    if picked is not None:
        initial["enterprise"] = picked.pk
    elif source is not None:
        picked = source.enterprise
    form = forms.CaseFileForm(request.POST or None, initial=initial, user=user)
    outcome = submit(request, form, lambda data: services.case_file(user, **form.service_data()))
    if outcome.done:
        messages.success(request, str(gettext_lazy("已立案：%(n)s") % {"n": outcome.result.number}))
        return redirect(outcome.result)
    query = request.GET.get("q", "")
    context = {
        "form": form,
        "query": query,
        "matches": selectors.enterprise_matches(user, query),
        "picked": picked,
        "source": source,
    }
    return render(request, "inspections/cases/form.html", context, status=outcome.status)


# --- a case -------------------------------------------------------------------------------------


def _case_page(request, case, *, bound=None, status=200, error: str = ""):
    user = request.user
    case = selectors.case_detail(user, case.pk)
    offered = CASE.available(user, case)
    context = {
        "case": case,
        "actions": action_cards(
            "case", case, offered, bound, form=forms.transition_form, buttons=BUTTONS
        ),
        "may_weigh": case.state in services.WEIGHABLE and user.can(perms.INSPECTION_CASE),
        "outside_range": case.rule_id is not None
        and not case.rule.fine_min <= (case.fine or 0) <= case.rule.fine_max,
        "overdue": decide_overdue(case),
        "state_colour": CASE_STATE_COLOURS[case.state],
        "documents": selectors.documents_of(case),
        "entries": selectors.chain_entries(case),
        "timeline": selectors.timeline(case),
        "labels": CASE.labels(),
        "state_labels": dict(CaseState.choices),
        "error": error,
    }
    return render(request, "inspections/cases/detail.html", context, status=status)


@require_GET
@requires(perms.INSPECTION_VIEW)
def case_detail(request, pk: int):
    return _case_page(request, selectors.case_detail(request.user, pk))


def _case_step(name: str):
    return transition_view(
        CASE,
        name,
        prefix="case",
        read=selectors.case_detail,
        form=forms.transition_form,
        call=lambda user, pk, data: services.case_transition(
            user, case_id=pk, name=name, **forms.transition_kwargs(data)
        ),
        show=_case_page,
        done=DONE[name],
    )


case_investigate = _case_step("investigate")
case_submit_review = _case_step("submit_review")
case_pass_review = _case_step("pass_review")
case_return_review = _case_step("return_review")
case_notify = _case_step("notify")
case_decide = _case_step("decide")
case_execute = _case_step("execute")
case_close = _case_step("close")
case_transfer = _case_step("transfer")
case_drop = _case_step("drop")


@require_http_methods(["GET", "POST"])
@requires(perms.INSPECTION_CASE)
def case_weigh(request, pk: int):
    """裁量: the rule (grouped by violation, each level with its range), the fine, the reason
    when it is outside the range; the page says whether the case will need 法制审核."""
    user = request.user
    case = selectors.case_detail(user, pk)
    initial = {
        "version": case.version,
        "rule": case.rule_id,
        "fine": case.fine,
        "fine_reason": case.fine_reason,
        "other_measures": case.other_measures,
    }
    form = forms.WeighForm(request.POST or None, initial=initial)
    outcome = submit(
        request,
        form,
        lambda data: services.case_weigh(user, case_id=case.pk, **form.service_data()),
    )
    if outcome.done:
        messages.success(request, str(gettext_lazy("裁量已保存")))
        return redirect(outcome.result)
    context = {
        "case": selectors.case_detail(user, pk),
        "form": form,
        "weighable": case.state in services.WEIGHABLE,
        "large_fine": services.LARGE_FINE,
        "conflict": outcome.conflict,
    }
    return render(request, "inspections/cases/weigh.html", context, status=outcome.status)


# --- the discretion table -----------------------------------------------------------------------


def _discretion_page(request, *, bound=None, status=200, error: str = ""):
    user = request.user
    retired = request.GET.get("retired") == "1"
    context = {
        "groups": selectors.rules_by_violation(active_only=not retired),
        "retired": retired,
        "may_edit": user.can(perms.INSPECTION_STANDARDS),
        "error": error,
        "large_fine": services.LARGE_FINE,
    }
    return render(request, "inspections/cases/discretion.html", context, status=status)


@require_GET
@requires(perms.INSPECTION_VIEW)
def discretion_list(request):
    """自由裁量基准: every violation with its levels and ranges (``?retired=1`` with the
    retired rows)."""
    return _discretion_page(request)


class RuleEdit(RegistryEdit):
    """Add or change a rule of the discretion table (city-wide configuration)."""

    access = perms.INSPECTION_STANDARDS
    read = lambda user, pk: selectors.rule_get(pk)  # noqa: E731 — the table is not scoped
    form_class = forms.RuleForm
    template_name = "inspections/cases/rule_form.html"
    context_object_name = "rule"
    list_url = "inspections:discretion_list"
    sections = [
        (gettext_lazy("违法行为"), ["code", "violation", "violated_basis", "penalty_basis"]),
        (
            gettext_lazy("情节与裁量幅度"),
            ["circumstance", "circumstance_note", "fine_min", "fine_max", "other_measures"],
        ),
    ]
    success_message = gettext_lazy("已保存裁量基准：%(code)s")

    def save(self, obj, data, version):
        return services.discretion_rule_save(
            self.request.user,
            rule_id=obj.pk if obj else None,
            data=data,
            version=version if obj else None,
        )

    def success_url(self, result) -> str:
        return reverse("inspections:discretion_list") + f"#rule-{result.pk}"

    def cancel_url(self, obj) -> str:
        return reverse("inspections:discretion_list")


@require_POST
@requires(perms.INSPECTION_STANDARDS)
def discretion_retire(request, pk: int):
    """停用 a rule: no longer offered; the cases weighed by it keep it."""
    rule = selectors.rule_get(pk)

    def answer(result):
        messages.success(request, str(gettext_lazy("已停用：%(r)s") % {"r": result}))
        return redirect(reverse("inspections:discretion_list"))

    return submit_on_page(
        request,
        VersionForm(request.POST),
        lambda data: services.discretion_rule_retire(
            request.user, rule_id=rule.pk, version=data["version"]
        ),
        show=lambda **kwargs: _discretion_page(
            request, status=kwargs.get("status", 200), error=kwargs.get("error", "")
        ),
        name="retire",
        answer=answer,
    )
