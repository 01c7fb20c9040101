"""The lifecycle table: every (state, transition) pair is allowed or refused, as declared."""

import pytest

from anjian.cap import services
from anjian.cap.choices import State
from anjian.cap.lifecycle import ALERT
from anjian.cap.models import CapAlert
from anjian.cap.tests.factories import alert_in
from anjian.core.exceptions import Conflict
from testsupport import world

STATES = ("draft", "pending", "published", "superseded", "cancelled", "discarded")
# Public transitions and who runs them in the table (neither drafted nor submitted the
# message, so the only thing deciding is the state).
RUNNERS = {
    "submit": "district_official",
    "return": "leader",
    "approve": "leader",
    "discard": "district_official",
    "cancel": "leader",
}


def run(name: str, alert: CapAlert):
    user = world.actor(RUNNERS[name])
    common = {"by": user, "alert_id": alert.pk, "expected_version": alert.version}
    if name in ("return", "cancel"):
        common["reason"] = "表格测试"
    return getattr(services, f"alert_{name}")(**common)


def test_the_table_covers_every_public_transition():
    public = {t.name for t in ALERT.transitions if not t.internal}
    assert public == set(RUNNERS)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("name", sorted(RUNNERS))
def test_each_transition_runs_exactly_from_its_source_states(state, name, db):
    alert = alert_in(state)
    transition = ALERT.transition(name)
    if state in transition.sources:
        result = run(name, alert)
        alert.refresh_from_db()
        assert alert.state == transition.target
        assert alert.transitions.last().action == name
        assert alert.transitions.last().by == world.actor(RUNNERS[name])
        if name == "cancel":
            assert result.msg_type == "Cancel" and result.state == State.PUBLISHED
    else:
        before = CapAlert.objects.get(pk=alert.pk)
        with pytest.raises(Conflict):
            run(name, alert)
        after = CapAlert.objects.get(pk=alert.pk)
        assert (after.state, after.version) == (before.state, before.version)


def test_internal_steps_are_not_offered_as_actions():
    offered = {t.name for state in STATES for t in ALERT.allowed_from(state)}
    assert offered == set(RUNNERS)
    assert {"supersede", "drop", "publish_cancel"} <= set(ALERT.by_name)
