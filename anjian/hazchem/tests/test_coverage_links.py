"""Linking devices to a major hazard source (``services_devices`` from the source's page,
``monitoring.services`` from the device's): only a device of the source's own enterprise,
only to a source not closed; a device linked elsewhere moves; a double submit changes
nothing; each change is flagged as a configuration change; the flag is derived."""

import pytest
from django.utils import timezone

from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope
from anjian.hazchem import services_devices
from anjian.hazchem.choices import SourceState
from anjian.hazchem.models import MajorHazardSource
from anjian.hazchem.tests.factories import refused
from anjian.monitoring import services as monitoring_services
from anjian.monitoring.choices import QualityKind
from anjian.monitoring.models import QualityFlag
from anjian.monitoring.tests.factories import device, hazard_source
from testsupport import world

pytestmark = pytest.mark.django_db


def close(source) -> None:
    MajorHazardSource.objects.filter(pk=source.pk).update(
        state=SourceState.CLOSED, closed_on=timezone.localdate(), closed_reason="已不构成"
    )


def link(source, *devices, by="district_official"):
    return services_devices.source_link_devices(
        world.actor(by), source_id=source.pk, device_ids=[d.pk for d in devices]
    )


def test_a_device_of_the_enterprise_is_linked_and_the_flag_follows():
    source = hazard_source()
    tank = device("TK-L1")
    assert not tank.is_major_hazard_source

    [linked] = link(source, tank)

    assert linked.hazard_source == source and linked.is_major_hazard_source
    assert linked.version == tank.version + 1
    flag = QualityFlag.objects.get(device=tank, kind=QualityKind.CONFIG_CHANGE)
    assert flag.detail == "设置被修改：重大危险源"  # the field's label, not its code


def test_linking_twice_changes_nothing():
    source = hazard_source()
    [first] = link(source, device("TK-L2"))
    [again] = link(source, first)
    assert again.version == first.version


def test_a_device_linked_elsewhere_moves_to_this_source():
    one, other = hazard_source(name="一号罐区"), hazard_source(name="二号罐区")
    tank = device("TK-L3", hazard_source=one)
    [moved] = link(other, tank)
    assert moved.hazard_source_id == other.pk


def test_another_enterprises_device_is_refused_and_nothing_is_linked():
    source = hazard_source()
    ours, theirs = device("TK-L4"), device("TK-L5", enterprise="pingliang_factory")
    errors = refused(link, source, ours, theirs)
    assert "不属于该单位" in errors["devices"][0]
    ours.refresh_from_db()
    assert ours.hazard_source_id is None  # all or none


def test_a_switched_off_device_is_refused_it_would_count_for_nothing():
    source = hazard_source()
    idle = device("TK-L9", is_active=False)
    errors = refused(link, source, idle)
    assert errors["devices"] == ["设备TK-L9已停用，不计入在线监测，不能关联重大危险源；请先启用"]
    idle.refresh_from_db()
    assert idle.hazard_source_id is None


def test_a_closed_source_takes_no_new_device_but_keeps_its_own():
    source = hazard_source()
    tank = device("TK-L6", hazard_source=source)
    close(source)

    with pytest.raises(Conflict):
        link(source, device("TK-L7"))
    # A device watching it since before it was closed can still be edited…
    renamed = monitoring_services.device_update(
        by=world.actor("district_official"),
        device_id=tank.pk,
        data={"name": "改名"},
        expected_version=tank.version,
    )
    assert renamed.hazard_source_id == source.pk
    # …but none may be linked to it from the device's side either.
    spare = device("TK-L8")
    errors = refused(
        monitoring_services.device_update,
        by=world.actor("district_official"),
        device_id=spare.pk,
        data={"hazard_source": source},
        expected_version=spare.version,
    )
    assert "已核销" in errors["hazard_source"][0]


def test_unlinking_is_version_checked_only_from_its_source_and_idempotent():
    source, other = hazard_source(name="一号罐区"), hazard_source(name="二号罐区")
    tank = device("TK-L9", hazard_source=source)
    by = world.actor("district_official")
    with pytest.raises(Conflict):
        services_devices.source_unlink_device(
            by, source_id=other.pk, device_id=tank.pk, expected_version=tank.version
        )
    with pytest.raises(Conflict):
        services_devices.source_unlink_device(
            by, source_id=source.pk, device_id=tank.pk, expected_version=tank.version - 1
        )
    unlinked = services_devices.source_unlink_device(
        by, source_id=source.pk, device_id=tank.pk, expected_version=tank.version
    )
    assert unlinked.hazard_source_id is None and not unlinked.is_major_hazard_source
    again = services_devices.source_unlink_device(  # a double submit: as it is
        by, source_id=source.pk, device_id=tank.pk, expected_version=tank.version
    )
    assert again.version == unlinked.version


def test_who_may_not_manage_devices_or_see_the_source_cannot_link():
    source = hazard_source()
    tank = device("TK-L10")
    with pytest.raises(NotPermitted):
        link(source, tank, by="inspector")
    with pytest.raises(OutOfScope):
        link(source, tank, by="neighbour_official")
