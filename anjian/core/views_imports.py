"""The pages of an Excel import run by the engine (``core.excel_import``): the upload, which
starts the spec's background job (every row is checked by the same services as the forms;
the job's page shows the report row by row), and the template download — the spec's
importable columns with an example row, the drop-downs and the notes.

An app declares one page per spec (``spec()``), who may use it (``access``) and where its
list and template are (``list_url``, ``template_url``; or ``urls(spec)``); ``page_notes()``
adds what only the upload page says (the template's notes are the spec's)."""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from anjian.core.excel_import import MODE_ALL, MODE_VALID, ImportSpec
from anjian.core.forms import ImportUploadForm, attachment, submit
from anjian.core.registry import XLSX, RegistryImport, RegistryView

MODES = {
    MODE_ALL: gettext_lazy("有错误时全部不导入（推荐）"),
    MODE_VALID: gettext_lazy("只导入无错误的行，错误行单独报告"),
}


class SpecImport(RegistryImport):
    """Upload an .xlsx of one kind (``spec()``)."""

    template_name = "core/import.html"
    modes = MODES
    list_url = ""  # URL name of the list the rows go to
    template_url = ""  # URL name of the template download

    def spec(self) -> ImportSpec:
        raise NotImplementedError

    def tabs(self) -> list[tuple[str, str, str]]:
        """(kind, label, URL) of the sibling imports shown as tabs."""
        return []

    def page_notes(self) -> list[str]:
        """Lines the upload page adds to the spec's notes."""
        return []

    def urls(self, spec: ImportSpec) -> tuple[str, str]:
        """The kind's list and template URLs."""
        return reverse(self.list_url), reverse(self.template_url)

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
            "notes": [*self.page_notes(), *spec.notes],
            "list_url": list_url,
            "template_url": template_url,
        }
        return render(request, self.template_name, context, status=outcome.status)


class SpecImportTemplate(RegistryView):
    """A kind's import template: its importable columns, an example row, the drop-downs."""

    def spec(self) -> ImportSpec:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        spec = self.spec()
        response = HttpResponse(spec.template(), content_type=XLSX)
        attachment(response, f"{spec.title}导入模板.xlsx")
        return response
