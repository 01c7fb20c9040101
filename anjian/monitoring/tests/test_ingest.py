"""The ingest as integrators meet it: valid readings stored, every bad one dead-lettered
with its reason, nothing valid lost, nothing stored twice, alarms raised as data arrives."""

import json
from datetime import timedelta

import pytest
from django.core.cache import cache

from anjian.core.models import Notification
from anjian.monitoring import ingest
from anjian.monitoring.choices import AlarmState, DeviceState, QualityKind, RejectReason
from anjian.monitoring.models import (
    Alarm,
    BreachState,
    DeadLetter,
    Device,
    LatestReading,
    QualityFlag,
    Reading,
    TelemetryAuthFailure,
)
from anjian.monitoring.tests.factories import (
    device,
    group,
    metric,
    now_ish,
    payload,
    send,
    threshold,
)
from testsupport import world


@pytest.fixture(autouse=True)
def fresh_registry():
    ingest.registry.clear()
    yield
    ingest.registry.clear()


def reasons() -> list[str]:
    return sorted(DeadLetter.objects.values_list("reason", flat=True))


def test_a_message_of_several_metrics_is_stored_with_the_latest_values(db):
    tank = device()
    t = now_ish() - timedelta(minutes=1)

    result = send(tank, group(t, level=3.2, temp=21.5), group(t + timedelta(seconds=10), level=3.3))

    assert (result.stored, result.rejected) == (3, 0)
    assert Reading.objects.filter(device=tank).count() == 3
    latest = {r.metric.code: r.value for r in LatestReading.objects.filter(device=tank)}
    assert latest == {"level": 3.3, "temp": 21.5}
    tank.refresh_from_db()
    assert tank.state == DeviceState.ONLINE and tank.last_seen_at is not None


def test_a_gateway_message_carries_several_devices(db):
    one, two = device("TK-1"), device("TK-2")
    t = now_ish() - timedelta(minutes=1)

    result = send(one, group(t, "TK-1", level=1.0), group(t, "TK-2", level=2.0), gateway=True)

    assert result.stored == 2
    assert {r.device_id for r in Reading.objects.all()} == {one.pk, two.pk}


def test_redelivery_stores_nothing_twice_and_says_so(db):
    tank = device()
    t = now_ish() - timedelta(minutes=1)
    send(tank, group(t, level=3.2, temp=20.0))

    again = send(tank, group(t, level=3.2, temp=20.0))

    assert again.stored == 0
    assert Reading.objects.count() == 2
    assert reasons() == [RejectReason.DUPLICATE, RejectReason.DUPLICATE]


def test_every_kind_of_bad_input_is_dead_lettered_and_the_valid_rest_is_kept(db):
    tank = device()
    other = device("TK-OTHER", enterprise="pingliang_factory")
    device("TK-OFF", is_active=False)
    t = now_ish() - timedelta(minutes=1)
    good = group(t, "TK-101", level=3.0)
    messages = [
        ingest.Message(
            "mqtt",
            f"anjian/v1/{tank.enterprise.credit_code}/gateway/telemetry",
            payload(
                good,
                group(t, "TK-NOPE", level=1.0),  # unknown device
                group(t, "TK-OFF", level=1.0),  # inactive device
                group(t, "TK-OTHER", level=1.0),  # another enterprise's device
                group(t, "TK-101", colour=3),  # unknown metric
                group(t + timedelta(seconds=1), "TK-101", level=99.0),  # > 30 m
                group(t + timedelta(seconds=2), "TK-101", level="high"),  # not a number
                {"device": "TK-101", "ts": "yesterday", "values": {"level": 1}},
                {"device": "TK-101", "ts": "2026-12-01T08:00:00", "values": {"level": 1}},
                group(t + timedelta(days=2), "TK-101", level=1.0),  # future
                group(t - timedelta(days=800), "TK-101", level=1.0),  # too old
                group(t, "TK-101", temp=25.0),  # valid, same message
            ),
        ),
        ingest.Message("mqtt", "anjian/v1/x/telemetry", payload(good)),  # bad topic
        ingest.Message(
            "mqtt", f"anjian/v1/{tank.enterprise.credit_code}/TK-101/telemetry", b"{not json"
        ),
        ingest.Message(
            "mqtt",
            f"anjian/v1/{tank.enterprise.credit_code}/TK-101/telemetry",
            json.dumps({"readings": []}).encode(),
        ),
    ]

    result = ingest.accept(messages)

    assert result.stored == 2  # level and temp of TK-101 at t
    assert {(r.metric.code, r.value) for r in Reading.objects.select_related("metric")} == {
        ("level", 3.0),
        ("temp", 25.0),
    }
    assert reasons() == sorted(
        [
            RejectReason.UNKNOWN_DEVICE,
            RejectReason.INACTIVE_DEVICE,
            RejectReason.TOPIC_MISMATCH,
            RejectReason.UNKNOWN_METRIC,
            RejectReason.OUT_OF_RANGE,
            RejectReason.BAD_VALUE,
            RejectReason.BAD_TIMESTAMP,
            RejectReason.BAD_TIMESTAMP,
            RejectReason.FUTURE_TIMESTAMP,
            RejectReason.TOO_OLD,
            RejectReason.MALFORMED,
            RejectReason.MALFORMED,
            RejectReason.MALFORMED,
        ]
    )
    letter = DeadLetter.objects.get(reason=RejectReason.OUT_OF_RANGE)
    assert letter.device_code == "TK-101" and letter.metric_code == "level"
    assert "99" in letter.detail and "0–30" in letter.detail
    assert DeadLetter.objects.get(reason=RejectReason.UNKNOWN_DEVICE).device_code == "TK-NOPE"
    assert "时区" in DeadLetter.objects.filter(reason=RejectReason.BAD_TIMESTAMP)[1].detail or (
        "时区" in DeadLetter.objects.filter(reason=RejectReason.BAD_TIMESTAMP)[0].detail
    )
    assert not Reading.objects.filter(device=other).exists()
    # The impossible value is a data-quality finding on the device.
    assert QualityFlag.objects.filter(device=tank, kind=QualityKind.IMPOSSIBLE).count() == 1


