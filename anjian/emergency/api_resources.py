"""/api/v1/emergency — resources (应急资源): rescue teams, warehouses, supplies and their
stock ledger, equipment, shelters, experts, and the nearest available of a kind.

Each registry has the same four operations (``_registry``): a filtered, paginated list, one
record, create (201) and change (``PATCH`` with the ``version`` read; only the fields sent
change). Stock changes only through the ledger: receive, issue, transfer, count — never
below zero (409 naming the stock). Department users see every resource of their region,
enterprise users their own unit's.
"""

from dataclasses import dataclass

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Schema, Status

from anjian.core.access import api_requires
from anjian.core.api import errors
from anjian.core.pagination import paginate
from anjian.emergency import permissions as perms
from anjian.emergency import selectors_resources, services_resources
from anjian.emergency.api_router import Section
from anjian.emergency.choices import (
    EquipmentStatus,
    ExpertField,
    OwnerKind,
    Readiness,
    ResourceKind,
    ShelterKind,
    ShelterStatus,
    Speciality,
    StorageLevel,
    SupplyCategory,
    TeamKind,
)
from anjian.emergency.models import (
    Equipment,
    Expert,
    RescueTeam,
    Shelter,
    TeamMember,
    Warehouse,
)
from anjian.emergency.schemas import check_choices, label_of, listable, named_fields, query_choice
from anjian.emergency.schemas_resources import (
    EmergencyCandidateOut,
    EmergencyEquipmentFilters,
    EmergencyEquipmentIn,
    EmergencyEquipmentOut,
    EmergencyEquipmentUpdateIn,
    EmergencyExpertFilters,
    EmergencyExpertIn,
    EmergencyExpertOut,
    EmergencyExpertUpdateIn,
    EmergencyNearestQuery,
    EmergencyReadinessIn,
    EmergencyShelterFilters,
    EmergencyShelterIn,
    EmergencyShelterOut,
    EmergencyShelterUpdateIn,
    EmergencyTeamDetailOut,
    EmergencyTeamFilters,
    EmergencyTeamIn,
    EmergencyTeamMemberIn,
    EmergencyTeamMemberOut,
    EmergencyTeamOut,
    EmergencyTeamUpdateIn,
    EmergencyWarehouseFilters,
    EmergencyWarehouseIn,
    EmergencyWarehouseOut,
    EmergencyWarehouseUpdateIn,
)

section = Section("应急资源")

OWNER_RELATIONS = ("region", "department", "enterprise")


@dataclass(frozen=True)
class Registry:
    """What the four operations of one kind of resource need to know."""

    label: str  # "救援队伍", for the summaries
    model: type
    id_name: str  # the services' keyword: "team_id"
    select: object  # selectors_resources.teams
    create: object  # services_resources.team_create
    update: object  # services_resources.team_update
    choices: dict  # field → choices, checked in filters and bodies
    related: tuple[str, ...] = ("region", "department", "enterprise")


TEAMS = Registry(
    "救援队伍",
    RescueTeam,
    "team_id",
    selectors_resources.teams,
    services_resources.team_create,
    services_resources.team_update,
    {
        "kind": TeamKind,
        "speciality": Speciality,
        "specialities": Speciality,
        "readiness": Readiness,
    },
)
WAREHOUSES = Registry(
    "物资储备库",
    Warehouse,
    "warehouse_id",
    selectors_resources.warehouses,
    services_resources.warehouse_create,
    services_resources.warehouse_update,
    {"storage_level": StorageLevel},
)
EQUIPMENT = Registry(
    "救援装备",
    Equipment,
    "equipment_id",
    selectors_resources.equipment,
    services_resources.equipment_create,
    services_resources.equipment_update,
    {"status": EquipmentStatus},
)
SHELTERS = Registry(
    "避难场所",
    Shelter,
    "shelter_id",
    selectors_resources.shelters,
    services_resources.shelter_create,
    services_resources.shelter_update,
    {"kind": ShelterKind, "status": ShelterStatus},
)
EXPERTS = Registry(
    "应急专家",
    Expert,
    "expert_id",
    selectors_resources.experts,
    services_resources.expert_create,
    services_resources.expert_update,
    {"field": ExpertField},
)


def present(schema: Schema, **dump) -> dict:
    return {k: v for k, v in schema.dict(**dump).items() if v not in (None, "")}


def list_of(registry: Registry, request: HttpRequest, filters: Schema):
    values = present(filters)
    for field, choices in registry.choices.items():
        query_choice(field, values.get(field), choices)
    return listable(registry.select(request.user, **values).select_related(*registry.related))


