"""Every role against the pages and API of 应急准备与处置 (generated tests, STYLE habit 4).

The world gets one record of each kind per owner, made through the services by the
administrator the first time a test asks: the governments of 杨浦区, 殷行街道, 平凉路街道 and
虹口区, 杨浦区建管委 (an industry department), and each of the world's units. Incidents are
placed instead: at 殷行街道, at its grid 1, at 平凉路街道 and in 虹口区.

Who sees what follows the three rules of the app:

- resources (``RESOURCE_SCOPE``): by region, never by industry — an industry department sees
  every resource of its district; a unit sees its own;
- plans and drills (``OwnedQuerySet``): by region, and an industry department sees the
  governments' and departments' records of its district but only its industries' units';
- incidents: by where they happened only; a unit sees none.

A unit's records are scoped like the unit, down to its grid (殷行化工 lies in grid 1).
"""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from anjian.emergency import permissions as perms
from anjian.emergency.choices import OwnerKind, StorageLevel
from anjian.emergency.models import (
    Drill,
    EmergencyPlan,
    Equipment,
    Expert,
    Incident,
    RescueTeam,
    Shelter,
    Supply,
    Warehouse,
)
from anjian.emergency.tests.factories_resources import (
    HERE,
    HONGKOU_POINT,
    PINGLIANG_POINT,
    hongkou_street,
)
from anjian.regions.choices import RegionLevel
from anjian.regions.levels import level_of
from testsupport import world
from testsupport.scoped import ScopedCrudTests

GOVERNMENTS = {
    "yangpu": world.YANGPU,
    "yinhang": world.YINHANG,
    "pingliang": world.PINGLIANG,
    "hongkou": world.HONGKOU,
}
POINTS = {"pingliang": PINGLIANG_POINT, "pingliang_factory": PINGLIANG_POINT}
POINTS |= {"hongkou": HONGKOU_POINT, "hongkou_shop": HONGKOU_POINT}
YANGPU = {
    "yangpu",
    "yinhang",
    "pingliang",
    "housing",
    "yinhang_chemical",
    "yinhang_site",
    "pingliang_factory",
}
RESOURCES_VISIBLE = {
    "district_official": YANGPU,
    "street_officer": {"yinhang", "yinhang_chemical", "yinhang_site"},
    "grid_member": {"yinhang_chemical"},
    "neighbour_official": {"hongkou", "hongkou_shop"},
    "housing_official": YANGPU,  # resources are shared for response: no industry filter
    "inspector": YANGPU,
    "leader": YANGPU,
    "enterprise_manager": {"yinhang_chemical"},
    "expert": set(),
    "admin": YANGPU | {"hongkou", "hongkou_shop"},
}
# 建管委 (建筑施工, 燃气): the governments' and departments' plans of 杨浦区, and its unit's.
OWNED_VISIBLE = {
    **RESOURCES_VISIBLE,
    "housing_official": {"yangpu", "yinhang", "pingliang", "housing", "yinhang_site"},
}
YANGPU_INCIDENTS = {"yinhang", "yinhang_grid", "pingliang"}
INCIDENTS_VISIBLE = {
    "district_official": YANGPU_INCIDENTS,
    "street_officer": {"yinhang", "yinhang_grid"},
    "grid_member": {"yinhang_grid"},
    "neighbour_official": {"hongkou"},
    "housing_official": YANGPU_INCIDENTS,
    "inspector": YANGPU_INCIDENTS,
    "leader": YANGPU_INCIDENTS,
    "enterprise_manager": set(),
    "expert": set(),
    "admin": YANGPU_INCIDENTS | {"hongkou"},
}
# The government roles that keep records (plan.manage, drill.manage, resource.manage,
# incident.open); the enterprise user keeps its own unit's (UnitKeepsItsOwn).
KEEPERS = (
    "district_official",
    "street_officer",
    "grid_member",
    "neighbour_official",
    "housing_official",
)
VIEWERS_ONLY = ("inspector", "leader", "expert")


def key(name: str, what: str) -> str:
    """A record's name: unique, and no one's a part of another's (殷行 ⊄ 殷行化工)."""
    return f"【{name}】{what}"


