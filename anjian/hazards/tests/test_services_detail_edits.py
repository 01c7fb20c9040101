"""Editing a hazard's recorded details: an audited edit that bumps the version, clauses that
make it major in the tally, and what cannot be edited."""

import pytest
from django.utils import timezone

from anjian.core.exceptions import Conflict, ValidationError
from anjian.hazards import services
from anjian.hazards.choices import Grade, State
from anjian.hazards.models import Hazard
from anjian.hazards.tests.factories import hazard_in
from anjian.hazards.tests.support import major_clause, messages, stored, tally_rows


@pytest.fixture(autouse=True)
def media(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


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
