"""Drills: planned for one's own unit with one of its plans, held (never in the future),
evaluated with a whole score and problems that become tasks, a lesson that makes the plan
due for revision, cancelled with a reason; scope, conflicts and bad input."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope, ValidationError
from anjian.emergency import services_drills as services
from anjian.emergency import services_plans
from anjian.emergency.choices import DrillKind, OwnerKind, PlanType, RevisionTrigger, TaskState
from anjian.emergency.models import Drill, DrillState, PlanState
from anjian.emergency.tests.factories_plans import (
    drill,
    evaluated,
    government_plan,
    held,
    in_force,
    unit_plan,
)
from testsupport import world

pytestmark = pytest.mark.django_db

PROBLEM = {
    "description": "对讲机信号覆盖不到罐区",
    "improvement": "增设中继台",
    "responsible": "设备部",
    "due_on": date(2026, 8, 31),
}


def errors_of(raised) -> dict:
    return raised.value.message_dict


def test_a_drill_is_planned_for_a_unit_with_one_of_its_plans():
    plan = in_force(plan_type=PlanType.ONSITE, title="储罐泄漏现场处置方案")
    planned = drill(plan=plan)
    unit = world.enterprise("yinhang_chemical")
    assert planned.state == DrillState.PLANNED and planned.number.startswith("YL")
    assert (planned.scope_region_code, planned.industry_id) == (
        unit.scope_region_code,
        unit.industry_id,
    )
    assert planned.plan_id == plan.pk and planned.transitions.get().action == "create"


def test_an_enterprise_user_plans_for_their_own_unit_only():
    manager = world.actor("enterprise_manager")
    own = drill(manager, enterprise="yinhang_chemical")
    assert own.enterprise_id == world.enterprise("yinhang_chemical").pk
    with pytest.raises(OutOfScope):
        drill(manager, enterprise="yinhang_site")


def test_the_drilled_plan_is_in_scope_of_the_same_owner_and_of_the_drills_kind():
    other_unit = in_force(enterprise="yinhang_site", plan_type=PlanType.ONSITE)
    with pytest.raises(ValidationError) as raised:
        drill(plan=other_unit)
    assert "本单位" in errors_of(raised)["plan"][0]
    comprehensive = in_force()
    with pytest.raises(ValidationError) as raised:
        drill(plan=comprehensive, kind=DrillKind.ONSITE)
    assert "综合演练" in errors_of(raised)["kind"][0]
    hidden = unit_plan(world.actor("neighbour_official"), enterprise="hongkou_shop")
    with pytest.raises(OutOfScope):
        drill(plan=hidden)


def test_a_replaced_plan_is_not_drilled():
    plan = in_force()
    services_plans.plan_abolish(
        world.actor("district_official"),
        plan_id=plan.pk,
        expected_version=plan.version,
        reason="停产",
    )
    with pytest.raises(ValidationError) as raised:
        drill(plan=plan, kind=DrillKind.COMPREHENSIVE)
    assert "已废止" in errors_of(raised)["plan"][0]


def test_a_government_drills_its_own_plans():
    plan = government_plan()
    exercise = drill(
        owner_kind=OwnerKind.GOVERNMENT,
        enterprise=None,
        region=world.YANGPU,
        kind=DrillKind.COMPREHENSIVE,
        plan=plan,
        title="区总体预案桌面推演",
    )
    assert exercise.scope_region_code == world.YANGPU and exercise.industry_id is None
    with pytest.raises(NotPermitted):
        drill(world.actor("housing_official"), owner_kind=OwnerKind.GOVERNMENT, enterprise=None)


def test_bad_input_is_named_by_field():
    with pytest.raises(ValidationError) as raised:
        drill(title="", kind="fire", form="", scenario="", planned_on="明天")
    assert {"title", "kind", "form", "scenario", "planned_on"} <= set(errors_of(raised))
    with pytest.raises(NotPermitted):
        drill(world.actor("leader"))


# --- held ---------------------------------------------------------------------------------------


def test_a_drill_is_held_earlier_than_planned_but_never_in_the_future():
    planned = drill(planned_on=date(2026, 6, 15))
    with pytest.raises(ValidationError) as raised:
        held(planned, on=timezone.localdate() + timedelta(days=1), participants=0)
    assert set(errors_of(raised)) == {"held_on", "participants"}
    done = held(planned, on=date(2026, 6, 1))
    assert done.state == DrillState.HELD and done.held_on == date(2026, 6, 1)
    assert done.participants == 30


@pytest.mark.parametrize("participants", [0, -3, "十", 2.5, True, None])
def test_participants_are_a_whole_number_above_zero(participants):
    with pytest.raises(ValidationError) as raised:
        held(drill(), participants=participants)
    assert "participants" in errors_of(raised)


def test_a_stale_version_is_a_conflict_and_a_neighbour_gets_out_of_scope():
    planned = drill()
    with pytest.raises(Conflict):
        services.drill_hold(
            world.actor("district_official"),
            drill_id=planned.pk,
            expected_version=planned.version + 1,
            held_on=date(2026, 5, 20),
            participants=10,
            record="x",
        )
    with pytest.raises(OutOfScope):
        held(planned, world.actor("neighbour_official"))


# --- evaluated ----------------------------------------------------------------------------------


def test_an_evaluation_turns_each_problem_into_a_task():
    done = held(drill())
    result = evaluated(done, problems=[PROBLEM, {**PROBLEM, "improvement": "修订通讯录"}])
    assert result.state == DrillState.EVALUATED
    assert result.evaluation.score == 85
    tasks = list(result.problems.values_list("improvement", "state", "due_on"))
    assert tasks == [
        ("增设中继台", TaskState.OPEN, date(2026, 8, 31)),
        ("修订通讯录", TaskState.OPEN, date(2026, 8, 31)),
    ]


@pytest.mark.parametrize("score", [-1, 101, "85.5", 85.5, "", None, True])
def test_the_score_is_a_whole_number_from_0_to_100(score):
    done = held(drill())
    with pytest.raises(ValidationError) as raised:
        services.drill_evaluate(
            world.actor("district_official"),
            drill_id=done.pk,
            expected_version=done.version,
            score=score,
            evaluators="专家组",
            evaluated_on=done.held_on,
            summary="有效",
        )
    assert "score" in errors_of(raised)


def test_bad_problems_and_days_are_named():
    done = held(drill(), on=date(2026, 5, 20))
    with pytest.raises(ValidationError) as raised:
        services.drill_evaluate(
            world.actor("district_official"),
            drill_id=done.pk,
            expected_version=done.version,
            score=0,
            evaluators="",
            evaluated_on=date(2026, 5, 19),
            summary="",
            problems=[{**PROBLEM, "improvement": ""}, {**PROBLEM, "owner": "x"}],
        )
    errors = errors_of(raised)
    assert {"evaluators", "evaluated_on", "summary", "problems"} == set(errors)
    assert "第1项：请填写改进措施" in errors["problems"][0]
    assert "第2项：不能填写的字段：owner" in errors["problems"][0]
    with pytest.raises(ValidationError) as raised:
        evaluated(done, on=date(2026, 9, 1), problems=[PROBLEM])  # task due before evaluation
    assert "完成期限不能早于评估日期" in errors_of(raised)["problems"][0]
    with pytest.raises(Conflict):
        evaluated(drill())  # not held yet


def test_a_lesson_makes_the_drilled_plan_in_force_due_for_revision():
    plan = in_force(plan_type=PlanType.ONSITE, title="储罐泄漏现场处置方案")
    done = held(drill(plan=plan))
    # the plan was revised since the drill was planned: the lesson reaches the version in force
    revision = services_plans.plan_revise(world.actor("district_official"), plan_id=plan.pk)
    revision = services_plans.plan_publish(
        world.actor("district_official"),
        plan_id=revision.pk,
        expected_version=revision.version,
        published_on=date(2026, 4, 1),
    )
    evaluated(done, plan_needs_revision=True)
    revision.refresh_from_db()
    plan.refresh_from_db()
    assert revision.revision_due and not plan.revision_due
    lesson = revision.assessments.get()
    assert lesson.trigger == RevisionTrigger.LESSONS and done.number in lesson.conclusion
    assert plan.state == PlanState.SUPERSEDED


def test_a_lesson_needs_a_drilled_plan():
    done = held(drill())
    with pytest.raises(ValidationError) as raised:
        evaluated(done, plan_needs_revision=True)
    assert "plan_needs_revision" in errors_of(raised)
    assert Drill.objects.get(pk=done.pk).state == DrillState.HELD


# --- cancelled, tasks done ----------------------------------------------------------------------


def test_a_planned_drill_is_cancelled_with_a_reason_and_a_held_one_is_not():
    planned = drill()
    official = world.actor("district_official")
    with pytest.raises(ValidationError):
        services.drill_cancel(official, drill_id=planned.pk, expected_version=1, reason="")
    cancelled = services.drill_cancel(
        official, drill_id=planned.pk, expected_version=planned.version, reason="台风停工"
    )
    assert cancelled.state == DrillState.CANCELLED
    done = held(drill())
    with pytest.raises(Conflict):
        services.drill_cancel(official, drill_id=done.pk, expected_version=done.version, reason="x")


def test_a_task_is_done_once_at_its_version():
    result = evaluated(held(drill()), problems=[PROBLEM])
    task = result.problems.get()
    official = world.actor("district_official")
    with pytest.raises(ValidationError) as raised:
        services.drill_problem_done(
            official, problem_id=task.pk, expected_version=1, done_on=date(2026, 5, 1), note=""
        )
    assert set(errors_of(raised)) == {"done_on", "note"}
    with pytest.raises(Conflict):
        services.drill_problem_done(
            official, problem_id=task.pk, expected_version=2, done_on=date(2026, 6, 1), note="x"
        )
    done = services.drill_problem_done(
        official, problem_id=task.pk, expected_version=1, done_on=date(2026, 6, 1), note="已装"
    )
    assert (done.state, done.done_on, done.version) == (TaskState.DONE, date(2026, 6, 1), 2)
    with pytest.raises(Conflict, match="已完成"):
        services.drill_problem_done(
            official, problem_id=task.pk, expected_version=2, done_on=date(2026, 6, 1), note="x"
        )
    with pytest.raises(OutOfScope):
        services.drill_problem_done(
            world.actor("neighbour_official"),
            problem_id=task.pk,
            expected_version=2,
            done_on=date(2026, 6, 1),
            note="x",
        )
