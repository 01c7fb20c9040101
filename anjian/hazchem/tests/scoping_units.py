"""The generated scoping tests of the unit and source pages
(``testsupport.scoped.ScopedCrudTests``): anonymous → login, wrong role → 403, out of
scope → 404 (read and edit), a unit created outside the scope writes nothing, the list and
its Excel hold exactly the scope.

Collected where the guard looks for it (``core/tests/test_scoping_guard.py``):
``anjian/hazchem/tests/test_scoping.py`` imports ``TestChemicalUnitScoping``. Each world
enterprise gets one unit, named after the enterprise's key (``yinhang_chemical储罐区``), so
``world.VISIBLE`` says who sees which. An enterprise user always registers its own unit
(the form has no enterprise for it): ``test_pages_units`` covers that."""

from anjian.hazchem import permissions as perms
from anjian.hazchem.models import ChemicalUnit, MajorHazardSource
from anjian.hazchem.tests import factories as make
from testsupport import world
from testsupport.scoped import ScopedCrudTests

# A government writer's enterprise inside its scope, and one just outside it.
INSIDE = {
    "district_official": "yinhang_chemical",
    "neighbour_official": "hongkou_shop",
    "housing_official": "yinhang_site",
}
OUTSIDE = {
    "district_official": "hongkou_shop",
    "neighbour_official": "yinhang_chemical",
    "housing_official": "yinhang_chemical",
}


class TestChemicalUnitScoping(ScopedCrudTests):
    model = ChemicalUnit
    list_url = "hazchem:unit_list"
    detail_url = "hazchem:unit_detail"
    edit_url = "hazchem:unit_edit"
    create_url = "hazchem:unit_create"
    export_url = "hazchem:unit_export"
    export_key_header = "单元名称"
    visible = world.VISIBLE
    creators = tuple(INSIDE)
    not_creators = ("street_officer", "grid_member", "inspector", "leader")
    api_list = "/api/v1/hazchem/units"
    api_detail = "/api/v1/hazchem/units/{pk}"

    def get_object(self, name: str) -> ChemicalUnit:
        unit_name = f"{name}储罐区"
        found = ChemicalUnit.objects.filter(name=unit_name).first()
        return found or make.unit(world.actor("admin"), enterprise=name, name=unit_name)

    def create_data(self, actor: str) -> dict:
        enterprise = world.enterprise(INSIDE[actor])
        name = f"{actor}新登记单元"
        return {
            "kind": "storage",
            "name": name,
            "population_500m": "0",
            "enterprise": enterprise.pk,
        }

    def outside_data(self, actor: str) -> dict:
        enterprise = world.enterprise(OUTSIDE[actor])
        name = f"{actor}越界单元"
        return {
            "kind": "storage",
            "name": name,
            "population_500m": "0",
            "enterprise": enterprise.pk,
        }

    def _view_action(self) -> str:
        return perms.HAZCHEM_VIEW

    def _export_action(self) -> str:
        return perms.HAZCHEM_VIEW

    def _can_edit(self, user) -> bool:
        return user.can(perms.UNIT_MANAGE)


class TestMajorHazardSourceScoping(ScopedCrudTests):
    """A source is opened by its unit's identification, never by a form: it has a list, a
    page and an Excel, no create or edit page."""

    model = MajorHazardSource
    list_url = "hazchem:source_list"
    detail_url = "hazchem:source_detail"
    export_url = "hazchem:source_export"
    export_key_header = "编号"
    key_attribute = "number"
    api_list = "/api/v1/hazchem/sources"
    api_detail = "/api/v1/hazchem/sources/{pk}"
    visible = world.VISIBLE
    not_applicable = {
        "create_url": "a source opens when its unit's identification makes it one "
        "(evaluation.follow_source), never by a form",
        "edit_url": "a source's grade follows its unit; its filing and closing are "
        "transitions on its page, not an edit form",
    }

    def get_object(self, name: str) -> MajorHazardSource:
        unit_name = f"{name}液氯库"
        found = MajorHazardSource.objects.filter(unit__name=unit_name).first()
        if found is not None:
            return found
        unit = make.unit(world.actor("admin"), enterprise=name, name=unit_name)
        make.add(unit, "氯", "10", by=world.actor("admin"))  # S 2: a source
        return make.source_of(unit)

    def _view_action(self) -> str:
        return perms.HAZCHEM_VIEW

    def _export_action(self) -> str:
        return perms.HAZCHEM_VIEW
