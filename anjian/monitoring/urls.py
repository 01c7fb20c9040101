from django.urls import path

from anjian.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.console, name="console"),
    path("map/", views.device_map, name="device_map"),
    path("map/points.json", views.device_map_data, name="device_map_data"),
    path("devices/new/", views.device_create, name="device_create"),
    path("devices/<int:pk>/", views.device_detail, name="device_detail"),
    path("devices/<int:pk>/edit/", views.device_edit, name="device_edit"),
    path("devices/<int:pk>/token/", views.device_token, name="device_token"),
    path("devices/<int:pk>/thresholds/", views.threshold_set, name="threshold_set"),
    path("duty-persons/", views.duty_persons, name="duty_persons"),
    path("gateways/", views.gateway_list, name="gateway_list"),
    path("gateways/new/", views.gateway_create, name="gateway_create"),
    path("gateways/<int:pk>/", views.gateway_detail, name="gateway_detail"),
    path("gateways/<int:pk>/edit/", views.gateway_edit, name="gateway_edit"),
    path("gateways/<int:pk>/token/", views.gateway_token, name="gateway_token"),
    path("alarms/", views.alarm_list, name="alarm_list"),
    path("alarms/export.xlsx", views.alarm_export, name="alarm_export"),
    path("alarms/<int:pk>/", views.alarm_detail, name="alarm_detail"),
    path("alarms/<int:pk>/acknowledge/", views.alarm_acknowledge, name="alarm_acknowledge"),
    path("alarms/<int:pk>/dispose/", views.alarm_dispose, name="alarm_dispose"),
    path("alarms/<int:pk>/hazard/", views.alarm_hazard, name="alarm_hazard"),
    path("rates/", views.rates, name="rates"),
    path("dead-letters/", views.dead_letters, name="dead_letters"),
]
