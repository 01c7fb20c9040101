"""/inspections/standards/ — the inspection checklists (检查表) and their entries."""

from django.urls import path

from anjian.inspections.standards import views

urlpatterns = [
    path("", views.ChecklistList.as_view(), name="checklist_list"),
    path("new/", views.ChecklistCreate.as_view(), name="checklist_create"),
    path("<int:pk>/", views.ChecklistDetail.as_view(), name="checklist_detail"),
    path("<int:pk>/edit/", views.ChecklistEdit.as_view(), name="checklist_edit"),
    path("<int:pk>/deactivate/", views.ChecklistDeactivate.as_view(), name="checklist_deactivate"),
    path("<int:pk>/activate/", views.ChecklistActivate.as_view(), name="checklist_activate"),
    path("<int:pk>/entries/new/", views.EntryCreate.as_view(), name="checklist_entry_create"),
    path(
        "<int:pk>/entries/<int:entry_pk>/edit/",
        views.EntryEdit.as_view(),
        name="checklist_entry_edit",
    ),
    path(
        "<int:pk>/entries/<int:entry_pk>/retire/",
        views.EntryRetire.as_view(),
        name="checklist_entry_retire",
    ),
    path(
        "<int:pk>/entries/<int:entry_pk>/restore/",
        views.EntryRestore.as_view(),
        name="checklist_entry_restore",
    ),
]
