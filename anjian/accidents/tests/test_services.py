"""The reporting side: the quick report graded and clocked, follow-ups with history and
regrading, the chain's levels, the flags — and bad input refused with the field named."""

from datetime import timedelta
from uuid import uuid4

import pytest
from django.utils import timezone

from anjian.accidents import services
from anjian.accidents.choices import Category, FlagKind, Grade, Level, ReportKind
from anjian.accidents.models import Accident, AccidentReport, ReportingFlag
from anjian.accidents.tests.factories import report
from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope, ValidationError
from anjian.core.models import Notification
from testsupport import world


def errors_of(raised) -> dict:
    return raised.value.message_dict


def steps(accident) -> dict:
    return {s.level: s for s in accident.steps.all()}


# --- the quick report ----------------------------------------------------------------------


def test_a_quick_report_is_graded_numbered_and_the_county_is_informed_by_filing(db):
    now = timezone.now()
    accident = report(now=now, deaths=3)
    assert accident.grade == Grade.LARGER
    assert accident.number == f"SG{timezone.localtime(accident.occurred_at):%Y}{accident.pk:07d}"
    chain = steps(accident)
    assert set(chain) == {Level.COUNTY, Level.CITY, Level.PROVINCE}
    assert chain[Level.COUNTY].informed_at == now
    assert chain[Level.COUNTY].due_at == accident.known_at + timedelta(hours=1)
    # the city is due two hours after the county was informed; the province by phone 1 h
    assert chain[Level.CITY].due_at == now + timedelta(hours=2)
    assert chain[Level.PROVINCE].due_at == now + timedelta(hours=1)
    quick = accident.reports.get()
    assert (quick.kind, quick.sequence, quick.deaths, quick.grade) == (
        ReportKind.QUICK,
        1,
        3,
        Grade.LARGER,
    )
    assert not accident.flags.exists()  # filed 30 minutes after: on time


def test_a_general_accident_climbs_to_the_city_only(db):
    accident = report(deaths=0, serious_injuries=2)
    assert accident.grade == Grade.GENERAL
    assert set(steps(accident)) == {Level.COUNTY, Level.CITY}


def test_a_quick_report_filed_more_than_an_hour_after_the_unit_knew_is_flagged_late(db):
    now = timezone.now()
    accident = report(now=now, occurred_at=now - timedelta(hours=3))
    flag = accident.flags.get()
    assert flag.kind == FlagKind.LATE and flag.set_by is None
    assert "县级应急管理部门" in flag.reason and "晚2小时0分钟" in flag.reason


def test_the_unit_knowing_later_than_it_happened_starts_the_clock_then(db):
    now = timezone.now()
    accident = report(
        now=now, occurred_at=now - timedelta(hours=5), known_at=now - timedelta(minutes=20)
    )
    assert not accident.flags.exists()
    assert steps(accident)[Level.COUNTY].due_at == now + timedelta(minutes=40)


def test_the_district_and_street_are_told_but_not_the_reporter(db):
    reporter = world.actor("district_official")
    accident = report(reporter)
    told = set(Notification.objects.filter(kind="accident").values_list("recipient", flat=True))
    assert world.actor("street_officer").pk in told
    assert reporter.pk not in told
    assert world.actor("neighbour_official").pk not in told
    assert accident.get_absolute_url() in Notification.objects.first().url


def test_the_same_form_sent_twice_files_one_accident(db):
    token = uuid4()
    first = report(report_token=token)
    second = report(report_token=token)
    assert first.pk == second.pk
    assert Accident.objects.count() == 1


def test_an_enterprise_user_reports_for_their_own_unit_only(db, enterprises):
    manager = world.actor("enterprise_manager")
    with pytest.raises(OutOfScope):
        report(manager, enterprise=enterprises["pingliang_factory"].pk)
    accident = report(manager, region=world.HONGKOU)
    assert accident.enterprise == enterprises["yinhang_chemical"]
    assert accident.region_code == enterprises["yinhang_chemical"].scope_region_code
    assert accident.region_id == enterprises["yinhang_chemical"].street_id
    assert accident.unit_name == "测试事故单位"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("deaths", -1, "死亡人数不能为负数"),
        ("serious_injuries", "三", "重伤人数须为数字"),
        ("direct_loss", "十万元", "直接经济损失须为数字"),
        ("missing", 1.5, "失踪人数须为整数"),
        ("minor_injuries", True, "轻伤人数须为数字"),
    ],
)
def test_bad_figures_are_refused_naming_the_field_and_nothing_is_filed(db, field, value, message):
    with pytest.raises(ValidationError) as raised:
        report(**{field: value})
    assert message in errors_of(raised)[field][0]
    assert not Accident.objects.exists()


