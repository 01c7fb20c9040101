"""/api/v1/places: the register of public places, read-only (ADR 14). An integrator
reporting a hazard of a road section or a facade finds its ``place_id`` here."""

from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from anjian.core.access import api_requires
from anjian.core.api import FormInvalid, errors
from anjian.core.pagination import paginate
from anjian.enterprises import permissions as perms
from anjian.enterprises.places import selectors
from anjian.enterprises.places.models import PlaceKind

router = Router(tags=["公共区域"])


class PlaceOut(Schema):
    id: int
    kind: str = Field(description="、".join(f"{k.value} {k.label}" for k in PlaceKind))
    name: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    street: str = Field(alias="street_id", description="街镇区划代码")
    grid: str | None = Field(alias="grid_id", description="网格/社区代码")
    scope_region_code: str
    industry: str = Field(alias="industry.code", description="监管领域（公共区域行业）代码")
    responsible_department: int | None = Field(
        alias="responsible_department_id", description="手工指定的责任部门 id；空=按监管领域确定"
    )
    contact_name: str
    contact_phone: str
    is_active: bool
    version: int
    updated_at: datetime


class PlaceFilters(Schema):
    q: str | None = Field(None, description="搜索：名称、位置（可用拼音）")
    kind: str | None = Field(None, description="类型")
    street: str | None = Field(None, description="街镇区划代码")
    industry: str | None = Field(None, description="监管领域代码，如 road_traffic")
    active: str | None = Field(None, description="yes 在用 / no 已停用")


@router.get("/", response=list[PlaceOut], summary="公共区域列表（按筛选条件，分页）")
@api_requires(perms.PLACE_VIEW)
@paginate(page_size=50)
def list_places(request: HttpRequest, filters: Query[PlaceFilters]):
    filterset = selectors.place_filter(request.user, request.GET)
    if filterset.is_bound and not filterset.form.is_valid():
        raise FormInvalid(filterset.form, location="query")
    return filterset.qs


@router.get("/{int:place_id}", response={200: PlaceOut, **errors(404)}, summary="公共区域详情")
@api_requires(perms.PLACE_VIEW)
def get_place(request: HttpRequest, place_id: int):
    return selectors.place_get(request.user, place_id)
