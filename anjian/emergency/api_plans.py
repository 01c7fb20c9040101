"""/api/v1/emergency — plans (应急预案), drills (应急演练) and their figures.

A plan is written as a draft (``POST /plans``, ``PATCH /plans/{id}`` while a draft), then
runs its filing lifecycle with ``POST /plans/{id}/transitions/{name}`` (publish, submit,
file, return, abolish); ``assess``, ``trigger`` and ``revise`` are operations that change
no state. ``GET /plans/{id}`` lists the ``actions`` the caller may take now. Drills are
planned, held, evaluated (problems become improvement tasks) or cancelled.
"""

from datetime import date
from pathlib import Path

from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import File, Form, Query, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from anjian.core.access import api_requires
from anjian.core.api import errors
from anjian.core.pagination import paginate
from anjian.emergency import (
    compliance,
    selectors_drills,
    selectors_plans,
    services_drills,
    services_plans,
)
from anjian.emergency import permissions as perms
from anjian.emergency.api_router import Section
from anjian.emergency.choices import (
    DrillForm,
    DrillKind,
    OwnerKind,
    PlanType,
    RevisionTrigger,
)
from anjian.emergency.models import Drill, DrillState, EmergencyPlan, PlanState
from anjian.emergency.schemas import (
    EmergencyReasonIn,
    check_choices,
    listable,
    named_fields,
    query_choice,
)
from anjian.emergency.schemas_plans import (
    EmergencyDrillDetailOut,
    EmergencyDrillEvaluateIn,
    EmergencyDrillFiguresOut,
    EmergencyDrillFilters,
    EmergencyDrillHoldIn,
    EmergencyDrillIn,
    EmergencyDrillOut,
    EmergencyDrillProblemDoneIn,
    EmergencyDrillProblemOut,
    EmergencyPlanAssessIn,
    EmergencyPlanDetailOut,
    EmergencyPlanFiguresOut,
    EmergencyPlanFilters,
    EmergencyPlanIn,
    EmergencyPlanOut,
    EmergencyPlanReviseIn,
    EmergencyPlanTransitionIn,
    EmergencyPlanTriggerIn,
    EmergencyPlanUpdateIn,
)

section = Section("应急预案与演练")

PLAN_DETAIL = {200: EmergencyPlanDetailOut, **errors(403, 404, 409, 422)}
DRILL_DETAIL = {200: EmergencyDrillDetailOut, **errors(403, 404, 409, 422)}
PLAN_LISTS = ("levels", "roles", "tasks")
PLAN_TRANSITIONS = ("publish", "submit", "file", "return", "abolish")


def _filters(filters: Schema) -> dict:
    """The query's filters as the pages' selectors read them: a flag is "1", a day ISO."""
    params = {}
    for name, value in filters.dict().items():
        if value is True:
            params[name] = "1"
        elif isinstance(value, date):
            params[name] = value.isoformat()
        elif value not in (None, "", False, []):
            params[name] = value
    return params


# --- plans ---------------------------------------------------------------------------------


def _plan(request: HttpRequest, plan_id: int) -> EmergencyPlan:
    return selectors_plans.plan_for_read(request.user, plan_id)


def _check_plan_input(data: dict) -> None:
    check_choices(data, {"plan_type": PlanType, "owner_kind": OwnerKind})


@section.get(
    "/plans",
    response={200: list[EmergencyPlanOut], **errors(422)},
    summary="应急预案列表（按筛选条件，分页）",
    description="筛选与预案列表页、预案指标的下钻相同；未知的类型、状态返回 422。",
)
@api_requires(perms.EMERGENCY_VIEW)
@paginate(page_size=50)
def list_plans(request: HttpRequest, filters: Query[EmergencyPlanFilters]):
    query_choice("plan_type", filters.plan_type, PlanType)
    query_choice("state", filters.state, PlanState)
    query_choice("owner_kind", filters.owner_kind, OwnerKind)
    return listable(selectors_plans.plans(request.user, **_filters(filters)))


@section.get(
    "/plans/{int:emergency_plan_id}",
    response={200: EmergencyPlanDetailOut, **errors(404)},
    summary="应急预案详情（响应级别、职责、任务、附件、评估、办理记录及可执行的操作）",
)
@api_requires(perms.EMERGENCY_VIEW)
def get_plan(request: HttpRequest, emergency_plan_id: int):
    return _plan(request, emergency_plan_id)


