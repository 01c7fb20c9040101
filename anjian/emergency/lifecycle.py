"""The lifecycles of 应急准备与处置 on the kernel (``core.workflow``).

- ``PLAN``: 编制 → 发布 → 报送备案 → 备案 (or 退回 → 再报送); a published revision supersedes
  the version before it; 废止 with a reason. Assessments, revision triggers and new versions
  are operations.
- ``DRILL``: 计划 → 实施 → 评估, or 取消 with a reason.
- ``INCIDENT``: 接报 → 响应 → 响应结束 → 复盘, or 作废 with a reason (only before response).
  Level changes, plan activations, tasks, the command log and dispatch are operations.
- ``ASSIGNMENT``: 调派 → 出发 → 到场 → 撤离; cancelled before it arrives.
"""

from django.utils.translation import gettext_lazy as _

from anjian.core.workflow import Lifecycle, Operation, Transition
from anjian.emergency import permissions as perms
from anjian.emergency.choices import UNIT_PLAN_TYPES, OwnerKind
from anjian.emergency.models import (
    Assignment,
    AssignmentState,
    AssignmentTransition,
    Drill,
    DrillState,
    DrillTransition,
    EmergencyPlan,
    Incident,
    IncidentState,
    IncidentTransition,
    PlanState,
    PlanTransition,
)

P = PlanState
D = DrillState
I = IncidentState  # noqa: E741
A = AssignmentState


def not_own_plan(user, plan) -> str | None:
    """A plan is filed by the authority it is sent to, never by the organisation that
    wrote it."""
    if user.scope.enterprise_id is not None:
        return _("生产经营单位不能受理预案备案")
    if plan.created_by_id == user.pk:
        return _("不能受理自己编制的预案的备案")
    return None


def plan_has_levels(plan) -> str | None:
    if not plan.levels.exists():
        return _("请先登记预案的响应级别（启动条件和总指挥）")
    if plan.plan_type not in UNIT_PLAN_TYPES and not plan.tasks.exists():
        return _("请先登记各响应级别启动后的任务")
    return None


def enterprise_plan_by_its_unit(user, plan) -> str | None:
    if plan.owner_kind == OwnerKind.ENTERPRISE and user.scope.enterprise_id not in (
        None,
        plan.enterprise_id,
    ):
        return _("只能办理本单位的预案")
    return None


def incident_open(assignment) -> str | None:
    if not assignment.incident.is_open:
        return _("事件已结束响应，不能再变更调派")
    return None


def has_review(incident) -> str | None:
    if not hasattr(incident, "review"):
        return _("请先登记复盘评估（处置总结、有效做法、存在问题）")
    return None


def assignments_released(incident) -> str | None:
    active = incident.assignments.filter(state__in=(A.DISPATCHED, A.EN_ROUTE, A.ON_SCENE)).count()
    if active:
        return _("还有%(count)d项调派的力量或物资未撤离，撤离或取消后才能结束响应") % {
            "count": active
        }
    return None


def drill_evaluated_fields(drill) -> str | None:
    if drill.held_on is None:
        return _("请先登记演练实施情况")
    return None


