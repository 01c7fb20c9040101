"""Applying for a permit and changing a draft (``PermitEdit``), the form's live 定级 box
(``grade_preview``: the grade, why, how long it may run, who signs and which analyses it
needs, computed from what has been typed so far; nothing is written), and who holds the
approving roles of table B.1 in an enterprise (``approvers``)."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from anjian.accounts.models import User
from anjian.core.access import requires
from anjian.core.forms import is_htmx_partial, submit
from anjian.core.registry import RegistryEdit
from anjian.enterprises.models import Enterprise
from anjian.specialwork import gates, gb30871, selectors, services, services_records
from anjian.specialwork import permissions as perms
from anjian.specialwork.choices import ApproverRole
from anjian.specialwork.forms import ApproverForm, PermitForm
from anjian.specialwork.lifecycle import PERMIT
from anjian.specialwork.tables import grade_badge
from anjian.specialwork.views import permit_read

PICKER_LIMIT = 20
GRADING_FIELDS = {"kind", "hot_place", "height_m", "height_hazards", "load_t"}
WHEN = {"planned_start", "planned_end"}  # their errors shown once something was typed
GRADING_FIELDS |= WHEN

WHERE_FIELDS = (
    "unit",
    "source",
    "place",
    "content",
    "planned_start",
    "planned_end",
    "guardian",
    "workers",
)
# Which facts the form shows for which kind (data-kinds on each field: the script hides the
# rest; without the script every field shows and the service clears what does not apply).
FIELD_KINDS = {
    "hot_place": "hot",
    "shutdown_approved": "hot",
    "night_work": "hot",
    "strong_wind": "hot",
    "other_special": "hot",
    "height_m": "height",
    "height_hazards": "height",
    "load_t": "lifting",
    "hazard_area": "power",
    "long_use": "power",
    "deep_near_lines": "digging",
    "oxygen_rich": "hot confined",
}


def enterprise_matches(user, query: str):
    query = (query or "").strip()
    if not query:
        return Enterprise.objects.none()
    found = Enterprise.objects.for_user(user).search(query).select_related("street")
    return found.order_by("name_sort_key")[:PICKER_LIMIT]


def preview(data: dict) -> dict:
    """What the preview box shows for ``data`` (the form's fields as typed)."""
    values = {name: value for name, value in data.items() if value not in (None, "", [])}
    if not values.get("kind"):
        return {"empty": True}
    permit, errors = services.permit_preview(values)
    shown = {
        name: [str(errors[name])]
        for name in errors
        if name in GRADING_FIELDS and (name not in WHEN or values.get(name))
    }
    if permit.kind not in gb30871.KINDS or any(n in shown for n in ("kind", "hot_place")):
        return {"errors": shown}
    facts = gates.facts_of(permit)
    graded = bool(permit.grade_reasons)
    limit = gb30871.retest_after(permit.kind, permit.grade, facts) if graded else None
    return {
        "errors": shown,
        "graded": graded,
        "badge": grade_badge(permit) if graded else "",
        "reasons": permit.grade_reasons,
        "validity": gb30871.validity_words(permit.kind, permit.grade, facts) if graded else "",
        "steps": [str(step) for step in gb30871.approvals_needed(permit.kind, permit.grade)]
        if graded
        else [],
        "readings": gb30871.readings_needed(permit.kind, facts),
        "retest": int(limit.total_seconds() // 60) if limit else None,
    }


def posted_values(form) -> dict:
    """The form's values as typed (bound) or as shown (initial), for the preview."""
    if not form.is_bound:
        return {name: form.initial.get(name) for name in form.fields}
    values = {}
    for name, field in form.fields.items():
        if isinstance(field, forms.BooleanField):
            values[name] = form.data.get(name) in ("on", "true", "1")
        elif name == "height_hazards":
            values[name] = form.data.getlist(name)
        else:
            values[name] = form.data.get(name)
    return values


class PermitEdit(RegistryEdit):
    """Apply for a permit (no ``pk``) or change a draft. An administrator picks the
    enterprise (``?q=`` searches those in scope); an enterprise user's permit is its own."""

    access = perms.PERMIT_ISSUE
    read = permit_read
    form_class = PermitForm
    template_name = "specialwork/form.html"
    context_object_name = "permit"
    list_url = "specialwork:permit_list"

    def get(self, request, *args, **kwargs):
        if is_htmx_partial(request, "enterprise-matches"):
            query = request.GET.get("q", "")
            context = {"matches": enterprise_matches(request.user, query), "query": query}
            return render(request, "specialwork/form.html#matches", context)
        return super().get(request, *args, **kwargs)

    def refuse(self, obj):
        if obj is not None and not PERMIT.may_operate(self.request.user, "edit", obj):
            messages.warning(self.request, _("只有草稿状态的作业票可以修改"))
            return redirect(obj)
        return None

    def form_kwargs(self, obj) -> dict:
        kwargs = super().form_kwargs(obj)
        if obj is None and self.request.method == "GET":
            kwargs["initial"] = {"enterprise": self.request.GET.get("enterprise")}
        return kwargs

    def save(self, obj, data, version):
        user = self.request.user
        if obj is None:
            return services.permit_create(user, data=data)
        return services.permit_update(user, permit_id=obj.pk, expected_version=version, data=data)

    def saved(self, obj, result):
        done = _("已保存作业票 %(n)s") if obj else _("已填写作业票申请 %(n)s，请核对后提交审批")
        messages.success(self.request, done % {"n": result.number})
        return redirect(result)

    def get_extra_context(self, obj=None, form=None, **context) -> dict:
        query = self.request.GET.get("q", "")
        if obj is None:
            heading, back_url, back_label = (
                _("申请特殊作业票"),
                reverse(self.list_url),
                _("特殊作业票"),
            )
        else:
            heading, back_url, back_label = _("修改作业票申请"), obj.get_absolute_url(), obj.number
        return {
            "query": query,
            "matches": enterprise_matches(self.request.user, query),
            "heading": heading,
            "back_url": back_url,
            "back_label": back_label,
            "field_kinds": FIELD_KINDS,
            "where_fields": WHERE_FIELDS,
            "preview": preview(posted_values(form)) if form is not None else {"empty": True},
        }


@require_GET
@requires(perms.PERMIT_ISSUE)
def grade_preview(request):
    """The 定级 box for the form's current values (htmx swaps it in as the form changes)."""
    data = {name: request.GET.get(name) for name in request.GET}
    data["height_hazards"] = request.GET.getlist("height_hazards")
    for name in services.FLAGS:
        data[name] = request.GET.get(name) in ("on", "true", "1")
    return render(request, "specialwork/_preview.html", {"preview": preview(data)})


# --- who holds the approving roles ---------------------------------------------------------


def _enterprise(request):
    """The enterprise whose roles are shown: the user's own, else ``?enterprise=`` in scope."""
    own = request.user.scope.enterprise_id
    value = own or request.GET.get("enterprise") or request.POST.get("enterprise")
    if not str(value or "").isdigit():
        return None
    return Enterprise.objects.for_user(request.user).filter(pk=value).first()


@require_http_methods(["GET", "POST"])
@requires(perms.PERMIT_ISSUE)
def approvers(request):
    """审批人设置: who holds each role of table B.1 in the enterprise (B.1 note 1); a role
    with an account is signed only by that account."""
    enterprise = _enterprise(request)
    if enterprise is None:
        choices = selectors.enterprises_with_permits(request.user)[:200]
        return render(request, "specialwork/approvers.html", {"choices": choices})
    accounts = User.objects.filter(enterprise_link__enterprise=enterprise, is_active=True)
    form = ApproverForm(request.POST or None, accounts=accounts, auto_id="approver-%s")
    outcome = submit(
        request,
        form,
        lambda data: services_records.approver_set(
            request.user,
            enterprise_id=enterprise.pk,
            role=data["role"],
            person=data["person"],
            user_id=data["user"] or None,
        ),
    )
    if outcome.done:
        messages.success(request, _("已保存审批人设置"))
        url = reverse("specialwork:approvers")
        return redirect(
            url if request.user.scope.enterprise_id else f"{url}?enterprise={enterprise.pk}"
        )
    mapped = selectors.mappings(enterprise.pk)
    rows = [(value, label, mapped.get(value)) for value, label in ApproverRole.choices]
    context = {"enterprise": enterprise, "rows": rows, "form": form}
    return render(request, "specialwork/approvers.html", context, status=outcome.status)
