"""The demo's alarms do not pile up unhandled (issue 11, item 20): the demo gives every
equipped enterprise a synthetic on-duty account, and the simulator's duty persons
acknowledge and dispose part of the alarms — older ones all, recent ones partly — through
the alarm services (compare-and-set, a transition record each, the duty person as actor),
deterministically for a seed, never as a human demo account."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from anjian.monitoring import fixtures, ingest, services, simulator
from anjian.monitoring.choices import AlarmCause, AlarmState
from anjian.monitoring.models import Alarm, AlarmEvent, DutyPerson
from anjian.monitoring.simulator import duty
from anjian.monitoring.tests.factories import device, metric
from testsupport import world

SEED = 7
START = 1_780_000_000.0  # 2026-05-28 (the generator is a function of time; any moment will do)
HOURS = 5


@pytest.fixture(autouse=True)
def fresh_registry():
    ingest.registry.clear()
    yield
    ingest.registry.clear()


def build(seed: int = 1) -> list:
    return fixtures.build_demo_devices(
        by=world.actor("admin"),
        enterprises=[world.enterprise(name) for name in world.ENTERPRISES],
        rng=random.Random(seed),
        manager_username="enterprise_manager",
        everyone=True,
    )


def duty_user(name: str):
    return DutyPerson.objects.get(
        enterprise=world.enterprise(name), user__username__startswith=fixtures.DUTY_PREFIX
    ).user


class Ingest:
    """A transport straight into the real ingest (no broker), as the platform receives."""

    where = "ingest"

    def deliver(self, reports):
        messages = [
            ingest.Message("mqtt", topic, payload)
            for topic, payload, _n in simulator.mqtt_messages(reports)
        ]
        latest = max(datetime.fromisoformat(r.group["ts"]) for r in reports)
        result = ingest.accept(messages, now=latest + timedelta(seconds=1))
        return simulator.Delivery(sent=len(reports), alarms=len(result.raised))


class Clock:
    """Simulated time: each look at the clock is ``step`` seconds later."""

    def __init__(self, start: float, step: float):
        self.now, self.step = start - step, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


@pytest.fixture
def simulated_run(db, monkeypatch):
    """The demo's devices built, then five simulated hours of the misbehaving tank (the
    demo manager's, the first device) through the runner with the duty desk every minute."""
    created = build()
    specs = simulator.load_devices(codes=[d.code for d in created])
    tank = specs[0]
    gen = simulator.Generator([tank], seed=SEED)
    assert simulator.MISBEHAVE in gen.roles(0)
    monkeypatch.setattr(simulator.Runner, "TICK", 0)
    desk = simulator.DutyDesk(seed=SEED, device_ids=[tank.pk], out=lambda line: None)
    runner = simulator.Runner(
        gen,
        Ingest(),
        rate=0.05,  # the tank every 20 s (its spikes still last several readings)
        duration=HOURS * 3600,
        report_every=3600,
        out=lambda line: None,
        clock=Clock(START, 20),
        duty=desk,
        duty_every=60,
    )
    stats = runner.run()
    end = datetime.fromtimestamp(START + HOURS * 3600, UTC)
    return stats, end, Alarm.objects.filter(device__code=tank.code).order_by("raised_at")


def test_every_equipped_enterprise_gets_a_synthetic_duty_person(db):
    created = build()
    equipped = {d.enterprise_id for d in created}
    staff = DutyPerson.objects.filter(user__username__startswith=fixtures.DUTY_PREFIX)

    assert {p.enterprise_id for p in staff} == equipped
    for person in staff.select_related("user", "user__enterprise_link"):
        assert person.is_active and person.phone
        assert person.user.username == fixtures.duty_username(person.enterprise_id)
        assert person.user.enterprise_link.enterprise_id == person.enterprise_id
        assert not person.user.has_usable_password()  # acted as, never logged in as
        assert 2 <= len(person.user.name) <= 4  # a Chinese name
    # The human demo manager stays on duty beside them.
    assert DutyPerson.objects.filter(user=world.actor("enterprise_manager")).exists()


def test_a_second_build_adds_no_duty_person(db):
    build()
    count = DutyPerson.objects.count()
    build()
    build(seed=2)
    assert DutyPerson.objects.count() == count


def test_the_simulated_run_leaves_older_alarms_handled_and_recent_ones_partly_open(
    simulated_run,
):
    stats, end, alarms = simulated_run
    person = duty_user("yinhang_chemical")
    assert alarms.count() >= 30  # three a 20-minute round

    older = [a for a in alarms if a.raised_at < end - timedelta(hours=4, minutes=10)]
    recent = [a for a in alarms if a.raised_at >= end - timedelta(hours=1)]
    assert older and all(a.state == AlarmState.DISPOSED for a in older)
    assert any(a.state in (AlarmState.ACTIVE, AlarmState.ACKNOWLEDGED) for a in recent)
    assert any(
        a.state == AlarmState.DISPOSED
        for a in alarms.filter(raised_at__gte=end - timedelta(hours=2))
    )
    states = {a.state for a in alarms}
    assert states >= {AlarmState.DISPOSED, AlarmState.ACTIVE}
    handled = [a for a in alarms if a.state != AlarmState.ACTIVE]
    assert {a.acknowledged_by for a in handled} == {person}
    assert {a.disposed_by for a in alarms if a.state == AlarmState.DISPOSED} == {person}
    assert stats.acknowledged == len(handled)
    assert stats.disposed == alarms.filter(state=AlarmState.DISPOSED).count()
    # The human demo manager is on duty there too, and the simulator never acts as them.
    manager = world.actor("enterprise_manager")
    assert DutyPerson.objects.filter(user=manager, is_active=True).exists()
    assert not AlarmEvent.objects.filter(by=manager).exists()