def grid() -> str:
    return world.enterprise("yinhang_chemical").grid_id


def housing():
    return world.actor("housing_official").department


def owner(name: str) -> dict:
    """The owner of world record ``name`` as the services take it."""
    if name in GOVERNMENTS:
        return {"owner_kind": OwnerKind.GOVERNMENT, "region": GOVERNMENTS[name]}
    if name == "housing":
        department = housing()
        return {
            "owner_kind": OwnerKind.DEPARTMENT,
            "department": department.pk,
            "region": department.region_id,
        }
    return {"owner_kind": OwnerKind.ENTERPRISE, "enterprise": world.enterprise(name).pk}


def owner_level(name: str) -> str:
    if name in GOVERNMENTS:
        return level_of(GOVERNMENTS[name])
    if name == "housing":
        return RegionLevel.DISTRICT
    return level_of(world.enterprise(name).scope_region_code)


STORAGE = {
    RegionLevel.DISTRICT: StorageLevel.DISTRICT,
    RegionLevel.STREET: StorageLevel.STREET,
    RegionLevel.GRID: StorageLevel.COMMUNITY,
}


def _located(name: str) -> dict:
    latitude, longitude = POINTS.get(name, HERE)
    return {"latitude": latitude, "longitude": longitude}


def world_record(model, name: str, what: str, make):
    """The world's ``model`` record of ``name`` (made by ``make(admin, data)`` once)."""
    found = model.objects.filter(**{KEY_FIELDS[model]: key(name, what)}).first()
    if found is not None:
        return found
    return make(world.actor("admin"), {KEY_FIELDS[model]: key(name, what), **owner(name)})


def world_warehouse(name: str) -> Warehouse:
    from anjian.emergency.tests import factories_resources as make

    return world_record(
        Warehouse,
        name,
        "储备库",
        lambda admin, data: make.warehouse(
            admin, storage_level=STORAGE[owner_level(name)], **_located(name), **data
        ),
    )


def world_resource(model, name: str) -> object:
    from anjian.emergency.tests import factories_resources as make

    if model is Warehouse:
        return world_warehouse(name)
    if model is Supply:
        store = world_warehouse(name)
        return world_record(
            Supply, name, "救生衣", lambda admin, data: make.supply(store, admin, name=data["name"])
        )
    maker = {
        RescueTeam: make.team,
        Equipment: make.equipment,
        Shelter: make.shelter,
        Expert: make.expert,
    }[model]
    what = {RescueTeam: "救援队", Equipment: "排涝泵", Shelter: "避难场所", Expert: "专家"}[model]
    return world_record(
        model, name, what, lambda admin, data: maker(admin, **_located(name), **data)
    )


PLAN_TYPES = {"government": "overall", "department": "departmental"}  # else a unit's


def world_plan(name: str) -> EmergencyPlan:
    from anjian.emergency import services_plans

    plan_type = PLAN_TYPES.get(owner(name)["owner_kind"], "comprehensive")
    values = {"plan_type": plan_type, "edition": "2026年版", "risks": "火灾、危险化学品泄漏"}
    return world_record(
        EmergencyPlan,
        name,
        "应急预案",
        lambda admin, data: services_plans.plan_create(admin, data={**values, **data}),
    )


def world_drill(name: str) -> Drill:
    from anjian.emergency import services_drills

    values = {
        "kind": "comprehensive",
        "form": "tabletop",
        "scenario": "仓库起火，组织疏散",
        "planned_on": timezone.localdate(),
    }
    return world_record(
        Drill,
        name,
        "演练",
        lambda admin, data: services_drills.drill_create(admin, data={**values, **data}),
    )


INCIDENT_PLACES = {
    "yinhang": lambda: world.YINHANG,
    "yinhang_grid": grid,
    "pingliang": lambda: world.PINGLIANG,
    "hongkou": hongkou_street,
}


