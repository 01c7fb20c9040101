"""/hazchem/ pages of the chemical catalogue — the list, an entry, its form, retire and
restore, the 目录's Excel import — and the units' inventories in Excel (joined in urls.py
under the hazchem namespace)."""

from django.urls import path

from anjian.hazchem import views_catalogue as c

urlpatterns: list = [
    path("chemicals/", c.ChemicalList.as_view(), name="chemical_list"),
    path("chemicals/new/", c.ChemicalEdit.as_view(), name="chemical_create"),
    path("chemicals/import/", c.CatalogueImport.as_view(), name="catalogue_import"),
    path(
        "chemicals/import/template.xlsx",
        c.CatalogueImportTemplate.as_view(),
        name="catalogue_import_template",
    ),
    path("chemicals/<int:pk>/", c.ChemicalDetail.as_view(), name="chemical_detail"),
    path("chemicals/<int:pk>/edit/", c.ChemicalEdit.as_view(), name="chemical_edit"),
    path("chemicals/<int:pk>/retire/", c.ChemicalRetire.as_view(), name="chemical_retire"),
    path("chemicals/<int:pk>/restore/", c.ChemicalRestore.as_view(), name="chemical_restore"),
    path("units/import/", c.InventoryImport.as_view(), name="inventory_import"),
    path(
        "units/import/template.xlsx",
        c.InventoryImportTemplate.as_view(),
        name="inventory_import_template",
    ),
    path("units/inventory.xlsx", c.InventoryExport.as_view(), name="inventory_export"),
]
