"""Plans and drills for tests, made through the services (so they are numbered, scoped,
clocked and recorded like real ones)."""

from datetime import date

from anjian.emergency import services_drills, services_plans
from anjian.emergency.choices import DrillForm, DrillKind, OwnerKind, PlanType
from testsupport import world

LEVELS = [
    {"level": "3", "trigger": "发生泄漏、火灾，可能影响厂外", "commander": "总经理"},
    {"level": "4", "trigger": "车间内可控的泄漏", "commander": "安全总监"},
]
ROLES = [
    {"name": "应急指挥部", "holder": "总经理、安全总监", "duties": "统一指挥应急处置"},
    {"name": "抢险组", "holder": "生产部", "duties": "切断物料、堵漏"},
]
TASKS = [
    {"level": "3", "title": "疏散厂区人员", "responsible": "疏散组", "due_minutes": 15},
    {"level": "3", "title": "报告区应急局", "responsible": "应急指挥部", "due_minutes": 60},
    {"level": "4", "title": "关闭泄漏点阀门", "responsible": "抢险组", "due_minutes": None},
]


def unit_plan(by=None, *, enterprise="yinhang_chemical", levels=LEVELS, tasks=TASKS, **data):
    """A unit's draft (综合应急预案 of 殷行化工 by the district official, by default)."""
    by = by or world.actor("district_official")
    values = {
        "owner_kind": OwnerKind.ENTERPRISE,
        "enterprise": world.enterprise(enterprise).pk if enterprise else None,
        "title": "生产安全事故综合应急预案",
        "plan_type": PlanType.COMPREHENSIVE,
        "edition": "2026年版",
        "risks": "危险化学品泄漏、火灾、爆炸",
    }
    values.update(data)
    return services_plans.plan_create(by, data=values, levels=levels, roles=ROLES, tasks=tasks)


def government_plan(by=None, *, levels=LEVELS, tasks=TASKS, **data):
    """杨浦区's 总体应急预案 (a draft), by the district official."""
    by = by or world.actor("district_official")
    values = {
        "owner_kind": OwnerKind.GOVERNMENT,
        "region": world.YANGPU,
        "title": "杨浦区突发事件总体应急预案",
        "plan_type": PlanType.OVERALL,
        "edition": "2026年版",
        "risks": "自然灾害、事故灾难、公共卫生和社会安全事件",
    }
    values.update(data)
    return services_plans.plan_create(by, data=values, levels=levels, roles=ROLES, tasks=tasks)


def publish(plan, by=None, *, on=date(2026, 3, 2), today=None):
    by = by or world.actor("district_official")
    return services_plans.plan_publish(
        by, plan_id=plan.pk, expected_version=plan.version, published_on=on, today=today
    )


def submit(plan, by=None, *, on=None):
    by = by or world.actor("district_official")
    return services_plans.plan_submit(
        by,
        plan_id=plan.pk,
        expected_version=plan.version,
        filing_authority="杨浦区应急管理局",
        submitted_on=on,
    )


def file(plan, by=None, *, on=None, number="杨应急预备〔2026〕1号"):
    """备案 by an official who did not write the plan (the city administrator)."""
    by = by or world.actor("admin")
    return services_plans.plan_file(
        by, plan_id=plan.pk, expected_version=plan.version, filing_number=number, filed_on=on
    )


def in_force(plan_maker=unit_plan, *, on=date(2026, 3, 2), filed_on=None, **data):
    """A plan published on ``on``; submitted and filed when ``filed_on`` is given."""
    plan = publish(plan_maker(**data), on=on)
    if filed_on is not None:
        plan = file(submit(plan, on=on), on=filed_on)
    return plan


def drill(by=None, *, enterprise="yinhang_chemical", kind=DrillKind.ONSITE, plan=None, **data):
    by = by or world.actor("district_official")
    values = {
        "owner_kind": OwnerKind.ENTERPRISE,
        "enterprise": world.enterprise(enterprise).pk if enterprise else None,
        "title": "储罐区泄漏现场处置演练",
        "kind": kind,
        "form": DrillForm.ACTUAL,
        "scenario": "储罐法兰泄漏，现场人员堵漏、疏散",
        "planned_on": date(2026, 5, 20),
        "place": "储罐区",
        "plan": plan.pk if plan is not None else None,
    }
    values.update(data)
    return services_drills.drill_create(by, data=values)


def held(drill_record, by=None, *, on=date(2026, 5, 20), participants=30):
    by = by or world.actor("district_official")
    return services_drills.drill_hold(
        by,
        drill_id=drill_record.pk,
        expected_version=drill_record.version,
        held_on=on,
        participants=participants,
        record="按方案完成堵漏和疏散，用时12分钟",
    )


def evaluated(drill_record, by=None, *, on=None, problems=(), plan_needs_revision=False):
    by = by or world.actor("district_official")
    return services_drills.drill_evaluate(
        by,
        drill_id=drill_record.pk,
        expected_version=drill_record.version,
        score=85,
        evaluators="区应急局专家组",
        evaluated_on=on or drill_record.held_on,
        summary="处置基本有效，通讯联络不畅",
        plan_needs_revision=plan_needs_revision,
        problems=problems,
    )
