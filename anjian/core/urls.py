from django.urls import path

from anjian.core import views

app_name = "core"
urlpatterns = [
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/download/", views.job_download, name="job_download"),
]
