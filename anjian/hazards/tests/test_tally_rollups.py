"""The district roll-up of the clearing tally is the sum of its streets after every kind of
change, and the figures city- and district-wide users see equal the ledger."""

import pytest
from django.utils import timezone

from anjian.hazards.choices import State
from anjian.hazards.tests.factories import hazard_in
from testsupport import world


@pytest.fixture(autouse=True)
def media(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def district_rollup() -> dict:
    from django.db.models import Sum
    from django.db.models.functions import Substr

    from anjian.hazards.models import COUNTERS, HazardTally

    rows = (
        HazardTally.objects.annotate(district=Substr("scope_region_code", 1, 6))
        .values("district", "industry_id", "month")
        .annotate(**{f"s_{c}": Sum(c) for c in COUNTERS})
    )
    return {
        (r["district"], r["industry_id"], r["month"]): {c: r[f"s_{c}"] for c in COUNTERS}
        for r in rows
        if any(r[f"s_{c}"] for c in COUNTERS)
    }


def district_rows() -> dict:
    from anjian.hazards.models import COUNTERS, HazardDistrictTally

    return {
        (r.district_code, r.industry_id, r.month): {c: getattr(r, c) for c in COUNTERS}
        for r in HazardDistrictTally.objects.all()
        if any(getattr(r, c) for c in COUNTERS)
    }


def test_the_district_roll_up_is_the_sum_of_its_streets_after_every_kind_of_change(
    district_official,
):
    from anjian.hazards import tally
    from anjian.hazards.choices import Grade

    for state in (State.REPORTED, State.CLOSED, State.VOID, State.RECTIFYING):
        hazard_in(state)
    hazard_in(State.CLOSED, grade=Grade.MAJOR)
    hazard_in(State.REPORTED, enterprise=world.enterprise("pingliang_factory"))
    assert district_rows() == district_rollup()
    tally.rebuild()
    assert district_rows() == district_rollup()


def test_city_and_district_figures_equal_the_ledger(district_official):
    from anjian.hazards import selectors, tally
    from anjian.hazards.choices import Grade
    from anjian.hazards.models import Hazard

    hazard_in(State.CLOSED)
    hazard_in(State.RECTIFYING, grade=Grade.MAJOR)
    hazard_in(State.VOID)
    for user in (world.actor("admin"), district_official):
        figures = selectors.clearing_figures(user)
        ledger = Hazard.objects.for_user(user).aggregate(**tally.aggregates())
        assert figures.found == ledger["found"]
        assert figures.closed == ledger["closed"]
        assert figures.major_open == ledger["major"] - ledger["major_closed"]
        by_district = selectors.clearing_breakdown(user, "district")
        assert sum(row.found for row in by_district) == figures.found


@pytest.mark.parametrize("period", ["year", "all"])
def test_a_group_with_everything_closed_shows_nothing_open(period, district_official):
    """What is open now skips rows with nothing open; their groups still show 0 open."""
    from anjian.hazards import selectors
    from anjian.hazards.figures_page import period_months

    hazard_in(State.CLOSED)  # 平凉路街道's chemical company: everything closed
    hazard_in(State.RECTIFYING, enterprise=world.enterprise("pingliang_factory"))
    month_from, month_to = period_months(period, timezone.localdate())
    filters = selectors.FigureFilters(month_from=month_from, month_to=month_to)
    report = selectors.ClearingReport(district_official, filters, breakdowns=("street", "industry"))

    rows = report.breakdown("street") + report.breakdown("industry")

    assert rows
    assert sum(row.found for row in report.breakdown("industry")) == 2
    closed_only = [row for row in rows if row.found and row.closed == row.found]
    assert closed_only, "a group with everything closed"
    assert all((row.open, row.major_open, row.overdue) == (0, 0, 0) for row in closed_only)
