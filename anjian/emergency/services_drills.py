"""Every write of 应急演练: the drill plan, its record, its evaluation with the problems it
found (each an improvement task tracked to completion), cancellation.

- ``drill_create``: who owns it as for plans (a unit's user for their own unit); the
  drilled plan, if named, is one of the same owner's, in scope, not replaced, and of the
  kind the drill is (an on-site drill drills a 现场处置方案).
- ``drill_hold``: held on a day not in the future (earlier than planned is fine), with
  participants and what was done.
- ``drill_evaluate``: a whole score 0–100, the problems as tasks with their days; "the
  plan needs revision" records a 演练发现问题 trigger (``RevisionTrigger.LESSONS``) on the
  drilled plan's version in force, which makes it due for revision.
- ``drill_cancel`` with a reason; ``drill_problem_done`` closes one task.
"""

from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope
from anjian.core.scoping import ensure_in_scope
from anjian.core.services import writable
from anjian.emergency import permissions as perms
from anjian.emergency.checks import day, number_in_range, raise_errors, text
from anjian.emergency.choices import DrillForm, DrillKind, PlanType, RevisionTrigger, TaskState
from anjian.emergency.lifecycle import DRILL
from anjian.emergency.models import (
    IN_FORCE_STATES,
    Drill,
    DrillEvaluation,
    DrillProblem,
    EmergencyPlan,
    PlanState,
)
from anjian.emergency.selectors_drills import drill_for_write, unit_key, visible_drills
from anjian.emergency.selectors_plans import visible_plans
from anjian.emergency.services_common import (
    OWNER_FIELDS,
    check_keeper,
    plan_or_drill_owner,
    temporary_number,
)
from anjian.emergency.services_plans import record_trigger

DRILL_FIELDS = (
    *OWNER_FIELDS,
    "title",
    "kind",
    "form",
    "plan",
    "plan_id",
    "scenario",
    "planned_on",
    "place",
)
# The drill kind that drills each type of plan.
KIND_OF_PLAN = {
    PlanType.OVERALL: DrillKind.COMPREHENSIVE,
    PlanType.COMPREHENSIVE: DrillKind.COMPREHENSIVE,
    PlanType.GOVERNMENT_SPECIAL: DrillKind.SPECIAL,
    PlanType.DEPARTMENTAL: DrillKind.SPECIAL,
    PlanType.SPECIAL: DrillKind.SPECIAL,
    PlanType.ONSITE: DrillKind.ONSITE,
}
MAX_PARTICIPANTS = 100_000


def _owner_key(record) -> str:
    return unit_key(record.owner_kind, record.enterprise_id, record.department_id, record.region_id)


def _drilled_plan(by, plan_id, owner: dict, kind: str, errors: dict) -> EmergencyPlan | None:
    if plan_id in (None, ""):
        return None
    plan = visible_plans(by).filter(pk=getattr(plan_id, "pk", plan_id)).first()
    if plan is None:
        raise OutOfScope(field="plan")
    own = unit_key(
        owner["owner_kind"],
        getattr(owner.get("enterprise"), "pk", None),
        getattr(owner.get("department"), "pk", None),
        owner["region"].pk,
    )
    if _owner_key(plan) != own:
        errors["plan"] = _("只能选择本单位（本部门、本级人民政府）的预案")
    elif plan.state in (PlanState.SUPERSEDED, PlanState.ABOLISHED):
        errors["plan"] = _("该预案已%(state)s，请选择现行版本") % {
            "state": plan.get_state_display()
        }
    elif kind in DrillKind.values and KIND_OF_PLAN[plan.plan_type] != kind:
        errors["kind"] = _("%(type)s的演练应为%(kind)s") % {
            "type": plan.get_plan_type_display(),
            "kind": DrillKind(KIND_OF_PLAN[plan.plan_type]).label,
        }
    return plan


