"""The workflow kernel (``core.workflow``), on a lifecycle that runs on it (CAP warnings):
compare-and-set, replay of a double submit, conditions (409 with the current state) and
guards (403 with the reason), side effects only after commit, what a user may do now,
and the generated documentation kept current."""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from anjian.cap.choices import MsgType, State
from anjian.cap.lifecycle import ALERT
from anjian.cap.models import CapAlert
from anjian.cap.tests.factories import alert_in
from anjian.core import workflow
from anjian.core.exceptions import Conflict, NotPermitted
from testsupport import world


def names(actions) -> set[str]:
    return {action.name for action in actions}


def test_every_lifecycle_is_declared_on_the_kernel_and_documented():
    lifecycles = workflow.autodiscover()
    assert "cap_alert" in lifecycles
    doc = Path(settings.BASE_DIR, "docs", "lifecycles.md").read_text()
    assert doc == workflow.document(), "run `anjian lifecycles --write`"


def test_a_transition_from_a_state_it_does_not_start_from_is_a_conflict_naming_the_state(db):
    alert = alert_in("published")
    with pytest.raises(Conflict) as caught:
        ALERT.begin(by=world.actor("leader"), obj=alert, name="approve", expected_version=None)
    assert caught.value.state == State.PUBLISHED
    assert caught.value.state_label == "已发布"
    assert "已发布" in str(caught.value)


def test_the_same_user_repeating_the_same_transition_gets_a_replay(db):
    alert = alert_in("draft")
    official = world.actor("district_official")
    step = ALERT.begin(by=official, obj=alert, name="submit", expected_version=alert.version)
    ALERT.commit(step, by=official)
    again = ALERT.begin(by=official, obj=alert, name="submit", expected_version=1)
    assert again.replay and again.obj is alert
    with pytest.raises(Conflict):  # someone else sending it is a conflict, not a replay
        ALERT.begin(by=world.actor("admin"), obj=alert, name="submit", expected_version=None)


def test_the_compare_and_set_lets_exactly_one_of_two_writers_through(db):
    alert = alert_in("draft")
    official = world.actor("district_official")
    first = ALERT.begin(by=official, obj=alert, name="submit", expected_version=alert.version)
    stale = CapAlert.objects.get(pk=alert.pk)
    second = ALERT.begin(by=official, obj=stale, name="discard", expected_version=stale.version)
    ALERT.commit(first, by=official)
    with pytest.raises(Conflict) as caught:
        ALERT.commit(second, by=official)
    assert caught.value.state == State.PENDING  # the state the winner left it in
    alert.refresh_from_db()
    assert alert.state == State.PENDING and alert.version == 2
    assert [t.action for t in alert.transitions.all()] == ["create", "submit"]


def test_a_stale_version_is_a_conflict(db):
    alert = alert_in("draft")
    with pytest.raises(Conflict):
        ALERT.begin(
            by=world.actor("district_official"),
            obj=alert,
            name="submit",
            expected_version=alert.version - 1,
        )


def test_a_guard_refuses_with_its_reason_and_a_condition_with_a_conflict(db):
    pending = alert_in("pending")
    author = CapAlert.objects.get(pk=pending.pk).created_by
    with pytest.raises(NotPermitted) as refused:
        ALERT.begin(by=author, obj=pending, name="approve", expected_version=None)
    assert "不能审核发布本人" in str(refused.value)

    cancel_message = alert_in("cancelled").successors.get(msg_type=MsgType.CANCEL)
    with pytest.raises(Conflict) as unmet:
        ALERT.begin(
            by=world.actor("leader"), obj=cancel_message, name="cancel", expected_version=None
        )
    assert "取消报文不能再被更新或取消" in str(unmet.value)
    assert unmet.value.state == State.PUBLISHED


def test_a_role_without_the_action_is_refused(db):
    with pytest.raises(NotPermitted):
        ALERT.begin(
            by=world.actor("enterprise_manager"),
            obj=alert_in("draft"),
            name="submit",
            expected_version=None,
        )


def test_what_a_user_may_do_now_follows_state_role_guards_and_conditions(db):
    leader, official = world.actor("leader"), world.actor("district_official")
    assert names(ALERT.available(official, alert_in("draft"))) == {"submit", "discard"}
    assert names(ALERT.available(leader, alert_in("draft"))) == set()
    assert names(ALERT.available(leader, alert_in("pending"))) == {"return", "approve"}
    published = alert_in("published")
    assert names(ALERT.available(leader, published)) == {"cancel"}
    assert names(ALERT.available(official, published)) == {"cancel", "update"}
    cancel_message = alert_in("cancelled").successors.get(msg_type=MsgType.CANCEL)
    assert cancel_message.state == State.PUBLISHED
    assert names(ALERT.available(leader, cancel_message)) == set()  # a Cancel message stays
    assert names(ALERT.available(official, cancel_message)) == set()


def test_side_effects_run_only_after_the_commit(db, django_capture_on_commit_callbacks):
    official = world.actor("district_official")
    sent = []

    class RolledBack(Exception):
        pass

    alert = alert_in("draft")
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RolledBack),
        transaction.atomic(),
    ):
        step = ALERT.begin(by=official, obj=alert, name="submit", expected_version=None)
        ALERT.commit(step, by=official, effects=[lambda: sent.append("rolled back")])
        assert sent == []
        raise RolledBack
    assert sent == []

    alert = alert_in("draft")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        step = ALERT.begin(by=official, obj=alert, name="submit", expected_version=None)
        ALERT.commit(step, by=official, effects=[lambda: sent.append("committed")])
        assert sent == []
    for callback in queued:
        callback()
    assert sent == ["committed"]


def test_internal_steps_skip_who_but_not_where(db):
    published = alert_in("published")
    step = ALERT.internal(published, "supersede")
    ALERT.commit(step, by=world.actor("leader"))
    assert CapAlert.objects.get(pk=published.pk).state == State.SUPERSEDED
    with pytest.raises(Conflict):
        ALERT.internal(alert_in("draft"), "supersede")


def test_a_declaration_with_an_unknown_state_is_refused():
    with pytest.raises(ValueError, match="unknown states"):
        workflow.Lifecycle(
            name="broken",
            label="x",
            model=CapAlert,
            record=CapAlert,
            record_fk="alert",
            states=State,
            initial=State.DRAFT,
            transitions=[workflow.Transition("t", "t", {"nowhere"}, State.DRAFT, "x")],
        )
    assert "broken" not in workflow.LIFECYCLES
