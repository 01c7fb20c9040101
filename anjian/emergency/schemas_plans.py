"""Schemas of /api/v1/emergency's plans (应急预案) and drills (应急演练)."""

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from ninja import Field, Schema

from anjian.core.api import ActionOut, available_actions
from anjian.emergency.choices import (
    DrillForm,
    DrillKind,
    PlanType,
    ResponseLevel,
    RevisionTrigger,
    TaskState,
)
from anjian.emergency.lifecycle import DRILL, PLAN
from anjian.emergency.models import DrillState, PlanState
from anjian.emergency.schemas import (
    EmergencyHistoryOut,
    EmergencyOwnerIn,
    EmergencyOwnerOut,
    EmergencyStrictIn,
    EmergencyVersionIn,
    history,
    listed,
    user_name,
)

# --- plans: out ----------------------------------------------------------------------------


class EmergencyPlanOut(EmergencyOwnerOut):
    """One line of the plan list."""

    id: int
    number: str = Field(description="预案编号")
    title: str
    plan_type: str = Field(description=listed(PlanType))
    plan_type_label: str
    edition: str = Field(description="版本，如“2025年版”")
    previous_id: int | None = Field(description="修订前版本的 id")
    state: str = Field(description=listed(PlanState))
    state_label: str
    published_on: date | None
    filing_authority: str = Field(description="备案受理单位")
    filing_due_on: date | None = Field(description="备案期限（发布后20个工作日）")
    submitted_on: date | None
    filed_on: date | None
    filing_number: str
    last_assessed_on: date | None
    assessment_due_on: date | None = Field(description="下次评估期限")
    revision_due: bool = Field(description="已登记修订情形或评估结论为需修订")
    version: int = Field(description="修改和办理时原样带回，用于并发冲突检测")

    @staticmethod
    def resolve_plan_type_label(obj) -> str:
        return obj.get_plan_type_display()

    @staticmethod
    def resolve_state_label(obj) -> str:
        return obj.get_state_display()


class EmergencyPlanLevelOut(Schema):
    level: str = Field(description=listed(ResponseLevel))
    level_label: str
    trigger: str = Field(description="启动条件")
    commander: str = Field(description="总指挥")

    @staticmethod
    def resolve_level_label(obj) -> str:
        return obj.get_level_display()


class EmergencyPlanRoleOut(Schema):
    name: str = Field(description="岗位/工作组")
    holder: str = Field(description="由谁担任")
    duties: str


class EmergencyPlanTaskOut(Schema):
    level: str = Field(description="响应级别")
    level_label: str
    title: str
    responsible: str
    due_minutes: int | None = Field(description="自启动响应起算的完成时限（分钟）；空为持续任务")

    @staticmethod
    def resolve_level_label(obj) -> str:
        return obj.get_level_display()


class EmergencyPlanAttachmentOut(Schema):
    id: int
    name: str
    uploaded_by: str | None
    uploaded_at: datetime
    withdrawn: bool

    @staticmethod
    def resolve_uploaded_by(obj) -> str | None:
        return user_name(obj.uploaded_by)

    @staticmethod
    def resolve_withdrawn(obj) -> bool:
        return obj.withdrawn_at is not None


class EmergencyPlanAssessmentOut(Schema):
    id: int
    assessed_on: date | None = Field(description="评估日期（登记修订情形时为空）")
    trigger: str = Field(description="修订情形：" + listed(RevisionTrigger))
    trigger_label: str
    conclusion: str
    needs_revision: bool
    by: str | None
    at: datetime

    @staticmethod
    def resolve_trigger_label(obj) -> str:
        return obj.get_trigger_display() if obj.trigger else ""

    @staticmethod
    def resolve_by(obj) -> str | None:
        return user_name(obj.by)