@section.post(
    "/plans",
    response={201: EmergencyPlanDetailOut, **errors(403, 404, 422)},
    summary="登记应急预案（编制中）",
    description="所属区划、部门或单位须在管辖范围内（否则 404）；企业用户只能为本单位登记。",
)
@api_requires(perms.PLAN_MANAGE)
@named_fields
def create_plan(request: HttpRequest, payload: EmergencyPlanIn):
    data = payload.dict()
    _check_plan_input(data)
    lists = {name: data.pop(name) for name in PLAN_LISTS}
    plan = services_plans.plan_create(request.user, data=data, **lists)
    return Status(201, _plan(request, plan.pk))


@section.patch(
    "/plans/{int:emergency_plan_id}",
    response=PLAN_DETAIL,
    summary="修改编制中的预案（只改提交的字段；levels、roles、tasks 提交即整体替换）",
    description="只有编制中的预案可以修改（否则 409）。",
)
@api_requires(perms.PLAN_MANAGE)
def update_plan(request: HttpRequest, emergency_plan_id: int, payload: EmergencyPlanUpdateIn):
    _plan(request, emergency_plan_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version", None)
    _check_plan_input(data)
    lists = {name: data.pop(name, None) for name in PLAN_LISTS}
    services_plans.plan_update(
        request.user,
        plan_id=emergency_plan_id,
        expected_version=version,
        data=data,
        **lists,
    )
    return _plan(request, emergency_plan_id)


@section.post(
    "/plans/{int:emergency_plan_id}/transitions/{name}",
    response=PLAN_DETAIL,
    summary="预案办理环节（publish 发布、submit 报送备案、file 备案、return 退回、abolish 废止）",
    description=(
        "publish 须 published_on，备案期限按工作日计算（20个工作日，节假日和调休按日历）；"
        "submit 须 filing_authority；file 须 filing_number（受理部门，不能是编制者本人）；"
        "return、abolish 须 reason。未知的环节返回 404。"
    ),
)
@api_requires(perms.PLAN_MANAGE, perms.PLAN_FILE)
def transition_plan(
    request: HttpRequest, emergency_plan_id: int, name: str, payload: EmergencyPlanTransitionIn
):
    if name not in PLAN_TRANSITIONS:
        raise Http404
    _plan(request, emergency_plan_id)
    user, version = request.user, payload.version
    common = {"plan_id": emergency_plan_id, "expected_version": version}
    if name == "publish":
        services_plans.plan_publish(user, **common, published_on=payload.published_on)
    elif name == "submit":
        services_plans.plan_submit(user, **common, filing_authority=payload.filing_authority or "")
    elif name == "file":
        services_plans.plan_file(
            user,
            **common,
            filing_number=payload.filing_number or "",
            filed_on=payload.filed_on,
        )
    elif name == "return":
        services_plans.plan_return(user, **common, reason=payload.reason or "")
    else:
        services_plans.plan_abolish(user, **common, reason=payload.reason or "")
    return _plan(request, emergency_plan_id)


@section.post(
    "/plans/{int:emergency_plan_id}/assess",
    response=PLAN_DETAIL,
    summary="登记预案评估（评估日期、结论、是否需要修订）",
    description="重新计算下次评估期限；结论为需要修订时标记需修订。",
)
@api_requires(perms.PLAN_MANAGE)
def assess_plan(request: HttpRequest, emergency_plan_id: int, payload: EmergencyPlanAssessIn):
    _plan(request, emergency_plan_id)
    services_plans.plan_assess(request.user, plan_id=emergency_plan_id, **payload.dict())
    return _plan(request, emergency_plan_id)


@section.post(
    "/plans/{int:emergency_plan_id}/trigger",
    response=PLAN_DETAIL,
    summary="登记修订情形（法规、机构、风险、资源变化，或演练、处置中发现问题）",
    description="登记后预案标记为需修订。",
)
@api_requires(perms.PLAN_MANAGE)
def trigger_plan(request: HttpRequest, emergency_plan_id: int, payload: EmergencyPlanTriggerIn):
    _plan(request, emergency_plan_id)
    check_choices(payload.dict(), {"trigger": RevisionTrigger})
    services_plans.plan_trigger(request.user, plan_id=emergency_plan_id, **payload.dict())
    return _plan(request, emergency_plan_id)


@section.post(
    "/plans/{int:emergency_plan_id}/revise",
    response={201: EmergencyPlanDetailOut, **errors(403, 404, 409, 422)},
    summary="编制修订版（复制为新版本草稿，发布后替代本版）",
)
@api_requires(perms.PLAN_MANAGE)
def revise_plan(request: HttpRequest, emergency_plan_id: int, payload: EmergencyPlanReviseIn):
    _plan(request, emergency_plan_id)
    draft = services_plans.plan_revise(
        request.user, plan_id=emergency_plan_id, edition=payload.edition
    )
    return Status(201, _plan(request, draft.pk))


@section.post(
    "/plans/{int:emergency_plan_id}/attachments",
    response=PLAN_DETAIL,
    summary="上传预案附件（multipart：name、file）",
)
@api_requires(perms.PLAN_MANAGE)
def attach_to_plan(
    request: HttpRequest,
    emergency_plan_id: int,
    name: Form[str],
    file: File[UploadedFile],
):
    _plan(request, emergency_plan_id)
    services_plans.plan_attach(request.user, plan_id=emergency_plan_id, name=name, file=file)
    return _plan(request, emergency_plan_id)


@section.get(
    "/plans/{int:emergency_plan_id}/attachments/{int:plan_attachment_id}",
    response={200: None, **errors(404)},
    summary="下载预案附件",
)
@api_requires(perms.EMERGENCY_VIEW)
def get_plan_attachment(request: HttpRequest, emergency_plan_id: int, plan_attachment_id: int):
    attachment = get_object_or_404(
        _plan(request, emergency_plan_id).attachments, pk=plan_attachment_id
    )
    suffix = Path(attachment.file.name).suffix
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=f"{attachment.name}{suffix}"
    )


