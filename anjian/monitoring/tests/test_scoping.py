"""Every role against monitoring's scoped pages and API (generated tests, STYLE habit 4).

Devices, gateways and alarms carry their enterprise's scope columns; thresholds, readings
and data-quality flags are read only through a device, so these cover them."""

from django.urls import reverse

from anjian.monitoring import permissions as perms
from anjian.monitoring.models import Alarm, Device, DeviceType, Gateway
from anjian.monitoring.tests.factories import plain_alarm, plain_device, plain_gateway
from testsupport import world
from testsupport.scoped import ScopedCrudTests

# Who may register devices and gateways (monitor.manage), and for which world enterprise
# inside and just outside their scope. The administrator's scope has no outside: a
# record for an enterprise that does not exist stands in.
REGISTRARS = {
    "district_official": ("pingliang_factory", "hongkou_shop"),
    "street_officer": ("yinhang_site", "pingliang_factory"),
    "grid_member": ("yinhang_chemical", "yinhang_site"),
    "neighbour_official": ("hongkou_shop", "yinhang_chemical"),
    "housing_official": ("yinhang_site", "yinhang_chemical"),
    "enterprise_manager": ("yinhang_chemical", "yinhang_site"),
    "admin": ("hongkou_shop", None),
}
NOT_REGISTRARS = ("inspector", "leader", "expert")


def enterprise_pk(name: str | None) -> int:
    return world.enterprise(name).pk if name else 999_999


def world_device(name: str) -> Device:
    """A tank monitor of the world enterprise ``name``."""
    return plain_device(world.enterprise(name), f"W-{name}", f"{name} 储罐液位")


def world_alarm(name: str) -> Alarm:
    return plain_alarm(world_device(name))


def device_form(actor: str, enterprise: str | None) -> dict:
    return {
        "enterprise": enterprise_pk(enterprise),
        "device_type": DeviceType.objects.get(code="gas_lel").pk,
        "code": f"NEW-{actor}",
        "name": f"{actor} 新可燃气体探测器",
        "location": "装卸区",
        "offline_after_seconds": 300,
    }


class TestDeviceScoping(ScopedCrudTests):
    model = Device

    list_url = "monitoring:console"
    detail_url = "monitoring:device_detail"
    edit_url = "monitoring:device_edit"
    create_url = "monitoring:device_create"
    api_list = "/api/v1/monitoring/devices"
    api_detail = "/api/v1/monitoring/devices/{pk}"
    key_attribute = "code"
    visible = world.VISIBLE
    creators = tuple(REGISTRARS)
    not_creators = NOT_REGISTRARS
    created_status = 200  # the new device's token, shown once
    not_applicable = {"export_url": "devices have no Excel export"}

    def _view_action(self) -> str:
        return perms.MONITOR_VIEW

    def _can_edit(self, user) -> bool:
        return user.can(perms.MONITOR_MANAGE)

    def get_object(self, name):
        return world_device(name)

    def create_data(self, actor):
        return device_form(actor, REGISTRARS[actor][0])

    def outside_data(self, actor):
        return device_form(actor, REGISTRARS[actor][1])


class TestAlarmScoping(ScopedCrudTests):
    model = Alarm

    list_url = "monitoring:alarm_list"
    detail_url = "monitoring:alarm_detail"
    export_url = "monitoring:alarm_export"
    api_list = "/api/v1/monitoring/alarms"
    api_detail = "/api/v1/monitoring/alarms/{pk}"
    export_key_header = "设备"
    visible = world.VISIBLE
    not_applicable = {
        "create_url": "alarms are raised by the engine from readings, never by a form",
        "edit_url": "an alarm changes only by its actions (acknowledge, dispose, to hazard), "
        "checked out of scope below",
    }

    def key(self, obj) -> str:
        return obj.device.name

    def _view_action(self) -> str:
        return perms.MONITOR_VIEW

    def _export_action(self) -> str:
        return perms.MONITOR_VIEW

    def get_object(self, name):
        return world_alarm(name)

    def test_out_of_scope_alarm_actions_are_404_and_change_nothing(self, db):
        alarm = world_alarm("yinhang_chemical")
        client = self.client("neighbour_official")
        forms = {
            "alarm_acknowledge": {"version": alarm.version, "note": "越权确认"},
            "alarm_dispose": {"version": alarm.version, "cause": "false", "note": "越权处置"},
            "alarm_hazard": {"title": "越权隐患", "description": ""},
        }
        for name, data in forms.items():
            response = client.post(reverse(f"monitoring:{name}", args=[alarm.pk]), data)
            assert response.status_code == 404, name
        for action in ("acknowledge", "dispose"):
            response = client.post(
                f"/api/v1/monitoring/alarms/{alarm.pk}/{action}",
                {"version": alarm.version, "cause": "false", "note": "越权"},
                content_type="application/json",
            )
            assert response.status_code == 404, action
        stored = Alarm.objects.get(pk=alarm.pk)
        assert (stored.state, stored.version, stored.hazard_id) == (
            alarm.state,
            alarm.version,
            None,
        )


def gateway_form(actor: str, enterprise: str | None) -> dict:
    return {
        "enterprise": enterprise_pk(enterprise),
        "code": f"GW-NEW-{actor}",
        "name": f"{actor} 新网关",
        "location": "配电间",
    }


class TestGatewayScoping(ScopedCrudTests):
    model = Gateway

    list_url = "monitoring:gateway_list"
    detail_url = "monitoring:gateway_detail"
    edit_url = "monitoring:gateway_edit"
    create_url = "monitoring:gateway_create"
    api_list = "/api/v1/monitoring/gateways"
    api_detail = "/api/v1/monitoring/gateways/{pk}"
    key_attribute = "code"
    visible = world.VISIBLE
    creators = tuple(REGISTRARS)
    not_creators = NOT_REGISTRARS
    created_status = 200  # the new gateway's token, shown once
    not_applicable = {"export_url": "gateways have no Excel export"}

    def _view_action(self) -> str:
        return perms.MONITOR_VIEW

    def _can_edit(self, user) -> bool:
        return user.can(perms.MONITOR_MANAGE)

    def get_object(self, name):
        return plain_gateway(world.enterprise(name), f"W-GW-{name}")

    def create_data(self, actor):
        return gateway_form(actor, REGISTRARS[actor][0])

    def outside_data(self, actor):
        return gateway_form(actor, REGISTRARS[actor][1])