def test_a_non_positive_value_of_a_positive_only_metric_is_stored_but_flagged(db):
    tank = device()
    t = now_ish() - timedelta(minutes=1)

    send(tank, group(t, level=0.0))
    send(tank, group(t + timedelta(seconds=10), level=0.0))

    assert Reading.objects.count() == 2
    flags = QualityFlag.objects.filter(device=tank, kind=QualityKind.IMPOSSIBLE)
    assert flags.count() == 1 and flags.get().metric == metric("tank", "level")


def test_crossing_a_threshold_raises_one_alarm_and_tells_the_duty_people(db):
    tank = device()
    threshold(tank, value=8.0, hysteresis=0.5)
    t = now_ish() - timedelta(minutes=5)

    first = send(tank, group(t, level=7.0), group(t + timedelta(seconds=10), level=8.4))
    more = send(tank, group(t + timedelta(seconds=20), level=8.6))

    assert len(first.raised) == 1 and more.raised == []
    alarm = Alarm.objects.get()
    assert (alarm.state, alarm.value, alarm.limit) == (AlarmState.ACTIVE, 8.4, 8.0)
    assert alarm.raised_at == t + timedelta(seconds=10)
    assert alarm.scope_region_code == tank.scope_region_code
    manager = world.actor("enterprise_manager")
    assert Notification.objects.filter(recipient=manager, kind="alarm_raised").count() == 1
    assert BreachState.objects.get().peak == 8.6

    back = send(tank, group(t + timedelta(seconds=30), level=7.2))

    assert [a.pk for a in back.recovered] == [alarm.pk]
    alarm.refresh_from_db()
    assert alarm.recovered_at == t + timedelta(seconds=30)
    assert alarm.state == AlarmState.ACTIVE  # still to be acknowledged and disposed
    assert not BreachState.objects.exists()


def test_a_breach_that_raises_and_recovers_inside_one_batch_leaves_a_recovered_alarm(db):
    tank = device()
    threshold(tank, value=8.0)
    t = now_ish() - timedelta(minutes=5)

    result = send(tank, group(t, level=9.0), group(t + timedelta(seconds=10), level=5.0))

    assert len(result.raised) == 1 and len(result.recovered) == 1
    assert Alarm.objects.get().recovered_at == t + timedelta(seconds=10)


def test_a_threshold_with_a_duration_waits_across_batches(db):
    tank = device()
    threshold(tank, value=8.0, min_duration_seconds=30)
    t = now_ish() - timedelta(minutes=5)

    for i in range(3):
        send(tank, group(t + timedelta(seconds=10 * i), level=8.5))
    assert not Alarm.objects.exists()
    send(tank, group(t + timedelta(seconds=30), level=8.5))

    assert Alarm.objects.get().breach_since == t


def test_redelivered_breaching_readings_raise_nothing_more(db):
    tank = device()
    threshold(tank, value=8.0)
    t = now_ish() - timedelta(minutes=5)
    send(tank, group(t, level=9.0))

    send(tank, group(t, level=9.0))

    assert Alarm.objects.count() == 1


# --- HTTP ----------------------------------------------------------------------------------


def post(client, code, body, token, **extra):
    headers = {"X-Device-Token": token} if token else {}
    return client.post(
        f"/api/v1/monitoring/devices/{code}/telemetry",
        body if isinstance(body, bytes) else json.dumps(body),
        content_type="application/json",
        headers=headers,
        **extra,
    )


