from django.urls import path

from anjian.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.console, name="console"),
    path("map/", views.DeviceMap.as_view(), name="device_map"),
    path("map/points.json", views.DeviceMapPoints.as_view(), name="device_map_data"),
    path("devices/new/", views.DeviceEdit.as_view(), name="device_create"),
    path("devices/<int:pk>/", views.DeviceDetail.as_view(), name="device_detail"),
    path("devices/<int:pk>/edit/", views.DeviceEdit.as_view(), name="device_edit"),
    path("devices/<int:pk>/token/", views.DeviceToken.as_view(), name="device_token"),
    path("devices/<int:pk>/thresholds/", views.ThresholdSet.as_view(), name="threshold_set"),
    path("duty-persons/", views.DutyPersons.as_view(), name="duty_persons"),
    path("gateways/", views.GatewayList.as_view(), name="gateway_list"),
    path("gateways/new/", views.GatewayEdit.as_view(), name="gateway_create"),
    path("gateways/<int:pk>/", views.GatewayDetail.as_view(), name="gateway_detail"),
    path("gateways/<int:pk>/edit/", views.GatewayEdit.as_view(), name="gateway_edit"),
    path("gateways/<int:pk>/token/", views.GatewayToken.as_view(), name="gateway_token"),
    path("alarms/", views.AlarmList.as_view(), name="alarm_list"),
    path("alarms/export.xlsx", views.alarm_export, name="alarm_export"),
    path("alarms/acknowledge/", views.alarm_acknowledge_batch, name="alarm_acknowledge_batch"),
    path("alarms/<int:pk>/", views.alarm_detail, name="alarm_detail"),
    path("alarms/<int:pk>/acknowledge/", views.alarm_acknowledge, name="alarm_acknowledge"),
    path("alarms/<int:pk>/dispose/", views.alarm_dispose, name="alarm_dispose"),
    path("alarms/<int:pk>/hazard/", views.alarm_hazard, name="alarm_hazard"),
    path("rates/", views.rates, name="rates"),
    path("dead-letters/", views.dead_letters, name="dead_letters"),
]
