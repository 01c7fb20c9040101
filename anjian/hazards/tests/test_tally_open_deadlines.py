"""The open-deadline summaries behind 逾期 and 即将到期: each open hazard counts once under
its deadline and grade, leaves when it closes, follows an extension, and the figures
follow the calendar without any write."""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from anjian.hazards import services, tally
from anjian.hazards.choices import DEADLINE_STATES, Grade, State
from anjian.hazards.models import Hazard
from anjian.hazards.tests.factories import hazard_in
from anjian.hazards.tests.tally_support import open_rows
from testsupport import world


@pytest.fixture(autouse=True)
def media(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_registered_hazard_counts_once_under_its_deadline_and_grade(district_official):
    hazard = hazard_in(State.REGISTERED, grade=Grade.MAJOR)

    assert open_rows() == {(hazard.scope_region_code, hazard.industry_id, hazard.deadline, True): 1}


@pytest.mark.parametrize("state", [State.REPORTED, State.CLOSED, State.VOID])
def test_hazards_not_open_against_a_deadline_count_nowhere(state, district_official):
    hazard_in(state)

    assert open_rows() == {}


def test_closing_takes_the_hazard_out_and_the_empty_row_is_pruned(district_official):
    from anjian.hazards.models import HazardDistrictOpenTally, HazardOpenTally

    hazard = hazard_in(State.AWAITING_ACCEPTANCE)
    other = hazard_in(State.RECTIFYING, enterprise=world.enterprise("pingliang_factory"))
    services.hazard_accept(
        by=district_official, hazard_id=hazard.pk, expected_version=None, acceptance_note="合格"
    )

    assert open_rows() == {(other.scope_region_code, other.industry_id, other.deadline, False): 1}
    assert HazardOpenTally.objects.filter(open=0).count() == 1

    assert tally.prune_open() == 2  # the street row and its district roll-up
    assert not HazardOpenTally.objects.filter(open=0).exists()
    assert not HazardDistrictOpenTally.objects.filter(open=0).exists()
    assert open_rows() == {(other.scope_region_code, other.industry_id, other.deadline, False): 1}
    assert tally.prune_open() == 0


def test_the_nightly_sweep_folds_past_deadlines_and_the_figures_stay_exact(district_official):
    from anjian.hazards import selectors
    from anjian.hazards.models import HazardDistrictOpenTally, HazardOpenTally

    closing = hazard_in(State.AWAITING_ACCEPTANCE)
    hazard_in(State.RECTIFYING, deadline=timezone.localdate() + timedelta(days=3))
    hazard_in(State.REGISTERED, grade=Grade.MAJOR)
    hazard_in(State.RECTIFYING, deadline=timezone.localdate() + timedelta(days=60))
    later = timezone.localdate() + timedelta(days=30)  # three deadlines past by then

    def counts():
        figures = selectors.ClearingReport(district_official, today=later).figures()
        return figures.overdue, figures.overdue_major, figures.due_soon

    before = counts()
    assert before == (3, 1, 0)

    assert tally.prune_open(today=later) == 2 * 3  # three rows at each level, folded
    assert {row.deadline for row in HazardOpenTally.objects.all()} == {
        tally.PAST_DEADLINES,
        timezone.localdate() + timedelta(days=60),
    }
    assert HazardDistrictOpenTally.objects.filter(deadline=tally.PAST_DEADLINES).count() == 2
    assert counts() == before
    assert tally.differences(today=later) == []

    # Closing a hazard whose row was folded takes it out of the fold's sum.
    services.hazard_accept(
        by=district_official, hazard_id=closing.pk, expected_version=None, acceptance_note="合格"
    )
    assert counts() == (2, 1, 0)
    assert tally.differences(today=later) == []
    tally.prune_open(today=later)
    assert counts() == (2, 1, 0)
    assert tally.differences(today=later) == []
    assert not HazardOpenTally.objects.exclude(
        deadline__in=(tally.PAST_DEADLINES, timezone.localdate() + timedelta(days=60))
    ).exists()


def test_an_approved_extension_moves_the_hazard_to_its_new_deadline(district_official):
    hazard = hazard_in(State.RECTIFYING)
    new_deadline = hazard.deadline + timedelta(days=10)
    extension = services.extension_request(
        by=world.actor("enterprise_manager"),
        hazard_id=hazard.pk,
        requested_deadline=new_deadline,
        reason="缺件",
    )
    services.extension_decide(by=world.actor("admin"), extension_id=extension.pk, approve=True)

    assert open_rows() == {(hazard.scope_region_code, hazard.industry_id, new_deadline, False): 1}


def test_an_extension_decided_after_the_hazard_closed_is_a_conflict_and_changes_nothing(
    district_official,
):
    from anjian.core.exceptions import Conflict
    from anjian.hazards.models import DeadlineExtension

    hazard = hazard_in(State.AWAITING_ACCEPTANCE)
    extension = services.extension_request(
        by=world.actor("enterprise_manager"),
        hazard_id=hazard.pk,
        requested_deadline=hazard.deadline + timedelta(days=10),
        reason="缺件",
    )
    services.hazard_accept(
        by=district_official, hazard_id=hazard.pk, expected_version=None, acceptance_note="合格"
    )
    before = open_rows()

    with pytest.raises(Conflict):
        services.extension_decide(by=world.actor("admin"), extension_id=extension.pk, approve=True)

    assert open_rows() == before
    assert DeadlineExtension.objects.get(pk=extension.pk).state == "pending"


def test_overdue_and_due_soon_follow_the_calendar_without_any_write(district_official):
    from anjian.hazards import selectors
    from anjian.hazards.filters import DUE_SOON_DAYS

    general = hazard_in(State.RECTIFYING)  # deadline in 15 days
    major = hazard_in(State.REGISTERED, grade=Grade.MAJOR)
    today = timezone.localdate()

    def figures(on):
        return selectors.ClearingReport(district_official, today=on).figures()

    now = figures(today)
    assert (now.overdue, now.overdue_major, now.due_soon) == (0, 0, 0)
    soon = figures(general.deadline - timedelta(days=DUE_SOON_DAYS))
    assert (soon.overdue, soon.due_soon) == (0, 2)
    on_the_day = figures(general.deadline)
    assert (on_the_day.overdue, on_the_day.due_soon) == (0, 2)
    after = figures(major.deadline + timedelta(days=1))
    assert (after.overdue, after.overdue_major, after.due_soon) == (2, 1, 0)


def test_overdue_figures_equal_the_ledger_for_every_scope_and_breakdown(district_official):
    from anjian.hazards import selectors

    hazard_in(State.RECTIFYING)
    hazard_in(State.REGISTERED, grade=Grade.MAJOR)
    hazard_in(State.AWAITING_ACCEPTANCE, enterprise=world.enterprise("pingliang_factory"))
    hazard_in(State.CLOSED)
    later = timezone.localdate() + timedelta(days=30)
    for name in world.ACTORS:
        user = world.actor(name)
        report_ = selectors.ClearingReport(user, today=later)
        open_hazards = Hazard.objects.for_user(user).filter(state__in=DEADLINE_STATES)
        expected = open_hazards.filter(deadline__lt=later).count()
        assert report_.figures().overdue == expected, name
        assert report_.figures().overdue_major == (
            open_hazards.filter(deadline__lt=later, grade=Grade.MAJOR).count()
        )
        for group in ("district", "street", "industry"):
            rows = report_.breakdown(group)
            assert sum(row.overdue for row in rows) == expected, (name, group)


def test_the_district_open_roll_up_is_the_sum_of_its_streets(district_official):
    from anjian.hazards.models import HazardDistrictOpenTally

    hazard_in(State.RECTIFYING)
    hazard_in(State.REGISTERED, grade=Grade.MAJOR)
    hazard_in(State.RECTIFYING, enterprise=world.enterprise("pingliang_factory"))
    summed: Counter = Counter()
    for (code, industry_id, deadline, major), count in open_rows().items():
        summed[(code[:6], industry_id, deadline, major)] += count

    assert open_rows(HazardDistrictOpenTally) == dict(summed)
