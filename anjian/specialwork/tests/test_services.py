"""Applying for a permit (``services.permit_create`` / ``permit_update``): the grade and its
reasons computed from the facts — the calendar's rest days and night hours raising hot work —,
the end of validity, the place among the enterprise's own units and sources, facts that do not
concern the kind cleared, the number; and every bad input refused on its field in Chinese."""

from datetime import timedelta

import pytest
from django.utils import timezone

from anjian.core.exceptions import NotPermitted, OutOfScope
from anjian.hazchem.tests import factories as hazchem
from anjian.specialwork import services
from anjian.specialwork.choices import State
from anjian.specialwork.tests import factories as make
from anjian.specialwork.tests.factories import MONDAY, SATURDAY
from testsupport import world

pytestmark = pytest.mark.django_db


def test_a_confined_space_permit_is_ungraded_valid_for_what_was_asked_and_numbered():
    permit = make.permit(hours=6)
    assert permit.state == State.DRAFT and permit.grade == ""
    assert permit.valid_until == MONDAY + timedelta(hours=6)
    assert permit.number == f"SX20261207{permit.pk:06d}"
    assert permit.enterprise == world.enterprise("yinhang_chemical")
    assert permit.applicant == world.actor("enterprise_manager")
    assert "不分级" in permit.grade_reasons[0]
    assert permit.transitions.get().action == "apply"


def test_hot_work_on_a_weekday_by_day_keeps_its_grade():
    permit = make.permit("hot", hot_place="hazard_area")
    assert permit.grade == "1" and permit.rest_days == [] and not permit.night_work


def test_hot_work_on_a_saturday_is_raised_one_step_and_says_why():
    permit = make.permit("hot", now=SATURDAY, hot_place="other")
    assert permit.grade == "1"
    assert permit.rest_days == ["2026-12-12"]
    assert "2026-12-12（星期六）" in permit.grade_reasons[-1]
    assert "二级 → 一级" in permit.grade_reasons[-1]


def test_a_second_grade_period_that_reaches_a_rest_day_is_raised_and_then_too_long():
    friday = MONDAY + timedelta(days=4)
    errors = make.refused(make.permit, "hot", now=friday, hot_place="other", hours=48)
    assert "一级动火作业票有效期不超过8小时" in errors["planned_end"][0]


def test_hot_work_that_starts_or_ends_at_night_is_night_work():
    evening = MONDAY.replace(hour=20)
    permit = make.permit("hot", now=evening, hot_place="other", hours=3)  # ends 23:00
    assert permit.night_work and permit.grade == "1"
    assert "夜间作业" in permit.grade_reasons[-1]


def test_the_applicant_may_say_the_work_goes_on_at_night():
    permit = make.permit("hot", hot_place="other", hours=3, night_work=True)
    assert permit.night_work and permit.grade == "1"


def test_second_grade_hot_work_may_run_72_hours_on_working_days_by_day():
    permit = make.permit("hot", hot_place="other", hours=72)
    assert permit.grade == "2" and permit.valid_until == MONDAY + timedelta(hours=72)


def test_a_lifting_permit_is_graded_by_its_load():
    assert make.permit("lifting", load_t="120").grade == "1"
    assert make.permit("lifting", load_t="40").grade == "2"
    assert make.permit("lifting", load_t="12.5").grade == "3"


def test_a_height_permit_is_graded_by_height_and_hazards():
    permit = make.permit("height", height_m="16", height_hazards=["wind"])
    assert permit.grade == "IV" and permit.height_hazards == ["wind"]
    assert permit.valid_until == MONDAY + timedelta(hours=4)


def test_facts_that_do_not_concern_the_kind_are_cleared():
    permit = make.permit("confined", load_t="50", height_m="7", hot_place="other", long_use=True)
    assert permit.load_t is None and permit.height_m is None
    assert permit.hot_place == "" and not permit.long_use


def test_temporary_power_runs_15_days_or_30_in_a_special_case():
    assert make.permit("power", hours=24 * 15).valid_until == MONDAY + timedelta(days=15)
    errors = make.refused(make.permit, "power", hours=24 * 16)
    assert "15天" in errors["planned_end"][0]
    long = make.permit("power", hours=24 * 30, long_use=True)
    assert long.valid_until == MONDAY + timedelta(days=30)


def test_the_work_may_be_placed_on_a_unit_or_source_of_the_enterprise():
    admin = world.actor("admin")
    unit = hazchem.unit(admin, name="液氯储罐区")
    hazchem.add(unit, "氯", "10", by=admin)
    source = hazchem.source_of(unit)
    by_source = make.permit(source=source.pk)
    assert by_source.source == source and by_source.unit == unit
    by_unit = make.permit(unit=unit.pk)
    assert by_unit.unit == unit and by_unit.source is None


def test_another_enterprises_unit_is_refused_on_the_field():
    admin = world.actor("admin")
    elsewhere = hazchem.unit(admin, enterprise="hongkou_shop", name="虹口仓库")
    errors = make.refused(make.permit, unit=elsewhere.pk)
    assert errors["unit"] == ["请选择本单位在用的危化品单元"]


