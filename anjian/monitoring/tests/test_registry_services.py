"""The registry's writes refuse fields they do not write, naming them, instead of dropping
them: a device's code and type, a gateway's code stay; a misspelt field is an error."""

import pytest

from anjian.core.exceptions import ValidationError
from anjian.monitoring import services
from anjian.monitoring.models import Device, DeviceType, Gateway
from anjian.monitoring.tests.factories import device
from testsupport import world


def official():
    return world.actor("district_official")


def test_registering_a_device_refuses_a_field_it_does_not_write(db):
    with pytest.raises(ValidationError) as caught:
        services.device_register(
            by=official(),
            enterprise=world.enterprise("yinhang_chemical"),
            data={
                "device_type": DeviceType.objects.get(code="tank"),
                "code": "TK-X",
                "name": "储罐",
                "state": "online",
                "token_hash": "x",
            },
        )
    assert caught.value.messages == ["不能修改的字段：state、token_hash"]
    assert not Device.objects.filter(code="TK-X").exists()


@pytest.mark.parametrize("field", ["code", "device_type", "enterprise", "nmae"])
def test_updating_a_device_refuses_what_it_does_not_change(db, field):
    tank = device()
    value = {"code": "TK-NEW", "device_type": None, "enterprise": None, "nmae": "新名"}[field]
    with pytest.raises(ValidationError) as caught:
        services.device_update(
            by=official(),
            device_id=tank.pk,
            data={"name": "新名", field: value},
            expected_version=tank.version,
        )
    assert caught.value.messages == [f"不能修改的字段：{field}"]
    tank.refresh_from_db()
    assert (tank.code, tank.name, tank.version) == ("TK-101", "TK-101 储罐", 1)


def test_registering_a_gateway_refuses_a_field_it_does_not_write(db):
    with pytest.raises(ValidationError) as caught:
        services.gateway_register(
            by=official(),
            enterprise=world.enterprise("yinhang_chemical"),
            data={"code": "GW-X", "name": "网关", "username": "gw.other"},
        )
    assert caught.value.messages == ["不能修改的字段：username"]
    assert not Gateway.objects.filter(code="GW-X").exists()


def test_updating_a_gateway_refuses_a_new_code(db):
    gateway, _token = services.gateway_register(
        by=official(),
        enterprise=world.enterprise("yinhang_chemical"),
        data={"code": "GW-1", "name": "网关"},
    )
    with pytest.raises(ValidationError) as caught:
        services.gateway_update(
            by=official(), gateway_id=gateway.pk, data={"code": "GW-2"}, expected_version=1
        )
    assert caught.value.messages == ["不能修改的字段：code"]
    gateway.refresh_from_db()
    assert (gateway.code, gateway.version) == ("GW-1", 1)
