"""The lifecycles of a draw and of an inspection task, on the workflow kernel.

Draw: drawn → published (公示: the result goes on the public page) or drawn → voided
(作废, with the reason; the draw stays on record and the next one is the next attempt).
A published draw is final. Task: assigned → done (检查完成, with the outcome) or
assigned → cancelled (with the reason, e.g. the enterprise closed before the visit).
Both may be taken only by a user of the department that made the draw, or by one whose
scope covers it from above (应急局).

Inspection: open → done (检查完成: the findings become hazards, the documents are issued)
or open → voided. Case: 立案 → 调查取证 → 法制审核 (only a case that needs it; passed by
a reviewer who handles no part of it) → 告知 → 决定 → 执行 → 结案; 移送 (行刑衔接) and 不予处罚
end it early. The legal-review gate is a condition of 告知 and 决定, so no path skips it.
Diagrams and tables: docs/lifecycles.md.
"""

from django.utils.translation import gettext_lazy as _

from anjian.accounts.roles import Role
from anjian.core.workflow import Lifecycle, Transition
from anjian.inspections import permissions as perms
from anjian.inspections.case_models import CaseState
from anjian.inspections.choices import DrawState, TaskState
from anjian.inspections.models import (
    Case,
    CaseTransition,
    Draw,
    DrawTransition,
    Inspection,
    InspectionPlan,
    InspectionTask,
    InspectionTaskTransition,
    InspectionTransition,
    PlanTransition,
)
from anjian.inspections.plan_models import PlanState
from anjian.inspections.record_models import InspectionState


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


def one_of_its_inspectors(user, inspection) -> str | None:
    """An 执法人员 completes only an inspection they are one of the inspectors of."""
    if user.role == Role.INSPECTOR and not inspection.inspectors.filter(user=user).exists():
        return _("只有本次检查的检查人员可以办理")
    return None


INSPECTION = Lifecycle(
    name="inspection",
    label=_("现场检查"),
    model=Inspection,
    record=InspectionTransition,
    record_fk="inspection",
    states=InspectionState,
    initial=InspectionState.OPEN,
    transitions=[
        Transition(
            "complete",
            _("完成检查"),
            {InspectionState.OPEN},
            InspectionState.DONE,
            perms.INSPECTION_RECORD,
            guards=(of_the_department, one_of_its_inspectors),
            who=_("本次检查的检查人员，或实施部门；不符合项登记为隐患并制作文书"),
        ),
        Transition(
            "void",
            _("作废"),
            {InspectionState.OPEN},
            InspectionState.VOIDED,
            perms.INSPECTION_RECORD,
            guards=(of_the_department, one_of_its_inspectors),
            needs_reason=True,
            who=_("本次检查的检查人员，或实施部门，须写明原因"),
        ),
    ],
    events={
        "start": _("开始检查"),
        "mark": _("检查项结果"),
        "evidence": _("上传材料"),
        "reinspect": _("整改复查"),
    },
)


def not_a_handler(user, case) -> str | None:
    """法制审核 is done by someone who took no part in the case: not its filer, not one of
    its handlers, not whoever weighed the penalty or submitted it for review."""
    took_part = case.transitions.filter(action__in=("weigh", "submit_review"), by=user)
    if (
        user.pk == case.created_by_id
        or case.handlers.filter(user=user).exists()
        or took_part.exists()
    ):
        return _("立案人、承办人和作出裁量或提交审核的人员不能审核本案，须由法制审核人员审核")
    return None


def a_handler_if_inspector(user, case) -> str | None:
    """An 执法人员 acts only on the cases they handle (承办人)."""
    if user.role == Role.INSPECTOR and not case.handlers.filter(user=user).exists():
        return _("只有本案承办人可以办理")
    return None


CASE_GUARDS = (of_the_department, a_handler_if_inspector)


def reviewed_if_needed(case) -> str | None:
    """The gate: a case that needs legal review is notified and decided only after a pass."""
    if not case.needs_legal_review:
        return None
    passed = case.transitions.filter(action="pass_review").order_by("-at", "-id").first()
    returned = case.transitions.filter(action="return_review").order_by("-at", "-id").first()
    if passed is None or (
        returned is not None and (returned.at, returned.pk) > (passed.at, passed.pk)
    ):
        return _("本案须经法制审核通过后才能告知和作出决定")
    return None


