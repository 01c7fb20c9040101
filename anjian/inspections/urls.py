"""/inspections/ — 双随机一公开: draws, tasks, the two pools, and the public results (no login)."""

from django.urls import include, path

from anjian.inspections import views, views_documents, views_pools, views_public

app_name = "inspections"

urlpatterns = [
    path("", views.DrawList.as_view(), name="draw_list"),
    path("draws/new/", views.DrawCreate.as_view(), name="draw_create"),
    path("draws/<int:pk>/", views.draw_detail, name="draw_detail"),
    path("draws/<int:pk>/record.json", views.draw_record, name="draw_record"),
    path("draws/<int:pk>/publish/", views.draw_publish, name="draw_publish"),
    path("draws/<int:pk>/void/", views.draw_void, name="draw_void"),
    path("tasks/", views.TaskList.as_view(), name="task_list"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/complete/", views.task_complete, name="task_complete"),
    path("tasks/<int:pk>/cancel/", views.task_cancel, name="task_cancel"),
    path("inspectors/", views_pools.InspectorList.as_view(), name="inspector_list"),
    path("inspectors/new/", views_pools.InspectorCreate.as_view(), name="inspector_create"),
    path("inspectors/<int:pk>/", views_pools.InspectorDetail.as_view(), name="inspector_detail"),
    path("inspectors/<int:pk>/edit/", views_pools.InspectorEdit.as_view(), name="inspector_edit"),
    path(
        "inspectors/<int:pk>/conflicts/",
        views_pools.ConflictDeclare.as_view(),
        name="conflict_declare",
    ),
    path(
        "inspectors/<int:pk>/conflicts/<int:conflict_pk>/withdraw/",
        views_pools.ConflictWithdraw.as_view(),
        name="conflict_withdraw",
    ),
    path("matters/", views_pools.MatterList.as_view(), name="matter_list"),
    path("matters/new/", views_pools.MatterCreate.as_view(), name="matter_create"),
    path("matters/<int:pk>/edit/", views_pools.MatterEdit.as_view(), name="matter_edit"),
    path("documents/", views_documents.DocumentList.as_view(), name="document_list"),
    path("documents/<int:pk>/", views_documents.document_download, name="document_download"),
    path("plans/", include("anjian.inspections.plans.urls")),
    path("onsite/", include("anjian.inspections.onsite.urls")),
    path("cases/", include("anjian.inspections.cases.urls")),
    path("figures/", include("anjian.inspections.figures.urls")),
    path("standards/", include("anjian.inspections.standards.urls")),
    path("public/", views_public.public_draws, name="public_draws"),
    path("public/<int:pk>/", views_public.public_draw, name="public_draw"),
    path("public/<int:pk>/record.json", views_public.public_draw_record, name="public_draw_record"),
]
