from django.urls import path

from anjian.risks.views import assess, band_tables, library, maps, measures, points

app_name = "risks"
urlpatterns = [
    path("", points.risk_point_list, name="risk_point_list"),
    path("new/", points.risk_point_create, name="risk_point_create"),
    path("export.xlsx", points.risk_point_export, name="risk_point_export"),
    path("from-library/", library.risk_point_from_library, name="risk_point_from_library"),
    path("register/", points.risk_register, name="risk_register"),
    path("register/export.xlsx", points.risk_register_export, name="risk_register_export"),
    path("map/", maps.risk_map, name="risk_map"),
    path("map/points.json", maps.risk_map_data, name="risk_map_data"),
    path("concentration/", maps.risk_concentration, name="risk_concentration"),
    path("library/", library.library_list, name="library_list"),
    path("band-tables/", band_tables.band_table_list, name="band_table_list"),
    path(
        "band-tables/<str:method>/publish/",
        band_tables.band_table_publish,
        name="band_table_publish",
    ),
    path("<int:pk>/", points.risk_point_detail, name="risk_point_detail"),
    path("<int:pk>/edit/", points.risk_point_edit, name="risk_point_edit"),
    path("<int:pk>/retire/", points.risk_point_retire, name="risk_point_retire"),
    path("<int:pk>/assess/", assess.risk_point_assess, name="risk_point_assess"),
    path("<int:pk>/card/", points.risk_point_card, name="risk_point_card"),
    path("<int:pk>/measures/new/", measures.measure_create, name="measure_create"),
    path("measures/<int:pk>/edit/", measures.measure_edit, name="measure_edit"),
    path("measures/<int:pk>/deactivate/", measures.measure_deactivate, name="measure_deactivate"),
]
