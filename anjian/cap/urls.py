"""/warnings/ — pages inside the platform, and the public feed, pages and CAP XML (no login)."""

from django.urls import path

from anjian.cap import views

app_name = "cap"

urlpatterns = [
    path("", views.alert_list, name="alert_list"),
    path("new/", views.alert_create, name="alert_create"),
    path("feed.atom", views.alert_feed, name="alert_feed"),
    path("<str:identifier>.html", views.alert_public, name="alert_public"),
    path("<str:identifier>.xml", views.alert_xml, name="alert_xml"),
    path("<int:pk>/", views.alert_detail, name="alert_detail"),
    path("<int:pk>/edit/", views.alert_edit, name="alert_edit"),
    path("<int:pk>/submit/", views.alert_submit, name="alert_submit"),
    path("<int:pk>/return/", views.alert_return, name="alert_return"),
    path("<int:pk>/approve/", views.alert_approve, name="alert_approve"),
    path("<int:pk>/discard/", views.alert_discard, name="alert_discard"),
    path("<int:pk>/update/", views.alert_update, name="alert_update"),
    path("<int:pk>/cancel/", views.alert_cancel, name="alert_cancel"),
]
