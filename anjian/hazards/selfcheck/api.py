"""/api/v1/self-checks — enterprise check plans and records for integrations (e.g. an
enterprise's own inspection app). Failed items raise hazards exactly as on the page."""

from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from anjian.core.access import api_requires
from anjian.core.api import errors
from anjian.core.pagination import paginate
from anjian.hazards import permissions as perms
from anjian.hazards.models import CheckPlan, CheckRecord
from anjian.hazards.selfcheck import services

router = Router(tags=["企业自查"])
READ = (perms.SELFCHECK_MANAGE, perms.HAZARD_VIEW)


class ItemOut(Schema):
    id: int
    text: str = Field(description="检查内容：应当达到的状态")
    finding: str = Field(description="问题表述：不合格时登记的隐患名称（可为空）")
    area: str = Field(description="检查部位：该项固定的部位（可为空）")
    default_title: str = Field(description="不合格且未另填隐患名称时登记的隐患名称")
    clause_id: int | None

    @staticmethod
    def resolve_default_title(obj):
        return services.default_title(obj)


class PlanOut(Schema):
    id: int
    enterprise_id: int
    name: str
    frequency: str = Field(description="daily / weekly / monthly / special")
    scope_note: str
    is_active: bool
    items: list[ItemOut]

    @staticmethod
    def resolve_items(obj: CheckPlan):
        return list(obj.items.active())


class ResultOut(Schema):
    item_id: int
    passed: bool
    place: str = Field(description="检查部位（不合格项）")
    note: str
    hazard_id: int | None


class RecordOut(Schema):
    id: int
    plan_id: int
    enterprise_id: int
    performed_at: datetime
    note: str
    results: list[ResultOut]

    @staticmethod
    def resolve_results(obj: CheckRecord):
        return list(obj.results.all())


class ResultIn(Schema):
    item_id: int
    passed: bool
    note: str = Field("", description="问题说明（不合格时必填）")
    place: str = Field("", description="检查部位（不合格时必填；留空则用检查项的 area）")
    title: str = Field("", description="隐患名称（留空则用检查项的 default_title）")


class RecordIn(Schema):
    results: list[ResultIn]
    note: str = ""
    performed_at: datetime | None = None


@router.get("/plans", response=list[PlanOut], summary="自查计划")
@api_requires(*READ)
@paginate(page_size=50)
def list_plans(request: HttpRequest):
    return CheckPlan.objects.for_user(request.user).prefetch_related("items")


@router.get("/plans/{int:plan_id}", response={200: PlanOut, **errors(404)}, summary="自查计划详情")
@api_requires(*READ)
def get_plan(request: HttpRequest, plan_id: int):
    return get_object_or_404(CheckPlan.objects.for_user(request.user), pk=plan_id)


@router.get("/records", response=list[RecordOut], summary="自查记录")
@api_requires(*READ)
@paginate(page_size=50)
def list_records(request: HttpRequest):
    return CheckRecord.objects.for_user(request.user).prefetch_related("results")


@router.post(
    "/plans/{int:plan_id}/records",
    response={201: RecordOut, **errors(403, 404, 422)},
    summary="提交一次自查（不合格项自动登记隐患）",
    description="每个检查项一条结果；不合格项须填写问题说明和检查部位（place，留空则用检查项的 "
    "area），登记的隐患以检查部位为隐患部位、以 title（留空则用检查项的 default_title，即其"
    "问题表述）为隐患名称。照片请在隐患登记后通过 /api/v1/hazards/{id}/photos 补充。",
)
@api_requires(perms.SELFCHECK_MANAGE)
def submit_record(request: HttpRequest, plan_id: int, payload: RecordIn):
    get_object_or_404(CheckPlan.objects.for_user(request.user), pk=plan_id)
    record = services.check_record_submit(
        by=request.user,
        plan_id=plan_id,
        results=[{**r.dict(), "photos": []} for r in payload.results],
        note=payload.note,
        performed_at=payload.performed_at,
    )
    return Status(201, record)