def test_an_accident_in_the_future_is_refused(db):
    now = timezone.now()
    with pytest.raises(ValidationError) as raised:
        report(now=now, occurred_at=now + timedelta(hours=1))
    assert errors_of(raised)["occurred_at"] == ["事故发生时间不能晚于当前时间"]


def test_the_unit_cannot_know_before_it_happened(db):
    now = timezone.now()
    with pytest.raises(ValidationError) as raised:
        report(now=now, known_at=now - timedelta(hours=2))
    assert "known_at" in errors_of(raised)


def test_type_category_and_text_are_required(db):
    with pytest.raises(ValidationError) as raised:
        report(accident_type="99", category="", summary="", place="")
    assert set(errors_of(raised)) >= {"accident_type", "category", "summary", "place"}


def test_a_region_outside_the_scope_or_above_a_street_is_refused(db):
    with pytest.raises(OutOfScope):
        report(world.actor("street_officer"), region=world.PINGLIANG)
    with pytest.raises(ValidationError) as raised:
        report(region=world.YANGPU)
    assert "街道" in errors_of(raised)["region"][0]


def test_a_department_user_must_name_a_unit_of_its_industry(db, enterprises):
    housing = world.actor("housing_official")
    with pytest.raises(ValidationError) as raised:
        report(housing)
    assert "行业主管部门" in errors_of(raised)["enterprise"][0]
    accident = report(housing, enterprise=enterprises["yinhang_site"].pk)
    assert accident.industry_id == enterprises["yinhang_site"].industry_id


def test_an_expert_may_not_report(db):
    with pytest.raises(NotPermitted):
        report(world.actor("expert"))


# --- follow-ups -------------------------------------------------------------------------------


def follow(accident, by=None, **figures):
    figures.setdefault("content", "搜救进展")
    return services.accident_follow_up(
        by=by or world.actor("district_official"),
        accident_id=accident.pk,
        expected_version=accident.version,
        **figures,
    )


def test_a_follow_up_that_raises_the_grade_adds_the_level_it_requires(db):
    accident = report(deaths=2)
    assert accident.grade == Grade.GENERAL
    raised = follow(accident, deaths=3)
    assert raised.grade == Grade.LARGER
    assert Level.PROVINCE in steps(raised)
    second = raised.reports.get(sequence=2)
    assert (second.previous_grade, second.grade, second.deaths) == (
        Grade.GENERAL,
        Grade.LARGER,
        3,
    )
    assert Notification.objects.filter(title__contains="一般事故 → 较大事故").exists()


def test_a_follow_up_that_lowers_the_grade_keeps_what_was_reported(db):
    accident = report(deaths=1, missing=2)  # 3 dead or missing → 较大
    assert accident.grade == Grade.LARGER
    lowered = follow(accident, missing=0, reason="2名失踪人员已找到，轻伤送医")
    assert lowered.grade == Grade.GENERAL
    province = steps(lowered)[Level.PROVINCE]
    assert province.required is False


def test_lowering_deaths_without_a_reason_is_refused(db):
    accident = report(deaths=2)
    with pytest.raises(ValidationError) as raised:
        follow(accident, deaths=1)
    assert "死亡人数比上次报告减少，须写明原因" in errors_of(raised)["reason"][0]
    assert Accident.objects.get(pk=accident.pk).deaths == 2
    assert AccidentReport.objects.filter(accident=accident).count() == 1


