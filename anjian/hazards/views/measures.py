"""制度措施清单 on the registry base (``core/registry.py``): the list by state, its Excel,
one measure with its history and hazards, and its create and edit forms."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core import audit
from anjian.core.registry import RegistryDetail, RegistryEdit, RegistryExport, RegistryList
from anjian.hazards import forms, selectors, services
from anjian.hazards import permissions as perms
from anjian.hazards.ledger import MEASURE_COLUMNS
from anjian.hazards.models import MeasureState

TITLE = "制度措施清单"  # the sheet and the file name, as the ledger has always been named
SECTIONS = [
    (gettext_lazy("问题与措施"), ["region", "industry", "problem", "measure"]),
    (gettext_lazy("落实"), ["lead_unit", "partner_units", "deadline", "state", "progress"]),
]


def measure_get(user, pk: int):
    """One measure in ``user``'s scope (404 outside it)."""
    return get_object_or_404(selectors.measure_queryset(user), pk=pk)


class MeasuresByState:
    """The list and its export: the measures in scope, ``?state=`` narrowing them."""

    def state(self) -> str:
        return self.request.GET.get("state", "")

    def measures(self):
        measures = selectors.measure_queryset(self.request.user)
        state = self.state()
        return measures.filter(state=state) if state else measures


class MeasureList(MeasuresByState, RegistryList):
    access = perms.HAZARD_VIEW
    template_name = "hazards/measures.html"

    def rows(self):
        return self.measures()

    def get_extra_context(self, **context) -> dict:
        return {"state": self.state(), "states": MeasureState.choices}


class MeasureExport(MeasuresByState, RegistryExport):
    access = perms.HAZARD_EXPORT
    title = TITLE
    columns = MEASURE_COLUMNS
    chunk_size = 500

    def ledger(self):
        return self.measures(), [(_("范围"), str(self.request.user.scope.label))]

    def filename(self) -> str:
        return f"{self.title}.xlsx"


class MeasureDetail(RegistryDetail):
    access = perms.HAZARD_VIEW
    read = measure_get
    template_name = "hazards/measure_detail.html"
    context_object_name = "measure"

    def get_extra_context(self, obj, **context) -> dict:
        return {"history": audit.history(obj), "hazards": obj.hazards.all()}


class MeasureCreate(RegistryEdit):
    access = perms.HAZARD_SUPERVISE
    form_class = forms.SystemMeasureForm
    template_name = "hazards/measure_form.html"
    context_object_name = "measure"
    sections = SECTIONS
    list_url = "hazards:measure_list"
    success_message = gettext_lazy("已登记制度措施")

    def save(self, obj, data, version):
        return services.measure_create(by=self.request.user, data=data)

    def success_url(self, result) -> str:
        return reverse("hazards:measure_detail", args=[result.pk])


class MeasureEdit(MeasureCreate):
    read = measure_get
    success_message = gettext_lazy("已保存")

    def save(self, obj, data, version):
        return services.measure_update(
            by=self.request.user, measure_id=obj.pk, data=data, expected_version=version
        )
