"""Schemas of /api/v1/emergency's incidents (突发事件): the record, its plan activations,
tasks, command log, assignments (dispatch), after-action review and timeline."""

from datetime import date, datetime
from uuid import UUID

from django.utils import timezone
from ninja import Field, Schema

from anjian.core.api import ActionOut, available_actions
from anjian.emergency.choices import (
    IncidentLevel,
    IncidentSource,
    IncidentType,
    LogKind,
    ResourceKind,
    ResponseLevel,
    TaskSource,
    TaskState,
)
from anjian.emergency.lifecycle import ASSIGNMENT, INCIDENT
from anjian.emergency.models import AssignmentState, IncidentState
from anjian.emergency.schemas import (
    EmergencyHistoryOut,
    EmergencyStrictIn,
    EmergencyVersionIn,
    history,
    listed,
    user_name,
)

# --- out -----------------------------------------------------------------------------------


class EmergencyIncidentOut(Schema):
    id: int
    number: str = Field(description="事件编号")
    title: str
    incident_type: str = Field(description=listed(IncidentType))
    incident_type_label: str
    subtype: str = Field(description="事件细类")
    level: str = Field(description="事件级别（未定级为空）：" + listed(IncidentLevel))
    level_label: str
    region_code: str = Field(description="发生地区划代码")
    place: str
    latitude: float
    longitude: float
    occurred_at: datetime
    lead_organisation: str = Field(description="牵头处置单位")
    commander: str = Field(description="现场总指挥")
    commander_phone: str
    source: str = Field(description=listed(IncidentSource))
    source_label: str
    enterprise_id: int | None = Field(description="涉事单位 id")
    accident_id: int | None = Field(description="关联事故 id")
    alarm_id: int | None = Field(description="关联报警 id")
    warning_id: int | None = Field(description="关联预警 id")
    state: str = Field(description=listed(IncidentState))
    state_label: str
    reported_at: datetime
    responding_since: datetime | None
    closed_at: datetime | None
    version: int = Field(description="办理时原样带回，用于并发冲突检测")

    @staticmethod
    def resolve_incident_type_label(obj) -> str:
        return obj.get_incident_type_display()

    @staticmethod
    def resolve_level_label(obj) -> str:
        return obj.get_level_display() if obj.level else ""

    @staticmethod
    def resolve_source_label(obj) -> str:
        return obj.get_source_display()

    @staticmethod
    def resolve_state_label(obj) -> str:
        return obj.get_state_display()


class EmergencyActivationOut(Schema):
    id: int
    plan_id: int
    plan_title: str = Field(alias="plan.title")
    level: str = Field(description=listed(ResponseLevel))
    level_label: str
    activated_at: datetime
    activated_by: str | None
    ended_at: datetime | None

    @staticmethod
    def resolve_level_label(obj) -> str:
        return obj.get_level_display()

    @staticmethod
    def resolve_activated_by(obj) -> str | None:
        return user_name(obj.activated_by)


class EmergencyIncidentTaskOut(Schema):
    id: int
    activation_id: int | None = Field(description="由哪次预案启动生成")
    source: str = Field(description=listed(TaskSource))
    source_label: str
    title: str
    responsible: str
    due_at: datetime | None
    overdue: bool
    state: str = Field(description=listed(TaskState))
    state_label: str
    done_at: datetime | None
    done_by: str | None
    note: str
    version: int = Field(description="登记完成时原样带回")

    @staticmethod
    def resolve_source_label(obj) -> str:
        return obj.get_source_display()

    @staticmethod
    def resolve_state_label(obj) -> str:
        return obj.get_state_display()

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return (
            obj.state == TaskState.OPEN and obj.due_at is not None and obj.due_at < timezone.now()
        )

    @staticmethod
    def resolve_done_by(obj) -> str | None:
        return user_name(obj.done_by)


class EmergencyLogEntryOut(Schema):
    id: int
    at: datetime
    by: str | None = Field(description="记录人")
    kind: str = Field(description=listed(LogKind))
    kind_label: str
    text: str

    @staticmethod
    def resolve_by(obj) -> str | None:
        return user_name(obj.by)

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()


