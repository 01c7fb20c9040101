"""/hazchem/ — 危险化学品与重大危险源: units with their inventories and how each was identified
and graded, the major hazard sources (一源一档), the chemical catalogue."""

from django.urls import path

from anjian.hazchem import (
    urls_catalogue,
    urls_coverage,
    urls_duties,
    views_figures,
    views_sources,
    views_units,
)

app_name = "hazchem"

u = views_units
s = views_sources
urlpatterns = [
    path("units/", u.UnitList.as_view(), name="unit_list"),
    path("units/export.xlsx", u.UnitExport.as_view(), name="unit_export"),
    path("units/new/", u.UnitEdit.as_view(), name="unit_create"),
    path("units/<int:pk>/", u.UnitDetail.as_view(), name="unit_detail"),
    path("units/<int:pk>/edit/", u.UnitEdit.as_view(), name="unit_edit"),
    path("units/<int:pk>/retire/", u.UnitRetire.as_view(), name="unit_retire"),
    path("units/<int:pk>/lines/", u.LineAdd.as_view(), name="line_add"),
    path("units/<int:pk>/lines/<int:line_id>/", u.LineEdit.as_view(), name="line_edit"),
    path("units/<int:pk>/lines/<int:line_id>/remove/", u.LineRemove.as_view(), name="line_remove"),
    path("chemicals/search.json", u.chemical_search, name="chemical_search"),
    path("sources/", s.SourceList.as_view(), name="source_list"),
    path("sources/export.xlsx", s.SourceExport.as_view(), name="source_export"),
    path("sources/figures/", views_figures.source_figures_page, name="source_figures"),
    path(
        "sources/figures/export.xlsx",
        views_figures.source_figures_export,
        name="source_figures_export",
    ),
    path("sources/<int:pk>/", s.SourceDetail.as_view(), name="source_detail"),
    path("sources/<int:pk>/file/", s.SourceFile.as_view(), name="source_file"),
    path("sources/<int:pk>/close/", s.SourceClose.as_view(), name="source_close"),
    path("sources/<int:pk>/monitoring/", s.SourceMonitoring.as_view(), name="source_monitoring"),
]
urlpatterns += urls_duties.urlpatterns + urls_coverage.urlpatterns + urls_catalogue.urlpatterns
