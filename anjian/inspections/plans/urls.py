"""/inspections/plans/ — 年度/季度监督检查计划 (included by ``inspections/urls.py``)."""

from django.urls import path

from anjian.inspections.plans import views

urlpatterns = [
    path("", views.PlanList.as_view(), name="plan_list"),
    path("new/", views.PlanCreate.as_view(), name="plan_create"),
    path("policy/", views.policy_edit, name="plan_policy"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/export.xlsx", views.plan_export, name="plan_export"),
    path("<int:pk>/submit/", views.plan_submit, name="plan_submit"),
    path("<int:pk>/approve/", views.plan_approve, name="plan_approve"),
    path("<int:pk>/return/", views.plan_return, name="plan_return"),
    path("<int:pk>/entries/<int:entry_pk>/", views.entry_edit, name="plan_entry_edit"),
]
