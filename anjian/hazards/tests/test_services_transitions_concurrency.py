"""Concurrent and double-submitted transitions: the first of two writes from the same
version wins, the second is a conflict that leaves nothing behind, and a double submit
returns the hazard unchanged."""

import pytest
from django.db.models import F

from anjian.core.exceptions import Conflict
from anjian.hazards import services, tally
from anjian.hazards.choices import State
from anjian.hazards.models import Hazard, HazardTransition
from anjian.hazards.services import common
from anjian.hazards.services import transitions as transition_services
from anjian.hazards.tests.factories import hazard_in
from anjian.hazards.tests.support import files_in, ledger, run, stored, tally_rows
from anjian.hazards.tests.transition_support import START_STATE, TRANSITIONS, assert_refused


@pytest.fixture(autouse=True)
def media(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


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
