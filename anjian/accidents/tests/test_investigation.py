"""The investigation side: the team and its deadline by grade, the one extension, the
report and reply, measures to completion, close, the post-evaluation, void — and the
reminders that run by themselves."""

from datetime import timedelta

import pytest
from django.utils import timezone

from anjian.accidents import investigation as inv
from anjian.accidents import sweeps
from anjian.accidents.choices import Grade, Level, Nature, Rating
from anjian.accidents.models import AccidentState, PostEvaluation
from anjian.accidents.tests.factories import report
from anjian.core.exceptions import Conflict, NotPermitted, ValidationError
from anjian.core.models import Notification
from testsupport import world


@pytest.fixture
def official(db):
    return world.actor("district_official")


def start(accident, by, **values):
    values.setdefault("leader", "王组长")
    values.setdefault("members", "李四 区应急局\n赵五 区公安分局")
    return inv.investigation_start(
        by=by, accident_id=accident.pk, expected_version=accident.version, **values
    )


def reported_and_replied(accident, by, *, days_ago=5):
    today = timezone.localdate()
    investigation = accident.investigation
    return inv.investigation_update(
        by=by,
        accident_id=accident.pk,
        expected_version=investigation.version,
        data={
            "submitted_on": today - timedelta(days=days_ago),
            "cause": "违章作业，安全防护缺失",
            "nature": Nature.LIABILITY,
            "findings": "一起生产安全责任事故",
            "replied_on": today,
        },
    )


def test_starting_sets_who_leads_and_the_deadline_by_grade(db, official, settings):
    now = timezone.now()
    accident = report(now=now, deaths=3)
    started = start(accident, official)
    assert started.state == AccidentState.INVESTIGATING
    investigation = started.investigation
    assert investigation.led_by == Level.CITY
    occurred = timezone.localtime(accident.occurred_at).date()
    assert investigation.due_on == occurred + timedelta(days=30)
    settings.ACCIDENT_INVESTIGATION_DAYS = {**settings.ACCIDENT_INVESTIGATION_DAYS, "general": 45}
    general = start(report(deaths=1), official)
    assert general.investigation.due_on == occurred + timedelta(days=45)
    assert general.investigation.led_by == Level.COUNTY


def test_only_an_accident_without_casualties_may_be_entrusted_to_the_unit(
    db, official, enterprises
):
    hurt = report(deaths=0, minor_injuries=1, enterprise=enterprises["yinhang_chemical"].pk)
    with pytest.raises(ValidationError) as raised:
        start(hurt, official, entrusted_to_unit=True)
    assert "entrusted_to_unit" in raised.value.message_dict
    harmless = report(deaths=0, direct_loss=50_000, enterprise=enterprises["yinhang_chemical"].pk)
    assert start(harmless, official, entrusted_to_unit=True).investigation.entrusted_to_unit


def test_the_team_is_required(db, official):
    with pytest.raises(ValidationError) as raised:
        start(report(), official, leader="", members="")
    assert set(raised.value.message_dict) == {"leader", "members"}


def test_one_extension_of_at_most_as_many_days_and_appraisal_days_do_not_count(db, official):
    accident = start(report(deaths=1), official)
    due = accident.investigation.due_on
    with pytest.raises(ValidationError):
        inv.investigation_extend(by=official, accident_id=accident.pk, days=31, reason="复杂")
    extended = inv.investigation_extend(
        by=official, accident_id=accident.pk, days=30, reason="经区政府批准"
    )
    assert extended.due_on == due + timedelta(days=30)
    with pytest.raises(Conflict):
        inv.investigation_extend(by=official, accident_id=accident.pk, days=5, reason="再延")
    appraised = inv.investigation_update(
        by=official,
        accident_id=accident.pk,
        expected_version=extended.version,
        data={"appraisal_days": 12},
    )
    assert appraised.due_on == due + timedelta(days=42)
    with pytest.raises(Conflict):  # the version the page loaded before
        inv.investigation_update(
            by=official,
            accident_id=accident.pk,
            expected_version=extended.version,
            data={"appraisal_days": 1},
        )


def test_a_report_needs_cause_and_nature_and_a_reply_comes_after_it(db, official):
    accident = start(report(), official)
    version = accident.investigation.version
    with pytest.raises(ValidationError) as raised:
        inv.investigation_update(
            by=official,
            accident_id=accident.pk,
            expected_version=version,
            data={"submitted_on": timezone.localdate()},
        )
    assert "cause" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        inv.investigation_update(
            by=official,
            accident_id=accident.pk,
            expected_version=version,
            data={"replied_on": timezone.localdate()},
        )
    assert "replied_on" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        inv.investigation_update(
            by=official,
            accident_id=accident.pk,
            expected_version=version,
            data={"submitted_on": "明天"},
        )
    assert "submitted_on" in raised.value.message_dict


