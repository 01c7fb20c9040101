"""Resources for tests, made through the services (so they are checked, owned and placed).

Each maker takes the acting user (default: the district official of 杨浦区) and the fields
to change; without them it makes a valid record in 殷行街道 at ``HERE``.
"""

from datetime import datetime

from django.utils import timezone

from anjian.emergency import services_resources as services
from anjian.emergency.choices import (
    IncidentType,
    ResourceKind,
    ShelterKind,
    StorageLevel,
    SupplyCategory,
    TeamKind,
)
from anjian.emergency.models import Assignment, Incident
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Region
from testsupport import world

HERE = (31.3200, 121.5300)  # 殷行街道
PINGLIANG_POINT = (31.2620, 121.5300)  # 平凉路街道, 杨浦区
HONGKOU_POINT = (31.2600, 121.4850)  # 虹口区


def official():
    return world.actor("district_official")


def hongkou_street() -> str:
    return (
        Region.objects.filter(parent_id=world.HONGKOU, level=RegionLevel.STREET)
        .order_by("code")
        .values_list("code", flat=True)[0]
    )


def _at(point) -> dict:
    return {"latitude": point[0], "longitude": point[1]}


def team(by=None, *, at=HERE, **overrides):
    data = {
        "name": "殷行街道应急救援队",
        "kind": TeamKind.PROFESSIONAL,
        "specialities": ["fire", "collapse"],
        "leader": "张队长",
        "phone": "021-65012345",
        "headcount": 20,
        "region": world.YINHANG,
        **_at(at),
    }
    data.update(overrides)
    return services.team_create(by or official(), data=data)


def warehouse(by=None, *, at=HERE, **overrides):
    data = {
        "name": "殷行街道应急物资储备库",
        "storage_level": StorageLevel.STREET,
        "manager": "李库管",
        "phone": "13800138000",
        "area_m2": 300,
        "region": world.YINHANG,
        **_at(at),
    }
    data.update(overrides)
    return services.warehouse_create(by or official(), data=data)


def supply(store, by=None, *, quantity=0, **overrides):
    data = {"name": "救生衣", "category": SupplyCategory.RESCUE, "unit": "件"}
    data.update(overrides)
    return services.supply_create(
        by or official(), warehouse_id=store.pk, data=data, quantity=quantity
    )


def equipment(by=None, *, at=HERE, **overrides):
    data = {"name": "排涝泵车", "category": "排水设备", "quantity": 2, "region": world.YINHANG}
    data.update(_at(at) if at else {})
    data.update(overrides)
    return services.equipment_create(by or official(), data=data)


def shelter(by=None, *, at=HERE, **overrides):
    data = {
        "name": "殷行中学避难场所",
        "kind": ShelterKind.SHORT,
        "area_m2": 5000,
        "capacity": 1000,
        "manager": "王校长",
        "phone": "021-65011111",
        "region": world.YINHANG,
        **_at(at),
    }
    data.update(overrides)
    return services.shelter_create(by or official(), data=data)


def expert(by=None, *, at=HERE, **overrides):
    data = {
        "name": "赵专家",
        "field": "hazchem",
        "title": "高级工程师",
        "phone": "13900139000",
        "region": world.YINHANG,
        **_at(at),
    }
    data.update(overrides)
    return services.expert_create(by or official(), data=data)


def incident(by=None, **overrides) -> Incident:
    """An open incident in 殷行街道, written directly (the incident services are not the
    resources' concern)."""
    values = {
        "number": f"SJ{timezone.now():%H%M%S%f}",
        "title": "殷行路仓库火灾",
        "incident_type": IncidentType.ACCIDENT,
        "region_id": world.YINHANG,
        "region_code": world.YINHANG,
        "place": "殷行路1号",
        "latitude": HERE[0],
        "longitude": HERE[1],
        "occurred_at": timezone.now(),
        "summary": "仓库起火",
        "reported_by": by or official(),
    }
    values.update(overrides)
    return Incident.objects.create(**values)


def assign(resource, *, kind: str, quantity: int = 1, by=None) -> Assignment:
    """An active assignment of ``resource`` to a new incident (as dispatch records it)."""
    return Assignment.objects.create(
        incident=incident(by),
        kind=kind,
        quantity=quantity,
        dispatched_by=by or official(),
        **{ResourceKind(kind).value: resource},
    )


def local(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.get_current_timezone())