# --- figures -------------------------------------------------------------------------------


def _figure(figure) -> dict:
    return {
        "key": figure.key,
        "label": str(figure.label),
        "count": figure.count,
        "filter": figure.filter,
    }


def _rate(rate) -> dict:
    return {
        "key": rate.key,
        "label": str(rate.label),
        "percent": rate.percent,
        "numerator": _figure(rate.numerator),
        "denominator": _figure(rate.denominator),
        "filter": rate.filter,
    }


@section.get(
    "/figures/plans",
    response=EmergencyPlanFiguresOut,
    summary="预案指标：预案备案率、逾期未备案、超期备案、逾期未评估、需修订",
    description="每个数字的 filter 是打开恰好这些预案的列表筛选条件（GET /plans 的查询参数）。",
)
@api_requires(perms.EMERGENCY_VIEW)
def plan_figures(request: HttpRequest):
    figures = selectors_plans.plan_figures(request.user, today=timezone.localdate())
    answer = {key: _figure(figure) for key, figure in figures.items() if key != "filing_rate"}
    answer["filing_rate"] = _rate(figures["filing_rate"])
    return answer


def _compliance_row(row, year: int) -> dict:
    return {
        "key": row.key,
        "name": row.name,
        "higher_risk_reason": row.higher_risk_reason,
        "status": row.status,
        "status_label": str(compliance.STATUS_LABELS[row.status]),
        "drills_filter": row.drills_filter(year),
        "checks": [
            {
                "rule": check.rule.code,
                "rule_label": str(check.rule.label),
                "basis": str(check.rule.basis),
                "period": check.period.label,
                "period_start": check.period.start,
                "period_end": check.period.end,
                "required": check.required,
                "held": check.held,
                "status": check.status,
                "status_label": check.status_label,
            }
            for check in row.checks
        ],
    }


@section.get(
    "/figures/drills",
    response={200: EmergencyDrillFiguresOut, **errors(422)},
    summary="演练完成率：各单位按演练频次要求应演练、已演练和未按期完成的情况",
    description=(
        "year 省略为今年；status（on_track、behind、done）和 unit 只筛选 rows，不改变数字。"
        "只计有现行预案的单位（要求由单位的预案类型决定）。"
    ),
)
@api_requires(perms.EMERGENCY_VIEW)
def drill_figures(
    request: HttpRequest,
    year: int | None = None,
    status: str | None = None,
    unit: str | None = None,
):
    today = timezone.localdate()
    year = year or today.year
    if not 2000 <= year <= today.year + 1:
        raise HttpError(422, f"year：年份应在 2000 至 {today.year + 1} 之间")
    if status and status not in selectors_drills.STATUS_FILTERS:
        raise HttpError(422, "status：应为 on_track、behind 或 done")
    found = selectors_drills.compliance(
        request.user, year=year, today=today, status=status or "", unit=unit or ""
    )
    figures = {key: _figure(figure) for key, figure in found.figures.items() if key != "rate"}
    return {
        **figures,
        "year": found.year,
        "today": found.today,
        "rate": _rate(found.figures["rate"]),
        "rows": [_compliance_row(row, year) for row in found.rows],
    }


