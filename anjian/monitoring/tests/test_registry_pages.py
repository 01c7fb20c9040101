"""Registering devices, their limits and duty persons on the pages."""

import pytest
from django.urls import reverse

from anjian.monitoring import ingest
from anjian.monitoring.models import Device, DeviceType, DutyPerson, Metric, QualityFlag, Threshold
from anjian.monitoring.tests.factories import device, hazard_source
from testsupport import world


@pytest.fixture(autouse=True)
def fresh_registry():
    ingest.registry.clear()


def device_form(**extra) -> dict:
    return {
        "enterprise": world.enterprise("yinhang_chemical").pk,
        "device_type": DeviceType.objects.get(code="gas_lel").pk,
        "code": "GAS-NEW",
        "name": "装卸区可燃气体探测器",
        "location": "装卸区",
        "offline_after_seconds": 300,
        **extra,
    }


def test_an_enterprise_manager_registers_a_device_and_sees_its_token_once(db, client_for):
    client = client_for(world.actor("enterprise_manager"))

    page = client.get(reverse("monitoring:device_create")).content.decode()
    assert world.enterprise("yinhang_chemical").name in page
    assert world.enterprise("pingliang_factory").name not in page
    response = client.post(reverse("monitoring:device_create"), device_form())

    assert response.status_code == 200
    body = response.content.decode()
    created = Device.objects.get(code="GAS-NEW")
    token = body.split('id="device-token" class="user-select-all">')[1].split("<")[0]
    assert token.startswith("dv_") and created.token_matches(token)
    assert "anjian/v1/" in body and "/telemetry" in body


@pytest.mark.parametrize(
    ("extra", "field_message"),
    [
        ({"code": "有 空格"}, "编码只能"),
        ({"hazard_source": "pingliang_factory"}, "重大危险源不属于该单位"),
        ({"latitude": "31.3"}, "经度和纬度"),
        ({"offline_after_seconds": 5}, "30"),
    ],
)
def test_bad_devices_come_back_with_chinese_errors(db, client_for, extra, field_message):
    client = client_for(world.actor("district_official"))
    if extra.get("hazard_source") == "pingliang_factory":  # another enterprise's source
        extra = {"hazard_source": hazard_source("pingliang_factory").pk}

    response = client.post(reverse("monitoring:device_create"), device_form(**extra))

    assert response.status_code == 422
    assert field_message in response.content.decode()
    assert not Device.objects.filter(name="装卸区可燃气体探测器").exists()


def test_a_device_for_an_enterprise_outside_scope_cannot_be_registered(db, client_for):
    client = client_for(world.actor("neighbour_official"))

    response = client.post(reverse("monitoring:device_create"), device_form())

    assert response.status_code == 422  # not a choice for this user
    assert not Device.objects.filter(code="GAS-NEW").exists()


def test_editing_a_device_is_version_checked_and_flags_the_change(db, client_for):
    tank = device()
    client = client_for(world.actor("district_official"))
    url = reverse("monitoring:device_edit", args=[tank.pk])
    data = {
        "name": "一号储罐（改）",
        "location": "一号罐区",
        "offline_after_seconds": 600,
        "is_active": "on",
        "version": tank.version,
    }

    assert client.post(url, data).status_code == 302
    stale = client.post(url, {**data, "name": "另一人的修改"})

    assert stale.status_code == 409
    tank.refresh_from_db()
    assert tank.name == "一号储罐（改）" and tank.offline_after_seconds == 600
    assert QualityFlag.objects.filter(device=tank, kind="config_change").exists()


def test_a_threshold_is_set_on_the_device_page(db, client_for):
    tank = device()
    client = client_for(world.actor("enterprise_manager"))
    level = Metric.objects.get(device_type__code="tank", code="level")
    url = reverse("monitoring:threshold_set", args=[tank.pk])

    good = client.post(
        url,
        {"metric": level.pk, "level": "high_high", "value": 28, "hysteresis": 0.5,
         "min_duration_seconds": 10, "is_active": "on"},
    )  # fmt: skip
    bad = client.post(
        url,
        {"metric": level.pk, "level": "high", "value": 99, "hysteresis": 0,
         "min_duration_seconds": 0},
    )  # fmt: skip

    assert good.status_code == 302
    assert Threshold.objects.get(device=tank, level="high_high").value == 28
    assert bad.status_code == 422 and "有效范围" in bad.content.decode()
    assert not Threshold.objects.filter(device=tank, level="high").exists()


def test_a_new_token_replaces_the_old_one_on_the_page(db, client_for):
    tank = device()
    client = client_for(world.actor("district_official"))

    response = client.post(reverse("monitoring:device_token", args=[tank.pk]))

    assert response.status_code == 200 and "旧令牌立即失效" in response.content.decode()


def test_duty_persons_are_the_enterprises_own_accounts(db, client_for):
    client = client_for(world.actor("enterprise_manager"))
    manager = world.actor("enterprise_manager")

    page = client.get(reverse("monitoring:duty_persons"))
    response = client.post(
        reverse("monitoring:duty_persons"),
        {"enterprise": world.enterprise("yinhang_chemical").pk, "user": manager.pk,
         "phone": "13800138000", "is_active": "on"},
    )  # fmt: skip

    assert page.status_code == 200
    assert response.status_code == 302
    assert DutyPerson.objects.get(user=manager).phone == "13800138000"


def test_roles_without_monitor_manage_cannot_register(db, client_for):
    for name in ("leader", "inspector", "expert"):
        client = client_for(world.actor(name))
        assert client.get(reverse("monitoring:device_create")).status_code == 403, name


def test_a_device_edit_conflict_shows_the_current_version_and_a_reload_link(db, client_for):
    tank = device()
    client = client_for(world.actor("district_official"))
    url = reverse("monitoring:device_edit", args=[tank.pk])
    data = {"name": "一号储罐", "location": "", "offline_after_seconds": 300, "is_active": "on"}
    assert client.post(url, {**data, "location": "东区", "version": 1}).status_code == 302

    stale = client.post(url, {**data, "name": "另一人的修改", "version": 1})

    html = stale.content.decode()
    assert stale.status_code == 409
    assert "最新为第 2 版" in html
    assert f'href="{url}">重新打开最新版本' in html
    assert ("安装位置", "东区") in [(str(k), v) for k, v in stale.context["differences"]]


def test_the_duty_person_page_asks_which_enterprise_when_there_are_several(db, client_for):
    response = client_for(world.actor("district_official")).get(reverse("monitoring:duty_persons"))

    assert response.status_code == 200
    assert response.context["enterprise"] is None
    assert world.enterprise("yinhang_chemical").name in response.content.decode()


def test_a_duty_person_of_another_enterprise_is_refused_on_the_field(db, client_for):
    client = client_for(world.actor("district_official"))
    chemical = world.enterprise("yinhang_chemical")

    response = client.post(
        reverse("monitoring:duty_persons"),
        {"enterprise": world.enterprise("yinhang_site").pk,
         "user": world.actor("enterprise_manager").pk, "phone": ""},
    )  # fmt: skip

    assert response.status_code == 422
    assert "user" in response.context["form"].errors
    assert not DutyPerson.objects.filter(enterprise=chemical).exists()
