"""Deadline extensions: the rectifying side asks with a reason, the government in scope
decides once; approving moves the deadline and restarts the overdue ladder."""

from datetime import timedelta

import pytest

from anjian.core.exceptions import Conflict, NotPermitted, ValidationError
from anjian.core.models import Notification
from anjian.hazards import services
from anjian.hazards.choices import ExtensionState, State
from anjian.hazards.models import DeadlineExtension, Hazard
from anjian.hazards.tests.factories import hazard_in
from anjian.hazards.tests.supervision_support import later, request
from anjian.hazards.tests.support import messages, run, stored
from testsupport import world


@pytest.fixture(autouse=True)
def media(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize("state", [State.REGISTERED, State.RECTIFYING, State.AWAITING_ACCEPTANCE])
def test_the_enterprise_requests_a_later_deadline_with_a_reason(
    state, enterprise_manager, district_official
):
    hazard = hazard_in(state)

    extension = request(hazard, reason="  设备到货延迟 ")

    assert extension.state == ExtensionState.PENDING
    assert extension.current_deadline == hazard.deadline
    assert extension.requested_deadline == hazard.deadline + timedelta(days=10)
    assert (extension.reason, extension.requested_by) == ("设备到货延迟", enterprise_manager)
    assert hazard.transitions.order_by("at", "id").last().action == "extension_request"
    assert Notification.objects.filter(
        recipient=district_official, kind="hazard_extension"
    ).exists()
    assert Hazard.objects.get(pk=hazard.pk).deadline == hazard.deadline


@pytest.mark.parametrize("days_after_deadline", [0, -1, -10])
def test_an_extension_must_be_later_than_the_current_deadline(days_after_deadline):
    hazard = hazard_in(State.RECTIFYING)

    with pytest.raises(ValidationError) as refused:
        request(hazard, days_after_deadline=days_after_deadline)

    assert messages(refused.value, "requested_deadline") == [
        f"延期日期须晚于原整改期限（{hazard.deadline.isoformat()}）"
    ]
    assert not DeadlineExtension.objects.exists()


def test_an_extension_needs_a_date(enterprise_manager):
    hazard = hazard_in(State.RECTIFYING)

    with pytest.raises(ValidationError) as refused:
        services.extension_request(
            by=enterprise_manager, hazard_id=hazard.pk, requested_deadline=None, reason="x"
        )

    assert messages(refused.value, "requested_deadline") == ["请填写申请延期至的日期"]


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_extension_needs_a_reason(reason):
    hazard = hazard_in(State.RECTIFYING)

    with pytest.raises(ValidationError) as refused:
        request(hazard, reason=reason)

    assert messages(refused.value, "reason") == ["请填写延期理由"]
    assert not DeadlineExtension.objects.exists()
    assert not hazard.transitions.filter(action="extension_request").exists()


@pytest.mark.parametrize("state", [State.REPORTED, State.CLOSED, State.VOID])
def test_only_a_registered_open_hazard_can_be_extended(state, enterprise_manager):
    hazard = hazard_in(state)

    with pytest.raises(Conflict):
        services.extension_request(
            by=enterprise_manager, hazard_id=hazard.pk, requested_deadline=later(60), reason="x"
        )

    assert not DeadlineExtension.objects.exists()


def test_a_hazard_has_one_pending_extension_at_a_time():
    hazard = hazard_in(State.RECTIFYING)
    request(hazard)

    with pytest.raises(Conflict) as refused:
        request(hazard, days_after_deadline=20)

    assert "已有待审批的延期申请" in str(refused.value)
    assert DeadlineExtension.objects.filter(hazard=hazard).count() == 1
    assert hazard.transitions.filter(action="extension_request").count() == 1


def test_after_a_refusal_the_enterprise_may_ask_again(district_official):
    hazard = hazard_in(State.RECTIFYING)
    first = request(hazard)
    services.extension_decide(
        by=district_official, extension_id=first.pk, approve=False, reason="理由不充分"
    )

    second = request(hazard, days_after_deadline=5)

    assert second.state == ExtensionState.PENDING


@pytest.mark.parametrize(
    ("actor", "error"),
    [("leader", NotPermitted), ("inspector", NotPermitted), ("expert", Hazard.DoesNotExist)],
)
def test_those_who_do_not_rectify_cannot_request_an_extension(actor, error):
    hazard = hazard_in(State.RECTIFYING)

    with pytest.raises(error):
        request(hazard, by=world.actor(actor))

    assert not DeadlineExtension.objects.exists()


def test_approving_moves_the_deadline_and_restarts_the_overdue_ladder(
    district_official, enterprise_manager
):
    hazard = hazard_in(State.RECTIFYING)
    Hazard.objects.filter(pk=hazard.pk).update(escalation_level=2, reminded_for=later(0))
    extension = request(hazard)
    version = Hazard.objects.get(pk=hazard.pk).version

    decided = services.extension_decide(
        by=district_official, extension_id=extension.pk, approve=True
    )

    after = Hazard.objects.get(pk=hazard.pk)
    assert decided.state == ExtensionState.APPROVED
    assert decided.decided_by == district_official
    assert decided.decided_at is not None
    assert after.deadline == extension.requested_deadline
    assert after.escalation_level == 0
    assert after.reminded_for is None
    assert after.version == version + 1
    assert after.state == State.RECTIFYING
    assert after.transitions.order_by("at", "id").last().action == "extension_approved"
    assert Notification.objects.filter(
        recipient=enterprise_manager, kind="hazard_extension_decided"
    ).exists()


@pytest.mark.parametrize("reason", ["", "  "])
def test_refusing_needs_a_reason(reason, district_official):
    hazard = hazard_in(State.RECTIFYING)
    extension = request(hazard)

    with pytest.raises(ValidationError) as refused:
        services.extension_decide(
            by=district_official, extension_id=extension.pk, approve=False, reason=reason
        )

    assert messages(refused.value, "decision_reason") == ["不批准时请填写理由"]
    assert DeadlineExtension.objects.get(pk=extension.pk).state == ExtensionState.PENDING


def test_refusing_keeps_the_deadline(district_official):
    hazard = hazard_in(State.RECTIFYING)
    extension = request(hazard)
    before = stored(hazard)["row"]

    decided = services.extension_decide(
        by=district_official, extension_id=extension.pk, approve=False, reason=" 理由不充分 "
    )

    assert (decided.state, decided.decision_reason) == (ExtensionState.REFUSED, "理由不充分")
    assert stored(hazard)["row"] == before


@pytest.mark.parametrize(("first", "second"), [(True, True), (True, False), (False, True)])
def test_an_extension_is_decided_once(first, second, district_official, street_officer):
    hazard = hazard_in(State.RECTIFYING)
    extension = request(hazard)
    services.extension_decide(
        by=district_official, extension_id=extension.pk, approve=first, reason="意见"
    )
    after_first = stored(hazard)

    with pytest.raises(Conflict):
        services.extension_decide(
            by=street_officer, extension_id=extension.pk, approve=second, reason="意见"
        )

    assert stored(hazard) == after_first
    assert DeadlineExtension.objects.get(pk=extension.pk).decided_by == district_official


@pytest.mark.parametrize("actor", ["enterprise_manager", "inspector", "leader"])
def test_only_the_government_decides_an_extension(actor):
    hazard = hazard_in(State.RECTIFYING)
    extension = request(hazard)
    before = stored(hazard)

    with pytest.raises(NotPermitted):
        services.extension_decide(by=world.actor(actor), extension_id=extension.pk, approve=True)

    assert DeadlineExtension.objects.get(pk=extension.pk).state == ExtensionState.PENDING
    assert stored(hazard) == before


@pytest.mark.parametrize("actor", ["neighbour_official", "housing_official", "expert"])
def test_an_out_of_scope_official_does_not_find_the_extension_s_hazard(actor):
    hazard = hazard_in(State.RECTIFYING)
    extension = request(hazard)

    with pytest.raises(Hazard.DoesNotExist):
        services.extension_decide(by=world.actor(actor), extension_id=extension.pk, approve=True)

    assert DeadlineExtension.objects.get(pk=extension.pk).state == ExtensionState.PENDING


def test_an_extension_of_a_hazard_closed_meanwhile_cannot_be_approved(district_official):
    hazard = hazard_in(State.RECTIFYING)
    extension = request(hazard)
    run("submit", by=district_official, hazard=hazard)
    run("accept", by=district_official, hazard=hazard)
    after_close = stored(hazard)

    with pytest.raises(Conflict):
        services.extension_decide(by=district_official, extension_id=extension.pk, approve=True)

    assert stored(hazard) == after_close
    assert DeadlineExtension.objects.get(pk=extension.pk).state == ExtensionState.PENDING


def test_an_approval_makes_a_form_opened_before_it_stale(district_official, street_officer):
    hazard = hazard_in(State.REGISTERED)
    extension = request(hazard)
    services.extension_decide(by=district_official, extension_id=extension.pk, approve=True)

    with pytest.raises(Conflict):
        run("start", by=street_officer, hazard=hazard, expected_version=hazard.version)


def test_nobody_approves_their_own_extension_request(district_official):
    from datetime import timedelta

    from anjian.core.exceptions import NotPermitted
    from anjian.hazards import services
    from anjian.hazards.choices import State
    from anjian.hazards.tests.factories import hazard_in

    hazard = hazard_in(State.RECTIFYING)
    # Those who decide extensions do not ask for one (``lifecycle.on_rectifying_side``) …
    with pytest.raises(NotPermitted):
        services.extension_request(
            by=district_official,
            hazard_id=hazard.pk,
            requested_deadline=hazard.deadline + timedelta(days=5),
            reason="等待备件",
        )
    assert not DeadlineExtension.objects.exists()
    # … and a request of theirs that exists all the same is decided by someone else.
    extension = DeadlineExtension.objects.create(
        hazard=hazard,
        current_deadline=hazard.deadline,
        requested_deadline=hazard.deadline + timedelta(days=5),
        reason="等待备件",
        requested_by=district_official,
    )
    with pytest.raises(NotPermitted):
        services.extension_decide(by=district_official, extension_id=extension.pk, approve=True)
    extension.refresh_from_db()
    assert extension.state == "pending"
