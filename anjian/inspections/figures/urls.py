"""/inspections/figures/ — 执法统计 (included by ``inspections/urls.py``)."""

from django.urls import path

from anjian.inspections.figures import views

urlpatterns = [
    path("", views.figures, name="figures"),
    path("records/", views.figures_records, name="figures_records"),
    path("export.xlsx", views.figures_export, name="figures_export"),
]
