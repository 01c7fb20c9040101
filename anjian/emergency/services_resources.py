"""Every write of 应急资源: rescue teams and their members, warehouses, equipment, shelters
and experts — and, re-exported from ``services_stock``, supplies and the stock ledger. Pages,
the API, the Excel import, dispatch and the demo call these.

Each create and update (``resource_checks.write``) needs ``resource.manage``, resolves the
owner (an enterprise user's own unit, forced; an official's region, department or unit
inside the scope, else ``OutOfScope``), checks its input with a Chinese message on each bad
field, compares ``expected_version`` (``Conflict``) and re-checks the scope after saving.
What each kind adds:

- **teams**: specialities are known ``Speciality`` codes, at least one; a team on an active
  assignment keeps its readiness and stays in the register until it is released;
- **warehouses**: the storage level matches the owning region's level (市级 the city, 区级 a
  district, 街镇级 a street, 居村级 and 家庭 a community or grid — a 家庭 point is a
  household reserve the 居（村）委会 keeps, so its owner is a government); a warehouse that
  moves (place or owner) takes its supply lines' copied place and scope along in the same
  transaction; one with stock is not taken out of use;
- **equipment**: with a team or in a warehouse (not both; either in scope), placed there
  unless placed itself; the quantity never drops below what is out on assignments;
- **shelters**: area and capacity positive, capacity not below the people sheltered, not
  closed or put under maintenance while people are in it;
- **experts**: not made unavailable while on an active assignment.
"""

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from anjian.core.exceptions import Conflict, OutOfScope, ValidationError
from anjian.emergency.checks import raise_errors
from anjian.emergency.choices import OwnerKind, Readiness, ShelterStatus, Speciality, StorageLevel
from anjian.emergency.models import (
    ACTIVE_ASSIGNMENT_STATES,
    Assignment,
    Equipment,
    Expert,
    RescueTeam,
    Shelter,
    Supply,
    TeamMember,
    Warehouse,
)
from anjian.emergency.resource_checks import (
    accepted,
    locked,
    require,
    save,
    set_fields,
    take_key,
    whole_field,
    write,
)
from anjian.emergency.services_stock import (
    return_stock,
    stock_count,
    stock_issue,
    stock_receive,
    stock_transfer,
    supply_create,
    supply_update,
    take_stock,
)
from anjian.regions.choices import RegionLevel

TEAM_FIELDS = (
    "name",
    "kind",
    "specialities",
    "leader",
    "phone",
    "duty_phone",
    "headcount",
    "equipment_summary",
    "readiness",
    "active",
)
MEMBER_FIELDS = ("name", "role", "speciality", "phone", "certificate")
WAREHOUSE_FIELDS = ("name", "storage_level", "manager", "phone", "area_m2", "active")
EQUIPMENT_FIELDS = ("name", "category", "spec", "quantity", "team", "warehouse", "status")
SHELTER_FIELDS = (
    "name",
    "kind",
    "indoor",
    "area_m2",
    "capacity",
    "facilities",
    "status",
    "manager",
    "phone",
)
EXPERT_FIELDS = ("name", "field", "title", "employer", "phone", "available")

# The region levels a warehouse of each storage level belongs to (seed 004 六、(六)).
LEVEL_REGIONS = {
    StorageLevel.CITY: (RegionLevel.PROVINCE, RegionLevel.CITY),
    StorageLevel.DISTRICT: (RegionLevel.DISTRICT,),
    StorageLevel.STREET: (RegionLevel.STREET,),
    StorageLevel.COMMUNITY: (RegionLevel.COMMUNITY, RegionLevel.GRID),
    StorageLevel.HOUSEHOLD: (RegionLevel.COMMUNITY, RegionLevel.GRID),
}


def _active_assignment(**resource) -> Assignment | None:
    return (
        Assignment.objects.filter(state__in=ACTIVE_ASSIGNMENT_STATES, **resource)
        .select_related("incident")
        .first()
    )


# --- teams ------------------------------------------------------------------------------------


def speciality_column(codes, errors: dict) -> str:
    """The stored ",fire,hazchem," form of ``Speciality`` codes (a list, or joined by commas),
    in the choices' order."""
    codes = [c for c in codes.split(",") if c] if isinstance(codes, str) else list(codes or ())
    unknown = [str(code) for code in codes if code not in Speciality.values]
    if unknown:
        errors["specialities"] = _("未知的专业方向：%(v)s") % {"v": "、".join(unknown)}
    elif not codes:
        errors["specialities"] = _("请至少选择一个专业方向")
    return ",{},".format(",".join(code for code in Speciality.values if code in codes))


def _team_check(by, team: RescueTeam, data: dict, errors: dict) -> None:
    if "specialities" in data or not team.pk:
        team.specialities = speciality_column(data.pop("specialities", ()), errors)
    whole_field(team, data, "headcount", errors, minimum=0, required=False)
    team.headcount = team.headcount or 0
    leaves = data.get("active") is False and team.active
    if team.pk and (leaves or data.get("readiness") not in (None, team.readiness)):
        busy = _active_assignment(team=team)
        if busy is not None:
            raise Conflict(
                _("队伍正在执行调派任务（%(i)s），请撤离后再变更") % {"i": busy.incident}
            )


