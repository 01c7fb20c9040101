"""/emergency/incidents/ — 突发事件与指挥调度: the list and its export, opening an incident
(by hand, ``?accident=<id>``, ``?alarm=<id>``), the command page and each form on it posted
to its own URL, dispatch, the after-action review and the timeline replay."""

from django.urls import path

from anjian.emergency import views_command, views_incidents

urlpatterns = [
    path("incidents/", views_incidents.IncidentList.as_view(), name="incident_list"),
    path("incidents/export.xlsx", views_incidents.IncidentExport.as_view(), name="incident_export"),
    path("incidents/open/", views_incidents.incident_open, name="incident_open"),
    path("incidents/<int:pk>/", views_command.incident_detail, name="incident_detail"),
    path(
        "incidents/<int:pk>/transitions/<slug:name>/",
        views_command.incident_transition,
        name="incident_transition",
    ),
    path("incidents/<int:pk>/level/", views_command.incident_level, name="incident_level"),
    path("incidents/<int:pk>/activate/", views_command.incident_activate, name="incident_activate"),
    path("incidents/<int:pk>/log/", views_command.incident_log, name="incident_log"),
    path("incidents/<int:pk>/tasks/", views_command.incident_task_add, name="incident_task_add"),
    path(
        "incidents/<int:pk>/tasks/<int:task_id>/done/",
        views_command.incident_task_done,
        name="incident_task_done",
    ),
    path("incidents/<int:pk>/dispatch/", views_command.incident_dispatch, name="incident_dispatch"),
    path(
        "incidents/<int:pk>/assignments/<int:assignment_id>/<slug:name>/",
        views_command.assignment_move,
        name="assignment_move",
    ),
    path(
        "incidents/<int:pk>/review/",
        views_incidents.incident_after_action,
        name="incident_after_action",
    ),
    path(
        "incidents/<int:pk>/timeline/", views_incidents.incident_timeline, name="incident_timeline"
    ),
]
