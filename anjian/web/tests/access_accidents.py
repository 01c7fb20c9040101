"""The records the page-access table opens for the accident pages: an accident of the
actor's enterprise, where the actor sees it, under investigation, with a rectification
measure and a flag (made once per setup through the services, by the administrator)."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from anjian.regions.choices import RegionLevel
from anjian.regions.levels import level_of
from anjian.web.tests.access_setup import Setup
from testsupport import world


@dataclass(frozen=True)
class AccidentRecords:
    accident: object
    flag: object
    measure: object


def _place(setup: Setup) -> str:
    """The street of the actor's enterprise, or the actor's own grid when their scope lies
    below a street (a grid member sees the accidents filed in their grid)."""
    region = setup.user.region_id or ""
    if level_of(region) in (RegionLevel.COMMUNITY, RegionLevel.GRID):
        return region
    return setup.enterprise.street_id


def accident_records(setup: Setup) -> AccidentRecords:
    if hasattr(setup, "_accident"):
        return setup._accident
    from anjian.accidents import investigation, services
    from anjian.accidents.choices import AccidentType, Category, FlagKind

    admin = world.actor("admin")
    now = timezone.now()
    accident = services.accident_report(
        by=admin,
        enterprise=setup.enterprise.pk,
        region=_place(setup),
        occurred_at=now - timedelta(minutes=30),
        place="访问测试车间",
        accident_type=AccidentType.MACHINERY,
        category=Category.TRADE_OTHER,
        summary="访问测试事故",
        serious_injuries=1,
    )
    investigation.investigation_start(
        by=admin,
        accident_id=accident.pk,
        expected_version=accident.version,
        leader="组长",
        members="成员甲\n成员乙",
    )
    measure = investigation.measure_add(
        by=admin,
        accident_id=accident.pk,
        description="完善设备检修挂牌上锁制度",
        responsible=setup.enterprise.name,
        due_on=timezone.localdate() + timedelta(days=30),
    )
    flag = services.accident_flag(
        by=admin, accident_id=accident.pk, kind=FlagKind.CONCEALED, reason="访问测试"
    )
    setup._accident = AccidentRecords(accident, flag, measure)
    return setup._accident
