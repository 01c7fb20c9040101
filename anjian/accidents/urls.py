"""/accidents/ — 事故报告与调查: the list and its export, the quick report, an accident's
page, and each form on that page posting to its own URL."""

from django.urls import path

from anjian.accidents import views, views_investigation

app_name = "accidents"

urlpatterns = [
    path("", views.AccidentList.as_view(), name="accident_list"),
    path("export.xlsx", views.AccidentExport.as_view(), name="accident_export"),
    path("report/", views.accident_report, name="accident_report"),
    path("<int:pk>/", views.accident_detail, name="accident_detail"),
    path("<int:pk>/follow-up/", views.accident_follow_up, name="accident_follow_up"),
    path("<int:pk>/inform/", views.accident_inform, name="accident_inform"),
    path("<int:pk>/flags/", views.accident_flag, name="accident_flag"),
    path(
        "<int:pk>/flags/<int:flag_id>/withdraw/",
        views.accident_flag_withdraw,
        name="accident_flag_withdraw",
    ),
    path("<int:pk>/void/", views.accident_void, name="accident_void"),
    path(
        "<int:pk>/investigate/",
        views_investigation.accident_investigate,
        name="accident_investigate",
    ),
    path(
        "<int:pk>/investigation/",
        views_investigation.accident_investigation_update,
        name="accident_investigation_update",
    ),
    path(
        "<int:pk>/investigation/extend/",
        views_investigation.accident_extend,
        name="accident_extend",
    ),
    path(
        "<int:pk>/responsibilities/",
        views_investigation.accident_responsibility_add,
        name="accident_responsibility_add",
    ),
    path(
        "<int:pk>/measures/",
        views_investigation.accident_measure_add,
        name="accident_measure_add",
    ),
    path(
        "<int:pk>/measures/<int:measure_id>/done/",
        views_investigation.accident_measure_done,
        name="accident_measure_done",
    ),
    path("<int:pk>/close/", views_investigation.accident_close, name="accident_close"),
    path("<int:pk>/evaluate/", views_investigation.accident_evaluate, name="accident_evaluate"),
]
