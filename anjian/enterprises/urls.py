from django.urls import path

from anjian.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="enterprise_list"),
    path("new/", views.enterprise_create, name="enterprise_create"),
    path("map/", views.enterprise_map, name="enterprise_map"),
    path("map/points.json", views.enterprise_map_data, name="enterprise_map_data"),
    path("export.xlsx", views.enterprise_export, name="enterprise_export"),
    path("import/", views.enterprise_import, name="enterprise_import"),
    path(
        "import/template.xlsx", views.enterprise_import_template, name="enterprise_import_template"
    ),
    path("grid-options/", views.grid_options, name="grid_options"),
    path("<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("<int:pk>/accounts/", views.enterprise_account_create, name="enterprise_account_create"),
    path(
        "<int:pk>/accounts/<int:link_pk>/toggle/",
        views.enterprise_account_toggle,
        name="enterprise_account_toggle",
    ),
]
