"""The hazard lifecycle as a table (STYLE habit 9): every state × every transition is
either allowed (the service lands in the target state) or refused (Conflict, nothing
changed); then the side effects of each transition, per source state."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anjian.core.exceptions import Conflict, ValidationError
from anjian.core.models import Notification
from anjian.hazards.choices import OPEN_STATES, Grade, PhotoStage, RevisitState, State
from anjian.hazards.lifecycle import HAZARD
from anjian.hazards.models import Hazard, HazardTransition, Revisit
from anjian.hazards.tests.factories import hazard_in, photo
from anjian.hazards.tests.support import files_in, messages, run, stored, tally_rows

PAIRS = [(state, t.name) for state in State.values for t in HAZARD.transitions]


@pytest.fixture(autouse=True)
def media(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _pair_id(pair) -> str:
    return f"{pair[1]}-from-{pair[0]}"


# --- the table -------------------------------------------------------------------------------


def test_the_table_only_names_real_states():
    for transition in HAZARD.transitions:
        assert transition.target in State.values
        assert transition.sources <= set(State.values)


def test_closed_and_void_hazards_have_no_way_out():
    assert HAZARD.allowed_from(State.CLOSED) == []
    assert HAZARD.allowed_from(State.VOID) == []


def test_every_open_state_can_be_voided():
    for state in OPEN_STATES:
        assert "void" in [t.name for t in HAZARD.allowed_from(state)]


@pytest.mark.parametrize(("state", "name"), PAIRS, ids=[_pair_id(p) for p in PAIRS])
def test_each_transition_from_each_state_is_allowed_or_refused(state, name, street_officer):
    hazard = hazard_in(state)
    transition = HAZARD.transition(name)
    before = stored(hazard)
    tally_before = tally_rows()

    if state in transition.sources:
        result = run(name, by=street_officer, hazard=hazard, expected_version=hazard.version)

        after = Hazard.objects.get(pk=hazard.pk)
        assert result.state == after.state == transition.target
        assert after.version == hazard.version + 1
        assert after.transitions.count() == before["transitions"] + 1
        last = after.transitions.order_by("at", "id").last()
        assert (last.action, last.from_state, last.to_state, last.by) == (
            name,
            state,
            transition.target,
            street_officer,
        )
    else:
        with pytest.raises(Conflict) as refused:
            run(name, by=street_officer, hazard=hazard, expected_version=hazard.version)

        assert "隐患当前为" in str(refused.value)
        assert refused.value.state == state
        assert stored(hazard) == before
        assert tally_rows() == tally_before


# --- register / start / submit ---------------------------------------------------------------


def test_registering_records_the_grade_deadline_owner_and_measures(street_officer):
    hazard = hazard_in(State.REPORTED)

    registered = run("register", by=street_officer, hazard=hazard)

    after = Hazard.objects.get(pk=registered.pk)
    assert after.grade == Grade.GENERAL
    assert after.deadline == timezone.localdate() + timedelta(days=15)
    assert (after.owner_name, after.owner_phone) == ("李四", "13800138000")
    assert after.measures == "更换门锁，整理线路并加装防护罩"
    assert after.registered_at is not None


def test_registering_a_major_hazard_records_its_five_implementations(street_officer):
    hazard = hazard_in(State.REPORTED)

    run("register", by=street_officer, hazard=hazard, grade=Grade.MAJOR)

    after = Hazard.objects.get(pk=hazard.pk)
    assert after.grade == Grade.MAJOR
    assert after.funds is not None
    assert after.contingency_plan == "启动车间触电事故现场处置方案"
    assert after.interim_measures == "设置警戒区，断电挂牌"


def test_starting_changes_only_the_state_and_version(street_officer):
    hazard = hazard_in(State.REGISTERED)
    before = stored(hazard)["row"]

    run("start", by=street_officer, hazard=hazard)

    after = stored(hazard)["row"]
    assert after.pop("state") == State.RECTIFYING
    assert after.pop("version") == before.pop("version") + 1
    before.pop("state")
    assert after == before


def test_submitting_records_the_note_the_time_and_the_after_photos(street_officer):
    hazard = hazard_in(State.RECTIFYING)

    run("submit", by=street_officer, hazard=hazard)

    after = Hazard.objects.get(pk=hazard.pk)
    assert after.rectification_note == "已更换门锁"
    assert after.submitted_at is not None
    assert after.photos.filter(stage=PhotoStage.AFTER).count() == 1


# --- accept ----------------------------------------------------------------------------------


def test_accepting_records_when_and_how_fast_the_hazard_was_closed(street_officer):
    hazard = hazard_in(State.AWAITING_ACCEPTANCE, found_at=timezone.now() - timedelta(days=3))

    run("accept", by=street_officer, hazard=hazard)

    after = Hazard.objects.get(pk=hazard.pk)
    assert abs(after.closed_at - timezone.now()) < timedelta(minutes=1)
    assert after.days_to_close == 3
    assert after.closed_on_time is True
    assert after.accepted_by == street_officer
    assert after.acceptance_note == "验收合格"
    assert not after.fixed_on_spot


def test_accepting_after_the_deadline_records_a_late_close(street_officer):
    hazard = hazard_in(State.AWAITING_ACCEPTANCE, found_at=timezone.now() - timedelta(days=20))
    # Time has passed: the deadline set at 上账 now lies behind us.
    Hazard.objects.filter(pk=hazard.pk).update(deadline=timezone.localdate() - timedelta(days=2))

    run("accept", by=street_officer, hazard=hazard)

    after = Hazard.objects.get(pk=hazard.pk)
    assert after.closed_on_time is False
    assert after.days_to_close == 20


def test_accepting_a_major_hazard_schedules_exactly_one_revisit(street_officer):
    hazard = hazard_in(State.AWAITING_ACCEPTANCE, grade=Grade.MAJOR)

    run("accept", by=street_officer, hazard=hazard)
    run("accept", by=street_officer, hazard=hazard)  # a double submit

    revisit = Revisit.objects.get(hazard=hazard)
    closed_day = timezone.localtime(Hazard.objects.get(pk=hazard.pk).closed_at).date()
    assert revisit.due_on == closed_day + timedelta(days=settings.HAZARD_REVISIT_DAYS)
    assert revisit.state == RevisitState.SCHEDULED
    assert (revisit.due_on - closed_day).days <= 365


def test_accepting_a_general_hazard_schedules_no_revisit(street_officer):
    hazard = hazard_in(State.AWAITING_ACCEPTANCE)

    run("accept", by=street_officer, hazard=hazard)

    assert not Revisit.objects.filter(hazard=hazard).exists()


def test_accepting_keeps_the_acceptance_photos(street_officer):
    hazard = hazard_in(State.AWAITING_ACCEPTANCE)

    run("accept", by=street_officer, hazard=hazard, photos=[photo("验收.jpg")])

    acceptance = Hazard.objects.get(pk=hazard.pk).photos.filter(stage=PhotoStage.ACCEPTANCE)
    assert [p.uploaded_by for p in acceptance] == [street_officer]


def test_accepting_with_a_file_that_is_no_photo_changes_nothing(street_officer, media):
    hazard = hazard_in(State.AWAITING_ACCEPTANCE)
    before, files = stored(hazard), files_in(media)

    with pytest.raises(ValidationError) as refused:
        run(
            "accept", by=street_officer, hazard=hazard, photos=[SimpleUploadedFile("验收.jpg", b"")]
        )

    assert messages(refused.value, "photos") == ["“验收.jpg”是空文件"]
    assert stored(hazard) == before
    assert files_in(media) == files


@pytest.mark.parametrize("note", ["", "   "])
def test_accepting_needs_an_acceptance_note(note, street_officer):
    hazard = hazard_in(State.AWAITING_ACCEPTANCE)
    before = stored(hazard)

    with pytest.raises(ValidationError) as refused:
        run("accept", by=street_officer, hazard=hazard, acceptance_note=note)

    assert messages(refused.value, "acceptance_note") == ["请填写验收意见"]
    assert stored(hazard) == before


# --- reject ----------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_rejecting_needs_a_reason(reason, street_officer):
    hazard = hazard_in(State.AWAITING_ACCEPTANCE)
    before = stored(hazard)
    tally_before = tally_rows()

    with pytest.raises(ValidationError) as refused:
        run("reject", by=street_officer, hazard=hazard, reason=reason)

    assert messages(refused.value, "reason") == ["请填写验收不通过的原因"]
    assert stored(hazard) == before
    assert tally_rows() == tally_before


def test_rejecting_returns_the_hazard_to_rectifying_and_tells_the_enterprise(
    street_officer, enterprise_manager
):
    hazard = hazard_in(State.AWAITING_ACCEPTANCE)

    run("reject", by=street_officer, hazard=hazard, reason="  门锁未更换  ")

    after = Hazard.objects.get(pk=hazard.pk)
    assert after.state == State.RECTIFYING
    assert after.closed_at is None
    entry = after.transitions.order_by("at", "id").last()
    assert (entry.action, entry.reason) == ("reject", "门锁未更换")
    assert Notification.objects.filter(
        recipient=enterprise_manager, kind="hazard_rejected"
    ).exists()


def test_a_rejected_hazard_can_be_submitted_again_with_its_earlier_after_photo(street_officer):
    hazard = hazard_in(State.AWAITING_ACCEPTANCE)
    run("reject", by=street_officer, hazard=hazard)

    again = run("submit", by=street_officer, hazard=hazard, photos=[])

    assert again.state == State.AWAITING_ACCEPTANCE


# --- close on the spot -----------------------------------------------------------------------


def test_closing_on_the_spot_records_the_close_facts_and_the_photo_pair(street_officer):
    hazard = hazard_in(State.REPORTED, found_at=timezone.now() - timedelta(days=1))

    run("close_on_spot", by=street_officer, hazard=hazard)

    after = Hazard.objects.get(pk=hazard.pk)
    assert after.state == State.CLOSED
    assert after.fixed_on_spot is True
    assert after.grade == Grade.GENERAL
    assert after.registered_at is not None
    assert abs(after.closed_at - timezone.now()) < timedelta(minutes=1)
    assert after.days_to_close == 1
    assert after.closed_on_time is True
    assert after.accepted_by == street_officer
    assert after.rectification_note == "现场关闭配电箱门并上锁"
    stages = sorted(after.photos.values_list("stage", flat=True))
    assert stages == sorted([PhotoStage.FOUND, PhotoStage.AFTER])


def test_closing_on_the_spot_schedules_no_revisit(street_officer):
    hazard = hazard_in(State.REPORTED)

    run("close_on_spot", by=street_officer, hazard=hazard)

    assert not Revisit.objects.filter(hazard=hazard).exists()


# --- void ------------------------------------------------------------------------------------

VOIDABLE = sorted(HAZARD.transition("void").sources)


@pytest.mark.parametrize("state", VOIDABLE)
@pytest.mark.parametrize("reason", ["", "  ", None])
def test_voiding_needs_a_reason(state, reason, street_officer):
    hazard = hazard_in(state)
    before = stored(hazard)
    tally_before = tally_rows()

    with pytest.raises(ValidationError) as refused:
        run("void", by=street_officer, hazard=hazard, reason=reason)

    assert messages(refused.value, "reason") == ["请填写作废原因"]
    assert stored(hazard) == before
    assert tally_rows() == tally_before


@pytest.mark.parametrize("state", VOIDABLE)
def test_voiding_keeps_the_record_with_its_reason(state, street_officer):
    hazard = hazard_in(state)

    run("void", by=street_officer, hazard=hazard, reason="  经核实不是隐患  ")

    after = Hazard.objects.get(pk=hazard.pk)
    assert after.state == State.VOID
    assert after.void_reason == "经核实不是隐患"
    assert after.merged_into is None
    entry = HazardTransition.objects.filter(hazard=hazard).order_by("at", "id").last()
    assert (entry.from_state, entry.reason) == (state, "经核实不是隐患")
