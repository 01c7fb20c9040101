"""The lifecycle services beyond the table: who may run each transition, scope, concurrent
and double-submitted transitions, detail edits, and bad input refused with nothing lost."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.utils import timezone

from anjian.core.exceptions import Conflict, NotPermitted, ValidationError
from anjian.hazards import services, tally
from anjian.hazards.choices import GOVERNMENT_SOURCES, OPEN_STATES, Grade, Source, State
from anjian.hazards.lifecycle import HAZARD
from anjian.hazards.models import Hazard, HazardTransition
from anjian.hazards.services import common
from anjian.hazards.services import transitions as transition_services
from anjian.hazards.tests.factories import hazard_in, photo, register_data, report
from anjian.hazards.tests.support import (
    files_in,
    ledger,
    major_clause,
    messages,
    run,
    stored,
    tally_rows,
)
from testsupport import world

# One state each transition may start from (for role and scope checks).
TRANSITIONS = [t.name for t in HAZARD.transitions]
START_STATE = {t.name: sorted(t.sources)[0] for t in HAZARD.transitions}
OUTSIDERS = [name for name in world.ACTORS if "yinhang_chemical" not in world.VISIBLE[name]]


@pytest.fixture(autouse=True)
def media(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def government_found(state, source, **kwargs):
    """A hazard of the chemical company found by the government side (with its photo)."""
    return hazard_in(state, source=source, photos=[photo()], **kwargs)


def assert_refused(media, hazard, error_type, name, *, by, **overrides):
    """Run ``name`` expecting ``error_type``; nothing about the ledger may change."""
    before, everything = stored(hazard), ledger(media)
    with pytest.raises(error_type) as caught:
        run(name, by=by, hazard=hazard, **overrides)
    assert stored(hazard) == before
    assert ledger(media) == everything
    return caught.value


# --- the enterprise's own side ---------------------------------------------------------------


def test_an_enterprise_user_walks_its_own_self_check_general_hazard_to_closed(
    enterprise_manager,
):
    hazard = report(by=enterprise_manager, source=Source.SELF_CHECK)

    for name in ("register", "start", "submit", "accept"):
        hazard = run(name, by=enterprise_manager, hazard=hazard, expected_version=hazard.version)

    closed = Hazard.objects.get(pk=hazard.pk)
    assert closed.state == State.CLOSED
    assert closed.accepted_by == enterprise_manager
    assert set(closed.transitions.values_list("by__username", flat=True)) == {"enterprise_manager"}


def test_an_enterprise_user_closes_its_own_self_check_hazard_on_the_spot(enterprise_manager):
    hazard = report(by=enterprise_manager, source=Source.SELF_CHECK)

    closed = run("close_on_spot", by=enterprise_manager, hazard=hazard)

    assert closed.state == State.CLOSED


def test_an_enterprise_user_rejects_its_own_self_check_general_hazard(enterprise_manager):
    hazard = hazard_in(State.AWAITING_ACCEPTANCE, by=enterprise_manager)

    assert run("reject", by=enterprise_manager, hazard=hazard).state == State.RECTIFYING


@pytest.mark.parametrize("name", ["accept", "reject"])
def test_an_enterprise_user_cannot_accept_a_major_hazard(name, enterprise_manager, media):
    hazard = hazard_in(State.AWAITING_ACCEPTANCE, grade=Grade.MAJOR)

    assert_refused(media, hazard, NotPermitted, name, by=enterprise_manager)


@pytest.mark.parametrize("source", GOVERNMENT_SOURCES)
@pytest.mark.parametrize("name", ["accept", "reject"])
def test_an_enterprise_user_cannot_accept_a_hazard_the_government_found(
    name, source, enterprise_manager, media
):
    hazard = government_found(State.AWAITING_ACCEPTANCE, source)

    assert_refused(media, hazard, NotPermitted, name, by=enterprise_manager)


@pytest.mark.parametrize("source", GOVERNMENT_SOURCES)
def test_an_enterprise_user_rectifies_a_hazard_the_government_found(source, enterprise_manager):
    hazard = government_found(State.REPORTED, source)

    for name in ("register", "start", "submit"):
        hazard = run(name, by=enterprise_manager, hazard=hazard)

    assert hazard.state == State.AWAITING_ACCEPTANCE


@pytest.mark.parametrize("source", GOVERNMENT_SOURCES)
def test_an_enterprise_user_cannot_close_on_the_spot_a_hazard_the_government_found(
    source, enterprise_manager, media
):
    # 即查即改 is a report and an acceptance in one step; what the government found, the
    # government accepts (lifecycle.acceptance_needs_government).
    hazard = government_found(State.REPORTED, source)

    assert_refused(media, hazard, NotPermitted, "close_on_spot", by=enterprise_manager)


@pytest.mark.parametrize("state", OPEN_STATES)
def test_an_enterprise_user_cannot_void(state, enterprise_manager, media):
    hazard = hazard_in(state, by=enterprise_manager)

    assert_refused(media, hazard, NotPermitted, "void", by=enterprise_manager)


def test_an_enterprise_user_accepting_an_open_major_hazard_is_told_why(enterprise_manager):
    hazard = hazard_in(State.AWAITING_ACCEPTANCE, grade=Grade.MAJOR)

    with pytest.raises(NotPermitted) as refused:
        run("accept", by=enterprise_manager, hazard=hazard)

    assert "验收销号" in str(refused.value)


# --- roles that may not ----------------------------------------------------------------------


@pytest.mark.parametrize("name", TRANSITIONS)
def test_the_leader_cannot_run_any_transition(name, leader, media):
    hazard = hazard_in(START_STATE[name])

    assert_refused(media, hazard, NotPermitted, name, by=leader)


@pytest.mark.parametrize("name", TRANSITIONS)
def test_the_expert_cannot_run_any_transition(name, expert, media):
    hazard = hazard_in(START_STATE[name])

    assert_refused(media, hazard, Hazard.DoesNotExist, name, by=expert)


@pytest.mark.parametrize("name", [n for n in TRANSITIONS if n != "close_on_spot"])
def test_the_inspector_may_not_run_the_owner_or_supervisor_transitions(name, inspector, media):
    hazard = hazard_in(START_STATE[name])

    assert_refused(media, hazard, NotPermitted, name, by=inspector)


def test_the_inspector_closes_what_it_found_on_the_spot(inspector):
    # The table grants 即查即改 to whoever may report (HAZARD.transition("close_on_spot")).
    hazard = report(by=inspector, source=Source.INSPECTION)

    assert run("close_on_spot", by=inspector, hazard=hazard).state == State.CLOSED


def test_the_leader_cannot_edit_details(leader):
    hazard = hazard_in(State.REGISTERED)
    before = stored(hazard)

    with pytest.raises(NotPermitted):
        services.hazard_update_details(
            by=leader,
            hazard_id=hazard.pk,
            expected_version=hazard.version,
            data={"title": "改"},
        )

    assert stored(hazard) == before


# --- scope -----------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", OUTSIDERS)
@pytest.mark.parametrize("name", TRANSITIONS)
def test_an_out_of_scope_actor_does_not_find_the_hazard(actor, name, media):
    hazard = hazard_in(START_STATE[name])

    assert_refused(media, hazard, Hazard.DoesNotExist, name, by=world.actor(actor))


@pytest.mark.parametrize("actor", OUTSIDERS)
def test_an_out_of_scope_actor_cannot_edit_details(actor, media):
    hazard = hazard_in(State.REPORTED)
    before = stored(hazard)

    with pytest.raises(Hazard.DoesNotExist):
        services.hazard_update_details(
            by=world.actor(actor),
            hazard_id=hazard.pk,
            expected_version=hazard.version,
            data={"title": "改"},
        )

    assert stored(hazard) == before


def test_a_hazard_of_another_district_is_not_found_by_the_district_official(
    district_official, neighbour_official, media
):
    hazard = report(by=neighbour_official, enterprise=world.enterprise("hongkou_shop"))

    assert_refused(media, hazard, Hazard.DoesNotExist, "register", by=district_official)


# --- concurrency -----------------------------------------------------------------------------


def test_of_two_transitions_from_the_same_version_the_first_wins(
    street_officer, district_official, media
):
    hazard = hazard_in(State.AWAITING_ACCEPTANCE)
    version = hazard.version

    run("accept", by=street_officer, hazard=hazard, expected_version=version)
    accepted = Hazard.objects.get(pk=hazard.pk)
    with pytest.raises(Conflict):
        run("reject", by=district_official, hazard=hazard, expected_version=version)

    assert stored(hazard) == stored(accepted)
    assert Hazard.objects.get(pk=hazard.pk).state == State.CLOSED
    assert HazardTransition.objects.filter(hazard=hazard, action="reject").count() == 0


def test_the_same_transition_by_two_people_from_the_same_version_is_a_conflict_for_the_second(
    street_officer, district_official
):
    hazard = hazard_in(State.REGISTERED)
    version = hazard.version

    run("start", by=street_officer, hazard=hazard, expected_version=version)
    with pytest.raises(Conflict):
        run("start", by=district_official, hazard=hazard, expected_version=version)

    starts = HazardTransition.objects.filter(hazard=hazard, action="start")
    assert list(starts.values_list("by__username", flat=True)) == ["street_officer"]


def test_a_stale_version_is_a_conflict_even_when_the_state_still_allows_it(
    street_officer, district_official, media
):
    hazard = hazard_in(State.REGISTERED)
    stale = hazard.version
    services.hazard_update_details(
        by=district_official, hazard_id=hazard.pk, expected_version=stale, data={"title": "新"}
    )

    error = assert_refused(
        media, hazard, Conflict, "start", by=street_officer, expected_version=stale
    )
    assert "已被他人修改" in str(error)


def test_when_both_read_the_same_version_the_compare_and_set_lets_only_one_through(
    street_officer, district_official
):
    hazard = hazard_in(State.AWAITING_ACCEPTANCE)
    # Both read version N: the street officer's step is loaded and checked …
    step = common._begin(street_officer, hazard.pk, "accept", hazard.version)
    # … then the district official rejects and commits first …
    run("reject", by=district_official, hazard=hazard, expected_version=hazard.version)
    after_winner = stored(hazard)
    tally_after_winner = tally_rows()

    # … so the street officer's conditional update finds no row.
    with pytest.raises(Conflict):
        common._commit(step, by=street_officer)

    assert stored(hazard) == after_winner
    assert tally_rows() == tally_after_winner
    assert Hazard.objects.get(pk=hazard.pk).state == State.RECTIFYING


def test_a_conflict_after_photos_were_checked_leaves_no_photo_file_behind(
    street_officer, media, monkeypatch
):
    hazard = hazard_in(State.RECTIFYING)
    files_before = files_in(media)
    real_commit = transition_services._commit

    def someone_else_was_first(step, **kwargs):
        Hazard.objects.filter(pk=step.obj.pk).update(version=F("version") + 1)
        return real_commit(step, **kwargs)

    monkeypatch.setattr(transition_services, "_commit", someone_else_was_first)

    with pytest.raises(Conflict):
        run("submit", by=street_officer, hazard=hazard)

    assert files_in(media) == files_before


def test_editing_details_while_someone_else_moves_the_hazard_on_is_a_conflict(
    street_officer, district_official, monkeypatch
):
    hazard = hazard_in(State.REGISTERED)
    real_contribution = tally.contribution
    raced = []

    def meanwhile_the_street_officer_starts(h):
        # hazard_update_details has read and version-checked the row; another writer
        # now commits a transition before the edit is saved.
        if not raced:
            raced.append(True)
            run("start", by=street_officer, hazard=hazard, expected_version=hazard.version)
        return real_contribution(h)

    monkeypatch.setattr(tally, "contribution", meanwhile_the_street_officer_starts)

    with pytest.raises(Conflict):
        services.hazard_update_details(
            by=district_official,
            hazard_id=hazard.pk,
            expected_version=hazard.version,
            data={"title": "配电箱门未上锁"},
        )


# --- double submits --------------------------------------------------------------------------


@pytest.mark.parametrize("name", TRANSITIONS)
def test_a_double_submitted_transition_returns_the_hazard_unchanged(name, district_official, media):
    hazard = hazard_in(START_STATE[name])
    version = hazard.version
    first = run(name, by=district_official, hazard=hazard, expected_version=version)
    after_first, everything = stored(hazard), ledger(media)

    second = run(name, by=district_official, hazard=hazard, expected_version=version)

    assert second.pk == first.pk
    assert (second.state, second.version) == (first.state, first.version)
    assert stored(hazard) == after_first
    assert ledger(media) == everything
    assert HazardTransition.objects.filter(hazard=hazard, action=name).count() == 1


# --- detail edits ----------------------------------------------------------------------------


def test_editing_details_records_an_edit_and_bumps_the_version(district_official):
    hazard = hazard_in(State.RECTIFYING)

    edited = services.hazard_update_details(
        by=district_official,
        hazard_id=hazard.pk,
        expected_version=hazard.version,
        data={"title": "  配电箱门未上锁 ", "location": "三号车间"},
    )

    stored_hazard = Hazard.objects.get(pk=hazard.pk)
    assert (stored_hazard.title, stored_hazard.location) == ("配电箱门未上锁", "三号车间")
    assert stored_hazard.version == hazard.version + 1 == edited.version
    assert stored_hazard.state == State.RECTIFYING
    assert "三号车间" in stored_hazard.search_document
    assert stored_hazard.transitions.order_by("at", "id").last().action == "edit"


def test_adding_a_clause_to_a_reported_hazard_makes_it_major_in_the_tally(district_official):
    hazard = hazard_in(State.REPORTED)
    key = (hazard.scope_region_code, hazard.industry_id, hazard.found_month)
    before = tally_rows()[key]

    services.hazard_update_details(
        by=district_official,
        hazard_id=hazard.pk,
        expected_version=hazard.version,
        data={},
        clauses=[major_clause().pk],
    )

    assert Hazard.objects.get(pk=hazard.pk).grade == Grade.MAJOR
    assert tally_rows()[key]["major"] == before["major"] + 1


def test_a_registered_major_hazard_keeps_its_clauses(district_official, media):
    clause = major_clause()
    hazard = hazard_in(State.REGISTERED, grade=Grade.MAJOR, clauses=[clause.pk])
    before = stored(hazard)

    with pytest.raises(ValidationError) as refused:
        services.hazard_update_details(
            by=district_official,
            hazard_id=hazard.pk,
            expected_version=hazard.version,
            data={},
            clauses=[],
        )

    assert messages(refused.value, "clauses") == ["已上账的重大隐患不能取消判定条款"]
    assert stored(hazard) == before


@pytest.mark.parametrize("state", [State.CLOSED, State.VOID])
def test_a_closed_or_void_hazard_cannot_be_edited(state, district_official):
    hazard = hazard_in(state)
    before = stored(hazard)

    with pytest.raises(Conflict):
        services.hazard_update_details(
            by=district_official,
            hazard_id=hazard.pk,
            expected_version=hazard.version,
            data={"title": "改"},
        )

    assert stored(hazard) == before


def test_only_the_recorded_facts_can_be_edited(district_official):
    hazard = hazard_in(State.REGISTERED)
    before = stored(hazard)

    with pytest.raises(ValidationError) as refused:
        services.hazard_update_details(
            by=district_official,
            hazard_id=hazard.pk,
            expected_version=hazard.version,
            data={"state": State.CLOSED, "deadline": timezone.localdate()},
        )

    assert "deadline" in str(refused.value.messages)
    assert stored(hazard) == before


# --- bad input at 上账 -----------------------------------------------------------------------


def test_a_deadline_in_the_past_is_refused(district_official, media):
    hazard = hazard_in(State.REPORTED)

    error = assert_refused(
        media,
        hazard,
        ValidationError,
        "register",
        by=district_official,
        deadline=timezone.localdate() - timedelta(days=1),
    )

    assert messages(error, "deadline") == ["整改期限不能早于今天"]


def test_a_deadline_of_today_is_accepted(district_official):
    hazard = hazard_in(State.REPORTED)

    registered = run("register", by=district_official, hazard=hazard, deadline=timezone.localdate())

    assert registered.state == State.REGISTERED


@pytest.mark.parametrize(
    ("missing", "field", "message"),
    [
        ("deadline", "deadline", "请填写整改期限"),
        ("owner_name", "owner_name", "请填写整改责任人"),
        ("measures", "measures", "请填写整改措施"),
    ],
)
def test_registering_needs_deadline_owner_and_measures(
    missing, field, message, district_official, media
):
    hazard = hazard_in(State.REPORTED)
    blank = None if missing == "deadline" else "  "

    error = assert_refused(
        media, hazard, ValidationError, "register", by=district_official, **{missing: blank}
    )

    assert messages(error, field) == [message]


def test_a_major_hazard_without_its_five_implementations_is_refused(district_official, media):
    hazard = hazard_in(State.REPORTED)

    error = assert_refused(
        media,
        hazard,
        ValidationError,
        "register",
        by=district_official,
        grade=Grade.MAJOR,
        funds=None,
        contingency_plan="",
        interim_measures=" ",
    )

    assert messages(error, "funds") == ["重大隐患须落实整改资金"]
    assert messages(error, "contingency_plan") == ["重大隐患须落实应急预案"]
    assert messages(error, "interim_measures") == ["重大隐患须落实整改期间的临时安全措施"]


def test_negative_funds_are_refused(district_official, media):
    hazard = hazard_in(State.REPORTED)

    error = assert_refused(
        media,
        hazard,
        ValidationError,
        "register",
        by=district_official,
        grade=Grade.MAJOR,
        funds=Decimal("-1"),
    )

    assert messages(error, "funds") == ["整改资金不能为负数"]


def test_grading_general_a_hazard_reported_with_a_major_clause_is_refused(district_official, media):
    hazard = report(clauses=[major_clause().pk])

    error = assert_refused(
        media, hazard, ValidationError, "register", by=district_official, grade=Grade.GENERAL
    )

    assert messages(error, "grade") == ["已符合重大事故隐患判定条款，不能定为一般隐患"]


def test_grading_general_while_picking_a_major_clause_is_refused(district_official, media):
    hazard = hazard_in(State.REPORTED)

    error = assert_refused(
        media,
        hazard,
        ValidationError,
        "register",
        by=district_official,
        grade=Grade.GENERAL,
        clauses=[major_clause().pk],
    )

    assert messages(error, "grade") == ["已符合重大事故隐患判定条款，不能定为一般隐患"]


@pytest.mark.parametrize("grade", ["", "serious"])
def test_registering_needs_a_known_grade(grade, district_official, media):
    hazard = hazard_in(State.REPORTED)

    error = assert_refused(
        media, hazard, ValidationError, "register", by=district_official, grade=grade
    )

    assert messages(error, "grade") == ["请选择隐患等级"]


def test_registering_major_with_its_clause_records_the_clause(district_official):
    clause = major_clause()
    hazard = hazard_in(State.REPORTED)

    data = register_data(Grade.MAJOR, clauses=[clause.pk])
    services.hazard_register(
        by=district_official, hazard_id=hazard.pk, expected_version=hazard.version, **data
    )

    assert list(Hazard.objects.get(pk=hazard.pk).clauses.all()) == [clause]


# --- bad input at 提请验收 and 即查即改 ---------------------------------------------------------


def test_submitting_without_an_after_photo_is_refused(district_official, media):
    hazard = hazard_in(State.RECTIFYING)

    error = assert_refused(
        media, hazard, ValidationError, "submit", by=district_official, photos=[]
    )

    assert messages(error, "photos") == ["请上传整改后的照片"]


def test_submitting_without_a_note_is_refused(district_official, media):
    hazard = hazard_in(State.RECTIFYING)

    error = assert_refused(
        media, hazard, ValidationError, "submit", by=district_official, rectification_note=" "
    )

    assert messages(error, "rectification_note") == ["请填写整改情况"]


def test_submitting_with_a_file_that_is_no_photo_is_refused(district_official, media):
    hazard = hazard_in(State.RECTIFYING)
    fake = SimpleUploadedFile("整改后.jpg", b"%PDF-1.4 not a photo")

    error = assert_refused(
        media, hazard, ValidationError, "submit", by=district_official, photos=[photo(), fake]
    )

    assert messages(error, "photos") == ["“整改后.jpg”不是可识别的图片，请上传 JPG 或 PNG 照片"]


def test_closing_on_the_spot_without_an_after_photo_is_refused(district_official, media):
    hazard = hazard_in(State.REPORTED)

    error = assert_refused(
        media, hazard, ValidationError, "close_on_spot", by=district_official, after_photos=[]
    )

    assert messages(error, "after_photos") == ["即查即改须有整改后照片"]


def test_closing_on_the_spot_without_any_before_photo_is_refused(district_official, media):
    hazard = hazard_in(State.REPORTED, photos=[])

    error = assert_refused(media, hazard, ValidationError, "close_on_spot", by=district_official)

    assert messages(error, "before_photos") == ["即查即改须有整改前照片"]


def test_closing_on_the_spot_with_a_before_photo_taken_now_is_accepted(district_official):
    hazard = hazard_in(State.REPORTED, photos=[])

    closed = run("close_on_spot", by=district_official, hazard=hazard, before_photos=[photo()])

    assert closed.state == State.CLOSED
    assert closed.photos.count() == 2


def test_closing_a_major_hazard_on_the_spot_is_refused(district_official, media):
    hazard = report(clauses=[major_clause().pk])

    error = assert_refused(media, hazard, ValidationError, "close_on_spot", by=district_official)

    assert error.messages == ["重大事故隐患不能即查即改销号，须上账整改并由政府部门验收"]
