"""/api/v1/inspections — 双随机一公开 for integrations: the pools, the matters, the draws
and the tasks they give.

The services' validation, scope and lifecycles (``inspections.services``): a draw is run
with ``POST /draws/`` (the platform picks the seed and stores the complete record, which
``GET /draws/{id}/record`` gives as a file and ``GET /draws/{id}/verify`` re-runs);
``publish`` and ``void`` (with the reason) are transitions with the ``version`` read,
409 when someone was first. An inspector records the outcome only of the tasks they were
drawn for (403 otherwise). Out of scope is 404, as everywhere.
"""

from datetime import date, datetime

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from anjian.accounts.models import User
from anjian.core.access import api_requires
from anjian.core.api import ActionOut, available_actions, errors
from anjian.core.exceptions import ValidationError
from anjian.core.pagination import paginate
from anjian.core.scoping import scope_of
from anjian.inspections import permissions as perms
from anjian.inspections import selectors, services
from anjian.inspections.choices import DrawState, Outcome, TaskState
from anjian.inspections.lifecycle import DRAW, TASK
from anjian.inspections.models import CheckMatter, Draw, InspectionTask, Inspector
from anjian.regions.models import Industry, Region

router = Router(tags=["双随机一公开"])


def _listed(choices) -> str:
    return "、".join(f"{value} {label}" for value, label in choices.choices)


class InspectorOut(Schema):
    id: int
    user_id: int = Field(description="人员账号 id")
    name: str = Field(description="姓名")
    department_id: int = Field(description="所属部门 id")
    department_name: str = Field(alias="department.name")
    certificate_number: str = Field(description="执法证号")
    certificate_valid_until: date = Field(description="执法证有效期至；过期后不再参与抽取")
    certificate_valid: bool = Field(False, description="执法证今天是否有效")
    in_pool: bool = Field(description="纳入名录库（false：调离、长期病休等，不参加抽取）")
    home_regions: list[str] = Field(
        [], description="居住或曾工作的街镇/社区代码；抽取时回避这些区域内的检查对象"
    )
    version: int = Field(description="修改时原样带回，用于并发冲突检测")

    @staticmethod
    def resolve_certificate_valid(obj: Inspector) -> bool:
        return obj.certificate_valid_on(timezone.localdate())

    @staticmethod
    def resolve_home_regions(obj: Inspector) -> list[str]:
        return [region.pk for region in obj.home_regions.all()]


class InspectorListOut(InspectorOut):
    conflict_count: int = Field(0, description="有效的回避登记数")


class InspectorConflictOut(Schema):
    id: int
    inspector_id: int
    enterprise_id: int = Field(description="回避的单位 id")
    enterprise_name: str = Field(alias="enterprise.name")
    reason: str = Field(description="回避理由")
    declared_by_id: int = Field(description="登记人 id")
    created_at: datetime
    withdrawn_at: datetime | None = Field(description="撤销时间；空为有效")
    withdrawn_by_id: int | None = Field(description="撤销人 id")


class InspectorDetailOut(InspectorOut):
    conflicts: list[InspectorConflictOut] = Field([], description="回避登记（含已撤销的）")

    @staticmethod
    def resolve_conflicts(obj: Inspector) -> list:
        return list(selectors.conflicts_of(obj))


class InspectorIn(Schema):
    user_id: int = Field(description="人员账号 id（在职的政府工作人员）")
    department_id: int = Field(description="所属部门 id（行业部门用户只能填本部门）")
    certificate_number: str = Field(description="执法证号（全平台唯一）")
    certificate_valid_until: date = Field(description="执法证有效期至")
    in_pool: bool = Field(True, description="纳入名录库")
    home_regions: list[str] = Field(
        [], description="居住或曾工作的街镇/社区代码（GB/T 2260），抽取时回避"
    )


class InspectorPatch(Schema):
    """Only the fields to change (as in InspectorIn) and the version read."""

    version: int = Field(description="读取时的 version")
    user_id: int | None = None
    department_id: int | None = None
    certificate_number: str | None = None
    certificate_valid_until: date | None = None
    in_pool: bool | None = None
    home_regions: list[str] | None = None


class InspectorConflictIn(Schema):
    enterprise_id: int = Field(description="须回避的单位 id")
    reason: str = Field(description="回避理由，如：近亲属在该单位任职")


