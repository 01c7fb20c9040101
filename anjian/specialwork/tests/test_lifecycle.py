"""A permit's lifecycle (``lifecycle.PERMIT``) and its gates: the approvals of table B.1
(countersignatures first; one that disagrees sends the permit back), no start without a
passing gas analysis taken within 30 minutes and every approval, not before the planned
start, nothing once the validity has passed, a re-test after a long pause; the state ×
transition table; conflicts; the expiry sweep; who is told.

The clock is fixed (factories.MONDAY, 09:00 on a working day); each service is told the
moment it runs (``now=``)."""

from datetime import timedelta

import pytest

from anjian.core.exceptions import Conflict, NotPermitted, ValidationError
from anjian.core.models import Notification
from anjian.specialwork import gates, gb30871, services, services_records, sweeps
from anjian.specialwork.choices import State
from anjian.specialwork.models import Approval, ApproverMapping
from anjian.specialwork.tests import factories as make
from anjian.specialwork.tests.factories import MINUTE, MONDAY
from testsupport import world

pytestmark = pytest.mark.django_db


def actions(permit) -> list[str]:
    return list(permit.transitions.order_by("at", "id").values_list("action", flat=True))


def refused_start(permit, *, now) -> str:
    with pytest.raises(Conflict) as raised:
        make.start(permit, now=now)
    return str(raised.value)


# --- approvals ----------------------------------------------------------------------------------


def test_a_permit_is_approved_once_every_step_of_table_b1_agrees():
    permit = make.permit()
    make.submit(permit)
    assert make.fresh(permit).state == State.PENDING
    approved = make.sign_all(permit)
    assert approved.state == State.APPROVED
    assert actions(approved) == ["apply", "submit", "sign", "approve"]


def test_countersignatures_come_before_the_approval():
    permit = make.permit("power")
    make.submit(permit)
    countersign, approve = gates.steps(make.fresh(permit))
    errors = make.refused(make.sign, permit, approve)
    assert errors["role"] == ["须先完成审核会签，再审批"]
    make.sign(permit, countersign)
    assert make.fresh(permit).state == State.PENDING
    assert make.sign(permit, approve).state == State.APPROVED


def test_a_step_the_permit_does_not_need_or_has_already_is_refused():
    permit = make.permit()
    make.submit(permit)
    errors = make.refused(make.sign, permit, gb30871.Step(gb30871.APPROVE, gb30871.LEADER))
    assert "不需要" in errors["role"][0]
    (step,) = gates.steps(make.fresh(permit))
    make.sign(permit, step)
    # approved now: a further signature is refused by the state
    with pytest.raises(Conflict):
        make.sign(permit, step)


def test_a_disagreeing_approver_sends_the_permit_back_and_its_signatures_are_withdrawn():
    permit = make.permit("power")
    make.submit(permit)
    countersign, _approve = gates.steps(make.fresh(permit))
    make.sign(permit, countersign)
    back = make.sign(permit, _approve, agreed=False)
    assert back.state == State.DRAFT
    assert not Approval.objects.filter(permit=permit, withdrawn=False).exists()
    assert Approval.objects.filter(permit=permit, withdrawn=True).count() == 2
    assert actions(back)[-1] == "send_back"
    make.submit(back)
    assert len(gates.missing_steps(make.fresh(back))) == 2


def test_a_role_mapped_to_an_account_is_signed_by_that_account_only():
    permit = make.permit()
    make.submit(permit)
    (step,) = gates.steps(make.fresh(permit))
    admin = world.actor("admin")
    services_records.approver_set(
        make.manager(),
        enterprise_id=permit.enterprise_id,
        role=step.role,
        person="车间主任 刘",
        user_id=make.manager().pk,
    )
    with pytest.raises(NotPermitted):
        make.sign(permit, step, by=admin)
    signed = make.sign(permit, step, person="")
    assert signed.state == State.APPROVED
    assert Approval.objects.get(permit=permit).person == "车间主任 刘"


