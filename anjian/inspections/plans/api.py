"""/api/v1/inspection-plans — 年度/季度监督检查计划 for integrations.

``POST /`` drafts a department's plan from the frequency policy (every operating unit of
its industries with the visits its grade asks for); ``PATCH /{id}/entries/{entry_id}``
adjusts a unit (a reason when the visits differ from the proposal; ``version`` is the
plan's); ``submit`` / ``approve`` / ``return`` are the lifecycle's transitions (409 when
someone was first or the state does not allow it; the approver is not the author).
``GET /policy`` and ``PUT /policy``: the region's frequencies (local policy).
"""

from datetime import datetime

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from anjian.core.access import api_requires
from anjian.core.api import ActionOut, available_actions, errors
from anjian.core.exceptions import OutOfScope, ValidationError
from anjian.core.pagination import paginate
from anjian.core.scoping import scope_of
from anjian.inspections import permissions as perms
from anjian.inspections.lifecycle import PLAN
from anjian.inspections.plan_models import PlanState
from anjian.inspections.plans import selectors, services
from anjian.regions.models import Department, Region

router = Router(tags=["监督检查计划"])


class PlanOut(Schema):
    id: int
    department_id: int = Field(description="编制部门 id")
    department_name: str = Field(alias="department.name")
    year: int
    quarter: int = Field(description="1–4 为季度计划；0 为年度计划")
    title: str
    state: str = Field(description="draft 编制中 / submitted 待审批 / approved 已批准")
    policy_basis: str = Field(description="生成建议次数所依据的频次政策（地方政策）")
    approved_at: datetime | None
    version: int = Field(description="提交、审批、调整时原样带回，用于并发冲突检测")


class PlanListOut(PlanOut):
    units: int = Field(description="计划检查的单位数")
    visits: int | None = Field(description="计划检查次数合计")


class GradeTotalOut(Schema):
    grade: str = Field(description="监管等级；空字符串为合计")
    units: int
    major: int = Field(description="其中存在重大风险的单位数")
    visits: int


class OverCapOut(Schema):
    enterprise_id: int
    enterprise_name: str
    visits: int = Field(description="本部门全年对该单位的检查次数（含参加其他部门的联合检查）")
    cap: int = Field(description="频次政策规定的上限")


class PlanDetailOut(PlanOut):
    totals: list[GradeTotalOut]
    over_cap: list[OverCapOut] = Field(description="将超过年度检查上限的单位")
    actions: list[ActionOut] = Field(description="调用者现在可以执行的操作")

    @staticmethod
    def resolve_totals(obj) -> list:
        return selectors.totals(obj)

    @staticmethod
    def resolve_over_cap(obj) -> list:
        return [
            {
                "enterprise_id": w.entry.enterprise_id,
                "enterprise_name": w.entry.enterprise.name,
                "visits": w.visits,
                "cap": w.cap,
            }
            for w in selectors.over_cap(obj)
        ]

    @staticmethod
    def resolve_actions(obj, context) -> list:
        return available_actions(PLAN, obj, context)


class PlanIn(Schema):
    department_id: int = Field(description="编制部门 id（行业部门用户只能填本部门）")
    year: int
    quarter: int = Field(0, description="1–4 为季度计划；0 为年度计划")
    title: str = Field("", description="不填则自动命名")


class EntryOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str = Field(alias="enterprise.name")
    grade: str = Field(description="生成计划时的监管等级")
    major_risk: bool = Field(description="生成计划时存在重大风险点（加检）")
    proposed_visits: int = Field(description="按频次政策建议的次数")
    visits: int = Field(description="计划次数")
    reason: str = Field(description="与建议次数不同时的调整理由")
    joint_department_ids: list[int] = Field(description="联合检查部门 id")

    @staticmethod
    def resolve_joint_department_ids(obj) -> list[int]:
        return [d.pk for d in obj.joint_departments.all()]


class EntryPatch(Schema):
    version: int = Field(description="计划的 version（读取计划时得到）")
    visits: int
    reason: str = ""
    joint_department_ids: list[int] = []


class TransitionIn(Schema):
    version: int | None = Field(None, description="读取时的 version；省略则不做并发检查")
    reason: str = Field("", description="退回时必填")


class PolicyOut(Schema):
    region: str = Field(description="设定该政策的区划代码；空为平台默认")
    grade_a: int
    grade_b: int
    grade_c: int
    grade_d: int
    major_risk_extra: int = Field(description="存在重大风险的单位每年加检次数")
    yearly_cap: int = Field(description="同一部门对同一单位每年检查上限")
    basis: str = Field(description="政策依据（地方政策）")
    version: int

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.region_id or ""


