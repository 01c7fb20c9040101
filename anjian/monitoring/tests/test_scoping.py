"""Every role against monitoring's scoped pages and API (generated tests, STYLE habit 4).

Devices and alarms carry their enterprise's scope columns; thresholds, readings and
data-quality flags are read only through a device, so these two cover them."""

from anjian.accounts import permissions as perms
from anjian.core.testing import world
from anjian.core.testing.scoped import ScopedCrudTests
from anjian.monitoring.models import Alarm, Device, Gateway
from anjian.monitoring.tests.factories import plain_alarm, plain_device, plain_gateway


def world_device(name: str) -> Device:
    """A tank monitor of the world enterprise ``name``."""
    return plain_device(world.enterprise(name), f"W-{name}", f"{name} 储罐液位")


def world_alarm(name: str) -> Alarm:
    return plain_alarm(world_device(name))


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


class TestGatewayScoping(ScopedCrudTests):
    model = Gateway

    list_url = "monitoring:gateway_list"
    detail_url = "monitoring:gateway_detail"
    api_list = "/api/v1/monitoring/gateways"
    api_detail = "/api/v1/monitoring/gateways/{pk}"
    key_attribute = "code"
    visible = world.VISIBLE

    def _view_action(self) -> str:
        return perms.MONITOR_VIEW

    def get_object(self, name):
        return plain_gateway(world.enterprise(name), f"W-GW-{name}")

    def create_data(self, actor):
        return {}

    def outside_data(self, actor):
        return {}
