"""危险化学品目录 pages — the list (search by name, alias or CAS number; an administrator
also finds the retired entries), an entry's page (what GB 18218 makes of it, its history of
changes, retire/restore), the form that adds or changes an entry, the 目录's Excel import —
and the units' inventories in Excel: the import and the export with the same columns.

Declared on the registry base (``core.registry``) and the import pages
(``core.views_imports``). Every write is a ``services_catalogue`` call through
``core.forms.submit``: refused in Chinese on the field (422), a stale page answered with the
conflict (409). A change of what GB 18218 reads of an entry says how many units were
identified again and how many changed grade; with many, it sends the user to the job that
does it in the background."""

import django_tables2 as tables
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.excel_import import ImportSpec
from anjian.core.forms import VersionForm
from anjian.core.pages import PageAction, RecordDetail
from anjian.core.registry import RegistryEdit, RegistryExport, RegistryList, about_lines
from anjian.core.views_imports import SpecImport, SpecImportTemplate
from anjian.hazchem import catalogue_import, gb18218, inventory_import
from anjian.hazchem import permissions as perms
from anjian.hazchem import services_catalogue as services
from anjian.hazchem.filters import unit_filter
from anjian.hazchem.forms_catalogue import ChemicalForm, catalogue_filter
from anjian.hazchem.models import Chemical, InventoryLine
from anjian.hazchem.tables import LINK
from anjian.hazchem.tables_sources import ChemicalTable, flag_badges

HISTORY_LIMIT = 50


def chemical_read(user, pk) -> Chemical:
    """An entry of the catalogue (city-wide: every viewer reads every entry), or 404."""
    return get_object_or_404(Chemical, pk=pk)


def chemical_url(chemical) -> str:
    return reverse("hazchem:chemical_detail", args=[chemical.pk])


# --- the list ---------------------------------------------------------------------------------


class CatalogueTable(ChemicalTable):
    """The catalogue's table with each name linking to the entry's page."""

    name = tables.Column(
        verbose_name=gettext_lazy("品名"),
        linkify=("hazchem:chemical_detail", {"pk": tables.A("pk")}),
        attrs=LINK,
    )

    class Meta(ChemicalTable.Meta):
        pass


class ChemicalList(RegistryList):
    """危险化学品目录: search by name, alias or CAS number; flags; the GB 18218 row."""

    access = perms.HAZCHEM_VIEW
    filterset = catalogue_filter
    table = CatalogueTable
    template_name = "hazchem/chemicals/list.html"


# --- an entry ---------------------------------------------------------------------------------


class ChemicalDetail(RecordDetail):
    """An entry: its fields, what GB 18218 makes of it, its history; for an administrator
    the forms that retire or restore it."""

    access = perms.HAZCHEM_VIEW
    read = chemical_read
    template_name = "hazchem/chemicals/detail.html"
    context_object_name = "chemical"

    def get_extra_context(self, obj, **context) -> dict:
        row = gb18218.row(obj.table1_row) if obj.table1_row else None
        extra = {
            "shipped": services.is_shipped(obj),
            "table1": row,
            "classes": [gb18218.hazard_class(code) for code in obj.gb18218_classes],
            "flags": flag_badges(obj),
            "history": services.chemical_history(obj, limit=HISTORY_LIMIT),
            "may_manage": self.request.user.can(perms.CATALOGUE_MANAGE),
        }
        if extra["may_manage"]:
            name = "retire" if obj.active else "restore"
            extra[f"{name}_form"] = self.form(
                name, lambda: VersionForm(initial={"version": obj.version}, auto_id=f"{name}-%s")
            )
        return extra


class ChemicalAction(PageAction):
    access = perms.CATALOGUE_MANAGE
    detail = ChemicalDetail
    form_class = VersionForm
    anchor = "summary"

    def detail_url(self, obj) -> str:
        return chemical_url(obj)


class ChemicalRetire(ChemicalAction):
    form_name = "retire"
    success_message = gettext_lazy("已停用“%(name)s”")

    def save(self, obj, data):
        return services.chemical_retire(
            self.request.user, chemical_id=obj.pk, expected_version=data["version"]
        )


