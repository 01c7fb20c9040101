from django.urls import path

from anjian.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.region_list, name="region_list"),
    path("departments/", views.department_list, name="department_list"),
    path("departments/<int:pk>/edit/", views.department_edit, name="department_edit"),
    path("industries/new/", views.industry_edit, name="industry_create"),
    path("industries/<int:pk>/edit/", views.industry_edit, name="industry_edit"),
    path("<str:code>/", views.region_detail, name="region_detail"),
    path("<str:code>/children/", views.region_add_child, name="region_add_child"),
]