class EmergencyAssignmentOut(Schema):
    id: int
    incident_id: int
    kind: str = Field(description=listed(ResourceKind))
    kind_label: str
    resource_id: int
    resource_name: str
    quantity: int
    distance_km: float | None = Field(description="调派时距离（公里）")
    task: str
    state: str = Field(description=listed(AssignmentState))
    state_label: str
    dispatched_at: datetime
    dispatched_by: str | None
    en_route_at: datetime | None
    on_scene_at: datetime | None
    released_at: datetime | None
    version: int
    actions: list[ActionOut] = Field(
        description="调用者现在可以执行的：depart、arrive、release、cancel"
        "（POST /assignments/{id}/transitions/{name}）"
    )

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_resource_id(obj) -> int:
        return obj.resource.pk

    @staticmethod
    def resolve_resource_name(obj) -> str:
        return str(obj.resource.name)

    @staticmethod
    def resolve_state_label(obj) -> str:
        return obj.get_state_display()

    @staticmethod
    def resolve_dispatched_by(obj) -> str | None:
        return user_name(obj.dispatched_by)

    @staticmethod
    def resolve_actions(obj, context) -> list:
        return available_actions(ASSIGNMENT, obj, context)


class EmergencyReviewOut(Schema):
    summary: str = Field(description="处置总结")
    went_well: str = Field(description="有效做法")
    problems: str = Field(description="存在问题")
    reviewed_on: date
    by: str | None
    at: datetime

    @staticmethod
    def resolve_by(obj) -> str | None:
        return user_name(obj.by)


class EmergencyIncidentDetailOut(EmergencyIncidentOut):
    region_name: str = Field(alias="region.name")
    summary: str = Field(description="事件概况")
    reported_by: str | None = Field(description="接报人")
    activations: list[EmergencyActivationOut] = Field(description="启动的预案")
    tasks: list[EmergencyIncidentTaskOut] = Field(description="处置任务")
    log: list[EmergencyLogEntryOut] = Field(description="指挥日志（时间顺序）")
    assignments: list[EmergencyAssignmentOut] = Field(description="调派的资源")
    review: EmergencyReviewOut | None = Field(description="复盘评估")
    transitions: list[EmergencyHistoryOut]
    actions: list[ActionOut] = Field(
        description="调用者现在可以执行的操作：流程转换 respond、close、review、void"
        "（POST /incidents/{id}/transitions/{name}）与操作 level、activate、task、log、"
        "dispatch、after_action"
    )

    @staticmethod
    def resolve_reported_by(obj) -> str | None:
        return user_name(obj.reported_by)

    @staticmethod
    def resolve_activations(obj) -> list:
        return list(obj.activations.select_related("plan", "activated_by"))

    @staticmethod
    def resolve_tasks(obj) -> list:
        return list(obj.tasks.select_related("done_by"))

    @staticmethod
    def resolve_log(obj) -> list:
        return list(obj.log.select_related("by"))

    @staticmethod
    def resolve_assignments(obj) -> list:
        return list(
            obj.assignments.select_related(
                "incident", "team", "supply", "equipment", "shelter", "expert", "dispatched_by"
            )
        )

    @staticmethod
    def resolve_review(obj):
        return getattr(obj, "review", None)

    @staticmethod
    def resolve_transitions(obj) -> list:
        return history(INCIDENT, obj.transitions.select_related("by"))

    @staticmethod
    def resolve_actions(obj, context) -> list:
        return available_actions(INCIDENT, obj, context)


class EmergencyTimelineOut(Schema):
    at: datetime
    kind: str = Field(description="类别：transition、log、task、assignment、activation 等")
    label: str
    text: str
    by: str | None


# --- in ------------------------------------------------------------------------------------


class EmergencyIncidentFilters(Schema):
    q: str | None = Field(None, description="搜索：事件编号、名称、地点")
    state: str | None = Field(None, description=listed(IncidentState))
    open: bool | None = Field(None, description="true：处置中（已接报、响应中）")
    incident_type: str | None = Field(None, description=listed(IncidentType))
    level: str | None = Field(None, description=listed(IncidentLevel))
    region: str | None = Field(None, description="区划代码前缀")
    year: int | None = Field(None, description="发生年份（本地时间）")


