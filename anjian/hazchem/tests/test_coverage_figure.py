"""重大危险源在线监测率 against the hand-built world (``coverage_world``): covered, no device,
device offline, metric missing, a switched-off device, closed and not-required sources left
out; by grade, street and industry; scoped like the sources themselves; a fixed number of
queries whatever the number of sources."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from anjian.hazchem import selectors_coverage as reads
from anjian.hazchem.coverage import Status
from anjian.hazchem.tests import coverage_world
from anjian.monitoring.tests.factories import hazard_source
from testsupport import world

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield coverage_world.build()
        transaction.set_rollback(True)


def statuses(user) -> dict[int, str]:
    return {s.pk: s.coverage.status for s in reads.assess_sources(reads.counted(user))}


def by_name(built, user) -> dict[str, str]:
    found = statuses(user)
    return {name: found[s.pk] for name, s in built.sources.items() if s.pk in found}


def test_each_source_stands_where_its_devices_put_it(built):
    assert by_name(built, world.actor("district_official")) == {
        "covered": Status.COVERED,
        "no_device": Status.NO_DEVICE,
        "offline": Status.OFFLINE,
        "missing": Status.MISSING,
        "idle": Status.NO_DEVICE,  # its only device is switched off
    }


def test_the_reasons_name_each_metric_that_is_not_covered(built):
    states = {s.pk: s.coverage for s in reads.assess_sources(reads.counted(world.actor("admin")))}
    offline = states[built.sources["offline"].pk]
    assert {m.requirement.key: m.status for m in offline.metrics} == {
        "level": Status.COVERED,
        "temp": Status.COVERED,
        "pressure": Status.COVERED,
        "lel": Status.OFFLINE,  # 氨 is a flammable gas; its detector's reading is 2 days old
        "toxic": Status.COVERED,
    }
    missing = states[built.sources["missing"].pk]
    # A production unit: no level; the fire main's pressure is not a process pressure, the
    # reactor's is; nothing measures a toxic gas.
    assert {m.requirement.key: m.status for m in missing.metrics} == {
        "temp": Status.COVERED,
        "pressure": Status.COVERED,
        "toxic": Status.MISSING,
    }
    assert [g.requirement.key for g in states[built.sources["no_device"].pk].gaps] == [
        "level",
        "temp",
        "pressure",
        "toxic",
    ]


def test_closed_and_not_required_sources_are_not_counted(built):
    counted = set(statuses(world.actor("admin")))
    assert built.sources["closed"].pk not in counted
    assert built.sources["not_required"].pk not in counted
    assert built.sources["neighbour"].pk in counted


def test_the_rate_in_all_and_by_grade(built):
    found = reads.coverage_figure(world.actor("district_official"), "grade")
    total = found.total
    assert (total.counted, total.covered, total.no_device, total.missing, total.offline) == (
        5,
        1,
        2,
        1,
        1,
    )
    assert total.rate == 20.0
    rows = {row.key: (row.counted, row.covered, row.rate) for row in found.rows}
    assert rows == {"2": (1, 0, 0.0), "3": (4, 1, 25.0)}
    assert [row.label for row in found.rows] == ["二级", "三级"]
    assert found.rows[0].params == {"grade": "2"}


def test_by_street_and_by_industry_each_row_names_its_sources(built):
    official = world.actor("district_official")
    streets = {
        r.key: (r.label, r.counted, r.covered)
        for r in reads.coverage_figure(official, "street").rows
    }
    assert streets == {
        world.YINHANG: ("殷行街道", 4, 1),
        world.PINGLIANG: ("平凉路街道", 1, 0),
    }
    industries = {
        r.params["industry"]: r.counted for r in reads.coverage_figure(official, "industry").rows
    }
    assert industries == {"hazchem": 4, "machinery": 1}


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("district_official", {"covered", "no_device", "offline", "missing", "idle"}),
        ("street_officer", {"covered", "no_device", "missing", "idle"}),
        ("enterprise_manager", {"covered", "no_device", "missing", "idle"}),
        ("neighbour_official", {"neighbour"}),
        ("housing_official", set()),  # 殷行建设's only source is closed
        ("expert", set()),
    ],
)
def test_each_actor_counts_only_the_sources_of_their_scope(built, actor, expected):
    assert set(by_name(built, world.actor(actor))) == expected


def test_the_drill_down_matches_each_number(built):
    states = reads.assess_sources(reads.counted(world.actor("district_official")))
    found = reads.figure(states, "grade")
    for row in [*found.rows]:
        for status, number in (
            (reads.ALL, row.counted),
            (Status.COVERED, row.covered),
            (reads.UNCOVERED, row.uncovered),
            (Status.NO_DEVICE, row.no_device),
            (Status.MISSING, row.missing),
            (Status.OFFLINE, row.offline),
        ):
            chosen = reads.matching(states, status=status, grade=row.key)
            assert len(chosen) == number, (row.key, status)
            assert all(s.grade == row.key for s in chosen)


def test_the_figure_takes_the_same_queries_for_one_source_or_many(built):
    admin = world.actor("admin")
    with CaptureQueriesContext(connection) as few:
        reads.assess_sources(reads.counted(admin))
    for n in range(6):
        coverage_world.device(f"MORE-{n}", "tank", hazard_source(name=f"更多储罐区{n}"))
    with CaptureQueriesContext(connection) as more:
        reads.assess_sources(reads.counted(admin))
    assert len(more) == len(few) <= 8
