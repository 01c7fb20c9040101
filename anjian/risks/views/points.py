"""Risk point pages on the core registry base: the list and the register (重大风险清单)
with their exports, the detail page, the notice card (风险告知卡), register, edit, retire."""

from functools import partial

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from anjian.core import audit
from anjian.core.exports import sync_rows
from anjian.core.registry import RegistryDetail, RegistryEdit, RegistryExport, RegistryList
from anjian.enterprises import permissions as enterprise_perms
from anjian.risks import jobs, selectors, services
from anjian.risks import ledger as ledgers
from anjian.risks import permissions as perms
from anjian.risks.choices import LEVEL_COLOUR_NAMES, USUAL_CONTROL_LEVEL, MeasureKind
from anjian.risks.forms import SECTIONS, RetireForm, RiskPointForm
from anjian.risks.tables import RegisterTable, RiskPointTable
from anjian.risks.views.common import legend, refuse_retired

# --- list, export, register ---------------------------------------------------------------


class RiskPointList(RegistryList):
    access = perms.RISK_VIEW
    filterset = selectors.risk_point_filter
    table = RiskPointTable
    template_name = "risks/list.html"
    register = False

    def get_extra_context(self, filterset, **context) -> dict:
        return {
            "register": self.register,
            "legend": legend(),
            "enterprise_filter": filterset.form.cleaned_data.get("enterprise")
            if filterset.form.is_valid()
            else None,
        }


class RiskRegister(RiskPointList):
    """重大风险清单: the 重大 and 较大 risk points in the user's scope."""

    filterset = partial(selectors.risk_point_filter, register=True)
    table = RegisterTable
    register = True


class RiskPointExport(RegistryExport):
    """The filtered ledger; over ANJIAN_EXPORT_SYNC_ROWS rows a background job (jobs.py)."""

    access = perms.RISK_VIEW
    filterset = selectors.risk_point_filter
    columns = ledgers.COLUMNS
    title = ledgers.LEDGER_TITLE
    job_kind = jobs.POINT_EXPORT

    def ledger(self):
        return ledgers.export(self.request.user, self.get_filterset(), title=self.title)

    def sync_limit(self) -> int:
        return sync_rows()

    def filename(self) -> str:
        return jobs.filename(self.title)


class RiskRegisterExport(RiskPointExport):
    filterset = partial(selectors.risk_point_filter, register=True)
    title = ledgers.REGISTER_TITLE
    job_kind = jobs.REGISTER_EXPORT


# --- detail, card ----------------------------------------------------------------------------


class RiskPointDetail(RegistryDetail):
    access = perms.RISK_VIEW
    read = selectors.risk_point_get
    template_name = "risks/detail.html"
    context_object_name = "point"

    def get_extra_context(self, obj, **context) -> dict:
        user = self.request.user
        measures = list(obj.measures.select_related("deactivated_by").order_by("sort_order", "id"))
        return {
            "assessments": selectors.assessments_of(obj),
            "measures": [m for m in measures if m.is_active],
            "inactive_measures": [m for m in measures if not m.is_active],
            "history": audit.history(obj),
            "can_manage": user.can(perms.RISK_MANAGE) and obj.is_active,
            "can_view_enterprise": user.can(enterprise_perms.ENTERPRISE_VIEW),
            "usual_level": USUAL_CONTROL_LEVEL.get(obj.current_level),
        }


class RiskPointCard(RiskPointDetail):
    """风险告知卡: printable on A4, readable on a phone."""

    template_name = "risks/card.html"

    def get_extra_context(self, obj, **context) -> dict:
        measures = list(obj.measures.filter(is_active=True).order_by("sort_order", "id"))
        return {
            "measures": [m for m in measures if m.kind != MeasureKind.EMERGENCY],
            "emergency_measures": [m for m in measures if m.kind == MeasureKind.EMERGENCY],
            "colour_name": LEVEL_COLOUR_NAMES.get(obj.current_level, ""),
            "printed_at": timezone.localtime(),
        }


# --- register, edit, retire ------------------------------------------------------------------


class RiskPointCreate(RegistryEdit):
    """Register a risk point; then on to its assessment."""

    access = perms.RISK_MANAGE
    form_class = RiskPointForm
    template_name = "risks/form.html"
    context_object_name = "point"
    sections = SECTIONS
    list_url = "risks:risk_point_list"
    success_message = gettext_lazy("已登记风险点“%(name)s”，请进行风险评估。")

    def form_kwargs(self, obj) -> dict:
        kwargs = super().form_kwargs(obj)
        enterprise = self.request.GET.get("enterprise")  # from the enterprise's page
        if obj is None and enterprise and enterprise.isdigit():
            kwargs["initial"] = {"enterprise": enterprise}
        return kwargs

    def save(self, obj, data, version):
        enterprise = self.form.cleaned_data["enterprise"]
        return services.risk_point_create(by=self.request.user, enterprise=enterprise, data=data)

    def success_url(self, result) -> str:
        return reverse("risks:risk_point_assess", args=[result.pk])


class RiskPointEdit(RiskPointCreate):
    read = selectors.risk_point_get
    success_message = gettext_lazy("已保存“%(name)s”")

    def refuse(self, obj):
        return refuse_retired(self.request, obj)

    def save(self, obj, data, version):
        return services.risk_point_update(
            by=self.request.user, risk_point_id=obj.pk, data=data, expected_version=version
        )

    def success_url(self, result) -> str:
        return result.get_absolute_url()


class RiskPointRetire(RegistryEdit):
    access = perms.RISK_MANAGE
    read = selectors.risk_point_get
    form_class = RetireForm
    template_name = "risks/retire.html"
    context_object_name = "point"
    success_message = gettext_lazy("已注销风险点“%(name)s”")

    def refuse(self, obj):
        return refuse_retired(self.request, obj)

    def form_kwargs(self, obj) -> dict:
        return {"initial": {"version": obj.version}}

    def save(self, obj, data, version):
        return services.risk_point_retire(
            by=self.request.user,
            risk_point_id=obj.pk,
            reason=data["reason"],
            expected_version=version,
        )
