"""The failure policy of ``consumer.BatchHandler`` (shared by the NATS and Mosquitto
workers), with real database failures: another session holds a table lock and this one
gives up waiting (``lock_timeout``), as it would behind a stuck migration or a deadlock.

A batch that keeps failing is tried a bounded number of times with back-off, then message
by message; a message that fails on its own is dead-lettered and settled (acknowledged);
one that cannot even be dead-lettered stays unsettled, so the broker keeps it."""

from contextlib import contextmanager
from datetime import timedelta

import psycopg
import pytest
from django.db import connection

from anjian.monitoring.choices import RejectReason
from anjian.monitoring.consumer import Backoff, BatchHandler, Delivery
from anjian.monitoring.models import DeadLetter, Reading
from anjian.monitoring.tests.factories import device, group, now_ish, payload, topic

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="table locks with lock_timeout are PostgreSQL's"
)


def deliveries(dev, count: int) -> list[Delivery]:
    t = now_ish() - timedelta(minutes=10)
    return [
        Delivery(topic(dev), payload(group(t + timedelta(seconds=i), level=float(i))), handle=i)
        for i in range(count)
    ]


@contextmanager
def locked(*tables: str):
    """Another session holds these tables; ours waits at most 200 ms for them."""
    settings = connection.settings_dict
    other = psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
    )
    try:
        other.execute(f"LOCK TABLE {', '.join(tables)} IN ACCESS EXCLUSIVE MODE")
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")
        yield
    finally:
        other.rollback()
        other.close()
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")


def test_a_healthy_batch_is_stored_in_one_go_and_settled(db):
    tank = device("CS-1")
    pauses = []
    handled = BatchHandler(sleep=pauses.append).handle(deliveries(tank, 3))
    assert [d.handle for d in handled.settled] == [0, 1, 2]
    assert handled.unsettled == [] and pauses == []
    assert handled.stored == Reading.objects.filter(device=tank).count() == 3


@postgresql_only
def test_a_batch_that_keeps_failing_is_retried_with_back_off_then_dead_lettered(db):
    tank = device("CS-2")
    batch = deliveries(tank, 2)
    pauses = []
    with locked("monitoring_latestreading"):
        handled = BatchHandler(attempts=3, pause=0.1, sleep=pauses.append).handle(batch)
    assert pauses == [0.1, 0.2]  # three attempts, two pauses — then one by one
    assert [d.handle for d in handled.settled] == [0, 1]  # acknowledged: set aside, not lost
    assert handled.unsettled == []
    assert not Reading.objects.filter(device=tank).exists()
    letters = DeadLetter.objects.filter(topic=topic(tank), reason=RejectReason.FAILED)
    assert letters.count() == 2
    assert all("lock timeout" in letter.detail for letter in letters)
    assert {letter.payload for letter in letters} == {d.payload.decode() for d in batch}


@postgresql_only
def test_messages_that_cannot_even_be_dead_lettered_stay_with_the_broker(db):
    tank = device("CS-3")
    with locked("monitoring_latestreading", "monitoring_deadletter"):
        handled = BatchHandler(attempts=2, pause=0, sleep=lambda _s: None).handle(
            deliveries(tank, 3)
        )
    assert handled.settled == []
    assert [d.handle for d in handled.unsettled] == [0, 1, 2]
    assert not DeadLetter.objects.filter(topic=topic(tank)).exists()


def test_back_off_doubles_up_to_its_ceiling_and_starts_again_after_a_success():
    backoff = Backoff(first=1, most=5)
    assert [backoff.next() for _ in range(5)] == [1, 2, 4, 5, 5]
    backoff.reset()
    assert backoff.next() == 1