class EmergencyPlanDetailOut(EmergencyPlanOut):
    region_name: str = Field(alias="region.name")
    scope_text: str = Field(description="适用范围")
    risks: str = Field(description="针对的风险")
    command_structure: str = Field(description="应急组织机构及职责")
    filing_due_basis: str = Field(description="计算备案期限所用的工作日历")
    assessment_cycle_years: int
    levels: list[EmergencyPlanLevelOut] = Field(description="响应级别：启动条件和总指挥")
    roles: list[EmergencyPlanRoleOut] = Field(description="应急职责")
    tasks: list[EmergencyPlanTaskOut] = Field(description="各响应级别启动后的任务")
    attachments: list[EmergencyPlanAttachmentOut]
    assessments: list[EmergencyPlanAssessmentOut] = Field(description="评估和修订情形")
    transitions: list[EmergencyHistoryOut] = Field(description="办理记录")
    actions: list[ActionOut] = Field(
        description="调用者现在可以执行的操作：流程转换 publish、submit、file、return、abolish"
        "（POST /plans/{id}/transitions/{name}）与不改变状态的操作 assess、trigger、revise"
    )

    @staticmethod
    def resolve_levels(obj) -> list:
        return list(obj.levels.all())

    @staticmethod
    def resolve_roles(obj) -> list:
        return list(obj.roles.all())

    @staticmethod
    def resolve_tasks(obj) -> list:
        return list(obj.tasks.all())

    @staticmethod
    def resolve_attachments(obj) -> list:
        return list(obj.attachments.select_related("uploaded_by"))

    @staticmethod
    def resolve_assessments(obj) -> list:
        return list(obj.assessments.select_related("by"))

    @staticmethod
    def resolve_transitions(obj) -> list:
        return history(PLAN, obj.transitions.select_related("by"))

    @staticmethod
    def resolve_actions(obj, context) -> list:
        return available_actions(PLAN, obj, context)


# --- plans: in -----------------------------------------------------------------------------


class EmergencyPlanFilters(Schema):
    """The list's filters: the same as the plan list page and the figures' ``filter``."""

    q: str | None = Field(None, description="搜索：预案名称、编号")
    state: list[str] = Field([], description="状态（可重复：任一状态）：" + listed(PlanState))
    plan_type: list[str] = Field([], description="预案类型（可重复）：" + listed(PlanType))
    owner_kind: str | None = Field(None, description="government / department / enterprise")
    region: str | None = Field(None, description="区划代码前缀")
    enterprise: int | None = Field(None, description="单位 id")
    previous: int | None = Field(None, description="预案 id：列出它的修订版")
    in_force: bool = Field(False, description="true：现行有效（已发布、备案中、退回、已备案）")
    filing_overdue: date | None = Field(
        None, description="该日期时已超过备案期限仍未备案的（如指标的下钻：当天）"
    )
    filed_late: bool = Field(False, description="true：超过备案期限才备案的")
    assessment_overdue: date | None = Field(None, description="该日期时已超过评估期限的")
    revision_due: bool = Field(False, description="true：需修订的现行预案")


class EmergencyPlanLevelIn(EmergencyStrictIn):
    level: str = Field(description=listed(ResponseLevel))
    trigger: str = Field(description="启动条件")
    commander: str = Field(description="总指挥")


class EmergencyPlanRoleIn(EmergencyStrictIn):
    name: str = Field(description="岗位/工作组")
    holder: str = Field(description="由谁担任")
    duties: str = Field(description="职责")


class EmergencyPlanTaskIn(EmergencyStrictIn):
    level: str = Field(description="响应级别：" + listed(ResponseLevel))
    title: str
    responsible: str = Field(description="责任岗位/单位")
    due_minutes: int | None = Field(None, ge=1, description="完成时限（分钟）；省略为持续任务")


class EmergencyPlanFieldsIn(EmergencyStrictIn):
    title: str = Field(description="预案名称")
    plan_type: str = Field(
        description="预案类型（政府、部门：overall、gov_special、departmental；"
        "单位：comprehensive、special、onsite）：" + listed(PlanType)
    )
    edition: str = Field(description="版本，如“2025年版”")
    scope_text: str = Field("", description="适用范围")
    risks: str = Field(description="预案针对的主要风险和事件类型")
    command_structure: str = Field("", description="应急组织机构及职责")
    filing_authority: str = Field("", description="备案受理单位（也可在报送备案时填写）")
    assessment_cycle_years: int = Field(3, ge=1, le=10, description="评估周期（年）")


class EmergencyPlanIn(EmergencyOwnerIn, EmergencyPlanFieldsIn):
    """A new plan (draft), with what it says for each response level."""

    levels: list[EmergencyPlanLevelIn] = Field([], description="响应级别")
    roles: list[EmergencyPlanRoleIn] = Field([], description="应急职责")
    tasks: list[EmergencyPlanTaskIn] = Field([], description="各响应级别启动后的任务")


class EmergencyPlanUpdateIn(EmergencyVersionIn):
    """A draft's fields: only those sent change; ``levels``, ``roles``, ``tasks`` sent
    replace the lists."""

    title: str | None = None
    plan_type: str | None = Field(None, description=listed(PlanType))
    edition: str | None = None
    scope_text: str | None = None
    risks: str | None = None
    command_structure: str | None = None
    filing_authority: str | None = None
    assessment_cycle_years: int | None = Field(None, ge=1, le=10)
    levels: list[EmergencyPlanLevelIn] | None = None
    roles: list[EmergencyPlanRoleIn] | None = None
    tasks: list[EmergencyPlanTaskIn] | None = None


