"""/hazards/standards/ — the major-hazard standards library (included before "hazards/")."""

from django.urls import path

from anjian.hazards.library import views

app_name = "standards"
urlpatterns = [
    path("", views.DocumentList.as_view(), name="document_list"),
    path("import/", views.document_import, name="document_import"),
    path("import/template.xlsx", views.ImportTemplate.as_view(), name="import_template"),
    path("picker/", views.clause_picker, name="clause_picker"),
    path("<int:pk>/", views.DocumentDetail.as_view(), name="document_detail"),
    path("<int:pk>/edit/", views.DocumentEdit.as_view(), name="document_edit"),
    path("<int:pk>/export/", views.document_export, name="document_export"),
    path("<int:pk>/clauses/new/", views.ClauseCreate.as_view(), name="clause_create"),
    path("clauses/<int:pk>/edit/", views.ClauseEdit.as_view(), name="clause_edit"),
    path("clauses/<int:pk>/deactivate/", views.clause_deactivate, name="clause_deactivate"),
    path("clauses/<int:pk>/activate/", views.clause_activate, name="clause_activate"),
]
