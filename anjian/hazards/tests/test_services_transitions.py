"""Who may run each lifecycle transition beyond the table: the enterprise's own side, roles
that may not, and scope (out of scope is not found).

Concurrent and double-submitted transitions: ``test_services_transitions_concurrency``;
detail edits: ``test_services_detail_edits``; bad input: ``test_services_transition_input``."""

import pytest

from anjian.core.exceptions import NotPermitted, ValidationError
from anjian.hazards import services
from anjian.hazards.choices import GOVERNMENT_SOURCES, OPEN_STATES, Grade, Source, State
from anjian.hazards.models import Hazard
from anjian.hazards.tests.factories import hazard_in, photo, report
from anjian.hazards.tests.support import run, stored
from anjian.hazards.tests.transition_support import START_STATE, TRANSITIONS, assert_refused
from testsupport import world

OUTSIDERS = [name for name in world.ACTORS if "yinhang_chemical" not in world.VISIBLE[name]]


@pytest.fixture(autouse=True)
def media(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def government_found(state, source, **kwargs):
    """A hazard of the chemical company found by the government side (with its photo)."""
    return hazard_in(state, source=source, photos=[photo()], **kwargs)


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


def test_an_enterprise_user_cannot_record_an_inspection_finding(enterprise_manager):
    from anjian.hazards.tests.factories import report

    with pytest.raises(ValidationError) as caught:
        report(by=enterprise_manager, source="inspection")
    assert "source" in caught.value.message_dict


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
