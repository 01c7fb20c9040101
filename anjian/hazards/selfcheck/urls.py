from django.urls import path

from anjian.hazards.selfcheck import views

app_name = "selfcheck"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("new/", views.plan_create, name="plan_create"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/deactivate/", views.plan_deactivate, name="plan_deactivate"),
    path("<int:pk>/activate/", views.plan_activate, name="plan_activate"),
    path("<int:pk>/check/", views.check_perform, name="check_perform"),
    path("records/", views.record_list, name="record_list"),
    path("records/<int:pk>/", views.record_detail, name="record_detail"),
]
