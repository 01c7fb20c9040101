"""Demo devices: registered through the services with sensible thresholds, the demo
manager on duty at a fully equipped enterprise, and nothing doubled on a second run."""

import random
import re

import pytest

from anjian.monitoring import fixtures, ingest, simulator
from anjian.monitoring.choices import ThresholdLevel
from anjian.monitoring.models import Device, DutyPerson, Threshold
from testsupport import world


@pytest.fixture(autouse=True)
def fresh_registry():
    ingest.registry.clear()
    yield
    ingest.registry.clear()


def build(seed: int = 1, **options) -> list[Device]:
    options.setdefault("manager_username", "enterprise_manager")
    options.setdefault("everyone", True)
    return fixtures.build_demo_devices(
        by=world.actor("admin"),
        enterprises=[world.enterprise(name) for name in world.ENTERPRISES],
        rng=random.Random(seed),
        **options,
    )


def limits(device: Device) -> dict[tuple[str, str], Threshold]:
    return {(t.metric.code, t.level): t for t in device.thresholds.select_related("metric")}


def test_the_world_enterprises_get_devices_that_fit_their_kind(db):
    created = build()

    by_enterprise = {
        name: {d.device_type.code for d in created if d.enterprise == world.enterprise(name)}
        for name in world.ENTERPRISES
    }
    assert by_enterprise["yinhang_chemical"] == {"tank", "reactor", "gas_lel", "gas_toxic"}
    assert by_enterprise["yinhang_site"] == {"structure"}
    assert by_enterprise["hongkou_shop"] <= {"fire_water", "fire_panel"}
    assert "fire_water" in by_enterprise["hongkou_shop"]
    assert by_enterprise["pingliang_factory"] == set()  # a machinery works monitors nothing here


def test_every_device_has_thresholds_with_dead_bands_and_durations(db):
    for device in build():
        found = limits(device)
        assert found, device.code
        for threshold in found.values():
            assert threshold.hysteresis >= 0
            assert 0 <= threshold.min_duration_seconds <= 30
            assert threshold.metric.min_valid <= threshold.value <= threshold.metric.max_valid
        for metric in {code for code, _level in found}:
            high, high_high = found.get((metric, "high")), found.get((metric, "high_high"))
            if high and high_high:
                assert high.value < high_high.value
            low, low_low = found.get((metric, "low")), found.get((metric, "low_low"))
            if low and low_low:
                assert low.value > low_low.value


def test_tanks_name_their_tank_farm_and_gas_detectors_have_the_usual_limits(db):
    created = build()

    tank = next(d for d in created if d.device_type.code == "tank")
    assert "罐区" in tank.location
    # Linking a device to a major hazard source is hazchem's demo (fixtures_devices).
    assert not any(d.is_major_hazard_source for d in created)
    gas = next(d for d in created if d.device_type.code == "gas_lel")
    found = limits(gas)
    assert found["lel", ThresholdLevel.HIGH].value == 25.0
    assert found["lel", ThresholdLevel.HIGH_HIGH].value == 50.0
    water = next(d for d in created if d.device_type.code == "fire_water")
    found = limits(water)
    assert found["pressure", ThresholdLevel.LOW].value == 0.10
    assert found["pressure", ThresholdLevel.LOW_LOW].value == 0.05


def test_codes_are_readable_and_devices_sit_near_their_enterprise(db):
    for device in build():
        enterprise = device.enterprise
        assert re.fullmatch(rf"[A-Z]{{2}}-{enterprise.pk}-\d\d", device.code)
        assert abs(device.latitude - enterprise.latitude) < 0.001
        assert abs(device.longitude - enterprise.longitude) < 0.001
        assert device.enterprise.scope_region_code == device.scope_region_code


def test_the_manager_is_on_duty_and_their_misbehaving_tank_comes_first(db):
    created = build(everyone=False)
    own = world.enterprise("yinhang_chemical")

    assert DutyPerson.objects.filter(
        enterprise=own, user=world.actor("enterprise_manager"), is_active=True
    ).exists()
    ours = [d for d in created if d.enterprise == own]
    assert len(ours) >= 4
    assert created[: len(ours)] == ours  # registered first
    first = simulator.load_devices(codes=[d.code for d in created])[0]
    assert first.code == ours[0].code and first.kind == "tank"
    assert simulator.MISBEHAVE in simulator.roles_for(0)


def test_a_second_call_adds_nothing(db):
    first = build()
    count, thresholds = Device.objects.count(), Threshold.objects.count()

    assert build() == []
    assert build(seed=2) == []  # another seed: equipped enterprises are skipped
    assert (Device.objects.count(), Threshold.objects.count()) == (count, thresholds)
    assert DutyPerson.objects.filter(user=world.actor("enterprise_manager")).count() == 1
    assert len(first) == count


def test_per_enterprise_caps_the_devices_of_ordinary_enterprises(db):
    created = build(manager_username="nobody", per_enterprise=1)

    per_enterprise = {}
    for device in created:
        per_enterprise[device.enterprise_id] = per_enterprise.get(device.enterprise_id, 0) + 1
    assert per_enterprise and set(per_enterprise.values()) == {1}