def test_an_opinion_is_required():
    permit = make.permit()
    make.submit(permit)
    (step,) = gates.steps(make.fresh(permit))
    errors = make.refused(make.sign, permit, step, opinion=" ")
    assert errors["opinion"] == ["请填写意见"]


# --- starting: the gates ------------------------------------------------------------------------


def test_no_analysis_means_no_start():
    permit = make.approved()
    reason = refused_start(permit, now=MONDAY)
    assert "30分钟内没有气体分析" in reason


def test_a_stale_analysis_means_no_start():
    permit = make.approved()
    make.analyse(permit, taken_at=MONDAY)
    reason = refused_start(permit, now=MONDAY + timedelta(minutes=30, seconds=1))
    assert "已超过30分钟" in reason


def test_an_analysis_taken_30_minutes_before_is_still_fresh():
    permit = make.approved()
    make.analyse(permit, taken_at=MONDAY)
    started = make.start(permit, now=MONDAY + timedelta(minutes=30))
    assert started.state == State.WORKING
    assert started.started_at == MONDAY + timedelta(minutes=30)


def test_a_failing_analysis_means_no_start_until_the_point_passes_again():
    permit = make.approved()
    make.analyse(permit, taken_at=MONDAY, oxygen_percent="19.0")
    assert "不合格" in refused_start(permit, now=MONDAY + MINUTE)
    make.analyse(permit, taken_at=MONDAY + 5 * MINUTE)
    assert make.start(permit, now=MONDAY + 6 * MINUTE).state == State.WORKING


def test_a_missing_approval_means_no_start():
    permit = make.approved()
    make.analyse(permit, taken_at=MONDAY)
    Approval.objects.filter(permit=permit).update(withdrawn=True)  # as if never signed
    reason = refused_start(permit, now=MONDAY + MINUTE)
    assert "尚缺审批：所在基层单位审批" in reason


def test_a_pending_permit_cannot_start():
    permit = make.permit()
    make.submit(permit)
    make.analyse(permit, taken_at=MONDAY)
    assert "待审批" in refused_start(permit, now=MONDAY + MINUTE)


def test_work_does_not_start_before_the_planned_start():
    permit = make.approved(start=MONDAY + timedelta(hours=1))
    make.analyse(permit, taken_at=MONDAY + 50 * MINUTE, now=MONDAY + 50 * MINUTE)
    assert "未到计划开始时间" in refused_start(permit, now=MONDAY + 55 * MINUTE)


def test_work_at_height_needs_no_analysis():
    permit = make.approved("height")
    assert make.start(permit, now=MONDAY + MINUTE).state == State.WORKING


def test_the_page_checklist_says_what_is_missing():
    permit = make.approved()
    checklist = {gate.label: gate.reason for gate in gates.start_gates(permit)}
    assert checklist["审批齐全（附录B 表B.1）"] is None
    assert "30分钟内没有气体分析" in checklist["开始前30分钟内气体分析合格"]


# --- validity -----------------------------------------------------------------------------------


def test_an_expired_permit_cannot_start():
    permit = make.approved(hours=1)
    make.analyse(permit, taken_at=MONDAY + 61 * MINUTE, now=MONDAY + 61 * MINUTE)
    assert "到期" in refused_start(permit, now=MONDAY + 61 * MINUTE)


def test_past_its_validity_the_work_cannot_be_recorded_or_resumed():
    permit = make.working(hours=2)
    later = MONDAY + timedelta(hours=2, minutes=1)
    with pytest.raises(Conflict) as raised:
        services.progress_record(make.manager(), permit_id=permit.pk, note="继续", now=later)
    assert "不能继续作业" in str(raised.value)
    paused = services.permit_pause(
        make.manager(),
        permit_id=permit.pk,
        expected_version=make.fresh(permit).version,
        reason="休息",
        now=MONDAY + timedelta(hours=1),
    )
    make.analyse(paused, taken_at=later, now=later)
    with pytest.raises(Conflict):
        services.permit_resume(
            make.manager(), permit_id=permit.pk, expected_version=paused.version, now=later
        )