def one_of(registry: Registry, request: HttpRequest, pk: int):
    return get_object_or_404(
        registry.model.objects.for_user(request.user).select_related(*registry.related), pk=pk
    )


def create_from(registry: Registry, request: HttpRequest, payload: Schema):
    data = payload.dict()
    check_choices(data, {"owner_kind": OwnerKind, **registry.choices})
    made = registry.create(request.user, data=data)
    return Status(201, one_of(registry, request, made.pk))


def update_from(registry: Registry, request: HttpRequest, pk: int, payload: Schema):
    one_of(registry, request, pk)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version", None)
    check_choices(data, registry.choices)
    registry.update(request.user, **{registry.id_name: pk}, expected_version=version, data=data)
    return one_of(registry, request, pk)


def list_answers(out: type[Schema]) -> dict:
    return {200: list[out], **errors(422)}


def detail_answers(out: type[Schema]) -> dict:
    return {200: out, **errors(404)}


def create_answers(out: type[Schema]) -> dict:
    return {201: out, **errors(403, 404, 422)}


def change_answers(out: type[Schema]) -> dict:
    return {200: out, **errors(403, 404, 409, 422)}


CREATE_HELP = "所属区划、部门或单位须在管辖范围内（否则 404）；企业用户只能为本单位登记。"
UPDATE_HELP = "只修改提交的字段；带读取时的 version（已被他人修改时 409）。"


# --- teams ---------------------------------------------------------------------------------


@section.get("/teams", response=list_answers(EmergencyTeamOut), summary="救援队伍（分页）")
@api_requires(perms.EMERGENCY_VIEW)
@paginate(page_size=50)
def list_teams(request: HttpRequest, filters: Query[EmergencyTeamFilters]):
    return list_of(TEAMS, request, filters)


@section.get(
    "/teams/{int:team_id}",
    response=detail_answers(EmergencyTeamDetailOut),
    summary="救援队伍及队员",
)
@api_requires(perms.EMERGENCY_VIEW)
def get_team(request: HttpRequest, team_id: int):
    return one_of(TEAMS, request, team_id)


@section.post(
    "/teams",
    response=create_answers(EmergencyTeamDetailOut),
    summary="登记救援队伍（待命）",
    description=CREATE_HELP,
)
@api_requires(perms.RESOURCE_MANAGE)
@named_fields
def create_team(request: HttpRequest, payload: EmergencyTeamIn):
    return create_from(TEAMS, request, payload)


@section.patch(
    "/teams/{int:team_id}",
    response=change_answers(EmergencyTeamDetailOut),
    summary="修改救援队伍",
    description=UPDATE_HELP,
)
@api_requires(perms.RESOURCE_MANAGE)
@named_fields
def update_team(request: HttpRequest, team_id: int, payload: EmergencyTeamUpdateIn):
    return update_from(TEAMS, request, team_id, payload)


@section.post(
    "/teams/{int:team_id}/readiness",
    response=change_answers(EmergencyTeamDetailOut),
    summary="设置战备状态（待命、休整、不可用）",
    description="出动中由调派设定和解除：执行调派任务的队伍不能手工改变状态（409）。",
)
@api_requires(perms.RESOURCE_MANAGE)
def set_team_readiness(request: HttpRequest, team_id: int, payload: EmergencyReadinessIn):
    one_of(TEAMS, request, team_id)
    check_choices(payload.dict(), {"readiness": Readiness})
    services_resources.team_set_readiness(
        request.user,
        team_id=team_id,
        expected_version=payload.version,
        readiness=payload.readiness,
    )
    return one_of(TEAMS, request, team_id)


@section.post(
    "/teams/{int:team_id}/members",
    response=create_answers(EmergencyTeamMemberOut),
    summary="登记队员",
)
@api_requires(perms.RESOURCE_MANAGE)
def add_team_member(request: HttpRequest, team_id: int, payload: EmergencyTeamMemberIn):
    one_of(TEAMS, request, team_id)
    member = services_resources.team_member_add(request.user, team_id=team_id, data=payload.dict())
    return Status(201, member)


@section.post(
    "/teams/{int:team_id}/members/{int:team_member_id}/leave",
    response={200: EmergencyTeamMemberOut, **errors(403, 404, 409, 422)},
    summary="队员离队（记录保留）",
)
@api_requires(perms.RESOURCE_MANAGE)
def team_member_leave(request: HttpRequest, team_id: int, team_member_id: int):
    get_object_or_404(TeamMember, team=one_of(TEAMS, request, team_id), pk=team_member_id)
    return services_resources.team_member_leave(request.user, member_id=team_member_id)