@transaction.atomic
def drill_create(by, *, data: dict, synthetic: bool = False) -> Drill:
    """A drill plan (计划中). ``data``: the owner as for plans, ``title``, ``kind``,
    ``form``, ``plan`` (optional), ``scenario``, ``planned_on``, ``place``."""
    if not by.can(perms.DRILL_MANAGE):
        raise NotPermitted()
    data = writable(data, DRILL_FIELDS)
    errors: dict = {}
    owner = plan_or_drill_owner(by, data, errors)
    title = text(data.get("title"), "title", errors, limit=200, missing="请填写演练名称")
    kind = data.get("kind") or ""
    if kind not in DrillKind.values:
        errors["kind"] = _("请选择演练类型")
    form = data.get("form") or ""
    if form not in DrillForm.values:
        errors["form"] = _("请选择演练形式（桌面推演或实战演练）")
    scenario = text(data.get("scenario"), "scenario", errors, limit=2000, missing="请填写演练情景")
    planned_on = day(data.get("planned_on"), "planned_on", errors, missing="请填写计划日期")
    place = text(data.get("place"), "place", errors, limit=200)
    plan = None
    if owner:
        plan = _drilled_plan(by, data.get("plan", data.get("plan_id")), owner, kind, errors)
    raise_errors(errors)
    drill = Drill(
        **owner,
        title=title,
        kind=kind,
        form=form,
        plan=plan,
        scenario=scenario,
        planned_on=planned_on,
        place=place,
        created_by=by,
        synthetic=synthetic,
        number=temporary_number(),
    )
    drill.copy_owner_scope()
    drill.save()
    drill.number = f"YL{timezone.localdate():%Y}{drill.pk:07d}"
    Drill.objects.filter(pk=drill.pk).update(number=drill.number)
    ensure_in_scope(by, drill, field="enterprise" if drill.enterprise_id else "region")
    DRILL.record_event(drill, action="create", by=by, to_state=drill.state)
    return drill


def _begin(by, drill_id: int, name: str, expected_version: int | None):
    drill = drill_for_write(by, drill_id)
    if by.can(perms.DRILL_MANAGE):
        check_keeper(by, drill)
    return DRILL.begin(by=by, obj=drill, name=name, expected_version=expected_version)


@transaction.atomic
def drill_hold(
    by, *, drill_id: int, expected_version: int | None, held_on, participants, record: str
) -> Drill:
    """实施: the day it was held (not in the future), how many took part, what was done."""
    step = _begin(by, drill_id, "hold", expected_version)
    if step.replay:
        return step.obj
    errors: dict = {}
    held_on = day(held_on, "held_on", errors, missing="请填写实施日期", today=timezone.localdate())
    participants = number_in_range(
        participants,
        "participants",
        errors,
        low=1,
        high=MAX_PARTICIPANTS,
        message="参演人数须为大于0的整数",
    )
    record = text(record, "record", errors, limit=4000, missing="请填写演练记录（过程和处置情况）")
    raise_errors(errors)
    return DRILL.commit(
        step,
        by=by,
        values={"held_on": held_on, "participants": participants, "record": record},
        data={"held_on": held_on.isoformat(), "participants": participants},
    )


def _problems(rows, evaluated_on: date | None, errors: dict) -> list[dict]:
    allowed = ("description", "improvement", "responsible", "due_on")
    problems, clean = [], []
    for number, row in enumerate(rows or (), 1):
        prefix = _("第%(n)d项：") % {"n": number}
        unknown = sorted(set(row) - set(allowed)) if isinstance(row, dict) else ["?"]
        if unknown:
            problems.append(prefix + _("不能填写的字段：%(f)s") % {"f": "、".join(unknown)})
            continue
        line: dict = {}
        values = {
            "description": text(
                row.get("description"), "description", line, limit=2000, missing="请填写问题"
            ),
            "improvement": text(
                row.get("improvement"), "improvement", line, limit=500, missing="请填写改进措施"
            ),
            "responsible": text(
                row.get("responsible"), "responsible", line, limit=120, missing="请填写责任人"
            ),
            "due_on": day(row.get("due_on"), "due_on", line, missing="请填写完成期限"),
        }
        if not line and evaluated_on and values["due_on"] < evaluated_on:
            line["due_on"] = _("完成期限不能早于评估日期")
        if line:
            problems.append(prefix + "；".join(str(message) for message in line.values()))
        else:
            clean.append(values)
    if problems:
        errors["problems"] = "；".join(problems)
    return clean


def _plan_in_force(plan: EmergencyPlan | None) -> EmergencyPlan | None:
    """The version of ``plan`` in force now (following its revisions), locked."""
    seen = plan
    while seen is not None and seen.state == PlanState.SUPERSEDED:
        seen = seen.revisions.exclude(state=PlanState.DRAFT).order_by("-pk").first()
    if seen is None or seen.state not in IN_FORCE_STATES:
        return None
    return EmergencyPlan.objects.select_for_update().get(pk=seen.pk)


