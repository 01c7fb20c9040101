"""/analytics/ — 指标与统计: the monthly situation reports (区情月报)."""

from django.urls import path

from anjian.analytics import views_denominators, views_indicators, views_plans, views_reports

app_name = "analytics"

urlpatterns = [
    path("reports/", views_reports.report_list, name="report_list"),
    path("reports/generate/", views_reports.report_generate, name="report_generate"),
    path("reports/<int:pk>/", views_reports.report_detail, name="report_detail"),
    path(
        "reports/<int:pk>/download/<str:kind>/",
        views_reports.report_download,
        name="report_download",
    ),
]

# 指标监测: the indicators page and its workbook; 基数与目标: the yearly denominators and the
# plans with their targets.
urlpatterns += [
    path("indicators/", views_indicators.indicators_page, name="indicators"),
    path("indicators/export.xlsx", views_indicators.indicators_export, name="indicators_export"),
    path("denominators/", views_denominators.denominator_list, name="denominator_list"),
    path("denominators/new/", views_denominators.denominator_create, name="denominator_create"),
    path("denominators/<int:pk>/", views_denominators.denominator_edit, name="denominator_edit"),
    path("denominators/import/", views_denominators.denominator_import, name="denominator_import"),
    path(
        "denominators/import/template.xlsx",
        views_denominators.denominator_import_template,
        name="denominator_import_template",
    ),
    path(
        "denominators/export.xlsx",
        views_denominators.denominator_export,
        name="denominator_export",
    ),
    path("plans/", views_plans.plan_list, name="plan_list"),
    path("plans/new/", views_plans.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views_plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views_plans.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/targets/", views_plans.plan_target_save, name="plan_target_save"),
    path(
        "plans/<int:pk>/targets/<str:indicator>/delete/",
        views_plans.plan_target_delete,
        name="plan_target_delete",
    ),
]