def test_within_its_validity_the_work_is_recorded():
    permit = make.working(hours=2)
    services.progress_record(
        make.manager(), permit_id=permit.pk, note="罐内检测合格", now=MONDAY + timedelta(hours=1)
    )
    assert actions(permit)[-1] == "progress"


def test_the_sweep_expires_live_permits_past_their_validity_once(
    django_capture_on_commit_callbacks,
):
    working = make.working(hours=2)
    pending = make.permit(hours=3)
    make.submit(pending)
    draft = make.permit(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweeps.expire_permits(now=MONDAY + timedelta(hours=2)) == 1
        assert sweeps.expire_permits(now=MONDAY + timedelta(hours=2)) == 0
        assert sweeps.expire_permits(now=MONDAY + timedelta(hours=3)) == 1
    assert make.fresh(working).state == State.EXPIRED
    assert make.fresh(pending).state == State.EXPIRED
    assert make.fresh(draft).state == State.DRAFT  # a draft is not live
    told = Notification.objects.filter(title__startswith="作业票已过期")
    assert told.count() == 2 and {n.recipient.username for n in told} == {"enterprise_manager"}


def test_an_expired_permit_is_the_end():
    permit = make.working(hours=1)
    sweeps.expire_permits(now=MONDAY + timedelta(hours=1))
    permit = make.fresh(permit)
    with pytest.raises(Conflict):
        services.permit_close(
            make.manager(), permit_id=permit.pk, expected_version=permit.version, now=MONDAY
        )


# --- pauses -------------------------------------------------------------------------------------


def pause(permit, *, now):
    permit = make.fresh(permit)
    return services.permit_pause(
        make.manager(), permit_id=permit.pk, expected_version=permit.version, reason="换班", now=now
    )


def resume(permit, *, now):
    permit = make.fresh(permit)
    return services.permit_resume(
        make.manager(), permit_id=permit.pk, expected_version=permit.version, now=now
    )


@pytest.mark.parametrize(
    ("kind", "changes", "limit"),
    [
        ("hot", {"hot_place": "other"}, 60),
        ("hot", {"hot_place": "hazard_area"}, 30),
        ("hot", {"hot_place": "running_plant"}, 30),
        ("confined", {}, 60),
    ],
)
def test_a_pause_up_to_the_limit_resumes_without_a_new_analysis(kind, changes, limit):
    permit = make.working(kind, **changes)
    pause(permit, now=MONDAY + 10 * MINUTE)
    resumed = resume(permit, now=MONDAY + (10 + limit) * MINUTE)
    assert resumed.state == State.WORKING and resumed.paused_at is None


@pytest.mark.parametrize(
    ("kind", "changes", "limit"),
    [
        ("hot", {"hot_place": "other"}, 60),
        ("hot", {"hot_place": "pipe_rack"}, 30),
        ("confined", {}, 60),
    ],
)
def test_a_longer_pause_needs_a_passing_analysis_taken_after_it(kind, changes, limit):
    permit = make.working(kind, **changes)
    paused_at = MONDAY + 10 * MINUTE
    pause(permit, now=paused_at)
    make.analyse(permit, taken_at=paused_at - MINUTE, now=paused_at)  # before the pause
    back = paused_at + (limit + 1) * MINUTE
    with pytest.raises(Conflict) as raised:
        resume(permit, now=back)
    assert f"中断超过{limit}分钟" in str(raised.value)
    make.analyse(permit, taken_at=back - MINUTE, now=back)
    assert resume(permit, now=back).state == State.WORKING
    assert make.fresh(permit).transitions.order_by("-id")[0].data == {"paused_minutes": limit + 1}


def test_work_at_height_resumes_after_any_pause():
    permit = make.working("height")
    pause(permit, now=MONDAY + MINUTE)
    assert resume(permit, now=MONDAY + 3 * 60 * MINUTE).state == State.WORKING


# --- the table ----------------------------------------------------------------------------------

ALLOWED = {
    State.DRAFT: {"submit", "cancel"},
    State.PENDING: {"cancel"},
    State.APPROVED: {"start", "cancel"},
    State.WORKING: {"pause", "close", "cancel"},
    State.PAUSED: {"resume", "close", "cancel"},
    State.CLOSED: set(),
    State.CANCELLED: set(),
    State.EXPIRED: set(),
}
# The transition that led into the state: sent again by the same person it is a replay
# (the permit as it is, nothing recorded), not a conflict (``core.workflow``).
REACHED_BY = {
    State.PENDING: "submit",
    State.WORKING: "start",
    State.PAUSED: "pause",
    State.CLOSED: "close",
    State.CANCELLED: "cancel",
}
AT = MONDAY + 2 * MINUTE


def in_state(state: str):
    if state == State.DRAFT:
        return make.permit()
    if state == State.PENDING:
        return make.submit(make.permit())
    if state == State.APPROVED:
        permit = make.approved()
        make.analyse(permit, taken_at=AT)
        return make.fresh(permit)
    permit = make.working()
    if state == State.PAUSED:
        return pause(permit, now=AT)
    if state == State.CLOSED:
        return services.permit_close(
            make.manager(), permit_id=permit.pk, expected_version=permit.version, now=AT
        )
    if state == State.CANCELLED:
        return services.permit_cancel(
            make.manager(),
            permit_id=permit.pk,
            expected_version=permit.version,
            reason="停",
            now=AT,
        )
    if state == State.EXPIRED:
        sweeps.expire_permits(now=permit.valid_until)
    return make.fresh(permit)


def attempt(permit, name: str):
    permit = make.fresh(permit)
    common = {"permit_id": permit.pk, "expected_version": permit.version, "now": AT}
    extra = {"reason": "原因"} if name in ("pause", "cancel") else {}
    return getattr(services, f"permit_{name}")(make.manager(), **common, **extra)


@pytest.mark.parametrize("state", list(ALLOWED))
def test_each_state_allows_exactly_its_transitions(state):
    for name in ("submit", "start", "pause", "resume", "close", "cancel"):
        permit = in_state(state)
        if name in ALLOWED[state]:
            moved = attempt(permit, name)
            assert moved.state != state, (state, name)
        elif name == REACHED_BY.get(state):
            before = actions(permit)
            assert attempt(permit, name).state == state
            assert actions(permit) == before
        else:
            with pytest.raises(Conflict):
                attempt(permit, name)
            assert make.fresh(permit).state == state, (state, name)


def test_the_same_transition_sent_twice_by_the_same_person_is_done_once():
    permit = make.approved()
    make.analyse(permit, taken_at=MONDAY)
    first = make.start(permit, now=MONDAY + MINUTE)
    again = services.permit_start(
        make.manager(), permit_id=permit.pk, expected_version=first.version - 1, now=MONDAY + MINUTE
    )
    assert again.state == State.WORKING
    assert actions(permit).count("start") == 1


def test_a_stale_version_is_a_conflict():
    permit = make.permit()
    with pytest.raises(Conflict):
        services.permit_submit(
            make.manager(), permit_id=permit.pk, expected_version=permit.version + 1, now=MONDAY
        )


def test_pausing_and_cancelling_need_a_reason():
    permit = make.working()
    for call in (services.permit_pause, services.permit_cancel):
        with pytest.raises(ValidationError):
            call(make.manager(), permit_id=permit.pk, expected_version=permit.version, reason="")


def test_officials_may_not_move_a_permit():
    permit = make.permit()
    with pytest.raises(NotPermitted):
        services.permit_submit(
            world.actor("district_official"),
            permit_id=permit.pk,
            expected_version=permit.version,
            now=MONDAY,
        )


def test_submitting_tells_the_mapped_approver_after_the_commit(django_capture_on_commit_callbacks):
    permit = make.permit()
    signer = world.actor("admin")
    services_records.approver_set(
        make.manager(), enterprise_id=permit.enterprise_id, role="base_unit", person="主任"
    )
    ApproverMapping.objects.filter(role="base_unit").update(user=signer)
    with django_capture_on_commit_callbacks(execute=True):
        make.submit(permit)
    assert Notification.objects.filter(recipient=signer, title__startswith="待审批").count() == 1
