"""Who may see and write 特殊作业票.

The generated page tests (``ScopedCrudTests`` for ``Permit``) are written in
``scoping_permits.py`` and collected here, where ``core/tests/test_scoping_guard.py`` looks
for them; the tests below check the services and selectors directly: a permit is seen as its
enterprise is (``world.VISIBLE``); writing needs ``permit.issue`` (the enterprise itself and
the administrator), then the scope; analyses and approvals are read through their permit."""

import pytest

from anjian.core.exceptions import NotPermitted, OutOfScope
from anjian.specialwork import selectors, services, services_records
from anjian.specialwork.models import Permit
from anjian.specialwork.tests import factories as make
from anjian.specialwork.tests.factories import MONDAY
from anjian.specialwork.tests.scoping_permits import (  # noqa: F401 (collected here)
    TestPermitScoping,
)
from testsupport import world

pytestmark = pytest.mark.django_db

NON_WRITERS = (
    "district_official",
    "street_officer",
    "grid_member",
    "neighbour_official",
    "housing_official",
    "inspector",
    "leader",
    "expert",
)


@pytest.fixture
def permits() -> dict[str, Permit]:
    """One draft per world enterprise, by the enterprise's key."""
    admin = world.actor("admin")
    return {
        name: services.permit_create(
            admin,
            data={**make.data(place=f"{name}作业点"), "enterprise": world.enterprise(name).pk},
            now=MONDAY,
        )
        for name in world.ENTERPRISES
    }


def test_each_actor_reads_exactly_the_permits_of_its_scope(permits):
    names = {permit.pk: name for name, permit in permits.items()}
    for actor, expected in world.VISIBLE.items():
        found = {
            names[pk] for pk in selectors.permits(world.actor(actor)).values_list("pk", flat=True)
        }
        assert found == expected, actor


def test_only_issuers_write_and_only_in_scope(permits):
    own = permits["yinhang_chemical"]
    for actor in NON_WRITERS:
        with pytest.raises(NotPermitted):
            services.permit_submit(
                world.actor(actor), permit_id=own.pk, expected_version=own.version, now=MONDAY
            )
    elsewhere = permits["hongkou_shop"]
    with pytest.raises(OutOfScope):
        services.permit_submit(
            make.manager(), permit_id=elsewhere.pk, expected_version=1, now=MONDAY
        )
    with pytest.raises(OutOfScope):
        services_records.analysis_record(
            make.manager(),
            permit_id=elsewhere.pk,
            data={"taken_at": MONDAY, "point": "罐内", "analyst": "赵", "lel_percent": "5"},
            now=MONDAY,
        )


def test_the_open_permits_are_read_through_the_scope(permits):
    for permit in permits.values():
        make.submit(permit, by=world.actor("admin"))
        make.sign_all(permit, by=world.actor("admin"))
    for actor, expected in world.VISIBLE.items():
        places = set(selectors.open_permits(world.actor(actor)).values_list("place", flat=True))
        assert places == {f"{name}作业点" for name in expected}, actor
