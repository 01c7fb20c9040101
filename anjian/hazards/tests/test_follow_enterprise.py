"""An enterprise that moves takes its hazards along (``EnterpriseOwned``), and the clearing
figures move with them exactly: the kept summaries equal a recount of the ledger."""

import pytest
from django.db.models import Sum

from anjian.enterprises.services import enterprise_update
from anjian.hazards import selectors, tally
from anjian.hazards.choices import Grade, State
from anjian.hazards.models import (
    COUNTERS,
    Hazard,
    HazardDistrictOpenTally,
    HazardDistrictTally,
    HazardOpenTally,
)
from anjian.hazards.tests.factories import hazard_in
from anjian.hazards.tests.support import tally_rows
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Industry, Region
from testsupport import world

STATES = (
    State.REPORTED,
    State.REGISTERED,
    State.RECTIFYING,
    State.AWAITING_ACCEPTANCE,
    State.CLOSED,
    State.VOID,
)


@pytest.fixture(autouse=True)
def media(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def ledger(db):
    """Hazards of the chemical company in every state, one of them major, and one of the
    construction site (which stays where it is)."""
    for state in STATES:
        hazard_in(state)
    hazard_in(State.REGISTERED, grade=Grade.MAJOR)
    hazard_in(State.RECTIFYING, enterprise=world.enterprise("yinhang_site"))
    return world.enterprise("yinhang_chemical")


def hongkou_street() -> Region:
    return Region.objects.filter(parent_id=world.HONGKOU, level=RegionLevel.STREET).order_by(
        "code"
    )[0]


def move(enterprise, **data):
    return enterprise_update(
        by=world.actor("admin"),
        enterprise_id=enterprise.pk,
        data=data,
        expected_version=enterprise.version,
    )


def recount() -> dict:
    """The four summaries as ``tally.rebuild`` computes them from the ledger."""
    tally.rebuild()
    return summaries()


def summaries() -> dict:
    """The four kept summaries, rows that count nothing left out."""

    def counting(rows: dict) -> dict:
        return {key: counters for key, counters in rows.items() if any(counters.values())}

    return {
        "street": counting(tally_rows()),
        "district": counting(
            {
                (r.pop("district_code"), r.pop("industry_id"), r.pop("month")): r
                for r in HazardDistrictTally.objects.values(
                    "district_code", "industry_id", "month", *COUNTERS
                )
            }
        ),
        "open": {
            (r.scope_region_code, r.industry_id, r.deadline, r.major): r.open
            for r in HazardOpenTally.objects.exclude(open=0)
        },
        "district_open": {
            (r.district_code, r.industry_id, r.deadline, r.major): r.open
            for r in HazardDistrictOpenTally.objects.exclude(open=0)
        },
    }


def test_hazards_moved_to_another_district_and_industry_keep_the_figures_exact(ledger):
    commerce = Industry.objects.get(code="commerce")
    street = hongkou_street()
    site_before = list(
        Hazard.objects.filter(enterprise=world.enterprise("yinhang_site")).values_list(
            "scope_region_code", "industry_id", "version"
        )
    )

    move(ledger, street=street, grid=None, industry=commerce)

    hazards = Hazard.objects.filter(enterprise=ledger)
    assert set(hazards.values_list("scope_region_code", "industry_id")) == {
        (street.code, commerce.pk)
    }
    assert tally.differences() == []
    kept = summaries()
    assert kept == recount()
    assert (
        list(
            Hazard.objects.filter(enterprise=world.enterprise("yinhang_site")).values_list(
                "scope_region_code", "industry_id", "version"
            )
        )
        == site_before
    )


def test_the_new_place_counts_what_the_old_one_no_longer_does(ledger):
    street = hongkou_street()
    neighbour = world.actor("neighbour_official")
    official = world.actor("district_official")
    found_here = selectors.clearing_figures(official).found
    found_there = selectors.clearing_figures(neighbour).found
    moving = Hazard.objects.filter(enterprise=ledger).exclude(state=State.VOID).count()

    move(ledger, street=street, grid=None)

    assert selectors.clearing_figures(official).found == found_here - moving
    assert selectors.clearing_figures(neighbour).found == found_there + moving
    open_there = HazardDistrictOpenTally.objects.filter(district_code=world.HONGKOU).aggregate(
        n=Sum("open")
    )["n"]
    assert (
        open_there
        == Hazard.objects.filter(
            enterprise=ledger,
            state__in=(State.REGISTERED, State.RECTIFYING, State.AWAITING_ACCEPTANCE),
        ).count()
    )


def test_each_moved_hazard_is_a_new_version_and_moving_back_restores_the_figures(ledger):
    versions = dict(Hazard.objects.filter(enterprise=ledger).values_list("pk", "version"))
    at_home = summaries()

    moved = move(ledger, street=hongkou_street(), grid=None)
    assert dict(Hazard.objects.filter(enterprise=ledger).values_list("pk", "version")) == {
        pk: version + 1 for pk, version in versions.items()
    }
    move(moved, street=Region.objects.get(code=world.YINHANG), grid=ledger.grid)

    assert summaries() == at_home
    assert tally.differences() == []