def world_incident(name: str) -> Incident:
    from anjian.emergency.tests.factories_incidents import incident

    found = Incident.objects.filter(title=key(name, "突发事件")).first()
    if found is not None:
        return found
    point = POINTS.get(name, HERE)
    return incident(
        world.actor("admin"),
        title=key(name, "突发事件"),
        region=INCIDENT_PLACES[name](),
        latitude=point[0],
        longitude=point[1],
    )


KEY_FIELDS = {
    EmergencyPlan: "title",
    Drill: "title",
    Incident: "title",
    **dict.fromkeys((RescueTeam, Warehouse, Supply, Equipment, Shelter, Expert), "name"),
}


# --- form data --------------------------------------------------------------------------------

# A keeper's own place, and a place just outside its scope (the owner form offers only
# what is inside: the outside one is refused with the form's error, nothing written).
INSIDE = {
    "district_official": {"owner_kind": "government", "region": world.YANGPU},
    "street_officer": {"owner_kind": "government", "region": world.YINHANG},
    "neighbour_official": {"owner_kind": "government", "region": world.HONGKOU},
    "housing_official": {"owner_kind": "department", "department": lambda: housing().pk},
}
OUTSIDE = {
    "district_official": {"owner_kind": "government", "region": world.HONGKOU},
    "street_officer": {"owner_kind": "government", "region": world.PINGLIANG},
    "neighbour_official": {"owner_kind": "government", "region": world.YANGPU},
    "housing_official": {
        "owner_kind": "department",
        "department": lambda: world.actor("neighbour_official").department_id,
    },
}


def owner_form(table: dict, actor: str) -> dict:
    if actor == "grid_member":  # a government is a city, district or street: the grid's unit
        unit = "yinhang_chemical" if table is INSIDE else "yinhang_site"
        return {"owner_kind": "enterprise", "enterprise": world.enterprise(unit).pk}
    if actor == "enterprise_manager":  # its own unit, forced: no owner fields
        return {}
    return {name: value() if callable(value) else value for name, value in table[actor].items()}


def resource_owner_form(table: dict, actor: str) -> dict:
    """Resources may belong to a grid's government too."""
    if actor == "grid_member":
        return {"owner_kind": "government", "region": grid() if table is INSIDE else world.YINHANG}
    return owner_form(table, actor)


def _storage(actor: str) -> str:
    return {
        "district_official": StorageLevel.DISTRICT,
        "neighbour_official": StorageLevel.DISTRICT,
        "housing_official": StorageLevel.DISTRICT,
        "street_officer": StorageLevel.STREET,
    }.get(actor, StorageLevel.COMMUNITY)  # a grid's, or 殷行化工's (in grid 1)


RESOURCE_FORMS = {
    RescueTeam: lambda actor: {
        "kind": "professional",
        "specialities": ["fire"],
        "leader": "张队长",
        "phone": "021-65012345",
        "headcount": "12",
        "readiness": "ready",
        "active": "on",
    },
    Warehouse: lambda actor: {
        "storage_level": _storage(actor),
        "manager": "李库管",
        "phone": "13800138000",
        "active": "on",
    },
    Equipment: lambda actor: {"category": "排涝", "quantity": "2", "status": "usable"},
    Shelter: lambda actor: {
        "kind": "short",
        "area_m2": "3000",
        "capacity": "500",
        "status": "ready",
        "manager": "王校长",
        "phone": "021-65011111",
    },
    Expert: lambda actor: {"field": "hazchem", "phone": "13900139000", "available": "on"},
}


# --- the declarations -------------------------------------------------------------------------


class EmergencyScoping(ScopedCrudTests):
    """What every emergency class shares: reading is ``emergency.view`` (the lists, pages,
    Excel and API alike), changing the ``manage`` action of the area."""

    manage = perms.RESOURCE_MANAGE

    def _view_action(self) -> str:
        return perms.EMERGENCY_VIEW

    def _export_action(self) -> str:
        return perms.EMERGENCY_VIEW

    def _can_edit(self, user) -> bool:
        return bool(self.edit_url) and user.can(self.manage)


