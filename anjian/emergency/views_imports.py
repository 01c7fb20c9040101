"""The Excel import pages of the emergency registers: each resource kind, plans and drills.
The upload starts a background job (``excel_import``: every row is checked by the same
services as the forms), whose page shows the report row by row; the template is the kind's
importable columns with an example row and the drop-downs."""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from anjian.core.forms import ImportUploadForm, attachment, submit
from anjian.core.registry import XLSX, RegistryImport, RegistryView
from anjian.emergency import permissions as perms
from anjian.emergency import record_import, resource_import
from anjian.emergency.excel_import import MODE_ALL, MODE_VALID, ImportSpec
from anjian.emergency.views_resources import KINDS


class EmergencyImport(RegistryImport):
    """Upload an .xlsx of one kind (``spec()``)."""

    template_name = "emergency/import.html"
    modes = {
        MODE_ALL: gettext_lazy("有错误时全部不导入（推荐）"),
        MODE_VALID: gettext_lazy("只导入无错误的行，错误行单独报告"),
    }
    list_url = ""
    template_url = ""

    def spec(self) -> ImportSpec:
        raise NotImplementedError

    def tabs(self) -> list[tuple[str, str, str]]:
        return []

    def urls(self, spec: ImportSpec) -> tuple[str, str]:
        """The kind's list and template URLs."""
        return reverse(f"emergency:{spec.kind}_list"), reverse(self.template_url)

    def respond(self):
        spec = self.spec()
        self.job_kind = spec.job_kind
        request = self.request
        posted = request.method == "POST"
        form = ImportUploadForm(
            request.POST if posted else None, request.FILES if posted else None, modes=self.modes
        )
        outcome = submit(request, form, self.start)
        if outcome.done:
            return redirect("core:job_detail", pk=outcome.result.pk)
        list_url, template_url = self.urls(spec)
        context = {
            "form": form,
            "title": spec.title,
            "kind": spec.kind,
            "tabs": self.tabs(),
            "notes": spec.notes,
            "list_url": list_url,
            "template_url": template_url,
        }
        return render(request, self.template_name, context, status=outcome.status)


class ImportTemplate(RegistryView):
    """A kind's import template: its importable columns, an example row, the drop-downs."""

    def spec(self) -> ImportSpec:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        spec = self.spec()
        response = HttpResponse(spec.template(), content_type=XLSX)
        attachment(response, f"{spec.title}导入模板.xlsx")
        return response


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


class ResourceImportTemplate(ImportTemplate):
    access = perms.RESOURCE_MANAGE

    def spec(self) -> ImportSpec:
        return resource_spec(self.kwargs["kind"])


class PlanImport(EmergencyImport):
    access = perms.PLAN_MANAGE
    template_url = "emergency:plan_import_template"

    def spec(self) -> ImportSpec:
        return record_import.SPECS["plan"]


class PlanImportTemplate(ImportTemplate):
    access = perms.PLAN_MANAGE

    def spec(self) -> ImportSpec:
        return record_import.SPECS["plan"]


class DrillImport(EmergencyImport):
    access = perms.DRILL_MANAGE
    template_url = "emergency:drill_import_template"

    def spec(self) -> ImportSpec:
        return record_import.SPECS["drill"]


class DrillImportTemplate(ImportTemplate):
    access = perms.DRILL_MANAGE

    def spec(self) -> ImportSpec:
        return record_import.SPECS["drill"]
