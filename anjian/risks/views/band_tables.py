"""The band tables (风险分级标准): each method's versions, and publishing a new one."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from anjian.core.access import requires
from anjian.core.registry import RegistryEdit
from anjian.risks import permissions as perms
from anjian.risks import services
from anjian.risks.choices import FACTOR_NAMES, METHOD_FACTORS, Method
from anjian.risks.forms import BandTableForm
from anjian.risks.models import RiskBandTable


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


class BandTablePublish(RegistryEdit):
    """Publish a new version of a method's band table, based on the one in force."""

    access = perms.RISK_CONFIGURE
    form_class = BandTableForm
    template_name = "risks/band_table_form.html"
    context_object_name = "current"

    def get_object(self):
        method = self.kwargs["method"]
        if method not in Method.values:
            raise Http404
        return RiskBandTable.objects.filter(method=method).order_by("-version").first()

    def form_kwargs(self, obj) -> dict:
        return {"method": self.kwargs["method"], "current": obj}

    def save(self, obj, data, version):
        return services.band_table_publish(
            by=self.request.user,
            method=self.kwargs["method"],
            boundary_rule=data["boundary_rule"],
            bands=data["bands"],
            factors=data["factors"],
            source=data["source"],
            edition=data["edition"],
            note=data["note"],
            based_on_version=data.get("based_on_version"),
        )

    def saved(self, obj, result):
        messages.success(
            self.request,
            _("已发布%(t)s；此后的评估按新版本定级，已有评估仍按其当时的版本。") % {"t": result},
        )
        return redirect("risks:band_table_list")

    def get_extra_context(self, obj, form, **context) -> dict:
        method = Method(self.kwargs["method"])
        return {
            "method_label": method.label,
            "factor_fields": [form[f"factor_{f.lower()}"] for f in METHOD_FACTORS[method]],
        }