PLAN = Lifecycle(
    name="emergency_plan",
    label=_("应急预案"),
    model=EmergencyPlan,
    record=PlanTransition,
    record_fk="plan",
    states=PlanState,
    initial=P.DRAFT,
    events={
        "create": _("登记预案"),
        "edit": _("修改预案"),
        "assess": _("登记评估"),
        "trigger": _("登记修订情形"),
        "revise": _("编制修订版"),
        "attach": _("上传附件"),
    },
    transitions=[
        Transition(
            "publish",
            _("发布"),
            {P.DRAFT},
            P.PUBLISHED,
            perms.PLAN_MANAGE,
            guards=(enterprise_plan_by_its_unit,),
            conditions=(plan_has_levels,),
            required=("published_on",),
            who=_("编制单位：登记发布日期，按工作日计算备案期限（20个工作日）"),
        ),
        Transition(
            "submit",
            _("报送备案"),
            {P.PUBLISHED, P.RETURNED},
            P.SUBMITTED,
            perms.PLAN_MANAGE,
            guards=(enterprise_plan_by_its_unit,),
            required=("filing_authority",),
            who=_("编制单位：向受理备案的部门报送"),
        ),
        Transition(
            "file",
            _("备案"),
            {P.SUBMITTED},
            P.FILED,
            perms.PLAN_FILE,
            guards=(not_own_plan,),
            required=("filing_number",),
            who=_("受理备案的部门（不能是编制者本人）：登记备案编号"),
        ),
        Transition(
            "return",
            _("退回"),
            {P.SUBMITTED},
            P.RETURNED,
            perms.PLAN_FILE,
            guards=(not_own_plan,),
            needs_reason=True,
            who=_("受理备案的部门：说明退回理由"),
        ),
        Transition(
            "supersede",
            _("被修订版替代"),
            {P.PUBLISHED, P.SUBMITTED, P.RETURNED, P.FILED},
            P.SUPERSEDED,
            perms.PLAN_MANAGE,
            internal=True,
            who=_("修订版发布时自动替代"),
        ),
        Transition(
            "abolish",
            _("废止"),
            {P.DRAFT, P.PUBLISHED, P.SUBMITTED, P.RETURNED, P.FILED},
            P.ABOLISHED,
            perms.PLAN_MANAGE,
            guards=(enterprise_plan_by_its_unit,),
            needs_reason=True,
            who=_("编制单位：说明废止理由"),
        ),
    ],
    operations=[
        Operation(
            "assess",
            _("登记评估"),
            perms.PLAN_MANAGE,
            {P.PUBLISHED, P.SUBMITTED, P.RETURNED, P.FILED},
            guards=(enterprise_plan_by_its_unit,),
            who=_("编制单位：评估日期、结论、是否需要修订"),
        ),
        Operation(
            "trigger",
            _("登记修订情形"),
            perms.PLAN_MANAGE,
            {P.PUBLISHED, P.SUBMITTED, P.RETURNED, P.FILED},
            who=_("编制单位或监管部门：法规、机构、风险、资源变化或演练、处置中发现问题"),
        ),
        Operation(
            "revise",
            _("编制修订版"),
            perms.PLAN_MANAGE,
            {P.PUBLISHED, P.SUBMITTED, P.RETURNED, P.FILED},
            guards=(enterprise_plan_by_its_unit,),
            who=_("编制单位：复制为新版本草稿，发布后替代本版"),
        ),
    ],
)

DRILL = Lifecycle(
    name="emergency_drill",
    label=_("应急演练"),
    model=Drill,
    record=DrillTransition,
    record_fk="drill",
    states=DrillState,
    initial=D.PLANNED,
    events={"create": _("登记演练计划"), "problem_done": _("整改完成")},
    transitions=[
        Transition(
            "hold",
            _("登记实施"),
            {D.PLANNED},
            D.HELD,
            perms.DRILL_MANAGE,
            required=("held_on", "participants", "record"),
            who=_("组织单位：实施日期、参演人数、演练记录"),
        ),
        Transition(
            "evaluate",
            _("登记评估"),
            {D.HELD},
            D.EVALUATED,
            perms.DRILL_MANAGE,
            conditions=(drill_evaluated_fields,),
            required=("score", "evaluators", "evaluated_on", "summary"),
            who=_("组织单位：得分、评估人员、结论、发现的问题及整改任务"),
        ),
        Transition(
            "cancel",
            _("取消"),
            {D.PLANNED},
            D.CANCELLED,
            perms.DRILL_MANAGE,
            needs_reason=True,
            who=_("组织单位：说明取消理由"),
        ),
    ],
    operations=[
        Operation(
            "problem_done",
            _("整改完成"),
            perms.DRILL_MANAGE,
            {D.EVALUATED},
            who=_("组织单位：登记问题整改完成情况"),
        ),
    ],
)

