"""The services: drafting, approval by a second person, update, cancel, conflicts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from anjian.cap import services, xml
from anjian.cap.choices import MsgType, State
from anjian.cap.models import CapAlert, CapAlertTransition
from anjian.cap.tests.factories import alert_data, alert_in, draft, published_update, signer
from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope, ValidationError
from testsupport import world


def messages(error) -> str:
    return " ".join(error.value.messages)


# --- drafting ------------------------------------------------------------------------------


def test_a_district_official_drafts_a_warning_for_the_district(district_official):
    alert = services.alert_create(by=district_official, data=alert_data())
    assert alert.state == State.DRAFT and alert.msg_type == MsgType.ALERT
    assert alert.identifier == "" and alert.xml == "" and alert.version == 1
    assert alert.created_by == district_official
    assert alert.transitions.get().action == "create"


@pytest.mark.parametrize(
    ("overrides", "field", "expected"),
    [
        ({"polygon": "31.30,121.50 31.30,121.56 31.30,121.50"}, "polygon", "至少需要 4 个坐标点"),
        (
            {"polygon": "31.30,121.50 31.30,121.56 31.25,121.56 31.25,121.50"},
            "polygon",
            "须闭合",
        ),
        (
            {"polygon": "91,121.50 31.30,121.56 31.25,121.56 91,121.50"},
            "polygon",
            "纬度 91 超出范围",
        ),
        ({"polygon": "", "circle": "31.27,121.52 0"}, "circle", "半径须大于 0"),
        ({"polygon": "", "circle": ""}, "areas", "请选择影响区划（区或街道），或在高级选项中"),
        ({"headline": ""}, "headline", ""),
        ({"severity": "Terrible"}, "severity", ""),
        ({"certainty": "Very Likely"}, "certainty", ""),
    ],
)
def test_bad_drafts_are_refused_and_nothing_is_written(
    overrides, field, expected, district_official
):
    before = CapAlert.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.alert_create(by=district_official, data=alert_data(**overrides))
    assert field in caught.value.message_dict
    assert expected in " ".join(caught.value.message_dict[field])
    assert CapAlert.objects.count() == before


def test_expires_must_come_after_effective(district_official):
    now = timezone.now()
    with pytest.raises(ValidationError) as caught:
        services.alert_create(
            by=district_official,
            data=alert_data(effective=now, expires=now - timedelta(hours=1)),
        )
    assert caught.value.message_dict["expires"] == ["失效时间须晚于生效时间"]


def test_a_circle_alone_is_enough(district_official):
    alert = services.alert_create(
        by=district_official, data=alert_data(polygon="", circle="31.27,121.52  2.5")
    )
    assert alert.circle == "31.27,121.52 2.5"


def test_nobody_drafts_for_a_region_outside_their_scope(district_official):
    with pytest.raises(ValidationError) as caught:
        services.alert_create(by=district_official, data=alert_data(world.HONGKOU))
    assert "只能发布您管辖范围" in messages(caught)
    assert not CapAlert.objects.filter(region_id=world.HONGKOU).exists()


def test_roles_without_compose_cannot_draft(leader, street_officer, enterprise_manager):
    for user in (leader, street_officer, enterprise_manager):
        with pytest.raises(NotPermitted):
            services.alert_create(by=user, data=alert_data())


def test_a_draft_is_edited_at_its_version_and_a_stale_edit_is_a_conflict(district_official):
    alert = draft(by=district_official)
    data = {name: getattr(alert, name) for name in services.EDITABLE_FIELDS}
    services.alert_edit(
        by=district_official,
        alert_id=alert.pk,
        data={**data, "headline": "第一次修改"},
        expected_version=1,
    )
    with pytest.raises(Conflict):
        services.alert_edit(
            by=district_official,
            alert_id=alert.pk,
            data={**data, "headline": "过期页面的修改"},
            expected_version=1,
        )
    alert.refresh_from_db()
    assert alert.headline == "第一次修改" and alert.version == 2


def test_only_drafts_are_edited(district_official):
    alert = alert_in("published")
    data = {name: getattr(alert, name) for name in services.EDITABLE_FIELDS}
    with pytest.raises(Conflict) as caught:
        services.alert_edit(
            by=district_official,
            alert_id=alert.pk,
            data={**data, "headline": "改已发布的"},
            expected_version=alert.version,
        )
    assert "只有草稿可以修改" in str(caught.value)
    stored = CapAlert.objects.get(pk=alert.pk)
    assert stored.headline == alert.headline and stored.xml == alert.xml


def test_the_neighbour_cannot_touch_a_yangpu_draft(neighbour_official):
    alert = draft()
    with pytest.raises(OutOfScope):
        services.alert_submit(by=neighbour_official, alert_id=alert.pk, expected_version=1)
    assert CapAlert.objects.get(pk=alert.pk).state == State.DRAFT


# --- approval ------------------------------------------------------------------------------


def test_a_second_person_approves_and_the_xml_is_stored(district_official, leader):
    alert = draft(by=district_official)
    alert = services.alert_submit(by=district_official, alert_id=alert.pk, expected_version=1)
    assert alert.state == State.PENDING and alert.submitted_by == district_official

    alert = services.alert_approve(by=leader, alert_id=alert.pk, expected_version=alert.version)

    stored = CapAlert.objects.get(pk=alert.pk)
    assert stored.state == State.PUBLISHED and stored.approved_by == leader
    assert (
        stored.identifier
        == f"anjian-310110-{timezone.localtime(stored.sent):%Y%m%d%H%M%S}-{stored.pk}"
    )
    assert stored.sender == "yjj.310110@anjian"
    assert stored.sent.microsecond == 0 and stored.published_at is not None
    assert xml.problems(stored.xml) == []
    assert [t.action for t in stored.transitions.all()] == ["create", "submit", "approve"]


def test_nobody_approves_their_own_draft(district_official):
    alert = draft(by=district_official)
    alert = services.alert_submit(by=district_official, alert_id=alert.pk, expected_version=1)
    with pytest.raises(NotPermitted) as caught:
        services.alert_approve(
            by=district_official, alert_id=alert.pk, expected_version=alert.version
        )
    assert "不能审核发布本人" in str(caught.value)
    assert CapAlert.objects.get(pk=alert.pk).state == State.PENDING


def test_whoever_edited_or_submitted_a_draft_does_not_approve_it_either(admin, district_official):
    edited = draft(by=admin)
    data = {name: getattr(edited, name) for name in services.EDITABLE_FIELDS}
    edited = services.alert_edit(
        by=district_official, alert_id=edited.pk, data=data, expected_version=1
    )
    edited = services.alert_submit(by=admin, alert_id=edited.pk, expected_version=2)
    with pytest.raises(NotPermitted):
        services.alert_approve(by=district_official, alert_id=edited.pk, expected_version=None)

    submitted = draft(by=admin)
    services.alert_submit(by=signer(), alert_id=submitted.pk, expected_version=1)
    with pytest.raises(NotPermitted):
        services.alert_approve(by=signer(), alert_id=submitted.pk, expected_version=None)


def test_a_stale_approval_is_a_conflict(leader):
    alert = alert_in("pending")
    with pytest.raises(Conflict):
        services.alert_approve(by=leader, alert_id=alert.pk, expected_version=alert.version - 1)
    assert CapAlert.objects.get(pk=alert.pk).state == State.PENDING


def test_an_approval_submitted_twice_answers_with_the_published_warning(leader):
    alert = alert_in("pending")
    first = services.alert_approve(by=leader, alert_id=alert.pk, expected_version=alert.version)
    again = services.alert_approve(by=leader, alert_id=alert.pk, expected_version=alert.version)
    assert again.pk == first.pk and again.identifier == first.identifier
    assert CapAlertTransition.objects.filter(alert=alert, action="approve").count() == 1


def test_an_expired_warning_is_not_published(leader):
    alert = alert_in("pending")
    CapAlert.objects.filter(pk=alert.pk).update(
        effective=timezone.now() - timedelta(days=2), expires=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(ValidationError) as caught:
        services.alert_approve(by=leader, alert_id=alert.pk, expected_version=None)
    assert "失效时间已过" in messages(caught)
    assert CapAlert.objects.get(pk=alert.pk).state == State.PENDING


def test_an_invalid_document_rolls_publishing_back(leader, monkeypatch):
    alert = alert_in("pending")
    monkeypatch.setattr(services, "sender_for", lambda code: f"yjj {code}")
    with pytest.raises(ValidationError) as caught:
        services.alert_approve(by=leader, alert_id=alert.pk, expected_version=None)
    assert "CAP 报文未通过校验" in messages(caught)
    stored = CapAlert.objects.get(pk=alert.pk)
    assert stored.state == State.PENDING and stored.xml == "" and stored.identifier == ""


def test_an_approver_returns_a_draft_with_a_reason(leader, district_official):
    alert = alert_in("pending", by=district_official)
    with pytest.raises(ValidationError):
        services.alert_return(by=leader, alert_id=alert.pk, expected_version=None, reason=" ")
    alert = services.alert_return(
        by=leader, alert_id=alert.pk, expected_version=None, reason="区域描述不准确"
    )
    assert alert.state == State.DRAFT and alert.submitted_by is None
    assert alert.transitions.last().reason == "区域描述不准确"


# --- update --------------------------------------------------------------------------------


def test_an_update_supersedes_the_original_when_published(district_official, leader):
    original = alert_in("published")
    update, created = services.alert_start_update(by=district_official, alert_id=original.pk)
    assert created and update.state == State.DRAFT and update.msg_type == MsgType.UPDATE
    assert update.replaces == original and update.headline == original.headline
    assert CapAlert.objects.get(pk=original.pk).state == State.PUBLISHED  # until approved

    published = published_update(original, by=district_official, approver=leader)

    assert published.pk == update.pk and published.state == State.PUBLISHED
    assert published.references == original.cap_reference
    original.refresh_from_db()
    assert original.state == State.SUPERSEDED
    assert original.transitions.last().action == "supersede"


def test_a_second_update_click_reopens_the_draft(district_official):
    original = alert_in("published")
    first, created = services.alert_start_update(by=district_official, alert_id=original.pk)
    again, created_again = services.alert_start_update(by=district_official, alert_id=original.pk)
    assert created and not created_again and again.pk == first.pk


def test_drafts_and_superseded_messages_cannot_be_updated(district_official):
    for state in ("draft", "superseded", "cancelled"):
        alert = alert_in(state)
        with pytest.raises(Conflict):
            services.alert_start_update(by=district_official, alert_id=alert.pk)


def test_an_update_keeps_the_original_authority(admin):
    original = alert_in("published")
    update, _created = services.alert_start_update(by=admin, alert_id=original.pk)
    data = {name: getattr(update, name) for name in services.EDITABLE_FIELDS}
    from anjian.regions.models import Region

    with pytest.raises(ValidationError) as caught:
        services.alert_edit(
            by=admin,
            alert_id=update.pk,
            data={**data, "region": Region.objects.get(code=world.HONGKOU)},
            expected_version=update.version,
        )
    assert "须与原预警一致" in messages(caught)


def test_an_update_of_a_warning_cancelled_meanwhile_is_a_conflict(district_official, leader):
    original = alert_in("published")
    update, _created = services.alert_start_update(by=district_official, alert_id=original.pk)
    update = services.alert_submit(by=district_official, alert_id=update.pk, expected_version=1)
    # Cancelling discards the pending update; approving it is then a conflict of state.
    services.alert_cancel(by=leader, alert_id=original.pk, expected_version=None, reason="已解除")
    with pytest.raises(Conflict):
        services.alert_approve(by=leader, alert_id=update.pk, expected_version=None)
    assert CapAlert.objects.get(pk=update.pk).state == State.DISCARDED


def test_two_updates_published_one_after_the_other_conflict(district_official, leader, admin):
    original = alert_in("published")
    update, _created = services.alert_start_update(by=district_official, alert_id=original.pk)
    update = services.alert_submit(by=district_official, alert_id=update.pk, expected_version=1)
    # Someone marks the original superseded first (e.g. a concurrent update).
    CapAlert.objects.filter(pk=original.pk).update(state=State.SUPERSEDED)
    with pytest.raises(Conflict) as caught:
        services.alert_approve(by=leader, alert_id=update.pk, expected_version=None)
    assert "此更新不能再发布" in str(caught.value)
    assert CapAlert.objects.get(pk=update.pk).state == State.PENDING


# --- cancel --------------------------------------------------------------------------------


def test_cancelling_publishes_a_cancel_message_at_once(leader):
    original = alert_in("published")
    cancel = services.alert_cancel(
        by=leader, alert_id=original.pk, expected_version=original.version, reason="高温已结束"
    )
    assert cancel.msg_type == MsgType.CANCEL and cancel.state == State.PUBLISHED
    assert cancel.replaces == original and cancel.note == "高温已结束"
    assert cancel.references == original.cap_reference
    assert cancel.approved_by == leader and xml.problems(cancel.xml) == []
    original.refresh_from_db()
    assert original.state == State.CANCELLED
    assert original.transitions.last().reason == "高温已结束"


def test_a_cancel_needs_a_reason_and_the_approve_right(leader, district_official, street_officer):
    original = alert_in("published")
    with pytest.raises(ValidationError):
        services.alert_cancel(by=leader, alert_id=original.pk, expected_version=None, reason="")
    with pytest.raises(NotPermitted):
        services.alert_cancel(
            by=street_officer, alert_id=original.pk, expected_version=None, reason="无权"
        )
    assert CapAlert.objects.get(pk=original.pk).state == State.PUBLISHED


def test_a_cancel_submitted_twice_answers_with_the_same_cancel_message(leader):
    original = alert_in("published")
    first = services.alert_cancel(
        by=leader, alert_id=original.pk, expected_version=None, reason="x"
    )
    again = services.alert_cancel(
        by=leader, alert_id=original.pk, expected_version=None, reason="x"
    )
    assert again.pk == first.pk
    assert original.successors.filter(msg_type=MsgType.CANCEL).count() == 1


def test_a_cancel_message_is_final(leader, district_official):
    original = alert_in("published")
    cancel = services.alert_cancel(
        by=leader, alert_id=original.pk, expected_version=None, reason="x"
    )
    with pytest.raises(Conflict):
        services.alert_cancel(by=leader, alert_id=cancel.pk, expected_version=None, reason="再取消")
    with pytest.raises(Conflict):
        services.alert_start_update(by=district_official, alert_id=cancel.pk)


def test_nothing_is_ever_deleted(leader):
    alert = alert_in("discarded")
    assert CapAlert.objects.filter(pk=alert.pk, state=State.DISCARDED).exists()


def test_whoever_edited_an_earlier_version_does_not_approve_it_either(admin, district_official):
    alert = draft(by=admin)
    data = {name: getattr(alert, name) for name in services.EDITABLE_FIELDS}
    alert = services.alert_edit(
        by=district_official, alert_id=alert.pk, data=data, expected_version=1
    )
    alert = services.alert_edit(by=admin, alert_id=alert.pk, data=data, expected_version=2)
    alert = services.alert_submit(by=admin, alert_id=alert.pk, expected_version=3)
    # district_official is no longer the last editor, but wrote a version of this message.
    with pytest.raises(NotPermitted):
        services.alert_approve(by=district_official, alert_id=alert.pk, expected_version=4)
    assert CapAlert.objects.get(pk=alert.pk).state == State.PENDING
