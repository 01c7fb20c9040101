"""事故报告与调查 pages: the list (and its Excel), the quick report (快报) from a phone, an
accident's page — grade and why, the reporting chain and its clock, reports, flags, the
investigation, the timeline, the 直报 deliveries — and the reporting side's forms on it
(续报, 登记逐级上报, 认定/撤销, 作废). The investigation's forms are in
``views_investigation``.

Thin like the penalty-case pages: selectors read, services write through
``core.forms.submit`` / ``submit_on_page``; each form on the record page posts to its own
URL and, refused, shows the page again with its errors (422) or the record as it is now
with the conflict's reason (409)."""

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anjian.accidents import clock, direct_report, forms, grading, lifecycle, selectors, services
from anjian.accidents import investigation as investigation_services
from anjian.accidents import permissions as perms
from anjian.accidents.exports import COLUMNS
from anjian.accidents.lifecycle import ACCIDENT
from anjian.accidents.models import (
    AccidentState,
    Investigation,
    PostEvaluation,
)
from anjian.accidents.tables import (
    CHAIN_COLOURS,
    FLAG_COLOURS,
    AccidentTable,
    accident_filter,
    grade_badge,
    state_badge,
)
from anjian.core import outbox
from anjian.core.access import requires
from anjian.core.forms import is_htmx_partial, submit, submit_on_page
from anjian.core.registry import RegistryExport, RegistryList
from anjian.enterprises.models import Enterprise

PICKER_LIMIT = 20
# Timeline lines that are not transitions or operations of ACCIDENT (services record them).
TOPIC_LABELS = {topic: kind for kind, topic in direct_report.TOPICS.items()}


# --- the list -------------------------------------------------------------------------------


class AccidentList(RegistryList):
    access = perms.ACCIDENT_VIEW
    filterset = accident_filter
    table = AccidentTable
    template_name = "accidents/list.html"


class AccidentExport(RegistryExport):
    """The filtered list as shown, every row (accidents are hundreds a year, not millions:
    written inside the request)."""

    access = perms.ACCIDENT_VIEW
    filterset = accident_filter
    columns = COLUMNS
    title = str(gettext_lazy("生产安全事故台账"))


# --- the quick report -----------------------------------------------------------------------


def enterprise_matches(user, query: str):
    query = (query or "").strip()
    if not query:
        return Enterprise.objects.none()
    found = Enterprise.objects.for_user(user).search(query).select_related("street")
    return found.order_by("name_sort_key")[:PICKER_LIMIT]


def _picked(user, value) -> Enterprise | None:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return Enterprise.objects.for_user(user).select_related("street").filter(pk=pk).first()


@require_http_methods(["GET", "POST"])
@requires(perms.ACCIDENT_REPORT)
def accident_report(request):
    """快报: one column on a phone. A government user picks the unit (``?q=`` searches the
    units in scope, htmx swaps the matches in; ``?enterprise=`` picks one) or names an
    unregistered one; an enterprise user reports for their own unit."""
    user = request.user
    query = request.GET.get("q", "")
    if is_htmx_partial(request, "enterprise-matches"):
        context = {"matches": enterprise_matches(user, query), "query": query}
        return render(request, "accidents/report.html#matches", context)
    form = forms.ReportForm(request.POST or None, user=user)
    picked = None
    if form.own_unit:
        picked = Enterprise.objects.filter(pk=user.scope.enterprise_id).first()
    else:
        picked = _picked(user, request.POST.get("enterprise") or request.GET.get("enterprise"))
    outcome = submit(
        request, form, lambda data: services.accident_report(by=user, **form.service_data())
    )
    if outcome.done:
        accident = outcome.result
        messages.success(
            request,
            _("已报告事故 %(n)s（%(grade)s），请按下方时限逐级上报")
            % {"n": accident.number, "grade": accident.get_grade_display()},
        )
        return redirect(accident)
    context = {
        "form": form,
        "picked": picked,
        "query": query,
        "matches": enterprise_matches(user, query),
    }
    return render(request, "accidents/report.html", context, status=outcome.status)


# --- an accident ----------------------------------------------------------------------------


def _figures(accident) -> grading.Casualties:
    return grading.Casualties(
        deaths=accident.deaths,
        missing=accident.missing,
        serious_injuries=accident.serious_injuries,
        minor_injuries=accident.minor_injuries,
        direct_loss=accident.direct_loss,
    )


def _deadline(accident, lines) -> dict | None:
    """须在何时前报告至何级: the top level the grade requires, and when it is due."""
    if accident.state == AccidentState.VOIDED:
        return None
    top = clock.TOP_LEVEL[accident.grade]
    step = next((line.step for line in lines if line.step.level == top), None)
    if step is None:
        return None
    pending = [line for line in lines if line.status in ("due", "overdue")]
    return {
        "level": top.label,
        "due_at": step.due_at,
        "done": not pending,
        "overdue": any(line.status == "overdue" for line in pending),
    }