class EmergencyPlanTransitionIn(EmergencyVersionIn):
    """The fields each step takes: publish ``published_on``; submit ``filing_authority``;
    file ``filing_number`` (``filed_on``); return and abolish ``reason``."""

    published_on: date | None = Field(None, description="publish：发布日期")
    filing_authority: str | None = Field(None, description="submit：受理备案的部门")
    filing_number: str | None = Field(None, description="file：备案编号")
    filed_on: date | None = Field(None, description="file：备案日期；省略为今天")
    reason: str | None = Field(None, description="return、abolish：理由")


class EmergencyPlanAssessIn(EmergencyStrictIn):
    assessed_on: date = Field(description="评估日期")
    conclusion: str = Field(description="评估结论")
    needs_revision: bool = Field(False, description="需要修订")


class EmergencyPlanReviseIn(EmergencyStrictIn):
    edition: str = Field("", description="新版本的版本，如“2027年版”；省略时自动生成")


class EmergencyPlanTriggerIn(EmergencyStrictIn):
    trigger: str = Field(description="修订情形：" + listed(RevisionTrigger))
    conclusion: str = Field(description="情况说明")


# --- figures -------------------------------------------------------------------------------


class EmergencyFigureOut(Schema):
    key: str
    label: str
    count: int
    filter: dict[str, str] = Field(
        description="打开恰好这些记录的筛选条件：预案指标为 GET /plans 的查询参数，"
        "演练指标为 GET /figures/drills 的查询参数"
    )


class EmergencyRateOut(Schema):
    key: str
    label: str
    percent: Decimal | None = Field(description="百分比，一位小数；分母为0时为空")
    numerator: EmergencyFigureOut
    denominator: EmergencyFigureOut
    filter: dict[str, str] = Field(description="分子的筛选条件")


class EmergencyPlanFiguresOut(Schema):
    filing_rate: EmergencyRateOut = Field(description="预案备案率：已备案 ÷ 现行预案")
    in_force: EmergencyFigureOut = Field(description="现行预案")
    filed: EmergencyFigureOut
    filing_overdue: EmergencyFigureOut = Field(description="逾期未备案")
    filed_late: EmergencyFigureOut = Field(description="超期备案")
    assessment_overdue: EmergencyFigureOut = Field(description="逾期未评估")
    revision_due: EmergencyFigureOut = Field(description="需修订")


class EmergencyComplianceCheckOut(Schema):
    """One rule in one period for one unit."""

    rule: str = Field(description="规则代码")
    rule_label: str = Field(description="规则，如“每半年至少一次现场处置方案演练”")
    basis: str = Field(description="依据")
    period: str = Field(description="期间，如“2026年上半年”")
    period_start: date
    period_end: date
    required: int = Field(description="应演练次数")
    held: int = Field(description="已演练次数")
    status: str = Field(description="met 已完成 / open 期间未结束 / behind 未按期完成")
    status_label: str


class EmergencyComplianceRowOut(Schema):
    key: str = Field(description="单位键，如 enterprise:12；GET /drills?unit= 的值")
    name: str
    higher_risk_reason: str = Field(description="属高危行业或人员密集场所的原因（否则为空）")
    status: str = Field(description="met 全年已完成 / open 按期进行中 / behind 未按期完成")
    status_label: str
    checks: list[EmergencyComplianceCheckOut]
    drills_filter: dict[str, str] = Field(description="打开计入的演练的列表筛选条件（GET /drills）")


class EmergencyDrillFiguresOut(Schema):
    year: int
    today: date
    rate: EmergencyRateOut = Field(description="演练完成率：按期完成 ÷ 应演练单位")
    required: EmergencyFigureOut = Field(description="应演练单位（有现行预案的单位）")
    on_track: EmergencyFigureOut = Field(description="按期完成")
    behind: EmergencyFigureOut = Field(description="未按期完成")
    done: EmergencyFigureOut = Field(description="全年已完成")
    rows: list[EmergencyComplianceRowOut] = Field(description="各单位（按 status、unit 筛选后）")


# --- drills --------------------------------------------------------------------------------


