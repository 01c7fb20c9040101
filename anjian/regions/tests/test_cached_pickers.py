"""The pickers' rows from the cache answer as the database would (anjian/core/caching.py):
a signed-in request's user carries the reference stamp; other users read the database."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anjian.accounts.backends import with_request_facts
from anjian.accounts.models import User
from anjian.core import caching
from anjian.core.caching import reference_changed
from anjian.regions import selectors
from anjian.regions.models import Industry
from testsupport import world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def a_new_request():
    """As at the start of a request: earlier writes in this thread (the world) are done."""
    caching._request_started()


def signed_in(name: str) -> User:
    """The actor as the authentication backend reads it on every request."""
    return with_request_facts(User.objects).get(username=name)


def statements(fn) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        result = fn()
    return len(queries), result


def test_a_warm_picker_reads_nothing_and_lists_the_same_rows():
    official = signed_in("district_official")
    cold, first = statements(lambda: list(selectors.industries_for(official)))
    next_request = signed_in("district_official")
    warm, again = statements(lambda: list(selectors.industries_for(next_request)))
    assert cold == 1
    assert warm == 0
    assert [(i.pk, i.name) for i in again] == [(i.pk, i.name) for i in first]
    assert again == list(selectors.industries_for(world.actor("district_official")))


def test_a_choice_is_validated_from_the_cached_rows():
    officer = signed_in("street_officer")
    list(selectors.streets_for(officer))
    count, street = statements(lambda: selectors.streets_for(officer).get(code=world.YINHANG))
    assert (count, street.code) == (0, world.YINHANG)
    industries = selectors.industries_for(officer)
    list(industries)
    hazchem = Industry.objects.get(code="hazchem")
    count, found = statements(lambda: industries.get(pk=str(hazchem.pk)))
    assert (count, found) == (0, hazchem)
    with pytest.raises(Industry.DoesNotExist):
        industries.get(code="no-such-industry")
    with pytest.raises(ValueError):
        industries.get(pk="junk")


def test_a_picker_filtered_further_reads_the_database():
    official = signed_in("district_official")
    list(selectors.industries_for(official))
    count, rows = statements(lambda: list(selectors.industries_for(official).filter(code="gas")))
    assert count == 1
    assert [i.code for i in rows] == ["gas"]


def test_picker_shapes_are_cached_apart():
    admin = signed_in("admin")
    rows = list(selectors.districts_in(admin) | selectors.streets_for(admin))
    names = list(selectors.streets_for(admin).values_list("name", flat=True))
    streets = list(selectors.streets_for(admin))
    count, again = statements(
        lambda: (
            list(selectors.districts_in(admin) | selectors.streets_for(admin)),
            list(selectors.streets_for(admin).values_list("name", flat=True)),
            selectors.streets_for(admin).count(),
        )
    )
    assert count == 0
    assert again == (rows, names, len(streets))


def test_a_user_read_elsewhere_reads_the_database_each_time():
    official = world.actor("district_official")  # no stamp: a job, a command, a test
    assert official.scope.region_prefix
    assert statements(lambda: list(selectors.industries_for(official)))[0] == 1
    assert statements(lambda: list(selectors.industries_for(official)))[0] == 1


def test_a_change_gives_a_new_stamp_and_fresh_rows():
    before = signed_in("district_official")
    list(selectors.industries_for(before))
    gas = Industry.objects.get(code="gas")
    gas.name = "燃气（改名）"
    gas.save()
    after = signed_in("district_official")
    assert after.site_reference_stamp != before.site_reference_stamp
    assert "燃气（改名）" in [i.name for i in selectors.industries_for(after)]


def test_a_department_s_industries_changing_gives_a_new_stamp():
    before = signed_in("admin").site_reference_stamp
    department = world.actor("housing_official").department
    department.industries.remove(Industry.objects.get(code="gas"))
    assert signed_in("admin").site_reference_stamp != before
    reference_changed()  # what a bulk write calls itself