def _investigation_context(accident, user, bound: dict) -> dict:
    investigation = Investigation.objects.filter(accident=accident).first()
    today = timezone.localdate()
    context = {
        "investigation": investigation,
        "may_investigate": ACCIDENT.may(user, "investigate", accident),
        "may_investigation": ACCIDENT.may_operate(user, "investigation", accident),
        "may_measure": ACCIDENT.may_operate(user, "measure", accident),
        "may_close": ACCIDENT.may(user, "close", accident),
        "may_evaluate": ACCIDENT.may(user, "evaluate", accident),
        "responsibilities": accident.responsibilities.all(),
        "measures": list(accident.measures.select_related("done_by")),
        "evaluation": PostEvaluation.objects.filter(accident=accident)
        .select_related("evaluated_by")
        .first(),
    }
    manages = user.can(perms.ACCIDENT_MANAGE)
    if accident.state == AccidentState.REPORTED:
        context["investigate_form"] = bound.get("investigate") or forms.InvestigateForm(
            initial={"version": accident.version}, auto_id="investigate-%s"
        )
    if investigation is not None:
        context["days_left"] = (investigation.due_on - today).days
        context["days_overdue"] = -context["days_left"]
        context["update_form"] = bound.get("investigation") or (
            forms.InvestigationForm.for_investigation(investigation, auto_id="investigation-%s")
        )
        context["extend_form"] = bound.get("extend") or forms.ExtendForm(auto_id="extend-%s")
        context["extension_limit"] = _extension_limit(accident)
        if investigation.replied_on:
            context["evaluation_due"] = clock.evaluation_due(investigation.replied_on)
    context["responsibility_form"] = bound.get("responsibility") or forms.ResponsibilityForm(
        auto_id="responsibility-%s"
    )
    context["measure_form"] = bound.get("measure") or forms.MeasureForm(auto_id="measure-%s")
    for measure in context["measures"]:
        measure.form_id = f"action-measure_done-{measure.pk}"
        measure.form = bound.get(f"measure_done:{measure.pk}") or forms.MeasureDoneForm(
            auto_id=f"done-{measure.pk}-%s"
        )
    if accident.state == AccidentState.INVESTIGATING and manages:
        context["close_form"] = bound.get("close") or forms.VersionForm(
            initial={"version": accident.version}, auto_id="close-%s"
        )
        context["close_blocked"] = lifecycle.investigation_reported(accident)
    if accident.state == AccidentState.CLOSED and manages:
        context["evaluate_form"] = bound.get("evaluate") or forms.EvaluateForm(
            initial={"version": accident.version}, auto_id="evaluate-%s"
        )
        context["evaluate_blocked"] = lifecycle.measures_done(accident)
    return context


def _extension_limit(accident) -> int:
    return settings.ACCIDENT_INVESTIGATION_DAYS[accident.grade]


def accident_page(request, accident, *, bound=None, status: int = 200, error: str = ""):
    """The record page as it is now; ``bound`` replaces the forms posted from it (by name,
    ``measure_done:<id>`` / ``flag_withdraw:<id>`` for a row's form)."""
    user, bound = request.user, bound or {}
    accident = selectors.accident_for_read(user, accident.pk)
    lines = selectors.chain(accident)
    reports = list(accident.reports.select_related("reported_by").order_by("sequence"))
    for report in reports:
        report.loss_wan = forms.to_ten_thousands(report.direct_loss)
    flags = list(accident.flags.select_related("set_by", "withdrawn_by").order_by("set_at", "id"))
    may_flag = ACCIDENT.may_operate(user, "flag", accident)
    for flag in flags:
        flag.colour = FLAG_COLOURS[flag.kind]
        if may_flag and flag.withdrawn_at is None:
            flag.form_id = f"action-flag_withdraw-{flag.pk}"
            flag.form = bound.get(f"flag_withdraw:{flag.pk}") or forms.FlagWithdrawForm(
                auto_id=f"withdraw-{flag.pk}-%s"
            )
    deliveries = [
        {
            "message": message,
            "kind": TOPIC_LABELS.get(message.topic, message.topic),
            "state": outbox.state_label(message),
        }
        for message in outbox.messages_for(accident)
    ]
    context = {
        "accident": accident,
        "grade_badge": grade_badge(accident),
        "state_badge": state_badge(accident),
        "reasons": grading.reasons(_figures(accident)),
        "loss_wan": forms.to_ten_thousands(accident.direct_loss),
        "chain": [(line, CHAIN_COLOURS[line.status]) for line in lines],
        "deadline": _deadline(accident, lines),
        "reports": reports,
        "flags": flags,
        "deliveries": deliveries,
        "timeline": accident.transitions.select_related("by").order_by("at", "id"),
        "labels": ACCIDENT.labels(),
        "state_labels": dict(AccidentState.choices),
        "error": error,
        "may_flag": may_flag,
        "window_passed": timezone.now() > accident.window_ends_at,
        "window_days": clock.window_days(accident.category),
    }
    if ACCIDENT.may_operate(user, "follow_up", accident):
        context["follow_up_form"] = bound.get("follow_up") or forms.FollowUpForm.for_accident(
            accident, auto_id="follow-up-%s"
        )
    if ACCIDENT.may_operate(user, "inform", accident):
        context["inform_form"] = bound.get("inform") or forms.InformForm(
            accident=accident, auto_id="inform-%s"
        )
    if may_flag:
        context["flag_form"] = bound.get("flag") or forms.FlagForm(auto_id="flag-%s")
    if ACCIDENT.may(user, "void", accident):
        context["void_form"] = bound.get("void") or forms.VoidForm(
            initial={"version": accident.version}, auto_id="void-%s"
        )
    context.update(_investigation_context(accident, user, bound))
    return render(request, "accidents/detail.html", context, status=status)


