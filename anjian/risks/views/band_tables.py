"""The band tables (风险分级标准): each method's versions, and publishing a new one."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from anjian.accounts import permissions as perms
from anjian.core.access import requires
from anjian.core.exceptions import Conflict, ValidationError
from anjian.core.forms import apply_service_errors
from anjian.risks import services
from anjian.risks.choices import FACTOR_NAMES, METHOD_FACTORS, Method
from anjian.risks.forms import BandTableForm
from anjian.risks.models import RiskBandTable
from anjian.risks.views.common import form_status


@require_GET
@requires(perms.RISK_VIEW)
def band_table_list(request):
    tables = services.current_tables()
    sections = []
    for method, table in tables.items():
        names = FACTOR_NAMES[Method(method)]
        sections.append(
            {
                "method": method,
                "label": Method(method).label,
                "table": table,
                "ranges": table.ranges(),
                "factors": [(names[f], table.factors.get(f, [])) for f in table.factor_names],
                "history": RiskBandTable.objects.filter(method=method)
                .select_related("published_by")
                .order_by("-version"),
            }
        )
    return render(
        request,
        "risks/band_tables.html",
        {"sections": sections, "can_configure": request.user.can(perms.RISK_CONFIGURE)},
    )


@require_http_methods(["GET", "POST"])
@requires(perms.RISK_CONFIGURE)
def band_table_publish(request, method: str):
    if method not in Method.values:
        raise Http404
    current = RiskBandTable.objects.filter(method=method).order_by("-version").first()
    form = BandTableForm(request.POST or None, method=method, current=current)
    conflict = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            table = services.band_table_publish(
                by=request.user,
                method=method,
                boundary_rule=data["boundary_rule"],
                bands=data["bands"],
                factors=data["factors"],
                source=data["source"],
                edition=data["edition"],
                note=data["note"],
                based_on_version=data.get("based_on_version"),
            )
        except Conflict as error:
            conflict = True
            form.add_error(None, str(error))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("已发布%(t)s；此后的评估按新版本定级，已有评估仍按其当时的版本。") % {"t": table},
            )
            return redirect("risks:band_table_list")
    factor_fields = [form[f"factor_{f.lower()}"] for f in METHOD_FACTORS[Method(method)]]
    return render(
        request,
        "risks/band_table_form.html",
        {
            "form": form,
            "method_label": Method(method).label,
            "current": current,
            "factor_fields": factor_fields,
            "conflict": conflict,
        },
        status=form_status(form, conflict),
    )
