"""Two dispatches of the last free team, the last units of a supply or the last places of
a shelter at the same moment: exactly one wins, the other is a ``Conflict``, and nothing
goes below zero or over capacity.

PostgreSQL: two threads, each on its own connection (Django gives every thread its own),
wait at a barrier and then dispatch for real. What they race for is committed first, from
a thread of its own (a test's transaction is invisible to other connections), and every
row written after the test's start mark is removed afterwards. SQLite serialises writers,
so there the same guarantee is shown on the stale-state path: the loser comes after the
winner has committed and is refused.
"""

import threading

import pytest
from django.db import connection, connections
from django.db.models import Max, Sum

from anjian.core.exceptions import Conflict
from anjian.core.models import Notification
from anjian.emergency import dispatch
from anjian.emergency.choices import ResourceKind
from anjian.emergency.models import (
    Assignment,
    AssignmentTransition,
    CommandLogEntry,
    Incident,
    IncidentTask,
    IncidentTransition,
    PlanActivation,
    RescueTeam,
    Shelter,
    StockMovement,
    Supply,
    Warehouse,
)
from anjian.emergency.tests import factories_incidents as make
from testsupport import world

pytestmark = pytest.mark.django_db

# What a race writes, children before parents (the order they can be deleted in).
WRITTEN = (
    Notification,
    CommandLogEntry,
    StockMovement,
    AssignmentTransition,
    Assignment,
    IncidentTask,
    PlanActivation,
    IncidentTransition,
    Incident,
    Supply,
    Warehouse,
    RescueTeam,
    Shelter,
)
RACERS = {
    # kind: (what is raced for, how much each racer asks for)
    ResourceKind.TEAM: (lambda: make.team(), 1),
    ResourceKind.SUPPLY: (lambda: make.supply(5), 5),  # the last five bags
    ResourceKind.SHELTER: (lambda: make.shelter(capacity=10), 6),  # ten places, six each
}


def in_thread(work):
    """``work()`` on a thread of its own (its own connection, autocommit); its result, or
    its exception raised here."""
    box = {}

    def run():
        try:
            box["value"] = work()
        except BaseException as error:  # handed to the caller
            box["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box.get("value")


@pytest.fixture
def committed():
    """Rows written by other connections during the test are removed after it."""
    marks = in_thread(lambda: {m: m.objects.aggregate(n=Max("pk"))["n"] or 0 for m in WRITTEN})
    yield
    in_thread(lambda: [m.objects.filter(pk__gt=marks[m]).delete() for m in WRITTEN])


def race(kind, incidents, resource, quantity) -> list:
    """Both dispatch at once, each to its own incident; what each got."""
    barrier = threading.Barrier(len(incidents))
    outcomes = [None] * len(incidents)

    def racer(slot: int, incident_id: int):
        def work():
            by = world.actor("district_official")
            barrier.wait(timeout=10)
            try:
                return dispatch.dispatch(
                    by,
                    incident_id=incident_id,
                    kind=kind,
                    resource_id=resource.pk,
                    quantity=quantity,
                )
            except Conflict as conflict:
                return conflict

        outcomes[slot] = in_thread(work)

    threads = [
        threading.Thread(target=racer, args=(slot, incident.pk))
        for slot, incident in enumerate(incidents)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers: PostgreSQL")
@pytest.mark.parametrize("kind", list(RACERS))
def test_two_dispatches_at_once_of_the_last_one_exactly_one_wins(committed, kind):
    build, quantity = RACERS[kind]
    incidents, resource = in_thread(lambda: ([make.responding(), make.responding()], build()))
    outcomes = race(kind, incidents, resource, quantity)
    won = [o for o in outcomes if isinstance(o, Assignment)]
    lost = [o for o in outcomes if isinstance(o, Conflict)]
    assert (len(won), len(lost)) == (1, 1), outcomes
    # what the database holds now (committed by the racers; read from this connection)
    assert Assignment.objects.filter(**{kind.value: resource}).count() == 1
    _assert_within_limits(kind, resource, quantity)


def _assert_within_limits(kind, resource, quantity) -> None:
    resource.refresh_from_db()
    if kind == ResourceKind.TEAM:
        assert resource.readiness == "deployed"
    elif kind == ResourceKind.SUPPLY:
        ledger = StockMovement.objects.filter(supply=resource).aggregate(n=Sum("delta"))["n"]
        assert resource.quantity == 0 == ledger
    else:
        assert resource.occupancy == quantity <= resource.capacity


@pytest.mark.parametrize("kind", list(RACERS))
def test_the_loser_coming_after_the_winner_is_refused(district_official, kind):
    build, quantity = RACERS[kind]
    first, second = make.responding(), make.responding()
    resource = build()
    dispatch.dispatch(
        district_official,
        incident_id=first.pk,
        kind=kind,
        resource_id=resource.pk,
        quantity=quantity,
    )
    with pytest.raises(Conflict):
        dispatch.dispatch(
            district_official,
            incident_id=second.pk,
            kind=kind,
            resource_id=resource.pk,
            quantity=quantity,
        )
    assert Assignment.objects.filter(**{kind.value: resource}).count() == 1
    assert not Assignment.objects.filter(incident=second).exists()
    _assert_within_limits(kind, resource, quantity)
