"""The simulator: a pure generator whose readings stay valid, alarm only where meant to,
fall silent and flat-line on schedule; its messages pass the real ingest; its runner
and transports keep going when the other end is away."""

import json
import random
import socket
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from anjian.monitoring import broker, catalog, engine, fixtures, ingest, simulator
from anjian.monitoring.models import Alarm, Device, Reading
from anjian.monitoring.simulator import (
    FLAT,
    IMPOSSIBLE,
    MISBEHAVE,
    SILENT,
    DeviceSpec,
    Generator,
    Limit,
    MetricSpec,
)
from anjian.monitoring.tests.factories import device, threshold
from testsupport import world
from testsupport.brokers import INGEST_PASSWORD, INGEST_USER, mqtt_client

T0 = 1_780_000_000.0  # 2026-05-28, any moment will do: the generator is a function of time
KINDS = [code for code, _name, _category, _metrics in catalog.DEVICE_TYPES]
VALID = {
    (kind, code): (low, high, positive)
    for kind, _name, _category, metrics in catalog.DEVICE_TYPES
    for code, _m_name, _unit, low, high, positive, _seconds in metrics
}
BINARY = {key for key, (low, high, _positive) in VALID.items() if (low, high) == (0, 1)}


@pytest.fixture(autouse=True)
def fresh_registry():
    ingest.registry.clear()
    yield
    ingest.registry.clear()


def spec(kind: str, n: int, rng: random.Random) -> DeviceSpec:
    """A device of ``kind`` with the demo's typical thresholds (``fixtures.KITS``)."""
    kit = fixtures.KITS[kind](rng, 1)
    metrics = tuple(
        MetricSpec(
            code,
            low,
            high,
            positive,
            tuple(Limit(x.level, x.value, x.hysteresis) for x in kit.limits if x.metric == code),
        )
        for (k, code), (low, high, positive) in VALID.items()
        if k == kind
    )
    return DeviceSpec(
        code=f"SIM-{n:03d}", credit_code="91310110TEST0000X", kind=kind, metrics=metrics
    )


