"""The demo's 包保 records (``fixtures_duties``) on seven sources of the test world: built
through the services in well under a second, every profile as its docstring says (one role
missing here and there, a holder replaced, the enterprise's account as a 技术负责人), checks
only inside their holders' terms and never in the future, a figure that is neither all done
nor all missing, and a second run that adds nothing."""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anjian.hazchem.fixtures_duties import build_demo_duties
from anjian.hazchem.models import DutyCheck, SourceDuty
from anjian.hazchem.selectors_duties import Where, completion
from anjian.hazchem.tests import duty_factories as dm
from testsupport import world

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def built():
    sources = [
        dm.source(enterprise, name=f"演示储罐区{n}")
        for n, enterprise in enumerate(
            [
                "yinhang_chemical",
                "pingliang_factory",
                "yinhang_chemical",
                "pingliang_factory",
                "yinhang_site",
                "yinhang_chemical",
                "pingliang_factory",
            ]
        )
    ]
    official = world.actor("district_official")
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = build_demo_duties(sources=sources, official=official)
        seconds = time.perf_counter() - started
    return sources, result, (seconds, len(queries.captured_queries))


def test_it_is_fast_and_counts_what_it_made(built):
    sources, result, (seconds, queries) = built
    # About 0.3 s on an idle laptop (one statement per holder, one bulk insert per
    # source); the bound on time leaves room for a busy CI machine, the statements not.
    assert queries < 250 and seconds < 3.0
    assert result.duties == SourceDuty.objects.filter(source__in=sources).count() == 20
    assert result.checks == DutyCheck.objects.filter(source__in=sources).count() > 100


def test_the_profiles_leave_their_gaps(built):
    sources, _result, _seconds = built
    ordered = sorted(sources, key=lambda s: s.number)
    current = {
        source.pk: set(source.duties.filter(until__isnull=True).values_list("role", flat=True))
        for source in ordered
    }
    assert current[ordered[3].pk] == {"principal", "technical"}  # no 操作负责人
    assert current[ordered[4].pk] == {"technical", "operational"}  # no 主要负责人
    assert ordered[1].duties.filter(role="operational").count() == 2  # one replaced
    manager = world.actor("enterprise_manager")
    own = [s for s in ordered if s.enterprise == world.enterprise("yinhang_chemical")]
    assert all(s.duties.get(role="technical").user == manager for s in own)
    assert all(s.checks.filter(recorded_by=manager).exists() for s in own)


def test_every_check_lies_in_its_holders_term(built):
    sources, _result, _seconds = built
    for check in DutyCheck.objects.filter(source__in=sources).select_related("duty"):
        assert check.duty.since <= check.checked_on <= (check.duty.until or TODAY)
        assert check.role == check.duty.role


def test_the_figure_shows_a_mix(built):
    last_quarter = TODAY.replace(day=1) - timedelta(days=95)
    where = Where(year=last_quarter.year, quarter=(last_quarter.month - 1) // 3 + 1)
    found = completion(world.actor("admin"), where, today=TODAY)
    total = found.total
    assert total.sources == 7 and total.complete >= 1 and total.short >= 1 and total.no_holder == 2
    assert 0 < total.rate < 100


def test_a_second_run_adds_nothing(built):
    sources, _result, _seconds = built
    before = DutyCheck.objects.count(), SourceDuty.objects.count()
    again = build_demo_duties(sources=sources, official=world.actor("district_official"))
    assert (again.duties, again.checks) == (0, 0)
    assert (DutyCheck.objects.count(), SourceDuty.objects.count()) == before
