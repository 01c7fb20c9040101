"""/specialwork/ — 特殊作业票 (GB 30871-2022): the list, a permit's page and the forms its steps
post to, applying and changing a draft (with the live 定级 box), the map of the permits open
now, the figures by kind and grade, who holds the approving roles."""

from django.urls import path

from anjian.specialwork import views, views_edit, views_figures

app_name = "specialwork"

v, e, f = views, views_edit, views_figures
urlpatterns = [
    path("", v.PermitList.as_view(), name="permit_list"),
    path("export.xlsx", v.PermitExport.as_view(), name="permit_export"),
    path("new/", e.PermitEdit.as_view(), name="permit_create"),
    path("grade.html", e.grade_preview, name="grade_preview"),
    path("approvers/", e.approvers, name="approvers"),
    path("map/", f.PermitMap.as_view(), name="permit_map"),
    path("map/data.json", f.PermitMapPoints.as_view(), name="permit_map_data"),
    path("figures/", f.figures, name="figures"),
    path("figures/export.xlsx", f.figures_export, name="figures_export"),
    path("<int:pk>/", v.PermitDetail.as_view(), name="permit_detail"),
    path("<int:pk>/edit/", e.PermitEdit.as_view(), name="permit_edit"),
    path("<int:pk>/analyses/", v.AnalysisAdd.as_view(), name="analysis_add"),
    path("<int:pk>/approvals/", v.ApprovalAdd.as_view(), name="approval_add"),
    path("<int:pk>/progress/", v.ProgressAdd.as_view(), name="progress_add"),
    path("<int:pk>/<slug:name>/", v.PermitTransition.as_view(), name="permit_transition"),
]
