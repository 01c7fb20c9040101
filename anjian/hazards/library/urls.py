"""/hazards/standards/ — the major-hazard standards library (included before "hazards/")."""

from django.urls import path

from anjian.hazards.library import views

app_name = "standards"
urlpatterns = [
    path("", views.document_list, name="document_list"),
    path("import/", views.document_import, name="document_import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("picker/", views.clause_picker, name="clause_picker"),
    path("<int:pk>/", views.document_detail, name="document_detail"),
    path("<int:pk>/edit/", views.document_edit, name="document_edit"),
    path("<int:pk>/export/", views.document_export, name="document_export"),
    path("<int:pk>/clauses/new/", views.clause_create, name="clause_create"),
    path("clauses/<int:pk>/edit/", views.clause_edit, name="clause_edit"),
    path("clauses/<int:pk>/deactivate/", views.clause_deactivate, name="clause_deactivate"),
    path("clauses/<int:pk>/activate/", views.clause_activate, name="clause_activate"),
]
