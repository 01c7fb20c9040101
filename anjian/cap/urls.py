"""/warnings/ — pages inside the platform, and the public feed, pages and CAP XML (no login)."""

from django.urls import path

from anjian.cap import views, views_delivery

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
    # Reach: deliveries and figures, co-issuing, contact lists (views_delivery).
    path("<int:pk>/deliveries/", views_delivery.alert_deliveries, name="alert_deliveries"),
    path("<int:pk>/co-issue/", views_delivery.alert_co_issue, name="alert_co_issue"),
    path("<int:pk>/co-issuers/", views_delivery.alert_co_issuers, name="alert_co_issuers"),
    path("<int:pk>/cosign/", views_delivery.alert_cosign, name="alert_cosign"),
    path("reach/", views_delivery.reach, name="reach"),
    path("deliveries/", views_delivery.delivery_list, name="delivery_list"),
    path("contacts/", views_delivery.contact_list, name="contact_list"),
    path(
        "contacts/<int:pk>/deactivate/",
        views_delivery.contact_deactivate,
        name="contact_deactivate",
    ),
    # Public: subscribing to the warnings of some regions (no login).
    path("subscribe/", views_delivery.subscribe, name="subscribe"),
    path(
        "subscribe/<str:token>/confirm/",
        views_delivery.subscription_confirm,
        name="subscription_confirm",
    ),
    path(
        "subscribe/<str:token>/cancel/",
        views_delivery.subscription_cancel,
        name="subscription_cancel",
    ),
]
