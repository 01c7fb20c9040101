"""/api/v1/enterprises — the registry for integrations, with the page's validation and scope."""

from datetime import date, datetime
from decimal import Decimal

from django.forms.models import model_to_dict
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from anjian.core.access import api_requires
from anjian.core.api import FormInvalid, errors
from anjian.core.pagination import paginate, rows_for
from anjian.enterprises import permissions as perms
from anjian.enterprises import selectors, services
from anjian.enterprises.choices import KEY_FLAGS
from anjian.enterprises.forms import EnterpriseForm, form_class_for
from anjian.enterprises.models import Enterprise

router = Router(tags=["生产经营单位"])


class RegionRef(Schema):
    code: str
    name: str


class IndustryRef(Schema):
    code: str
    name: str


class DepartmentRef(Schema):
    id: int
    name: str


class EnterpriseOut(Schema):
    id: int
    name: str = Field(description="单位名称")
    credit_code: str = Field(description="统一社会信用代码（GB 32100）")
    legal_representative: str
    principal_name: str
    principal_phone: str
    safety_manager_name: str
    safety_manager_phone: str
    address: str
    latitude: Decimal | None = Field(description="WGS-84 纬度")
    longitude: Decimal | None = Field(description="WGS-84 经度")
    street: RegionRef
    grid: RegionRef | None
    industry: IndustryRef
    economic_code: str = Field(description="国民经济行业代码（GB/T 4754-2017）")
    employees: int
    scale: str = Field(description="above=规上, below=规下")
    supervising_department: DepartmentRef | None
    department_overridden: bool
    supervision_grade: str = Field(description="A/B/C/D 分级分类监管等级")
    standardisation_grade: str = Field(description="1/2/3 标准化等级，空字符串为未达标")
    standardisation_expires: date | None
    insured_until: date | None = Field(description="安责险有效期至")
    status: str = Field(
        description="operating 在营 / suspended 停产 / closed 歇业 / deregistered 注销"
    )
    involves_hazchem: bool
    dust_explosion: bool
    ammonia_refrigeration: bool
    confined_space: bool
    fire_key_unit: bool
    crowded_place: bool
    version: int = Field(description="修改时原样带回，用于并发冲突检测")
    created_at: datetime
    updated_at: datetime


class EnterpriseFilters(Schema):
    """The list page's filters, with the same names and meaning."""

    q: str | None = Field(None, description="搜索：名称、信用代码、地址、负责人（子串匹配）")
    street: str | None = Field(None, description="街镇区划代码")
    industry: str | None = Field(None, description="监管行业代码，如 hazchem")
    supervision_grade: str | None = Field(None, description="A/B/C/D")
    status: str | None = None
    scale: str | None = None
    standardisation_grade: str | None = Field(None, description="1/2/3 或 none")
    flag: list[str] = Field([], description="重点对象：" + "、".join(KEY_FLAGS))
    department: int | None = Field(None, description="监管部门 id")
    insurance: str | None = Field(None, description="安责险：valid/soon/expired/none")
    standardisation_expiry: str | None = Field(
        None, description="标准化有效期：valid/soon/expired/none"
    )
    sort: str | None = Field(None, description="排序字段，前加 - 为倒序，如 -updated_at")


class EnterpriseIn(Schema):
    name: str
    credit_code: str
    legal_representative: str
    principal_name: str
    principal_phone: str
    safety_manager_name: str = ""
    safety_manager_phone: str = ""
    address: str
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    street: str = Field(description="街镇区划代码（9位）")
    grid: str | None = Field(None, description="网格/社区代码")
    industry: str = Field(description="监管行业代码")
    economic_code: str
    employees: int
    scale: str
    supervising_department: int | None = Field(
        None, description="手工指定监管部门 id；省略则按监管行业自动确定"
    )
    supervision_grade: str
    standardisation_grade: str = ""
    standardisation_expires: date | None = None
    insured_until: date | None = None
    status: str = "operating"
    involves_hazchem: bool = False
    dust_explosion: bool = False
    ammonia_refrigeration: bool = False
    confined_space: bool = False
    fire_key_unit: bool = False
    crowded_place: bool = False


