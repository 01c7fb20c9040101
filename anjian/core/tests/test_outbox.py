"""The outbox (anjian/core/outbox.py): 直报 messages reach a real HTTPS receiver, signed,
after the commit only, retried with back-off until it answers 2xx.

The receiver is a real HTTPS server in a thread, with a certificate made for the test by
the ``openssl`` command; ``deliver_due(now=…)`` is driven with explicit times.
"""

import hashlib
import hmac
import json
import os
import socket
import ssl
import subprocess
import sys
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from anjian.core import outbox
from anjian.core.models import OutboxMessage, OutboxState
from config.endpoints import direct_report_receivers
from config.schedule import PERIODIC_JOBS
from testsupport.processes import wait_until

PROVINCE_SECRET = "province-secret-0123456789"
CITY_SECRET = "city-secret-abcdefghijklmnop"
QUICK_REPORT = {"accident": "AC-2026-0001", "summary": "某厂房坍塌，死亡 1 人", "deaths": 1}


# --- the receiver --------------------------------------------------------------------------


class Receiver(ThreadingHTTPServer):
    """Records every POST and answers with the next scripted status (200 when none)."""

    daemon_threads = True

    def __init__(self, address, context):
        super().__init__(address, Handler)
        self.socket = context.wrap_socket(
            self.socket, server_side=True, do_handshake_on_connect=False
        )
        self.received: list[dict] = []
        self.answers: list[int] = []
        self.handshake_failures = 0

    def handle_error(self, request, client_address):
        self.handshake_failures += 1  # a client that refused our certificate


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        content = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append(
            {"path": self.path, "headers": dict(self.headers), "body": content}
        )
        status = self.server.answers.pop(0) if self.server.answers else 200
        self.send_response(status)
        if status in (301, 302, 303):
            self.send_header("Location", "/login")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    directory = tmp_path_factory.mktemp("receiver-tls")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-nodes", "-days", "2"),
            *("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"),
            *("-keyout", str(key), "-out", str(cert)),
            *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture(scope="module")
def server(certificate):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    receiver = Receiver(("127.0.0.1", 0), context)
    thread = threading.Thread(target=receiver.serve_forever, daemon=True)
    thread.start()
    yield receiver
    receiver.shutdown()
    receiver.server_close()


@pytest.fixture
def receiver(db, server, certificate, settings):
    """The test receiver as the configured 'province' (and a 'city' at another path)."""
    server.received.clear()
    server.answers.clear()
    server.handshake_failures = 0
    base = f"https://127.0.0.1:{server.server_address[1]}"
    settings.DIRECT_REPORT_RECEIVERS = [
        {"name": "province", "url": f"{base}/province", "secret": PROVINCE_SECRET},
        {"name": "city", "url": f"{base}/city", "secret": CITY_SECRET},
    ]
    settings.DIRECT_REPORT_CA_BUNDLE = str(certificate[0])
    settings.DIRECT_REPORT_TIMEOUT_SECONDS = 5
    return server


def verify(secret: str, headers: dict, content: bytes) -> bool:
    """What a receiver does (docs/outbox.md), written here independently of the outbox."""
    signed = headers["X-Anjian-Timestamp"].encode() + b"." + content
    expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["X-Anjian-Signature"])


def queued(topic="accident.quick_report", payload=QUICK_REPORT, subject=None):
    with transaction.atomic():
        return outbox.enqueue(topic, payload, subject=subject)


def fresh(message: OutboxMessage) -> OutboxMessage:
    return OutboxMessage.objects.get(pk=message.pk)


# --- writing -------------------------------------------------------------------------------


def test_with_no_receiver_configured_nothing_is_written_or_queued(
    db, settings, django_capture_on_commit_callbacks
):
    settings.DIRECT_REPORT_RECEIVERS = []
    with django_capture_on_commit_callbacks() as callbacks:
        assert queued() == []
    assert not OutboxMessage.objects.exists()
    assert callbacks == []


