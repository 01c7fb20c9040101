"""The Excel import pages of the emergency registers: each resource kind, plans and drills,
on the import pages of ``core.views_imports`` (the upload starts the spec's background job,
whose page shows the report row by row; the template is the kind's importable columns with
an example row and the drop-downs)."""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy

from anjian.core.excel_import import ImportSpec
from anjian.core.views_imports import SpecImport, SpecImportTemplate
from anjian.emergency import permissions as perms
from anjian.emergency import record_import, resource_import
from anjian.emergency.views_resources import KINDS

SCOPE_NOTE = gettext_lazy(
    "所属区划、所属单位只能填写您管辖范围内的；生产经营单位账号导入的均属本单位。"
)
COORDINATES_NOTE = gettext_lazy("经纬度使用 WGS-84（GPS）坐标，用于资源地图和就近调派。")


class EmergencyImport(SpecImport):
    """Upload an .xlsx of one kind (``spec()``); the list is the kind's own."""

    def urls(self, spec: ImportSpec) -> tuple[str, str]:
        return reverse(f"emergency:{spec.kind}_list"), reverse(self.template_url)

    def page_notes(self) -> list[str]:
        return [SCOPE_NOTE]


def resource_spec(key: str) -> ImportSpec:
    if key not in resource_import.SPECS:
        raise Http404
    return resource_import.SPECS[key]


class ResourceImport(EmergencyImport):
    access = perms.RESOURCE_MANAGE

    def spec(self) -> ImportSpec:
        return resource_spec(self.kwargs["kind"])

    def tabs(self):
        return [
            (key, KINDS[key].label, reverse("emergency:resource_import", args=[key]))
            for key in resource_import.IMPORT_KINDS
        ]

    def urls(self, spec):
        return (
            reverse(f"emergency:{spec.kind}_list"),
            reverse("emergency:resource_import_template", args=[spec.kind]),
        )

    def page_notes(self) -> list[str]:
        return [SCOPE_NOTE, COORDINATES_NOTE]


class ResourceImportTemplate(SpecImportTemplate):
    access = perms.RESOURCE_MANAGE

    def spec(self) -> ImportSpec:
        return resource_spec(self.kwargs["kind"])


class PlanImport(EmergencyImport):
    access = perms.PLAN_MANAGE
    template_url = "emergency:plan_import_template"

    def spec(self) -> ImportSpec:
        return record_import.SPECS["plan"]


class PlanImportTemplate(SpecImportTemplate):
    access = perms.PLAN_MANAGE

    def spec(self) -> ImportSpec:
        return record_import.SPECS["plan"]


class DrillImport(EmergencyImport):
    access = perms.DRILL_MANAGE
    template_url = "emergency:drill_import_template"

    def spec(self) -> ImportSpec:
        return record_import.SPECS["drill"]


class DrillImportTemplate(SpecImportTemplate):
    access = perms.DRILL_MANAGE

    def spec(self) -> ImportSpec:
        return record_import.SPECS["drill"]
