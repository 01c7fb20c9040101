"""包保责任's services: one holder per role at a time (naming another ends the current term
that day), ``replaces`` as the compare-and-set of the role, the same naming sent twice
applied once; ending a term and its dates; recording checks (dates inside the term and not in
the future, findings, hazards found); closed sources refused; who may write what, and where;
the holder told after the commit; the frequencies city-wide, versioned and kept."""

from datetime import timedelta

import pytest
from django.utils import timezone

from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope, ValidationError
from anjian.core.models import Notification
from anjian.hazchem import services_duties
from anjian.hazchem.choices import SourceState
from anjian.hazchem.models import DutyCheck, DutyRule, MajorHazardSource, SourceDuty
from anjian.hazchem.selectors_duties import rules_in_force
from anjian.hazchem.tests import duty_factories as dm
from testsupport import world

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
AGO = TODAY - timedelta(days=60)


def refused(call, *args, **kwargs) -> dict:
    with pytest.raises(ValidationError) as raised:
        call(*args, **kwargs)
    return raised.value.message_dict


@pytest.fixture
def source():
    return dm.source()


def snapshot() -> list:
    return [
        list(SourceDuty.objects.order_by("pk").values_list("pk", "version", "until", "name")),
        list(DutyCheck.objects.order_by("pk").values_list("pk", "checked_on")),
        list(DutyRule.objects.order_by("pk").values_list("pk", "version")),
    ]


# --- holders ------------------------------------------------------------------------------------


def test_naming_a_holder_ends_the_current_term_on_the_handover_day(source):
    first = dm.holder(source, "technical", "张三", since=AGO)
    second = dm.holder(source, "technical", "李四", since=TODAY - timedelta(days=10))

    first.refresh_from_db()
    assert first.until == second.since and first.version == 2
    assert first.end_reason == "由李四接任" and first.ended_by == world.actor("admin")
    assert second.until is None and second.assigned_by == world.actor("admin")
    current = source.duties.filter(until__isnull=True)
    assert [(d.role, d.name) for d in current] == [("technical", "李四")]


def test_each_role_has_its_own_holder(source):
    for role, name in (("principal", "王总"), ("technical", "李工"), ("operational", "赵主任")):
        dm.holder(source, role, name, since=AGO)
    assert source.duties.filter(until__isnull=True).count() == 3


def test_a_stale_replaces_is_a_conflict_and_changes_nothing(source):
    first = dm.holder(source, "operational", "张三", since=AGO)
    dm.holder(source, "operational", "李四", since=AGO)
    before = snapshot()

    with pytest.raises(Conflict) as raised:
        dm.holder(source, "operational", "王五", since=AGO, replaces=first.pk)
    assert "李四" in str(raised.value)
    with pytest.raises(Conflict):
        dm.holder(source, "operational", "王五", since=AGO, replaces=None)
    assert snapshot() == before


def test_the_same_naming_sent_twice_is_applied_once(source):
    first = dm.holder(source, "operational", "张三", since=AGO)
    second = dm.holder(source, "operational", "李四", since=AGO, replaces=first.pk)

    again = dm.holder(source, "operational", "李四", since=AGO, replaces=first.pk)

    assert again == second and source.duties.count() == 2
    # Someone else sending the same is a decision on a change they did not see.
    with pytest.raises(Conflict):
        dm.holder(
            source,
            "operational",
            "李四",
            since=AGO,
            replaces=first.pk,
            by=world.actor("district_official"),
        )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "请填写姓名"),
        ({"phone": ""}, "phone", "请填写联系电话"),
        ({"phone": "电话号码"}, "phone", "请填写有效的联系电话"),
        ({"since": ""}, "since", "请填写日期"),
        ({"since": "2026-13-01"}, "since", "请填写日期，如 2026-03-01"),
        ({"since": TODAY + timedelta(days=1)}, "since", "不能晚于今天"),
        ({"name": "长" * 41}, "name", "不能超过40字"),
        ({"user": 999_999}, "user", "请选择本单位的平台账号"),
        ({"user": "abc"}, "user", "请选择本单位的平台账号"),
    ],
)
def test_bad_holder_data_is_refused_on_its_field(source, data, field, message):
    values = {"name": "张三", "position": "", "phone": "13800000000", "since": AGO, **data}
    errors = refused(
        services_duties.duty_assign,
        world.actor("admin"),
        source_id=source.pk,
        role="technical",
        replaces=None,
        data=values,
    )
    assert list(errors) == [field] and errors[field][0].startswith(message)
    assert not source.duties.exists()