class ChemicalRestore(ChemicalAction):
    form_name = "restore"
    success_message = gettext_lazy("已恢复“%(name)s”")

    def save(self, obj, data):
        return services.chemical_restore(
            self.request.user, chemical_id=obj.pk, expected_version=data["version"]
        )


SECTIONS = [
    (
        gettext_lazy("品名与编号"),
        ["name", "aliases", "cas", "un_number", "catalogue_number", "table1_row"],
    ),
    (gettext_lazy("危险性"), ["ghs_classes", "gb18218_classes"]),
    (gettext_lazy("管控类别"), list(services.FLAGS)),
]


class ChemicalEdit(RegistryEdit):
    """Add an entry (no ``pk``) or change one; a shipped row shows its fixed fields."""

    access = perms.CATALOGUE_MANAGE
    read = chemical_read
    form_class = ChemicalForm
    template_name = "hazchem/chemicals/form.html"
    context_object_name = "chemical"
    sections = SECTIONS
    list_url = "hazchem:chemical_list"

    def save(self, obj, data, version):
        user = self.request.user
        if obj is None:
            return services.chemical_create(user, data=data)
        return services.chemical_update(
            user, chemical_id=obj.pk, expected_version=version, data=data
        )

    def saved(self, obj, result):
        chemical, done = result.chemical, result.reevaluation
        words = _("已保存“%(name)s”") % {"name": chemical.name}
        if done.units:
            words = f"{words}；{done.words()}"
        messages.success(self.request, words)
        if done.job is not None:
            return redirect("core:job_detail", pk=done.job.pk)
        return redirect(chemical_url(chemical))

    def cancel_url(self, obj) -> str:
        return chemical_url(obj) if obj is not None else reverse(self.list_url)

    def get_extra_context(self, obj=None, **context) -> dict:
        if obj is None:
            return {"heading": _("新增危险化学品"), "back_url": reverse(self.list_url)}
        return {
            "heading": _("修改危险化学品"),
            "back_url": chemical_url(obj),
            "shipped": services.is_shipped(obj),
            "table1": gb18218.row(obj.table1_row) if obj.table1_row else None,
        }


# --- Excel: the 目录's import; the inventories' import and export ---------------------------


class CatalogueImport(SpecImport):
    access = perms.CATALOGUE_MANAGE
    list_url = "hazchem:chemical_list"
    template_url = "hazchem:catalogue_import_template"

    def spec(self) -> ImportSpec:
        return catalogue_import.SPEC


class CatalogueImportTemplate(SpecImportTemplate):
    access = perms.CATALOGUE_MANAGE

    def spec(self) -> ImportSpec:
        return catalogue_import.SPEC


class InventoryImport(SpecImport):
    access = perms.UNIT_MANAGE
    list_url = "hazchem:unit_list"
    template_url = "hazchem:inventory_import_template"

    def spec(self) -> ImportSpec:
        return inventory_import.SPEC

    def page_notes(self) -> list[str]:
        return [_("单位只能填写您管辖范围内的；生产经营单位账号导入的单元均属本单位。")]


class InventoryImportTemplate(SpecImportTemplate):
    access = perms.UNIT_MANAGE

    def spec(self) -> ImportSpec:
        return inventory_import.SPEC


class InventoryExport(RegistryExport):
    """The chemicals of the active units the unit list shows (its filters), a row each, in
    the import's columns: edited, the file imports back."""

    access = perms.HAZCHEM_VIEW
    filterset = unit_filter
    columns = inventory_import.COLUMNS
    title = str(gettext_lazy("危险化学品单元储存量清单"))

    def ledger(self):
        filterset = self.get_filterset()
        units = filterset.qs.filter(active=True).values("pk")
        lines = (
            InventoryLine.objects.filter(unit__in=units)
            .select_related("unit__enterprise", "chemical")
            .order_by("unit__enterprise__name", "unit__name", "id")
        )
        notes = [
            (_("说明"), _("在用单元中登记的危险化学品，每行一种；可修改后按“导入储存量”导入。"))
        ]
        return lines, about_lines(self.request.user, filterset, ledger=self.title, notes=notes)