def test_every_handled_alarm_has_its_transition_records_and_a_note_that_fits(simulated_run):
    """确认 then 处置, each a record by the duty person; the cause and note fit a tank's
    level (the metric the tank drives over its limits), given once the value came back."""
    _stats, _end, alarms = simulated_run
    person = duty_user("yinhang_chemical")
    for alarm in alarms:
        moves = [
            (e.action, e.from_state, e.to_state, e.by)
            for e in AlarmEvent.objects.filter(alarm=alarm).exclude(to_state="").order_by("id")
        ]
        expected = []
        if alarm.state != AlarmState.ACTIVE:
            expected.append(("acknowledge", AlarmState.ACTIVE, AlarmState.ACKNOWLEDGED, person))
        if alarm.state == AlarmState.DISPOSED:
            expected.append(("dispose", AlarmState.ACKNOWLEDGED, AlarmState.DISPOSED, person))
        assert moves == expected, alarm.pk
        assert alarm.version == 1 + len(expected) + (alarm.recovered_at is not None)
    fitting = {(cause, note) for _w, cause, note in duty.DISPOSALS["tank", "level"]}
    disposed = [a for a in alarms if a.state == AlarmState.DISPOSED]
    assert disposed
    for alarm in disposed:
        assert (alarm.cause, alarm.disposal_note) in fitting
        assert alarm.recovered_at is not None and alarm.recovered_at <= alarm.disposed_at
        event = alarm.events.get(action="dispose")
        assert event.reason == f"{AlarmCause(alarm.cause).label}：{alarm.disposal_note}"
    assert len({a.cause for a in disposed}) > 1  # not every alarm the same story


# --- duty rounds on their own ------------------------------------------------------------------


def open_alarm(dev, *, raised_at: datetime, recovered: bool = True) -> Alarm:
    """An alarm of ``dev`` raised at ``raised_at`` on its first limit (made directly)."""
    measured = next(m for m in dev.device_type.metrics.all() if dev.thresholds.filter(metric=m))
    limit = dev.thresholds.filter(metric=measured).order_by("id").first()
    return Alarm.objects.create(
        device=dev,
        metric=measured,
        threshold=limit,
        enterprise=dev.enterprise,
        scope_region_code=dev.scope_region_code,
        industry_id=dev.industry_id,
        level=limit.level,
        limit=limit.value,
        value=limit.value + 1,
        peak=limit.value + 1,
        breach_since=raised_at,
        raised_at=raised_at,
        recovered_at=raised_at + timedelta(minutes=2) if recovered else None,
    )


@pytest.fixture
def demo(db):
    return {d.code: d for d in build()}


def test_each_enterprise_s_alarms_are_handled_by_its_own_duty_person(demo):
    now = datetime(2026, 5, 28, 12, tzinfo=UTC)
    alarms = [
        open_alarm(d, raised_at=now - timedelta(hours=6))
        for d in demo.values()
        if d.thresholds.exists()
    ]
    handled = duty.duty_round(now=now, seed=SEED, device_ids=[d.pk for d in demo.values()])

    assert handled.disposed == len(alarms)
    for alarm in alarms:
        alarm.refresh_from_db()
        assert alarm.state == AlarmState.DISPOSED
        assert alarm.disposed_by == alarm.acknowledged_by
        assert (
            alarm.disposed_by
            == DutyPerson.objects.get(
                enterprise=alarm.enterprise, user__username__startswith=fixtures.DUTY_PREFIX
            ).user
        )
    assert len({a.enterprise_id for a in alarms}) >= 3  # 殷行化工, 殷行建设, 虹口超市


def test_a_second_round_at_the_same_moment_does_nothing(demo):
    now = datetime(2026, 5, 28, 12, tzinfo=UTC)
    devices = [d for d in demo.values() if d.thresholds.exists()]
    for hours in (0.02, 0.5, 1, 2, 6):
        for d in devices:
            open_alarm(d, raised_at=now - timedelta(hours=hours))
    ids = [d.pk for d in devices]
    first = duty.duty_round(now=now, seed=SEED, device_ids=ids)
    assert first.acknowledged and first.disposed
    events = AlarmEvent.objects.count()

    again = duty.duty_round(now=now, seed=SEED, device_ids=ids)
    assert (again.acknowledged, again.disposed) == (0, 0)
    assert AlarmEvent.objects.count() == events