def test_http_ingest_with_the_device_token(client, db):
    from anjian.monitoring.tests.factories import device_with_token

    tank, token = device_with_token()
    t = now_ish() - timedelta(minutes=1)

    response = post(client, "TK-101", {"readings": [group(t, level=3.0, colour=1)]}, token)

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["stored"], body["rejected"]) == (1, 1)
    assert body["rejects"][0]["reason"] == "unknown_metric"
    assert body["rejects"][0]["metric"] == "colour"
    assert Reading.objects.filter(device=tank).count() == 1


@pytest.fixture
def refusal_window():
    """A clean per-address failure count (the cache outlives a test's transaction)."""
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("token", ["", "dv_wrong"])
def test_http_ingest_without_the_right_token_is_401_and_counted_not_stored(
    client, db, token, refusal_window
):
    device()
    t = now_ish() - timedelta(minutes=1)

    response = post(client, "TK-101", {"readings": [group(t, level=3.0)]}, token)

    assert response.status_code == 401
    assert response.json() == {"detail": "设备编码或令牌错误"}
    assert not DeadLetter.objects.exists()  # the body is not kept
    failure = TelemetryAuthFailure.objects.get()
    assert (failure.source, failure.device_code, failure.reason, failure.count) == (
        "127.0.0.1",
        "TK-101",
        RejectReason.BAD_TOKEN,
        1,
    )
    assert not Reading.objects.exists()


def test_http_ingest_for_an_unknown_device_is_401_and_counted(client, db, refusal_window):
    for _ in range(3):
        response = post(client, "TK-404", {"readings": []}, "dv_x")
        assert response.status_code == 401
    post(client, "TK-405", {"readings": []}, "dv_x")

    counts = dict(TelemetryAuthFailure.objects.values_list("device_code", "count"))
    assert counts == {"TK-404": 3, "TK-405": 1}
    assert set(TelemetryAuthFailure.objects.values_list("reason", flat=True)) == {
        RejectReason.UNKNOWN_DEVICE
    }
    assert not DeadLetter.objects.exists()


def test_an_address_that_keeps_failing_is_answered_429_without_a_write(
    client, db, settings, refusal_window, django_assert_num_queries
):
    from anjian.monitoring.tests.factories import device_with_token

    settings.TELEMETRY_AUTH_FAILURES_PER_MINUTE = 5
    _tank, token = device_with_token()
    t = now_ish() - timedelta(minutes=1)
    statuses = [post(client, f"TK-{n}", {"readings": []}, "dv_x").status_code for n in range(7)]
    assert statuses == [401] * 5 + [429] * 2
    assert sum(TelemetryAuthFailure.objects.values_list("count", flat=True)) == 5
    with django_assert_num_queries(0):
        assert post(client, "TK-999", b"x" * 2000, "dv_x").status_code == 429
    # Another address is not affected, and a device with its token is never limited.
    other = post(client, "TK-1", {"readings": []}, "dv_x", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 401
    good = post(client, "TK-101", {"readings": [group(t, level=3.0)]}, token)
    assert good.status_code == 200


def test_a_body_nested_thousands_deep_is_dead_lettered_not_a_server_error(client, db):
    from anjian.monitoring.tests.factories import device_with_token

    _tank, token = device_with_token()
    nested = b'{"readings": ' + b"[" * 5000 + b"]" * 5000 + b"}"

    response = post(client, "TK-101", nested, token)

    assert response.status_code == 200
    assert response.json()["rejects"][0]["reason"] == "malformed"
    assert DeadLetter.objects.get().detail == "报文嵌套过深，无法解析"


def test_http_ingest_with_malformed_json_keeps_nothing_and_says_why(client, db):
    from anjian.monitoring.tests.factories import device_with_token

    _tank, token = device_with_token()

    response = post(client, "TK-101", b'{"readings": [', token)

    assert response.status_code == 200
    assert response.json()["rejects"][0]["reason"] == "malformed"
    assert reasons() == [RejectReason.MALFORMED]


def test_a_new_token_replaces_the_old_one(client, db):
    from anjian.monitoring import services
    from anjian.monitoring.tests.factories import device_with_token

    tank, old = device_with_token()
    new = services.device_issue_token(by=world.actor("district_official"), device_id=tank.pk)
    ingest.registry.clear()
    t = now_ish() - timedelta(minutes=1)

    assert post(client, "TK-101", {"readings": [group(t, level=3.0)]}, old).status_code == 401
    assert post(client, "TK-101", {"readings": [group(t, level=3.0)]}, new).status_code == 200
    assert Device.objects.get(pk=tank.pk).token_matches(new)
