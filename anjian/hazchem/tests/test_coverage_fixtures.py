"""The demo's devices of major hazard sources (``fixtures_devices``): on seven sources of the
test world, registered the monitoring way (thresholds, readings through the ingest, no
alarm raised) and linked; the sources take turns, so the figure shows covered, offline,
metric missing and no device exactly as planned; a second run adds nothing."""

import pytest

from anjian.hazchem import selectors_coverage as reads
from anjian.hazchem.choices import UnitKind
from anjian.hazchem.fixtures_devices import TURNS, build_demo_source_devices, plan
from anjian.monitoring import ingest
from anjian.monitoring.models import Alarm, Device, Threshold
from anjian.monitoring.tests.factories import hazard_source
from testsupport import world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_registry():
    ingest.registry.clear()
    yield
    ingest.registry.clear()


def test_each_case_gets_the_kits_it_needs():
    assert plan(UnitKind.STORAGE, {"toxic"}, "covered") == ["tank", "gas_toxic"]
    assert plan(UnitKind.STORAGE, {"lel", "toxic"}, "missing") == ["tank", "gas_toxic"]
    assert plan(UnitKind.STORAGE, set(), "missing") == ["reactor"]
    assert plan(UnitKind.PRODUCTION, set(), "missing") == ["gas_lel"]
    assert plan(UnitKind.PRODUCTION, {"lel"}, "offline") == ["reactor", "gas_lel"]
    assert plan(UnitKind.STORAGE, {"lel"}, "no_device") == []


def test_the_sources_take_turns_and_stand_as_planned():
    sources = [hazard_source(name=f"演示罐区{n}") for n in range(len(TURNS) + 1)]

    built = build_demo_source_devices(by=world.actor("district_official"), sources=sources)

    states = {
        s.pk: s.coverage.status for s in reads.assess_sources(reads.counted(world.actor("admin")))
    }
    for case, chosen in built.items():
        assert chosen, case
        assert {states[source.pk] for source in chosen} == {case}
    devices = Device.objects.filter(hazard_source__in=sources)
    assert devices.count() > 0
    assert Threshold.objects.filter(device__in=devices).count() > devices.count()
    assert not Alarm.objects.filter(device__in=devices).exists()
    assert all(device.last_seen_at is not None for device in devices)


def test_a_second_run_adds_nothing():
    sources = [hazard_source(name=f"演示罐区{n}") for n in range(3)]
    by = world.actor("district_official")
    build_demo_source_devices(by=by, sources=sources)
    count = Device.objects.count()

    again = build_demo_source_devices(by=by, sources=sources)

    assert Device.objects.count() == count
    assert sum(len(chosen) for chosen in again.values()) == 0
