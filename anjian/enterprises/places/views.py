"""The register of public places, on the core registry base (core/registry.py)."""

from django.utils.translation import gettext_lazy

from anjian.core import audit
from anjian.core.registry import RegistryDetail, RegistryEdit, RegistryExport, RegistryList
from anjian.enterprises import permissions as perms
from anjian.enterprises.places import selectors, services
from anjian.enterprises.places.forms import SECTIONS, PlaceForm
from anjian.enterprises.places.ledger import COLUMNS, SHEET_TITLE
from anjian.enterprises.places.tables import PlaceTable


class PlaceList(RegistryList):
    access = perms.PLACE_VIEW
    filterset = selectors.place_filter
    table = PlaceTable
    template_name = "enterprises/places/list.html"


class PlaceExport(RegistryExport):
    """The filtered register as a workbook (a few thousand places: always at once)."""

    access = perms.PLACE_VIEW
    filterset = selectors.place_filter
    columns = COLUMNS
    title = SHEET_TITLE


class PlaceDetail(RegistryDetail):
    access = perms.PLACE_VIEW
    read = selectors.place_get
    template_name = "enterprises/places/detail.html"
    context_object_name = "place"

    def get_extra_context(self, obj, **context) -> dict:
        return {
            "history": audit.history(obj),
            "can_edit": self.request.user.can(perms.PLACE_MANAGE),
            "department": services.responsible_department(obj),
        }


class PlaceCreate(RegistryEdit):
    access = perms.PLACE_MANAGE
    form_class = PlaceForm
    template_name = "enterprises/places/form.html"
    context_object_name = "place"
    sections = SECTIONS
    list_url = "enterprises:place_list"
    success_message = gettext_lazy("已登记“%(name)s”")

    def save(self, obj, data, version):
        return services.place_create(by=self.request.user, data=data)


class PlaceEdit(PlaceCreate):
    read = selectors.place_get
    success_message = gettext_lazy("已保存“%(name)s”")

    def save(self, obj, data, version):
        return services.place_update(
            by=self.request.user, place_id=obj.pk, data=data, expected_version=version
        )