class EmergencyIncidentIn(EmergencyStrictIn):
    """An incident opened by hand; from an accident or an alarm (``accident_id`` /
    ``alarm_id``) what they already say may be left out."""

    title: str | None = Field(None, description="事件名称")
    incident_type: str | None = Field(None, description=listed(IncidentType))
    subtype: str = Field("", description="事件细类")
    region: str | None = Field(None, description="发生地（街镇或网格区划代码，须在管辖范围内）")
    place: str | None = Field(None, description="发生地点")
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    occurred_at: datetime | None = Field(None, description="发生时间（带时区）")
    summary: str | None = Field(None, description="事件概况")
    enterprise_id: int | None = Field(None, description="涉事单位 id")
    accident_id: int | None = Field(None, description="由事故快报转入：事故 id（须在管辖范围内）")
    alarm_id: int | None = Field(None, description="由监测报警转入：报警 id（须在管辖范围内）")
    token: UUID | None = Field(
        None,
        description="一次性提交键：同一用户以同一键重复提交只登记一次，返回第一次登记的事件（200）",
    )


class EmergencyIncidentTransitionIn(EmergencyVersionIn):
    """respond: ``level, lead_organisation, commander, commander_phone``; close: ``reason``
    (optional); review: nothing more; void: ``reason``."""

    level: str | None = Field(None, description="respond：事件级别 " + listed(IncidentLevel))
    lead_organisation: str | None = Field(None, description="respond：牵头处置单位")
    commander: str | None = Field(None, description="respond：现场总指挥")
    commander_phone: str | None = Field(None, description="respond：总指挥电话")
    reason: str | None = Field(None, description="close：说明；void：作废理由（必填）")


class EmergencyLevelIn(EmergencyVersionIn):
    level: str = Field(description=listed(IncidentLevel))
    reason: str = Field(description="升级或降级的理由")


class EmergencyActivateIn(EmergencyStrictIn):
    plan_id: int = Field(description="启动的预案 id（现行有效，须在管辖范围内）")
    level: str = Field(description="响应级别：" + listed(ResponseLevel))


class EmergencyLogIn(EmergencyStrictIn):
    kind: str = Field(description=listed(LogKind))
    text: str = Field(description="内容")


class EmergencyIncidentTaskIn(EmergencyStrictIn):
    title: str = Field(description="任务")
    responsible: str = Field(description="责任岗位/单位")
    due_at: datetime | None = Field(None, description="完成时限（带时区）")


class EmergencyTaskDoneIn(EmergencyVersionIn):
    note: str = Field("", description="完成情况")


class EmergencyDispatchIn(EmergencyStrictIn):
    kind: str = Field(description=listed(ResourceKind))
    resource_id: int = Field(description="资源 id（队伍、物资、装备、避难场所或专家）")
    quantity: int = Field(1, ge=1, description="数量：物资、装备件数，避难场所安置人数")
    task: str = Field("", description="任务")


class EmergencyLessonIn(EmergencyStrictIn):
    title: str = Field(description="整改任务")
    responsible: str = Field(description="责任单位")
    due_at: datetime | None = Field(None, description="完成时限（带时区）")


class EmergencyAfterActionIn(EmergencyStrictIn):
    summary: str = Field(description="处置总结")
    went_well: str = Field("", description="有效做法")
    problems: str = Field("", description="存在问题")
    reviewed_on: date = Field(description="复盘日期")
    lessons: list[EmergencyLessonIn] = Field([], description="教训：转为整改任务")


class EmergencyAssignmentTransitionIn(EmergencyVersionIn):
    reason: str = Field("", description="cancel：理由（必填）")
    returned: int | None = Field(
        None, ge=0, description="release：物资未用完归还入库的数量；避难场所实际安置人数"
    )


class EmergencyCandidatesQuery(Schema):
    kind: str = Field(description="资源类型：" + listed(ResourceKind))
    limit: int = Field(10, ge=1, le=50)
    speciality: str | None = Field(None, description="队伍的专业方向")
    category: str | None = Field(None, description="物资或装备类别")
    field: str | None = Field(None, description="专家的专业领域")
    name: str | None = Field(None, description="物资或装备名称（包含）")
    quantity: int = Field(1, ge=1, description="至少需要的数量")