class PolicyIn(Schema):
    region: str = Field(description="区划代码（在本人管辖范围内）")
    grade_a: int
    grade_b: int
    grade_c: int
    grade_d: int
    major_risk_extra: int
    yearly_cap: int
    basis: str
    version: int | None = Field(None, description="修改已有政策时带回读取时的 version")


@router.get("/", response=list[PlanListOut], summary="检查计划列表")
@api_requires(perms.INSPECTION_VIEW)
@paginate(page_size=50)
def list_plans(
    request: HttpRequest,
    year: int | None = None,
    state: str | None = Query(None, description="draft / submitted / approved"),
    department: int | None = None,
):
    plans = selectors.plans(request.user)
    if year is not None:
        plans = plans.filter(year=year)
    if state in PlanState.values:
        plans = plans.filter(state=state)
    if department is not None:
        plans = plans.filter(department_id=department)
    return plans


@router.post("/", response={201: PlanDetailOut, **errors(404, 422)}, summary="编制计划")
@api_requires(perms.INSPECTION_PLAN)
def create_plan(request: HttpRequest, payload: PlanIn):
    department = get_object_or_404(Department, pk=payload.department_id)
    plan = services.plan_propose(
        request.user,
        department=department,
        year=payload.year,
        quarter=payload.quarter,
        title=payload.title,
    )
    return Status(201, selectors.plan_get(request.user, plan.pk))


@router.get("/policy", response={200: PolicyOut, **errors(404)}, summary="检查频次政策")
@api_requires(perms.INSPECTION_VIEW)
def get_policy(
    request: HttpRequest,
    region: str = Query("", description="区划代码；省略为本人所在区划"),
):
    region = region or request.user.region_id or settings.REGION_ROOT
    if not scope_of(request.user).covers_region(region):
        raise OutOfScope()
    return services.policy_for(region)


@router.put(
    "/policy", response={200: PolicyOut, **errors(404, 409, 422)}, summary="设定检查频次政策"
)
@api_requires(perms.INSPECTION_PLAN)
def put_policy(request: HttpRequest, payload: PolicyIn):
    region = get_object_or_404(Region, code=payload.region)
    data = payload.dict(exclude={"region", "version"})
    return services.policy_save(request.user, region=region, data=data, version=payload.version)


@router.get("/{int:plan_id}", response={200: PlanDetailOut, **errors(404)}, summary="计划详情")
@api_requires(perms.INSPECTION_VIEW)
def get_plan(request: HttpRequest, plan_id: int):
    return selectors.plan_get(request.user, plan_id)


@router.get(
    "/{int:plan_id}/entries", response={200: list[EntryOut], **errors(404)}, summary="计划检查对象"
)
@api_requires(perms.INSPECTION_VIEW)
@paginate(page_size=100)
def list_entries(
    request: HttpRequest,
    plan_id: int,
    grade: str = Query("", description="A/B/C/D"),
    adjusted: bool = Query(False, description="只看计划次数与建议次数不同的"),
):
    plan = selectors.plan_get(request.user, plan_id)
    return selectors.entries(plan, grade=grade if grade in "ABCD" else "", adjusted=adjusted)


@router.patch(
    "/{int:plan_id}/entries/{int:entry_id}",
    response={200: EntryOut, **errors(404, 409, 422)},
    summary="调整检查对象",
)
@api_requires(perms.INSPECTION_PLAN)
def patch_entry(request: HttpRequest, plan_id: int, entry_id: int, payload: EntryPatch):
    plan = selectors.plan_get(request.user, plan_id)
    entry = get_object_or_404(plan.entries, pk=entry_id)
    joint = list(Department.objects.filter(pk__in=payload.joint_department_ids))
    if len(joint) != len(set(payload.joint_department_ids)):
        raise ValidationError({"joint_department_ids": "联合检查部门不存在"})
    return services.entry_adjust(
        request.user,
        entry_id=entry.pk,
        visits=payload.visits,
        reason=payload.reason,
        joint_departments=joint,
        plan_version=payload.version,
    )


def _transition(name: str):
    call = {
        "submit": lambda user, pk, p: services.plan_submit(user, plan_id=pk, version=p.version),
        "approve": lambda user, pk, p: services.plan_approve(user, plan_id=pk, version=p.version),
        "return": lambda user, pk, p: services.plan_return(
            user, plan_id=pk, reason=p.reason, version=p.version
        ),
    }[name]

    @api_requires(PLAN.transition(name).action)
    def operation(request: HttpRequest, plan_id: int, payload: TransitionIn):
        call(request.user, plan_id, payload)
        return selectors.plan_get(request.user, plan_id)

    operation.__name__ = f"plan_{name}"
    return operation


for _name in ("submit", "approve", "return"):
    router.post(
        f"/{{int:plan_id}}/{_name}",
        response={200: PlanDetailOut, **errors(404, 409, 422)},
        summary=str(PLAN.transition(_name).label),
    )(_transition(_name))
