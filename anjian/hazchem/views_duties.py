"""包保责任 pages: the forms of a source's duties card (naming a holder, ending a term,
recording a check — each posting to its own URL, refused back onto the source's page), a
source's full record of terms and checks, the frequencies (city-wide, with their history),
and 包保履职 — the completion figure, its drill-down lists and their workbooks (built in
``figures_duties``)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from anjian.core.access import requires
from anjian.core.exceptions import Conflict
from anjian.core.forms import attachment, submit
from anjian.core.pages import PageAction
from anjian.core.pagination import page_of
from anjian.core.registry import XLSX, RegistryDetail
from anjian.hazchem import permissions as perms
from anjian.hazchem import selectors, selectors_duties, services_duties
from anjian.hazchem.choices import DutyRole
from anjian.hazchem.figures_duties import (
    checks_context,
    figures_context,
    sources_context,
    write_checks,
    write_figures,
    write_sources,
)
from anjian.hazchem.forms_duties import AssignForm, CheckForm, EndForm, RuleForm, roster
from anjian.hazchem.views_sources import SourceDetail

PER_PAGE = 50


class DutySourceDetail(SourceDetail):
    """The source's page shown again after a refused duty form: the card
    (``hazchem_duties.duty_card``) finds the posted form in ``duty_bound``."""

    def page(self, obj, *, status: int = 200, bound=None, error: str = "", **extra):
        return super().page(
            obj, status=status, bound=bound, error=error, duty_bound=bound or {}, **extra
        )


class DutyAction(PageAction):
    access = perms.UNIT_MANAGE
    detail = DutySourceDetail
    anchor = "duties"
    versions_the_page = False  # a duty form's version is the term's, not the source's


class DutyAssign(DutyAction):
    form_class, form_name = AssignForm, "duty_assign"
    success_message = gettext_lazy("已明确%(get_role_display)s：%(name)s")

    def form_kwargs(self, obj) -> dict:
        return {"auto_id": "duty-assign-%s", "source": obj}

    def save(self, obj, data):
        try:
            return services_duties.duty_assign(
                self.request.user,
                source_id=obj.pk,
                role=data["role"],
                replaces=data["replaces"],
                data={name: data[name] for name in ("name", "position", "phone", "user", "since")},
            )
        except Conflict:
            # Sent again, the form is a decision on the holders as they are now.
            self.form.data = self.form.data.copy()
            self.form.data["roster"] = roster(selectors_duties.holders(obj))
            raise


class DutyEnd(DutyAction):
    form_class = EndForm
    success_message = gettext_lazy("已结束%(name)s的任期")

    @property
    def form_name(self) -> str:
        return f"duty_end_{self.kwargs['duty_id']}"

    def form_kwargs(self, obj) -> dict:
        return {"auto_id": f"duty-end-{self.kwargs['duty_id']}-%s"}

    def save(self, obj, data):
        return services_duties.duty_end(
            self.request.user,
            source_id=obj.pk,
            duty_id=self.kwargs["duty_id"],
            expected_version=data["version"],
            until=data["until"],
            reason=data["reason"],
        )


class CheckRecord(DutyAction):
    form_class, form_name = CheckForm, "check_record"
    success_message = gettext_lazy("已登记 %(checked_on)s 的履职检查")

    def form_kwargs(self, obj) -> dict:
        return {"auto_id": "check-record-%s", "holders": selectors_duties.holders(obj)}

    def save(self, obj, data):
        return services_duties.check_record(self.request.user, source_id=obj.pk, data=data)


class SourceDuties(RegistryDetail):
    """A source's 包保 record in full: every term of every holder and every check."""

    access = perms.HAZCHEM_VIEW
    template_name = "hazchem/duties/history.html"
    context_object_name = "source"

    def get_object(self):
        visible = selectors.sources(self.request.user).select_related("enterprise", "unit")
        return get_object_or_404(visible, pk=self.kwargs["pk"])

    def get_extra_context(self, obj, **context) -> dict:
        terms = obj.duties.select_related("user", "assigned_by", "ended_by")
        checks = obj.checks.select_related("duty", "recorded_by").order_by("-checked_on", "-id")
        return {
            "terms": sorted(
                terms, key=lambda d: (DutyRole.values.index(d.role), -d.since.toordinal())
            ),
            "page": page_of(self.request, checks, per_page=PER_PAGE),
        }