# --- warehouses ----------------------------------------------------------------------------


@section.get(
    "/warehouses", response=list_answers(EmergencyWarehouseOut), summary="物资储备库（分页）"
)
@api_requires(perms.EMERGENCY_VIEW)
@paginate(page_size=50)
def list_warehouses(request: HttpRequest, filters: Query[EmergencyWarehouseFilters]):
    return list_of(WAREHOUSES, request, filters)


@section.get(
    "/warehouses/{int:warehouse_id}",
    response=detail_answers(EmergencyWarehouseOut),
    summary="物资储备库详情",
)
@api_requires(perms.EMERGENCY_VIEW)
def get_warehouse(request: HttpRequest, warehouse_id: int):
    return one_of(WAREHOUSES, request, warehouse_id)


@section.post(
    "/warehouses",
    response=create_answers(EmergencyWarehouseOut),
    summary="登记物资储备库",
    description=CREATE_HELP,
)
@api_requires(perms.RESOURCE_MANAGE)
@named_fields
def create_warehouse(request: HttpRequest, payload: EmergencyWarehouseIn):
    return create_from(WAREHOUSES, request, payload)


@section.patch(
    "/warehouses/{int:warehouse_id}",
    response=change_answers(EmergencyWarehouseOut),
    summary="修改物资储备库",
    description=UPDATE_HELP,
)
@api_requires(perms.RESOURCE_MANAGE)
@named_fields
def update_warehouse(request: HttpRequest, warehouse_id: int, payload: EmergencyWarehouseUpdateIn):
    return update_from(WAREHOUSES, request, warehouse_id, payload)


# --- equipment -----------------------------------------------------------------------------


@section.get("/equipment", response=list_answers(EmergencyEquipmentOut), summary="救援装备（分页）")
@api_requires(perms.EMERGENCY_VIEW)
@paginate(page_size=50)
def list_equipment(request: HttpRequest, filters: Query[EmergencyEquipmentFilters]):
    return list_of(EQUIPMENT, request, filters)


@section.get(
    "/equipment/{int:equipment_id}",
    response=detail_answers(EmergencyEquipmentOut),
    summary="救援装备详情",
)
@api_requires(perms.EMERGENCY_VIEW)
def get_equipment(request: HttpRequest, equipment_id: int):
    return one_of(EQUIPMENT, request, equipment_id)


@section.post(
    "/equipment",
    response=create_answers(EmergencyEquipmentOut),
    summary="登记救援装备",
    description=CREATE_HELP,
)
@api_requires(perms.RESOURCE_MANAGE)
@named_fields
def create_equipment(request: HttpRequest, payload: EmergencyEquipmentIn):
    return create_from(EQUIPMENT, request, payload)


@section.patch(
    "/equipment/{int:equipment_id}",
    response=change_answers(EmergencyEquipmentOut),
    summary="修改救援装备",
    description=UPDATE_HELP,
)
@api_requires(perms.RESOURCE_MANAGE)
@named_fields
def update_equipment(request: HttpRequest, equipment_id: int, payload: EmergencyEquipmentUpdateIn):
    return update_from(EQUIPMENT, request, equipment_id, payload)


# --- shelters ------------------------------------------------------------------------------


@section.get("/shelters", response=list_answers(EmergencyShelterOut), summary="避难场所（分页）")
@api_requires(perms.EMERGENCY_VIEW)
@paginate(page_size=50)
def list_shelters(request: HttpRequest, filters: Query[EmergencyShelterFilters]):
    return list_of(SHELTERS, request, filters)


@section.get(
    "/shelters/{int:shelter_id}",
    response=detail_answers(EmergencyShelterOut),
    summary="避难场所详情",
)
@api_requires(perms.EMERGENCY_VIEW)
def get_shelter(request: HttpRequest, shelter_id: int):
    return one_of(SHELTERS, request, shelter_id)


@section.post(
    "/shelters",
    response=create_answers(EmergencyShelterOut),
    summary="登记避难场所",
    description=CREATE_HELP,
)
@api_requires(perms.RESOURCE_MANAGE)
@named_fields
def create_shelter(request: HttpRequest, payload: EmergencyShelterIn):
    return create_from(SHELTERS, request, payload)


