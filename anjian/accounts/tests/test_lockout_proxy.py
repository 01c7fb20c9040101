"""Behind a reverse proxy: the client's address comes from X-Forwarded-For only when the
request comes from a trusted proxy (ANJIAN_TRUSTED_PROXIES), for login lock-outs and the
audit trail alike — so nobody can lock an account for everyone, dodge a lock-out, or write
an address of their choice into the audit trail."""

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse

from anjian.core.network import client_ip
from anjian.core.tests.test_env import refused, start_settings
from testsupport import world

LOGIN = reverse("accounts:login")
PROXY = "10.0.0.1"
ATTACKER = "203.0.113.66"
LEADER_PC = "198.51.100.7"


def request_from(remote_addr: str | None, forwarded: str | None = None):
    meta = {}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    request = RequestFactory().get("/", **meta)
    if remote_addr is None:
        del request.META["REMOTE_ADDR"]
    else:
        request.META["REMOTE_ADDR"] = remote_addr
    return request


def login(username, password, *, remote_addr=PROXY, forwarded=None, client=None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    client = client or Client()
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY]


# --- client_ip ---------------------------------------------------------------------------------


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request_from(ATTACKER, "1.2.3.4")) == ATTACKER


def test_the_header_of_a_client_that_is_not_a_proxy_is_ignored(behind_proxy):
    assert client_ip(request_from(ATTACKER, "1.2.3.4")) == ATTACKER


def test_from_the_proxy_the_right_most_address_is_the_client(behind_proxy):
    assert client_ip(request_from(PROXY, LEADER_PC)) == LEADER_PC
    # What the client wrote itself stays on the left and is never believed.
    assert client_ip(request_from(PROXY, f"1.2.3.4, {LEADER_PC}")) == LEADER_PC


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "2001:db8:ff::/48"]
    chain = f"6.6.6.6, {LEADER_PC}, 10.0.0.2, 2001:db8:ff::5"
    assert client_ip(request_from(PROXY, chain)) == LEADER_PC


def test_when_every_hop_is_a_proxy_the_farthest_one_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_ip(request_from(PROXY, "10.0.0.3, 10.0.0.2")) == "10.0.0.3"


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("", PROXY),  # an empty header
        ("unknown", PROXY),  # nonsense where the client should be: the proxy is all we know
        (f"{LEADER_PC}, not-an-ip", PROXY),  # nonsense from the proxy ends the walk
        (f"not-an-ip, {LEADER_PC}", LEADER_PC),  # nonsense on the client's side is never read
        ("198.51.100.7:4711", LEADER_PC),  # a port is dropped
        ("[2001:db8::7]:4711", "2001:db8::7"),
        ("2001:DB8::7", "2001:db8::7"),
        ("999.1.1.1", PROXY),
    ],
)
def test_header_values_are_parsed_strictly(behind_proxy, forwarded, expected):
    assert client_ip(request_from(PROXY, forwarded)) == expected


def test_an_ipv4_mapped_peer_address_matches_an_ipv4_proxy(behind_proxy):
    assert client_ip(request_from(f"::ffff:{PROXY}", LEADER_PC)) == LEADER_PC


def test_no_usable_peer_address_gives_none(behind_proxy):
    assert client_ip(request_from(None)) is None
    assert client_ip(request_from("", LEADER_PC)) is None


def test_a_bad_trusted_proxy_stops_start_up(tmp_path):
    assert refused(tmp_path, ANJIAN_TRUSTED_PROXIES="10.0.0.1,proxy.internal") == (
        "ANJIAN_TRUSTED_PROXIES: 'proxy.internal' is not an IP address or network "
        "(e.g. 10.0.0.5 or 10.0.0.0/24)"
    )
    assert refused(tmp_path, ANJIAN_TRUSTED_PROXIES="10.0.0.1/24").startswith(
        "ANJIAN_TRUSTED_PROXIES: '10.0.0.1/24'"
    )


def test_trusted_proxies_are_read_from_the_environment(tmp_path):
    result = start_settings(tmp_path, ANJIAN_TRUSTED_PROXIES="10.0.0.1, 10.1.0.0/16, ::1")
    assert result.returncode == 0, result.stderr


def test_the_default_trusts_no_proxy_and_axes_asks_client_ip():
    assert settings.TRUSTED_PROXIES == []
    assert settings.AXES_CLIENT_IP_CALLABLE == "anjian.core.network.client_ip"


# --- lock-outs behind the proxy ----------------------------------------------------------------


def test_an_attacker_behind_the_proxy_locks_only_their_own_address(behind_proxy, leader):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = login("leader", f"wrong-{attempt}", forwarded=ATTACKER)
    assert response.status_code == 429
    # The real leader, through the same proxy, still gets in.
    assert login("leader", world.PASSWORD, forwarded=LEADER_PC).status_code == 302
    assert AccessAttempt.objects.get(username="leader").ip_address == ATTACKER


def test_rotating_a_forged_header_through_the_proxy_does_not_dodge_the_lockout(
    behind_proxy, leader
):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = login("leader", "wrong", forwarded=f"192.0.2.{attempt}, {ATTACKER}")
    assert response.status_code == 429


def test_a_direct_client_cannot_choose_its_lockout_address_with_the_header(leader):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = login("leader", "wrong", remote_addr=ATTACKER, forwarded=f"192.0.2.{attempt}")
    assert response.status_code == 429
    assert AccessAttempt.objects.get(username="leader").ip_address == ATTACKER


# --- the audit trail ---------------------------------------------------------------------------


def rename_leader(admin, **extra):
    client = Client()
    client.force_login(admin)
    leader = world.actor("leader")
    data = {
        "username": "leader",
        "name": "新名字",
        "phone": "",
        "role": leader.role,
        "region": leader.region_id,
        "department": "",
        "is_active": "on",
    }
    response = client.post(reverse("accounts:user_edit", args=[leader.pk]), data, **extra)
    assert response.status_code == 302
    return LogEntry.objects.get_for_object(leader).latest("timestamp")


def test_the_audit_trail_ignores_a_forged_forwarded_header(admin, leader):
    entry = rename_leader(
        admin, REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="6.6.6.6", HTTP_X_FORWARDED_PORT="1"
    )
    assert entry.actor == admin
    assert entry.remote_addr == ATTACKER
    assert entry.remote_port != 1


def test_the_audit_trail_records_the_client_behind_a_trusted_proxy(behind_proxy, admin, leader):
    entry = rename_leader(
        admin,
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"6.6.6.6, {LEADER_PC}",
        HTTP_X_FORWARDED_PORT="443",
    )
    assert entry.remote_addr == LEADER_PC
    assert entry.remote_port == 443
