"""回头看: a closed major hazard is revisited once; a relapse is recorded as a new hazard
linked to the revisit."""

import pytest
from django.contrib.contenttypes.models import ContentType

from anjian.core.exceptions import Conflict, NotPermitted, ValidationError
from anjian.hazards import services
from anjian.hazards.choices import Grade, RevisitResult, RevisitState, Source, State
from anjian.hazards.models import DuplicateCandidate, Hazard, Revisit
from anjian.hazards.tests.supervision_support import closed_major
from anjian.hazards.tests.support import major_clause, tally_rows
from testsupport import world


@pytest.fixture(autouse=True)
def media(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_scheduling_a_revisit_twice_does_nothing():
    hazard, _revisit = closed_major()

    assert services.revisit_schedule(hazard=Hazard.objects.get(pk=hazard.pk)) is None
    assert Revisit.objects.filter(hazard=hazard).count() == 1


def test_a_revisit_finds_the_fix_has_held(street_officer):
    hazard, revisit = closed_major()
    count = Hazard.objects.count()

    done = services.revisit_complete(
        by=street_officer, revisit_id=revisit.pk, result=RevisitResult.SUSTAINED, note=" 整改到位 "
    )

    assert done.state == RevisitState.DONE
    assert (done.result, done.note, done.done_by) == ("sustained", "整改到位", street_officer)
    assert done.done_at is not None
    assert Hazard.objects.count() == count
    assert hazard.transitions.order_by("at", "id").last().action == "revisit"


def test_a_relapse_is_recorded_as_a_new_hazard_linked_to_the_revisit(district_official):
    clause = major_clause()
    hazard, revisit = closed_major(clauses=[clause.pk])
    tally_before = tally_rows()

    services.revisit_complete(
        by=district_official,
        revisit_id=revisit.pk,
        result=RevisitResult.RELAPSED,
        note="配电箱门再次敞开",
    )

    relapse = Hazard.objects.get(
        source_type=ContentType.objects.get_for_model(Revisit), source_id=revisit.pk
    )
    assert relapse.pk != hazard.pk
    assert relapse.source_object == revisit
    assert relapse.enterprise_id == hazard.enterprise_id
    assert relapse.state == State.REPORTED
    assert relapse.source == Source.OTHER
    assert relapse.title == f"回头看发现反弹：{hazard.title}"
    assert relapse.description == "配电箱门再次敞开"
    assert list(relapse.clauses.all()) == [clause]
    assert relapse.grade == Grade.MAJOR
    assert not DuplicateCandidate.objects.filter(hazard=relapse).exists()
    key = (relapse.scope_region_code, relapse.industry_id, relapse.found_month)
    assert tally_rows()[key]["found"] == tally_before[key]["found"] + 1


@pytest.mark.parametrize("second", [RevisitResult.SUSTAINED, RevisitResult.RELAPSED])
def test_a_revisit_is_completed_once(second, district_official, street_officer):
    _hazard, revisit = closed_major()
    services.revisit_complete(
        by=district_official, revisit_id=revisit.pk, result=RevisitResult.RELAPSED, note="反弹"
    )
    count = Hazard.objects.count()

    with pytest.raises(Conflict):
        services.revisit_complete(
            by=street_officer, revisit_id=revisit.pk, result=second, note="再看一次"
        )

    assert Hazard.objects.count() == count
    assert Revisit.objects.get(pk=revisit.pk).done_by == district_official


@pytest.mark.parametrize(
    ("result", "note", "field"),
    [
        ("", "看过了", "result"),
        ("maybe", "看过了", "result"),
        (RevisitResult.SUSTAINED, " ", "note"),
    ],
)
def test_a_revisit_needs_a_result_and_a_note(result, note, field, district_official):
    _hazard, revisit = closed_major()

    with pytest.raises(ValidationError) as refused:
        services.revisit_complete(
            by=district_official, revisit_id=revisit.pk, result=result, note=note
        )

    assert field in refused.value.message_dict
    assert Revisit.objects.get(pk=revisit.pk).state == RevisitState.SCHEDULED


@pytest.mark.parametrize(
    ("actor", "error"),
    [
        ("enterprise_manager", NotPermitted),
        ("leader", NotPermitted),
        ("inspector", NotPermitted),
        ("neighbour_official", Hazard.DoesNotExist),
        ("expert", Hazard.DoesNotExist),
    ],
)
def test_only_the_government_in_scope_completes_a_revisit(actor, error):
    _hazard, revisit = closed_major()

    with pytest.raises(error):
        services.revisit_complete(
            by=world.actor(actor), revisit_id=revisit.pk, result=RevisitResult.SUSTAINED, note="好"
        )

    assert Revisit.objects.get(pk=revisit.pk).state == RevisitState.SCHEDULED