_TEAM = {
    "check": _team_check,
    "required": ("name", "leader", "phone"),
    "phones": ("phone", "duty_phone"),
}


@transaction.atomic
def team_create(by, *, data: dict) -> RescueTeam:
    """``data``: TEAM_FIELDS (``specialities`` a list of ``Speciality`` codes), the owner
    (``owner_kind``, ``region``, ``department``, ``enterprise``) and the place."""
    return write(by, RescueTeam, data, TEAM_FIELDS, **_TEAM)


@transaction.atomic
def team_update(by, *, team_id: int, expected_version: int, data: dict) -> RescueTeam:
    return write(
        by, RescueTeam, data, TEAM_FIELDS, pk=team_id, expected_version=expected_version, **_TEAM
    )


@transaction.atomic
def team_set_readiness(by, *, team_id: int, expected_version: int, readiness: str) -> RescueTeam:
    """待命/出动中/休整/不可用 by hand — refused (``Conflict``) while the team is on an
    active assignment: dispatch and release move it then."""
    require(by)
    team = locked(by, RescueTeam, team_id, expected_version)
    if readiness not in Readiness.values:
        raise ValidationError({"readiness": _("战备状态无效：“%(v)s”") % {"v": readiness}})
    busy = _active_assignment(team=team)
    if busy is not None:
        raise Conflict(
            _("队伍正在执行调派任务（%(i)s），战备状态随调派变化，请在调派记录中办理撤离")
            % {"i": busy.incident}
        )
    team.readiness = readiness
    save(by, team, {})
    return team


@transaction.atomic
def team_member_add(by, *, team_id: int, data: dict) -> TeamMember:
    require(by)
    member = TeamMember(team=locked(by, RescueTeam, team_id))
    errors: dict = {}
    set_fields(member, accepted(data, MEMBER_FIELDS), errors, required=("name",), phones=("phone",))
    raise_errors(errors)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def team_member_leave(by, *, member_id: int) -> TeamMember:
    """The member leaves the team: kept on the roster as 不在队 (idempotent)."""
    require(by)
    member = TeamMember.objects.filter(pk=member_id).first()
    if member is None:
        raise OutOfScope()
    member.team = locked(by, RescueTeam, member.team_id)
    TeamMember.objects.filter(pk=member.pk).update(active=False)
    member.active = False
    return member


# --- warehouses -------------------------------------------------------------------------------


def level_problem(level: str, owner_kind: str, region) -> str | None:
    """Why a warehouse of ``level`` cannot belong to this owner and region (None: it can)."""
    if level == StorageLevel.HOUSEHOLD and owner_kind != OwnerKind.GOVERNMENT:
        return _("家庭储备点由居（村）委会登记管理，所属主体应为人民政府")
    if region.level not in LEVEL_REGIONS[level]:
        return _("%(level)s储备库应属于%(regions)s，而%(region)s是%(actual)s") % {
            "level": StorageLevel(level).label,
            "regions": "或".join(str(RegionLevel(v).label) for v in LEVEL_REGIONS[level]),
            "region": region.name,
            "actual": RegionLevel(region.level).label,
        }
    return None


def _warehouse_check(by, warehouse: Warehouse, data: dict, errors: dict) -> None:
    whole_field(warehouse, data, "area_m2", errors, required=False)
    level = data.get("storage_level", warehouse.storage_level)
    if level not in StorageLevel.values:
        errors["storage_level"] = _("请选择储备层级")
    elif warehouse.region_id and not errors.keys() & {"region", "department", "enterprise"}:
        problem = level_problem(level, warehouse.owner_kind, warehouse.region)
        if problem:
            errors["storage_level"] = problem
    if warehouse.pk and data.get("active") is False:
        stocked = warehouse.supplies.filter(quantity__gt=0).count()
        if stocked:
            errors["active"] = _("储备库仍有%(n)d种物资有库存，请先调出或报废后再停用") % {
                "n": stocked
            }


_WAREHOUSE = {
    "check": _warehouse_check,
    "required": ("name", "manager", "phone"),
    "phones": ("phone",),
}


@transaction.atomic
def warehouse_create(by, *, data: dict) -> Warehouse:
    return write(by, Warehouse, data, WAREHOUSE_FIELDS, **_WAREHOUSE)


@transaction.atomic
def warehouse_update(by, *, warehouse_id: int, expected_version: int, data: dict) -> Warehouse:
    """Change a warehouse; if it moved (place or owner), its supply lines take its place
    and scope in the same transaction (their versions move on)."""
    warehouse = write(
        by,
        Warehouse,
        data,
        WAREHOUSE_FIELDS,
        pk=warehouse_id,
        expected_version=expected_version,
        **_WAREHOUSE,
    )
    copied = {
        "scope_region_code": warehouse.scope_region_code,
        "enterprise_id": warehouse.enterprise_id,
        "industry_id": warehouse.industry_id,
        "latitude": warehouse.latitude,
        "longitude": warehouse.longitude,
        "cell": warehouse.cell,
    }
    behind = Supply.objects.filter(warehouse=warehouse).exclude(**copied)
    behind.update(**copied, version=F("version") + 1)
    return warehouse


