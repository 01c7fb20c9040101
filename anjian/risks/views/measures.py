"""Control measure pages on the core registry base: add, edit, stop."""

from django.utils.translation import gettext_lazy

from anjian.core.registry import RegistryEdit
from anjian.risks import permissions as perms
from anjian.risks import selectors, services
from anjian.risks.forms import DeactivateForm, MeasureForm
from anjian.risks.views.common import refuse_retired


class MeasurePage(RegistryEdit):
    """What the measure pages share: the point's page, at its measures, after saving."""

    access = perms.RISK_MANAGE
    read = selectors.measure_get
    context_object_name = "measure"

    def get_extra_context(self, obj, **context) -> dict:
        return {"point": obj.risk_point}

    def success_url(self, result) -> str:
        return f"{result.risk_point.get_absolute_url()}#measures"


class MeasureCreate(MeasurePage):
    read = selectors.risk_point_get  # the point the measure is added to
    form_class = MeasureForm
    template_name = "risks/measure_form.html"
    context_object_name = "point"
    success_message = gettext_lazy("已增加管控措施")

    def refuse(self, obj):
        return refuse_retired(self.request, obj)

    def form_kwargs(self, obj) -> dict:
        return {"initial": {"owner_name": obj.owner_name, "level": obj.control_level}}

    def get_extra_context(self, obj, **context) -> dict:
        return {"measure": None}

    def save(self, obj, data, version):
        return services.measure_add(by=self.request.user, risk_point_id=obj.pk, data=data)


class MeasureEdit(MeasurePage):
    form_class = MeasureForm
    template_name = "risks/measure_form.html"
    success_message = gettext_lazy("已保存管控措施")

    def refuse(self, obj):
        return refuse_retired(self.request, obj.risk_point)

    def form_kwargs(self, obj) -> dict:
        return {"instance": obj}

    def save(self, obj, data, version):
        return services.measure_update(
            by=self.request.user, measure_id=obj.pk, data=data, expected_version=version
        )


class MeasureDeactivate(MeasurePage):
    form_class = DeactivateForm
    template_name = "risks/measure_deactivate.html"
    success_message = gettext_lazy("已停用该管控措施")

    def form_kwargs(self, obj) -> dict:
        return {"initial": {"version": obj.version}}

    def expected_version(self, form):
        return form.cleaned_data.get("version")  # none given: stop it whatever its version

    def save(self, obj, data, version):
        return services.measure_deactivate(
            by=self.request.user, measure_id=obj.pk, reason=data["reason"], expected_version=version
        )