def test_the_same_seed_handles_the_same_alarms_the_same_way(demo):
    now = datetime(2026, 5, 28, 12, tzinfo=UTC)
    tank = demo[next(code for code in demo if code.startswith("TK-"))]
    alarms = [
        Alarm.objects.select_related("device__device_type", "metric").get(
            pk=open_alarm(tank, raised_at=now - timedelta(minutes=7 * n)).pk
        )
        for n in range(1, 40)
    ]
    plans = [duty.plan(a, SEED) for a in alarms]
    assert plans == [duty.plan(a, SEED) for a in alarms]
    assert plans != [duty.plan(a, SEED + 1) for a in alarms]
    speeds = [p.acknowledge_after for p in plans]
    assert min(speeds) < 5 * 60 and max(speeds) > 60 * 60  # prompt ones and late ones


def test_an_alarm_a_human_acknowledged_keeps_their_name(demo):
    now = datetime(2026, 5, 28, 12, tzinfo=UTC)
    tank = demo[next(code for code in demo if code.startswith("TK-"))]
    alarm = open_alarm(tank, raised_at=now - timedelta(hours=6))
    manager = world.actor("enterprise_manager")
    services.alarm_acknowledge(by=manager, alarm_id=alarm.pk, expected_version=alarm.version)

    duty.duty_round(now=now, seed=SEED, device_ids=[tank.pk])

    alarm.refresh_from_db()
    assert alarm.state == AlarmState.DISPOSED
    assert alarm.acknowledged_by == manager
    assert alarm.disposed_by == duty_user("yinhang_chemical")


def test_an_unrecovered_alarm_waits_for_its_value_before_disposal(demo):
    raised = datetime(2026, 5, 28, 8, tzinfo=UTC)
    tank = demo[next(code for code in demo if code.startswith("TK-"))]
    alarm = open_alarm(tank, raised_at=raised, recovered=False)
    step = duty.plan(
        Alarm.objects.select_related("device__device_type", "metric").get(pk=alarm.pk), SEED
    )
    due = raised + timedelta(seconds=step.dispose_after + 60)

    duty.duty_round(now=due, seed=SEED, device_ids=[tank.pk])
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.ACKNOWLEDGED  # the value is still beyond its limit

    later = due + timedelta(seconds=duty.UNRECOVERED_GRACE)
    duty.duty_round(now=later, seed=SEED, device_ids=[tank.pk])
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.DISPOSED  # not left open for ever


def test_alarms_of_devices_not_driven_and_enterprises_without_staff_are_left_alone(demo):
    now = datetime(2026, 5, 28, 12, tzinfo=UTC)
    tank = demo[next(code for code in demo if code.startswith("TK-"))]
    driven = open_alarm(tank, raised_at=now - timedelta(hours=6))
    other = device("TK-X", enterprise="pingliang_factory")  # no synthetic duty person there
    services.threshold_set(
        by=world.actor("district_official"),
        device_id=other.pk,
        metric_id=metric("tank", "level").pk,
        level="high",
        value=8.0,
    )
    unstaffed = open_alarm(other, raised_at=now - timedelta(hours=6))
    not_driven_tank = next(d for d in demo.values() if d.code.startswith("TK-") and d != tank)
    not_driven = open_alarm(not_driven_tank, raised_at=now - timedelta(hours=6))

    duty.duty_round(now=now, seed=SEED, device_ids=[tank.pk, other.pk])

    states = {
        a.pk: a.state for a in Alarm.objects.filter(pk__in=[driven.pk, unstaffed.pk, not_driven.pk])
    }
    assert states == {
        driven.pk: AlarmState.DISPOSED,
        unstaffed.pk: AlarmState.ACTIVE,
        not_driven.pk: AlarmState.ACTIVE,
    }


def test_the_runner_calls_the_duty_desk_at_the_start_and_then_every_so_often(monkeypatch):
    calls = []

    def desk(t: float) -> simulator.Handled:
        calls.append(t)
        return simulator.Handled(acknowledged=1, disposed=2)

    class Quiet:
        def deliver(self, reports):
            return simulator.Delivery(sent=len(reports))

    level = simulator.MetricSpec("level", 0, 20, False, (simulator.Limit("high", 8.0, 0.1),))
    spec = simulator.DeviceSpec("SIM-1", "91310000000000000X", "tank", (level,))
    monkeypatch.setattr(simulator.Runner, "TICK", 0)
    lines = []
    stats = simulator.Runner(
        simulator.Generator([spec]),
        Quiet(),
        rate=1,
        duration=300,
        clock=Clock(START, 1),
        duty=desk,
        duty_every=60,
        report_every=0,
        out=lines.append,
    ).run()

    assert calls == [START + 1 + 60 * n for n in range(5)]  # the first turn, then each minute
    assert (stats.acknowledged, stats.disposed) == (5, 10)
    assert "值班人员确认 5、处置 10" in lines[-1]
