"""/api/v1/regions — the region tree, industries and departments (reference data)."""

from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from anjian.core.access import api_requires
from anjian.core.api import errors
from anjian.regions import permissions as perms
from anjian.regions.models import Department, Industry, Region

router = Router(tags=["区划、行业与部门"])


class RegionOut(Schema):
    code: str = Field(description="GB/T 2260 区划代码；网格为上级代码加 W 和三位序号")
    name: str
    full_name: str
    level: int = Field(description="1省 2市 3区县 4街镇 5社区 6网格")
    parent_code: str | None = Field(None, alias="parent_id")
    latitude: float | None
    longitude: float | None
    is_active: bool


class RegionFilters(Schema):
    parent: str | None = Field(None, description="上级区划代码：列出其直接下级")
    level: int | None = None
    q: str | None = Field(None, description="名称包含")


class IndustryOut(Schema):
    id: int
    code: str
    name: str
    group: str


class DepartmentOut(Schema):
    id: int
    name: str
    short_name: str
    region_code: str = Field(alias="region_id")
    is_comprehensive: bool
    industries: list[str] = Field(description="监管行业代码")

    @staticmethod
    def resolve_industries(obj):
        return [industry.code for industry in obj.industries.all()]


@router.get("/", response={200: list[RegionOut], **errors(422)}, summary="区划列表")
@api_requires(perms.REGION_VIEW)
def list_regions(request: HttpRequest, filters: Query[RegionFilters]):
    regions = Region.objects.active()
    if filters.parent:
        regions = regions.filter(parent_id=filters.parent)
    if filters.level:
        regions = regions.filter(level=filters.level)
    if filters.q:
        regions = regions.filter(Q(name__contains=filters.q) | Q(code__startswith=filters.q))
    return regions[:2000]


@router.get("/industries", response=list[IndustryOut], summary="监管行业")
@api_requires(perms.REGION_VIEW)
def list_industries(request: HttpRequest):
    return Industry.objects.filter(is_active=True)


@router.get("/departments", response=list[DepartmentOut], summary="部门及其监管行业")
@api_requires(perms.DEPARTMENT_VIEW)
def list_departments(request: HttpRequest):
    return Department.objects.filter(is_active=True).prefetch_related("industries")


@router.get("/{code}", response={200: RegionOut, **errors(404)}, summary="区划详情")
@api_requires(perms.REGION_VIEW)
def get_region(request: HttpRequest, code: str):
    return get_object_or_404(Region, code=code)