def fleet() -> Generator:
    """80 devices in blocks of ten of one kind, so every kind has every role."""
    rng = random.Random(7)
    return Generator([spec(KINDS[(i // 10) % len(KINDS)], i, rng) for i in range(80)], seed=3)


def samples(gen: Generator, index: int, *, seconds: int, step: int = 10):
    return [(T0 + s, gen.values(index, T0 + s)) for s in range(0, seconds, step)]


def rules(gen: Generator, index: int, metric_code: str, min_duration: int = 30):
    """The engine's rules for one metric's limits (all with ``min_duration``)."""
    metric = next(m for m in gen.devices[index].metrics if m.code == metric_code)
    return [
        engine.Rule(n, index, 0, x.level, x.value, x.hysteresis, timedelta(seconds=min_duration))
        for n, x in enumerate(metric.limits)
    ]


def events(rule: engine.Rule, series) -> list[str]:
    """RAISE/RECOVER events the real engine step makes of a (t, value) series."""
    breach, found = None, []
    for t, value in series:
        breach, event = engine.step(rule, breach, datetime.fromtimestamp(t, UTC), value)
        if event:
            found.append(event)
    return found


# --- the generator -----------------------------------------------------------------------------


def test_roles_come_from_the_position_in_the_device_list():
    assert simulator.roles_for(0) == {MISBEHAVE}
    assert simulator.roles_for(5) == {SILENT}
    assert simulator.roles_for(7) == {FLAT}
    assert simulator.roles_for(13) == {IMPOSSIBLE}
    assert simulator.roles_for(13, has_positive_metric=False) == set()
    assert simulator.roles_for(17) == set()


def test_the_generator_is_a_pure_function_of_devices_seed_and_time():
    one, two = fleet(), fleet()

    assert [one.values(i, T0 + 123.4) for i in range(80)] == [
        two.values(i, T0 + 123.4) for i in range(80)
    ]
    other = Generator(one.devices, seed=4)
    assert [one.values(i, T0) for i in range(1, 5)] != [other.values(i, T0) for i in range(1, 5)]


def test_values_stay_within_each_metrics_valid_range_except_the_deliberate_impossible_ones():
    gen = fleet()
    impossible = 0
    for index, dev in enumerate(gen.devices):
        metrics = {m.code: m for m in dev.metrics}
        for t, values in samples(gen, index, seconds=7200):
            if values is None:
                continue
            assert set(values) == set(metrics)
            for code, value in values.items():
                metric = metrics[code]
                assert metric.min_valid <= value <= metric.max_valid, (dev.code, code, value)
                if metric.positive_only and value <= 0:
                    assert gen.impossible(index, t), (dev.code, code, t)
                    impossible += 1
    assert impossible >= len(gen.indices(IMPOSSIBLE)) * 7  # 8 windows in 2 h, a few missed


def test_well_behaved_devices_never_breach_a_threshold():
    gen = fleet()
    for index, dev in enumerate(gen.devices):
        if MISBEHAVE in gen.roles(index):
            continue
        series = [
            (t, values)
            for t, values in samples(gen, index, seconds=7200, step=7)
            if values is not None and not gen.impossible(index, t)
        ]
        for metric in dev.metrics:
            for rule in rules(gen, index, metric.code):
                assert not any(rule.breaching(v[metric.code]) for _t, v in series), (
                    dev.code,
                    metric.code,
                )


def test_the_misbehaving_devices_cross_their_limits_long_enough_to_alarm_and_recover():
    gen = fleet()
    misbehaving = gen.indices(MISBEHAVE)
    assert len(misbehaving) == 8
    assert {gen.devices[i].kind for i in misbehaving} == set(KINDS)
    for index in misbehaving:
        code = gen.driven_metric(index)
        series = [(t, v[code]) for t, v in samples(gen, index, seconds=2 * 1200)]
        limits = rules(gen, index, code)
        uppers = sorted((r for r in limits if r.upper), key=lambda r: r.value)
        lowers = sorted((r for r in limits if not r.upper), key=lambda r: -r.value)
        first, *second = uppers or lowers
        found = events(first, series)
        # Two 20-minute rounds of a long breach and two short ones (plus one under way at
        # the start; the last may be cut short by the end of the window).
        assert 5 <= found.count(engine.RAISE) <= 7, (gen.devices[index].code, found)
        assert found.count(engine.RECOVER) >= found.count(engine.RAISE) - 1
        for rule in second[:1]:  # the long breach also passes the second limit
            assert 1 <= events(rule, series).count(engine.RAISE) <= 3, gen.devices[index].code


def test_silent_devices_send_nothing_for_ten_minutes_in_every_forty():
    gen = fleet()
    for index in range(len(gen.devices)):
        missing = [values is None for _t, values in samples(gen, index, seconds=2400)]
        if SILENT in gen.roles(index):
            assert sum(missing) == 60  # 600 s of 2400, at a 10-s step
            text = "".join("x" if m else "." for m in missing * 2)
            assert "x" * 60 in text  # in one stretch (the window may wrap round)
        else:
            assert not any(missing)


def longest_run(items) -> int:
    best = run = 0
    previous = object()
    for item in items:
        run = run + 1 if item == previous else 1
        best, previous = max(best, run), item
    return best


def test_flat_lining_devices_repeat_the_same_values_and_the_others_keep_moving():
    gen = fleet()
    for index, dev in enumerate(gen.devices):
        series = [v for _t, v in samples(gen, index, seconds=3600) if v is not None]
        if FLAT in gen.roles(index):
            assert longest_run(series) >= 145  # 25 min at 10 s: the flat-line sweep sees 60
            continue
        for metric in dev.metrics:
            if (dev.kind, metric.code) in BINARY:
                continue
            assert longest_run([v[metric.code] for v in series]) < 20, (dev.code, metric.code)


def test_a_report_is_a_reading_group_with_an_offset_timestamp():
    gen = fleet()
    report = gen.report(1, T0 + 0.25)

    assert report["device"] == "SIM-001"
    assert ingest.parse_ts(report["ts"]) == datetime.fromtimestamp(T0 + 0.25, UTC)
    assert report["ts"].endswith("+08:00")
    assert set(report["values"]) == {"level", "temp", "pressure"}


# --- the runner and the HTTP transport (no database) -------------------------------------------


class Recorder:
    where = "测试"

    def __init__(self, fail: bool = False):
        self.reports, self.fail = [], fail

    def deliver(self, reports):
        if self.fail:
            raise simulator.Unreachable("无法连接 测试")
        self.reports += reports
        return simulator.Delivery(sent=len(reports))


def test_the_runner_sends_rate_reports_per_second_round_robin():
    gen = fleet()
    transport, lines = Recorder(), []

    stats = simulator.Runner(
        gen, transport, rate=40, duration=1.0, report_every=0.3, out=lines.append
    ).run()

    turns = stats.sent + stats.silent
    assert 34 <= turns <= 41
    assert stats.sent == len(transport.reports) and stats.errors == 0
    sent = [int(r.device.code.removeprefix("SIM-")) for r in transport.reports]
    assert sent == sorted(sent)  # in turn, each device once (fewer turns than devices)
    skipped = set(range(turns)) - set(sent)
    assert all(SILENT in gen.roles(i) for i in skipped)
    assert any(line.startswith("已发送") for line in lines)


def test_the_runner_keeps_retrying_when_the_other_end_is_away():
    lines = []

    stats = simulator.Runner(
        fleet(), Recorder(fail=True), rate=20, duration=1.5, out=lines.append
    ).run()

    assert stats.sent == 0 and stats.errors > 0
    assert lines[0] == "无法连接 测试；1 秒后重试"


class Platform(BaseHTTPRequestHandler):
    """A stand-in for the telemetry endpoint: records requests, answers like the API."""

    requests: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Platform.requests.append((self.path, self.headers.get("X-Device-Token"), body))
        token = self.headers.get("X-Device-Token") or ""
        if not token.startswith("dv_") or token == "dv_wrong":
            self.send_response(401)
            self.end_headers()
            self.wfile.write(b'{"detail": "bad token"}')
            return
        answer = json.dumps({"stored": 3, "rejected": 0, "alarms_raised": 1, "rejects": []})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(answer.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def platform():
    Platform.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Platform)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_http_transport_posts_each_report_with_its_device_token(platform):
    gen = fleet()
    reports = [simulator.Report(gen.devices[i], gen.report(i, T0)) for i in (1, 2)]
    notes = []
    transport = simulator.HttpTransport(
        platform + "/", {"SIM-001": "dv_right", "SIM-002": "dv_wrong"}, out=notes.append
    )

    delivery = transport.deliver(reports)

    assert (delivery.sent, delivery.errors, delivery.alarms) == (1, 1, 1)
    path, token, body = Platform.requests[0]
    assert path == "/api/v1/monitoring/devices/SIM-001/telemetry" and token == "dv_right"
    assert json.loads(body) == {"readings": [reports[0].group]}
    assert notes and "HTTP 401" in notes[0]


def test_the_http_transport_says_when_the_platform_cannot_be_reached():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    gen = fleet()
    transport = simulator.HttpTransport(f"http://127.0.0.1:{port}", {"SIM-001": "dv_x"})

    with pytest.raises(simulator.Unreachable, match="无法连接"):
        transport.deliver([simulator.Report(gen.devices[1], gen.report(1, T0))])


def test_the_command_drives_the_devices_over_http_with_fresh_tokens(db, platform, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.MONITORING_REGISTRY_SECONDS = 0
    build_demo_devices()
    out = StringIO()

    call_command(
        "simulate", "--http", platform, "--devices", "3", "--rate", "10", "--duration", "1",
        stdout=out,
    )  # fmt: skip

    text = out.getvalue()
    assert "已为 3 台设备签发新令牌" in text and "模拟 3 台设备" in text and "已停止" in text
    assert "周期性超限" in text
    assert len(Platform.requests) >= 5
    devices = {d.code: d for d in Device.objects.order_by("pk")[:3]}
    for path, token, _body in Platform.requests:
        code = path.split("/")[-2]
        assert devices[code].token_matches(token)


# --- against the database: the real ingest -----------------------------------------------------


def build_demo_devices(seed: int = 1) -> list:
    return fixtures.build_demo_devices(
        by=world.actor("admin"),
        enterprises=[world.enterprise(name) for name in world.ENTERPRISES],
        rng=random.Random(seed),
        manager_username="enterprise_manager",
        everyone=True,
    )


def demo_generator(seed: int = 1) -> Generator:
    created = build_demo_devices(seed)
    return Generator(simulator.load_devices(codes=[d.code for d in created]), seed=seed)


def test_its_messages_are_accepted_by_the_ingest_and_alarm_for_the_misbehaving_devices(db):
    gen = demo_generator()
    count = len(gen.devices)
    misbehaving = {gen.devices[i].code for i in gen.indices(MISBEHAVE)}
    assert gen.devices[0].code in misbehaving  # the demo manager's tank comes first
    start = time.time() - 1400
    rejected = stored = 0

    for step in range(140):  # 23 min at 10 s: more than one misbehaviour round
        t = start + 10 * step
        reports = [
            simulator.Report(gen.devices[i], group)
            for i in range(count)
            if (group := gen.report(i, t + i * 0.01)) is not None
        ]
        result = ingest.accept(
            [
                ingest.Message("mqtt", topic, payload)
                for topic, payload, _n in simulator.mqtt_messages(reports, gateway=True)
            ],
            now=datetime.fromtimestamp(t + 1, UTC),
        )
        rejected += result.rejected
        stored += result.stored

    assert rejected == 0 and stored > 0
    alarms = Alarm.objects.filter(device__code__in=[d.code for d in gen.devices])
    assert {a.device.code for a in alarms} == misbehaving
    assert alarms.filter(recovered_at__isnull=False).exists()
    assert alarms.filter(level__in=["high_high", "low_low"]).exists()


def test_the_mqtt_transport_publishes_well_formed_messages_on_a_real_broker(
    mosquitto, db, ingest_account
):
    tag = uuid.uuid4().hex[:6]
    one, two = device(f"SIM-{tag}-1"), device(f"SIM-{tag}-2", kind="gas_lel")
    threshold(one, value=8.0)
    specs = simulator.load_devices(codes=[one.code, two.code])
    logins = simulator.gateway_logins(by=world.actor("admin"), devices=specs)
    broker.write_auth("mosquitto", mosquitto.auth_dir)
    mosquitto.reload()
    received, subscribed = [], threading.Event()
    listener, _reason = mqtt_client(
        mosquitto.mqtt_port, INGEST_USER, INGEST_PASSWORD, client_id=f"pytest-sim-sub-{tag}"
    )
    listener.on_subscribe = lambda *args: subscribed.set()
    listener.on_message = lambda c, u, message: received.append((message.topic, message.payload))
    listener.subscribe("anjian/v1/+/+/telemetry", qos=1)
    assert subscribed.wait(5)
    transport = simulator.MqttTransport(mosquitto.url, logins=logins, gateway=True, out=print)
    transport.open()
    try:
        stats = simulator.Runner(Generator(specs), transport, rate=20, duration=2.0).run()
    finally:
        transport.close()
    deadline = time.monotonic() + 5
    while sum(len(json.loads(p)["readings"]) for _t, p in received) < stats.sent:
        assert time.monotonic() < deadline, "the broker did not deliver everything"
        time.sleep(0.05)
    listener.loop_stop()
    listener.disconnect()

    assert stats.sent >= 30 and stats.errors == 0
    credit = one.enterprise.credit_code
    metrics = {s.code: {m.code for m in s.metrics} for s in specs}
    assert {topic for topic, _p in received} == {f"anjian/v1/{credit}/gateway/telemetry"}
    for _topic, payload in received:
        for group in json.loads(payload)["readings"]:
            assert group["device"] in metrics
            assert set(group["values"]) == metrics[group["device"]]
            ingest.parse_ts(group["ts"])
    result = ingest.accept([ingest.Message("mqtt", t, p) for t, p in received])
    assert result.rejected == 0
    assert Reading.objects.filter(device__in=[one, two]).count() == result.stored > 0
