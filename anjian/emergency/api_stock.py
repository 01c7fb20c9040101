"""/api/v1/emergency — supplies (应急物资) and their stock ledger.

A supply line's quantity changes only through the ledger: receive (入库), issue (出库,
轮换出库, 报废), transfer to another warehouse (调拨: one movement out, one in) and count
(盘点: the difference). Stock never goes below zero: an issue or transfer larger than the
stock is a 409 that names the stock. Dispatch to an incident (应急调拨) and its return
happen through the incident's assignments.
"""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Status
from ninja.errors import HttpError

from anjian.core.access import api_requires
from anjian.core.api import errors
from anjian.core.pagination import paginate
from anjian.emergency import permissions as perms
from anjian.emergency import selectors_resources, services_resources
from anjian.emergency.api_resources import (
    UPDATE_HELP,
    Registry,
    change_answers,
    create_answers,
    detail_answers,
    list_answers,
    list_of,
    one_of,
    update_from,
)
from anjian.emergency.api_router import Section
from anjian.emergency.choices import MovementKind, StorageLevel, SupplyCategory
from anjian.emergency.models import Supply, Warehouse
from anjian.emergency.schemas import check_choices, named_fields
from anjian.emergency.schemas_resources import (
    EmergencyCountIn,
    EmergencyCountOut,
    EmergencyIssueIn,
    EmergencyMovementOut,
    EmergencyReceiveIn,
    EmergencySupplyFilters,
    EmergencySupplyIn,
    EmergencySupplyOut,
    EmergencySupplyUpdateIn,
    EmergencyTransferIn,
    EmergencyTransferOut,
)

section = Section("应急资源")

SUPPLIES = Registry(
    "应急物资",
    Supply,
    "supply_id",
    selectors_resources.supplies,
    None,  # supply_create takes the warehouse apart: create_supply
    services_resources.supply_update,
    {"category": SupplyCategory, "storage_level": StorageLevel},
    related=("warehouse",),
)


# --- supplies ----------------------------------------------------------------------------


@section.get("/supplies", response=list_answers(EmergencySupplyOut), summary="应急物资（分页）")
@api_requires(perms.EMERGENCY_VIEW)
@paginate(page_size=50)
def list_supplies(request: HttpRequest, filters: Query[EmergencySupplyFilters]):
    if filters.expiry not in (None, "", "expired", "soon"):
        raise HttpError(422, "expiry：应为 expired（已过期）或 soon（30天内到期）")
    return list_of(SUPPLIES, request, filters)


@section.get(
    "/supplies/{int:supply_id}", response=detail_answers(EmergencySupplyOut), summary="应急物资详情"
)
@api_requires(perms.EMERGENCY_VIEW)
def get_supply(request: HttpRequest, supply_id: int):
    return one_of(SUPPLIES, request, supply_id)


@section.post(
    "/supplies",
    response=create_answers(EmergencySupplyOut),
    summary="登记应急物资（可带初始库存，登记为一条入库记录）",
    description="储备库须在管辖范围内（否则 404）。",
)
@api_requires(perms.RESOURCE_MANAGE)
@named_fields
def create_supply(request: HttpRequest, payload: EmergencySupplyIn):
    get_object_or_404(Warehouse.objects.for_user(request.user), pk=payload.warehouse_id)
    data = payload.dict(exclude={"warehouse_id", "quantity"})
    check_choices(data, SUPPLIES.choices)
    supply = services_resources.supply_create(
        request.user, warehouse_id=payload.warehouse_id, data=data, quantity=payload.quantity
    )
    return Status(201, one_of(SUPPLIES, request, supply.pk))


@section.patch(
    "/supplies/{int:supply_id}",
    response=change_answers(EmergencySupplyOut),
    summary="修改应急物资（不含库存：库存只由出入库记录改变）",
    description=UPDATE_HELP,
)
@api_requires(perms.RESOURCE_MANAGE)
@named_fields
def update_supply(request: HttpRequest, supply_id: int, payload: EmergencySupplyUpdateIn):
    return update_from(SUPPLIES, request, supply_id, payload)


@section.get(
    "/supplies/{int:supply_id}/movements",
    response={200: list[EmergencyMovementOut], **errors(404, 422)},
    summary="出入库记录（最新在前，分页）",
)
@api_requires(perms.EMERGENCY_VIEW)
@paginate(page_size=100)
def list_movements(request: HttpRequest, supply_id: int):
    supply = one_of(SUPPLIES, request, supply_id)
    return supply.movements.select_related("by").order_by("-at", "-id")


def _ledger(request: HttpRequest, supply_id: int, change, **arguments):
    one_of(SUPPLIES, request, supply_id)
    return change(request.user, supply_id=supply_id, **arguments)


LEDGER = {201: EmergencyMovementOut, **errors(403, 404, 409, 422)}


@section.post("/supplies/{int:supply_id}/receive", response=LEDGER, summary="入库")
@api_requires(perms.RESOURCE_MANAGE)
def receive_stock(request: HttpRequest, supply_id: int, payload: EmergencyReceiveIn):
    return Status(
        201, _ledger(request, supply_id, services_resources.stock_receive, **payload.dict())
    )


@section.post(
    "/supplies/{int:supply_id}/issue",
    response=LEDGER,
    summary="出库（出库、轮换出库、报废）",
    description="出库后库存不能为负：超过库存时返回 409，说明现有库存。",
)
@api_requires(perms.RESOURCE_MANAGE)
def issue_stock(request: HttpRequest, supply_id: int, payload: EmergencyIssueIn):
    if payload.kind not in (MovementKind.ISSUE, MovementKind.ROTATION, MovementKind.SCRAP):
        raise HttpError(422, "kind：出库类型应为 issue、rotation 或 scrap")
    return Status(
        201, _ledger(request, supply_id, services_resources.stock_issue, **payload.dict())
    )


@section.post(
    "/supplies/{int:supply_id}/transfer",
    response={201: EmergencyTransferOut, **errors(403, 404, 409, 422)},
    summary="调拨到另一储备库（一条调出、一条调入记录）",
    description="调入库须在管辖范围内（否则 404）；超过库存返回 409。",
)
@api_requires(perms.RESOURCE_MANAGE)
@named_fields
def transfer_stock(request: HttpRequest, supply_id: int, payload: EmergencyTransferIn):
    get_object_or_404(Warehouse.objects.for_user(request.user), pk=payload.to_warehouse_id)
    out, into = _ledger(request, supply_id, services_resources.stock_transfer, **payload.dict())
    return Status(201, {"out": out, "into": into})


@section.post(
    "/supplies/{int:supply_id}/count",
    response={200: EmergencyCountOut, **errors(403, 404, 409, 422)},
    summary="盘点（按实存数量调整，记录差额）",
)
@api_requires(perms.RESOURCE_MANAGE)
def count_stock(request: HttpRequest, supply_id: int, payload: EmergencyCountIn):
    movement = _ledger(request, supply_id, services_resources.stock_count, **payload.dict())
    return {"movement": movement, "supply": one_of(SUPPLIES, request, supply_id)}
