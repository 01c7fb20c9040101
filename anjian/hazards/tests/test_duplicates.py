"""Possible duplicates: a second, similar report of the same enterprise within a week is
flagged for a person to merge or dismiss; merging voids the repeat and points to the
hazard that stays."""

from datetime import timedelta

import pytest
from django.utils import timezone

from anjian.core.exceptions import Conflict, NotPermitted, ValidationError
from anjian.hazards import duplicates, services
from anjian.hazards.choices import DuplicateState, Source, State
from anjian.hazards.models import DuplicateCandidate, Hazard
from anjian.hazards.tests.factories import hazard_in, report
from anjian.hazards.tests.support import stored, tally_rows
from testsupport import world


@pytest.fixture(autouse=True)
def media(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def grid_report(**overrides):
    """The same open electrical cabinet, seen by the grid member on patrol."""
    data = {
        "by": world.actor("grid_member"),
        "source": Source.PATROL,
        "title": "配电箱门没有关闭",
        "description": "二号车间配电箱门敞开，线路裸露",
        "location": "二号车间东侧",
    }
    data.update(overrides)
    return report(**data)


# --- flagging --------------------------------------------------------------------------------


def test_a_similar_report_of_the_same_enterprise_within_a_week_is_flagged():
    first = report(found_at=timezone.now() - timedelta(days=3))

    second = grid_report()

    candidate = DuplicateCandidate.objects.get(hazard=second)
    assert candidate.other == first
    assert candidate.state == DuplicateState.OPEN
    assert candidate.similarity >= duplicates.THRESHOLD


def test_an_identical_report_is_as_similar_as_can_be():
    first = report()

    second = report()

    assert DuplicateCandidate.objects.get(hazard=second, other=first).similarity == 1.0


def test_a_dissimilar_report_of_the_same_enterprise_is_not_flagged():
    report()

    other = grid_report(
        title="消防通道堵塞",
        description="一号仓库消防通道堆放纸箱",
        location="一号仓库北门",
    )

    assert not DuplicateCandidate.objects.filter(hazard=other).exists()


def test_a_similar_report_of_another_enterprise_is_not_flagged():
    report()

    other = grid_report(
        by=world.actor("street_officer"), enterprise=world.enterprise("yinhang_site")
    )

    assert not DuplicateCandidate.objects.filter(hazard=other).exists()


def test_a_similar_report_more_than_a_week_apart_is_not_flagged():
    report(found_at=timezone.now() - timedelta(days=8))

    later = grid_report()

    assert not DuplicateCandidate.objects.filter(hazard=later).exists()


def test_a_late_entry_of_an_earlier_finding_is_flagged_against_the_later_one():
    first = report()

    entered_late = grid_report(found_at=timezone.now() - timedelta(days=2))

    assert DuplicateCandidate.objects.get(hazard=entered_late).other == first


def test_a_void_hazard_is_no_duplicate_candidate():
    hazard_in(State.VOID)

    second = grid_report()

    assert not DuplicateCandidate.objects.filter(hazard=second).exists()


def test_a_closed_hazard_reported_again_is_flagged():
    closed = hazard_in(State.CLOSED)

    again = grid_report()

    assert DuplicateCandidate.objects.get(hazard=again).other == closed


def test_flagging_twice_records_the_pair_once():
    report()
    second = grid_report()

    duplicates.flag(second)

    assert DuplicateCandidate.objects.filter(hazard=second).count() == 1


def test_the_place_weighs_in_but_does_not_decide():
    one = Hazard(title="配电箱门未关闭", description="配电箱门敞开", location="二号车间")
    same_text_other_place = Hazard(
        title="配电箱门未关闭", description="配电箱门敞开", location="锅炉房"
    )

    score = duplicates.similarity(one, same_text_other_place)

    assert score == round(1 - duplicates.PLACE_WEIGHT, 3)
    assert score >= duplicates.THRESHOLD


# --- merge and dismiss -----------------------------------------------------------------------


def test_merging_voids_the_duplicate_and_points_to_the_hazard_that_stays(district_official):
    keep = report()
    duplicate = grid_report()
    candidate = DuplicateCandidate.objects.get(hazard=duplicate, other=keep)
    keep_before = stored(keep)["row"]

    kept = services.hazard_merge(by=district_official, duplicate_id=duplicate.pk, into_id=keep.pk)

    merged = Hazard.objects.get(pk=duplicate.pk)
    assert kept.pk == keep.pk
    assert merged.state == State.VOID
    assert merged.merged_into_id == keep.pk
    assert keep.number in merged.void_reason
    candidate.refresh_from_db()
    assert candidate.state == DuplicateState.MERGED
    assert candidate.decided_by == district_official
    assert candidate.decided_at is not None
    assert stored(keep)["row"] == keep_before
    entry = Hazard.objects.get(pk=keep.pk).transitions.order_by("at", "id").last()
    assert (entry.action, entry.data["merged"]) == ("merge", duplicate.pk)


def test_merging_the_earlier_report_into_the_later_one_settles_the_same_flag(
    district_official,
):
    earlier = report()
    later = grid_report()

    services.hazard_merge(by=district_official, duplicate_id=earlier.pk, into_id=later.pk)

    assert DuplicateCandidate.objects.get(hazard=later, other=earlier).state == (
        DuplicateState.MERGED
    )
    assert Hazard.objects.get(pk=earlier.pk).merged_into_id == later.pk


def test_a_merged_pair_cannot_be_dismissed_afterwards(district_official):
    keep = report()
    duplicate = grid_report()
    candidate = DuplicateCandidate.objects.get(hazard=duplicate)
    services.hazard_merge(by=district_official, duplicate_id=duplicate.pk, into_id=keep.pk)

    with pytest.raises(Conflict):
        services.duplicate_dismiss(by=district_official, candidate_id=candidate.pk)

    assert DuplicateCandidate.objects.get(pk=candidate.pk).state == DuplicateState.MERGED


def test_a_merged_duplicate_no_longer_counts_as_found(district_official):
    keep = report()
    duplicate = grid_report()
    key = (duplicate.scope_region_code, duplicate.industry_id, duplicate.found_month)
    before = tally_rows()[key]

    services.hazard_merge(by=district_official, duplicate_id=duplicate.pk, into_id=keep.pk)

    after = tally_rows()[key]
    assert (after["found"], after["voided"]) == (before["found"] - 1, before["voided"] + 1)


def test_merging_across_enterprises_is_refused(district_official):
    chemical = report()
    site = grid_report(by=district_official, enterprise=world.enterprise("yinhang_site"))
    before = (stored(chemical), stored(site))

    with pytest.raises(ValidationError) as refused:
        services.hazard_merge(by=district_official, duplicate_id=site.pk, into_id=chemical.pk)

    assert refused.value.messages == ["只能合并同一单位或同一公共区域的隐患"]
    assert (stored(chemical), stored(site)) == before


def test_a_hazard_cannot_be_merged_into_itself(district_official):
    hazard = report()

    with pytest.raises(ValidationError):
        services.hazard_merge(by=district_official, duplicate_id=hazard.pk, into_id=hazard.pk)

    assert Hazard.objects.get(pk=hazard.pk).state == State.REPORTED


def test_a_hazard_cannot_be_merged_into_a_void_one(district_official):
    void = hazard_in(State.VOID)
    hazard = grid_report()

    with pytest.raises(ValidationError):
        services.hazard_merge(by=district_official, duplicate_id=hazard.pk, into_id=void.pk)

    assert Hazard.objects.get(pk=hazard.pk).state == State.REPORTED


def test_a_closed_hazard_cannot_be_merged_away(district_official):
    keep = report()
    closed = hazard_in(State.CLOSED)
    before = stored(closed)

    with pytest.raises(Conflict):
        services.hazard_merge(by=district_official, duplicate_id=closed.pk, into_id=keep.pk)

    assert stored(closed) == before


@pytest.mark.parametrize(
    ("actor", "error"),
    [
        ("enterprise_manager", NotPermitted),
        ("inspector", NotPermitted),
        ("leader", NotPermitted),
        ("neighbour_official", Hazard.DoesNotExist),
        ("expert", Hazard.DoesNotExist),
    ],
)
def test_only_the_government_in_scope_merges(actor, error):
    keep = report()
    duplicate = grid_report()
    before = stored(duplicate)

    with pytest.raises(error):
        services.hazard_merge(by=world.actor(actor), duplicate_id=duplicate.pk, into_id=keep.pk)

    assert stored(duplicate) == before
    assert DuplicateCandidate.objects.get(hazard=duplicate).state == DuplicateState.OPEN


def test_dismissing_a_candidate_keeps_both_hazards(district_official):
    first = report()
    second = grid_report()
    candidate = DuplicateCandidate.objects.get(hazard=second)

    dismissed = services.duplicate_dismiss(by=district_official, candidate_id=candidate.pk)

    assert dismissed.state == DuplicateState.DISMISSED
    assert dismissed.decided_by == district_official
    states = set(
        Hazard.objects.filter(pk__in=(first.pk, second.pk)).values_list("state", flat=True)
    )
    assert states == {State.REPORTED}


@pytest.mark.parametrize(
    ("actor", "error"),
    [("enterprise_manager", NotPermitted), ("neighbour_official", Hazard.DoesNotExist)],
)
def test_only_the_government_in_scope_dismisses(actor, error):
    report()
    candidate = DuplicateCandidate.objects.get(hazard=grid_report())

    with pytest.raises(error):
        services.duplicate_dismiss(by=world.actor(actor), candidate_id=candidate.pk)

    assert DuplicateCandidate.objects.get(pk=candidate.pk).state == DuplicateState.OPEN