def test_an_enterprise_user_always_applies_for_its_own_enterprise():
    errors = make.refused(
        services.permit_create,
        make.manager(),
        data={**make.data(), "enterprise": world.enterprise("hongkou_shop").pk, "kind": "x"},
        now=MONDAY,
    )
    assert "kind" in errors  # the enterprise sent is not even looked at


def test_an_official_may_not_apply():
    with pytest.raises(NotPermitted):
        services.permit_create(
            world.actor("district_official"),
            data={**make.data(), "enterprise": world.enterprise("yinhang_chemical").pk},
            now=MONDAY,
        )


def test_the_administrator_applies_for_an_enterprise_in_scope_only():
    admin = world.actor("admin")
    data = {**make.data(), "enterprise": world.enterprise("hongkou_shop").pk}
    assert services.permit_create(admin, data=data, now=MONDAY).enterprise.name.startswith(
        "上海虹口"
    )
    street_admin = world.administrator_of(world.YANGPU)
    with pytest.raises(OutOfScope):
        services.permit_create(street_admin, data=data, now=MONDAY)


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"kind": "height", "height_m": "-3"}, "height_m", "须在0至1000之间"),
        ({"kind": "height", "height_m": "1.5"}, "height_m", "不足2 m"),
        ({"kind": "height", "height_m": "6.123"}, "height_m", "最多保留2位小数"),
        ({"kind": "height", "height_hazards": ["ufo"]}, "height_hazards", "未知的选项"),
        ({"kind": "lifting", "load_t": "十吨"}, "load_t", "须为数字"),
        ({"kind": "lifting", "load_t": "8"}, "load_t", "不需办理"),
        ({"kind": "hot", "hot_place": "moon"}, "hot_place", "请选择动火部位"),
        ({"kind": "blasting"}, "kind", "请选择作业类别"),
        ({"place": ""}, "place", "请填写作业地点"),
        ({"content": "x" * 2001}, "content", "不能超过2000字"),
        ({"guardian": 12}, "guardian", "须为文字"),
        ({"workers": []}, "workers", "至少一人"),
        ({"workers": "、 ,"}, "workers", "至少一人"),
        ({"planned_start": "明天早上"}, "planned_start", "格式不对"),
        ({"planned_start": ""}, "planned_start", "请填写计划开始时间"),
        ({"oxygen_rich": "maybe"}, "oxygen_rich", "须为是或否"),
    ],
)
def test_bad_input_is_refused_on_its_field(changes, field, words):
    errors = make.refused(make.permit, **changes)
    assert any(words in message for message in errors[field]), errors


def test_an_end_before_the_start_is_refused():
    errors = make.refused(make.permit, planned_end=MONDAY - timedelta(hours=1))
    assert errors["planned_end"] == ["计划结束时间须晚于计划开始时间"]


def test_a_start_long_past_or_far_ahead_is_refused():
    errors = make.refused(make.permit, start=MONDAY - timedelta(hours=25))
    assert "24小时" in errors["planned_start"][0]
    errors = make.refused(make.permit, start=MONDAY + timedelta(days=400))
    assert "一年" in errors["planned_start"][0]


def test_an_unknown_field_is_refused_by_name():
    with pytest.raises(Exception) as raised:
        services.permit_create(make.manager(), data={**make.data(), "grade": "1"}, now=MONDAY)
    assert "grade" in str(raised.value)


def test_texts_are_read_as_local_times():
    permit = make.permit(planned_start="2026-12-07 09:00", planned_end="2026-12-07T11:30")
    assert timezone.localtime(permit.planned_start).hour == 9
    assert permit.valid_until - permit.planned_start == timedelta(hours=2, minutes=30)


# --- changing a draft ----------------------------------------------------------------------------


def test_a_draft_is_changed_and_graded_again():
    permit = make.permit("hot", hot_place="other")
    changed = services.permit_update(
        make.manager(),
        permit_id=permit.pk,
        expected_version=permit.version,
        data={"hot_place": "running_plant"},
        now=MONDAY,
    )
    assert changed.grade == "special" and changed.version == permit.version + 1
    assert list(changed.transitions.values_list("action", flat=True)) == ["apply", "edit"]


def test_a_submitted_permit_cannot_be_changed():
    permit = make.permit()
    make.submit(permit)
    permit = make.fresh(permit)
    from anjian.core.exceptions import Conflict

    with pytest.raises(Conflict):
        services.permit_update(
            make.manager(),
            permit_id=permit.pk,
            expected_version=permit.version,
            data={"place": "别处"},
            now=MONDAY,
        )


def test_a_stale_version_is_a_conflict():
    permit = make.permit()
    from anjian.core.exceptions import Conflict

    with pytest.raises(Conflict):
        services.permit_update(
            make.manager(),
            permit_id=permit.pk,
            expected_version=permit.version - 1,
            data={"place": "别处"},
            now=MONDAY,
        )


def test_another_enterprises_permit_is_not_found():
    admin = world.actor("admin")
    data = {**make.data(), "enterprise": world.enterprise("hongkou_shop").pk}
    elsewhere = services.permit_create(admin, data=data, now=MONDAY)
    with pytest.raises(OutOfScope):
        services.permit_update(
            make.manager(), permit_id=elsewhere.pk, expected_version=1, data={}, now=MONDAY
        )
