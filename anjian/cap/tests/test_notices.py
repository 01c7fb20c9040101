"""Who is told at each hand-off of a warning: the approvers when it is submitted, the
composer when it is published or returned (with the opinion) — once per person per event."""

import pytest

from anjian.cap import notices, services
from anjian.cap.tests.factories import alert_in, draft, signer
from anjian.core.exceptions import NotPermitted
from anjian.core.models import Notification
from testsupport import world


def told(kind: str) -> dict[str, Notification]:
    notices_ = Notification.objects.filter(kind=kind).select_related("recipient")
    names = [n.recipient.username for n in notices_]
    assert len(names) == len(set(names)), f"someone was told twice: {names}"
    return {n.recipient.username: n for n in notices_}


def submit(alert, by):
    return services.alert_submit(by=by, alert_id=alert.pk, expected_version=alert.version)


def test_a_submitted_warning_asks_its_districts_approvers(district_official, leader):
    alert = submit(draft(by=district_official), district_official)
    asked = told("cap_alert_submitted")
    assert set(asked) == {"leader"}  # the author may not approve; nobody outside 杨浦区
    notice = asked["leader"]
    assert alert.headline in notice.title and "待签发" in notice.title
    assert notice.url == alert.get_absolute_url()


def test_everyone_at_the_district_who_may_approve_is_asked(admin, district_official, leader):
    submit(draft(by=admin), admin)
    assert set(told("cap_alert_submitted")) == {"district_official", "leader"}


def test_nobody_is_asked_twice_for_one_submission(district_official, leader):
    alert = submit(draft(by=district_official), district_official)
    notices.submitted(alert, by=district_official)  # a retried side effect
    submit(alert, district_official)  # the same person's double submit: a replay
    assert list(told("cap_alert_submitted")) == ["leader"]


def test_a_city_warning_asks_the_administrators(admin):
    alert = submit(draft(by=admin, region="31", area_desc="全市"), admin)
    assert signer().pk in {u.pk for u in notices.approvers(alert)}
    assert admin.pk not in {u.pk for u in notices.approvers(alert)}


def test_the_composer_is_told_when_it_is_published_with_the_opinion(district_official, leader):
    alert = submit(draft(by=district_official), district_official)
    alert = services.alert_approve(
        by=leader, alert_id=alert.pk, expected_version=alert.version, reason="同意，按时发布"
    )
    published = told("cap_alert_published")
    assert set(published) == {"district_official"}
    assert alert.identifier in published["district_official"].body
    assert "同意，按时发布" in published["district_official"].body


def test_the_composer_is_told_when_it_is_returned_with_the_opinion(district_official, leader):
    alert = submit(draft(by=district_official), district_official)
    alert = services.alert_return(
        by=leader, alert_id=alert.pk, expected_version=alert.version, reason="区域写错了"
    )
    returned = told("cap_alert_returned")
    assert set(returned) == {"district_official"}
    assert "区域写错了" in returned["district_official"].body

    # A second round is a second event: submitted again, returned again.
    alert = submit(alert, district_official)
    services.alert_return(
        by=leader, alert_id=alert.pk, expected_version=alert.version, reason="还要再改"
    )
    assert Notification.objects.filter(kind="cap_alert_returned").count() == 2
    assert Notification.objects.filter(kind="cap_alert_submitted").count() == 2


def test_a_refused_approval_tells_nobody(district_official):
    alert = alert_in("pending", by=district_official)
    before = Notification.objects.count()
    with pytest.raises(NotPermitted):
        services.alert_approve(
            by=district_official, alert_id=alert.pk, expected_version=alert.version
        )
    assert Notification.objects.count() == before


def test_the_approver_is_never_told_of_their_own_act(leader):
    alert = alert_in("pending", by=world.actor("admin"), approver=leader)
    services.alert_approve(by=leader, alert_id=alert.pk, expected_version=alert.version)
    assert "leader" not in told("cap_alert_published")