class MatterOut(Schema):
    id: int
    department_id: int = Field(description="实施部门 id")
    department_name: str = Field(alias="department.name")
    name: str = Field(description="抽查事项")
    basis: str = Field(description="抽查依据（法律法规及条款）")
    industries: list[str] = Field([], description="抽查对象行业代码（检查对象名录库的范围）")
    is_active: bool = Field(description="启用（停用的事项不能抽取）")
    version: int = Field(description="修改时原样带回，用于并发冲突检测")

    @staticmethod
    def resolve_industries(obj: CheckMatter) -> list[str]:
        return [industry.code for industry in obj.industries.all()]


class MatterIn(Schema):
    department_id: int = Field(description="实施部门 id")
    name: str = Field(description="抽查事项名称（本部门内唯一）")
    basis: str = Field(description="抽查依据（法律法规及条款）")
    industries: list[str] = Field(description="抽查对象行业代码，如 hazchem、construction")
    is_active: bool = True


class MatterPatch(Schema):
    """Only the fields to change (as in MatterIn) and the version read."""

    version: int = Field(description="读取时的 version")
    name: str | None = None
    basis: str | None = None
    industries: list[str] | None = None
    is_active: bool | None = None


class TaskInspectorOut(Schema):
    id: int
    name: str
    certificate_number: str = Field(description="执法证号")


class TaskOut(Schema):
    id: int
    draw_id: int | None = Field(description="来源抽取 id")
    department_id: int = Field(description="实施部门 id")
    enterprise_id: int = Field(description="检查对象（单位）id")
    enterprise_name: str = Field(alias="enterprise.name")
    position: int = Field(description="抽取顺序")
    unannounced: bool = Field(description="四不两直：不发通知、不打招呼、直奔基层、直插现场")
    inspectors: list[TaskInspectorOut] = Field(description="抽中的检查人员")
    state: str = Field(description=_listed(TaskState))
    inspected_on: date | None = Field(description="检查日期")
    outcome: str = Field(description="检查结果：" + _listed(Outcome) + "；未检查为空")
    outcome_note: str = Field(description="结果说明")
    version: int = Field(description="执行操作时原样带回，用于并发冲突检测")

    @staticmethod
    def resolve_inspectors(obj: InspectionTask) -> list:
        return list(obj.inspectors.all())


class TaskDetailOut(TaskOut):
    actions: list[ActionOut] = Field([], description="调用者现在可以执行的操作")

    @staticmethod
    def resolve_actions(obj: InspectionTask, context) -> list:
        return available_actions(TASK, obj, context)


class DrawOut(Schema):
    id: int
    department_id: int = Field(description="实施部门 id")
    department_name: str = Field(alias="department.name")
    matter_id: int = Field(description="抽查事项 id")
    matter_name: str = Field(alias="matter.name")
    title: str = Field(description="抽查任务名称")
    attempt: int = Field(description="第几次抽取（同一任务作废后重新抽取时递增）")
    street: str | None = Field(alias="street_id", description="限定街镇代码；空为不限")
    grades: str = Field(description="限定监管等级，如 AB；空为不限")
    count: int = Field(description="抽取对象数")
    per_target: int = Field(description="每个对象的检查人员数")
    weighted: bool = Field(description="按风险（监管等级）加权抽取")
    drawn_on: date = Field(description="抽取日期")
    publish_by: date = Field(description="公示期限（抽取之日起的工作日期限）")
    seed: str = Field(description="随机种子（复核用）")
    engine: str = Field(description="抽取算法名称")
    target_fingerprint: str = Field(description="检查对象名录指纹（SHA-256）")
    inspector_fingerprint: str = Field(description="执法人员名录指纹（SHA-256）")
    rules_fingerprint: str = Field(description="抽取规则指纹（SHA-256）")
    target_pool_size: int = Field(description="检查对象名录数")
    inspector_pool_size: int = Field(description="执法人员名录数")
    state: str = Field(description=_listed(DrawState))
    published_at: datetime | None = Field(description="公示时间")
    created_by_id: int = Field(description="抽取人 id")
    created_at: datetime
    version: int = Field(description="执行操作时原样带回，用于并发冲突检测")


class DrawDetailOut(DrawOut):
    tasks: list[TaskOut] = Field([], description="抽取结果：每个检查对象及其检查人员")
    actions: list[ActionOut] = Field([], description="调用者现在可以执行的操作")

    @staticmethod
    def resolve_tasks(obj: Draw) -> list:
        return list(selectors.tasks_of(obj))

    @staticmethod
    def resolve_actions(obj: Draw, context) -> list:
        return available_actions(DRAW, obj, context)