def test_the_whole_way_to_the_post_evaluation(db, official):
    now = timezone.now()
    occurred = report(now=now - timedelta(days=20), deaths=1)
    accident = start(occurred, official, started_on=timezone.localdate() - timedelta(days=19))
    with pytest.raises(Conflict) as raised:
        inv.accident_close(by=official, accident_id=accident.pk, expected_version=accident.version)
    assert "调查报告" in str(raised.value)
    reported_and_replied(accident, official)
    inv.responsibility_add(
        by=official,
        accident_id=accident.pk,
        party="张某（车间主任）",
        finding="违章指挥，负直接责任",
        handling="移送司法机关",
    )
    measure = inv.measure_add(
        by=official,
        accident_id=accident.pk,
        description="全面排查设备防护装置",
        responsible="测试事故单位",
        due_on=timezone.localdate() + timedelta(days=30),
    )
    accident.refresh_from_db()
    closed = inv.accident_close(
        by=official, accident_id=accident.pk, expected_version=accident.version
    )
    assert closed.state == AccidentState.CLOSED
    with pytest.raises(Conflict) as raised:
        inv.accident_evaluate(
            by=official,
            accident_id=accident.pk,
            expected_version=closed.version,
            rating=Rating.IMPLEMENTED,
            conclusion="落实到位",
        )
    assert "1项整改措施未落实" in str(raised.value)
    inv.measure_done(by=official, measure_id=measure.pk, done_on=None, done_note="已加装防护罩")
    with pytest.raises(Conflict):
        inv.measure_done(by=official, measure_id=measure.pk, done_on=None, done_note="again")
    accident.refresh_from_db()
    evaluated = inv.accident_evaluate(
        by=official,
        accident_id=accident.pk,
        expected_version=accident.version,
        rating=Rating.IMPLEMENTED,
        conclusion="整改措施落实到位",
    )
    assert evaluated.state == AccidentState.EVALUATED
    evaluation = PostEvaluation.objects.get(accident=accident)
    assert evaluation.due_on == timezone.localdate() + timedelta(days=365)


def test_void_needs_a_reason_and_only_a_manager(db, official):
    accident = report()
    with pytest.raises(NotPermitted):
        inv.accident_void(
            by=world.actor("street_officer"),
            accident_id=accident.pk,
            expected_version=accident.version,
            reason="误报",
        )
    with pytest.raises(ValidationError):
        inv.accident_void(
            by=official, accident_id=accident.pk, expected_version=accident.version, reason=""
        )
    voided = inv.accident_void(
        by=official, accident_id=accident.pk, expected_version=accident.version, reason="误报"
    )
    assert voided.state == AccidentState.VOIDED


# --- reminders --------------------------------------------------------------------------------


def test_an_overdue_level_is_reminded_once(db, official):
    now = timezone.now()
    accident = report(now=now - timedelta(hours=4))  # the city was due 2 h after filing
    assert sweeps.remind_overdue_steps(now) >= 1
    assert sweeps.remind_overdue_steps(now) == 0
    notice = Notification.objects.get(title__contains="未报告设区的市级", recipient=official)
    assert notice.url == accident.get_absolute_url()


def test_a_major_accident_without_follow_up_for_half_a_day_is_reminded(db, official):
    now = timezone.now()
    accident = report(now=now - timedelta(hours=13), deaths=10)
    assert accident.grade == Grade.MAJOR
    assert sweeps.remind_follow_ups(now) >= 1
    assert sweeps.remind_follow_ups(now) == 0
    assert Notification.objects.filter(title__contains="请续报", recipient=official).exists()
    general = report(now=now - timedelta(hours=13), deaths=1)
    assert not Notification.objects.filter(title__contains=general.number).exists()
    sweeps.remind_follow_ups(now)
    assert not Notification.objects.filter(title__contains=general.number).exists()


def test_an_investigation_due_soon_and_a_late_measure_are_reminded(db, official):
    accident = start(report(deaths=1), official)
    today = timezone.localdate()
    assert sweeps.remind_investigations(today + timedelta(days=25)) >= 1
    assert Notification.objects.filter(title__contains="即将到期").exists()
    assert sweeps.remind_investigations(today + timedelta(days=25)) == 0
    measure = inv.measure_add(
        by=official,
        accident_id=accident.pk,
        description="更换老化线路",
        responsible="单位",
        due_on=today,
    )
    sweeps.remind_investigations(today + timedelta(days=1))
    assert Notification.objects.filter(
        title__contains="整改措施逾期", body=measure.description
    ).exists()
