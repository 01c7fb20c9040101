"""/inspections/onsite/ — 现场检查 (included by ``inspections/urls.py``, namespace "inspections").

The service worker (``sw.js``) is served from here so that its scope is this path."""

from django.urls import path

from anjian.inspections.onsite import views

urlpatterns = [
    path("", views.inspection_list, name="inspection_list"),
    path("sw.js", views.onsite_sw, name="onsite_sw"),
    path("new/", views.inspection_start, name="inspection_start"),
    path("tasks/<int:task_pk>/start/", views.inspection_from_task, name="inspection_from_task"),
    path("<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("<int:pk>/save/", views.inspection_form, name="inspection_form"),
    path("<int:pk>/void/", views.inspection_void, name="inspection_void"),
    path("<int:pk>/reinspect/", views.inspection_reinspect, name="inspection_reinspect"),
    path(
        "<int:pk>/evidence/<int:evidence_pk>/",
        views.inspection_evidence,
        name="inspection_evidence",
    ),
    path(
        "<int:pk>/signature/<str:who>/",
        views.inspection_signature,
        name="inspection_signature",
    ),
    path("visits/", views.visit_list, name="visit_list"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visit/<str:token>/", views.visit_scan, name="visit_scan"),
]