# --- the frequencies --------------------------------------------------------------------------


def _rules_page(request, *, bound=None, status: int = 200, error: str = ""):
    rules = selectors_duties.rules_in_force()
    editor = request.user.can(perms.DUTYRULE_MANAGE)
    forms = []
    for role, label in DutyRole.choices:
        rule = rules[role]
        form = (bound or {}).get(role) or RuleForm(
            initial={
                "version": rule.version,
                "period": rule.period,
                "checks": rule.checks or None,
                "basis": "",
            },
            auto_id=f"rule-{role}-%s",
        )
        forms.append(
            {
                "role": role,
                "label": label,
                "rule": rule,
                "form": form if editor else None,
                "url": reverse("hazchem:duty_rule_set", args=[role]),
            }
        )
    context = {
        "rules": forms,
        "history": selectors_duties.rule_history()[:100],
        "editor": editor,
        # The role sets frequencies but the scope is not the whole deployment: say why not.
        "not_city_wide": request.user.role_grants(perms.DUTYRULE_MANAGE) and not editor,
        "error": error,
    }
    return render(request, "hazchem/duties/rules.html", context, status=status)


@require_GET
@requires(perms.HAZCHEM_VIEW)
def duty_rules(request):
    """The frequency of each role now, where it comes from, and every change."""
    return _rules_page(request)


@require_http_methods(["POST"])
@requires(perms.DUTYRULE_MANAGE)
def duty_rule_set(request, role: str):
    if role not in DutyRole.values:
        return redirect("hazchem:duty_rules")
    form = RuleForm(request.POST, auto_id=f"rule-{role}-%s")
    outcome = submit(
        request,
        form,
        lambda data: services_duties.duty_rule_set(
            request.user,
            role=role,
            expected_version=data["version"],
            data={"period": data["period"], "checks": data["checks"], "basis": data["basis"]},
        ),
    )
    if outcome.done:
        rule = outcome.result
        messages.success(request, _("已修改%(role)s的检查频次") % {"role": rule.get_role_display()})
        return redirect(f"{reverse('hazchem:duty_rules')}#rule-{role}")
    return _rules_page(request, bound={role: form}, status=outcome.status, error=outcome.message)


# --- 包保履职 ----------------------------------------------------------------------------------


@require_GET
@requires(perms.HAZCHEM_VIEW)
def duty_figures(request):
    """包保检查完成率 by street, grade, enterprise and role; every number opens its sources."""
    return render(
        request, "hazchem/duties/figures.html", figures_context(request.user, request.GET)
    )


@require_GET
@requires(perms.HAZCHEM_VIEW)
def duty_figures_export(request):
    context = figures_context(request.user, request.GET)
    response = HttpResponse(content_type=XLSX)
    write_figures(response, context, scope_label=str(request.user.scope.label))
    attachment(response, f"包保履职_{context['where'].label}_{timezone.localdate():%Y%m%d}.xlsx")
    return response


@require_GET
@requires(perms.HAZCHEM_VIEW)
def duty_figures_sources(request):
    """The sources one number of 包保履职 counts, with what each misses."""
    context = sources_context(request.user, request.GET)
    context["page"] = page_of(request, context["rows"], per_page=PER_PAGE)
    return render(request, "hazchem/duties/sources.html", context)


@require_GET
@requires(perms.HAZCHEM_VIEW)
def duty_figures_sources_export(request):
    context = sources_context(request.user, request.GET)
    response = HttpResponse(content_type=XLSX)
    write_sources(response, context, scope_label=str(request.user.scope.label))
    attachment(
        response, f"包保履职明细_{context['where'].label}_{timezone.localdate():%Y%m%d}.xlsx"
    )
    return response


@require_GET
@requires(perms.HAZCHEM_VIEW)
def duty_checks_export(request):
    """履职记录台账: the checks behind the figure (its range, sources and roles)."""
    context = checks_context(request.user, request.GET)
    response = HttpResponse(content_type=XLSX)
    write_checks(response, context, scope_label=str(request.user.scope.label))
    attachment(
        response, f"包保履职记录_{context['where'].label}_{timezone.localdate():%Y%m%d}.xlsx"
    )
    return response
