"""The assess page: LEC or LS factors, previewed in the browser with the band tables in
force, graded by the service."""

from django.utils.translation import gettext_lazy

from anjian.core.registry import RegistryEdit
from anjian.risks import permissions as perms
from anjian.risks import selectors, services
from anjian.risks.choices import LEVEL_COLOURS, METHOD_FACTORS, SCORE_LETTER, Level, Method
from anjian.risks.forms import AssessForm
from anjian.risks.models import RiskBandTable
from anjian.risks.views.common import refuse_retired


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


class RiskPointAssess(RegistryEdit):
    access = perms.RISK_MANAGE
    read = selectors.risk_point_get
    form_class = AssessForm
    template_name = "risks/assess.html"
    context_object_name = "point"
    success_message = gettext_lazy("评估完成：%(formula)s，%(get_level_display)s")

    def refuse(self, obj):
        return refuse_retired(self.request, obj)

    def form_kwargs(self, obj) -> dict:
        self.tables = services.current_tables()
        return {"tables": self.tables, "initial": {"method": obj.current_method or Method.LEC}}

    def save(self, obj, data, version):
        return services.risk_point_assess(
            by=self.request.user,
            risk_point_id=obj.pk,
            method=data["method"],
            stage=data["stage"],
            factors=data["factors"],
            note=data["note"],
            reassess_due=data["reassess_due"],
        )

    def success_url(self, result) -> str:
        return result.risk_point.get_absolute_url()

    def get_extra_context(self, obj, form, **context) -> dict:
        return {
            "tables": self.tables,
            "methods": [
                {
                    "value": method,
                    "label": Method(method).label,
                    "fields": form.factor_fields(method),
                    "table": table,
                    "ranges": table.ranges(),
                }
                for method, table in self.tables.items()
            ],
            "grading_context": _grading_context(self.tables),
        }
