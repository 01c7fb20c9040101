"""Plan drafts: types by owner, a unit's user writing for its own unit, levels, roles and
tasks, scope, conflicts, bad input named by field; assessment, triggers, revision,
abolition and attachments."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope, ValidationError
from anjian.emergency import services_plans as services
from anjian.emergency.choices import OwnerKind, PlanType, RevisionTrigger
from anjian.emergency.models import EmergencyPlan, PlanState
from anjian.emergency.tests.factories_plans import (
    LEVELS,
    TASKS,
    government_plan,
    in_force,
    publish,
    unit_plan,
)
from anjian.regions.models import Department
from testsupport import world

pytestmark = pytest.mark.django_db


def errors_of(raised) -> dict:
    return raised.value.message_dict


def housing_department() -> Department:
    return Department.objects.get(region_id=world.YANGPU, name="杨浦区建设和管理委员会")


# --- creating a draft ----------------------------------------------------------------------


def test_a_units_draft_is_numbered_scoped_like_its_unit_with_its_levels_roles_and_tasks():
    plan = unit_plan()
    unit = world.enterprise("yinhang_chemical")
    assert plan.number.startswith("YA") and plan.number.endswith(f"{plan.pk:07d}")
    assert plan.state == PlanState.DRAFT and plan.version == 1
    assert (plan.scope_region_code, plan.industry_id) == (unit.scope_region_code, unit.industry_id)
    assert plan.region_id == unit.street_id
    assert list(plan.levels.values_list("level", flat=True)) == ["3", "4"]
    assert plan.roles.count() == 2 and plan.tasks.count() == 3
    assert plan.transitions.get().action == "create"


def test_an_enterprise_user_may_not_name_another_unit():
    with pytest.raises(OutOfScope):
        unit_plan(world.actor("enterprise_manager"), enterprise="yinhang_site")


def test_an_enterprise_user_without_naming_a_unit_gets_their_own():
    manager = world.actor("enterprise_manager")
    plan = services.plan_create(
        manager,
        data={
            "title": "现场处置方案",
            "plan_type": PlanType.ONSITE,
            "edition": "2026年版",
            "risks": "储罐泄漏",
        },
        levels=LEVELS[1:],
    )
    assert plan.owner_kind == OwnerKind.ENTERPRISE
    assert plan.enterprise_id == world.enterprise("yinhang_chemical").pk
    with pytest.raises(ValidationError) as raised:
        services.plan_create(
            manager,
            data={"owner_kind": OwnerKind.GOVERNMENT, "title": "x", "plan_type": PlanType.OVERALL},
        )
    assert "owner_kind" in errors_of(raised)


@pytest.mark.parametrize(
    ("owner", "plan_type", "field"),
    [
        (OwnerKind.ENTERPRISE, PlanType.OVERALL, "plan_type"),
        (OwnerKind.ENTERPRISE, PlanType.DEPARTMENTAL, "plan_type"),
        (OwnerKind.GOVERNMENT, PlanType.COMPREHENSIVE, "plan_type"),
        (OwnerKind.GOVERNMENT, PlanType.ONSITE, "plan_type"),
        (OwnerKind.GOVERNMENT, PlanType.DEPARTMENTAL, "department"),
        (OwnerKind.GOVERNMENT, "", "plan_type"),
    ],
)
def test_plan_types_follow_the_owner(owner, plan_type, field):
    maker = unit_plan if owner == OwnerKind.ENTERPRISE else government_plan
    with pytest.raises(ValidationError) as raised:
        maker(plan_type=plan_type)
    assert field in errors_of(raised)


def test_a_departmental_plan_needs_its_department_and_an_industry_department_writes_its_own():
    housing = world.actor("housing_official")
    plan = services.plan_create(
        housing,
        data={
            "owner_kind": OwnerKind.DEPARTMENT,
            "department": housing_department().pk,
            "title": "建设工程事故部门应急预案",
            "plan_type": PlanType.DEPARTMENTAL,
            "edition": "2026年版",
            "risks": "坍塌、高处坠落",
        },
        levels=LEVELS,
        tasks=TASKS,
    )
    assert (plan.region_id, plan.department_id, plan.industry_id) == (
        world.YANGPU,
        housing_department().pk,
        None,
    )
    # it sees its own department's plan, though it has no industry …
    assert EmergencyPlan.objects.for_user(housing).filter(pk=plan.pk).exists()
    # … but it writes neither another department's nor the government's
    emergency = Department.objects.get(region_id=world.YANGPU, name="杨浦区应急管理局")
    with pytest.raises(NotPermitted):
        government_plan(
            housing,
            owner_kind=OwnerKind.DEPARTMENT,
            department=emergency.pk,
            plan_type=PlanType.DEPARTMENTAL,
        )
    with pytest.raises(NotPermitted):
        government_plan(housing)
    with pytest.raises(ValidationError) as raised:
        government_plan(owner_kind=OwnerKind.DEPARTMENT, plan_type=PlanType.OVERALL)
    assert "department" in errors_of(raised)


def test_an_industry_department_sees_the_governments_plans_but_may_not_change_them():
    plan = government_plan()
    housing = world.actor("housing_official")
    assert EmergencyPlan.objects.for_user(housing).filter(pk=plan.pk).exists()
    with pytest.raises(NotPermitted):
        services.plan_update(
            housing, plan_id=plan.pk, expected_version=plan.version, data={"title": "改"}
        )
    # units outside its industries stay invisible to it
    assert not EmergencyPlan.objects.for_user(housing).filter(pk=unit_plan().pk).exists()


def test_scope_a_neighbour_cannot_write_or_see_yangpu_plans():
    neighbour = world.actor("neighbour_official")
    with pytest.raises(OutOfScope):
        unit_plan(neighbour)
    with pytest.raises(OutOfScope):
        government_plan(neighbour)
    plan = unit_plan()
    with pytest.raises(OutOfScope):
        services.plan_update(neighbour, plan_id=plan.pk, expected_version=1, data={"title": "x"})
    assert not EmergencyPlan.objects.for_user(neighbour).filter(pk=plan.pk).exists()


def test_read_only_roles_may_not_write():
    with pytest.raises(NotPermitted):
        unit_plan(world.actor("leader"))


def test_a_government_plan_is_a_city_district_or_street_never_a_grid():
    street = government_plan(
        world.actor("street_officer"), region=world.YINHANG, title="殷行街道总体应急预案"
    )
    assert street.scope_region_code == world.YINHANG
    with pytest.raises(ValidationError) as raised:
        government_plan(world.actor("grid_member"), region=None)  # theirs: a grid
    assert "region" in errors_of(raised)


def test_bad_input_is_named_by_field():
    with pytest.raises(ValidationError) as raised:
        unit_plan(title=" ", edition="", risks="", assessment_cycle_years=0)
    assert {"title", "edition", "risks", "assessment_cycle_years"} <= set(errors_of(raised))
    with pytest.raises(ValidationError) as raised:
        unit_plan(number="YA1")
    assert "number" in str(raised.value)
    with pytest.raises(ValidationError) as raised:
        unit_plan(owner_kind="")
    assert "owner_kind" in errors_of(raised)


def test_levels_are_unique_and_tasks_use_the_levels_the_plan_defines():
    with pytest.raises(ValidationError) as raised:
        unit_plan(
            levels=[LEVELS[0], {**LEVELS[0], "commander": "副总"}, {"level": "9"}],
            tasks=[{**TASKS[0], "level": "1"}, {**TASKS[1], "due_minutes": -5}],
        )
    errors = errors_of(raised)
    assert "第2行：Ⅲ级响应重复" in errors["levels"][0]
    assert "第3行：请选择响应级别" in errors["levels"][0]
    assert "第1行：预案没有Ⅰ级响应" in errors["tasks"][0]
    assert "第2行：完成时限" in errors["tasks"][0]
    with pytest.raises(ValidationError) as raised:
        unit_plan(levels=[{**LEVELS[0], "colour": "红"}])
    assert "不能填写的字段：colour" in errors_of(raised)["levels"][0]


def test_publishing_needs_levels_and_a_governments_plan_needs_tasks_too():
    with pytest.raises(Conflict, match="响应级别"):
        publish(unit_plan(levels=[], tasks=[]))
    with pytest.raises(Conflict, match="任务"):
        publish(government_plan(tasks=[]))
    assert publish(unit_plan(tasks=[])).state == PlanState.PUBLISHED  # a unit's: levels do


# --- changing a draft ---------------------------------------------------------------------


def test_a_draft_is_changed_at_its_version_and_a_stale_version_is_a_conflict():
    plan = unit_plan()
    changed = services.plan_update(
        world.actor("district_official"),
        plan_id=plan.pk,
        expected_version=plan.version,
        data={"title": "综合应急预案（修改）"},
        levels=LEVELS[:1],
        tasks=TASKS[:2],
    )
    assert changed.version == plan.version + 1 and changed.title == "综合应急预案（修改）"
    assert list(changed.levels.values_list("level", flat=True)) == ["3"]
    with pytest.raises(Conflict):
        services.plan_update(
            world.actor("district_official"),
            plan_id=plan.pk,
            expected_version=plan.version,
            data={"title": "迟到的修改"},
        )
    with pytest.raises(ValidationError) as raised:  # dropping a level its tasks still use
        services.plan_update(
            world.actor("district_official"),
            plan_id=plan.pk,
            expected_version=changed.version,
            data={},
            levels=LEVELS[1:],
        )
    assert "Ⅲ级响应" in errors_of(raised)["levels"][0]
    with pytest.raises(ValidationError):  # the owner is not changed by an update
        services.plan_update(
            world.actor("district_official"),
            plan_id=plan.pk,
            expected_version=changed.version,
            data={"enterprise": world.enterprise("yinhang_site").pk},
        )


def test_only_a_draft_is_edited():
    plan = publish(unit_plan())
    with pytest.raises(Conflict, match="已发布待备案"):
        services.plan_update(
            world.actor("district_official"),
            plan_id=plan.pk,
            expected_version=plan.version,
            data={"title": "x"},
        )


# --- assessment, triggers, revision -----------------------------------------------------------


def test_an_assessment_sets_the_next_due_day_and_can_ask_for_revision():
    plan = in_force(on=date(2023, 3, 2))
    assert plan.assessment_due_on == date(2026, 3, 2)
    official = world.actor("district_official")
    assessment = services.plan_assess(
        official,
        plan_id=plan.pk,
        assessed_on=date(2026, 2, 20),
        conclusion="基本适用，通讯录需更新",
        needs_revision=True,
    )
    plan.refresh_from_db()
    assert assessment.needs_revision and assessment.trigger == ""
    assert (plan.last_assessed_on, plan.assessment_due_on) == (date(2026, 2, 20), date(2029, 2, 20))
    assert plan.revision_due
    with pytest.raises(ValidationError) as raised:
        services.plan_assess(
            official, plan_id=plan.pk, assessed_on=date(2026, 1, 1), conclusion="", needs_revision=0
        )
    assert set(errors_of(raised)) == {"assessed_on", "conclusion"}
    with pytest.raises(ValidationError) as raised:
        services.plan_assess(
            official,
            plan_id=plan.pk,
            assessed_on=date(2099, 1, 1),
            conclusion="未来",
            needs_revision=False,
        )
    assert "不能晚于今天" in errors_of(raised)["assessed_on"][0]


def test_a_unit_keeps_its_own_assessment_cycle():
    plan = in_force(on=date(2024, 2, 29), assessment_cycle_years=5)
    assert plan.assessment_due_on == date(2029, 2, 28)


def test_a_trigger_marks_the_plan_due_for_revision_and_is_refused_on_a_draft():
    plan = in_force()
    assessment = services.plan_trigger(
        world.actor("district_official"),
        plan_id=plan.pk,
        trigger=RevisionTrigger.HAZARD,
        conclusion="新增液氨储罐",
    )
    plan.refresh_from_db()
    assert plan.revision_due and assessment.trigger == RevisionTrigger.HAZARD
    assert plan.transitions.filter(action="trigger").exists()
    with pytest.raises(ValidationError) as raised:
        services.plan_trigger(
            world.actor("district_official"), plan_id=plan.pk, trigger="weather", conclusion=""
        )
    assert set(errors_of(raised)) == {"trigger", "conclusion"}
    with pytest.raises(Conflict):
        services.plan_trigger(
            world.actor("district_official"),
            plan_id=unit_plan().pk,
            trigger=RevisionTrigger.LAW,
            conclusion="x",
        )


def test_a_revision_copies_the_version_into_one_draft_that_supersedes_it_when_published():
    plan = in_force()
    official = world.actor("district_official")
    draft = services.plan_revise(official, plan_id=plan.pk)
    assert draft.state == PlanState.DRAFT and draft.previous_id == plan.pk
    assert draft.edition == "修订版" and draft.number != plan.number
    assert list(draft.levels.values_list("level", "commander")) == list(
        plan.levels.values_list("level", "commander")
    )
    assert draft.tasks.count() == plan.tasks.count() and draft.roles.count() == 2
    assert services.plan_revise(official, plan_id=plan.pk).pk == draft.pk  # one open draft
    revised = publish(draft, on=date(2026, 6, 1))
    plan.refresh_from_db()
    assert revised.state == PlanState.PUBLISHED and plan.state == PlanState.SUPERSEDED
    superseded = plan.transitions.get(action="supersede")
    assert draft.number in superseded.reason


def test_a_revision_is_not_published_before_its_previous_version():
    plan = in_force(on=date(2026, 3, 2))
    draft = services.plan_revise(
        world.actor("district_official"), plan_id=plan.pk, edition="2026年修订"
    )
    with pytest.raises(ValidationError) as raised:
        publish(draft, on=date(2026, 3, 1))
    assert "published_on" in errors_of(raised)
    plan.refresh_from_db()
    assert plan.state == PlanState.PUBLISHED


def test_abolishing_needs_a_reason_and_keeps_the_plan():
    plan = in_force()
    official = world.actor("district_official")
    with pytest.raises(ValidationError) as raised:
        services.plan_abolish(official, plan_id=plan.pk, expected_version=plan.version, reason=" ")
    assert "reason" in errors_of(raised)
    abolished = services.plan_abolish(
        official, plan_id=plan.pk, expected_version=plan.version, reason="单位搬迁"
    )
    assert abolished.state == PlanState.ABOLISHED
    assert EmergencyPlan.objects.filter(pk=plan.pk).exists()


def test_an_attachment_of_an_accepted_type_is_kept_and_others_are_refused(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    plan = unit_plan()
    official = world.actor("district_official")
    pdf = SimpleUploadedFile("预案文本.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    attachment = services.plan_attach(official, plan_id=plan.pk, name="预案文本", file=pdf)
    assert attachment.plan_id == plan.pk and attachment.uploaded_by == official
    with pytest.raises(ValidationError) as raised:
        services.plan_attach(
            official, plan_id=plan.pk, name="", file=SimpleUploadedFile("x.exe", b"MZ")
        )
    assert set(errors_of(raised)) == {"name", "file"}