class EnterprisePatch(Schema):
    """Only the fields to change, plus the version read earlier (409 if it moved on)."""

    version: int
    name: str | None = None
    credit_code: str | None = None
    legal_representative: str | None = None
    principal_name: str | None = None
    principal_phone: str | None = None
    safety_manager_name: str | None = None
    safety_manager_phone: str | None = None
    address: str | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    street: str | None = None
    grid: str | None = None
    industry: str | None = None
    economic_code: str | None = None
    employees: int | None = None
    scale: str | None = None
    supervising_department: int | None = None
    supervision_grade: str | None = None
    standardisation_grade: str | None = None
    standardisation_expires: date | None = None
    insured_until: date | None = None
    status: str | None = None
    involves_hazchem: bool | None = None
    dust_explosion: bool | None = None
    ammonia_refrigeration: bool | None = None
    confined_space: bool | None = None
    fire_key_unit: bool | None = None
    crowded_place: bool | None = None


def _form_data(payload: dict) -> dict:
    data = {key: ("" if value is None else value) for key, value in payload.items()}
    if "supervising_department" in payload:
        data["department_overridden"] = payload["supervising_department"] is not None
    return data


def _current_data(enterprise: Enterprise, fields) -> dict:
    data = model_to_dict(enterprise, fields=fields)
    data["industry"] = enterprise.industry.code
    data["grid"] = enterprise.grid_id or ""
    for key, value in data.items():
        if value is None:
            data[key] = ""
    return data


@router.get("/", response=list[EnterpriseOut], summary="单位列表（按筛选条件，分页）")
@api_requires(perms.ENTERPRISE_VIEW)
@paginate(page_size=50)
def list_enterprises(request: HttpRequest, filters: Query[EnterpriseFilters]):
    filterset = selectors.enterprise_filter(request.user, request.GET)
    # No query string leaves the filterset unbound, and an unbound form is never "valid".
    if filterset.is_bound and not filterset.form.is_valid():
        raise FormInvalid(filterset.form, location="query")
    return rows_for(filterset.qs, EnterpriseOut)


@router.get(
    "/{int:enterprise_id}", response={200: EnterpriseOut, **errors(404)}, summary="单位详情"
)
@api_requires(perms.ENTERPRISE_VIEW)
def get_enterprise(request: HttpRequest, enterprise_id: int):
    return selectors.enterprise_get(request.user, enterprise_id)


@router.post(
    "/",
    response={201: EnterpriseOut, **errors(422)},
    summary="登记单位",
    description="校验与页面相同；统一社会信用代码重复时返回 422 并写明已登记的单位。",
)
@api_requires(perms.ENTERPRISE_ADD)
def create_enterprise(request: HttpRequest, payload: EnterpriseIn):
    form = EnterpriseForm(_form_data(payload.dict()), user=request.user)
    if not form.is_valid():
        raise FormInvalid(form)
    enterprise = services.enterprise_create(by=request.user, data=form.service_data())
    return Status(201, selectors.enterprise_get(request.user, enterprise.pk))


@router.patch(
    "/{int:enterprise_id}",
    response={200: EnterpriseOut, **errors(404, 409, 422)},
    summary="修改单位",
    description="只需提交要修改的字段和读取时的 version；他人已先修改时返回 409。",
)
@api_requires(perms.ENTERPRISE_CHANGE, perms.ENTERPRISE_CHANGE_OWN)
def update_enterprise(request: HttpRequest, enterprise_id: int, payload: EnterprisePatch):
    enterprise = selectors.enterprise_get(request.user, enterprise_id)
    form_class = form_class_for(request.user)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    fields = form_class._meta.fields
    unknown = set(changes) - set(fields)
    data = {**_current_data(enterprise, fields), **_form_data(changes)}
    form = form_class(data, instance=enterprise, user=request.user)
    if unknown:
        for field in sorted(unknown):
            form.add_error(None, f"无权修改字段 {field}")
    if not form.is_valid():
        raise FormInvalid(form)
    updated = services.enterprise_update(
        by=request.user,
        enterprise_id=enterprise_id,
        data={key: form.cleaned_data[key] for key in fields if key in form.cleaned_data},
        expected_version=version,
    )
    return Status(200, selectors.enterprise_get(request.user, updated.pk))