class EmergencyDrillOut(EmergencyOwnerOut):
    id: int
    number: str = Field(description="演练编号")
    title: str
    kind: str = Field(description=listed(DrillKind))
    kind_label: str
    form: str = Field(description=listed(DrillForm))
    form_label: str
    plan_id: int | None = Field(description="演练的预案 id")
    planned_on: date
    held_on: date | None
    place: str
    participants: int | None
    state: str = Field(description=listed(DrillState))
    state_label: str
    version: int

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_form_label(obj) -> str:
        return obj.get_form_display()

    @staticmethod
    def resolve_state_label(obj) -> str:
        return obj.get_state_display()


class EmergencyDrillEvaluationOut(Schema):
    score: int
    evaluators: str
    evaluated_on: date
    summary: str
    plan_needs_revision: bool
    by: str | None
    at: datetime

    @staticmethod
    def resolve_by(obj) -> str | None:
        return user_name(obj.by)


class EmergencyDrillProblemOut(Schema):
    id: int
    description: str = Field(description="发现的问题")
    improvement: str = Field(description="改进措施")
    responsible: str
    due_on: date
    state: str = Field(description=listed(TaskState))
    state_label: str
    overdue: bool
    done_on: date | None
    done_note: str
    version: int = Field(description="登记整改完成时原样带回")

    @staticmethod
    def resolve_state_label(obj) -> str:
        return obj.get_state_display()

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.state == TaskState.OPEN and obj.due_on < timezone.localdate()


class EmergencyDrillDetailOut(EmergencyDrillOut):
    scenario: str
    record: str
    evaluation: EmergencyDrillEvaluationOut | None
    problems: list[EmergencyDrillProblemOut] = Field(description="发现的问题及整改任务")
    transitions: list[EmergencyHistoryOut]
    actions: list[ActionOut] = Field(
        description="调用者现在可以执行的操作：hold、evaluate、cancel（POST /drills/{id}/<name>）"
        "与 problem_done"
    )

    @staticmethod
    def resolve_evaluation(obj):
        return getattr(obj, "evaluation", None)

    @staticmethod
    def resolve_problems(obj) -> list:
        return list(obj.problems.all())

    @staticmethod
    def resolve_transitions(obj) -> list:
        return history(DRILL, obj.transitions.select_related("by"))

    @staticmethod
    def resolve_actions(obj, context) -> list:
        return available_actions(DRILL, obj, context)


class EmergencyDrillFilters(Schema):
    """The list's filters: the same as the drill list page and the compliance rows'
    ``drills_filter``."""

    q: str | None = Field(None, description="搜索：演练名称、编号")
    kind: str | None = Field(None, description=listed(DrillKind))
    form: str | None = Field(None, description=listed(DrillForm))
    state: str | None = Field(None, description=listed(DrillState))
    owner_kind: str | None = Field(None, description="government / department / enterprise")
    year: int | None = Field(None, description="计划或实施年份")
    enterprise: int | None = Field(None, description="单位 id")
    plan: int | None = Field(None, description="预案 id")
    unit: str | None = Field(None, description="单位键（演练完成率各行的 key）")
    held_from: date | None = Field(None, description="实施日期起")
    held_to: date | None = Field(None, description="实施日期止")


class EmergencyDrillIn(EmergencyOwnerIn):
    title: str = Field(description="演练名称")
    kind: str = Field(description=listed(DrillKind))
    form: str = Field(description=listed(DrillForm))
    plan_id: int | None = Field(None, description="演练的预案 id（须在管辖范围内）")
    scenario: str = Field(description="演练情景")
    planned_on: date = Field(description="计划日期")
    place: str = Field("", description="演练地点")


class EmergencyDrillHoldIn(EmergencyVersionIn):
    held_on: date = Field(description="实施日期")
    participants: int = Field(ge=1, description="参演人数")
    record: str = Field(description="演练记录")


class EmergencyDrillProblemIn(EmergencyStrictIn):
    description: str = Field(description="发现的问题")
    improvement: str = Field(description="改进措施")
    responsible: str = Field(description="责任人/部门")
    due_on: date = Field(description="完成期限")


class EmergencyDrillEvaluateIn(EmergencyVersionIn):
    score: int = Field(ge=0, le=100, description="评估得分（0–100）")
    evaluators: str = Field(description="评估人员")
    evaluated_on: date = Field(description="评估日期")
    summary: str = Field(description="评估结论")
    plan_needs_revision: bool = Field(False, description="预案需修订（登记为预案的修订情形）")
    problems: list[EmergencyDrillProblemIn] = Field([], description="发现的问题及整改任务")


class EmergencyDrillProblemDoneIn(EmergencyVersionIn):
    done_on: date | None = Field(None, description="完成日期；省略为今天")
    note: str = Field(description="完成情况")
