"""What the access tables open for the chemical catalogue and the inventories' Excel: the
shipped entry 氯 (the catalogue is city-wide: every actor allowed to read it reads every
entry, so none is ``unseen``), the import pages and templates, the inventory export. Every
POST row sends an empty form, refused before anything is written (422)."""

from anjian.hazchem.models import Chemical
from anjian.web.tests.access_pages import Page


def _chlorine(setup) -> list:
    return [Chemical.objects.get(name="氯").pk]


CATALOGUE_PAGES: dict[str, Page] = {
    "hazchem:chemical_create": Page(),
    "hazchem:chemical_detail": Page(args=_chlorine),
    "hazchem:chemical_edit": Page(args=_chlorine),
    "hazchem:chemical_retire": Page(method="post", args=_chlorine, ok=(422,)),
    "hazchem:chemical_restore": Page(method="post", args=_chlorine, ok=(422,)),
    "hazchem:catalogue_import": Page(),
    "hazchem:catalogue_import_template": Page(),
    "hazchem:inventory_import": Page(),
    "hazchem:inventory_import_template": Page(),
    "hazchem:inventory_export": Page(),
}
