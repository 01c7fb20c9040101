"""Risk point pages: the list and the register (重大风险清单) with their exports, the
detail page, the notice card (风险告知卡), register, edit and retire."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from anjian.accounts import permissions as perms
from anjian.core import audit
from anjian.core.access import requires
from anjian.core.exceptions import Conflict, ValidationError
from anjian.core.forms import apply_service_errors, attachment, is_htmx_partial
from anjian.core.pagination import paginate_table
from anjian.risks import ledger, selectors, services
from anjian.risks.choices import LEVEL_COLOUR_NAMES, USUAL_CONTROL_LEVEL, MeasureKind
from anjian.risks.forms import RetireForm, RiskPointForm
from anjian.risks.models import RiskPoint
from anjian.risks.tables import RegisterTable, RiskPointTable
from anjian.risks.views.common import form_status, legend, refuse_retired, sections

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- list, export, register ---------------------------------------------------------------


def _list_page(request, *, register: bool):
    filterset = selectors.risk_point_filter(request.user, request.GET, register=register)
    table_class = RegisterTable if register else RiskPointTable
    table = table_class(filterset.qs)
    paginate_table(request, table, per_page=50)
    context = {
        "filterset": filterset,
        "table": table,
        "query": request.GET.urlencode(),
        "register": register,
        "legend": legend(),
        "enterprise_filter": filterset.form.cleaned_data.get("enterprise")
        if filterset.form.is_valid()
        else None,
    }
    if is_htmx_partial(request, "results"):
        return render(request, "risks/list.html#results", context)
    return render(request, "risks/list.html", context)


@require_GET
@requires(perms.RISK_VIEW)
def risk_point_list(request):
    return _list_page(request, register=False)


@require_GET
@requires(perms.RISK_VIEW)
def risk_register(request):
    """重大风险清单: the 重大 and 较大 risk points in the user's scope."""
    return _list_page(request, register=True)


def _export(request, *, register: bool):
    filterset = selectors.risk_point_filter(request.user, request.GET, register=register)
    title = ledger.REGISTER_TITLE if register else ledger.LEDGER_TITLE
    response = HttpResponse(content_type=XLSX)
    ledger.write(response, user=request.user, filterset=filterset, title=title)
    attachment(response, ledger.filename(title))
    return response


@require_GET
@requires(perms.RISK_VIEW)
def risk_point_export(request):
    return _export(request, register=False)


@require_GET
@requires(perms.RISK_VIEW)
def risk_register_export(request):
    return _export(request, register=True)


# --- detail, card ----------------------------------------------------------------------------


@require_GET
@requires(perms.RISK_VIEW)
def risk_point_detail(request, pk: int):
    point = selectors.risk_point_get(request.user, pk)
    measures = list(point.measures.select_related("deactivated_by").order_by("sort_order", "id"))
    return render(
        request,
        "risks/detail.html",
        {
            "point": point,
            "assessments": selectors.assessments_of(point),
            "measures": [m for m in measures if m.is_active],
            "inactive_measures": [m for m in measures if not m.is_active],
            "history": audit.history(point),
            "can_manage": request.user.can(perms.RISK_MANAGE) and point.is_active,
            "can_view_enterprise": request.user.can(perms.ENTERPRISE_VIEW),
            "usual_level": USUAL_CONTROL_LEVEL.get(point.current_level),
        },
    )


@require_GET
@requires(perms.RISK_VIEW)
def risk_point_card(request, pk: int):
    """风险告知卡: printable on A4, readable on a phone."""
    point = selectors.risk_point_get(request.user, pk)
    measures = list(point.measures.filter(is_active=True).order_by("sort_order", "id"))
    emergency = [m for m in measures if m.kind == MeasureKind.EMERGENCY]
    return render(
        request,
        "risks/card.html",
        {
            "point": point,
            "measures": [m for m in measures if m.kind != MeasureKind.EMERGENCY],
            "emergency_measures": emergency,
            "colour_name": LEVEL_COLOUR_NAMES.get(point.current_level, ""),
            "printed_at": timezone.localtime(),
        },
    )


@require_http_methods(["GET", "POST"])
@requires(perms.RISK_MANAGE)
def risk_point_create(request):
    initial = {}
    enterprise_id = request.GET.get("enterprise")
    if enterprise_id and enterprise_id.isdigit():
        initial["enterprise"] = enterprise_id
    form = RiskPointForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            point = services.risk_point_create(
                by=request.user,
                enterprise=form.cleaned_data["enterprise"],
                data=form.service_data(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("已登记风险点“%(name)s”，请进行风险评估。") % {"name": point.name}
            )
            return redirect("risks:risk_point_assess", pk=point.pk)
    return render(
        request,
        "risks/form.html",
        {"form": form, "sections": sections(form), "point": None},
        status=form_status(form),
    )


@require_http_methods(["GET", "POST"])
@requires(perms.RISK_MANAGE)
def risk_point_edit(request, pk: int):
    point = selectors.risk_point_get(request.user, pk)
    if refused := refuse_retired(request, point):
        return refused
    form = RiskPointForm(request.POST or None, instance=point, user=request.user)
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            point = services.risk_point_update(
                by=request.user,
                risk_point_id=pk,
                data=form.service_data(),
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except Conflict as error:
            conflict = True
            form.add_error(None, str(error))
        except ValidationError as error:
            apply_service_errors(form, error)
        except RiskPoint.DoesNotExist:
            raise Http404 from None
        else:
            messages.success(request, _("已保存“%(name)s”") % {"name": point.name})
            return redirect(point)
    return render(
        request,
        "risks/form.html",
        {
            "form": form,
            "sections": sections(form),
            "point": RiskPoint.objects.get(pk=pk),
            "conflict": conflict,
        },
        status=form_status(form, conflict),
    )


@require_http_methods(["GET", "POST"])
@requires(perms.RISK_MANAGE)
def risk_point_retire(request, pk: int):
    point = selectors.risk_point_get(request.user, pk)
    if refused := refuse_retired(request, point):
        return refused
    form = RetireForm(request.POST or None, initial={"version": point.version})
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            point = services.risk_point_retire(
                by=request.user,
                risk_point_id=pk,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except Conflict as error:
            conflict = True
            form.add_error(None, str(error))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("已注销风险点“%(name)s”") % {"name": point.name})
            return redirect(point)
    return render(
        request,
        "risks/retire.html",
        {"form": form, "point": point, "conflict": conflict},
        status=form_status(form, conflict),
    )