class UnitKeepsItsOwn:
    """A unit's user keeps its own unit's records: a unit named in the post is not read."""

    def test_a_unit_user_creates_for_its_own_unit_whatever_it_posts(self, db):
        create_url = self._required("create_url")
        field = KEY_FIELDS[self.model]
        data = {
            **self.create_data("enterprise_manager"),
            "owner_kind": "enterprise",
            "enterprise": world.enterprise("yinhang_site").pk,
            "region": world.YINHANG,
        }
        response = self.client("enterprise_manager").post(reverse(create_url), data)
        assert response.status_code == self.created_status, response.content.decode()[-2000:]
        created = self.model.objects.get(**{field: data[field]})
        assert created.enterprise == world.enterprise("yinhang_chemical")


class ResourceScoping(UnitKeepsItsOwn, EmergencyScoping):
    """A kind of resource: its URLs are ``emergency:<kind>_list`` … and its API
    ``/api/v1/emergency/<api>`` (``class TestX(ResourceScoping, kind=…, api=…)``)."""

    visible = RESOURCES_VISIBLE
    creators = KEEPERS
    not_creators = VIEWERS_ONLY

    def __init_subclass__(cls, kind: str = "", api: str = "", **kwargs):
        super().__init_subclass__(**kwargs)
        if kind:
            for action in ("list", "detail", "edit", "create", "export"):
                setattr(cls, f"{action}_url", f"emergency:{kind}_{action}")
            cls.api_list = f"/api/v1/emergency/{api}"
            cls.api_detail = f"/api/v1/emergency/{api}/{{pk}}"

    def get_object(self, name):
        return world_resource(self.model, name)

    def form(self, actor: str, owner_data: dict) -> dict:
        name = f"新登记的{self.model._meta.verbose_name}（{actor}）"
        located = {"address": "", "latitude": HERE[0], "longitude": HERE[1]}
        return {"name": name, **located, **RESOURCE_FORMS[self.model](actor), **owner_data}

    def create_data(self, actor):
        return self.form(actor, resource_owner_form(INSIDE, actor))

    def outside_data(self, actor):
        return self.form(actor, resource_owner_form(OUTSIDE, actor))


class TestRescueTeamScoping(ResourceScoping, kind="team", api="teams"):
    model = RescueTeam
    export_key_header = "队伍名称"


class TestWarehouseScoping(ResourceScoping, kind="warehouse", api="warehouses"):
    model = Warehouse
    export_key_header = "储备库名称"


class TestEquipmentScoping(ResourceScoping, kind="equipment", api="equipment"):
    model = Equipment
    export_key_header = "装备名称"


class TestShelterScoping(ResourceScoping, kind="shelter", api="shelters"):
    model = Shelter
    export_key_header = "场所名称"


class TestExpertScoping(ResourceScoping, kind="expert", api="experts"):
    model = Expert
    export_key_header = "姓名"


class TestSupplyScoping(ResourceScoping):
    model = Supply
    list_url = "emergency:supply_list"
    detail_url = "emergency:supply_detail"
    edit_url = "emergency:supply_edit"
    export_url = "emergency:supply_export"
    api_list = "/api/v1/emergency/supplies"
    api_detail = "/api/v1/emergency/supplies/{pk}"
    export_key_header = "物资名称"
    not_applicable = {
        "create_url": "a stock line is added on its warehouse's page (emergency:supply_create "
        "takes the warehouse, read through the scope: TestWarehouseScoping's records)",
    }

    def test_a_line_cannot_be_added_to_a_warehouse_outside_scope(self, db):
        data = {"name": "越界物资", "category": "rescue", "unit": "件", "quantity": "1"}
        everyone = set().union(*self.visible.values())
        checked = 0
        for actor, expected in self.visible.items():
            if not world.actor(actor).can(self.manage):
                continue
            for name in sorted(everyone - expected):
                checked += 1
                store = world_warehouse(name)
                url = reverse("emergency:supply_create", args=[store.pk])
                assert self.client(actor).post(url, data).status_code == 404, (actor, name)
        assert checked and not Supply.objects.filter(name="越界物资").exists()