@require_GET
@requires(perms.ACCIDENT_VIEW)
def accident_detail(request, pk: int):
    return accident_page(request, selectors.accident_for_read(request.user, pk))


def action_view(name: str, *, access: str, form, call, done, anchor: str, item=None):
    """The POST of one form on the record page: the role (``access``), the accident
    through the user's scope (404 outside it), ``item(accident, id)`` for a row's form
    (404 when the row is not the accident's), the form (``form(data, row)``) run through
    the service (``call(user, accident, form, row)``); refused, the page again; done,
    back to the page's ``anchor`` with ``done`` as the message."""

    @require_POST
    @requires(access)
    def view(request, pk: int, **ids):
        accident = selectors.accident_for_read(request.user, pk)
        row = item(accident, *ids.values()) if item is not None else None
        posted = form(request.POST, row)

        def answer(result):
            messages.success(request, str(done))
            return redirect(f"{accident.get_absolute_url()}#{anchor}")

        return submit_on_page(
            request,
            posted,
            lambda data: call(request.user, accident, posted, row),
            show=partial(accident_page, request, accident),
            name=f"{name}:{row.pk}" if row is not None else name,
            answer=answer,
        )

    view.__name__ = view.__qualname__ = f"accident_{name}"
    return view


accident_follow_up = action_view(
    "follow_up",
    access=perms.ACCIDENT_REPORT,
    form=lambda data, row: forms.FollowUpForm(data, auto_id="follow-up-%s"),
    call=lambda user, accident, form, row: services.accident_follow_up(
        by=user, accident_id=accident.pk, **form.service_data()
    ),
    done=gettext_lazy("续报已登记，事故等级已按最新人数重新核定"),
    anchor="reports",
)
accident_inform = action_view(
    "inform",
    access=perms.ACCIDENT_MANAGE,
    form=lambda data, row: forms.InformForm(data, auto_id="inform-%s"),
    call=lambda user, accident, form, row: services.accident_inform(
        by=user, accident_id=accident.pk, **form.cleaned_data
    ),
    done=gettext_lazy("已登记逐级上报"),
    anchor="chain",
)
accident_flag = action_view(
    "flag",
    access=perms.ACCIDENT_FLAG,
    form=lambda data, row: forms.FlagForm(data, auto_id="flag-%s"),
    call=lambda user, accident, form, row: services.accident_flag(
        by=user, accident_id=accident.pk, **form.cleaned_data
    ),
    done=gettext_lazy("已认定并记录理由"),
    anchor="flags",
)
accident_flag_withdraw = action_view(
    "flag_withdraw",
    access=perms.ACCIDENT_FLAG,
    form=lambda data, row: forms.FlagWithdrawForm(data, auto_id=f"withdraw-{row.pk}-%s"),
    call=lambda user, accident, form, row: services.accident_flag_withdraw(
        by=user, flag_id=row.pk, **form.cleaned_data
    ),
    done=gettext_lazy("已撤销认定"),
    anchor="flags",
    item=lambda accident, flag_id: get_object_or_404(accident.flags, pk=flag_id),
)
accident_void = action_view(
    "void",
    access=perms.ACCIDENT_MANAGE,
    form=lambda data, row: forms.VoidForm(data, auto_id="void-%s"),
    call=lambda user, accident, form, row: investigation_services.accident_void(
        by=user,
        accident_id=accident.pk,
        expected_version=form.cleaned_data["version"],
        reason=form.cleaned_data["reason"],
    ),
    done=gettext_lazy("已作废：该记录不再计入事故统计"),
    anchor="top",
)
