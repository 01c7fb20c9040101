from django.urls import path

from anjian.hazards import views

app_name = "hazards"
urlpatterns = [
    path("", views.hazard_list, name="hazard_list"),
    path("export.xlsx", views.hazard_export, name="hazard_export"),
    path("report/", views.hazard_report, name="hazard_report"),
    path("report/nearby/", views.report_nearby, name="report_nearby"),
    path("map/", views.HazardMap.as_view(), name="hazard_map"),
    path("map/points/", views.HazardMapPoints.as_view(), name="hazard_map_data"),
    path("figures/", views.clearing_figures, name="clearing_figures"),
    path("figures/export.xlsx", views.clearing_figures_export, name="clearing_figures_export"),
    path("listings/", views.listing_list, name="listing_list"),
    path("revisits/", views.revisit_list, name="revisit_list"),
    path("escalation-rules/", views.escalation_rules, name="escalation_rules"),
    path("measures/", views.MeasureList.as_view(), name="measure_list"),
    path("measures/new/", views.MeasureCreate.as_view(), name="measure_create"),
    path("measures/export.xlsx", views.MeasureExport.as_view(), name="measure_export"),
    path("measures/<int:pk>/", views.MeasureDetail.as_view(), name="measure_detail"),
    path("measures/<int:pk>/edit/", views.MeasureEdit.as_view(), name="measure_edit"),
    path("<int:pk>/", views.hazard_detail, name="hazard_detail"),
    path("<int:pk>/register/", views.hazard_register, name="hazard_register"),
    path("<int:pk>/start/", views.hazard_start, name="hazard_start"),
    path("<int:pk>/submit/", views.hazard_submit, name="hazard_submit"),
    path("<int:pk>/accept/", views.hazard_accept, name="hazard_accept"),
    path("<int:pk>/reject/", views.hazard_reject, name="hazard_reject"),
    path("<int:pk>/close-on-spot/", views.hazard_close_on_spot, name="hazard_close_on_spot"),
    path("<int:pk>/void/", views.hazard_void, name="hazard_void"),
    path("<int:pk>/edit/", views.hazard_edit, name="hazard_edit"),
    path("<int:pk>/notes/", views.hazard_note, name="hazard_note"),
    path("<int:pk>/photos/", views.hazard_add_photos, name="hazard_add_photos"),
    path("<int:pk>/photos/<int:photo_pk>/", views.hazard_photo, name="hazard_photo"),
    path("<int:pk>/escalate/", views.hazard_escalate, name="hazard_escalate"),
    path("<int:pk>/extension/", views.extension_request, name="extension_request"),
    path(
        "<int:pk>/extension/<int:extension_pk>/decide/",
        views.extension_decide,
        name="extension_decide",
    ),
    path("<int:pk>/listing/", views.listing_create, name="listing_create"),
    path(
        "<int:pk>/listing/<int:listing_pk>/sign-off/",
        views.listing_sign_off,
        name="listing_sign_off",
    ),
    path("<int:pk>/revisits/<int:revisit_pk>/", views.revisit_complete, name="revisit_complete"),
    path(
        "<int:pk>/duplicates/<int:candidate_pk>/merge/",
        views.duplicate_merge,
        name="duplicate_merge",
    ),
    path(
        "<int:pk>/duplicates/<int:candidate_pk>/dismiss/",
        views.duplicate_dismiss,
        name="duplicate_dismiss",
    ),
]
