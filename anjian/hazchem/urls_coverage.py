"""/hazchem/ pages of 重大危险源在线监测 (joined in urls.py under the hazchem namespace): the
rate, its drill-down and Excel; a source's 关联设备 and 解除关联."""

from django.urls import path

from anjian.hazchem import views_coverage as v

urlpatterns: list = [
    path("coverage/", v.CoverageFigures.as_view(), name="coverage"),
    path("coverage/sources/", v.CoverageSources.as_view(), name="coverage_sources"),
    path("coverage/export.xlsx", v.CoverageExport.as_view(), name="coverage_export"),
    path("sources/<int:pk>/devices/link/", v.DevicesLink.as_view(), name="source_devices_link"),
    path(
        "sources/<int:pk>/devices/<int:device_id>/unlink/",
        v.DeviceUnlink.as_view(),
        name="source_device_unlink",
    ),
]
