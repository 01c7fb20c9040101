"""Incidents, plans and resources for the incident and dispatch tests.

Incidents are opened and moved through the services; supplies are stocked through
``services_resources`` (so the ledger adds up); plans, teams, warehouses, shelters,
equipment and experts are written directly (their own services are tested elsewhere) with
their scope columns and map cells filled as the services fill them.

Places: 殷行街道 is around (31.32, 121.53); 平凉路街道 (31.26, 121.53) lies about 6.7 km
south of it; 虹口区 is the neighbouring district.
"""

from datetime import timedelta
from itertools import count

from django.utils import timezone

from anjian.emergency import services_incidents as services
from anjian.emergency import services_resources
from anjian.emergency.choices import (
    IncidentType,
    OwnerKind,
    PlanType,
    Readiness,
    ShelterKind,
    StorageLevel,
    SupplyCategory,
    TeamKind,
)
from anjian.emergency.models import (
    EmergencyPlan,
    Equipment,
    Expert,
    PlanLevel,
    PlanState,
    PlanTask,
    RescueTeam,
    Shelter,
    Warehouse,
)
from anjian.regions.models import Region
from testsupport import world

INCIDENT_POINT = (31.3200, 121.5300)  # 殷行街道
_serial = count(1)


def official():
    return world.actor("district_official")


def hand_data(**overrides) -> dict:
    """What the opening form sends for an incident at 殷行街道 half an hour ago."""
    data = {
        "incident_type": IncidentType.ACCIDENT,
        "title": "殷行路仓库火灾",
        "place": "殷行路100号仓库",
        "region": world.YINHANG,
        "latitude": INCIDENT_POINT[0],
        "longitude": INCIDENT_POINT[1],
        "occurred_at": timezone.now() - timedelta(minutes=30),
        "summary": "仓库起火，浓烟较大，暂无人员被困报告",
    }
    data.update(overrides)
    return data


def incident(by=None, **overrides):
    """An incident opened by hand (接报) by the district official."""
    return services.incident_open(by or official(), data=hand_data(**overrides))


def responding(by=None, **overrides):
    """An incident in 响应中 at level Ⅳ."""
    by = by or official()
    found = incident(by, **overrides)
    return services.incident_respond(
        by,
        incident_id=found.pk,
        expected_version=found.version,
        level="4",
        lead_organisation="杨浦区应急管理局",
        commander="王指挥",
        commander_phone="13800000001",
    )


def plan(
    *,
    region: str = world.YANGPU,
    state: str = PlanState.FILED,
    levels: dict | None = None,
    enterprise=None,
    title: str = "杨浦区生产安全事故应急预案",
):
    """A plan in force with response levels and their tasks: ``levels`` maps a level to
    its tasks as (title, responsible, due_minutes)."""
    levels = (
        levels
        if levels is not None
        else {
            "3": [("成立现场指挥部", "区应急局", 30), ("疏散周边群众", "属地街道", 60)],
            "4": [("核实现场情况", "区应急局", 15), ("持续监测", "区生态环境局", None)],
        }
    )
    owner = {"owner_kind": OwnerKind.GOVERNMENT, "region_id": region}
    if enterprise is not None:
        owner = {
            "owner_kind": OwnerKind.ENTERPRISE,
            "region_id": enterprise.street_id,
            "enterprise": enterprise,
        }
    found = EmergencyPlan(
        number=f"YA-T{next(_serial):06d}",
        title=title,
        plan_type=PlanType.COMPREHENSIVE if enterprise else PlanType.GOVERNMENT_SPECIAL,
        edition="2026年版",
        risks="火灾、爆炸、危险化学品泄漏",
        state=state,
        created_by=official(),
        **owner,
    )
    found.copy_owner_scope()
    found.save()
    for level, tasks in levels.items():
        PlanLevel.objects.create(plan=found, level=level, trigger="达到启动条件", commander="区长")
        for order, (task, responsible, minutes) in enumerate(tasks):
            PlanTask.objects.create(
                plan=found,
                level=level,
                title=task,
                responsible=responsible,
                due_minutes=minutes,
                sort_order=order,
            )
    return found


def _owned(model, *, region: str, latitude: float, longitude: float, enterprise=None, **fields):
    obj = model(
        owner_kind=OwnerKind.ENTERPRISE if enterprise else OwnerKind.GOVERNMENT,
        region=Region.objects.get(pk=enterprise.street_id if enterprise else region),
        enterprise=enterprise,
        **fields,
    )
    obj.place_at(latitude, longitude)
    obj.copy_owner_scope()
    obj.save()
    return obj


def team(
    name: str = "杨浦区危化品救援队",
    *,
    region: str = world.YANGPU,
    at: tuple[float, float] = (31.3100, 121.5300),
    readiness: str = Readiness.READY,
    enterprise=None,
):
    return _owned(
        RescueTeam,
        region=region,
        latitude=at[0],
        longitude=at[1],
        enterprise=enterprise,
        name=name,
        kind=TeamKind.PROFESSIONAL,
        specialities=",hazchem,fire,",
        leader="李队长",
        phone="13900000001",
        headcount=20,
        readiness=readiness,
    )


def warehouse(
    name: str = "杨浦区应急物资储备库", *, region: str = world.YANGPU, at=(31.2900, 121.5200)
):
    return _owned(
        Warehouse,
        region=region,
        latitude=at[0],
        longitude=at[1],
        name=name,
        storage_level=StorageLevel.DISTRICT if len(region) == 6 else StorageLevel.STREET,
        manager="赵管理",
        phone="13900000002",
    )


def supply(quantity: int = 10, *, store=None, name: str = "编织袋", by=None):
    """A stock line with ``quantity`` received (one RECEIPT in the ledger)."""
    store = store or warehouse()
    return services_resources.supply_create(
        by or official(),
        warehouse_id=store.pk,
        data={"name": name, "category": SupplyCategory.DRAINAGE, "unit": "条"},
        quantity=quantity,
    )


def shelter(capacity: int = 100, *, region: str = world.YANGPU, at=(31.3300, 121.5400)):
    return _owned(
        Shelter,
        region=region,
        latitude=at[0],
        longitude=at[1],
        name="殷行公园应急避难场所",
        kind=ShelterKind.SHORT,
        area_m2=5000,
        capacity=capacity,
        manager="钱管理",
        phone="13900000003",
    )


def equipment(quantity: int = 3, *, region: str = world.YANGPU, at=(31.3000, 121.5100)):
    return _owned(
        Equipment,
        region=region,
        latitude=at[0],
        longitude=at[1],
        name="大功率排水泵",
        category="排水",
        quantity=quantity,
        available=quantity,
    )


def expert(*, region: str = world.YANGPU, at=(31.2800, 121.5000)):
    return _owned(
        Expert,
        region=region,
        latitude=at[0],
        longitude=at[1],
        name="孙专家",
        field="hazchem",
        phone="13900000004",
    )