def test_a_change_after_the_window_is_flagged_on_the_report(db):
    now = timezone.now()
    road = report(now=now - timedelta(days=8), category=Category.ROAD)
    changed = follow(road, deaths=2, content="一名伤者抢救无效死亡")
    assert changed.reports.get(sequence=2).after_window is True
    other = report(now=now - timedelta(days=8), category=Category.TRADE_OTHER)
    assert follow(other, deaths=2).reports.get(sequence=2).after_window is False


def test_a_stale_follow_up_gets_a_conflict(db):
    accident = report()
    follow(accident, serious_injuries=1)
    with pytest.raises(Conflict):
        follow(accident, serious_injuries=2)  # the version the page loaded


def test_a_follow_up_needs_content_and_refuses_fields_it_does_not_write(db):
    accident = report()
    with pytest.raises(ValidationError) as raised:
        follow(accident, content="")
    assert "content" in errors_of(raised)
    with pytest.raises(ValidationError):
        follow(accident, grade="extraordinary")


# --- the chain ------------------------------------------------------------------------------


def test_informing_the_city_late_flags_it_and_moves_the_next_limit(db):
    now = timezone.now()
    accident = report(now=now - timedelta(hours=5), deaths=3)
    city_due = steps(accident)[Level.CITY].due_at
    services.accident_inform(
        by=world.actor("district_official"),
        accident_id=accident.pk,
        level=Level.CITY,
        informed_at=city_due + timedelta(minutes=30),
        recipient="市应急局值班室 张三",
        channel="电话",
        now=now,
    )
    flag = ReportingFlag.objects.get(accident=accident)
    assert flag.kind == FlagKind.LATE and "设区的市级" in flag.reason


def test_a_level_cannot_be_informed_twice_or_in_the_future(db):
    accident = report()
    official = world.actor("district_official")
    when = timezone.now()
    with pytest.raises(ValidationError) as raised:
        services.accident_inform(
            by=official,
            accident_id=accident.pk,
            level=Level.CITY,
            informed_at=when + timedelta(hours=1),
            recipient="市应急局",
        )
    assert "informed_at" in errors_of(raised)
    services.accident_inform(
        by=official, accident_id=accident.pk, level=Level.CITY, informed_at=when, recipient="市局"
    )
    with pytest.raises(Conflict):
        services.accident_inform(
            by=official, accident_id=accident.pk, level=Level.CITY, informed_at=when, recipient="x"
        )


def test_only_managers_record_the_chain(db):
    accident = report()
    with pytest.raises(NotPermitted):
        services.accident_inform(
            by=world.actor("street_officer"),
            accident_id=accident.pk,
            level=Level.CITY,
            informed_at=timezone.now(),
            recipient="市局",
        )


# --- flags ---------------------------------------------------------------------------------


def test_a_flag_names_who_and_why_and_is_withdrawn_not_deleted(db):
    accident = report()
    official = world.actor("district_official")
    flag = services.accident_flag(
        by=official, accident_id=accident.pk, kind=FlagKind.CONCEALED, reason="群众举报核实"
    )
    assert flag.set_by == official
    with pytest.raises(Conflict):
        services.accident_flag(
            by=official, accident_id=accident.pk, kind=FlagKind.CONCEALED, reason="再次"
        )
    with pytest.raises(ValidationError):
        services.accident_flag_withdraw(by=official, flag_id=flag.pk, reason="")
    withdrawn = services.accident_flag_withdraw(by=official, flag_id=flag.pk, reason="复核不成立")
    assert withdrawn.withdrawn_by == official
    assert ReportingFlag.objects.filter(pk=flag.pk).exists()
    again = services.accident_flag(
        by=official, accident_id=accident.pk, kind=FlagKind.CONCEALED, reason="新证据"
    )
    assert again.pk != flag.pk


def test_flags_need_a_reason_and_the_right_role(db):
    accident = report()
    with pytest.raises(ValidationError):
        services.accident_flag(
            by=world.actor("district_official"), accident_id=accident.pk, kind="late", reason=""
        )
    with pytest.raises(NotPermitted):
        services.accident_flag(
            by=world.actor("street_officer"), accident_id=accident.pk, kind="late", reason="x"
        )


def test_a_neighbour_cannot_touch_the_accident(db):
    accident = report()
    with pytest.raises(OutOfScope):
        follow(accident, by=world.actor("neighbour_official"), deaths=2)
