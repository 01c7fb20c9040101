from django.urls import path

from anjian.enterprises import views
from anjian.enterprises.places import views as place_views

app_name = "enterprises"
urlpatterns = [
    path("", views.EnterpriseList.as_view(), name="enterprise_list"),
    path("new/", views.EnterpriseCreate.as_view(), name="enterprise_create"),
    path("map/", views.EnterpriseMap.as_view(), name="enterprise_map"),
    path("map/points.json", views.EnterpriseMapPoints.as_view(), name="enterprise_map_data"),
    path("export.xlsx", views.EnterpriseExport.as_view(), name="enterprise_export"),
    path("import/", views.EnterpriseImport.as_view(), name="enterprise_import"),
    path(
        "import/template.xlsx",
        views.EnterpriseImportTemplate.as_view(),
        name="enterprise_import_template",
    ),
    path("grid-options/", views.grid_options, name="grid_options"),
    path("places/", place_views.PlaceList.as_view(), name="place_list"),
    path("places/new/", place_views.PlaceCreate.as_view(), name="place_create"),
    path("places/export.xlsx", place_views.PlaceExport.as_view(), name="place_export"),
    path("places/<int:pk>/", place_views.PlaceDetail.as_view(), name="place_detail"),
    path("places/<int:pk>/edit/", place_views.PlaceEdit.as_view(), name="place_edit"),
    path("<int:pk>/", views.EnterpriseDetail.as_view(), name="enterprise_detail"),
    path("<int:pk>/edit/", views.EnterpriseEdit.as_view(), name="enterprise_edit"),
    path(
        "<int:pk>/accounts/",
        views.EnterpriseAccountCreate.as_view(),
        name="enterprise_account_create",
    ),
    path(
        "<int:pk>/accounts/<int:link_pk>/toggle/",
        views.enterprise_account_toggle,
        name="enterprise_account_toggle",
    ),
]