class TestEmergencyPlanScoping(UnitKeepsItsOwn, EmergencyScoping):
    model = EmergencyPlan
    list_url = "emergency:plan_list"
    detail_url = "emergency:plan_detail"
    edit_url = "emergency:plan_edit"
    create_url = "emergency:plan_create"
    export_url = "emergency:plan_export"
    api_list = "/api/v1/emergency/plans"
    api_detail = "/api/v1/emergency/plans/{pk}"
    export_key_header = "预案名称"
    key_attribute = "title"
    visible = OWNED_VISIBLE
    creators = KEEPERS
    not_creators = VIEWERS_ONLY
    manage = perms.PLAN_MANAGE

    def get_object(self, name):
        return world_plan(name)

    def form(self, actor: str, owner_data: dict) -> dict:
        kind = owner_data.get("owner_kind")
        return {
            "title": f"新编制的预案（{actor}）",
            "plan_type": PLAN_TYPES.get(kind, "comprehensive"),
            "edition": "2026年版",
            "risks": "火灾、危险化学品泄漏",
            "assessment_cycle_years": "3",
            **owner_data,
        }

    def create_data(self, actor):
        return self.form(actor, owner_form(INSIDE, actor))

    def outside_data(self, actor):
        return self.form(actor, owner_form(OUTSIDE, actor))


class TestDrillScoping(UnitKeepsItsOwn, EmergencyScoping):
    model = Drill
    list_url = "emergency:drill_list"
    detail_url = "emergency:drill_detail"
    create_url = "emergency:drill_create"
    export_url = "emergency:drill_export"
    api_list = "/api/v1/emergency/drills"
    api_detail = "/api/v1/emergency/drills/{pk}"
    export_key_header = "演练名称"
    key_attribute = "title"
    visible = OWNED_VISIBLE
    creators = KEEPERS
    not_creators = VIEWERS_ONLY
    manage = perms.DRILL_MANAGE
    not_applicable = {
        "edit_url": "a drill plan is not edited: it is held, evaluated or cancelled by the "
        "forms on its page",
    }

    def get_object(self, name):
        return world_drill(name)

    def form(self, actor: str, owner_data: dict) -> dict:
        return {
            "title": f"新计划的演练（{actor}）",
            "kind": "special",
            "form": "tabletop",
            "plan": "",
            "scenario": "仓库起火，组织疏散",
            "planned_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
            "place": "仓库",
            **owner_data,
        }

    def create_data(self, actor):
        return self.form(actor, owner_form(INSIDE, actor))

    def outside_data(self, actor):
        return self.form(actor, owner_form(OUTSIDE, actor))


class TestIncidentScoping(EmergencyScoping):
    model = Incident
    list_url = "emergency:incident_list"
    detail_url = "emergency:incident_detail"
    create_url = "emergency:incident_open"
    export_url = "emergency:incident_export"
    api_list = "/api/v1/emergency/incidents"
    api_detail = "/api/v1/emergency/incidents/{pk}"
    export_key_header = "事件名称"
    key_attribute = "title"
    visible = INCIDENTS_VISIBLE
    creators = KEEPERS
    not_creators = ("inspector", "leader", "enterprise_manager", "expert")
    manage = perms.INCIDENT_OPEN
    not_applicable = {
        "edit_url": "an incident is changed by the forms of its command page (level, "
        "transitions, log, tasks, dispatch), each refused out of scope by test_page_access",
    }

    def get_object(self, name):
        return world_incident(name)

    def form(self, actor: str, region: str) -> dict:
        occurred = timezone.localtime() - timedelta(minutes=30)
        return {
            "title": f"新接报的事件（{actor}）",
            "incident_type": "accident",
            "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M"),
            "region": region,
            "place": "仓库",
            "latitude": str(HERE[0]),
            "longitude": str(HERE[1]),
            "summary": "仓库起火",
        }

    def create_data(self, actor):
        places = {"district_official": world.PINGLIANG, "grid_member": grid()}
        places["neighbour_official"] = hongkou_street()
        return self.form(actor, places.get(actor, world.YINHANG))

    def outside_data(self, actor):
        places = {"street_officer": world.PINGLIANG, "grid_member": world.YINHANG}
        places["neighbour_official"] = world.YINHANG
        return self.form(actor, places.get(actor, hongkou_street()))
