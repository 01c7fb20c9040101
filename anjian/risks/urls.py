from django.urls import path

from anjian.risks.views import assess, band_tables, library, maps, measures, points

app_name = "risks"
urlpatterns = [
    path("", points.RiskPointList.as_view(), name="risk_point_list"),
    path("new/", points.RiskPointCreate.as_view(), name="risk_point_create"),
    path("export.xlsx", points.RiskPointExport.as_view(), name="risk_point_export"),
    path(
        "from-library/",
        library.RiskPointsFromLibrary.as_view(),
        name="risk_point_from_library",
    ),
    path("register/", points.RiskRegister.as_view(), name="risk_register"),
    path(
        "register/export.xlsx",
        points.RiskRegisterExport.as_view(),
        name="risk_register_export",
    ),
    path("map/", maps.RiskMap.as_view(), name="risk_map"),
    path("map/points.json", maps.RiskMapPoints.as_view(), name="risk_map_data"),
    path("concentration/", maps.risk_concentration, name="risk_concentration"),
    path("library/", library.library_list, name="library_list"),
    path("band-tables/", band_tables.band_table_list, name="band_table_list"),
    path(
        "band-tables/<str:method>/publish/",
        band_tables.BandTablePublish.as_view(),
        name="band_table_publish",
    ),
    path("<int:pk>/", points.RiskPointDetail.as_view(), name="risk_point_detail"),
    path("<int:pk>/edit/", points.RiskPointEdit.as_view(), name="risk_point_edit"),
    path("<int:pk>/retire/", points.RiskPointRetire.as_view(), name="risk_point_retire"),
    path("<int:pk>/assess/", assess.RiskPointAssess.as_view(), name="risk_point_assess"),
    path("<int:pk>/card/", points.RiskPointCard.as_view(), name="risk_point_card"),
    path("<int:pk>/measures/new/", measures.MeasureCreate.as_view(), name="measure_create"),
    path("measures/<int:pk>/edit/", measures.MeasureEdit.as_view(), name="measure_edit"),
    path(
        "measures/<int:pk>/deactivate/",
        measures.MeasureDeactivate.as_view(),
        name="measure_deactivate",
    ),
]