class DrawIn(Schema):
    department_id: int = Field(description="实施部门 id（行业部门用户只能填本部门）")
    matter_id: int = Field(description="本部门启用中的抽查事项 id；其行业即检查对象名录库范围")
    title: str = Field(description="抽查任务名称；有效抽取存在时不能重复，作废后再抽为下一次")
    count: int = Field(description=f"抽取对象数（1–{services.MAX_DRAW}，不超过名录库对象数）")
    per_target: int = Field(2, le=5, description="每个对象的检查人员数（2–5）")
    weighted: bool = Field(False, description="按风险加权：A 类单位被抽中的概率约为 D 类的 4 倍")
    street: str | None = Field(None, description="限定街镇代码（须在本部门辖区内）；空为不限")
    grades: str = Field("", description="限定监管等级，如 AB；空为不限")
    unannounced: bool = Field(True, description="四不两直检查")


class InspectionVersionIn(Schema):
    version: int | None = Field(None, description="读取时的 version；省略则不检查")


class InspectionReasonIn(InspectionVersionIn):
    reason: str = Field(description="原因（必填，保留在处理记录中）")


class TaskCompleteIn(InspectionVersionIn):
    inspected_on: date = Field(description="检查日期（不早于抽取日期，不晚于今天）")
    outcome: str = Field(description="检查结果：" + _listed(Outcome))
    note: str = Field("", description="结果说明（最多 500 字）")


class DrawVerifyOut(Schema):
    consistent: bool = Field(description="按记录重新抽取，指纹、结果与登记的检查任务一致")
    problems: list[str] = Field(description="不一致之处（中文）；一致时为空")


class DrawFilters(Schema):
    state: str = Field("", description=_listed(DrawState))
    department: int | None = Field(None, description="实施部门 id")


class TaskFilters(Schema):
    state: str = Field("", description=_listed(TaskState))
    mine: bool = Field(False, description="true：只列调用者被抽中的任务")


# --- helpers -------------------------------------------------------------------------------


def _user(request, user_id: int) -> User:
    """The account, if it belongs to a region inside the caller's scope."""
    found = User.objects.filter(pk=user_id).first()
    scope = scope_of(request.user)
    if found is None or not (found.region_id and scope.covers_region(found.region_id)):
        raise ValidationError({"user_id": "未找到该人员账号，或其不在您的管辖范围内"})
    return found


def _known(queryset, codes: list[str], field: str, what: str) -> list:
    """The rows of ``queryset`` with these codes; 422 on ``field`` naming unknown ones."""
    found = list(queryset.filter(code__in=set(codes)))
    unknown = sorted(set(codes) - {row.code for row in found})
    if unknown:
        raise ValidationError({field: f"未知的{what}：" + "、".join(unknown)})
    return found


def _inspector_data(request, fields: dict) -> dict:
    return {
        **fields,
        "user": _user(request, fields["user_id"]),
        "department": fields["department_id"],
        "home_regions": _known(Region.objects, fields["home_regions"], "home_regions", "区划代码"),
    }


def _matter_data(fields: dict) -> dict:
    return {
        **fields,
        "department": fields["department_id"],
        "industries": _known(Industry.objects, fields["industries"], "industries", "行业代码"),
    }


def _apply(fields: dict, payload) -> int:
    """Put the fields a PATCH sent (not null) into ``fields``; the version it read."""
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    fields.update({name: value for name, value in changes.items() if value is not None})
    return version


def _choice(value: str, choices, what: str) -> str:
    if value and value not in choices.values:
        raise HttpError(422, f"未知的{what}：" + "、".join(choices.values))
    return value


# --- the inspector pool --------------------------------------------------------------------


@router.get("/inspectors/", response=list[InspectorListOut], summary="执法检查人员名录库（分页）")
@api_requires(perms.INSPECTION_VIEW)
@paginate(page_size=50)
def list_inspectors(request: HttpRequest):
    return selectors.inspectors(request.user).prefetch_related("home_regions")


@router.get(
    "/inspectors/{int:inspector_id}",
    response={200: InspectorDetailOut, **errors(404)},
    summary="执法检查人员详情（含回避登记）",
)
@api_requires(perms.INSPECTION_VIEW)
def get_inspector(request: HttpRequest, inspector_id: int):
    return selectors.inspector_get(request.user, inspector_id)


@router.post(
    "/inspectors/",
    response={201: InspectorDetailOut, **errors(404, 422)},
    summary="将人员纳入执法检查人员名录库",
    description="执法证号全平台唯一；同一人员只能登记一次。",
)
@api_requires(perms.INSPECTION_POOL)
def create_inspector(request: HttpRequest, payload: InspectorIn):
    inspector = services.inspector_save(request.user, data=_inspector_data(request, payload.dict()))
    return Status(201, selectors.inspector_get(request.user, inspector.pk))


