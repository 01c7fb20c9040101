"""Every role against monitoring's scoped pages and API (generated tests, STYLE habit 4).

Devices and alarms carry their enterprise's scope columns; thresholds, readings and
data-quality flags are read only through a device, so these two cover them."""

from django.utils import timezone

from anjian.accounts import permissions as perms
from anjian.core.testing import world
from anjian.core.testing.scoped import ScopedCrudTests
from anjian.monitoring.models import Alarm, Device, DeviceType, Metric, Threshold


def world_device(name: str) -> Device:
    """A tank monitor of the world enterprise ``name`` (made directly)."""
    enterprise = world.enterprise(name)
    device, _created = Device.objects.get_or_create(
        code=f"W-{name}",
        defaults={
            "enterprise": enterprise,
            "device_type": DeviceType.objects.get(code="tank"),
            "name": f"{name} 储罐液位",
        },
    )
    return device


def world_alarm(name: str) -> Alarm:
    device = world_device(name)
    metric = Metric.objects.get(device_type__code="tank", code="level")
    threshold, _created = Threshold.objects.get_or_create(
        device=device, metric=metric, level="high", defaults={"value": 8.0}
    )
    now = timezone.now()
    alarm = Alarm.objects.filter(threshold=threshold).first()
    return alarm or Alarm.objects.create(
        device=device,
        metric=metric,
        threshold=threshold,
        enterprise=device.enterprise,
        scope_region_code=device.scope_region_code,
        industry_id=device.industry_id,
        level="high",
        limit=8.0,
        value=9.5,
        peak=9.5,
        breach_since=now,
        raised_at=now,
    )


class TestDeviceScoping(ScopedCrudTests):
    model = Device

    list_url = "monitoring:console"
    detail_url = "monitoring:device_detail"
    api_list = "/api/v1/monitoring/devices"
    api_detail = "/api/v1/monitoring/devices/{pk}"
    key_attribute = "code"
    visible = world.VISIBLE

    def _view_action(self) -> str:
        return perms.MONITOR_VIEW

    def get_object(self, name):
        return world_device(name)

    def create_data(self, actor):
        return {}

    def outside_data(self, actor):
        return {}


class TestAlarmScoping(ScopedCrudTests):
    model = Alarm

    list_url = "monitoring:alarm_list"
    detail_url = "monitoring:alarm_detail"
    api_list = "/api/v1/monitoring/alarms"
    api_detail = "/api/v1/monitoring/alarms/{pk}"
    visible = world.VISIBLE

    def key(self, obj) -> str:
        return obj.device.name

    def _view_action(self) -> str:
        return perms.MONITOR_VIEW

    def get_object(self, name):
        return world_alarm(name)

    def create_data(self, actor):
        return {}

    def outside_data(self, actor):
        return {}