@section.patch(
    "/shelters/{int:shelter_id}",
    response=change_answers(EmergencyShelterOut),
    summary="修改避难场所",
    description=UPDATE_HELP,
)
@api_requires(perms.RESOURCE_MANAGE)
@named_fields
def update_shelter(request: HttpRequest, shelter_id: int, payload: EmergencyShelterUpdateIn):
    return update_from(SHELTERS, request, shelter_id, payload)


# --- experts -------------------------------------------------------------------------------


@section.get("/experts", response=list_answers(EmergencyExpertOut), summary="应急专家（分页）")
@api_requires(perms.EMERGENCY_VIEW)
@paginate(page_size=50)
def list_experts(request: HttpRequest, filters: Query[EmergencyExpertFilters]):
    return list_of(EXPERTS, request, filters)


@section.get(
    "/experts/{int:expert_id}", response=detail_answers(EmergencyExpertOut), summary="应急专家详情"
)
@api_requires(perms.EMERGENCY_VIEW)
def get_expert(request: HttpRequest, expert_id: int):
    return one_of(EXPERTS, request, expert_id)


@section.post(
    "/experts",
    response=create_answers(EmergencyExpertOut),
    summary="登记应急专家",
    description=CREATE_HELP,
)
@api_requires(perms.RESOURCE_MANAGE)
@named_fields
def create_expert(request: HttpRequest, payload: EmergencyExpertIn):
    return create_from(EXPERTS, request, payload)


@section.patch(
    "/experts/{int:expert_id}",
    response=change_answers(EmergencyExpertOut),
    summary="修改应急专家",
    description=UPDATE_HELP,
)
@api_requires(perms.RESOURCE_MANAGE)
@named_fields
def update_expert(request: HttpRequest, expert_id: int, payload: EmergencyExpertUpdateIn):
    return update_from(EXPERTS, request, expert_id, payload)


# --- the nearest available -----------------------------------------------------------------

NEAREST_CHOICES = {
    "kind": ResourceKind,
    "speciality": Speciality,
    "field": ExpertField,
}


def candidate_out(candidate) -> dict:
    """A ``selectors_resources.Candidate`` as ``EmergencyCandidateOut`` reads it."""
    resource, kind = candidate.resource, str(candidate.kind)
    if kind == ResourceKind.SUPPLY:
        owner, phone = resource.warehouse.name, resource.warehouse.phone
        note = " ".join(filter(None, (resource.spec, resource.unit, resource.batch)))
    else:
        owner, phone = resource.owner_name, getattr(resource, "phone", "")
        note = {
            ResourceKind.TEAM: lambda: "、".join(
                label_of(Speciality, code) for code in resource.speciality_codes
            ),
            ResourceKind.EQUIPMENT: lambda: " ".join(
                filter(None, (resource.category, resource.spec))
            ),
            ResourceKind.SHELTER: lambda: (
                f"{resource.get_kind_display()}，空余{resource.free_places}人"
            ),
            ResourceKind.EXPERT: lambda: " ".join(
                filter(None, (resource.get_field_display(), resource.employer))
            ),
        }[kind]()
    return {
        "kind": kind,
        "kind_label": label_of(ResourceKind, kind),
        "id": resource.pk,
        "name": resource.name,
        "distance_km": round(candidate.distance_km, 3),
        "available": candidate.available,
        "latitude": resource.latitude,
        "longitude": resource.longitude,
        "owner_name": owner,
        "phone": phone,
        "note": note,
    }


@section.get(
    "/nearest",
    response={200: list[EmergencyCandidateOut], **errors(422)},
    summary="最近的可用资源（按距离排序，含 distance_km）",
    description=(
        "只列可用的：待命且在册的队伍（speciality 为专业方向）；库存不少于 quantity 且未过期的"
        "物资（category、name）；完好且可调用数不少于 quantity 的装备；可启用或已启用且空余位置"
        "不少于 quantity 的避难场所；可参与处置且未在执行任务的专家（field）。"
        "范围为调用者的管辖范围。"
    ),
)
@api_requires(perms.EMERGENCY_VIEW)
def nearest(request: HttpRequest, query: Query[EmergencyNearestQuery]):
    for field, choices in NEAREST_CHOICES.items():
        query_choice(field, getattr(query, field), choices)
    criteria = present(query, exclude={"kind", "lat", "lon", "limit"})
    if query.kind == ResourceKind.SUPPLY:
        query_choice("category", query.category, SupplyCategory)
    found = selectors_resources.nearest(
        request.user,
        kind=ResourceKind(query.kind),
        latitude=query.lat,
        longitude=query.lon,
        limit=query.limit,
        **criteria,
    )
    return [candidate_out(candidate) for candidate in found]