@router.patch(
    "/inspectors/{int:inspector_id}",
    response={200: InspectorDetailOut, **errors(404, 409, 422)},
    summary="修改执法检查人员（带 version）",
    description="只需提交要修改的字段和读取时的 version；他人已先修改时返回 409。",
)
@api_requires(perms.INSPECTION_POOL)
def update_inspector(request: HttpRequest, inspector_id: int, payload: InspectorPatch):
    current = selectors.inspector_get(request.user, inspector_id)
    fields = {
        "user_id": current.user_id,
        "department_id": current.department_id,
        "certificate_number": current.certificate_number,
        "certificate_valid_until": current.certificate_valid_until,
        "in_pool": current.in_pool,
        "home_regions": [region.pk for region in current.home_regions.all()],
    }
    version = _apply(fields, payload)
    services.inspector_save(
        request.user,
        data=_inspector_data(request, fields),
        inspector_id=inspector_id,
        version=version,
    )
    return selectors.inspector_get(request.user, inspector_id)


@router.post(
    "/inspectors/{int:inspector_id}/conflicts",
    response={201: InspectorConflictOut, **errors(404, 422)},
    summary="登记回避",
    description="该人员今后不会被抽到须回避的单位；撤销后恢复。",
)
@api_requires(perms.INSPECTION_POOL)
def declare_conflict(request: HttpRequest, inspector_id: int, payload: InspectorConflictIn):
    selectors.inspector_get(request.user, inspector_id)
    conflict = services.conflict_declare(
        request.user,
        inspector=inspector_id,
        enterprise=payload.enterprise_id,
        reason=payload.reason,
    )
    return Status(201, conflict)


@router.post(
    "/conflicts/{int:conflict_id}/withdraw",
    response={200: InspectorConflictOut, **errors(404)},
    summary="撤销回避登记（保留记录）",
)
@api_requires(perms.INSPECTION_POOL)
def withdraw_conflict(request: HttpRequest, conflict_id: int):
    return services.conflict_withdraw(request.user, conflict_id=conflict_id)


# --- the matters list ----------------------------------------------------------------------


@router.get("/matters/", response=list[MatterOut], summary="随机抽查事项清单（分页）")
@api_requires(perms.INSPECTION_VIEW)
@paginate(page_size=50)
def list_matters(request: HttpRequest):
    return selectors.matters(request.user)


@router.post(
    "/matters/",
    response={201: MatterOut, **errors(404, 422)},
    summary="新增随机抽查事项",
)
@api_requires(perms.INSPECTION_POOL)
def create_matter(request: HttpRequest, payload: MatterIn):
    matter = services.matter_save(request.user, data=_matter_data(payload.dict()))
    return Status(201, selectors.matter_get(request.user, matter.pk))


@router.patch(
    "/matters/{int:matter_id}",
    response={200: MatterOut, **errors(404, 409, 422)},
    summary="修改随机抽查事项（带 version）",
    description="只需提交要修改的字段和读取时的 version；他人已先修改时返回 409。",
)
@api_requires(perms.INSPECTION_POOL)
def update_matter(request: HttpRequest, matter_id: int, payload: MatterPatch):
    current = selectors.matter_get(request.user, matter_id)
    fields = {
        "department_id": current.department_id,
        "name": current.name,
        "basis": current.basis,
        "industries": [industry.code for industry in current.industries.all()],
        "is_active": current.is_active,
    }
    version = _apply(fields, payload)
    services.matter_save(
        request.user, data=_matter_data(fields), matter_id=matter_id, version=version
    )
    return selectors.matter_get(request.user, matter_id)


# --- draws ---------------------------------------------------------------------------------


@router.get("/draws/", response=list[DrawOut], summary="双随机抽取列表（分页）")
@api_requires(perms.INSPECTION_VIEW)
@paginate(page_size=50)
def list_draws(request: HttpRequest, filters: Query[DrawFilters]):
    draws = selectors.draws(request.user)
    if _choice(filters.state, DrawState, "状态"):
        draws = draws.filter(state=filters.state)
    if filters.department is not None:
        draws = draws.filter(department_id=filters.department)
    return draws


@router.post(
    "/draws/",
    response={201: DrawDetailOut, **errors(404, 422)},
    summary="双随机抽取",
    description=(
        "按抽查事项的行业从本部门辖区内在营单位中随机抽取检查对象，再从名录库中有效执法证的"
        "人员里为每个对象随机匹配检查人员（回避登记、居住地和上次检查人员自动回避）。"
        "平台生成随机种子并保存完整抽取记录，可用 /record 下载、/verify 复核。"
    ),
)
@api_requires(perms.INSPECTION_DRAW)
def run_draw(request: HttpRequest, payload: DrawIn):
    data = payload.dict()
    code = data.pop("street")
    street = Region.objects.filter(pk=code).first() if code else None
    if code and street is None:
        raise ValidationError({"street": "未知的街镇代码"})
    department, matter = data.pop("department_id"), data.pop("matter_id")
    drawn = services.draw_run(
        request.user, department=department, matter=matter, street=street, **data
    )
    return Status(201, selectors.draw_get(request.user, drawn.pk))