def penalty_weighed(case) -> str | None:
    if case.rule_id is None or case.fine is None:
        return _("请先选择适用的自由裁量基准并填写罚款金额")
    return None


CASE = Lifecycle(
    name="inspection_case",
    label=_("行政处罚案件"),
    model=Case,
    record=CaseTransition,
    record_fk="case",
    states=CaseState,
    initial=CaseState.FILED,
    transitions=[
        Transition(
            "investigate",
            _("开始调查"),
            {CaseState.FILED},
            CaseState.INVESTIGATING,
            perms.INSPECTION_CASE,
            guards=CASE_GUARDS,
            who=_("立案部门（案件办理权限）；执法人员只能办理本人承办的案件"),
        ),
        Transition(
            "submit_review",
            _("提交法制审核"),
            {CaseState.INVESTIGATING},
            CaseState.LEGAL_REVIEW,
            perms.INSPECTION_CASE,
            guards=CASE_GUARDS,
            conditions=(penalty_weighed,),
            who=_("承办人；须法制审核的案件必须经过此步"),
        ),
        Transition(
            "pass_review",
            _("审核通过"),
            {CaseState.LEGAL_REVIEW},
            CaseState.REVIEWED,
            perms.INSPECTION_LEGAL_REVIEW,
            guards=(not_a_handler,),
            required=("legal_review_opinion",),
            who=_("法制审核人员（不是立案人、承办人或作出裁量、提交审核的人员），须填写审核意见"),
        ),
        Transition(
            "return_review",
            _("审核退回"),
            {CaseState.LEGAL_REVIEW},
            CaseState.INVESTIGATING,
            perms.INSPECTION_LEGAL_REVIEW,
            guards=(not_a_handler,),
            needs_reason=True,
            who=_("法制审核人员（同上），须写明退回理由；退回后须重新提交审核"),
        ),
        Transition(
            "notify",
            _("送达处罚告知"),
            {CaseState.INVESTIGATING, CaseState.REVIEWED},
            CaseState.NOTIFIED,
            perms.INSPECTION_CASE,
            guards=CASE_GUARDS,
            conditions=(penalty_weighed, reviewed_if_needed),
            who=_("承办部门；须法制审核的案件在审核通过后"),
        ),
        Transition(
            "decide",
            _("作出处罚决定"),
            {CaseState.NOTIFIED},
            CaseState.DECIDED,
            perms.INSPECTION_CASE,
            guards=CASE_GUARDS,
            conditions=(penalty_weighed, reviewed_if_needed),
            who=_("承办部门；陈述申辩期满后作出，生成行政处罚决定书"),
        ),
        Transition(
            "execute",
            _("登记执行"),
            {CaseState.DECIDED},
            CaseState.EXECUTED,
            perms.INSPECTION_CASE,
            guards=CASE_GUARDS,
            required=("execution_note",),
            who=_("承办部门，登记缴款或履行情况"),
        ),
        Transition(
            "close",
            _("结案"),
            {CaseState.EXECUTED},
            CaseState.CLOSED,
            perms.INSPECTION_CASE,
            guards=CASE_GUARDS,
            who=_("承办部门"),
        ),
        Transition(
            "transfer",
            _("移送司法机关"),
            {
                CaseState.FILED,
                CaseState.INVESTIGATING,
                CaseState.LEGAL_REVIEW,
                CaseState.REVIEWED,
                CaseState.NOTIFIED,
            },
            CaseState.TRANSFERRED,
            perms.INSPECTION_CASE,
            guards=CASE_GUARDS,
            needs_reason=True,
            required=("transferred_to",),
            who=_("立案部门；涉嫌犯罪的案件移送公安机关（行刑衔接），须写明理由和接收机关"),
        ),
        Transition(
            "drop",
            _("不予处罚"),
            {CaseState.FILED, CaseState.INVESTIGATING, CaseState.REVIEWED, CaseState.NOTIFIED},
            CaseState.DROPPED,
            perms.INSPECTION_CASE,
            guards=CASE_GUARDS,
            needs_reason=True,
            who=_(
                "立案部门，须写明理由（违法事实不成立、情节轻微并及时改正等；"
                "告知后经陈述申辩不予处罚的亦同）"
            ),
        ),
    ],
    events={"file": _("立案"), "weigh": _("裁量"), "document": _("制作文书")},
)