def test_one_message_per_receiver_is_written_and_delivery_queued_only_after_commit(
    receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        messages = queued()
        assert not DBTaskResult.objects.exists()  # nothing leaves before the commit
    assert sorted(message.receiver for message in messages) == ["city", "province"]
    assert len({message.message_id for message in messages}) == 2
    assert len(callbacks) == 1
    task_paths = list(DBTaskResult.objects.values_list("task_path", flat=True))
    assert task_paths == ["anjian.core.outbox.deliver_outbox"]
    assert receiver.received == []  # the task sends; enqueue never does


def test_a_transaction_that_rolls_back_sends_nothing(receiver, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        outbox.enqueue("accident.quick_report", QUICK_REPORT)
        raise RuntimeError("the report was refused")
    assert callbacks == []
    assert not OutboxMessage.objects.exists()
    assert outbox.deliver_due(now=timezone.now() + timedelta(hours=2)) == 0
    assert receiver.received == []


# --- delivering ----------------------------------------------------------------------------


def test_a_delivered_message_is_signed_so_the_receiver_can_verify_it(receiver):
    province, city = sorted(queued(), key=lambda message: message.receiver != "province")
    now = timezone.now()
    assert outbox.deliver_due(now=now) == 2
    by_path = {request["path"]: request for request in receiver.received}
    request = by_path["/province"]
    headers = request["headers"]
    assert verify(PROVINCE_SECRET, headers, request["body"])
    assert not verify(CITY_SECRET, headers, request["body"])
    assert verify(CITY_SECRET, by_path["/city"]["headers"], by_path["/city"]["body"])
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["X-Anjian-Message-Id"] == str(province.message_id)
    assert headers["X-Anjian-Topic"] == "accident.quick_report"
    assert abs(int(headers["X-Anjian-Timestamp"]) - now.timestamp()) < 60
    assert "某厂房坍塌".encode() in request["body"]  # UTF-8, not \u escapes
    envelope = json.loads(request["body"])
    assert envelope["message_id"] == str(province.message_id)
    assert envelope["topic"] == "accident.quick_report"
    assert envelope["payload"] == QUICK_REPORT
    assert envelope["created_at"].endswith("+08:00")
    province = fresh(province)
    assert (province.state, province.attempts, province.delivered_at) == ("delivered", 1, now)
    assert province.last_error == ""
    assert outbox.state_label(province, now=now) == f"已送达 {timezone.localtime(now):%H:%M}"
    assert fresh(city).state == OutboxState.DELIVERED
    assert outbox.deliver_due(now=now + timedelta(hours=3)) == 0  # delivered is final
    assert len(receiver.received) == 2


def test_a_tampered_body_fails_verification(receiver):
    queued()
    outbox.deliver_due(now=timezone.now())
    request = receiver.received[0]
    secret = PROVINCE_SECRET if request["path"] == "/province" else CITY_SECRET
    assert verify(secret, request["headers"], request["body"])
    assert not verify(secret, request["headers"], request["body"].replace(b"1", b"0"))


def test_a_503_is_retried_after_the_back_off_with_the_same_message_id_and_body(receiver, settings):
    settings.DIRECT_REPORT_RECEIVERS = settings.DIRECT_REPORT_RECEIVERS[:1]  # province
    receiver.answers[:] = [503, 200]
    [message] = queued()
    t0 = timezone.now()
    assert outbox.deliver_due(now=t0) == 0
    message = fresh(message)
    assert message.state == OutboxState.PENDING
    assert (message.attempts, message.last_error) == (1, "HTTP 503")
    assert message.next_attempt_at == t0 + timedelta(minutes=1)
    assert message.last_attempt_at == t0
    next_at = timezone.localtime(message.next_attempt_at)
    assert outbox.state_label(message, now=t0) == (
        f"待重试（第1次失败：HTTP 503），下次 {next_at:%H:%M}"
    )

    assert outbox.deliver_due(now=t0 + timedelta(seconds=59)) == 0  # not yet due
    assert len(receiver.received) == 1
    assert outbox.deliver_due(now=t0 + timedelta(minutes=1)) == 1
    message = fresh(message)
    assert (message.state, message.attempts, message.last_error) == ("delivered", 2, "")
    assert message.delivered_at == t0 + timedelta(minutes=1)
    first, second = receiver.received
    assert first["headers"]["X-Anjian-Message-Id"] == second["headers"]["X-Anjian-Message-Id"]
    assert first["body"] == second["body"]  # the receiver's idempotency key and content


def test_failures_back_off_doubling_up_to_an_hour(receiver, settings):
    settings.DIRECT_REPORT_RECEIVERS = settings.DIRECT_REPORT_RECEIVERS[:1]
    receiver.answers[:] = [500] * 9
    [message] = queued()
    at = timezone.now()
    waits = []
    for _attempt in range(9):
        outbox.deliver_due(now=at)
        message = fresh(message)
        waits.append(int((message.next_attempt_at - at).total_seconds() // 60))
        at = message.next_attempt_at
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert message.attempts == 9
    assert len(receiver.received) == 9


def test_a_certificate_no_trusted_ca_signed_is_refused_and_the_message_waits(receiver, settings):
    settings.DIRECT_REPORT_CA_BUNDLE = ""  # the system's roots: the test CA is not among them
    messages = queued()
    t0 = timezone.now()
    assert outbox.deliver_due(now=t0) == 0
    assert receiver.received == []
    # The server thread notes the failed handshakes just after the client gave up.
    wait_until(lambda: receiver.handshake_failures == 2, timeout=5, what="two refused handshakes")
    for message in map(fresh, messages):
        assert message.state == OutboxState.PENDING
        assert message.attempts == 1
        assert message.last_error.startswith("证书校验失败："), message.last_error
        assert message.next_attempt_at == t0 + timedelta(minutes=1)


def test_a_redirect_is_not_an_acknowledgement(receiver, settings):
    settings.DIRECT_REPORT_RECEIVERS = settings.DIRECT_REPORT_RECEIVERS[:1]
    receiver.answers[:] = [302]
    [message] = queued()
    assert outbox.deliver_due(now=timezone.now()) == 0
    assert [request["path"] for request in receiver.received] == ["/province"]  # not followed
    assert fresh(message).last_error == "HTTP 302"


def test_a_receiver_that_is_down_is_recorded_as_a_connection_failure(receiver, settings):
    closed = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = closed.server_address[1]
    closed.server_close()
    settings.DIRECT_REPORT_RECEIVERS = [
        {"name": "province", "url": f"https://127.0.0.1:{port}/", "secret": PROVINCE_SECRET}
    ]
    [message] = queued()
    assert outbox.deliver_due(now=timezone.now()) == 0
    message = fresh(message)
    assert message.state == OutboxState.PENDING
    assert message.last_error.startswith("连接失败："), message.last_error


def test_a_receiver_that_never_answers_times_out(receiver, settings):
    with socket.socket() as silent:  # accepts connections (backlog), never speaks TLS
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        settings.DIRECT_REPORT_TIMEOUT_SECONDS = 1
        settings.DIRECT_REPORT_RECEIVERS = [
            {"name": "province", "url": f"https://127.0.0.1:{port}/", "secret": PROVINCE_SECRET}
        ]
        [message] = queued()
        assert outbox.deliver_due(now=timezone.now()) == 0
    message = fresh(message)
    assert (message.state, message.last_error) == ("pending", "超时（1 秒无应答）")


def test_a_follow_up_waits_until_its_quick_report_is_acknowledged(receiver, settings, enterprises):
    settings.DIRECT_REPORT_RECEIVERS = settings.DIRECT_REPORT_RECEIVERS[:1]
    subject = next(iter(enterprises.values()))
    receiver.answers[:] = [503]
    [quick] = queued(subject=subject)
    [follow_up] = queued("accident.follow_up", {"deaths": 2}, subject=subject)
    [other] = queued("accident.quick_report", {"deaths": 0})  # about nothing: not held
    t0 = timezone.now()
    assert outbox.deliver_due(now=t0) == 1
    topics = [request["headers"]["X-Anjian-Topic"] for request in receiver.received]
    assert topics == ["accident.quick_report", "accident.quick_report"]
    assert fresh(follow_up).attempts == 0
    assert outbox.state_label(fresh(follow_up)) == "待发送"
    assert fresh(other).state == OutboxState.DELIVERED

    assert outbox.deliver_due(now=t0 + timedelta(minutes=1)) == 2
    ids = [request["headers"]["X-Anjian-Message-Id"] for request in receiver.received[2:]]
    assert ids == [str(quick.message_id), str(follow_up.message_id)]


def test_a_message_claimed_by_a_worker_that_died_is_sent_once_its_lease_runs_out(receiver):
    messages = queued()
    t0 = timezone.now()
    claimed = outbox._claim(t0, 10)  # a worker claims, then dies before sending
    assert {message.pk for message in claimed} == {message.pk for message in messages}
    assert outbox.deliver_due(now=t0 + timedelta(seconds=1)) == 0
    assert receiver.received == []
    assert outbox.deliver_due(now=t0 + outbox.LEASE) == 2
    # The dead worker's lease is gone: what it would record now is ignored.
    assert outbox._record(claimed[0], "HTTP 500", at=t0 + outbox.LEASE) == 0
    assert fresh(claimed[0]).state == OutboxState.DELIVERED


def test_a_message_for_a_receiver_no_longer_configured_waits_saying_so(receiver, settings):
    [province, city] = sorted(queued(), key=lambda message: message.receiver != "province")
    settings.DIRECT_REPORT_RECEIVERS = settings.DIRECT_REPORT_RECEIVERS[:1]
    assert outbox.deliver_due(now=timezone.now()) == 1
    assert fresh(province).state == OutboxState.DELIVERED
    city = fresh(city)
    assert (city.state, city.last_error) == ("pending", "接收系统未配置：city")


def test_messages_for_lists_the_messages_about_one_object(receiver, enterprises):
    first, second = list(enterprises.values())[:2]
    about_first = queued(subject=first) + queued("accident.follow_up", {}, subject=first)
    queued(subject=second)
    queued()
    listed = list(outbox.messages_for(first))
    assert [message.pk for message in listed] == [message.pk for message in about_first]


def test_enqueue_refuses_what_cannot_be_sent(receiver):
    with pytest.raises(ValueError):
        outbox.enqueue("", QUICK_REPORT)
    with pytest.raises(TypeError):
        outbox.enqueue("accident.quick_report", ["not", "an", "object"])


# --- the job -------------------------------------------------------------------------------


def test_the_delivery_job_is_declared_every_minute_and_sends_what_is_due(receiver):
    [job] = [job for job in PERIODIC_JOBS if job.name == "deliver_outbox"]
    assert job.every == timedelta(minutes=1)
    assert import_string(job.task_path) is outbox.deliver_outbox
    queued()
    assert outbox.deliver_outbox.call() == 2
    assert len(receiver.received) == 2


def test_back_off_is_one_minute_doubling_to_an_hour():
    minutes = [outbox.backoff(n).total_seconds() / 60 for n in (1, 2, 3, 6, 7, 50)]
    assert minutes == [1, 2, 4, 32, 60, 60]


# --- settings ------------------------------------------------------------------------------


def test_receivers_and_secrets_are_read_by_name():
    assert direct_report_receivers(
        "省厅=https://zb.example.gov.cn/in?x=a=b, city=https://city.example/hook",
        "city=" + CITY_SECRET + ",省厅=" + PROVINCE_SECRET + "==",
        allow_http=False,
    ) == [
        {
            "name": "省厅",
            "url": "https://zb.example.gov.cn/in?x=a=b",
            "secret": PROVINCE_SECRET + "==",
        },
        {"name": "city", "url": "https://city.example/hook", "secret": CITY_SECRET},
    ]
    assert direct_report_receivers("", "", allow_http=False) == []
    local = direct_report_receivers("p=http://127.0.0.1:9/", "p=" + CITY_SECRET, allow_http=True)
    assert local[0]["url"] == "http://127.0.0.1:9/"


@pytest.mark.parametrize(
    ("receivers", "secrets", "message"),
    [
        (
            "province=http://zb.example/",
            "province=" + PROVINCE_SECRET,
            "ANJIAN_DIRECT_REPORT_RECEIVERS: province='http://zb.example/' is plain http; use "
            "https (http only with ANJIAN_DIRECT_REPORT_ALLOW_HTTP=true, for local testing)",
        ),
        (
            "province=zb.example/in",
            "province=" + PROVINCE_SECRET,
            "ANJIAN_DIRECT_REPORT_RECEIVERS: province='zb.example/in' is not an absolute https URL",
        ),
        (
            "https://zb.example/in",
            "",
            "ANJIAN_DIRECT_REPORT_RECEIVERS: 'https://zb.example/in' is not name=https://…",
        ),
        (
            "province=https://u:p@zb.example/",
            "province=" + PROVINCE_SECRET,
            "ANJIAN_DIRECT_REPORT_RECEIVERS: province's URL carries credentials; its secret "
            "goes in ANJIAN_DIRECT_REPORT_SECRETS",
        ),
        (
            "a b=https://zb.example/",
            "",
            "ANJIAN_DIRECT_REPORT_RECEIVERS: receiver name 'a b' must be 1–40 letters, "
            "digits, _ or -",
        ),
        (
            "p=https://a.example/,p=https://b.example/",
            "p=" + PROVINCE_SECRET,
            "ANJIAN_DIRECT_REPORT_RECEIVERS: receiver 'p' is given twice",
        ),
        (
            "province=https://zb.example/",
            "",
            "ANJIAN_DIRECT_REPORT_SECRETS: no secret for 'province'",
        ),
        (
            "province=https://zb.example/",
            "province=short",
            "ANJIAN_DIRECT_REPORT_SECRETS: province's secret is shorter than 16 characters",
        ),
        (
            "province=https://zb.example/",
            f"province={PROVINCE_SECRET},city={CITY_SECRET}",
            "ANJIAN_DIRECT_REPORT_SECRETS: city is not a receiver in "
            "ANJIAN_DIRECT_REPORT_RECEIVERS",
        ),
        (
            "province=https://zb.example/",
            "province=",
            "ANJIAN_DIRECT_REPORT_SECRETS: 'province=' is not name=secret",
        ),
    ],
)
def test_bad_receiver_settings_are_refused_naming_the_variable(receivers, secrets, message):
    with pytest.raises(ImproperlyConfigured) as caught:
        direct_report_receivers(receivers, secrets, allow_http=False)
    assert str(caught.value) == message


PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps([settings.DIRECT_REPORT_RECEIVERS, settings.DIRECT_REPORT_CA_BUNDLE, "
    "settings.DIRECT_REPORT_TIMEOUT_SECONDS]))"
)


def start_settings(tmp_path, **environment) -> subprocess.CompletedProcess:
    """Start the settings in a fresh interpreter, as a deployment would (see test_env.py)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("ANJIAN_") and key not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        ANJIAN_SECRET_KEY="test-secret-key-for-a-subprocess",
        ANJIAN_VAR_DIR=str(tmp_path / "var"),
        **environment,
    )
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        (
            {"ANJIAN_DIRECT_REPORT_RECEIVERS": "p=http://127.0.0.1/"},
            "ANJIAN_DIRECT_REPORT_RECEIVERS: p='http://127.0.0.1/' is plain http",
        ),
        (
            {"ANJIAN_DIRECT_REPORT_RECEIVERS": "p=https://zb.example/"},
            "ANJIAN_DIRECT_REPORT_SECRETS: no secret for 'p'",
        ),
        (
            {"ANJIAN_DIRECT_REPORT_ALLOW_HTTP": "perhaps"},
            "ANJIAN_DIRECT_REPORT_ALLOW_HTTP='perhaps' is not a boolean",
        ),
        (
            {"ANJIAN_DIRECT_REPORT_CA_BUNDLE": "/nonexistent/ca.pem"},
            "ANJIAN_DIRECT_REPORT_CA_BUNDLE='/nonexistent/ca.pem': no such file",
        ),
        (
            {"ANJIAN_DIRECT_REPORT_TIMEOUT_SECONDS": "0"},
            "ANJIAN_DIRECT_REPORT_TIMEOUT_SECONDS=0 must be at least 1",
        ),
        (
            {"ANJIAN_DIRECT_REPORT_TIMEOUT_SECONDS": "600"},
            "ANJIAN_DIRECT_REPORT_TIMEOUT_SECONDS=600 must be 1–60",
        ),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(tmp_path, environment, message):
    result = start_settings(tmp_path, **environment)
    assert result.returncode != 0, result.stdout
    last_line = result.stderr.strip().splitlines()[-1]
    prefix = "django.core.exceptions.ImproperlyConfigured: "
    assert last_line.startswith(prefix + message), result.stderr


def test_good_values_are_read_at_start_up(tmp_path, certificate):
    result = start_settings(
        tmp_path,
        ANJIAN_DIRECT_REPORT_RECEIVERS="local=http://127.0.0.1:8999/in",
        ANJIAN_DIRECT_REPORT_SECRETS="local=" + PROVINCE_SECRET,
        ANJIAN_DIRECT_REPORT_ALLOW_HTTP="true",
        ANJIAN_DIRECT_REPORT_CA_BUNDLE=str(certificate[0]),
        ANJIAN_DIRECT_REPORT_TIMEOUT_SECONDS="3",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        [{"name": "local", "url": "http://127.0.0.1:8999/in", "secret": PROVINCE_SECRET}],
        str(certificate[0]),
        3,
    ]


def test_by_default_the_feature_is_off(tmp_path):
    result = start_settings(tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [[], "", 10]