INCIDENT = Lifecycle(
    name="incident",
    label=_("突发事件"),
    model=Incident,
    record=IncidentTransition,
    record_fk="incident",
    states=IncidentState,
    initial=I.REPORTED,
    events={
        "open": _("接报"),
        "level": _("调整级别"),
        "activate": _("启动预案"),
        "task": _("指派任务"),
        "task_done": _("任务完成"),
        "log": _("指挥日志"),
        "dispatch": _("调派资源"),
    },
    transitions=[
        Transition(
            "respond",
            _("启动响应"),
            {I.REPORTED},
            I.RESPONDING,
            perms.INCIDENT_COMMAND,
            required=("level", "lead_organisation", "commander"),
            who=_("指挥部门：事件级别、牵头处置单位、现场总指挥"),
        ),
        Transition(
            "close",
            _("结束响应"),
            {I.RESPONDING},
            I.CLOSED,
            perms.INCIDENT_COMMAND,
            conditions=(assignments_released,),
            who=_("指挥部门：调派的力量和物资全部撤离后"),
        ),
        Transition(
            "review",
            _("完成复盘"),
            {I.CLOSED},
            I.REVIEWED,
            perms.INCIDENT_COMMAND,
            conditions=(has_review,),
            who=_("指挥部门：复盘评估已登记，教训转为整改任务"),
        ),
        Transition(
            "void",
            _("作废"),
            {I.REPORTED},
            I.VOIDED,
            perms.INCIDENT_COMMAND,
            conditions=(assignments_released,),
            needs_reason=True,
            who=_("指挥部门：误报、重复登记等，说明理由"),
        ),
    ],
    operations=[
        Operation(
            "level",
            _("调整级别"),
            perms.INCIDENT_COMMAND,
            {I.RESPONDING},
            who=_("指挥部门：升级或降级，说明理由"),
        ),
        Operation(
            "activate",
            _("启动预案"),
            perms.INCIDENT_COMMAND,
            {I.REPORTED, I.RESPONDING},
            who=_("指挥部门：按级别启动预案，生成该级别的响应任务"),
        ),
        Operation(
            "task",
            _("指派任务"),
            perms.INCIDENT_COMMAND,
            {I.REPORTED, I.RESPONDING, I.CLOSED, I.REVIEWED},
            who=_("指挥部门"),
        ),
        Operation(
            "log",
            _("记录指挥日志"),
            perms.INCIDENT_COMMAND,
            {I.REPORTED, I.RESPONDING, I.CLOSED},
            who=_("指挥部门：决策、指示、信息报送、现场情况"),
        ),
        Operation(
            "dispatch",
            _("调派资源"),
            perms.INCIDENT_COMMAND,
            {I.REPORTED, I.RESPONDING},
            who=_("指挥部门：按距离调派最近的可用队伍、物资、装备、避难场所、专家"),
        ),
        Operation(
            "after_action",
            _("登记复盘评估"),
            perms.INCIDENT_COMMAND,
            {I.CLOSED},
            who=_("指挥部门：处置总结、有效做法、存在问题，教训转为任务"),
        ),
    ],
)

ASSIGNMENT = Lifecycle(
    name="assignment",
    label=_("资源调派"),
    model=Assignment,
    record=AssignmentTransition,
    record_fk="assignment",
    states=AssignmentState,
    initial=A.DISPATCHED,
    events={"dispatch": _("调派")},
    transitions=[
        Transition(
            "depart",
            _("出发"),
            {A.DISPATCHED},
            A.EN_ROUTE,
            perms.INCIDENT_COMMAND,
            conditions=(incident_open,),
            who=_("指挥部门"),
        ),
        Transition(
            "arrive",
            _("到场"),
            {A.DISPATCHED, A.EN_ROUTE},
            A.ON_SCENE,
            perms.INCIDENT_COMMAND,
            conditions=(incident_open,),
            who=_("指挥部门"),
        ),
        Transition(
            "release",
            _("撤离"),
            {A.ON_SCENE},
            A.RELEASED,
            perms.INCIDENT_COMMAND,
            who=_("指挥部门：队伍恢复待命，未用完的物资归还入库，避难场所按实际安置人数"),
        ),
        Transition(
            "cancel",
            _("取消调派"),
            {A.DISPATCHED, A.EN_ROUTE},
            A.CANCELLED,
            perms.INCIDENT_COMMAND,
            needs_reason=True,
            who=_("指挥部门：说明理由；队伍恢复待命，物资归还入库"),
        ),
    ],
)

__all__ = ["ASSIGNMENT", "DRILL", "INCIDENT", "PLAN"]