def test_an_unknown_role_is_refused(source):
    errors = refused(
        services_duties.duty_assign,
        world.actor("admin"),
        source_id=source.pk,
        role="chief",
        replaces=None,
        data={},
    )
    assert errors == {"role": ["请选择包保角色"]}


def test_a_successor_cannot_start_before_the_current_holder(source):
    current = dm.holder(source, "technical", since=AGO)
    errors = refused(dm.holder, source, "technical", "李四", since=AGO - timedelta(days=1))
    assert errors["since"][0].startswith("不能早于现任的起始日期")
    current.refresh_from_db()
    assert current.until is None


def test_only_an_account_of_the_sources_enterprise_can_be_the_holders(source):
    manager = world.actor("enterprise_manager")  # 殷行化工's safety manager
    duty = dm.holder(source, "technical", "安全员", since=AGO, user=manager.pk)
    assert duty.user == manager

    other = dm.source("pingliang_factory", name="液氨储罐区")
    errors = refused(dm.holder, other, "technical", since=AGO, user=manager.pk)
    assert errors == {"user": ["请选择本单位的平台账号"]}
    official = world.actor("district_official")
    assert refused(dm.holder, source, "principal", since=AGO, user=official.pk) == {
        "user": ["请选择本单位的平台账号"]
    }


def test_the_named_holder_is_told_after_the_commit(source, django_capture_on_commit_callbacks):
    manager = world.actor("enterprise_manager")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        dm.holder(source, "technical", "安全员", since=AGO, user=manager.pk)
    assert not Notification.objects.filter(recipient=manager).exists()
    for callback in callbacks:
        callback()
    (notice,) = Notification.objects.filter(recipient=manager)
    assert "技术负责人" in notice.title and source.number in notice.body
    assert "每季度至少1次" in notice.body and notice.url.endswith("#duties")
    # Naming oneself tells nobody.
    with django_capture_on_commit_callbacks(execute=True):
        dm.holder(source, "principal", "安全员", since=AGO, user=manager.pk, by=manager)
    assert Notification.objects.filter(recipient=manager).count() == 1


# --- ending a term ------------------------------------------------------------------------------


def test_a_term_ends_with_its_day_and_reason(source):
    duty = dm.holder(source, "operational", since=AGO)
    ended = services_duties.duty_end(
        world.actor("admin"),
        source_id=source.pk,
        duty_id=duty.pk,
        expected_version=duty.version,
        until=TODAY,
        reason="调离岗位",
    )
    assert (ended.until, ended.end_reason, ended.version) == (TODAY, "调离岗位", 2)
    assert not source.duties.filter(until__isnull=True).exists()
    # Sent again: the same ending; a different one: a conflict.
    again = services_duties.duty_end(
        world.actor("admin"),
        source_id=source.pk,
        duty_id=duty.pk,
        expected_version=1,
        until=TODAY,
        reason="调离岗位",
    )
    assert again == ended
    with pytest.raises(Conflict):
        services_duties.duty_end(
            world.actor("admin"),
            source_id=source.pk,
            duty_id=duty.pk,
            expected_version=2,
            until=TODAY,
            reason="退休",
        )


def test_ending_a_term_checks_its_version_and_days(source):
    duty = dm.holder(source, "operational", since=AGO)
    dm.check(source, duty, AGO + timedelta(days=10))
    admin = world.actor("admin")

    def end(**kwargs):
        values = {"expected_version": duty.version, "until": TODAY, "reason": "调离", **kwargs}
        return services_duties.duty_end(admin, source_id=source.pk, duty_id=duty.pk, **values)

    with pytest.raises(Conflict):
        end(expected_version=duty.version + 1)
    assert refused(end, until=AGO - timedelta(days=1))["until"][0].startswith(
        "不能早于任期起始日期"
    )
    assert refused(end, until=AGO + timedelta(days=5))["until"][0].startswith(
        "不能早于该责任人最近一次履职记录"
    )
    assert refused(end, until=TODAY + timedelta(days=1))["until"][0].startswith("不能晚于今天")
    assert refused(end, reason=" ") == {"reason": ["请填写结束原因"]}
    duty.refresh_from_db()
    assert duty.until is None and duty.version == 1


def test_a_term_of_another_source_is_not_found(source):
    other = dm.source(name="二号储罐区")
    duty = dm.holder(other, "operational", since=AGO)
    with pytest.raises(OutOfScope):
        services_duties.duty_end(
            world.actor("admin"),
            source_id=source.pk,
            duty_id=duty.pk,
            expected_version=1,
            until=TODAY,
            reason="x",
        )


