"""/inspections/standards/ — the inspection checklists (检查表): the list, a checklist
with its entries, and the city bureau's edit forms. Thin: selectors read, services write
through ``core.forms.submit`` (the registry base)."""

from django import forms as django_forms
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy

from anjian.core import audit
from anjian.core.registry import RegistryAction, RegistryDetail, RegistryEdit, RegistryList
from anjian.inspections import permissions as perms
from anjian.inspections.standards import selectors, services
from anjian.inspections.standards.forms import EntryForm, TemplateForm

TEMPLATES = "inspections/standards"


def template_read(user, pk: int):
    """A checklist (shared by every district: 404 only when missing)."""
    return selectors.template_get(pk)


def _anchor(template_id: int, entry_id: int | None = None) -> str:
    url = reverse("inspections:checklist_detail", args=[template_id])
    return f"{url}#entry-{entry_id}" if entry_id else url


class ChecklistList(RegistryList):
    access = perms.INSPECTION_VIEW
    template_name = f"{TEMPLATES}/list.html"
    per_page = 100

    def rows(self):
        return list(selectors.templates())

    def get_extra_context(self, **context) -> dict:
        return {"can_edit": self.request.user.can(perms.INSPECTION_STANDARDS)}


class ChecklistDetail(RegistryDetail):
    access = perms.INSPECTION_VIEW
    read = template_read
    template_name = f"{TEMPLATES}/detail.html"
    context_object_name = "checklist"

    def get_extra_context(self, obj, **context) -> dict:
        entries = selectors.entries_of(obj)
        return {
            "entries": entries,
            "general": selectors.is_general(obj),
            "industries": list(obj.industries.all()),
            "history": audit.history(obj),
            "can_edit": self.request.user.can(perms.INSPECTION_STANDARDS),
        }


# --- the checklist itself ------------------------------------------------------------------


class ChecklistCreate(RegistryEdit):
    access = perms.INSPECTION_STANDARDS
    form_class = TemplateForm
    template_name = f"{TEMPLATES}/template_form.html"
    context_object_name = "checklist"
    list_url = "inspections:checklist_list"
    sections = [
        (gettext_lazy("检查表"), ["key", "name"]),
        (gettext_lazy("适用对象"), ["industries", "for_crowded_places"]),
    ]
    success_message = gettext_lazy("已保存检查表“%(name)s”")

    def save(self, obj, data, version):
        return services.template_save(self.request.user, data=data)

    def success_url(self, result) -> str:
        return _anchor(result.pk)

    def cancel_url(self, obj) -> str:
        return _anchor(obj.pk) if obj is not None else reverse(self.list_url)


class ChecklistEdit(ChecklistCreate):
    read = template_read

    def save(self, obj, data, version):
        return services.template_save(
            self.request.user, template_id=obj.pk, data=data, version=version or None
        )


class ChecklistDeactivate(RegistryAction):
    access = perms.INSPECTION_STANDARDS
    detail = ChecklistDetail
    form_class = django_forms.Form
    form_name = "action_form"
    success_message = gettext_lazy("已停用检查表“%(name)s”；已用它做的检查记录不受影响")

    def save(self, obj, data):
        return services.template_deactivate(self.request.user, template_id=obj.pk)

    def saved(self, obj, result):
        self.announce(result)
        return redirect(_anchor(obj.pk))


class ChecklistActivate(ChecklistDeactivate):
    success_message = gettext_lazy("已启用检查表“%(name)s”")

    def save(self, obj, data):
        return services.template_activate(self.request.user, template_id=obj.pk)


# --- its entries ---------------------------------------------------------------------------


class EntryCreate(RegistryEdit):
    """A new entry of the checklist ``pk``."""

    access = perms.INSPECTION_STANDARDS
    form_class = EntryForm
    template_name = f"{TEMPLATES}/entry_form.html"
    context_object_name = "entry"
    success_message = gettext_lazy("已保存检查项：%(text)s")

    def checklist(self):
        if not hasattr(self, "_checklist"):
            self._checklist = selectors.template_get(self.kwargs["pk"])
        return self._checklist

    def get_object(self):
        return None

    def form_kwargs(self, obj) -> dict:
        return {"instance": obj}

    def save(self, obj, data, version):
        return services.entry_save(self.request.user, template_id=self.checklist().pk, data=data)

    def success_url(self, result) -> str:
        return _anchor(result.template_id, result.pk)

    def cancel_url(self, obj) -> str:
        return _anchor(self.checklist().pk, obj.pk if obj is not None else None)

    def get_extra_context(self, obj, **context) -> dict:
        return {"checklist": self.checklist(), "used": getattr(self, "used", 0), "history": []}


class EntryEdit(EntryCreate):
    def get_object(self):
        entry = selectors.entry_get(self.checklist(), self.kwargs["entry_pk"])
        self.used = selectors.entry_used(entry.pk)
        return entry

    def form_kwargs(self, obj) -> dict:
        return {"instance": obj, "used": self.used}

    def save(self, obj, data, version):
        return services.entry_save(
            self.request.user, template_id=self.checklist().pk, entry_id=obj.pk, data=data
        )

    def get_extra_context(self, obj, **context) -> dict:
        extra = super().get_extra_context(obj, **context)
        extra["history"] = audit.history(obj)
        return extra


class EntryRetire(ChecklistDeactivate):
    """停用 an entry of the checklist ``pk`` (kept; restored with 启用)."""

    success_message = gettext_lazy("已停用检查项：%(text)s；已有检查记录不受影响")

    def save(self, obj, data):
        entry = selectors.entry_get(obj, self.kwargs["entry_pk"])
        return services.entry_retire(self.request.user, entry_id=entry.pk)

    def saved(self, obj, result):
        self.announce(result)
        return redirect(_anchor(obj.pk, result.pk))


class EntryRestore(EntryRetire):
    success_message = gettext_lazy("已启用检查项：%(text)s")

    def save(self, obj, data):
        entry = selectors.entry_get(obj, self.kwargs["entry_pk"])
        return services.entry_restore(self.request.user, entry_id=entry.pk)
