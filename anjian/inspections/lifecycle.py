"""The lifecycles of a draw and of an inspection task, on the workflow kernel.

Draw: drawn → published (公示: the result goes on the public page) or drawn → voided
(作废, with the reason; the draw stays on record and the next one is the next attempt).
A published draw is final. Task: assigned → done (检查完成, with the outcome) or
assigned → cancelled (with the reason, e.g. the enterprise closed before the visit).
Both may be taken only by a user of the department that made the draw, or by one whose
scope covers it from above (应急局). Diagrams and tables: docs/lifecycles.md.
"""

from django.utils.translation import gettext_lazy as _

from anjian.accounts.roles import Role
from anjian.core.workflow import Lifecycle, Transition
from anjian.inspections import permissions as perms
from anjian.inspections.choices import DrawState, TaskState
from anjian.inspections.models import (
    Draw,
    DrawTransition,
    InspectionPlan,
    InspectionTask,
    InspectionTaskTransition,
    PlanTransition,
)
from anjian.inspections.plan_models import PlanState


def of_the_department(user, obj) -> str | None:
    """A 行业部门 user acts only on their own department's draws and tasks."""
    if user.role == Role.DEPARTMENT and user.department_id != obj.department_id:
        return _("只能由实施抽取的部门办理")
    return None


def drawn_inspector(user, task) -> str | None:
    """An 执法人员 records only the tasks they were drawn for."""
    if user.role == Role.INSPECTOR and not task.inspectors.filter(user=user).exists():
        return _("只有抽中的检查人员可以登记检查结果")
    return None


DRAW = Lifecycle(
    name="inspection_draw",
    label=_("双随机抽取"),
    model=Draw,
    record=DrawTransition,
    record_fk="draw",
    states=DrawState,
    initial=DrawState.DRAWN,
    transitions=[
        Transition(
            "publish",
            _("公示"),
            {DrawState.DRAWN},
            DrawState.PUBLISHED,
            perms.INSPECTION_DRAW,
            guards=(of_the_department,),
            who=_("实施部门（抽取权限）；公示后在公开页面显示抽取结果与记录"),
        ),
        Transition(
            "void",
            _("作废"),
            {DrawState.DRAWN},
            DrawState.VOIDED,
            perms.INSPECTION_DRAW,
            guards=(of_the_department,),
            needs_reason=True,
            who=_("实施部门（抽取权限），须写明原因；作废的抽取保留在记录中"),
        ),
    ],
    events={"draw": _("抽取")},
)

TASK = Lifecycle(
    name="inspection_task",
    label=_("检查任务"),
    model=InspectionTask,
    record=InspectionTaskTransition,
    record_fk="task",
    states=TaskState,
    initial=TaskState.ASSIGNED,
    transitions=[
        Transition(
            "complete",
            _("登记检查结果"),
            {TaskState.ASSIGNED},
            TaskState.DONE,
            perms.INSPECTION_RECORD,
            guards=(of_the_department, drawn_inspector),
            required=("inspected_on", "outcome"),
            who=_("抽中的检查人员，或实施部门"),
        ),
        Transition(
            "cancel",
            _("取消任务"),
            {TaskState.ASSIGNED},
            TaskState.CANCELLED,
            perms.INSPECTION_DRAW,
            guards=(of_the_department,),
            needs_reason=True,
            who=_("实施部门（抽取权限），须写明原因"),
        ),
    ],
)


def not_the_submitter(user, plan) -> str | None:
    """Two people: whoever drew the plan up or submitted it does not approve it."""
    writers = {plan.created_by_id} | set(
        plan.transitions.filter(action="submit").values_list("by_id", flat=True)
    )
    if user.pk in writers:
        return _("不能审批本人编制或提交的计划，须由部门负责人或领导审批")
    return None


PLAN = Lifecycle(
    name="inspection_plan",
    label=_("监督检查计划"),
    model=InspectionPlan,
    record=PlanTransition,
    record_fk="plan",
    states=PlanState,
    initial=PlanState.DRAFT,
    transitions=[
        Transition(
            "submit",
            _("提交审批"),
            {PlanState.DRAFT},
            PlanState.SUBMITTED,
            perms.INSPECTION_PLAN,
            guards=(of_the_department,),
            who=_("编制部门（计划编制权限）"),
        ),
        Transition(
            "return",
            _("退回修改"),
            {PlanState.SUBMITTED},
            PlanState.DRAFT,
            perms.INSPECTION_PLAN_APPROVE,
            guards=(of_the_department,),
            needs_reason=True,
            who=_("审批人，须写明需要修改什么"),
        ),
        Transition(
            "approve",
            _("批准"),
            {PlanState.SUBMITTED},
            PlanState.APPROVED,
            perms.INSPECTION_PLAN_APPROVE,
            guards=(of_the_department, not_the_submitter),
            who=_("部门负责人或领导，且不是编制或提交计划的人"),
        ),
    ],
    events={"propose": _("按频次生成"), "adjust": _("调整检查对象")},
)