@transaction.atomic
def drill_evaluate(
    by,
    *,
    drill_id: int,
    expected_version: int | None,
    score,
    evaluators: str,
    evaluated_on,
    summary: str,
    plan_needs_revision: bool = False,
    problems=(),
) -> Drill:
    """评估: score, evaluators, conclusion; ``problems``: [{description, improvement,
    responsible, due_on}] become improvement tasks."""
    step = _begin(by, drill_id, "evaluate", expected_version)
    if step.replay:
        return step.obj
    drill = step.obj
    errors: dict = {}
    score = number_in_range(
        score, "score", errors, low=0, high=100, message="评估得分须为0至100的整数"
    )
    evaluators = text(evaluators, "evaluators", errors, limit=200, missing="请填写评估人员")
    evaluated_on = day(
        evaluated_on, "evaluated_on", errors, missing="请填写评估日期", today=timezone.localdate()
    )
    if "evaluated_on" not in errors and evaluated_on < drill.held_on:
        errors["evaluated_on"] = _("评估日期不能早于实施日期（%(d)s）") % {
            "d": drill.held_on.isoformat()
        }
    summary = text(summary, "summary", errors, limit=4000, missing="请填写评估结论")
    rows = _problems(problems, None if "evaluated_on" in errors else evaluated_on, errors)
    plan = None
    if plan_needs_revision:
        if drill.plan_id is None:
            errors["plan_needs_revision"] = _("演练未关联预案，无法登记预案修订")
        else:
            plan = _plan_in_force(drill.plan)
            if plan is None:
                errors["plan_needs_revision"] = _("演练的预案没有现行版本（尚未发布或已废止）")
    raise_errors(errors)
    DrillEvaluation.objects.create(
        drill=drill,
        score=score,
        evaluators=evaluators,
        evaluated_on=evaluated_on,
        summary=summary,
        plan_needs_revision=bool(plan_needs_revision),
        by=by,
    )
    DrillProblem.objects.bulk_create(DrillProblem(drill=drill, **row) for row in rows)
    if plan is not None:
        record_trigger(
            plan,
            by=by,
            trigger=RevisionTrigger.LESSONS,
            conclusion=_("演练“%(title)s”（%(number)s，%(on)s）评估发现预案需修订：%(summary)s")
            % {
                "title": drill.title,
                "number": drill.number,
                "on": evaluated_on.isoformat(),
                "summary": summary[:1500],
            },
        )
    return DRILL.commit(
        step,
        by=by,
        data={"score": score, "problems": len(rows), "plan_needs_revision": plan is not None},
    )


@transaction.atomic
def drill_cancel(by, *, drill_id: int, expected_version: int | None, reason: str) -> Drill:
    step = _begin(by, drill_id, "cancel", expected_version)
    if step.replay:
        return step.obj
    errors: dict = {}
    reason = text(reason, "reason", errors, limit=2000, missing="请写明取消理由")
    raise_errors(errors)
    return DRILL.commit(step, by=by, reason=reason)


@transaction.atomic
def drill_problem_done(
    by, *, problem_id: int, expected_version: int | None, done_on, note: str
) -> DrillProblem:
    """整改完成: the day and what was done; a task done once stays done."""
    problem = (
        DrillProblem.objects.filter(pk=problem_id, drill__in=visible_drills(by))
        .select_related("drill__evaluation")
        .first()
    )
    if problem is None:
        raise OutOfScope()
    drill = drill_for_write(by, problem.drill_id)
    if by.can(perms.DRILL_MANAGE):
        check_keeper(by, drill)
    DRILL.check_operation(by, "problem_done", drill)
    if problem.state != TaskState.OPEN:
        raise Conflict(_("该整改任务已%(state)s") % {"state": problem.get_state_display()})
    if expected_version is not None and problem.version != expected_version:
        raise Conflict()
    errors: dict = {}
    done_on = day(done_on, "done_on", errors, missing="请填写完成日期", today=timezone.localdate())
    evaluated_on = problem.drill.evaluation.evaluated_on
    if "done_on" not in errors and done_on < evaluated_on:
        errors["done_on"] = _("完成日期不能早于演练评估日期（%(d)s）") % {
            "d": evaluated_on.isoformat()
        }
    note = text(note, "note", errors, limit=500, missing="请填写整改完成情况")
    raise_errors(errors)
    updated = DrillProblem.objects.filter(
        pk=problem.pk, version=problem.version, state=TaskState.OPEN
    ).update(state=TaskState.DONE, done_on=done_on, done_note=note, version=F("version") + 1)
    if not updated:
        raise Conflict()
    DRILL.record_event(
        drill,
        action="problem_done",
        by=by,
        reason=note,
        data={"problem": problem.pk, "done_on": done_on.isoformat()},
    )
    problem.refresh_from_db()
    return problem
