"""Control measure pages: add, edit, stop."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from anjian.accounts import permissions as perms
from anjian.core.access import requires
from anjian.core.exceptions import Conflict, ValidationError
from anjian.core.forms import apply_service_errors
from anjian.risks import selectors, services
from anjian.risks.forms import DeactivateForm, MeasureForm
from anjian.risks.models import ControlMeasure
from anjian.risks.views.common import form_status, refuse_retired


@require_http_methods(["GET", "POST"])
@requires(perms.RISK_MANAGE)
def measure_create(request, pk: int):
    point = selectors.risk_point_get(request.user, pk)
    if refused := refuse_retired(request, point):
        return refused
    form = MeasureForm(
        request.POST or None,
        initial={"owner_name": point.owner_name, "level": point.control_level},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_add(by=request.user, risk_point_id=pk, data=form.service_data())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("已增加管控措施"))
            return redirect(f"{point.get_absolute_url()}#measures")
    return render(
        request,
        "risks/measure_form.html",
        {"form": form, "point": point, "measure": None},
        status=form_status(form),
    )


@require_http_methods(["GET", "POST"])
@requires(perms.RISK_MANAGE)
def measure_edit(request, pk: int):
    measure = selectors.measure_get(request.user, pk)
    point = measure.risk_point
    if refused := refuse_retired(request, point):
        return refused
    form = MeasureForm(request.POST or None, instance=measure)
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_update(
                by=request.user,
                measure_id=pk,
                data=form.service_data(),
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except Conflict as error:
            conflict = True
            form.add_error(None, str(error))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("已保存管控措施"))
            return redirect(f"{point.get_absolute_url()}#measures")
    return render(
        request,
        "risks/measure_form.html",
        {
            "form": form,
            "point": point,
            "measure": ControlMeasure.objects.get(pk=pk),
            "conflict": conflict,
        },
        status=form_status(form, conflict),
    )


@require_http_methods(["GET", "POST"])
@requires(perms.RISK_MANAGE)
def measure_deactivate(request, pk: int):
    measure = selectors.measure_get(request.user, pk)
    point = measure.risk_point
    form = DeactivateForm(request.POST or None, initial={"version": measure.version})
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_deactivate(
                by=request.user,
                measure_id=pk,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data.get("version"),
            )
        except Conflict as error:
            conflict = True
            form.add_error(None, str(error))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("已停用该管控措施"))
            return redirect(f"{point.get_absolute_url()}#measures")
    return render(
        request,
        "risks/measure_deactivate.html",
        {"form": form, "point": point, "measure": measure, "conflict": conflict},
        status=form_status(form, conflict),
    )