@router.get(
    "/draws/{int:draw_id}",
    response={200: DrawDetailOut, **errors(404)},
    summary="抽取详情（含检查任务和可执行的操作）",
)
@api_requires(perms.INSPECTION_VIEW)
def get_draw(request: HttpRequest, draw_id: int):
    return selectors.draw_get(request.user, draw_id)


@router.get(
    "/draws/{int:draw_id}/record",
    response={200: None, **errors(404)},
    summary="下载抽取记录（JSON 文件，可用 anjian verify_draw 复核）",
)
@api_requires(perms.INSPECTION_VIEW)
def get_draw_record(request: HttpRequest, draw_id: int):
    drawn = selectors.draw_get(request.user, draw_id)
    response = HttpResponse(selectors.record_file(drawn), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="draw-{drawn.pk}.json"'
    return response


@router.get(
    "/draws/{int:draw_id}/verify",
    response={200: DrawVerifyOut, **errors(404)},
    summary="复核抽取（按记录重新抽取并比对）",
)
@api_requires(perms.INSPECTION_VIEW)
def verify_draw(request: HttpRequest, draw_id: int):
    problems = selectors.draw_check(selectors.draw_get(request.user, draw_id))
    return {"consistent": not problems, "problems": problems}


DRAW_TRANSITION = {200: DrawDetailOut, **errors(404, 409, 422)}


@router.post("/draws/{int:draw_id}/publish", response=DRAW_TRANSITION, summary="公示抽取结果")
@api_requires(perms.INSPECTION_DRAW)
def publish_draw(request: HttpRequest, draw_id: int, payload: InspectionVersionIn):
    services.draw_publish(request.user, draw_id=draw_id, version=payload.version)
    return selectors.draw_get(request.user, draw_id)


@router.post(
    "/draws/{int:draw_id}/void",
    response=DRAW_TRANSITION,
    summary="作废抽取（须写明原因；待检查的任务一并取消）",
)
@api_requires(perms.INSPECTION_DRAW)
def void_draw(request: HttpRequest, draw_id: int, payload: InspectionReasonIn):
    services.draw_void(
        request.user, draw_id=draw_id, reason=payload.reason, version=payload.version
    )
    return selectors.draw_get(request.user, draw_id)


# --- tasks ---------------------------------------------------------------------------------


@router.get("/tasks/", response=list[TaskOut], summary="检查任务列表（分页）")
@api_requires(perms.INSPECTION_VIEW)
@paginate(page_size=50)
def list_tasks(request: HttpRequest, filters: Query[TaskFilters]):
    tasks = selectors.my_tasks(request.user) if filters.mine else selectors.tasks(request.user)
    if _choice(filters.state, TaskState, "状态"):
        tasks = tasks.filter(state=filters.state)
    return tasks


@router.get(
    "/tasks/{int:task_id}",
    response={200: TaskDetailOut, **errors(404)},
    summary="检查任务详情（含可执行的操作）",
)
@api_requires(perms.INSPECTION_VIEW)
def get_task(request: HttpRequest, task_id: int):
    return selectors.task_get(request.user, task_id)


TASK_TRANSITION = {200: TaskDetailOut, **errors(404, 409, 422)}


@router.post(
    "/tasks/{int:task_id}/complete",
    response=TASK_TRANSITION,
    summary="登记检查结果（抽中的检查人员或实施部门）",
)
@api_requires(perms.INSPECTION_RECORD)
def complete_task(request: HttpRequest, task_id: int, payload: TaskCompleteIn):
    services.task_complete(
        request.user,
        task_id=task_id,
        inspected_on=payload.inspected_on,
        outcome=payload.outcome,
        note=payload.note,
        version=payload.version,
    )
    return selectors.task_get(request.user, task_id)


@router.post(
    "/tasks/{int:task_id}/cancel",
    response=TASK_TRANSITION,
    summary="取消检查任务（须写明原因）",
)
@api_requires(perms.INSPECTION_DRAW)
def cancel_task(request: HttpRequest, task_id: int, payload: InspectionReasonIn):
    services.task_cancel(
        request.user, task_id=task_id, reason=payload.reason, version=payload.version
    )
    return selectors.task_get(request.user, task_id)
