from django.urls import path

from anjian.risks import views

app_name = "risks"
urlpatterns = [
    path("", views.risk_point_list, name="risk_point_list"),
    path("new/", views.risk_point_create, name="risk_point_create"),
    path("export.xlsx", views.risk_point_export, name="risk_point_export"),
    path("from-library/", views.risk_point_from_library, name="risk_point_from_library"),
    path("register/", views.risk_register, name="risk_register"),
    path("register/export.xlsx", views.risk_register_export, name="risk_register_export"),
    path("map/", views.risk_map, name="risk_map"),
    path("map/points.json", views.risk_map_data, name="risk_map_data"),
    path("concentration/", views.risk_concentration, name="risk_concentration"),
    path("library/", views.library_list, name="library_list"),
    path("band-tables/", views.band_table_list, name="band_table_list"),
    path(
        "band-tables/<str:method>/publish/",
        views.band_table_publish,
        name="band_table_publish",
    ),
    path("<int:pk>/", views.risk_point_detail, name="risk_point_detail"),
    path("<int:pk>/edit/", views.risk_point_edit, name="risk_point_edit"),
    path("<int:pk>/retire/", views.risk_point_retire, name="risk_point_retire"),
    path("<int:pk>/assess/", views.risk_point_assess, name="risk_point_assess"),
    path("<int:pk>/card/", views.risk_point_card, name="risk_point_card"),
    path("<int:pk>/measures/new/", views.measure_create, name="measure_create"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("measures/<int:pk>/deactivate/", views.measure_deactivate, name="measure_deactivate"),
]