# --- checks -------------------------------------------------------------------------------------


def test_a_check_is_recorded_for_its_holder_and_role(source):
    duty = dm.holder(source, "operational", since=AGO)
    manager = world.actor("enterprise_manager")
    made = dm.check(source, duty, TODAY, by=manager, hazards=2, findings="发现2处问题")

    assert (made.role, made.duty, made.recorded_by, made.hazards_found) == (
        "operational",
        duty,
        manager,
        2,
    )
    # The same check sent twice is one check.
    assert dm.check(source, duty, TODAY, by=manager, hazards=2, findings="发现2处问题") == made
    assert source.checks.count() == 1


def test_a_past_holders_check_can_be_entered_within_their_term(source):
    first = dm.holder(source, "operational", "张三", since=AGO)
    dm.holder(source, "operational", "李四", since=AGO + timedelta(days=20))

    assert dm.check(source, first, AGO + timedelta(days=20)).duty == first
    errors = refused(dm.check, source, first, AGO + timedelta(days=21))
    assert errors["checked_on"][0].startswith("不能晚于该责任人任期截止日期")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"checked_on": TODAY + timedelta(days=1)}, "checked_on", "不能晚于今天"),
        ({"checked_on": AGO - timedelta(days=1)}, "checked_on", "不能早于该责任人任期起始日期"),
        ({"checked_on": "昨天"}, "checked_on", "请填写日期，如"),
        ({"checked_on": None}, "checked_on", "请填写日期"),
        ({"findings": "  "}, "findings", "请填写检查情况"),
        ({"findings": "查" * 4001}, "findings", "不能超过4000字"),
        ({"hazards_found": -1}, "hazards_found", "发现隐患数须为0或正整数"),
        ({"hazards_found": "两个"}, "hazards_found", "发现隐患数须为0或正整数"),
        ({"hazards_found": 1.5}, "hazards_found", "发现隐患数须为0或正整数"),
        ({"duty": 999_999}, "duty", "请选择该重大危险源的包保责任人"),
        ({"duty": None}, "duty", "请选择该重大危险源的包保责任人"),
    ],
)
def test_bad_check_data_is_refused_on_its_field(source, data, field, message):
    duty = dm.holder(source, "operational", since=AGO)
    values = {"duty": duty.pk, "checked_on": TODAY, "findings": "正常", "hazards_found": 0, **data}
    errors = refused(
        services_duties.check_record, world.actor("admin"), source_id=source.pk, data=values
    )
    assert errors[field][0].startswith(message)
    assert not source.checks.exists()


def test_several_checks_are_recorded_all_or_none(source, admin):
    duty = dm.holder(source, "operational", since=AGO)
    rows = [
        {"duty": duty.pk, "checked_on": AGO + timedelta(days=n), "findings": "正常"} for n in (1, 2)
    ]
    bad = [*rows, {"duty": duty.pk, "checked_on": TODAY + timedelta(days=1), "findings": ""}]

    errors = refused(services_duties.checks_record, admin, source_id=source.pk, rows=bad)

    assert errors["checked_on"][0].startswith("第3条：不能晚于今天")
    assert errors["findings"] == ["第3条：请填写检查情况"]
    assert not source.checks.exists()
    made = services_duties.checks_record(admin, source_id=source.pk, rows=[*rows, rows[0]])
    assert len(made) == 2 == source.checks.count()
    assert services_duties.checks_record(admin, source_id=source.pk, rows=rows) == []


def test_a_holder_of_another_source_cannot_be_checked_here(source):
    other = dm.source(name="二号储罐区")
    duty = dm.holder(other, "operational", since=AGO)
    errors = refused(dm.check, source, duty, TODAY)
    assert errors == {"duty": ["请选择该重大危险源的包保责任人"]}


# --- closed sources, roles and scope ------------------------------------------------------------


def test_a_closed_source_takes_no_more_holders_or_checks(source):
    duty = dm.holder(source, "operational", since=AGO)
    MajorHazardSource.objects.filter(pk=source.pk).update(state=SourceState.CLOSED)
    before = snapshot()
    admin = world.actor("admin")
    attempts = [
        lambda: dm.holder(source, "technical", since=AGO),
        lambda: dm.check(source, duty, TODAY),
        lambda: services_duties.duty_end(
            admin, source_id=source.pk, duty_id=duty.pk, expected_version=1, until=TODAY, reason="x"
        ),
    ]
    for attempt in attempts:
        with pytest.raises(Conflict, match="已核销"):
            attempt()
    assert snapshot() == before


