"""The assess page: LEC or LS factors, previewed in the browser with the band tables in
force, graded by the service."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from anjian.accounts import permissions as perms
from anjian.core.access import requires
from anjian.core.exceptions import ValidationError
from anjian.core.forms import apply_service_errors
from anjian.risks import selectors, services
from anjian.risks.choices import LEVEL_COLOURS, METHOD_FACTORS, SCORE_LETTER, Level, Method
from anjian.risks.forms import AssessForm
from anjian.risks.models import RiskBandTable
from anjian.risks.views.common import form_status, refuse_retired


def _grading_context(tables: dict[str, RiskBandTable]) -> dict:
    """What the assess page's script needs to preview the score and level."""
    return {
        method: {
            "letter": SCORE_LETTER[Method(method)],
            "rule": table.boundary_rule,
            "bands": table.bands,
            "labels": {level.value: str(level.label) for level in Level},
            "colours": {level.value: LEVEL_COLOURS[level] for level in Level},
            "factors": [f"{method}_{f.lower()}" for f in METHOD_FACTORS[Method(method)]],
        }
        for method, table in tables.items()
    }


@require_http_methods(["GET", "POST"])
@requires(perms.RISK_MANAGE)
def risk_point_assess(request, pk: int):
    point = selectors.risk_point_get(request.user, pk)
    if refused := refuse_retired(request, point):
        return refused
    tables = services.current_tables()
    initial = {"method": point.current_method or Method.LEC}
    form = AssessForm(request.POST or None, tables=tables, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = services.risk_point_assess(
                by=request.user,
                risk_point_id=pk,
                method=data["method"],
                stage=data["stage"],
                factors=data["factors"],
                note=data["note"],
                reassess_due=data["reassess_due"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("评估完成：%(formula)s，%(level)s")
                % {
                    "formula": assessment.formula,
                    "level": assessment.get_level_display(),
                },
            )
            return redirect(point)
    return render(
        request,
        "risks/assess.html",
        {
            "form": form,
            "point": point,
            "tables": tables,
            "methods": [
                {
                    "value": method,
                    "label": Method(method).label,
                    "fields": form.factor_fields(method),
                    "table": table,
                    "ranges": table.ranges(),
                }
                for method, table in tables.items()
            ],
            "grading_context": _grading_context(tables),
        },
        status=form_status(form),
    )
