"""Publication and filing (备案): the deadline in working days across the holidays, a year
no calendar carries refused (never guessed), the filing workflow by the authority and not
the author, a late filing derived, conflicts, scope and the notices."""

from datetime import date, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from anjian.core import workdays
from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope, ValidationError
from anjian.core.models import Notification
from anjian.emergency import services_plans as services
from anjian.emergency.models import EmergencyPlan, PlanState
from anjian.emergency.tests.factories_plans import file, in_force, publish, submit, unit_plan
from testsupport import world

pytestmark = pytest.mark.django_db


def told(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, kind="emergency").values_list(
            "title", flat=True
        )
    )


# --- the deadline ----------------------------------------------------------------------------


def test_the_filing_deadline_counts_twenty_working_days_across_national_day():
    # 2026-09-25 (Fri): 09-28…30 are 3; 10-01…07 are off; 10-10 (Sat) is a make-up working
    # day. Twenty weekdays would end on 10-23; the calendar ends it on 10-29.
    plan = publish(unit_plan(), on=date(2026, 9, 25))
    assert plan.state == PlanState.PUBLISHED
    assert plan.filing_due_on == date(2026, 10, 29)
    assert plan.filing_due_basis == workdays.PACKAGE
    assert plan.assessment_due_on == date(2029, 9, 25)
    record = plan.transitions.get(action="publish")
    assert record.data == {"published_on": "2026-09-25", "filing_due_on": "2026-10-29"}


def test_the_filing_deadline_counts_across_the_spring_festival():
    # 2026-02-14 (Sat) is a make-up working day; 02-15…02-23 are off.
    plan = publish(unit_plan(), on=date(2026, 2, 13))
    assert plan.filing_due_on == date(2026, 3, 19)


@override_settings(EMERGENCY_PLAN_FILING_WORKING_DAYS=4)
def test_the_number_of_working_days_is_a_setting():
    assert publish(unit_plan(), on=date(2026, 9, 25)).filing_due_on == date(2026, 10, 8)


def test_a_deadline_in_a_year_no_calendar_carries_refuses_the_publication():
    # 2030 is entered here by hand (as an administrator would); 2031 is carried by nothing.
    workdays.enter_year(2030, source="测试：按周一至周五")
    assert not workdays.covers(date(2031, 1, 6))
    plan = unit_plan()
    with pytest.raises(workdays.CalendarNotCovered) as refused:
        publish(plan, on=date(2030, 12, 20), today=date(2030, 12, 21))
    assert "2031年的法定节假日和调休安排尚未录入" in refused.value.messages[0]
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT and plan.filing_due_on is None  # nothing saved
    assert not plan.transitions.filter(action="publish").exists()
    # inside the entered year it is counted, and the local table is named as the basis
    counted = publish(plan, on=date(2030, 12, 2), today=date(2030, 12, 21))
    assert counted.filing_due_on == date(2030, 12, 30)
    assert "本地工作日历 2030" in counted.filing_due_basis


def test_a_publication_in_the_future_or_without_a_day_is_refused():
    plan = unit_plan()
    today = timezone.localdate()
    with pytest.raises(ValidationError) as raised:
        publish(plan, on=today + timedelta(days=1))
    assert "不能晚于今天" in raised.value.message_dict["published_on"][0]
    with pytest.raises(ValidationError) as raised:
        publish(plan, on=None)
    assert "published_on" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        publish(plan, on="2026-13-01")
    assert "published_on" in raised.value.message_dict


def test_a_stale_version_is_a_conflict_and_a_double_publication_replays():
    plan = unit_plan()
    official = world.actor("district_official")
    with pytest.raises(Conflict):
        services.plan_publish(
            official, plan_id=plan.pk, expected_version=plan.version + 1, published_on="2026-03-02"
        )
    first = publish(plan)
    again = publish(plan)  # the same person, the same transition: the plan as it is
    assert again.pk == first.pk and again.version == first.version
    assert plan.transitions.filter(action="publish").count() == 1


def test_a_neighbour_or_another_unit_cannot_publish():
    plan = unit_plan()
    with pytest.raises(OutOfScope):
        publish(plan, world.actor("neighbour_official"))
    with pytest.raises(NotPermitted):
        publish(plan, world.actor("inspector"))


# --- filing -----------------------------------------------------------------------------------