@pytest.mark.parametrize(
    "actor", ["street_officer", "grid_member", "inspector", "leader", "expert"]
)
def test_roles_without_unit_manage_write_nothing(source, actor):
    duty = dm.holder(source, "operational", since=AGO)
    before = snapshot()
    user = world.actor(actor)
    for attempt in (
        lambda: dm.holder(source, "technical", since=AGO, by=user),
        lambda: dm.check(source, duty, TODAY, by=user),
        lambda: services_duties.duty_end(
            user, source_id=source.pk, duty_id=duty.pk, expected_version=1, until=TODAY, reason="x"
        ),
    ):
        with pytest.raises(NotPermitted):
            attempt()
    assert snapshot() == before


@pytest.mark.parametrize(
    ("actor", "enterprise"),
    [
        ("neighbour_official", "yinhang_chemical"),
        ("district_official", "hongkou_shop"),
        ("housing_official", "yinhang_chemical"),
        ("enterprise_manager", "pingliang_factory"),
    ],
)
def test_a_writer_reaches_no_source_outside_its_scope(actor, enterprise):
    target = dm.source(enterprise, name="外单位储罐区")
    duty = dm.holder(target, "operational", since=AGO)
    before = snapshot()
    user = world.actor(actor)
    for attempt in (
        lambda: dm.holder(target, "technical", since=AGO, by=user, replaces=None),
        lambda: dm.check(target, duty, TODAY, by=user),
        lambda: services_duties.duty_end(
            user, source_id=target.pk, duty_id=duty.pk, expected_version=1, until=TODAY, reason="x"
        ),
    ):
        with pytest.raises(OutOfScope):
            attempt()
    assert snapshot() == before


def test_the_enterprise_and_its_officials_write_in_their_scope(source):
    manager, official = world.actor("enterprise_manager"), world.actor("district_official")
    duty = dm.holder(source, "operational", since=AGO, by=manager)
    dm.check(source, duty, TODAY, by=manager)
    dm.check(source, duty, TODAY - timedelta(days=1), by=official)  # entered from the paper record
    assert source.checks.filter(recorded_by=official).count() == 1


# --- frequencies --------------------------------------------------------------------------------


def set_rule(by, role="technical", version=0, **data):
    values = {"period": "month", "checks": 2, "basis": "本市规定", **data}
    return services_duties.duty_rule_set(by, role=role, expected_version=version, data=values)


def test_a_frequency_change_is_a_new_version_and_the_old_one_stays(admin):
    assert rules_in_force()["technical"].version == 0
    first = set_rule(admin)
    second = set_rule(admin, version=1, period="week", checks=1, basis="恢复每周")

    rule = rules_in_force()["technical"]
    assert (rule.period, rule.checks, rule.version, rule.set_by) == ("week", 1, 2, admin.name)
    assert [r.version for r in DutyRule.objects.filter(role="technical")] == [2, 1]
    assert first.pk != second.pk and DutyRule.objects.get(pk=first.pk).period == "month"
    # Other roles keep their defaults.
    assert rules_in_force()["operational"].version == 0


def test_a_stale_frequency_version_is_a_conflict(admin):
    set_rule(admin)
    before = snapshot()
    with pytest.raises(Conflict):
        set_rule(admin, version=0, checks=3)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"period": "day"}, "period"),
        ({"period": "week", "checks": 8}, "checks"),
        ({"period": "month", "checks": 0}, "checks"),
        ({"period": "quarter", "checks": "一次"}, "checks"),
        ({"period": "quarter", "checks": None}, "checks"),
        ({"basis": ""}, "basis"),
    ],
)
def test_a_bad_frequency_is_refused_on_its_field(admin, data, field):
    assert field in refused(set_rule, admin, **data)
    assert not DutyRule.objects.exists()


def test_no_fixed_frequency_needs_no_count(admin):
    rule = set_rule(admin, role="operational", period="none", checks=5)
    assert (rule.period, rule.checks) == ("none", 0)
    assert not rules_in_force()["operational"].counted


@pytest.mark.parametrize("actor", ["district_official", "enterprise_manager", "leader"])
def test_only_city_wide_users_set_frequencies(actor):
    with pytest.raises(NotPermitted):
        set_rule(world.actor(actor))
    with pytest.raises(NotPermitted) as raised:
        set_rule(world.administrator_of(world.YANGPU))
    assert "全市统一配置" in str(raised.value)
    assert not DutyRule.objects.exists()
    assert set_rule(world.administrator_of("31")).version == 1