# --- equipment --------------------------------------------------------------------------------


def _equipment_check(by, equipment: Equipment, data: dict, errors: dict) -> None:
    for name, model in (("team", RescueTeam), ("warehouse", Warehouse)):
        given, pk = take_key(data, name)
        if given:
            found = model.objects.for_user(by).filter(pk=pk).first() if pk else None
            if pk and found is None:
                raise OutOfScope(field=name)
            setattr(equipment, name, found)
    if equipment.team_id and equipment.warehouse_id:
        errors["warehouse"] = _("装备配属队伍或存放储备库，只能选其一")
    out = equipment.quantity - equipment.available if equipment.pk else 0
    whole_field(equipment, data, "quantity", errors)
    if "quantity" not in errors:
        if equipment.quantity < out:
            errors["quantity"] = _("有%(n)d件正在调派中，数量不能少于%(n)d") % {"n": out}
        equipment.available = equipment.quantity - out
    home = equipment.team or equipment.warehouse
    if not equipment.has_place and home is not None:
        equipment.place_at(home.latitude, home.longitude)


_EQUIPMENT = {"check": _equipment_check, "required": ("name", "category")}


@transaction.atomic
def equipment_create(by, *, data: dict) -> Equipment:
    return write(by, Equipment, data, EQUIPMENT_FIELDS, **_EQUIPMENT)


@transaction.atomic
def equipment_update(by, *, equipment_id: int, expected_version: int, data: dict) -> Equipment:
    return write(
        by,
        Equipment,
        data,
        EQUIPMENT_FIELDS,
        pk=equipment_id,
        expected_version=expected_version,
        **_EQUIPMENT,
    )


# --- shelters ---------------------------------------------------------------------------------


def _shelter_check(by, shelter: Shelter, data: dict, errors: dict) -> None:
    whole_field(shelter, data, "area_m2", errors)
    whole_field(shelter, data, "capacity", errors)
    if "capacity" not in errors and (shelter.capacity or 0) < shelter.occupancy:
        errors["capacity"] = _("已安置%(n)d人，可容纳人数不能少于已安置人数") % {
            "n": shelter.occupancy
        }
    closing = data.get("status") in (ShelterStatus.MAINTENANCE, ShelterStatus.CLOSED)
    if shelter.pk and closing and shelter.occupancy:
        raise Conflict(_("场所内仍安置%(n)d人，不能停用或维护") % {"n": shelter.occupancy})


_SHELTER = {
    "check": _shelter_check,
    "required": ("name", "manager", "phone"),
    "phones": ("phone",),
}


@transaction.atomic
def shelter_create(by, *, data: dict) -> Shelter:
    return write(by, Shelter, data, SHELTER_FIELDS, **_SHELTER)


@transaction.atomic
def shelter_update(by, *, shelter_id: int, expected_version: int, data: dict) -> Shelter:
    return write(
        by,
        Shelter,
        data,
        SHELTER_FIELDS,
        pk=shelter_id,
        expected_version=expected_version,
        **_SHELTER,
    )


def shelter_set_status(by, *, shelter_id: int, expected_version: int, status: str) -> Shelter:
    """可启用/已启用/维护中/停用; not 维护中 or 停用 while people are sheltered there."""
    if status not in ShelterStatus.values:
        raise ValidationError({"status": _("场所状态无效：“%(v)s”") % {"v": status}})
    return shelter_update(
        by, shelter_id=shelter_id, expected_version=expected_version, data={"status": status}
    )


# --- experts ----------------------------------------------------------------------------------


def _expert_check(by, expert: Expert, data: dict, errors: dict) -> None:
    if expert.pk and data.get("available") is False and expert.available:
        busy = _active_assignment(expert=expert)
        if busy is not None:
            raise Conflict(_("专家正在参与处置（%(i)s），请撤离后再变更") % {"i": busy.incident})


_EXPERT = {"check": _expert_check, "required": ("name", "phone"), "phones": ("phone",)}


@transaction.atomic
def expert_create(by, *, data: dict) -> Expert:
    return write(by, Expert, data, EXPERT_FIELDS, **_EXPERT)


@transaction.atomic
def expert_update(by, *, expert_id: int, expected_version: int, data: dict) -> Expert:
    return write(
        by, Expert, data, EXPERT_FIELDS, pk=expert_id, expected_version=expected_version, **_EXPERT
    )


__all__ = [
    "equipment_create",
    "equipment_update",
    "expert_create",
    "expert_update",
    "return_stock",
    "shelter_create",
    "shelter_set_status",
    "shelter_update",
    "stock_count",
    "stock_issue",
    "stock_receive",
    "stock_transfer",
    "supply_create",
    "supply_update",
    "take_stock",
    "team_create",
    "team_member_add",
    "team_member_leave",
    "team_set_readiness",
    "team_update",
    "warehouse_create",
    "warehouse_update",
]