# --- drills --------------------------------------------------------------------------------


def _drill(request: HttpRequest, drill_id: int) -> Drill:
    return selectors_drills.drill_for_read(request.user, drill_id)


@section.get(
    "/drills",
    response={200: list[EmergencyDrillOut], **errors(422)},
    summary="应急演练列表（按筛选条件，分页）",
)
@api_requires(perms.EMERGENCY_VIEW)
@paginate(page_size=50)
def list_drills(request: HttpRequest, filters: Query[EmergencyDrillFilters]):
    query_choice("kind", filters.kind, DrillKind)
    query_choice("form", filters.form, DrillForm)
    query_choice("state", filters.state, DrillState)
    query_choice("owner_kind", filters.owner_kind, OwnerKind)
    return listable(selectors_drills.drills(request.user, **_filters(filters)))


@section.get(
    "/drills/{int:drill_id}",
    response={200: EmergencyDrillDetailOut, **errors(404)},
    summary="应急演练详情（实施、评估、发现的问题及整改、可执行的操作）",
)
@api_requires(perms.EMERGENCY_VIEW)
def get_drill(request: HttpRequest, drill_id: int):
    return _drill(request, drill_id)


@section.post(
    "/drills",
    response={201: EmergencyDrillDetailOut, **errors(403, 404, 422)},
    summary="登记演练计划",
)
@api_requires(perms.DRILL_MANAGE)
@named_fields
def create_drill(request: HttpRequest, payload: EmergencyDrillIn):
    data = payload.dict()
    check_choices(data, {"kind": DrillKind, "form": DrillForm, "owner_kind": OwnerKind})
    drill = services_drills.drill_create(request.user, data=data)
    return Status(201, _drill(request, drill.pk))


@section.post(
    "/drills/{int:drill_id}/hold",
    response=DRILL_DETAIL,
    summary="登记演练实施（实施日期、参演人数、演练记录）",
)
@api_requires(perms.DRILL_MANAGE)
def hold_drill(request: HttpRequest, drill_id: int, payload: EmergencyDrillHoldIn):
    _drill(request, drill_id)
    data = payload.dict()
    services_drills.drill_hold(
        request.user, drill_id=drill_id, expected_version=data.pop("version"), **data
    )
    return _drill(request, drill_id)


@section.post(
    "/drills/{int:drill_id}/evaluate",
    response=DRILL_DETAIL,
    summary="登记演练评估（得分、评估人员、结论；发现的问题转为整改任务）",
    description="plan_needs_revision 为 true 时为演练的预案登记修订情形。",
)
@api_requires(perms.DRILL_MANAGE)
def evaluate_drill(request: HttpRequest, drill_id: int, payload: EmergencyDrillEvaluateIn):
    _drill(request, drill_id)
    data = payload.dict()
    services_drills.drill_evaluate(
        request.user, drill_id=drill_id, expected_version=data.pop("version"), **data
    )
    return _drill(request, drill_id)


@section.post(
    "/drills/{int:drill_id}/cancel",
    response=DRILL_DETAIL,
    summary="取消演练计划（须写明理由；记录保留）",
)
@api_requires(perms.DRILL_MANAGE)
def cancel_drill(request: HttpRequest, drill_id: int, payload: EmergencyReasonIn):
    _drill(request, drill_id)
    services_drills.drill_cancel(
        request.user, drill_id=drill_id, expected_version=payload.version, reason=payload.reason
    )
    return _drill(request, drill_id)


@section.post(
    "/drills/{int:drill_id}/problems/{int:drill_problem_id}/done",
    response={200: EmergencyDrillProblemOut, **errors(403, 404, 409, 422)},
    summary="登记演练发现问题整改完成",
    description="已完成的再次登记返回 409。",
)
@api_requires(perms.DRILL_MANAGE)
def drill_problem_done(
    request: HttpRequest,
    drill_id: int,
    drill_problem_id: int,
    payload: EmergencyDrillProblemDoneIn,
):
    if not _drill(request, drill_id).problems.filter(pk=drill_problem_id).exists():
        raise Http404
    return services_drills.drill_problem_done(
        request.user,
        problem_id=drill_problem_id,
        expected_version=payload.version,
        done_on=payload.done_on or timezone.localdate(),
        note=payload.note,
    )