def test_the_unit_submits_and_the_district_files_and_each_side_is_told(
    django_capture_on_commit_callbacks,
):
    manager = world.actor("enterprise_manager")
    official = world.actor("district_official")
    plan = publish(unit_plan(manager), manager, on=date(2026, 9, 25))
    with django_capture_on_commit_callbacks(execute=True):
        plan = submit(plan, manager)
    assert plan.state == PlanState.SUBMITTED and plan.submitted_on == timezone.localdate()
    assert plan.filing_authority == "杨浦区应急管理局"
    assert any("预案报送备案" in title for title in told(official))
    assert not told(manager)
    with django_capture_on_commit_callbacks(execute=True):
        plan = file(plan, official, on=timezone.localdate(), number="杨应急备〔2026〕8号")
    assert plan.state == PlanState.FILED and plan.filing_number == "杨应急备〔2026〕8号"
    assert any("预案已备案" in title for title in told(manager))
    # filed after 2026-10-29: late, derived from the days
    assert plan.filed_on > plan.filing_due_on
    assert plan.transitions.get(action="file").data["late"] is True


def test_the_author_never_files_their_own_plan_nor_does_a_unit():
    official = world.actor("district_official")
    plan = submit(publish(unit_plan(official)), official)
    with pytest.raises(NotPermitted, match="自己编制"):
        file(plan, official)
    with pytest.raises(NotPermitted):
        file(plan, world.actor("enterprise_manager"))
    with pytest.raises(OutOfScope):
        file(plan, world.actor("neighbour_official"))


def test_filing_is_refused_before_submission_and_with_bad_input():
    plan = publish(unit_plan())
    with pytest.raises(Conflict, match="已发布待备案"):
        file(plan)
    plan = submit(plan)
    with pytest.raises(ValidationError) as raised:
        file(plan, number=" ", on=date(2026, 1, 1))
    assert set(raised.value.message_dict) == {"filing_number", "filed_on"}
    assert "早于报送日期" in raised.value.message_dict["filed_on"][0]
    plan.refresh_from_db()
    assert plan.state == PlanState.SUBMITTED and not plan.filing_number


def test_a_submission_needs_the_authority_named_and_a_day_after_publication():
    plan = publish(unit_plan(), on=date(2026, 3, 2))
    with pytest.raises(ValidationError) as raised:
        services.plan_submit(
            world.actor("district_official"),
            plan_id=plan.pk,
            expected_version=plan.version,
            filing_authority=" ",
            submitted_on=date(2026, 3, 1),
        )
    assert set(raised.value.message_dict) == {"filing_authority", "submitted_on"}


def test_a_returned_plan_is_submitted_again_and_its_keepers_are_told_why(
    django_capture_on_commit_callbacks,
):
    manager = world.actor("enterprise_manager")
    plan = submit(publish(unit_plan(manager), manager), manager)
    official = world.actor("district_official")
    with pytest.raises(ValidationError):
        services.plan_return(official, plan_id=plan.pk, expected_version=plan.version, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        plan = services.plan_return(
            official, plan_id=plan.pk, expected_version=plan.version, reason="缺少附件"
        )
    assert plan.state == PlanState.RETURNED
    assert any("退回" in title for title in told(manager))
    plan = submit(plan, manager)
    assert plan.state == PlanState.SUBMITTED


def test_publishing_a_revision_supersedes_the_filed_version_in_the_same_transaction():
    plan = in_force(filed_on=date(2026, 3, 20))
    draft = services.plan_revise(world.actor("district_official"), plan_id=plan.pk)
    publish(draft, on=date(2026, 7, 1))
    plan.refresh_from_db()
    assert plan.state == PlanState.SUPERSEDED and plan.filing_number  # kept as it was
    in_force_now = EmergencyPlan.objects.filter(
        enterprise=plan.enterprise, state__in=(PlanState.PUBLISHED, PlanState.FILED)
    )
    assert list(in_force_now) == [draft]


def test_a_revision_whose_previous_version_was_already_replaced_is_refused():
    plan = in_force()
    official = world.actor("district_official")
    first = services.plan_revise(official, plan_id=plan.pk)
    second = unit_plan(title="另一修订")
    EmergencyPlan.objects.filter(pk=second.pk).update(previous=plan)  # a rival revision
    publish(first, on=date(2026, 6, 1))
    second.refresh_from_db()
    with pytest.raises(Conflict, match="另一修订版"):
        publish(second, on=date(2026, 6, 2))
    second.refresh_from_db()
    assert second.state == PlanState.DRAFT
